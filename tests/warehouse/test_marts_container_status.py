"""marts.container_status: each container's latest event, its stage, and the ETA of a XIAN-BAKU journey in progress."""
from datetime import datetime, timedelta

import pytest

from fixtures.warehouse import column_types, insert_rows, rows, run

SQL = "marts_container_status.sql"
TRANSIT_SQL = "marts_container_transit.sql"
XIAN, ALMATY, AKTAU_STATION, AKTAU, BAKU, ALAT, GANJA, ABSHERON = (
    "CNXIA", "ESR700007", "ESR663109", "KZAAU", "AZBAK", "ESR552508", "ESR556000", "ESR551204")
WAYBILL, OTHER_WAYBILL = "24KZ0012345", "24KZ0012346"
CONTAINER = "CSQU3054383"
STATUS = ("container_no, last_event_type, last_transport_mode, last_event_utc, last_location_code,"
          " last_operator_code, waybill_no, train_no, vessel_imo, stage, eta_utc, eta_basis")


def event(operator, event_type, at, location, mode="RAIL", container=CONTAINER, train=None, vessel=None,
          waybill="rail", published=None, event_id=None):
    """One tracking event; the railways name the waybill unless told otherwise, the ports never do."""
    if waybill == "rail":
        waybill = WAYBILL if operator in ("KTZ", "ADY") else None
    return {"event_id": event_id or f"{operator}:{container}:{event_type}:{location}:{at}",
            "operator_code": operator, "source_record_id": f"{event_type}{at}", "source_revision": 1,
            "equipment_kind": "CONTAINER", "container_no": container, "event_type": event_type,
            "transport_mode": mode, "event_time_utc": at, "published_utc": published or at,
            "location_code": location, "train_no": train, "vessel_imo": vessel, "waybill_no": waybill,
            "load_id": "L1"}


# The in-progress journey's milestones, in the corridor's order (marts.container_transit).
DEPARTURE = event("KTZ", "DEPARTED", "2024-05-01 00:00", XIAN, train="8701")
KZ_OUT = event("KTZ", "INTERCHANGE_OUT", "2024-05-07 00:00", AKTAU_STATION, train="8701")
AKTAU_LOADED = event("AKTAU_PORT", "LOADED", "2024-05-08 06:00", AKTAU, mode="VESSEL", vessel="9187655")
BAKU_DISCHARGED = event("BAKU_PORT", "DISCHARGED", "2024-05-09 06:00", BAKU, mode="VESSEL", vessel="9187655")
AZ_IN = event("ADY", "INTERCHANGE_IN", "2024-05-09 18:00", ALAT, train="4001")
ARRIVED = event("ADY", "ARRIVED", "2024-05-10 00:00", ABSHERON, train="4001")
MILESTONES = [DEPARTURE, KZ_OUT, AKTAU_LOADED, BAKU_DISCHARGED, AZ_IN]


def completed(container, departed, legs):
    """A completed journey of marts.container_transit: legs (kz rail, Aktau dwell, sea, Baku dwell, az rail), hours."""
    departed = datetime.fromisoformat(departed)
    arrived = departed + timedelta(hours=sum(h for h in legs if h is not None))
    return {"container_no": container, "waybill_no": None, "train_no": "8701", "origin_location_code": XIAN,
            "destination_location_code": ABSHERON, "departed_utc": departed, "arrived_utc": arrived,
            "transit_days": (arrived - departed) / timedelta(days=1),
            **dict(zip(("kz_rail_hours", "aktau_dwell_hours", "sea_hours", "baku_dwell_hours", "az_rail_hours"), legs))}


