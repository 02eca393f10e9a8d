-- Purpose: one container worth tracking in the demo: a XIAN-BAKU journey in progress with an ETA, else any.
-- Grain: one row (or none).
SELECT container_no FROM marts.container_status ORDER BY eta_utc IS NULL, container_no LIMIT 1;
