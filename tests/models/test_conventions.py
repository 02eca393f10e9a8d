"""The models follow warehouse.md's conventions: every column described, units named, keys never null."""
import re

import pytest

from corridor.models import KINDS, contract_tables, grain, qualified_name

COLUMNS = [(t, c) for t in contract_tables() for c in t.columns]

# Name ending → the one kind a column so named has (and a column of that kind is so named).
SUFFIX_KINDS = {r"_utc$": "utc", r"_t$": "tonnes", r"_hours$": "hours", r"_days$": "days", r"_pct$": "pct",
                r"^month$": "month"}


@pytest.mark.parametrize("table,column", COLUMNS, ids=[f"{qualified_name(t)}.{c.name}" for t, c in COLUMNS])
def test_a_column_has_a_description_and_its_unit(table, column):
    assert column.comment and column.comment.strip() == column.comment
    kind = column.info["kind"]
    for pattern, suffix_kind in SUFFIX_KINDS.items():
        assert bool(re.search(pattern, column.name)) == (kind == suffix_kind), f"{column.name} is {kind}"
    unit = KINDS[kind].unit
    if unit:
        assert unit in column.comment, f"the description of {column.name} names its unit, {unit}"
    assert column.info["duckdb_type"] == KINDS[kind].duckdb_type


def test_the_unit_kinds_have_warehouse_md_types():
    assert {k: KINDS[k].duckdb_type for k in ("utc", "tonnes", "hours", "days", "pct", "month", "count")} == {
        "utc": "TIMESTAMP", "tonnes": "DECIMAL(12,3)", "hours": "DOUBLE", "days": "DOUBLE", "pct": "DOUBLE",
        "month": "DATE", "count": "BIGINT"}


@pytest.mark.parametrize("table", contract_tables(), ids=qualified_name)
def test_a_table_has_a_description_and_one_grain(table):
    assert table.comment
    members = grain(table)
    assert members, "every contract table states its grain"
    pk = [c.name for c in table.primary_key.columns]
    assert all(not table.c[name].nullable for name in pk)
    if table.info["grain"]:
        # A grain that cannot be a primary key (an expression, or nullable members) is declared instead of one.
        assert pk == [] and not table.info["ddl_key"]
        named = set(re.findall(r"[a-z_]+", " ".join(members))) - {"coalesce"}
        assert named <= set(table.c.keys())
    else:
        assert list(members) == pk


def test_a_key_column_cannot_be_declared_nullable():
    from corridor.models.contract import col

    with pytest.raises(ValueError, match="key column cannot be nullable"):
        col("text", "x", nullable=True, key=True)