# Three completed journeys in the 90 days before 1 May. Hours from each milestone to arrival (sum of the legs
# after it), and their median:   departure     KZ out    Aktau loaded   Baku discharged   ADY in at Alat
HISTORY = [
    completed("MSCU0000001", "2024-03-01 00:00", [144, 30, 24, 12, 6]),   # 216        72        42           18            6
    completed("MSCU0000002", "2024-03-20 00:00", [150, 40, 20, 9, 8]),    # 227        77        37           17            8
    completed("MSCU0000003", "2024-04-10 00:00", [140, 20, 22, 14, 4]),   # 200        60        40           18            4
]
MEDIAN_HOURS = [216, 72, 40, 18, 6]


@pytest.fixture
def con(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_consignment", [
        {"waybill_no": WAYBILL, "status": "IN_TRANSIT", "destination_location_code": ABSHERON, "load_id": "L1"},
        {"waybill_no": OTHER_WAYBILL, "status": "IN_TRANSIT", "destination_location_code": GANJA, "load_id": "L1"},
    ])
    return con


def status(warehouse, con, history=()):
    """Build marts.container_transit from the events, add completed journeys to it, then the status mart."""
    run(warehouse, TRANSIT_SQL)
    insert_rows(con, "marts.container_transit", history)
    run(warehouse, SQL)
    return rows(con, "marts.container_status", STATUS)


def one(warehouse, con, history=(), columns="stage"):
    status(warehouse, con, history)
    return rows(con, "marts.container_status", columns, where=f"container_no = '{CONTAINER}'")


# -- the latest event ------------------------------------------------------------------------------

def test_one_row_per_container_as_of_its_latest_event(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        DEPARTURE, KZ_OUT, AKTAU_LOADED,
        event("KTZ", "DEPARTED", "2024-05-02 00:00", ALMATY, container="MSCU1234566", train="8703"),
        {**event("KTZ", "ARRIVED", "2024-05-03 00:00", ALMATY, container=None, train="8703"),
         "equipment_kind": "WAGON", "wagon_no": "51234565"},                       # a wagon event: no row
    ])
    assert status(warehouse, con) == [
        ("CSQU3054383", "LOADED", "VESSEL", datetime(2024, 5, 8, 6), AKTAU, "AKTAU_PORT", WAYBILL, "8701",
         "9187655", "AT_SEA", None, None),
        ("MSCU1234566", "DEPARTED", "RAIL", datetime(2024, 5, 2), ALMATY, "KTZ", WAYBILL, "8703", None, "KZ_RAIL",
         None, None),
    ]


def test_a_tie_on_event_time_goes_to_the_later_publication_then_the_greater_event_id(warehouse, con):
    at = "2024-05-09 06:00"
    insert_rows(con, "core.fact_equipment_event", [
        event("BAKU_PORT", "DISCHARGED", at, BAKU, mode="VESSEL", published="2024-05-09 07:00", event_id="BAKU_PORT:2"),
        event("BAKU_PORT", "GATE_OUT", at, BAKU, mode="TRUCK", published="2024-05-09 06:30", event_id="BAKU_PORT:3"),
        event("ADY", "INTERCHANGE_IN", at, ALAT, published="2024-05-09 07:00", event_id="ADY:1"),
        event("KTZ", "DEPARTED", "2024-05-01 00:00", XIAN, container="MSCU1234566", event_id="KTZ:1"),
        event("KTZ", "PASSED", "2024-05-01 00:00", ALMATY, container="MSCU1234566", event_id="KTZ:2"),
    ])
    status(warehouse, con)
    # same time: the later publication wins (07:00 over 06:30); same publication too: the greater event_id
    assert rows(con, "marts.container_status", "container_no, last_event_type, last_operator_code, stage") == [
        ("CSQU3054383", "DISCHARGED", "BAKU_PORT", "BAKU_PORT"),
        ("MSCU1234566", "PASSED", "KTZ", "KZ_RAIL"),
    ]


