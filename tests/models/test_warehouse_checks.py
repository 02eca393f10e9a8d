"""The warehouse checks: unique keys generated from the models' grains, references from the SQL file."""
from datetime import datetime

import pytest

from corridor.warehouse import Warehouse
from corridor.warehouse.checks import run_warehouse_checks

# The names recorded in quality.validation_run since before the grains were generated: they stay.
NAMES = [
    "references:fact_consignment.locations", "references:fact_equipment_event.location_code",
    "references:fact_equipment_event.operator_code", "references:fact_train_stop.location_code",
    "references:fact_vessel_call.port_unlocode", "references:fact_vessel_call_version.call_id",
    "unique:core.dim_location", "unique:core.fact_consignment", "unique:core.fact_equipment_event",
    "unique:core.fact_train_stop", "unique:core.fact_vessel_call", "unique:core.fact_vessel_call_version",
    "unique:marts.container_status", "unique:marts.container_transit", "unique:marts.corridor_volume_monthly", "unique:marts.port_dwell_monthly",
    "unique:marts.schedule_adherence_monthly", "unique:marts.train_service_monthly",
    "unique:marts.waybill_reconciliation", "unique:quality.quarantine",
]


@pytest.fixture
def con(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        yield wh.cursor()


def _results(con):
    return {name: (checked, violations) for name, checked, violations in run_warehouse_checks(con)}


def test_the_check_names_and_order_are_those_recorded_before(con):
    results = run_warehouse_checks(con)
    assert [name for name, _, _ in results] == NAMES
    assert all(isinstance(n, int) for _, checked, violations in results for n in (checked, violations))
    assert _results(con)["unique:core.dim_location"] == (20, 0)  # the seeds


def test_a_repeated_grain_is_a_violation(con):
    event = ["KTZ:1", "KTZ", "1", 1, "WAGON", None, "51234565", "ARRIVED", "RAIL", datetime(2024, 3, 1),
             datetime(2024, 3, 1), "ESR999999", None, None, None, None, True, "L1"]
    con.executemany(f"INSERT INTO core.fact_equipment_event VALUES ({', '.join('?' * len(event))})", [event, event])
    results = _results(con)
    assert results["unique:core.fact_equipment_event"] == (2, 1)
    assert results["references:fact_equipment_event.location_code"] == (2, 2)
    assert [n for n, (_, v) in results.items() if v] == [
        "references:fact_equipment_event.location_code", "unique:core.fact_equipment_event"]


def test_a_container_journey_is_its_container_and_departure(con):
    def journey(waybill, departed):
        return ["MSCU1234566", waybill, "8701", "CNXIA", None, departed, *[None] * 7]

    con.executemany(f"INSERT INTO marts.container_transit VALUES ({', '.join('?' * 13)})", [
        journey("24KZ0000001", datetime(2024, 3, 1)),
        journey("24KZ0000001", datetime(2024, 4, 1)),   # the same waybill departing again: another journey
        journey(None, datetime(2024, 5, 1)),            # no waybill on the departure: still a journey
        journey(None, datetime(2024, 6, 1)),
        journey("24KZ0000002", datetime(2024, 6, 1)),   # a second row for the 1 June journey
    ])
    assert _results(con)["unique:marts.container_transit"] == (5, 1)


def test_a_quarantined_record_without_an_id_is_keyed_by_its_content(con):
    def row(record_id, revision, record_hash):
        return ["BAKU_PORT", "tracking", record_id, revision, ["refused"], "<x/>", record_hash, "L1", datetime(2024, 3, 1)]

    con.executemany(f"INSERT INTO quality.quarantine VALUES ({', '.join('?' * 9)})", [
        row(None, None, "h1"), row(None, None, "h2"),   # two unreadable records: two contents
        row("E1", 1, "h3"), row("E1", 2, "h3"),         # two revisions of one record
        row(None, None, "h1"),                          # the first again: a violation
        row("E1", 1, "h4"),                             # the same record and revision, other content: a violation
    ])
    assert _results(con)["unique:quality.quarantine"] == (6, 2)
