-- Purpose: the table constraints of the snapshot's tables other than NOT NULL (which comes with the
-- columns): primary keys, unique keys and checks, as their DDL text, to declare them in the snapshot too.
-- Grain: one row per constraint, in table and constraint order.
SELECT schema_name, table_name, constraint_type, constraint_text
FROM duckdb_constraints()
WHERE database_name = current_database()
  AND schema_name IN ('core', 'marts', 'quality', 'meta')
  AND constraint_type <> 'NOT NULL'
ORDER BY schema_name, table_name, constraint_index;
