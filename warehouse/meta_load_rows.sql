-- Purpose: the meta.load rows of one run's loads, for its table artifact.
-- Grain: one row per load.
SELECT load_id, operator_code, feed, window_from_utc, window_to_utc, status, records_received, records_loaded,
       records_quarantined, started_utc, finished_utc, error
FROM meta.load
WHERE list_contains($load_ids, load_id)
ORDER BY operator_code, feed, started_utc;
