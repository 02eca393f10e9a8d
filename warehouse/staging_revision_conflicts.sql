-- Purpose: the records of one staged batch whose version key is already staged with other content
-- (a conflicting re-publication: same id and revision, different record), published no earlier than the
-- staged one: the earliest publication of a version is the record, whichever window was loaded first.
-- Grain: one row per conflicting record of the batch (its `_record` number).
SELECT DISTINCT b._record
FROM read_parquet($rows_path) AS b
JOIN {{ staging_table }} AS s ON {{ key_match }}
WHERE s.record_hash <> b.record_hash
  AND (s.published_utc, s.record_hash) <= (b.published_utc, b.record_hash)
ORDER BY 1;
