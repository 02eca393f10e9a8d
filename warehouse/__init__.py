"""The DuckDB warehouse: connection, versioned migrations, reference seeds and SQL transforms."""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from corridor.timeutil import utcnow
from corridor.warehouse.sql import execute, sql_text

__all__ = ["Warehouse", "sql_text", "DERIVED_TRANSFORMS"]

# Rebuilt after every sync, in this order (each reads what the ones before it wrote).
DERIVED_TRANSFORMS = (
    "core_fact_train_stop_actuals.sql",
    "marts_container_transit.sql",
    "marts_container_status.sql",
    "marts_corridor_volume_monthly.sql",
    "marts_train_service_monthly.sql",
    "marts_schedule_adherence_monthly.sql",
    "marts_port_dwell_monthly.sql",
    "marts_waybill_reconciliation.sql",
)

_PACKAGE = resources.files("corridor.warehouse")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(*parts: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def _comment_contract_columns(con: duckdb.DuckDBPyConnection) -> int:
    """Make every contract table's and column's DuckDB comment the models' description (corridor.models).

    One pass: read the live comments in one query, then write only those that differ in one batch, so an
    edited description reaches an existing warehouse and an unchanged one costs a single catalog read.
    Returns how many comments were written.
    """
    from corridor.models import comments

    wanted = comments()
    schemas = sorted({schema for schema, _, _ in wanted})
    live = {
        (schema, table, column): comment
        for schema, table, column, comment in execute(con, "meta_comments.sql", {"schemas": schemas}).fetchall()
    }
    statements = [
        f"COMMENT ON TABLE {_ident(schema, table)} IS {_quote(text)}" if column is None
        else f"COMMENT ON COLUMN {_ident(schema, table, column)} IS {_quote(text)}"
        for (schema, table, column), text in wanted.items()
        if live.get((schema, table, column)) != text
    ]
    if statements:
        con.execute(";\n".join(statements))
    return len(statements)


class Warehouse:
    """One DuckDB database file; `cursor()` hands each thread its own connection to it."""

    def __init__(self, path: Path | str, read_only: bool = False, memory_limit: str | None = None):
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # DuckDB would otherwise cache up to 80 % of the machine's memory; it spills beyond the limit.
        config: dict[str, str | bool | int | float | list[str]] = {"memory_limit": memory_limit} if memory_limit else {}
        # Every instant is a naive UTC TIMESTAMP (never TIMESTAMPTZ), so the host's TZ cannot shift it.
        self._con = duckdb.connect(str(self.path), read_only=read_only, config=config)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self._con.cursor()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = self.cursor()
        con.begin()
        try:
            yield con
        except BaseException:
            con.rollback()
            raise
        else:
            con.commit()
        finally:
            con.close()

    def run_sql(self, con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> None:
        """Run every statement of a packaged SQL file, binding only the parameters each one names."""
        execute(con, name, params)

    # -- bootstrap -------------------------------------------------------------------------------

    def bootstrap(self) -> list[str]:
        """Apply pending migrations (each once, in order, recorded in meta), refresh the seeds and the contract's comments."""
        applied: list[str] = []
        con = self.cursor()
        done = {version for (version,) in execute(con, "meta_schema_migrations.sql").fetchall()}
        for entry in sorted(_PACKAGE.joinpath("migrations").iterdir(), key=lambda p: p.name):
            match = re.match(r"(\d+)_.*\.sql$", entry.name)
            if not match or int(match.group(1)) in done:
                continue
            with self.transaction() as tx:
                self.run_sql(tx, f"migrations/{entry.name}")
                execute(tx, "meta_schema_migration_record.sql",
                        {"version": int(match.group(1)), "name": entry.name, "now_utc": utcnow()})
            applied.append(entry.name)
        with self.transaction() as tx:
            self._load_seeds(tx)
            # Every time, not only after a migration: an edited description must reach an existing warehouse.
            _comment_contract_columns(tx)
        con.close()
        return applied

    def _load_seeds(self, con: duckdb.DuckDBPyConnection) -> None:
        seeds = {
            name: str(_PACKAGE.joinpath("seeds", f"{name}.csv"))
            for name in ("locations", "operators", "event_type_map")
        }
        self.run_sql(con, "seed_reference.sql", {f"{k}_csv": v for k, v in seeds.items()})
