-- Typed Port of Aktau records (feeds.md, Port of Aktau). No source revision: revision is 1 and a
-- version is (id, published_utc); every published version is kept, the latest published wins in core.

-- Tracking: one row per distinct (move_id, published_utc) received (recordedAt).
CREATE TABLE staging.aktau_move (
    move_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    move_type VARCHAR NOT NULL,
    event_time_utc TIMESTAMP NOT NULL,
    equipment_kind VARCHAR NOT NULL,
    equipment_no VARCHAR NOT NULL,
    container_no VARCHAR,
    wagon_no VARCHAR,
    iso_size_type VARCHAR,
    is_laden BOOLEAN,
    carrier_mode VARCHAR,
    carrier_ref VARCHAR,
    train_no VARCHAR,
    vessel_imo VARCHAR,
    call_id VARCHAR,
    gross_weight_t DOUBLE,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (move_id, published_utc)
);

-- Schedule: one row per published version of a call (updatedAt): the ETA history.
CREATE TABLE staging.aktau_vessel_call (
    call_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    vessel_name VARCHAR,
    vessel_imo VARCHAR NOT NULL,
    voyage_in VARCHAR,
    voyage_out VARCHAR,
    berth VARCHAR,
    eta_utc TIMESTAMP,
    etb_utc TIMESTAMP,
    etd_utc TIMESTAMP,
    ata_utc TIMESTAMP,
    atd_utc TIMESTAMP,
    status VARCHAR,
    next_port VARCHAR,
    etd_minus_eta_hours DOUBLE,
    actual_lateness_hours DOUBLE,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (call_id, published_utc)
);

-- Cargo: one row per distinct (line_id, published_utc) received (updatedAt).
CREATE TABLE staging.aktau_manifest_line (
    line_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    call_id VARCHAR,
    bill_of_lading VARCHAR,
    waybill_no VARCHAR,
    equipment_kind VARCHAR,
    equipment_no VARCHAR,
    container_no VARCHAR,
    wagon_no VARCHAR,
    iso_size_type VARCHAR,
    is_laden BOOLEAN,
    hs_code VARCHAR,
    cargo_description VARCHAR,
    gross_weight_t DOUBLE,
    port_of_loading VARCHAR NOT NULL,
    port_of_discharge VARCHAR NOT NULL,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (line_id, published_utc)
);
