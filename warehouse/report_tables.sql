-- Purpose: which analyst tables the database being reported on has (marts.container_status is optional).
-- Grain: one row per table.
SELECT schema_name || '.' || table_name AS table_name
FROM duckdb_tables()
WHERE database_name = current_database() AND schema_name IN ('core', 'marts', 'quality', 'meta');
