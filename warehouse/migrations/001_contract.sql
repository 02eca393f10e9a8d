-- The six schemas and the analyst-facing contract tables of warehouse.md.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS marts;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE SCHEMA IF NOT EXISTS meta;

CREATE TABLE meta.load (
    load_id VARCHAR PRIMARY KEY,
    operator_code VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    window_from_utc TIMESTAMP,
    window_to_utc TIMESTAMP,
    status VARCHAR NOT NULL,
    records_received BIGINT,
    records_loaded BIGINT,
    records_quarantined BIGINT,
    started_utc TIMESTAMP NOT NULL,
    finished_utc TIMESTAMP,
    error VARCHAR
);

CREATE TABLE meta.watermark (
    operator_code VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    watermark_utc TIMESTAMP NOT NULL,
    load_id VARCHAR NOT NULL,
    updated_utc TIMESTAMP NOT NULL,
    PRIMARY KEY (operator_code, feed)
);

CREATE TABLE raw.page (
    page_id VARCHAR PRIMARY KEY,
    load_id VARCHAR NOT NULL,
    operator_code VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    url VARCHAR NOT NULL,
    params VARCHAR,
    http_status INTEGER,
    content_hash VARCHAR,
    records INTEGER,
    fetched_utc TIMESTAMP NOT NULL
);

CREATE TABLE raw.record (
    load_id VARCHAR NOT NULL,
    page_id VARCHAR NOT NULL,
    record_index INTEGER NOT NULL,
    operator_code VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    source_record_id VARCHAR,
    source_revision INTEGER,
    record VARCHAR NOT NULL
);

CREATE TABLE core.dim_location (
    location_code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    location_type VARCHAR NOT NULL,
    esr_code VARCHAR,
    unlocode VARCHAR,
    timezone VARCHAR NOT NULL,
    latitude DOUBLE,
    longitude DOUBLE,
    aliases VARCHAR[]
);

CREATE TABLE core.dim_operator (
    operator_code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    country_code VARCHAR NOT NULL,
    operator_type VARCHAR NOT NULL
);

CREATE TABLE core.map_event_type (
    operator_code VARCHAR NOT NULL,
    source_code VARCHAR NOT NULL,
    equipment_kind VARCHAR,
    event_type VARCHAR,
    transport_mode VARCHAR
);

CREATE TABLE core.fact_equipment_event (
    event_id VARCHAR NOT NULL,
    operator_code VARCHAR NOT NULL,
    source_record_id VARCHAR NOT NULL,
    source_revision INTEGER NOT NULL,
    equipment_kind VARCHAR NOT NULL,
    container_no VARCHAR,
    wagon_no VARCHAR,
    event_type VARCHAR NOT NULL,
    transport_mode VARCHAR NOT NULL,
    event_time_utc TIMESTAMP NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    location_code VARCHAR NOT NULL,
    train_no VARCHAR,
    vessel_imo VARCHAR,
    voyage_no VARCHAR,
    waybill_no VARCHAR,
    is_laden BOOLEAN,
    load_id VARCHAR NOT NULL
);

CREATE TABLE core.fact_consignment (
    waybill_no VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    equipment_kind VARCHAR,
    container_no VARCHAR,
    iso_size_type VARCHAR,
    wagon_no VARCHAR,
    teu DOUBLE,
    gross_weight_t DECIMAL(12,3),
    etsng_code VARCHAR,
    hs_code VARCHAR,
    origin_location_code VARCHAR,
    destination_location_code VARCHAR,
    accepted_utc TIMESTAMP,
    direction VARCHAR,
    reported_by VARCHAR[],
    crosses_caspian BOOLEAN,
    load_id VARCHAR NOT NULL
);

CREATE TABLE core.fact_vessel_call (
    call_id VARCHAR NOT NULL,
    port_unlocode VARCHAR NOT NULL,
    operator_code VARCHAR NOT NULL,
    source_revision INTEGER NOT NULL,
    vessel_imo VARCHAR,
    vessel_name VARCHAR,
    voyage_no VARCHAR,
    eta_utc TIMESTAMP,
    etd_utc TIMESTAMP,
    ata_utc TIMESTAMP,
    atd_utc TIMESTAMP,
    status VARCHAR,
    published_utc TIMESTAMP NOT NULL,
    load_id VARCHAR NOT NULL
);