def test_waybill_train_and_vessel_come_from_the_latest_event_that_names_each(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        event("KTZ", "DEPARTED", "2024-05-01 00:00", XIAN, train="8701", waybill=OTHER_WAYBILL),
        event("KTZ", "INTERCHANGE_OUT", "2024-05-07 00:00", AKTAU_STATION, train="8705"),      # waybill, train
        event("AKTAU_PORT", "DISCHARGED", "2024-05-07 02:00", AKTAU, vessel=None),
        event("AKTAU_PORT", "LOADED", "2024-05-08 06:00", AKTAU, mode="VESSEL", vessel="9187655"),
        event("BAKU_PORT", "DISCHARGED", "2024-05-09 06:00", BAKU, mode="VESSEL", vessel="9300128"),  # vessel
        event("BAKU_PORT", "GATE_OUT", "2024-05-09 08:00", BAKU, mode="TRUCK"),                 # names none
    ])
    assert one(warehouse, con, columns="last_event_type, waybill_no, train_no, vessel_imo, stage") == [
        ("GATE_OUT", WAYBILL, "8705", "9300128", "BAKU_PORT")]


# -- the stage -------------------------------------------------------------------------------------

@pytest.mark.parametrize("events, stage", [
    pytest.param([DEPARTURE, event("KTZ", "PASSED", "2024-05-03 00:00", ALMATY, train="8701")], "KZ_RAIL", id="KZ_RAIL"),
    pytest.param([DEPARTURE, KZ_OUT, event("AKTAU_PORT", "DISCHARGED", "2024-05-07 02:00", AKTAU)], "AKTAU_PORT",
                 id="AKTAU_PORT"),
    pytest.param([DEPARTURE, KZ_OUT, AKTAU_LOADED], "AT_SEA", id="AT_SEA"),
    pytest.param([event("BAKU_PORT", "LOADED", "2024-05-08 06:00", BAKU, mode="VESSEL")], "AT_SEA",
                 id="AT_SEA-eastbound-from-Baku"),
    pytest.param([DEPARTURE, KZ_OUT, AKTAU_LOADED, BAKU_DISCHARGED], "BAKU_PORT", id="BAKU_PORT"),
    pytest.param([*MILESTONES, event("ADY", "ARRIVED", "2024-05-09 22:00", GANJA, train="4001")], "AZ_RAIL",
                 id="AZ_RAIL-arrived-short-of-its-destination"),
    pytest.param([*MILESTONES, ARRIVED], "DELIVERED", id="DELIVERED-arrived-at-its-destination"),
    pytest.param([*MILESTONES, ARRIVED, event("ADY", "DELIVERED", "2024-05-10 05:00", ABSHERON)], "DELIVERED",
                 id="DELIVERED"),
    pytest.param([event("KTZ", "DELIVERED", "2024-05-10 05:00", ALMATY, waybill=None)], "DELIVERED",
                 id="DELIVERED-without-a-waybill"),
])
def test_the_stage_follows_the_latest_event(warehouse, con, events, stage):
    insert_rows(con, "core.fact_equipment_event", events)
    assert one(warehouse, con) == [(stage,)]


def test_arrived_is_delivered_only_at_the_destination_of_its_waybill(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        event("ADY", "ARRIVED", "2024-05-09 22:00", GANJA, train="4001"),                      # 24KZ0012345: Absheron
        event("ADY", "ARRIVED", "2024-05-10 22:00", GANJA, container="MSCU1234566", waybill=OTHER_WAYBILL),  # Ganja
        event("ADY", "ARRIVED", "2024-05-10 23:00", ABSHERON, container="TGHU1234567", waybill=None),  # no waybill
    ])
    status(warehouse, con)
    assert rows(con, "marts.container_status", "container_no, stage") == [
        ("CSQU3054383", "AZ_RAIL"), ("MSCU1234566", "DELIVERED"), ("TGHU1234567", "AZ_RAIL")]


# -- the ETA ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("reached", range(1, 6), ids=["departure", "kz-out", "aktau-loaded", "baku-discharged",
                                                       "ady-in-at-alat"])
