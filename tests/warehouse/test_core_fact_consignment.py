"""core.fact_consignment: one row per waybill, merged from both railways' cargo records and the ports' lines."""
from decimal import Decimal

from fixtures.warehouse import insert_rows, rows, run

SQL = "core_fact_consignment.sql"
XIAN, ALMATY, SHU, MANGYSHLAK, AKTAU_STATION, BEYNEU = "990014", "700007", "690801", "663005", "663109", "662002"
ALAT, BAKU_TOV, ABSHERON, GANJA = "552508", "551007", "551204", "556000"


def ktz(waybill, revision=1, published="2024-03-01 00:00", status="ACCEPTED", weight=20.0, container="CSQU3054383",
        size="45G1", wagon="51234565", origin=XIAN, destination=ABSHERON, exit=AKTAU_STATION, gng=None,
        train="8701", load_id="L1"):
    return {"waybill_no": waybill, "revision": revision, "published_utc": published, "status": status,
            "equipment_kind": "CONTAINER" if container else "WAGON", "container_no": container,
            "iso_size_type": size if container else None, "wagon_no": wagon, "origin_esr": origin,
            "destination_esr": destination, "exit_esr": exit, "gng_code": gng, "gross_weight_t": weight,
            "accepted_utc": "2024-03-01 00:00", "train_no": train,
            "record_hash": f"k{waybill}{revision}", "load_id": load_id}


def ady(waybill, revision=1, published="2024-03-01 00:00", status="QEBUL", weight=20.0, container="CSQU3054383",
        size="45G1", wagon="51234565", origin=ALAT, destination=ABSHERON, entry=ALAT, train="4001", load_id="L1"):
    return {"waybill_no": waybill, "revision": revision, "published_utc": published, "status": status,
            "container_no": container, "iso_size_type": size if container else None, "wagon_no": wagon,
            "origin_esr": origin, "destination_esr": destination, "entry_esr": entry, "gross_weight_t": weight,
            "accepted_utc": "2024-03-02 00:00", "train_no": train,
            "record_hash": f"a{waybill}{revision}", "load_id": load_id}


def aktau_line(waybill, line_id="M1", hs="730890", load_id="L1"):
    return {"line_id": line_id, "revision": 1, "published_utc": "2024-03-05 00:00", "waybill_no": waybill,
            "hs_code": hs, "gross_weight_t": 20.0, "port_of_loading": "KZAAU", "port_of_discharge": "AZBAK",
            "record_hash": line_id, "load_id": load_id}


def baku_declaration(waybill, declaration_id="D1", hs="940600", load_id="L1"):
    return {"declaration_id": declaration_id, "revision": 1, "published_utc": "2024-03-06 00:00",
            "waybill_no": waybill, "hs_code": hs, "gross_weight_t": 20.0, "record_hash": declaration_id,
            "load_id": load_id}


def test_status_cancelled_wins_else_the_latest_published_record_and_handed_over_is_in_transit(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.ktz_consignment", [
        ktz("24KZ0000001", status="IN_TRANSIT", published="2024-03-05 00:00"),
        ktz("24KZ0000002", status="ACCEPTED", published="2024-03-01 00:00"),
        ktz("24KZ0000003", status="HANDED_OVER", published="2024-03-06 00:00"),
        ktz("24KZ0000004", status="DELIVERED", published="2024-03-06 00:00"),
        ktz("24KZ0000005", status="HANDED_OVER", published="2024-03-06 00:00"),
        ktz("24KZ0000006", status="ACCEPTED"), ktz("24KZ0000006", revision=2, status="CANCELLED"),
    ])
    insert_rows(con, "staging.ady_shipment", [
        ady("24KZ0000001", status="LEGV", published="2024-03-02 00:00"),    # cancelled, although KTZ's is later
        ady("24KZ0000002", status="YOLDA", published="2024-03-05 00:00"),   # later than KTZ's ACCEPTED
        ady("24KZ0000003", status="CATDI", published="2024-03-04 00:00"),   # earlier than KTZ's HANDED_OVER
        ady("24KZ0000004", status="YOLDA", published="2024-03-05 00:00"),
        ady("24AZ0000007", status="CATDI", published="2024-03-05 00:00"),
    ])
    run(warehouse, SQL, "L1")
    assert rows(con, "core.fact_consignment", "waybill_no, status") == [
        ("24AZ0000007", "DELIVERED"),
        ("24KZ0000001", "CANCELLED"),
        ("24KZ0000002", "IN_TRANSIT"),
        ("24KZ0000003", "IN_TRANSIT"),
        ("24KZ0000004", "DELIVERED"),
        ("24KZ0000005", "IN_TRANSIT"),
        ("24KZ0000006", "CANCELLED"),
    ]


def test_weight_is_the_accepting_railways_else_the_other_railways_while_only_it_reported(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.ktz_consignment", [
        ktz("24KZ0000001", weight=19.0), ktz("24KZ0000001", revision=2, weight=20.12345),  # latest revision, rounded
        ktz("24AZ0000002", weight=20.0),
        ktz("24AZ0000004", weight=20.0),
    ])
    insert_rows(con, "staging.ady_shipment", [
        ady("24KZ0000001", weight=21.0),
        ady("24AZ0000002", weight=21.0),
        ady("24KZ0000003", weight=21.0),   # a KZ waybill only ADY has reported yet
    ])
    run(warehouse, SQL, "L1")
    assert rows(con, "core.fact_consignment", "waybill_no, gross_weight_t, origin_location_code, accepted_utc::VARCHAR") == [
        ("24AZ0000002", Decimal("21.000"), "ESR552508", "2024-03-02 00:00:00"),   # AZ waybill: ADY's
        ("24AZ0000004", Decimal("20.000"), "CNXIA", "2024-03-01 00:00:00"),       # only KTZ has reported it
        ("24KZ0000001", Decimal("20.123"), "CNXIA", "2024-03-01 00:00:00"),       # KZ waybill: KTZ's
        ("24KZ0000003", Decimal("21.000"), "ESR552508", "2024-03-02 00:00:00"),
    ]
    insert_rows(con, "staging.ktz_consignment", [ktz("24KZ0000003", weight=20.0, load_id="L2")])
    run(warehouse, SQL, "L2")
    assert rows(con, "core.fact_consignment", "gross_weight_t, origin_location_code, load_id",
                where="waybill_no = '24KZ0000003'") == [(Decimal("20.000"), "CNXIA", "L2")]


