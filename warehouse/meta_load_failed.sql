-- Purpose: mark a load failed with its reason; nothing of a failed load is published, so none loaded.
-- Grain: one row per load.
UPDATE meta.load
SET status = 'FAILED', records_received = $received, records_loaded = 0,
    records_quarantined = $quarantined, finished_utc = $now_utc, error = $error
WHERE load_id = $load_id;
