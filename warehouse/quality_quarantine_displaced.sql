-- Purpose: quarantine the staged versions a batch displaced (see staging_revision_displaced.sql), as the
-- conflicting re-publications they are; their raw records are in raw.record.
-- Grain: one row per distinct (operator, feed, record, revision), as quality_quarantine_merge.sql.
MERGE INTO quality.quarantine AS x
USING (
    SELECT $operator_code AS operator_code, $feed AS feed, source_record_id, source_revision,
           ['revision_consistent'] AS reasons, min(record) AS raw_record, min(record_hash) AS record_hash
    FROM (SELECT source_record_id, source_revision, record, sha256(record) AS record_hash  -- as stage hashes it
          FROM raw.record WHERE operator_code = $operator_code AND feed = $feed)
    WHERE list_contains($record_hashes, record_hash)
    GROUP BY source_record_id, source_revision
) AS q
ON x.operator_code = q.operator_code AND x.feed = q.feed
   AND coalesce(x.source_record_id, x.record_hash) = coalesce(q.source_record_id, q.record_hash)
   AND x.source_revision IS NOT DISTINCT FROM q.source_revision
WHEN NOT MATCHED THEN
    INSERT (operator_code, feed, source_record_id, source_revision, reasons, raw_record, record_hash, load_id, quarantined_utc)
    VALUES (q.operator_code, q.feed, q.source_record_id, q.source_revision, q.reasons, q.raw_record, q.record_hash,
            $load_id, $now_utc);
