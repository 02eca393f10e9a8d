-- Purpose: the live table and column comments of some schemas, to bring them to the models' descriptions.
-- Grain: one row per table (column null) and per column.
SELECT schema_name, table_name, NULL AS column_name, comment
FROM duckdb_tables()
WHERE database_name = current_database() AND list_contains($schemas, schema_name)
UNION ALL
SELECT schema_name, table_name, column_name, comment
FROM duckdb_columns()
WHERE database_name = current_database() AND list_contains($schemas, schema_name);
