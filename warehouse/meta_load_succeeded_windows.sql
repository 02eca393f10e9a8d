-- Purpose: the windows each feed has published, so a resumed backfill skips the chunks already committed.
-- Grain: one row per operator × feed × window with a SUCCEEDED load.
SELECT DISTINCT operator_code, feed, window_from_utc, window_to_utc
FROM meta.load
WHERE status = 'SUCCEEDED';
