-- Purpose: the staged versions one batch displaces: same version key, other content, published later than
-- the batch's record (a conflicting re-publication loaded before its original, a later window first).
-- Grain: one row per displaced record (its content hash).
SELECT DISTINCT s.record_hash
FROM read_parquet($rows_path) AS b
JOIN {{ staging_table }} AS s ON {{ key_match }}
WHERE s.record_hash <> b.record_hash
  AND (s.published_utc, s.record_hash) > (b.published_utc, b.record_hash)
  AND NOT list_contains($quarantined_records, b._record)
ORDER BY 1;
