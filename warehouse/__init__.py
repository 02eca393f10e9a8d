"""The DuckDB warehouse: connection, versioned migrations, reference seeds and SQL transforms."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import duckdb

from corridor.timeutil import utcnow

__all__ = ["Warehouse", "sql_text", "core_transforms", "DERIVED_TRANSFORMS"]

# Rebuilt after every sync, in this order (each reads what the ones before it wrote).
DERIVED_TRANSFORMS = (
    "core_fact_train_stop_actuals.sql",
    "marts_container_transit.sql",
    "marts_corridor_volume_monthly.sql",
    "marts_train_service_monthly.sql",
    "marts_schedule_adherence_monthly.sql",
    "marts_port_dwell_monthly.sql",
    "marts_waybill_reconciliation.sql",
)


def core_transforms(operator: str, feed: str) -> tuple[str, ...]:
    """The core transforms that publish one operator feed's staged load (each takes `$load_id`)."""
    if feed == "tracking":
        return ("core_fact_equipment_event.sql",)
    if feed == "cargo":
        return ("core_fact_consignment.sql",)
    if operator in ("KTZ", "ADY"):
        return ("core_fact_train_stop.sql",)
    return ("core_fact_vessel_call_version.sql", "core_fact_vessel_call.sql")

_PACKAGE = resources.files("corridor.warehouse")


def sql_text(name: str) -> str:
    """The text of a SQL file shipped in this package, e.g. `core_fact_equipment_event.sql`."""
    return _PACKAGE.joinpath(name).read_text(encoding="utf-8")


def _statements(text: str) -> list[str]:
    """Split a SQL file into statements (no `;` inside literals in our files)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _comment_contract_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Write the models' descriptions into the warehouse, where any DuckDB client can read them."""
    from corridor.models import CONTRACT_MODELS, column_comments

    for model in CONTRACT_MODELS:
        table = model.__table__
        con.execute(f"COMMENT ON TABLE {table.schema}.{table.name} IS {_quote(table.comment)}")
    for schema, table, column, description in column_comments():
        con.execute(f"COMMENT ON COLUMN {schema}.{table}.{column} IS {_quote(description)}")


class Warehouse:
    """One DuckDB database file; `cursor()` hands each thread its own connection to it."""

    def __init__(self, path: Path | str, read_only: bool = False, memory_limit: str | None = None):
        self.path = Path(path)
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Every instant is a naive UTC TIMESTAMP (never TIMESTAMPTZ), so the host's TZ cannot shift it.
        self._con = duckdb.connect(str(self.path), read_only=read_only)
        if memory_limit:
            # DuckDB would otherwise cache up to 80 % of the machine's memory; it spills beyond the limit.
            self._con.execute(f"SET memory_limit = '{memory_limit}'")
        # Publishing into core is serialised: concurrent feeds validate in parallel, commit in turn.
        self.publish_lock = threading.Lock()

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> "Warehouse":
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
        for statement in _statements(sql_text(name)):
            named = {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", statement)}
            con.execute(statement, named or None)

    # -- bootstrap -------------------------------------------------------------------------------

    def bootstrap(self) -> list[str]:
        """Apply pending migrations (each once, in order, recorded in meta) and refresh the seeds."""
        applied: list[str] = []
        con = self.cursor()
        con.execute(
            "CREATE SCHEMA IF NOT EXISTS meta;"
            "CREATE TABLE IF NOT EXISTS meta.schema_migration"
            " (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_utc TIMESTAMP NOT NULL)"
        )
        done = {row[0] for row in con.execute("SELECT version FROM meta.schema_migration").fetchall()}
        for entry in sorted(_PACKAGE.joinpath("migrations").iterdir(), key=lambda p: p.name):
            match = re.match(r"(\d+)_.*\.sql$", entry.name)
            if not match or int(match.group(1)) in done:
                continue
            with self.transaction() as tx:
                self.run_sql(tx, f"migrations/{entry.name}")
                tx.execute("INSERT INTO meta.schema_migration VALUES (?, ?, ?)", [int(match.group(1)), entry.name, utcnow()])
            applied.append(entry.name)
        with self.transaction() as tx:
            self._load_seeds(tx)
            if applied:
                _comment_contract_columns(tx)
        con.close()
        return applied

    def _load_seeds(self, con: duckdb.DuckDBPyConnection) -> None:
        seeds = {
            name: str(_PACKAGE.joinpath("seeds", f"{name}.csv"))
            for name in ("locations", "operators", "event_type_map")
        }
        self.run_sql(con, "seed_reference.sql", {f"{k}_csv": v for k, v in seeds.items()})
