"""The warehouse checks after a sync: one unique-key check per contract grain, generated from the models,
and the references to the dimensions, hand-written in `quality_warehouse_checks.sql`.

Each check is (name, rows checked, violations); the names are recorded in quality.validation_run.
"""
from __future__ import annotations

from collections.abc import Iterable

import duckdb
from sqlalchemy import Table

from corridor.models import contract_tables, grain, qualified_name
from corridor.warehouse import sql_text

__all__ = ["run_warehouse_checks", "unique_check_name", "unique_check_sql", "unique_checks_sql"]

REFERENCE_CHECKS = "quality_warehouse_checks.sql"


def unique_check_name(table: Table) -> str:
    return f"unique:{qualified_name(table)}"


def unique_check_sql(table: Table) -> str:
    """One row: the check's name, the table's rows, and how many of them repeat a grain value."""
    members = grain(table)
    distinct = members[0] if len(members) == 1 else f"({', '.join(members)})"
    return (f"SELECT '{unique_check_name(table)}' AS check_name, count(*)::BIGINT AS checked,"
            f" (count(*) - count(DISTINCT {distinct}))::BIGINT AS violations FROM {qualified_name(table)}")


def unique_checks_sql(tables: Iterable[Table] | None = None) -> str:
    """The unique-key checks of `tables` (default: every contract table the sync checks), one query."""
    if tables is None:
        tables = [t for t in contract_tables() if t.info["checked"]]
    return "\nUNION ALL\n".join(unique_check_sql(t) for t in tables) + "\nORDER BY check_name"


def run_warehouse_checks(con: duckdb.DuckDBPyConnection) -> list[tuple[str, int, int]]:
    """Every warehouse check, ordered by name: (check name, rows checked, violations)."""
    rows = con.execute(unique_checks_sql()).fetchall() + con.execute(sql_text(REFERENCE_CHECKS)).fetchall()
    return sorted((name, int(checked), int(violations)) for name, checked, violations in rows)
