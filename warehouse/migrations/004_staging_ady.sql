-- Typed ADY shipments (cargo feed), one row per distinct (waybill_no, revision) received.
CREATE TABLE staging.ady_shipment (
    waybill_no VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    container_no VARCHAR,
    iso_size_type VARCHAR,
    wagon_no VARCHAR,
    origin_esr VARCHAR NOT NULL,
    destination_esr VARCHAR NOT NULL,
    entry_esr VARCHAR,
    etsng_code VARCHAR,
    cargo_description VARCHAR,
    gross_weight_t DOUBLE NOT NULL,
    accepted_utc TIMESTAMP NOT NULL,
    train_no VARCHAR,
    status VARCHAR,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (waybill_no, revision)
);

-- Typed ADY timetable (schedule feed), one row per stop of each fetched plan; same columns as
-- staging.ktz_train_stop (plan_id = <date>/<qatar_no>; published_utc = when the file was fetched).
CREATE TABLE staging.ady_train_stop (
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

-- Typed ADY operations (tracking feed), one row per distinct (op_id, revision); same columns as
-- staging.ktz_operation.
CREATE TABLE staging.ady_operation (
    op_id VARCHAR NOT NULL,
    revision INTEGER NOT NULL,
    published_utc TIMESTAMP NOT NULL,
    op_code VARCHAR NOT NULL,
    event_time_utc TIMESTAMP NOT NULL,
    esr VARCHAR NOT NULL,
    train_no VARCHAR,
    wagon_no VARCHAR,
    container_no VARCHAR,
    waybill_no VARCHAR,
    is_laden BOOLEAN,
    record_hash VARCHAR NOT NULL,
    load_id VARCHAR NOT NULL,
    PRIMARY KEY (op_id, revision)
);