def test_the_eta_is_the_latest_milestone_plus_the_median_hours_from_it_to_arrival(warehouse, con, reached):
    insert_rows(con, "core.fact_equipment_event", MILESTONES[:reached])
    milestone = datetime.fromisoformat(MILESTONES[reached - 1]["event_time_utc"])
    assert one(warehouse, con, HISTORY, "eta_utc, eta_basis") == [
        (milestone + timedelta(hours=MEDIAN_HOURS[reached - 1]), 3)]


def test_the_eta_is_kept_to_the_second(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [DEPARTURE, KZ_OUT, AKTAU_LOADED, BAKU_DISCHARGED, AZ_IN])
    history = [completed("MSCU0000001", "2024-04-01 00:00", [144, 30, 24, 12, 6.25]),
               completed("MSCU0000002", "2024-04-02 00:00", [144, 30, 24, 12, 6.5 + 1 / 7200])]
    # median 6.375 hours + 1/14400 hours: 6 h 22 min 30.25 s, kept as 6 h 22 min 30 s
    assert one(warehouse, con, history, "eta_utc, eta_basis") == [(datetime(2024, 5, 10, 0, 22, 30), 2)]


def test_the_basis_is_the_completed_journeys_departed_in_the_90_days_before_this_departure(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [DEPARTURE, KZ_OUT])               # departed 2024-05-01 00:00
    legs = [144, 30, 24, 12, 6]
    history = [
        completed("MSCU0000001", "2024-01-31 00:00", [144, 100, 24, 12, 6]),  # 91 days before: not counted
        completed("MSCU0000002", "2024-01-31 23:59", legs),                   # 90 days and 1 minute: not counted
        completed("MSCU0000003", "2024-02-01 00:00", legs),                   # exactly 90 days: counted
        completed("MSCU0000004", "2024-02-02 00:00", legs),                   # 89 days before: counted
        completed("MSCU0000005", "2024-04-30 23:59", [144, 40, 24, 12, 6]),   # the minute before: counted
        completed("MSCU0000006", "2024-05-01 00:00", [144, 100, 24, 12, 6]),  # the same instant: not before it
        completed("MSCU0000007", "2024-05-02 00:00", [144, 100, 24, 12, 6]),  # after it
        {**completed("MSCU0000008", "2024-04-01 00:00", [144, 100, 24, 12, None]), "arrived_utc": None,
         "transit_days": None},                                               # in progress: not completed
    ]
    # KZ out 7 May 00:00 + median(72, 72, 82) hours
    assert one(warehouse, con, history, "eta_utc, eta_basis") == [(datetime(2024, 5, 10), 3)]


def test_a_completed_journey_missing_a_leg_after_the_milestone_does_not_count(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [DEPARTURE, KZ_OUT, AKTAU_LOADED])    # milestone 3: Aktau loaded
    history = [
        *HISTORY,                                                           # from Aktau loaded: 42, 37, 40
        completed("MSCU0000004", "2024-04-11 00:00", [144, 30, None, 12, 6]),     # no sea leg: cannot count
        completed("MSCU0000005", "2024-04-12 00:00", [None, None, 30, 12, 6]),    # missing KZ out: 48, counts
    ]
    # median(42, 37, 40, 48) = 41 hours after 8 May 06:00
    assert one(warehouse, con, history, "eta_utc, eta_basis") == [(datetime(2024, 5, 9, 23), 4)]


def test_a_journey_missing_a_milestone_counts_from_its_latest_milestone(warehouse, con):
    # No KTZ INTERCHANGE_OUT reported; the vessel loading at Aktau is still the latest milestone.
    insert_rows(con, "core.fact_equipment_event", [DEPARTURE, AKTAU_LOADED])
    assert one(warehouse, con, HISTORY, "eta_utc, eta_basis") == [(datetime(2024, 5, 8, 6) + timedelta(hours=40), 3)]


