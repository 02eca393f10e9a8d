-- Purpose: land every record of one staged batch as received (append-only).
-- Grain: one row per record received.
INSERT INTO raw.record (load_id, page_id, record_index, operator_code, feed, source_record_id, source_revision, record)
SELECT load_id, page_id, record_index, operator_code, feed, source_record_id, source_revision, record
FROM read_parquet($records_path)
ORDER BY _record;
