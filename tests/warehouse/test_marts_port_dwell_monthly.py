"""marts.port_dwell_monthly: port visits from the first arrival to the first departure after it."""
from datetime import date

import pytest

from fixtures.warehouse import column_types, insert_rows, rows, run

SQL = "marts_port_dwell_monthly.sql"
_ids = iter(range(1_000_000))


def event(event_type, at, mode="RAIL", port="AZBAK", container="CSQU3054383", wagon="51234565"):
    n = next(_ids)
    return {"event_id": f"e{n}", "operator_code": "BAKU_PORT" if port == "AZBAK" else "AKTAU_PORT",
            "source_record_id": f"e{n}", "source_revision": 1,
            "equipment_kind": "CONTAINER" if container else "WAGON", "container_no": container, "wagon_no": wagon,
            "event_type": event_type, "transport_mode": mode, "event_time_utc": at, "published_utc": at,
            "location_code": port, "load_id": "L1"}


def test_a_visit_runs_from_the_first_arrival_to_the_first_departure_after_it(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_equipment_event", [
        event("DISCHARGED", "2024-03-01 10:00", mode="VESSEL"),
        event("GATE_IN", "2024-03-01 11:00", mode="TRUCK"),          # neither arrival nor departure
        event("LOADED", "2024-03-02 10:00"),                          # visit 1: 24 h
        event("LOADED", "2024-03-02 12:00"),                          # a second departure: no visit
        event("DISCHARGED", "2024-03-20 00:00", mode="VESSEL"),
        event("INTERCHANGE_IN", "2024-03-20 06:00"),                  # a later arrival in the same visit
        event("INTERCHANGE_OUT", "2024-03-21 00:00"),                 # visit 2: 24 h from the first arrival
        event("DISCHARGED", "2024-03-25 00:00", mode="VESSEL"),       # still in port: no visit
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.port_dwell_monthly") == [(date(2024, 3, 1), "AZBAK", "CONTAINER", 2, 24.0, 24.0)]


def test_month_of_leaving_port_and_equipment_kind_and_only_port_locations(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_equipment_event", [
        # a wagon at Aktau: rolled off the railway on 28 February, onto a ferry on 1 March (UTC)
        event("INTERCHANGE_IN", "2024-02-28 22:00", port="KZAAU", container=None),
        event("LOADED", "2024-03-01 00:30", mode="VESSEL", port="KZAAU", container=None),
        # the port's rail station is not the port
        event("DISCHARGED", "2024-03-01 00:00", port="ESR663109"),
        event("LOADED", "2024-03-01 05:00", port="ESR663109"),
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.port_dwell_monthly") == [(date(2024, 3, 1), "KZAAU", "WAGON", 1, 26.5, 26.5)]


def test_median_and_90th_percentile_of_the_dwell(warehouse):
    con = warehouse.cursor()
    dwell_hours = [10, 20, 30, 40, 50]
    insert_rows(con, "core.fact_equipment_event", [
        e for n, h in enumerate(dwell_hours) for e in (
            event("DISCHARGED", "2024-03-01 00:00", mode="VESSEL", container=f"C{n}"),
            event("LOADED", f"2024-03-0{1 + h // 24} {h % 24:02d}:00", container=f"C{n}"))
    ])
    run(warehouse, SQL)
    # p90 interpolates between the 4th and 5th of 5: 40 + 0.6 × 10
    assert rows(con, "marts.port_dwell_monthly") == [
        (date(2024, 3, 1), "AZBAK", "CONTAINER", 5, 30.0, pytest.approx(46.0, rel=1e-12))]


def test_output_types(warehouse):
    run(warehouse, SQL)
    assert column_types(warehouse.cursor(), "marts.port_dwell_monthly") == {
        "month": "DATE", "port_unlocode": "VARCHAR", "equipment_kind": "VARCHAR", "moves": "BIGINT",
        "median_dwell_hours": "DOUBLE", "p90_dwell_hours": "DOUBLE",
    }
