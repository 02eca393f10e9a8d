-- Purpose: record that one feed's load has started (RUNNING until published or failed).
-- Grain: one row per load.
INSERT INTO meta.load (load_id, operator_code, feed, window_from_utc, window_to_utc, status, started_utc)
VALUES ($load_id, $operator_code, $feed, $window_from_utc, $window_to_utc, 'RUNNING', $now_utc);
