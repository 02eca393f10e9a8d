-- Purpose: quarantine one staged batch's rejected records with the rules they failed: those validation
-- rejected or the connector refused, and those conflicting with an already staged version.
-- Grain: one row per distinct (operator, feed, record, revision); an unreadable id is keyed by content.
-- Within the batch too, a twin under the same key adds its reasons to the first.
MERGE INTO quality.quarantine AS x
USING (
    WITH rejected AS (
        SELECT _record, source_record_id, source_revision, reasons, raw_record, record_hash
        FROM read_parquet($quarantined_path)
        UNION ALL
        SELECT r._record, r.source_record_id, r.source_revision, ['revision_consistent'], r.record, r.record_hash
        FROM read_parquet($records_path) AS r
        WHERE list_contains($conflicting_records, r._record)
    )
    SELECT $operator_code AS operator_code, $feed AS feed,
           arg_min(source_record_id, _record) AS source_record_id,
           arg_min(source_revision, _record) AS source_revision,
           list_sort(list_distinct(flatten(list(reasons)))) AS reasons,
           arg_min(raw_record, _record) AS raw_record,
           arg_min(record_hash, _record) AS record_hash
    FROM rejected
    GROUP BY coalesce(source_record_id, record_hash), coalesce(source_revision, -1)
) AS q
ON x.operator_code = q.operator_code AND x.feed = q.feed
   AND coalesce(x.source_record_id, x.record_hash) = coalesce(q.source_record_id, q.record_hash)
   AND x.source_revision IS NOT DISTINCT FROM q.source_revision
WHEN NOT MATCHED THEN
    INSERT (operator_code, feed, source_record_id, source_revision, reasons, raw_record, record_hash, load_id, quarantined_utc)
    VALUES (q.operator_code, q.feed, q.source_record_id, q.source_revision, q.reasons, q.raw_record, q.record_hash,
            $load_id, $now_utc);
