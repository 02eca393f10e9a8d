-- Purpose: the report's header: what the data covers and when it was last loaded.
-- Grain: one row.
SELECT
    current_database() AS database_name,
    (SELECT min(event_time_utc) FROM core.fact_equipment_event) AS first_event_utc,
    (SELECT max(event_time_utc) FROM core.fact_equipment_event) AS last_event_utc,
    (SELECT min(accepted_utc) FROM core.fact_consignment) AS first_accepted_utc,
    (SELECT max(accepted_utc) FROM core.fact_consignment) AS last_accepted_utc,
    (SELECT max(finished_utc) FROM meta.load WHERE status = 'SUCCEEDED') AS last_load_utc,
    (SELECT count(*) FROM meta.load WHERE status = 'SUCCEEDED') AS loads;
