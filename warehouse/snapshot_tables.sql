-- Purpose: what the analysts' snapshot holds (operations.md, "Analysts read a snapshot"): every table of
-- the core, marts, quality and meta schemas, with its comment. raw and staging belong to the sync alone.
-- Grain: one row per table, in schema and table order.
SELECT schema_name, table_name, comment
FROM duckdb_tables()
WHERE database_name = current_database() AND NOT temporary
  AND schema_name IN ('core', 'marts', 'quality', 'meta')
ORDER BY schema_name, table_name;
