"""The KTZ tracking transform: code mapping, location, equipment kind, highest revision wins."""
from datetime import datetime

import pytest

from corridor.warehouse import Warehouse

KTZ_CODES = {
    "01": ("ACCEPTED", "RAIL"), "02": ("DEPARTED", "RAIL"), "03": ("ARRIVED", "RAIL"), "04": ("PASSED", "RAIL"),
    "05": ("INTERCHANGE_IN", "RAIL"), "06": ("INTERCHANGE_OUT", "RAIL"), "07": ("DISCHARGED", "RAIL"),
    "08": ("LOADED", "RAIL"), "09": ("DELIVERED", "RAIL"), "10": ("INTERCHANGE_IN", "RAIL"),
}


@pytest.fixture
def warehouse(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        yield wh


def _stage(con, op_id, revision, op_code, load_id, container="CSQU3054383", esr="663109"):
    con.execute(
        "INSERT INTO staging.ktz_operation VALUES (?, ?, ?, ?, ?, ?, '8701', '51234565', ?, '24KZ0012345', true, ?, ?)"
        " ON CONFLICT (op_id, revision) DO UPDATE SET load_id = excluded.load_id",
        [op_id, revision, datetime(2024, 3, 1, 5), op_code, datetime(2024, 3, 1, 1), esr, container,
         f"h{op_id}{revision}{op_code}", load_id],
    )


def _publish(wh, load_id):
    with wh.transaction() as tx:
        wh.run_sql(tx, "core_fact_equipment_event.sql", {"load_id": load_id})


def test_every_ktz_code_maps_to_its_canonical_event(warehouse):
    con = warehouse.cursor()
    for code in KTZ_CODES:
        _stage(con, f"op{code}", 1, code, "L1")
    _publish(warehouse, "L1")
    rows = con.execute("SELECT source_record_id, event_type, transport_mode FROM core.fact_equipment_event").fetchall()
    assert {r[0][2:]: (r[1], r[2]) for r in rows} == KTZ_CODES


def test_location_kind_and_lineage(warehouse):
    con = warehouse.cursor()
    _stage(con, "a", 1, "02", "L1")
    _stage(con, "b", 1, "03", "L1", container=None, esr="990014")
    _publish(warehouse, "L1")
    rows = con.execute(
        "SELECT event_id, equipment_kind, container_no, wagon_no, location_code, operator_code, load_id"
        " FROM core.fact_equipment_event ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("KTZ:a", "CONTAINER", "CSQU3054383", "51234565", "ESR663109", "KTZ", "L1"),
        ("KTZ:b", "WAGON", None, "51234565", "CNXIA", "KTZ", "L1"),
    ]


def test_highest_revision_wins_and_redelivery_keeps_load_id(warehouse):
    con = warehouse.cursor()
    _stage(con, "a", 1, "02", "L1")
    _publish(warehouse, "L1")
    _stage(con, "a", 2, "03", "L2")
    _publish(warehouse, "L2")
    _stage(con, "a", 1, "02", "L3")  # a late re-delivery of the older revision
    _publish(warehouse, "L3")
    assert con.execute("SELECT source_revision, event_type, load_id FROM core.fact_equipment_event").fetchall() == [
        (2, "ARRIVED", "L2")
    ]
    _stage(con, "a", 2, "03", "L4")  # the same revision again: the row is not rewritten
    _publish(warehouse, "L4")
    assert con.execute("SELECT load_id FROM core.fact_equipment_event").fetchall() == [("L2",)]
