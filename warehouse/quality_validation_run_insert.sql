-- Purpose: record one validation of one batch (or one warehouse check, feed 'warehouse').
-- Grain: one row per validation.
INSERT INTO quality.validation_run (load_id, operator_code, feed, suite, records, passed, quarantined, success, validated_utc, seconds)
VALUES ($load_id, $operator_code, $feed, $suite, $records, $passed, $quarantined, $success, $validated_utc, $seconds);
