"""The staging tables as their DDL declares them: column types for the frames a connector's rows become."""
from __future__ import annotations

import functools
import re
from importlib import resources

import duckdb
import pyarrow as pa

from corridor.warehouse.sql import sql_text, statements

# Columns the load adds to every staging row; the rest come from the feed's parser.
LOAD_COLUMNS = ("record_hash", "load_id")

_PANDAS = {"VARCHAR": "string", "INTEGER": "Int64", "BIGINT": "Int64", "DOUBLE": "Float64",
           "BOOLEAN": "boolean", "TIMESTAMP": "datetime64[us]", "DATE": "object"}
_ARROW = {"VARCHAR": pa.string(), "INTEGER": pa.int64(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
          "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"), "DATE": pa.date32()}


@functools.cache
def _declared() -> dict[str, tuple[tuple[str, str], ...]]:
    """Every staging table → its (column, DuckDB type), read from the migrations run in memory."""
    migrations = resources.files("corridor.warehouse").joinpath("migrations")
    con = duckdb.connect()
    for entry in sorted(migrations.iterdir(), key=lambda p: p.name):
        if re.match(r"\d+_.*\.sql$", entry.name):
            for statement in statements(entry.read_text(encoding="utf-8")):
                con.execute(statement)
    rows = con.execute(sql_text("staging_columns.sql")).fetchall()
    con.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return {table: tuple(columns) for table, columns in tables.items()}


def parsed_columns(table: str) -> dict[str, str]:
    """The columns a parser fills for `table` (`schema.name`), each with its DuckDB type, in DDL order."""
    return {column: data_type for column, data_type in _declared()[table] if column not in LOAD_COLUMNS}


def pandas_dtypes(table: str) -> dict[str, str]:
    """The pandas dtype of each parsed column of `table`."""
    return {column: _PANDAS[data_type] for column, data_type in parsed_columns(table).items()}


def arrow_schema(table: str) -> pa.Schema:
    """The Arrow schema of `table`'s staging rows as they cross from stage to publish."""
    return pa.schema([(column, _ARROW[data_type]) for column, data_type in _declared()[table]])
