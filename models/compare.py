"""Compare a live warehouse with the contract models: table set, column order and names, exact DuckDB
types, nullability, and primary keys. `contract_differences(con)` is empty when they agree exactly."""
from __future__ import annotations

from collections.abc import Iterable

import duckdb
from sqlalchemy import Table

from corridor.models.contract import (
    INTERNAL_TABLES,
    WHOLLY_CONTRACT_SCHEMAS,
    contract_tables,
    duckdb_type,
    qualified_name,
)
from corridor.warehouse.sql import execute


def _key_text(key: tuple[str, ...] | None) -> str:
    return f"PRIMARY KEY ({', '.join(key)})" if key else "no primary key"


def contract_differences(con: duckdb.DuckDBPyConnection, tables: Iterable[Table] | None = None) -> list[str]:
    """Every way the warehouse behind `con` differs from `tables` (default: the whole contract), one line each.

    With the whole contract, the table set is compared too: every table of the wholly-contract schemas
    (core, marts), internal ones aside, must be modelled. A table's primary key is compared with DuckDB's
    where the model says the migrations declare one (`ddl_key`); elsewhere DuckDB must declare none.
    """
    whole = tables is None
    tables = contract_tables() if whole else tuple(tables)
    columns: dict[str, list[tuple[str, str, bool]]] = {}
    for schema, table, column, data_type, nullable in execute(con, "meta_catalog_columns.sql").fetchall():
        columns.setdefault(f"{schema}.{table}", []).append((column, data_type, nullable))
    live_keys = {
        f"{schema}.{table}": tuple(key)
        for schema, table, key in execute(con, "meta_catalog_primary_keys.sql").fetchall()
    }
    live_tables = {
        f"{schema}.{table}" for schema, table in execute(con, "meta_catalog_tables.sql").fetchall()
    }

    out: list[str] = []
    modelled = {qualified_name(t) for t in tables}
    if whole:
        unmodelled = {n for n in live_tables if n.split(".")[0] in WHOLLY_CONTRACT_SCHEMAS} - set(INTERNAL_TABLES) - modelled
        out += [f"{name}: in the warehouse, not in the models" for name in sorted(unmodelled)]
    for table in tables:
        name = qualified_name(table)
        if name not in live_tables:
            out.append(f"{name}: in the models, not in the warehouse")
            continue
        live = {column: (data_type, nullable) for column, data_type, nullable in columns.get(name, [])}
        live_order = [column for column, _, _ in columns.get(name, [])]
        model_order = [c.name for c in table.columns]
        out += [f"{name}.{c}: in the warehouse, not in the models" for c in live_order if c not in model_order]
        out += [f"{name}.{c}: in the models, not in the warehouse" for c in model_order if c not in live]
        shared_live = [c for c in live_order if c in model_order]
        shared_model = [c for c in model_order if c in live]
        if shared_live != shared_model:
            out.append(f"{name}: column order ({', '.join(shared_live)}) in the warehouse,"
                       f" ({', '.join(shared_model)}) in the models")
        for c in table.columns:
            if c.name not in live:
                continue
            data_type, nullable = live[c.name]
            if data_type != duckdb_type(c):
                out.append(f"{name}.{c.name}: type {data_type} in the warehouse, {duckdb_type(c)} in the models")
            if nullable != c.nullable:
                state = {True: "nullable", False: "NOT NULL"}
                out.append(f"{name}.{c.name}: {state[nullable]} in the warehouse, {state[c.nullable]} in the models")
        model_key = tuple(c.name for c in table.primary_key.columns) if table.info["ddl_key"] else None
        live_key = live_keys.get(name)
        if live_key != model_key:
            out.append(f"{name}: {_key_text(live_key)} in the warehouse, {_key_text(model_key)} in the models"
                       + ("" if model_key else " (grain not declared as the DDL's key)"))
    return out
