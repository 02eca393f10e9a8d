"""core.fact_train_stop: the latest plan of each service date, stop by stop, and the matched actual times."""
from datetime import date, datetime

from fixtures.warehouse import insert_rows, rows, run

XIAN, ALMATY, MANGYSHLAK, ALAT, ABSHERON = "990014", "700007", "663005", "552508", "551204"


def plan_stop(train, seq, esr, arrival, departure, published, service_date="2024-03-01", service="XIAN-BAKU",
              load_id="L1"):
    return {"plan_id": f"{service_date}/{train}", "revision": 1, "published_utc": published,
            "service_date": service_date, "train_no": train, "service_code": service, "stop_seq": seq, "esr": esr,
            "planned_arrival_utc": arrival, "planned_departure_utc": departure,
            "record_hash": f"{train}{seq}{published}", "load_id": load_id}


def test_a_later_publication_replaces_the_dates_whole_plan_and_unchanged_stops_keep_their_row(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.ktz_train_stop", [
        plan_stop("8701", 1, XIAN, None, "2024-03-01 16:00", "2024-02-27 12:00"),
        plan_stop("8701", 2, ALMATY, "2024-03-03 06:00", "2024-03-03 07:00", "2024-02-27 12:00"),
        plan_stop("8703", 1, XIAN, None, "2024-03-01 20:00", "2024-02-27 12:00"),
        plan_stop("8705", 1, XIAN, None, "2024-03-02 16:00", "2024-02-28 12:00", service_date="2024-03-02"),
    ])
    insert_rows(con, "staging.ady_train_stop", [
        plan_stop("4001", 1, ALAT, None, "2024-03-10 08:00", "2024-03-09 06:00", service_date="2024-03-10"),
        plan_stop("4001", 2, ABSHERON, "2024-03-10 10:40", None, "2024-03-09 06:00", service_date="2024-03-10"),
    ])
    run(warehouse, "core_fact_train_stop.sql", "L1")
    insert_rows(con, "staging.ktz_train_stop", [   # the 1 March plan again: 8703 dropped, 8701's stop 2 moved
        plan_stop("8701", 1, XIAN, None, "2024-03-01 16:00", "2024-02-29 12:00", load_id="L2"),
        plan_stop("8701", 2, ALMATY, "2024-03-03 08:00", "2024-03-03 09:00", "2024-02-29 12:00", load_id="L2"),
    ])
    run(warehouse, "core_fact_train_stop.sql", "L2")
    assert rows(con, "core.fact_train_stop", "operator_code, train_no, service_date, service_code, stop_seq,"
                " location_code, planned_arrival_utc, planned_departure_utc, load_id") == [
        ("ADY", "4001", date(2024, 3, 10), "XIAN-BAKU", 1, "ESR552508", None, datetime(2024, 3, 10, 8), "L1"),
        ("ADY", "4001", date(2024, 3, 10), "XIAN-BAKU", 2, "ESR551204", datetime(2024, 3, 10, 10, 40), None, "L1"),
        ("KTZ", "8701", date(2024, 3, 1), "XIAN-BAKU", 1, "CNXIA", None, datetime(2024, 3, 1, 16), "L1"),
        ("KTZ", "8701", date(2024, 3, 1), "XIAN-BAKU", 2, "ESR700007", datetime(2024, 3, 3, 8), datetime(2024, 3, 3, 9),
         "L2"),
        ("KTZ", "8705", date(2024, 3, 2), "XIAN-BAKU", 1, "CNXIA", None, datetime(2024, 3, 2, 16), "L1"),
    ]


# -- actuals (core_fact_train_stop_actuals.sql) ------------------------------------------------------------
_ids = iter(range(1_000_000))


def stop(seq, arrival, departure, location="ESR663005", operator="KTZ", train="8701"):
    return {"operator_code": operator, "train_no": train, "service_date": "2024-03-01", "service_code": "XIAN-BAKU",
            "stop_seq": seq, "location_code": location, "planned_arrival_utc": arrival,
            "planned_departure_utc": departure, "load_id": "L1"}


def event(event_type, at, location="ESR663005", operator="KTZ", train="8701"):
    n = next(_ids)
    return {"event_id": f"{operator}:{n}", "operator_code": operator, "source_record_id": str(n),
            "source_revision": 1, "equipment_kind": "CONTAINER", "container_no": "CSQU3054383",
            "event_type": event_type, "transport_mode": "RAIL", "event_time_utc": at, "published_utc": at,
            "location_code": location, "train_no": train, "load_id": "L1"}


def actuals(warehouse, con):
    run(warehouse, "core_fact_train_stop_actuals.sql")
    return rows(con, "core.fact_train_stop", "stop_seq, actual_arrival_utc, actual_departure_utc")


def test_the_earliest_arrival_and_departure_of_the_same_train_at_the_same_place_by_the_same_railway(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [stop(2, "2024-03-05 10:00", "2024-03-05 11:00")])
    insert_rows(con, "core.fact_equipment_event", [
        event("ARRIVED", "2024-03-05 10:20"),
        event("INTERCHANGE_IN", "2024-03-05 10:10"),                 # the earliest arrival
        event("DEPARTED", "2024-03-05 11:40"),
        event("PASSED", "2024-03-05 11:30"),                         # the earliest departure
        event("INTERCHANGE_OUT", "2024-03-05 11:35"),
        event("LOADED", "2024-03-05 09:00"),                         # neither
        event("ARRIVED", "2024-03-05 09:00", operator="ADY"),        # another railway
        event("ARRIVED", "2024-03-05 09:00", train="8703"),          # another train
        event("ARRIVED", "2024-03-05 09:00", location="ESR662002"),  # another place
        event("DEPARTED", "2024-03-05 09:00", location="ESR662002"),
    ])
    assert actuals(warehouse, con) == [(2, datetime(2024, 3, 5, 10, 10), datetime(2024, 3, 5, 11, 30))]


def test_actuals_match_within_24_hours_of_the_planned_time_only(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [
        stop(2, "2024-03-05 10:00", "2024-03-05 11:00"),
        stop(3, "2024-03-08 10:00", "2024-03-08 11:00"),
    ])
    insert_rows(con, "core.fact_equipment_event", [
        event("ARRIVED", "2024-03-04 10:00"),             # exactly 24 h before the planned arrival: matched
        event("DEPARTED", "2024-03-04 10:59"),            # 24 h 01 min before the planned departure: not
        event("DEPARTED", "2024-03-06 11:00"),            # exactly 24 h after it: matched
        event("ARRIVED", "2024-03-07 09:59"),             # 24 h 01 min before stop 3's arrival: not
        event("DEPARTED", "2024-03-09 11:01"),            # 24 h 01 min after stop 3's departure: not
    ])
    assert actuals(warehouse, con) == [
        (2, datetime(2024, 3, 4, 10), datetime(2024, 3, 6, 11)),
        (3, None, None),
    ]


def test_actuals_stay_null_until_they_happen(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [stop(1, None, "2024-03-01 16:00", location="CNXIA"),
                                              stop(2, "2024-03-05 10:00", "2024-03-05 11:00")])
    insert_rows(con, "core.fact_equipment_event", [event("DEPARTED", "2024-03-01 16:05", location="CNXIA")])
    assert actuals(warehouse, con) == [(1, None, datetime(2024, 3, 1, 16, 5)), (2, None, None)]
    insert_rows(con, "core.fact_equipment_event", [event("ARRIVED", "2024-03-05 10:30")])
    assert actuals(warehouse, con) == [(1, None, datetime(2024, 3, 1, 16, 5)), (2, datetime(2024, 3, 5, 10, 30), None)]
