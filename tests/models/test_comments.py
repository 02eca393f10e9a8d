"""The bootstrap writes the models' descriptions as DuckDB comments every time, and only those that differ."""
import pytest

from corridor.models import comments
from corridor.models.contract import FactConsignment, PortDwellMonthly
from corridor.warehouse import Warehouse, _comment_contract_columns

LIVE = (
    "SELECT schema_name, table_name, NULL, comment FROM duckdb_tables()"
    " UNION ALL SELECT schema_name, table_name, column_name, comment FROM duckdb_columns()"
)


def _live(con):
    return {(s, t, c): comment for s, t, c, comment in con.execute(LIVE).fetchall()}


@pytest.fixture
def warehouse(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        yield wh


def test_every_contract_table_and_column_carries_the_models_text(warehouse):
    live = _live(warehouse.cursor())
    assert {key: live.get(key) for key in comments()} == comments()
    assert live[("marts", "container_transit", None)].endswith("Grain: one row per (container_no, departed_utc).")


def test_an_unchanged_warehouse_gets_no_comment_written(warehouse):
    with warehouse.transaction() as tx:
        assert _comment_contract_columns(tx) == 0


def test_an_edited_description_reaches_an_existing_warehouse(warehouse, monkeypatch):
    con = warehouse.cursor()
    con.execute("COMMENT ON COLUMN marts.port_dwell_monthly.moves IS 'stale, hand-edited'")
    monkeypatch.setattr(FactConsignment.__table__.c.teu, "comment", "TEU, as now described")
    monkeypatch.setattr(PortDwellMonthly.__table__, "comment", "Port dwell, as now described.")
    assert warehouse.bootstrap() == []  # no migration pending
    live = _live(con)
    assert live[("core", "fact_consignment", "teu")] == "TEU, as now described"
    assert live[("marts", "port_dwell_monthly", "moves")] == PortDwellMonthly.__table__.c.moves.comment
    assert live[("marts", "port_dwell_monthly", None)].startswith("Port dwell, as now described. Grain: ")
