-- Track and Trace (warehouse.md, marts.container_status): one row per container in core.fact_equipment_event,
-- as of its latest event, with its stage and, on a XIAN-BAKU journey in progress, its ETA and the number of
-- completed journeys behind it. Rebuilt after every sync by marts_container_status.sql. Like the other marts it
-- declares no PRIMARY KEY: its grain (container_no) is checked after every sync (unique:marts.container_status).
CREATE TABLE marts.container_status (
    container_no VARCHAR NOT NULL,
    last_event_type VARCHAR NOT NULL,
    last_transport_mode VARCHAR NOT NULL,
    last_event_utc TIMESTAMP NOT NULL,
    last_location_code VARCHAR NOT NULL,
    last_operator_code VARCHAR NOT NULL,
    waybill_no VARCHAR,
    train_no VARCHAR,
    vessel_imo VARCHAR,
    stage VARCHAR NOT NULL,
    eta_utc TIMESTAMP,
    eta_basis BIGINT
);
