"""marts.container_transit: each container's XIAN-BAKU journey, its milestones and legs."""
from datetime import datetime

import pytest

from fixtures.warehouse import column_types, insert_rows, rows, run

SQL = "marts_container_transit.sql"
XIAN, AKTAU_STATION, AKTAU, BAKU, ALAT, GANJA, ABSHERON = (
    "CNXIA", "ESR663109", "KZAAU", "AZBAK", "ESR552508", "ESR556000", "ESR551204")
WAYBILL = "24KZ0012345"


def event(operator, event_type, at, location, mode="RAIL", container="CSQU3054383", train=None):
    return {"event_id": f"{operator}:{event_type}:{location}:{at}", "operator_code": operator,
            "source_record_id": f"{event_type}{at}", "source_revision": 1, "equipment_kind": "CONTAINER",
            "container_no": container, "event_type": event_type, "transport_mode": mode, "event_time_utc": at,
            "published_utc": at, "location_code": location, "train_no": train,
            "waybill_no": WAYBILL if operator in ("KTZ", "ADY") else None, "load_id": "L1"}


DEPARTURE = event("KTZ", "DEPARTED", "2024-03-01 00:00", XIAN, train="8701")
KZ_OUT = event("KTZ", "INTERCHANGE_OUT", "2024-03-07 00:00", AKTAU_STATION, train="8701")
AKTAU_LOADED = event("AKTAU_PORT", "LOADED", "2024-03-08 06:00", AKTAU, mode="VESSEL")
BAKU_DISCHARGED = event("BAKU_PORT", "DISCHARGED", "2024-03-09 06:00", BAKU, mode="VESSEL")
AZ_IN = event("ADY", "INTERCHANGE_IN", "2024-03-09 18:00", ALAT, train="4001")
ARRIVED = event("ADY", "ARRIVED", "2024-03-10 00:00", ABSHERON, train="4001")


@pytest.fixture
def con(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_consignment", [
        {"waybill_no": WAYBILL, "status": "IN_TRANSIT", "destination_location_code": ABSHERON, "load_id": "L1"}])
    return con


def transit(warehouse, con):
    run(warehouse, SQL)
    return rows(con, "marts.container_transit")


def test_a_completed_journey_has_every_leg_end_to_end(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        DEPARTURE, KZ_OUT, AKTAU_LOADED, BAKU_DISCHARGED, AZ_IN, ARRIVED,
        event("AKTAU_PORT", "LOADED", "2024-03-07 12:00", AKTAU),             # onto rail, not the vessel
        event("ADY", "ARRIVED", "2024-03-09 22:00", GANJA, train="4001"),     # not the destination
    ])
    assert transit(warehouse, con) == [(
        "CSQU3054383", WAYBILL, "8701", XIAN, ABSHERON, datetime(2024, 3, 1), datetime(2024, 3, 10),
        9.0, 144.0, 30.0, 24.0, 12.0, 6.0,
    )]


def test_a_missing_milestone_leaves_its_legs_null(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [DEPARTURE, KZ_OUT, BAKU_DISCHARGED, AZ_IN, ARRIVED])
    # no Aktau LOADED: the legs into and out of it are null; the journey and the other legs stay
    assert transit(warehouse, con) == [(
        "CSQU3054383", WAYBILL, "8701", XIAN, ABSHERON, datetime(2024, 3, 1), datetime(2024, 3, 10),
        9.0, 144.0, None, None, 12.0, 6.0,
    )]


def test_a_journey_in_progress_has_no_arrival(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        DEPARTURE, KZ_OUT, event("ADY", "ARRIVED", "2024-03-09 22:00", GANJA, train="4001")])
    assert transit(warehouse, con) == [(
        "CSQU3054383", WAYBILL, "8701", XIAN, ABSHERON, datetime(2024, 3, 1), None,
        None, 144.0, None, None, None, None,
    )]


def test_only_a_ktz_departure_from_xian_starts_a_journey(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        event("KTZ", "DEPARTED", "2024-03-02 00:00", "ESR700007", train="8701"),   # Almaty
        event("ADY", "DEPARTED", "2024-03-10 00:00", ALAT, train="4001"),
    ])
    assert transit(warehouse, con) == []


def test_output_types(warehouse):
    run(warehouse, SQL)
    assert column_types(warehouse.cursor(), "marts.container_transit") == {
        "container_no": "VARCHAR", "waybill_no": "VARCHAR", "train_no": "VARCHAR",
        "origin_location_code": "VARCHAR", "destination_location_code": "VARCHAR",
        "departed_utc": "TIMESTAMP", "arrived_utc": "TIMESTAMP", "transit_days": "DOUBLE",
        "kz_rail_hours": "DOUBLE", "aktau_dwell_hours": "DOUBLE", "sea_hours": "DOUBLE",
        "baku_dwell_hours": "DOUBLE", "az_rail_hours": "DOUBLE",
    }
