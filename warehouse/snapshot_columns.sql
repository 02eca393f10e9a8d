-- Purpose: the columns of the snapshot's tables as DuckDB's catalog has them (exact type, nullability,
-- comment), to create the same tables in the snapshot file.
-- Grain: one row per column, in table and column order.
SELECT schema_name, table_name, column_name, data_type, is_nullable, comment
FROM duckdb_columns()
WHERE database_name = current_database() AND NOT internal
  AND schema_name IN ('core', 'marts', 'quality', 'meta')
ORDER BY schema_name, table_name, column_index;
