-- Purpose: record one applied migration (in the transaction that applies it).
-- Grain: one row per migration.
INSERT INTO meta.schema_migration (version, name, applied_utc) VALUES ($version, $name, $now_utc);
