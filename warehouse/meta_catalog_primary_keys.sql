-- Purpose: every primary key the warehouse's DDL declares, to compare with the models' grains.
-- Grain: one row per table with a primary key.
SELECT schema_name, table_name, constraint_column_names
FROM duckdb_constraints()
WHERE database_name = current_database() AND constraint_type = 'PRIMARY KEY';
