-- Purpose: every table of the warehouse, to find those the models do not declare.
-- Grain: one row per table.
SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database();
