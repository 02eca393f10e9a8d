"""marts.waybill_reconciliation: waybills missing at one railway, and weights off the accepting railway's by > 1 %."""
from decimal import Decimal

import pytest

from fixtures.warehouse import column_types, insert_rows, rows, run

SQL = "marts_waybill_reconciliation.sql"


def consignment(waybill, reported_by, accepted="2024-03-01 00:00", crosses_caspian=True, status="IN_TRANSIT"):
    return {"waybill_no": waybill, "status": status, "accepted_utc": accepted, "reported_by": reported_by,
            "crosses_caspian": crosses_caspian, "load_id": "L1"}


def ktz(waybill, weight, published="2024-03-01 00:00", revision=1):
    return {"waybill_no": waybill, "revision": revision, "published_utc": published, "equipment_kind": "CONTAINER",
            "origin_esr": "990014", "destination_esr": "551204", "exit_esr": "663109", "gross_weight_t": weight,
            "accepted_utc": "2024-03-01 00:00", "record_hash": f"k{waybill}{revision}", "load_id": "L1"}


def ady(waybill, weight, published="2024-03-01 00:00", revision=1):
    return {"waybill_no": waybill, "revision": revision, "published_utc": published, "origin_esr": "552508",
            "destination_esr": "551204", "gross_weight_t": weight, "accepted_utc": "2024-03-01 00:00",
            "record_hash": f"a{waybill}{revision}", "load_id": "L1"}


def aktau(waybill, weight, line_id, published="2024-03-05 00:00"):
    return {"line_id": line_id, "revision": 1, "published_utc": published, "waybill_no": waybill,
            "gross_weight_t": weight, "port_of_loading": "KZAAU", "port_of_discharge": "AZBAK",
            "record_hash": line_id, "load_id": "L1"}


def baku(waybill, weight, declaration_id, published="2024-03-06 00:00"):
    return {"declaration_id": declaration_id, "revision": 1, "published_utc": published, "waybill_no": waybill,
            "hs_code": "850440", "gross_weight_t": weight, "record_hash": declaration_id, "load_id": "L1"}


def test_a_weight_mismatches_when_it_differs_from_the_accepting_railways_by_more_than_1_pct(warehouse):
    con = warehouse.cursor()
    both = ["ADY", "AKTAU_PORT", "BAKU_PORT", "KTZ"]
    insert_rows(con, "core.fact_consignment", [consignment(w, both) for w in
                                               ("24KZ0000001", "24KZ0000002", "24KZ0000003", "24AZ0000004")])
    insert_rows(con, "staging.ktz_consignment", [
        ktz("24KZ0000001", 100.0), ktz("24KZ0000002", 100.0), ktz("24KZ0000003", 99.0), ktz("24AZ0000004", 99.0)])
    insert_rows(con, "staging.ady_shipment", [
        ady("24KZ0000001", 101.0), ady("24KZ0000002", 99.0), ady("24KZ0000003", 100.0), ady("24AZ0000004", 100.0)])
    insert_rows(con, "staging.aktau_manifest_line", [aktau("24KZ0000001", 101.001, "M1")])
    insert_rows(con, "staging.baku_declaration", [baku("24KZ0000001", 100.0, "D1")])
    run(warehouse, SQL)
    # 1: Aktau's 101.001 t is 1.001 % off KTZ's 100 t (ADY's 101 t, exactly 1 %, alone would not be);
    # 2 and 4: 1 t off the accepting railway's 100 t, exactly 1 %; 3: ADY's 100 t is 1.01 % off KTZ's 99 t
    assert rows(con, "marts.waybill_reconciliation") == [
        ("24KZ0000001", "WEIGHT_MISMATCH", Decimal("100.000"), Decimal("101.000"), Decimal("101.001"),
         Decimal("100.000")),
        ("24KZ0000003", "WEIGHT_MISMATCH", Decimal("99.000"), Decimal("100.000"), None, None),
    ]


def test_each_sources_latest_version_is_compared(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_consignment", [consignment("24KZ0000001", ["ADY", "AKTAU_PORT", "KTZ"])])
    insert_rows(con, "staging.ktz_consignment", [ktz("24KZ0000001", 50.0), ktz("24KZ0000001", 60.0, revision=2)])
    insert_rows(con, "staging.ady_shipment", [ady("24KZ0000001", 60.0), ady("24KZ0000001", 50.0, revision=2)])
    insert_rows(con, "staging.aktau_manifest_line", [
        aktau("24KZ0000001", 50.0, "M1", published="2024-03-05 00:00"),
        aktau("24KZ0000001", 60.0, "M1", published="2024-03-06 00:00")])
    run(warehouse, SQL)
    assert rows(con, "marts.waybill_reconciliation") == [
        ("24KZ0000001", "WEIGHT_MISMATCH", Decimal("60.000"), Decimal("50.000"), Decimal("60.000"), None)]


@pytest.mark.parametrize("ady_newest, missing", [("2024-03-11 00:00:00", False), ("2024-03-11 00:00:01", True)])
def test_missing_at_ady_once_adys_newest_cargo_publication_is_more_than_10_days_after_acceptance(
        warehouse, ady_newest, missing):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_consignment", [consignment("24KZ0000001", ["KTZ"], accepted="2024-03-01 00:00")])
    insert_rows(con, "staging.ktz_consignment", [ktz("24KZ0000001", 20.0)])
    insert_rows(con, "staging.ady_shipment", [ady("24AZ0000009", 20.0, published=ady_newest)])  # another waybill
    run(warehouse, SQL)
    expected = [("24KZ0000001", "MISSING_AT_ADY", Decimal("20.000"), None, None, None)] if missing else []
    assert rows(con, "marts.waybill_reconciliation") == expected


def test_missing_at_ktz_and_only_for_consignments_crossing_the_caspian_not_cancelled(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "core.fact_consignment", [
        consignment("24AZ0000001", ["ADY"]),
        consignment("24AZ0000002", ["ADY"], crosses_caspian=False),   # stays on ADY's network
        consignment("24AZ0000003", ["ADY"], status="CANCELLED"),
    ])
    insert_rows(con, "staging.ady_shipment", [ady(w, 30.0) for w in ("24AZ0000001", "24AZ0000002", "24AZ0000003")])
    insert_rows(con, "staging.ktz_consignment", [ktz("24KZ0000009", 20.0, published="2024-03-20 00:00")])
    run(warehouse, SQL)
    assert rows(con, "marts.waybill_reconciliation") == [
        ("24AZ0000001", "MISSING_AT_KTZ", None, Decimal("30.000"), None, None)]


def test_output_types(warehouse):
    run(warehouse, SQL)
    assert column_types(warehouse.cursor(), "marts.waybill_reconciliation") == {
        "waybill_no": "VARCHAR", "issue": "VARCHAR", "ktz_weight_t": "DECIMAL(12,3)",
        "ady_weight_t": "DECIMAL(12,3)", "aktau_weight_t": "DECIMAL(12,3)", "baku_weight_t": "DECIMAL(12,3)",
    }
