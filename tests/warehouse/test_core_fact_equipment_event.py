"""The KTZ tracking transform: code mapping, location, equipment kind, highest revision wins."""
from datetime import datetime

KTZ_CODES = {
    "01": ("ACCEPTED", "RAIL"), "02": ("DEPARTED", "RAIL"), "03": ("ARRIVED", "RAIL"), "04": ("PASSED", "RAIL"),
    "05": ("INTERCHANGE_IN", "RAIL"), "06": ("INTERCHANGE_OUT", "RAIL"), "07": ("DISCHARGED", "RAIL"),
    "08": ("LOADED", "RAIL"), "09": ("DELIVERED", "RAIL"), "10": ("INTERCHANGE_IN", "RAIL"),
}


def _stage(con, op_id, revision, op_code, load_id, container="CSQU3054383", esr="663109"):
    con.execute(
        "INSERT INTO staging.ktz_operation VALUES (?, ?, ?, ?, ?, ?, '8701', '51234565', ?, '24KZ0012345', true, ?, ?)"
        " ON CONFLICT (op_id, revision) DO UPDATE SET load_id = excluded.load_id",
        [op_id, revision, datetime(2024, 3, 1, 5), op_code, datetime(2024, 3, 1, 1), esr, container,
         f"h{op_id}{revision}{op_code}", load_id],
    )


def _publish(wh, load_id):
    with wh.transaction() as tx:
        wh.run_sql(tx, "core_fact_equipment_event.sql", {"load_id": load_id})


def test_every_ktz_code_maps_to_its_canonical_event(warehouse):
    con = warehouse.cursor()
    for code in KTZ_CODES:
        _stage(con, f"op{code}", 1, code, "L1")
    _publish(warehouse, "L1")
    rows = con.execute("SELECT source_record_id, event_type, transport_mode FROM core.fact_equipment_event").fetchall()
    assert {r[0][2:]: (r[1], r[2]) for r in rows} == KTZ_CODES


def test_location_kind_and_lineage(warehouse):
    con = warehouse.cursor()
    _stage(con, "a", 1, "02", "L1")
    _stage(con, "b", 1, "03", "L1", container=None, esr="990014")
    _publish(warehouse, "L1")
    rows = con.execute(
        "SELECT event_id, equipment_kind, container_no, wagon_no, location_code, operator_code, load_id"
        " FROM core.fact_equipment_event ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("KTZ:a", "CONTAINER", "CSQU3054383", "51234565", "ESR663109", "KTZ", "L1"),
        ("KTZ:b", "WAGON", None, "51234565", "CNXIA", "KTZ", "L1"),
    ]


def test_highest_revision_wins_and_redelivery_keeps_load_id(warehouse):
    con = warehouse.cursor()
    _stage(con, "a", 1, "02", "L1")
    _publish(warehouse, "L1")
    _stage(con, "a", 2, "03", "L2")
    _publish(warehouse, "L2")
    _stage(con, "a", 1, "02", "L3")  # a late re-delivery of the older revision
    _publish(warehouse, "L3")
    assert con.execute("SELECT source_revision, event_type, load_id FROM core.fact_equipment_event").fetchall() == [
        (2, "ARRIVED", "L2")
    ]
    _stage(con, "a", 2, "03", "L4")  # the same revision again: the row is not rewritten
    _publish(warehouse, "L4")
    assert con.execute("SELECT load_id FROM core.fact_equipment_event").fetchall() == [("L2",)]


