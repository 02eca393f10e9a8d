-- Purpose: land each response of one staged batch (URL without secrets, parameters, status, hash, time).
-- Grain: one row per page.
INSERT INTO raw.page (page_id, load_id, operator_code, feed, url, params, http_status, content_hash, records, fetched_utc)
SELECT page_id, load_id, operator_code, feed, url, params, http_status, content_hash, records, fetched_utc
FROM read_parquet($pages_path);
