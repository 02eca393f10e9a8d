-- Purpose: the report's Track and Trace summary: containers by current stage, in the corridor's order,
-- and how many of them have an ETA. Run only when marts.container_status exists.
-- Grain: one row per stage present.
SELECT stage, count(*) AS containers, count(eta_utc) AS with_eta, max(last_event_utc) AS last_event_utc
FROM marts.container_status
GROUP BY stage
ORDER BY list_position(['KZ_RAIL', 'AKTAU_PORT', 'AT_SEA', 'BAKU_PORT', 'AZ_RAIL', 'DELIVERED'], stage) NULLS LAST, stage;