def test_no_completed_journey_to_base_it_on_leaves_the_eta_null(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [DEPARTURE, KZ_OUT])
    history = [completed("MSCU0000001", "2024-01-01 00:00", [144, 30, 24, 12, 6]),   # long before
               completed("MSCU0000002", "2024-04-01 00:00", [144, None, 24, 12, 6])]  # needed leg missing
    assert one(warehouse, con, history, "stage, eta_utc, eta_basis") == [("KZ_RAIL", None, None)]


def test_a_completed_journey_has_no_eta(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [*MILESTONES, ARRIVED])
    assert one(warehouse, con, HISTORY, "stage, eta_utc, eta_basis") == [("DELIVERED", None, None)]


def test_a_container_not_on_a_xian_baku_journey_has_no_eta(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        event("KTZ", "DEPARTED", "2024-05-01 00:00", ALMATY, train="8703"),   # no departure from Xi'an
        event("KTZ", "INTERCHANGE_OUT", "2024-05-04 00:00", AKTAU_STATION, train="8703")])
    assert one(warehouse, con, HISTORY, "stage, eta_utc, eta_basis") == [("KZ_RAIL", None, None)]


def test_a_delivered_container_whose_arrival_is_missing_has_no_eta(warehouse, con):
    # Its journey has no ADY ARRIVED at the destination, but the container has been delivered.
    insert_rows(con, "core.fact_equipment_event", [*MILESTONES, event("ADY", "DELIVERED", "2024-05-10 05:00", ABSHERON)])
    assert one(warehouse, con, HISTORY, "stage, eta_utc, eta_basis") == [("DELIVERED", None, None)]


def test_the_eta_is_of_the_containers_latest_journey(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        # An earlier journey that never reported its arrival, then the container departs Xi'an again.
        event("KTZ", "DEPARTED", "2024-03-01 00:00", XIAN, train="8601"),
        event("KTZ", "INTERCHANGE_OUT", "2024-03-07 00:00", AKTAU_STATION, train="8601"),
        event("AKTAU_PORT", "LOADED", "2024-03-08 06:00", AKTAU, mode="VESSEL"),
        DEPARTURE,
    ])
    history = [completed("MSCU0000001", "2024-02-15 00:00", [144, 30, 24, 12, 10])]
    # from the 1 May departure (216 hours of HISTORY's three, 220 with this one: median 218), not from the March journey
    assert one(warehouse, con, [*HISTORY, *history], "eta_utc, eta_basis") == [
        (datetime(2024, 5, 1) + timedelta(hours=218), 4)]


def test_a_container_whose_latest_journey_is_completed_has_no_eta(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [
        event("KTZ", "DEPARTED", "2024-03-01 00:00", XIAN, train="8601"),       # an earlier journey, no arrival
        *MILESTONES, ARRIVED,
        event("ADY", "DEPARTED", "2024-05-11 00:00", ABSHERON, train="4002"),   # moving on after arrival: no ETA
    ])
    assert one(warehouse, con, HISTORY, "stage, eta_utc, eta_basis") == [("AZ_RAIL", None, None)]


# -- types -----------------------------------------------------------------------------------------

def test_output_types(warehouse, con):
    insert_rows(con, "core.fact_equipment_event", [DEPARTURE, KZ_OUT])
    status(warehouse, con, HISTORY)
    assert column_types(con, "marts.container_status") == {
        "container_no": "VARCHAR", "last_event_type": "VARCHAR", "last_transport_mode": "VARCHAR",
        "last_event_utc": "TIMESTAMP", "last_location_code": "VARCHAR", "last_operator_code": "VARCHAR",
        "waybill_no": "VARCHAR", "train_no": "VARCHAR", "vessel_imo": "VARCHAR", "stage": "VARCHAR",
        "eta_utc": "TIMESTAMP", "eta_basis": "BIGINT",
    }
    assert [tuple(type(v).__name__ for v in r) for r in rows(con, "marts.container_status", "last_event_utc, eta_utc, eta_basis")] == [
        ("datetime", "datetime", "int")]