CREATE TABLE core.fact_vessel_call_version (
    call_id VARCHAR NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    eta_utc TIMESTAMP,
    etd_utc TIMESTAMP,
    ata_utc TIMESTAMP,
    atd_utc TIMESTAMP,
    status VARCHAR,
    load_id VARCHAR NOT NULL
);

CREATE TABLE core.fact_train_stop (
    operator_code VARCHAR NOT NULL,
    train_no VARCHAR NOT NULL,
    service_date DATE NOT NULL,
    service_code VARCHAR,
    stop_seq INTEGER NOT NULL,
    location_code VARCHAR NOT NULL,
    planned_arrival_utc TIMESTAMP,
    planned_departure_utc TIMESTAMP,
    actual_arrival_utc TIMESTAMP,
    actual_departure_utc TIMESTAMP,
    load_id VARCHAR NOT NULL
);

CREATE TABLE marts.corridor_volume_monthly (
    month DATE NOT NULL,
    direction VARCHAR NOT NULL,
    consignments BIGINT,
    containers BIGINT,
    wagons BIGINT,
    teu DOUBLE,
    gross_weight_t DECIMAL(12,3),
    prev_year_gross_weight_t DECIMAL(12,3),
    yoy_pct DOUBLE
);

CREATE TABLE marts.container_transit (
    container_no VARCHAR NOT NULL,
    waybill_no VARCHAR,
    train_no VARCHAR,
    origin_location_code VARCHAR,
    destination_location_code VARCHAR,
    departed_utc TIMESTAMP,
    arrived_utc TIMESTAMP,
    transit_days DOUBLE,
    kz_rail_hours DOUBLE,
    aktau_dwell_hours DOUBLE,
    sea_hours DOUBLE,
    baku_dwell_hours DOUBLE,
    az_rail_hours DOUBLE
);

CREATE TABLE marts.train_service_monthly (
    month DATE NOT NULL,
    service_code VARCHAR NOT NULL,
    trains BIGINT,
    containers BIGINT,
    containers_per_train DOUBLE,
    median_transit_days DOUBLE
);

CREATE TABLE marts.schedule_adherence_monthly (
    month DATE NOT NULL,
    operator_code VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    planned BIGINT,
    observed BIGINT,
    on_time BIGINT,
    on_time_pct DOUBLE,
    mean_delay_hours DOUBLE
);

CREATE TABLE marts.port_dwell_monthly (
    month DATE NOT NULL,
    port_unlocode VARCHAR NOT NULL,
    equipment_kind VARCHAR NOT NULL,
    moves BIGINT,
    median_dwell_hours DOUBLE,
    p90_dwell_hours DOUBLE
);

CREATE TABLE marts.waybill_reconciliation (
    waybill_no VARCHAR NOT NULL,
    issue VARCHAR NOT NULL,
    ktz_weight_t DECIMAL(12,3),
    ady_weight_t DECIMAL(12,3),
    aktau_weight_t DECIMAL(12,3),
    baku_weight_t DECIMAL(12,3)
);

CREATE TABLE quality.quarantine (
    operator_code VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    source_record_id VARCHAR,
    source_revision INTEGER,
    reasons VARCHAR[] NOT NULL,
    raw_record VARCHAR NOT NULL,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    quarantined_utc TIMESTAMP NOT NULL
);

CREATE TABLE quality.validation_run (
    load_id VARCHAR NOT NULL,
    operator_code VARCHAR NOT NULL,
    feed VARCHAR NOT NULL,
    suite VARCHAR NOT NULL,
    records BIGINT NOT NULL,
    passed BIGINT NOT NULL,
    quarantined BIGINT NOT NULL,
    success BOOLEAN NOT NULL,
    validated_utc TIMESTAMP NOT NULL
);
