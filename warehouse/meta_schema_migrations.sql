-- Purpose: the migrations a warehouse has applied (creating the record of them on a new file).
-- Grain: one row per applied migration.
CREATE SCHEMA IF NOT EXISTS meta;
CREATE TABLE IF NOT EXISTS meta.schema_migration (
    version INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    applied_utc TIMESTAMP NOT NULL
);
SELECT version FROM meta.schema_migration ORDER BY version;
