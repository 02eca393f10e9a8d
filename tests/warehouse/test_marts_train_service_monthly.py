"""marts.train_service_monthly: trains per service and month, containers per train, median transit."""
from datetime import date

from fixtures.warehouse import column_types, insert_rows, rows, run

SQL = "marts_train_service_monthly.sql"
XIAN, ALAT, ALMATY = "CNXIA", "ESR552508", "ESR700007"


def origin(operator, train, departed, service="XIAN-BAKU", location=XIAN, service_date="2024-03-01"):
    """Stop 1 of a train's plan, with its actual departure (None: not departed)."""
    return {"operator_code": operator, "train_no": train, "service_date": service_date, "service_code": service,
            "stop_seq": 1, "location_code": location, "planned_departure_utc": departed,
            "actual_departure_utc": departed, "load_id": "L1"}


def departed(container, train, at, operator="KTZ", location=XIAN):
    return {"event_id": f"{operator}:{container}:{train}:{location}", "operator_code": operator,
            "source_record_id": f"{container}{train}", "source_revision": 1, "equipment_kind": "CONTAINER",
            "container_no": container, "event_type": "DEPARTED", "transport_mode": "RAIL", "event_time_utc": at,
            "published_utc": at, "location_code": location, "train_no": train, "load_id": "L1"}


def consignment(waybill, container, train, accepted, status="ACCEPTED", location=XIAN):
    return {"waybill_no": waybill, "status": status, "equipment_kind": "CONTAINER", "container_no": container,
            "origin_location_code": location, "accepted_utc": accepted, "train_no": train, "load_id": "L1"}


def journey(container, train, departed_at, transit_days, arrived):
    return {"container_no": container, "train_no": train, "departed_utc": departed_at, "arrived_utc": arrived,
            "transit_days": transit_days}


def test_trains_count_by_utc_month_of_departure_and_the_ady_leg_of_xian_baku_is_no_train(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [
        origin("KTZ", "8701", "2024-03-01 16:00"),
        origin("KTZ", "8703", "2024-03-04 16:00", service_date="2024-03-05"),
        origin("KTZ", "8705", None, service_date="2024-03-08"),                # planned, not departed
        origin("KTZ", "8707", "2024-02-29 20:00"),                             # 1 March 04:00 in Xi'an
        origin("ADY", "4001", "2024-03-12 08:00", location=ALAT),             # XIAN-BAKU from Alat: a leg
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.train_service_monthly") == [
        (date(2024, 2, 1), "XIAN-BAKU", 1, 0, 0.0, None),
        (date(2024, 3, 1), "XIAN-BAKU", 2, 0, 0.0, None),
    ]


def test_a_train_of_a_service_starting_at_a_port_station_is_a_train_of_that_service(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [
        origin("ADY", "6001", "2024-03-10 08:00", service="ALAT-BAKU", location=ALAT),
        origin("ADY", "4001", "2024-03-12 08:00", location=ALAT),             # XIAN-BAKU from Alat: a leg
    ])
    insert_rows(con, "core.fact_equipment_event", [
        departed("C7", "6001", "2024-03-10 08:05", operator="ADY", location=ALAT),
        departed("C8", "6001", "2024-03-10 08:05", operator="ADY", location=ALAT),
        departed("C1", "4001", "2024-03-12 08:05", operator="ADY", location=ALAT),
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.train_service_monthly") == [(date(2024, 3, 1), "ALAT-BAKU", 1, 2, 2.0, None)]


def test_containers_per_train_and_median_transit_over_completed_journeys_only(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [
        origin("KTZ", "8701", "2024-03-01 16:00"),
        origin("KTZ", "8703", "2024-03-04 16:00", service_date="2024-03-05"),
    ])
    insert_rows(con, "core.fact_equipment_event", [
        departed("C1", "8701", "2024-03-01 16:10"),
        departed("C2", "8701", "2024-03-01 16:10"),
        departed("C5", "8703", "2024-03-04 16:10"),
        departed("C6", "8701", "2024-03-02 20:00", location=ALMATY),          # not at the train's origin
        departed("C9", "8701", "2024-03-02 16:11"),                            # more than a day after it left
    ])
    insert_rows(con, "core.fact_consignment", [
        consignment("24KZ0000001", "C1", "8701", "2024-02-28 10:00"),          # C1 again: counted once
        consignment("24KZ0000003", "C3", "8701", "2024-02-28 10:00"),          # accepted onto it, no departure event
        consignment("24KZ0000004", "C4", "8701", "2024-02-28 10:00", status="CANCELLED"),
    ])
    insert_rows(con, "marts.container_transit", [
        journey("C1", "8701", "2024-03-01 16:10", 11.0, "2024-03-12 16:10"),
        journey("C2", "8701", "2024-03-01 16:10", 12.0, "2024-03-13 16:10"),
        journey("C5", "8703", "2024-03-04 16:10", None, None),                 # in progress
    ])
    run(warehouse, SQL)
    # 8701 carries C1, C2, C3; 8703 carries C5: 4 containers on 2 trains; median of 11 and 12 days
    assert rows(con, "marts.train_service_monthly") == [(date(2024, 3, 1), "XIAN-BAKU", 2, 4, 2.0, 11.5)]


def test_output_types(warehouse):
    run(warehouse, SQL)
    assert column_types(warehouse.cursor(), "marts.train_service_monthly") == {
        "month": "DATE", "service_code": "VARCHAR", "trains": "BIGINT", "containers": "BIGINT",
        "containers_per_train": "DOUBLE", "median_transit_days": "DOUBLE",
    }
