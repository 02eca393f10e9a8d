"""The data dictionary page, `docs/warehouse.md`, generated from the contract models.

    python -m corridor.models.dictionary [PATH]     # from the repository root; PATH defaults to docs/warehouse.md
"""
from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import Table

from corridor.models.contract import (
    INTERNAL_TABLES,
    WHOLLY_CONTRACT_SCHEMAS,
    contract_tables,
    duckdb_type,
    grain,
    qualified_name,
)

DEFAULT_PATH = Path("docs/warehouse.md")
COMMAND = "python -m corridor.models.dictionary"

_HEADER = f"""\
# Warehouse data dictionary

Generated from the contract models (`models/contract.py`) by `{COMMAND}`; do not edit by hand.
The contract is warehouse.md (`../shared/spec/warehouse.md`); this page lists every contract table
with its grain and its columns' exact DuckDB types, nullability and descriptions, the same text the
warehouse carries as table and column comments (`SELECT * FROM duckdb_columns()`).

Units: instants are `TIMESTAMP` in UTC (`_utc`); weights are tonnes, `DECIMAL(12,3)` (`_t`);
durations are hours (`_hours`) or days (`_days`), `DOUBLE`; percentages are `DOUBLE` from 0 to 100
(`_pct`); `month` is a `DATE`, the first day of the UTC month; counts are `BIGINT`.

Grain: a table holds one row per distinct value of its grain. "Primary key" means the warehouse
enforces it; "checked" means the warehouse checks after every sync verify it (`unique:<table>`).
"""


def _cell(text: str) -> str:
    """A description as Markdown table-cell text (a `|` or `<...>` would otherwise be taken as markup)."""
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def _grain_line(table: Table) -> str:
    enforced = []
    if table.info["ddl_key"]:
        enforced.append("primary key")
    if table.info["checked"]:
        enforced.append(f"checked as `unique:{qualified_name(table)}`")
    how = f" ({'; '.join(enforced)})" if enforced else ""
    members = [f"`{m}`" for m in grain(table)]
    listed = members[0] if len(members) == 1 else f"({', '.join(members)})"
    return f"Grain: one row per {listed}{how}."


def _table_section(table: Table) -> list[str]:
    lines = [f"### `{qualified_name(table)}`", "", table.comment, "", _grain_line(table), "",
             "| column | type | nullable | description |", "| --- | --- | --- | --- |"]
    for c in table.columns:
        lines.append(f"| `{c.name}` | `{duckdb_type(c)}` | {'yes' if c.nullable else 'no'} | {_cell(c.comment)} |")
    return lines + [""]


def _scope(schema: str) -> str:
    if schema not in WHOLLY_CONTRACT_SCHEMAS:
        return f"In the contract: only these tables of `{schema}`."
    internal = [f"`{name}` ({why})" for name, why in INTERNAL_TABLES.items() if name.startswith(f"{schema}.")]
    return f"In the contract: every table of `{schema}`" + (f", except the internal {', '.join(internal)}." if internal else ".")


def render() -> str:
    """The whole page, schema by schema in the models' order."""
    lines = [_HEADER]
    schemas: dict[str, list[Table]] = {}
    for table in contract_tables():
        schemas.setdefault(table.schema, []).append(table)
    for schema, tables in schemas.items():
        lines += [f"## {schema}", "", _scope(schema), ""]
        for table in tables:
            lines += _table_section(table)
    return "\n".join(lines).rstrip("\n") + "\n"


def write(path: Path = DEFAULT_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    print(f"wrote {write(Path(args[0]) if args else DEFAULT_PATH)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
