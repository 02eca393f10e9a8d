-- Purpose: the report's ETAs: containers on a XIAN-BAKU journey in progress by UTC day of their ETA and stage.
-- Run only when marts.container_status exists.
-- Grain: one row per ETA day × stage.
SELECT CAST(eta_utc AS DATE) AS eta_day, stage, count(*) AS containers
FROM marts.container_status
WHERE eta_utc IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2;
