-- Purpose: every column of the warehouse as DuckDB's catalog has it, to compare with the models.
-- Grain: one row per column, in table order.
SELECT schema_name, table_name, column_name, data_type, is_nullable
FROM duckdb_columns()
WHERE database_name = current_database()
ORDER BY schema_name, table_name, column_index;
