-- Typed KTZ operations (tracking feed), one row per distinct (op_id, revision) received.
CREATE TABLE staging.ktz_operation (
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
