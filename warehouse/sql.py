"""Run the packaged SQL files: named parameters bound per statement, identifiers filled into `{{ name }}`."""
from __future__ import annotations

import re
from importlib import resources
from typing import Any

import duckdb

_IDENTIFIER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def sql_text(name: str) -> str:
    """The text of a SQL file shipped in this package, e.g. `core_fact_equipment_event.sql`."""
    return resources.files("corridor.warehouse").joinpath(name).read_text(encoding="utf-8")


def render(name: str, **identifiers: str) -> str:
    """The text of SQL file `name` with every `{{ key }}` replaced (identifiers and column lists only)."""
    text = sql_text(name)
    missing = set(_IDENTIFIER.findall(text)) - identifiers.keys()
    if missing:
        raise KeyError(f"{name}: no value for {sorted(missing)}")
    return _IDENTIFIER.sub(lambda m: identifiers[m.group(1)], text)


def statements(text: str) -> list[str]:
    """Split SQL text into statements: each ends with `;` at the end of a line (a literal may hold `; `)."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in re.split(r";[ \t]*$", body, flags=re.M) if s.strip()]


def execute(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None,
            **identifiers: str) -> duckdb.DuckDBPyConnection:
    """Run every statement of SQL file `name`, binding only the parameters each one names; returns the cursor."""
    for statement in statements(render(name, **identifiers)):
        named = {k: v for k, v in (params or {}).items() if re.search(rf"\${k}\b", statement)}
        con.execute(statement, named or None)
    return con
