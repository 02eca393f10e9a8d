-- Purpose: mark a load published, with its counts (in the transaction that publishes it to core).
-- Grain: one row per load.
UPDATE meta.load
SET status = 'SUCCEEDED', records_received = $received, records_loaded = $loaded,
    records_quarantined = $quarantined, finished_utc = $now_utc
WHERE load_id = $load_id;
