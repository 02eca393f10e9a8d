"""marts.schedule_adherence_monthly: planned/observed/on-time train stops and vessel calls per month."""
from datetime import date

from fixtures.warehouse import column_types, insert_rows, rows, run

SQL = "marts_schedule_adherence_monthly.sql"
HOUR_US = 3_600_000_000


def stop(seq, planned_arrival, actual_arrival=None, operator="KTZ", train="8701"):
    return {"operator_code": operator, "train_no": train, "service_date": "2024-03-01", "stop_seq": seq,
            "location_code": "ESR663005", "planned_arrival_utc": planned_arrival,
            "actual_arrival_utc": actual_arrival, "load_id": "L1"}


def call(call_id, ata=None, status="ARRIVED", operator="AKTAU_PORT", port="KZAAU"):
    return {"call_id": call_id, "port_unlocode": port, "operator_code": operator, "source_revision": 1,
            "ata_utc": ata, "status": status, "published_utc": "2024-03-01 00:00", "load_id": "L1"}


def version(call_id, published, eta):
    return {"call_id": call_id, "published_utc": published, "eta_utc": eta, "load_id": "L1"}


def test_train_stop_is_on_time_up_to_60_minutes_late_and_early_counts_as_on_time(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [
        stop(1, "2024-03-05 10:00", "2024-03-05 09:30"),   # 30 min early: on time, lateness 0
        stop(2, "2024-03-05 10:00", "2024-03-05 11:00"),   # exactly 60 min late: on time
        stop(3, "2024-03-05 10:00", "2024-03-05 11:01"),   # 61 min late: late
        stop(4, "2024-03-05 10:00", None),                 # not observed
        stop(5, None, None),                               # no planned arrival (origin): not planned
    ])
    run(warehouse, SQL)
    # mean delay over the three observed: (0 + 60 + 61 min) / 3 = 121/180 h
    assert rows(con, "marts.schedule_adherence_monthly") == [
        (date(2024, 3, 1), "KTZ", "TRAIN", 4, 3, 2, 200 / 3, 121 / 180),
    ]


def test_mean_delay_is_over_observed_stops_only(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [
        stop(1, "2024-03-05 10:00", "2024-03-05 12:00"),   # 2 h late
        stop(2, "2024-03-05 10:00", None),                 # not observed: not a lateness of 0
        stop(1, "2024-04-05 10:00", None, train="8703"),   # a month with nothing observed
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.schedule_adherence_monthly") == [
        (date(2024, 3, 1), "KTZ", "TRAIN", 2, 1, 0, 0.0, 2.0),
        (date(2024, 4, 1), "KTZ", "TRAIN", 1, 0, 0, None, None),
    ]


def test_month_is_the_utc_month_of_the_planned_arrival_per_operator(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_train_stop", [
        stop(1, "2024-02-29 23:30", "2024-03-01 00:10"),   # planned in February (UTC), arrived in March
        stop(1, "2024-03-01 00:30", "2024-03-01 00:30", operator="ADY", train="4001"),
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.schedule_adherence_monthly", "month, operator_code, planned, on_time") == [
        (date(2024, 2, 1), "KTZ", 1, 1),
        (date(2024, 3, 1), "ADY", 1, 1),
    ]


def test_vessel_planned_arrival_is_the_eta_of_the_last_version_published_before_arrival(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_vessel_call", [
        call("A1", ata="2024-03-05 15:00"),
        call("A2", ata="2024-03-06 15:01"),
        call("A3", ata=None, status="EXPECTED"),
    ])
    insert_rows(con, "core.fact_vessel_call_version", [
        version("A1", "2024-03-01 00:00", "2024-03-05 10:00"),
        version("A1", "2024-03-04 00:00", "2024-03-05 12:00"),  # last before arrival: planned 12:00, 3 h late
        version("A1", "2024-03-05 16:00", "2024-03-05 20:00"),  # published after it arrived
        version("A2", "2024-03-01 00:00", "2024-03-06 12:00"),  # 3 h 01 min late
        version("A3", "2024-03-01 00:00", "2024-03-20 10:00"),
        version("A3", "2024-03-02 00:00", "2024-04-01 10:00"),  # not arrived: its latest ETA, in April
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.schedule_adherence_monthly") == [
        (date(2024, 3, 1), "AKTAU_PORT", "VESSEL", 2, 2, 1, 50.0, (6 + 1 / 60) / 2),
        (date(2024, 4, 1), "AKTAU_PORT", "VESSEL", 1, 0, 0, None, None),
    ]


def test_vessel_call_first_published_after_it_arrived_keeps_its_first_eta(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_vessel_call", [call("B1", ata="2024-03-05 08:00", operator="BAKU_PORT", port="AZBAK")])
    insert_rows(con, "core.fact_vessel_call_version", [
        version("B1", "2024-03-05 09:00", "2024-03-05 06:00"),
        version("B1", "2024-03-05 12:00", "2024-03-05 07:00"),
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.schedule_adherence_monthly") == [
        (date(2024, 3, 1), "BAKU_PORT", "VESSEL", 1, 1, 1, 100.0, 2.0),
    ]


def test_mean_delay_is_bit_identical_whatever_order_the_rows_come_in(warehouse):
    con = warehouse.cursor()
    # 0.1 h, 0.2 h and 0.3 h late: summed as DOUBLE, (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1.
    stops = [stop(1, "2024-03-05 10:00", "2024-03-05 10:06"), stop(2, "2024-03-05 10:00", "2024-03-05 10:12"),
             stop(3, "2024-03-05 10:00", "2024-03-05 10:18")]
    results = []
    for ordered in (stops, stops[::-1]):
        con.execute("DELETE FROM core.fact_train_stop")
        insert_rows(con, "core.fact_train_stop", ordered)
        run(warehouse, SQL)
        (mean,), = rows(con, "marts.schedule_adherence_monthly", "mean_delay_hours")
        results.append(mean.hex())
    assert results[0] == results[1] == (36 * 60 * 1_000_000 / (3 * HOUR_US)).hex()  # 0.2 h, rounded once


def test_output_types(warehouse):
    run(warehouse, SQL)
    assert column_types(warehouse.cursor(), "marts.schedule_adherence_monthly") == {
        "month": "DATE", "operator_code": "VARCHAR", "kind": "VARCHAR", "planned": "BIGINT", "observed": "BIGINT",
        "on_time": "BIGINT", "on_time_pct": "DOUBLE", "mean_delay_hours": "DOUBLE",
    }