ADY_CODES = {
    "QBL": ("ACCEPTED", "RAIL"), "GDS": ("DEPARTED", "RAIL"), "GLS": ("ARRIVED", "RAIL"),
    "QBS": ("INTERCHANGE_IN", "RAIL"), "SRH": ("INTERCHANGE_OUT", "RAIL"), "LMT": ("INTERCHANGE_OUT", "RAIL"),
    "BOS": ("DISCHARGED", "RAIL"), "YUK": ("LOADED", "RAIL"), "TSL": ("DELIVERED", "RAIL"),
}
# (source code, equipment kind) → (event type, transport mode); None: not loaded (a yard shift).
AKTAU_CODES = {
    ("RAIL_DISCHARGE", "WAGON"): ("INTERCHANGE_IN", "RAIL"), ("RAIL_LOAD", "WAGON"): ("INTERCHANGE_OUT", "RAIL"),
    ("RAIL_DISCHARGE", "CONTAINER"): ("DISCHARGED", "RAIL"), ("RAIL_LOAD", "CONTAINER"): ("LOADED", "RAIL"),
    ("VESSEL_LOAD", "CONTAINER"): ("LOADED", "VESSEL"), ("VESSEL_DISCHARGE", "WAGON"): ("DISCHARGED", "VESSEL"),
    ("GATE_IN", "CONTAINER"): ("GATE_IN", "TRUCK"), ("GATE_OUT", "CONTAINER"): ("GATE_OUT", "TRUCK"),
    ("YARD_SHIFT", "CONTAINER"): None,
}
BAKU_CODES = {
    ("RDSC", "WAGON"): ("INTERCHANGE_IN", "RAIL"), ("RLOD", "WAGON"): ("INTERCHANGE_OUT", "RAIL"),
    ("RDSC", "CONTAINER"): ("DISCHARGED", "RAIL"), ("RLOD", "CONTAINER"): ("LOADED", "RAIL"),
    ("LOAD", "WAGON"): ("LOADED", "VESSEL"), ("DISC", "CONTAINER"): ("DISCHARGED", "VESSEL"),
    ("GTIN", "CONTAINER"): ("GATE_IN", "TRUCK"), ("GTOT", "CONTAINER"): ("GATE_OUT", "TRUCK"),
}


def _events(con, operator):
    rows = con.execute(
        "SELECT source_record_id, event_type, transport_mode, location_code, equipment_kind"
        " FROM core.fact_equipment_event WHERE operator_code = ?", [operator]).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_every_ady_code_maps_to_its_canonical_event(warehouse):
    con = warehouse.cursor()
    for code in ADY_CODES:
        con.execute(
            "INSERT INTO staging.ady_operation VALUES (?, 1, ?, ?, ?, '552508', '4001', '51234565', NULL, NULL, true, ?, 'L1')",
            [f"a{code}", datetime(2024, 3, 1, 5), code, datetime(2024, 3, 1, 1), f"h{code}"])
    _publish(warehouse, "L1")
    events = _events(con, "ADY")
    assert {k[1:]: v[:2] for k, v in events.items()} == ADY_CODES
    assert {v[2] for v in events.values()} == {"ESR552508"}


def test_every_aktau_move_type_maps_by_equipment_kind_and_yard_shifts_are_not_loaded(warehouse):
    con = warehouse.cursor()
    for n, (move_type, kind) in enumerate(AKTAU_CODES):
        container = "CSQU3054383" if kind == "CONTAINER" else None
        con.execute(
            "INSERT INTO staging.aktau_move (move_id, revision, published_utc, move_type, event_time_utc, equipment_kind,"
            " equipment_no, container_no, wagon_no, is_laden, record_hash, load_id)"
            " VALUES (?, 1, ?, ?, ?, ?, ?, ?, '51234565', true, ?, 'L1')",
            [f"m{n}", datetime(2024, 3, 1, 5), move_type, datetime(2024, 3, 1, 1), kind,
             container or "51234565", container, f"h{n}"])
    _publish(warehouse, "L1")
    events = _events(con, "AKTAU_PORT")
    expected = {f"m{n}": v for n, v in enumerate(AKTAU_CODES.values()) if v is not None}
    assert {k: v[:2] for k, v in events.items()} == expected
    assert {v[2] for v in events.values()} == {"KZAAU"}


def test_every_baku_type_maps_by_equipment_kind(warehouse):
    con = warehouse.cursor()
    for n, (event_type, kind) in enumerate(BAKU_CODES):
        container = "CSQU3054383" if kind == "CONTAINER" else None
        con.execute(
            "INSERT INTO staging.baku_terminal_event (event_id, revision, published_utc, event_type_code, event_time_utc,"
            " equipment_kind, equipment_no, container_no, wagon_no, is_laden, record_hash, load_id)"
            " VALUES (?, 1, ?, ?, ?, ?, ?, ?, '51234565', true, ?, 'L1')",
            [f"b{n}", datetime(2024, 3, 1, 5), event_type, datetime(2024, 3, 1, 1), kind,
             container or "51234565", container, f"h{n}"])
    _publish(warehouse, "L1")
    events = _events(con, "BAKU_PORT")
    assert {k: v[:2] for k, v in events.items()} == {f"b{n}": v for n, v in enumerate(BAKU_CODES.values())}
    assert {(v[2], v[3]) for k, v in events.items() if k in ("b2", "b3")} == {("AZBAK", "CONTAINER")}