def test_reported_by_is_sorted_and_port_lines_never_create_a_row(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.ktz_consignment", [ktz("24KZ0000001"), ktz("24KZ0000002")])
    insert_rows(con, "staging.ady_shipment", [ady("24KZ0000001")])
    insert_rows(con, "staging.aktau_manifest_line", [aktau_line("24KZ0000001"), aktau_line("24KZ0000009", "M9")])
    insert_rows(con, "staging.baku_declaration", [baku_declaration("24KZ0000001"), baku_declaration("24KZ0000008", "D8")])
    run(warehouse, SQL, "L1")
    assert rows(con, "core.fact_consignment", "waybill_no, reported_by") == [
        ("24KZ0000001", ["ADY", "AKTAU_PORT", "BAKU_PORT", "KTZ"]),
        ("24KZ0000002", ["KTZ"]),
    ]


def test_crosses_caspian_when_a_port_line_names_it_or_its_route_uses_a_port_station(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.ktz_consignment", [
        ktz("24KZ0000001", origin=ALMATY, destination=SHU, exit=SHU),                    # domestic
        ktz("24KZ0000002", origin=ALMATY, destination=MANGYSHLAK, exit=AKTAU_STATION),   # leaves KTZ at Aktau
        ktz("24KZ0000003", origin=ALMATY, destination=SHU, exit=SHU),                    # ... on Baku's declaration
        ktz("24KZ0000004", origin=ALMATY, destination=GANJA, exit=BEYNEU),               # KZ to AZ: by sea
    ])
    insert_rows(con, "staging.ady_shipment", [
        ady("24AZ0000005", origin=BAKU_TOV, destination=GANJA, entry=None),              # domestic
        ady("24AZ0000006", origin=BAKU_TOV, destination=ALAT, entry=None),               # leaves ADY at Alat
    ])
    insert_rows(con, "staging.baku_declaration", [baku_declaration("24KZ0000003")])
    run(warehouse, SQL, "L1")
    assert rows(con, "core.fact_consignment", "waybill_no, crosses_caspian") == [
        ("24AZ0000005", False), ("24AZ0000006", True),
        ("24KZ0000001", False), ("24KZ0000002", True), ("24KZ0000003", True), ("24KZ0000004", True),
    ]


def test_equipment_teu_hs_code_and_direction(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.ktz_consignment", [
        ktz("24KZ0000001", container="CSQU3054383", size="22G1", gng="85044090"),
        ktz("24KZ0000002", container="MSKU1234565", size="45G1"),
        ktz("24KZ0000003", container="TGHU7654320", size="L5G1"),
        ktz("24KZ0000004", container=None, wagon="51234565"),
    ])
    insert_rows(con, "staging.ady_shipment", [ady("24AZ0000005", container=None, wagon="52345671")])
    insert_rows(con, "staging.aktau_manifest_line", [aktau_line("24KZ0000002", hs="730890"),
                                                     aktau_line("24KZ0000001", "M1b", hs="111111")])
    insert_rows(con, "staging.baku_declaration", [baku_declaration("24KZ0000003", hs="940600")])
    run(warehouse, SQL, "L1")
    assert rows(con, "core.fact_consignment",
                "waybill_no, equipment_kind, container_no, iso_size_type, wagon_no, teu, hs_code, direction") == [
        ("24AZ0000005", "WAGON", None, None, "52345671", 0.0, None, "EASTBOUND"),
        ("24KZ0000001", "CONTAINER", "CSQU3054383", "22G1", "51234565", 1.0, "850440", "WESTBOUND"),  # GNG first
        ("24KZ0000002", "CONTAINER", "MSKU1234565", "45G1", "51234565", 2.0, "730890", "WESTBOUND"),
        ("24KZ0000003", "CONTAINER", "TGHU7654320", "L5G1", "51234565", 2.25, "940600", "WESTBOUND"),
        ("24KZ0000004", "WAGON", None, None, "51234565", 0.0, None, "WESTBOUND"),
    ]


def test_a_redelivered_record_keeps_the_rows_load_id_and_a_new_revision_rewrites_it(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.ktz_consignment", [ktz("24KZ0000001", weight=20.0)])
    run(warehouse, SQL, "L1")
    con.execute("UPDATE staging.ktz_consignment SET load_id = 'L2'")  # the same record delivered again
    run(warehouse, SQL, "L2")
    assert rows(con, "core.fact_consignment", "waybill_no, gross_weight_t, load_id") == [
        ("24KZ0000001", Decimal("20.000"), "L1")]
    insert_rows(con, "staging.ktz_consignment", [ktz("24KZ0000001", revision=2, weight=22.0, load_id="L3")])
    run(warehouse, SQL, "L3")
    assert rows(con, "core.fact_consignment", "waybill_no, gross_weight_t, load_id") == [
        ("24KZ0000001", Decimal("22.000"), "L3")]
