"""marts.corridor_volume_monthly: consignments both railways reported, per UTC month and direction."""
from datetime import date
from decimal import Decimal

from fixtures.warehouse import column_types, insert_rows, rows, run

SQL = "marts_corridor_volume_monthly.sql"
BOTH = ["ADY", "KTZ"]


def consignment(waybill, accepted, weight, reported_by=BOTH, kind="CONTAINER", teu=2.0, status="IN_TRANSIT"):
    return {"waybill_no": waybill, "status": status, "equipment_kind": kind, "teu": teu,
            "gross_weight_t": weight, "accepted_utc": accepted, "reported_by": reported_by,
            "direction": "WESTBOUND" if waybill[2:4] == "KZ" else "EASTBOUND", "load_id": "L1"}


def test_counts_each_consignment_both_railways_reported_once_and_not_cancelled_ones(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_consignment", [
        consignment("24KZ0000001", "2024-01-10 08:00", "20.500", teu=2.25),
        consignment("24KZ0000002", "2024-01-31 20:00", "30.250", teu=1.0),   # 1 February in Almaty: January (UTC)
        consignment("24KZ0000003", "2024-01-12 08:00", "65.000", kind="WAGON", teu=0.0,
                    reported_by=["ADY", "AKTAU_PORT", "BAKU_PORT", "KTZ"]),
        consignment("24KZ0000004", "2024-01-12 08:00", "99.000", reported_by=["KTZ"]),
        consignment("24KZ0000005", "2024-01-12 08:00", "99.000", reported_by=["AKTAU_PORT", "KTZ"]),
        consignment("24KZ0000006", "2024-01-12 08:00", "99.000", status="CANCELLED"),
        consignment("24AZ0000007", "2024-02-01 00:00", "60.000", kind="WAGON", teu=0.0),
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.corridor_volume_monthly") == [
        (date(2024, 1, 1), "WESTBOUND", 3, 2, 1, 3.25, Decimal("115.750"), None, None),
        (date(2024, 2, 1), "EASTBOUND", 1, 0, 1, 0.0, Decimal("60.000"), None, None),
    ]


def test_previous_year_and_year_on_year_change_by_month_and_direction(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_consignment", [
        consignment("23KZ0000001", "2023-01-15 08:00", "400.000"),
        consignment("24KZ0000001", "2024-01-15 08:00", "500.000"),
        consignment("23AZ0000002", "2023-02-15 08:00", "80.000"),    # no February 2024 eastbound: no row for it
        consignment("24AZ0000003", "2024-01-15 08:00", "70.000"),    # no January 2023 eastbound
        consignment("23KZ0000004", "2023-12-15 08:00", "10.000"),    # a month, not a year, earlier
    ])
    run(warehouse, SQL)
    assert rows(con, "marts.corridor_volume_monthly", "month, direction, gross_weight_t, prev_year_gross_weight_t,"
                " yoy_pct") == [
        (date(2023, 1, 1), "WESTBOUND", Decimal("400.000"), None, None),
        (date(2023, 2, 1), "EASTBOUND", Decimal("80.000"), None, None),
        (date(2023, 12, 1), "WESTBOUND", Decimal("10.000"), None, None),
        (date(2024, 1, 1), "EASTBOUND", Decimal("70.000"), None, None),
        (date(2024, 1, 1), "WESTBOUND", Decimal("500.000"), Decimal("400.000"), 25.0),
    ]


def test_output_types(warehouse):
    run(warehouse, SQL)
    assert column_types(warehouse.cursor(), "marts.corridor_volume_monthly") == {
        "month": "DATE", "direction": "VARCHAR", "consignments": "BIGINT", "containers": "BIGINT",
        "wagons": "BIGINT", "teu": "DOUBLE", "gross_weight_t": "DECIMAL(12,3)",
        "prev_year_gross_weight_t": "DECIMAL(12,3)", "yoy_pct": "DOUBLE",
    }
