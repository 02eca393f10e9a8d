-- Purpose: the staging tables' columns as their DDL declares them (the one declaration of staging types).
-- Grain: one row per staging column, in table order.
SELECT schema_name || '.' || table_name AS staging_table, column_name, data_type
FROM duckdb_columns()
WHERE schema_name = 'staging'
ORDER BY staging_table, column_index;
