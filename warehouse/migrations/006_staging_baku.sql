-- Typed Port of Baku records (feeds.md, Port of Baku). Local times (Asia/Baku) are stored in UTC.

-- Tracking: one row per distinct (event_id, revision) received.
CREATE TABLE staging.baku_terminal_event (
    event_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    event_type_code VARCHAR NOT NULL,
    event_time_utc TIMESTAMP NOT NULL,
    equipment_kind VARCHAR NOT NULL,
    equipment_no VARCHAR NOT NULL,
    container_no VARCHAR,
    wagon_no VARCHAR,
    iso_size_type VARCHAR,
    is_laden BOOLEAN,
    transport_mode VARCHAR,
    vessel_imo VARCHAR,
    voyage_no VARCHAR,
    train_no VARCHAR,
    truck_plate VARCHAR,
    gross_weight_t DOUBLE,
    facility VARCHAR,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (event_id, revision)
);

-- Schedule: one row per published version of a call (`updated`); no source revision, so revision is 1.
CREATE TABLE staging.baku_vessel_call (
    call_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    status VARCHAR,
    vessel_imo VARCHAR NOT NULL,
    vessel_name VARCHAR,
    voyage_no VARCHAR,
    prev_port VARCHAR,
    eta_utc TIMESTAMP,
    etb_utc TIMESTAMP,
    etd_utc TIMESTAMP,
    ata_utc TIMESTAMP,
    atd_utc TIMESTAMP,
    etd_minus_eta_hours DOUBLE,
    actual_lateness_hours DOUBLE,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (call_id, published_utc)
);

-- Cargo: one row per distinct (declaration_id, revision) received.
CREATE TABLE staging.baku_declaration (
    declaration_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    call_id VARCHAR,
    waybill_no VARCHAR,
    equipment_kind VARCHAR,
    equipment_no VARCHAR,
    container_no VARCHAR,
    wagon_no VARCHAR,
    is_laden BOOLEAN,
    hs_code VARCHAR NOT NULL,
    cargo_description VARCHAR,
    gross_weight_t DOUBLE,
    origin_port VARCHAR,
    destination_port VARCHAR,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (declaration_id, revision)
);
