-- Purpose: loads a killed process left RUNNING become FAILED (publishing is atomic: nothing of them is in core).
-- Grain: one row per interrupted load (returned).
UPDATE meta.load
SET status = 'FAILED', finished_utc = $now_utc,
    error = operator_code || ' ' || feed
            || ': interrupted (the process ended before the load finished); nothing of it was published'
WHERE status = 'RUNNING'
RETURNING load_id;
