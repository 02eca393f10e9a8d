-- Typed KTZ consignments (cargo feed), one row per distinct (waybill_no, revision) received.
CREATE TABLE staging.ktz_consignment (
    waybill_no VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    status VARCHAR,
    equipment_kind VARCHAR NOT NULL,
    container_no VARCHAR,
    iso_size_type VARCHAR,
    wagon_no VARCHAR,
    origin_esr VARCHAR NOT NULL,
    destination_esr VARCHAR NOT NULL,
    exit_esr VARCHAR NOT NULL,
    etsng_code VARCHAR,
    gng_code VARCHAR,
    hs_code VARCHAR,
    cargo_description VARCHAR,
    gross_weight_t DOUBLE NOT NULL,
    accepted_utc TIMESTAMP NOT NULL,
    train_no VARCHAR,
    shipper_country VARCHAR,
    consignee_country VARCHAR,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (waybill_no, revision)
);

-- Typed KTZ train plans (schedule feed), one row per stop of each published plan
-- (plan_id = <service_date>/<train_no>; a later publication for a date is a new version).
CREATE TABLE staging.ktz_train_stop (
    plan_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    service_date DATE NOT NULL,
    train_no VARCHAR NOT NULL,
    service_code VARCHAR,
    origin_esr VARCHAR,
    destination_esr VARCHAR,
    stop_seq INTEGER NOT NULL,
    esr VARCHAR NOT NULL,
    planned_arrival_utc TIMESTAMP,
    planned_departure_utc TIMESTAMP,
    stop_dwell_hours DOUBLE,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (plan_id, published_utc, stop_seq)
);
