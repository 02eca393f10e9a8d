"""The example queries of README.md's "For analysts" (docs/analyst_queries.sql, and every SQL block in that
section) run through `corridor query` against a small snapshot and give the answers the data implies."""
import json
import re
from pathlib import Path

import pytest

from corridor.cli import main
from corridor.engine.snapshot import write_snapshot
from corridor.warehouse.sql import statements

from fixtures.warehouse import fresh_warehouse, insert_rows

ROOT = Path(__file__).resolve().parents[2]
QUERIES = statements((ROOT / "docs" / "analyst_queries.sql").read_text(encoding="utf-8"))
CONTAINER = "BMOU0580723"


def _readme_queries() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## For analysts\n(.*?)(?=^## )", text, re.S | re.M)
    assert section, "README.md has a section `## For analysts`"
    return [q for block in re.findall(r"```sql\n(.*?)```", section.group(1), re.S) for q in statements(block)]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("analyst")
    with fresh_warehouse(folder) as wh:
        con = wh.cursor()
        insert_rows(con, "marts.corridor_volume_monthly", [
            {"month": m, "direction": "WESTBOUND", "consignments": 10, "teu": 4.0, "gross_weight_t": str(t),
             "prev_year_gross_weight_t": str(p) if p else None, "yoy_pct": 100 * (t / p - 1) if p else None}
            for m, t, p in (("2023-01-01", 200.0, None), ("2023-02-01", 200.0, None), ("2023-03-01", 300.0, None),
                            ("2024-01-01", 250.0, 200.0), ("2024-02-01", 250.0, 200.0))])
        insert_rows(con, "marts.train_service_monthly", [
            {"month": "2024-02-01", "service_code": "XIAN-BAKU", "trains": 10, "containers": 610,
             "containers_per_train": 61.0, "median_transit_days": 11.0}])
        insert_rows(con, "marts.container_transit", [
            {"container_no": f"MSCU{n:07d}", "departed_utc": "2024-02-01 00:00", "arrived_utc": "2024-02-12 00:00",
             "transit_days": 10.0 + n, "kz_rail_hours": 144.0, "aktau_dwell_hours": 24.0, "sea_hours": 24.0 * (1 + n),
             "baku_dwell_hours": 12.0, "az_rail_hours": 36.0} for n in range(3)])
        insert_rows(con, "marts.schedule_adherence_monthly", [
            {"month": "2024-02-01", "operator_code": o, "kind": k, "planned": 10, "observed": 10, "on_time": n,
             "on_time_pct": 10.0 * n, "mean_delay_hours": 1.0}
            for o, k, n in (("KTZ", "TRAIN", 9), ("AKTAU_PORT", "VESSEL", 7))])
        insert_rows(con, "marts.port_dwell_monthly", [
            {"month": m, "port_unlocode": "KZAAU", "equipment_kind": "CONTAINER", "moves": 5,
             "median_dwell_hours": h, "p90_dwell_hours": 2 * h} for m, h in (("2024-01-01", 10.0), ("2024-02-01", 12.0))])
        insert_rows(con, "marts.container_status", [
            {"container_no": CONTAINER, "last_event_type": "LOADED", "last_transport_mode": "VESSEL",
             "last_event_utc": "2024-02-05 10:00", "last_location_code": "KZAAU", "last_operator_code": "AKTAU_PORT",
             "stage": "AT_SEA", "waybill_no": "24KZ0012345", "eta_utc": "2024-02-09 06:00", "eta_basis": 40}])
        insert_rows(con, "core.fact_equipment_event", [
            {"event_id": f"E{n}", "operator_code": op, "source_record_id": f"R{n}", "source_revision": 1,
             "equipment_kind": "CONTAINER", "container_no": CONTAINER, "event_type": event, "transport_mode": mode,
             "event_time_utc": t, "published_utc": t, "location_code": where, "load_id": "L1"}
            for n, (op, event, mode, t, where) in enumerate([
                ("KTZ", "INTERCHANGE_OUT", "RAIL", "2024-02-04 20:00", "ESR663109"),
                ("AKTAU_PORT", "LOADED", "VESSEL", "2024-02-05 10:00", "KZAAU")])])
        write_snapshot(con, folder / "snapshot.duckdb")
    return folder


def _query(sql, snapshot, monkeypatch, capsys):
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(snapshot / "w.duckdb"))
    monkeypatch.delenv("CORRIDOR_SNAPSHOT", raising=False)
    try:
        status = main(["query", sql, "--format", "json"])
    except SystemExit as exc:
        status = exc.code
    out = capsys.readouterr()
    assert status == 0, f"{out.err}\n{sql}"
    return json.loads(out.out)


def test_there_are_queries_for_every_question():
    text = (ROOT / "docs" / "analyst_queries.sql").read_text(encoding="utf-8").lower()
    assert len(QUERIES) >= 8
    for topic in ("volume and growth", "transit time and its legs", "adherence", "dwell",
                  "where a container is and when it arrives"):
        assert topic in text, topic


@pytest.mark.parametrize("sql", QUERIES + _readme_queries(), ids=lambda s: re.sub(r"\s+", " ", s)[:60])
def test_each_example_query_runs_read_only_and_returns_rows(sql, snapshot, monkeypatch, capsys):
    assert _query(sql, snapshot, monkeypatch, capsys), "the sample data answers every example"


def test_the_answers_are_what_the_data_says(snapshot, monkeypatch, capsys):
    growth = _query(QUERIES[0], snapshot, monkeypatch, capsys)
    assert [(r["year"], float(r["tonnes"]), r["growth_pct"]) for r in growth] == [(2023, 400.0, None),
                                                                                   (2024, 500.0, 25.0)]
    transit = _query(QUERIES[3], snapshot, monkeypatch, capsys)
    assert transit[0]["journeys"] == 3 and transit[0]["median_days"] == 11.0 and transit[0]["sea_days"] == 2.0
    adherence = {r["operator_code"]: r["on_time_pct"] for r in _query(QUERIES[4], snapshot, monkeypatch, capsys)}
    assert adherence == {"KTZ": 90.0, "AKTAU_PORT": 70.0}
    dwell = _query(QUERIES[5], snapshot, monkeypatch, capsys)
    assert [(r["port"], r["median_dwell_hours"]) for r in dwell] == [("Port of Aktau", 12.0)]
    where = _query(QUERIES[6], snapshot, monkeypatch, capsys)
    assert [(r["stage"], r["last_location"], r["eta_utc"][:16]) for r in where] == \
        [("AT_SEA", "Port of Aktau", "2024-02-09 06:00")]
    events = _query(QUERIES[7], snapshot, monkeypatch, capsys)
    assert [r["event_type"] for r in events] == ["INTERCHANGE_OUT", "LOADED"]
