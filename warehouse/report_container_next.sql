-- Purpose: the report's next arrivals: the containers in progress with the earliest ETAs, and where they are.
-- Run only when marts.container_status exists.
-- Grain: one row per container (at most 12).
SELECT s.container_no, s.waybill_no, s.stage, s.last_event_type, s.last_event_utc,
       coalesce(l.name, s.last_location_code) AS last_location, s.eta_utc, s.eta_basis
FROM marts.container_status AS s
LEFT JOIN core.dim_location AS l ON l.location_code = s.last_location_code
WHERE s.eta_utc IS NOT NULL
ORDER BY s.eta_utc, s.container_no
LIMIT 12;
