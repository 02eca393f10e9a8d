-- Purpose: write one staged batch's passing rows into its feed's staging table. A re-delivered record
-- (same version, same content) is re-attributed to this load, so that publishing by load id picks it
-- up even when an earlier load failed before publishing.
-- Grain: one row per record version (and stop, for a train plan), as the table's key says.
MERGE INTO {{ staging_table }} AS s
USING (
    SELECT {{ columns }}
    FROM read_parquet($rows_path)
    WHERE NOT list_contains($quarantined_records, _record)
) AS b
ON {{ key_match }}
WHEN MATCHED AND s.record_hash <> b.record_hash THEN UPDATE SET *  -- the original displacing a later conflicting version
WHEN MATCHED THEN UPDATE SET load_id = b.load_id
WHEN NOT MATCHED THEN INSERT BY NAME;
