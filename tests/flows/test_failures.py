"""What a failure leaves behind: a broken feed is an incident, not a partial load."""
from datetime import datetime

import duckdb

from corridor.config import Settings
from corridor.connectors import Window, feed_registry
from corridor.engine import derive_and_check, load_feed
from corridor.flows.sync import run_sync
from corridor.simulator import SimulatorConfig, run_embedded
from corridor.warehouse import Warehouse

WINDOW = Window(datetime(2024, 3, 1), datetime(2024, 3, 2))


def _counts(con, *tables):
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def test_a_feed_over_the_defect_share_fails_whole(tmp_path):
    """≥ 1,000 records with more than 5 % failing: nothing published; raw and quarantine keep the evidence."""
    with run_embedded(SimulatorConfig(now=datetime(2024, 3, 12), defect_rate=0.2)) as url, \
            Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        result = load_feed(wh, Settings().with_simulator(url), feed_registry()[("KTZ", "tracking")], WINDOW)
        con = wh.cursor()
        counts = _counts(con, "raw.record", "quality.quarantine", "core.fact_equipment_event", "meta.watermark")
        load = con.execute("SELECT status, error FROM meta.load").fetchone()
    assert result.status == "FAILED" and result.received >= 1000
    assert result.quarantined > 0.05 * result.received
    assert "KTZ tracking" in result.error and "more than the allowed 5%" in result.error
    assert load == ("FAILED", result.error)
    assert counts["core.fact_equipment_event"] == 0 and counts["meta.watermark"] == 0
    assert counts["raw.record"] == result.received and counts["quality.quarantine"] == result.quarantined


def test_below_a_thousand_records_quarantine_alone_applies(tmp_path):
    short = Window(datetime(2024, 3, 1), datetime(2024, 3, 1, 1))
    with run_embedded(SimulatorConfig(now=datetime(2024, 3, 12), defect_rate=0.2)) as url, \
            Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        result = load_feed(wh, Settings().with_simulator(url), feed_registry()[("KTZ", "tracking")], short)
        published = wh.cursor().execute("SELECT count(*) FROM core.fact_equipment_event").fetchone()[0]
    assert result.status == "SUCCEEDED" and result.received < 1000 and result.quarantined > 0.05 * result.received
    assert 0 < published <= result.loaded


def test_a_warehouse_check_failure_fails_the_run_without_deleting_data(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        con = wh.cursor()
        row = ["KTZ:1", "KTZ", "1", 1, "WAGON", None, "51234565", "ARRIVED", "RAIL", datetime(2024, 3, 1),
               datetime(2024, 3, 1), "ESR999999", None, None, None, None, True, "L1"]
        con.execute(f"INSERT INTO core.fact_equipment_event VALUES ({', '.join('?' * len(row))})", row)
        con.execute(f"INSERT INTO core.fact_equipment_event VALUES ({', '.join('?' * len(row))})", row)
        report = derive_and_check(wh, "sync-test", nightly=False)
        failed = {c["check"]: c["violations"] for c in report["failed_checks"]}
        runs = con.execute(
            "SELECT count(*) FILTER (WHERE NOT success), count(*) FROM quality.validation_run WHERE load_id = 'sync-test'"
        ).fetchone()
        kept = con.execute("SELECT count(*) FROM core.fact_equipment_event").fetchone()[0]
    assert failed == {"unique:core.fact_equipment_event": 1, "references:fact_equipment_event.location_code": 2}
    assert runs[0] == 2 and runs[1] == len(report["checks"])
    assert kept == 2


def test_wrong_credentials_fail_that_feed_only(prefect_harness, sim_env, monkeypatch, capsys):
    monkeypatch.setenv("CORRIDOR_ADY_API_KEY", "wrong-key")
    summary = run_sync(WINDOW.start, WINDOW.end, ["KTZ", "ADY"], ["tracking"])
    status = {(r["operator"], r["feed"]): (r["status"], r["error"]) for r in summary["feeds"]}
    assert status[("KTZ", "tracking")] == ("SUCCEEDED", None)
    assert status[("ADY", "tracking")][0] == "FAILED"
    assert "ADY tracking: the source refused the credentials" in status[("ADY", "tracking")][1]
    with duckdb.connect(str(sim_env), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.fact_equipment_event WHERE operator_code = 'KTZ'").fetchone()[0] > 0
        assert con.execute("SELECT status, error LIKE '%refused%' FROM meta.load WHERE operator_code = 'ADY'").fetchall() == [
            ("FAILED", True)]
    assert "wrong-key" not in capsys.readouterr().err


def test_loads_left_running_by_a_dead_process_are_marked_failed(tmp_path):
    from corridor.engine import mark_interrupted_loads

    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        con = wh.cursor()
        con.execute("INSERT INTO meta.load (load_id, operator_code, feed, status, started_utc)"
                    " VALUES ('L1', 'KTZ', 'tracking', 'RUNNING', now()::TIMESTAMP),"
                    " ('L2', 'ADY', 'cargo', 'SUCCEEDED', now()::TIMESTAMP)")
        assert mark_interrupted_loads(wh) == 1
        rows = con.execute("SELECT load_id, status, error FROM meta.load ORDER BY 1").fetchall()
    assert rows[0][:2] == ("L1", "FAILED") and "KTZ tracking: interrupted" in rows[0][2]
    assert rows[1] == ("L2", "SUCCEEDED", None)


def test_conflicting_twins_in_one_batch_make_one_quarantine_row(tmp_path, monkeypatch):
    """Two defective versions of one (id, revision) in a batch: one row, with both versions' reasons."""
    import dataclasses

    from corridor.connectors import Page, RawRecord
    from corridor.connectors.http import Fetched
    from corridor.engine import stage as feed_load

    base = {"op_id": "1", "revision": 1, "updated_at": "2024-03-01T10:00:00+05:00", "op_code": "02",
            "op_time": "2024-03-01T09:00:00+05:00", "esr": "663109", "train_no": "8701", "wagon_no": "51234565",
            "container_no": None, "waybill_no": None, "laden": True}
    records = [RawRecord.from_json({**base, "op_code": "99"}), RawRecord.from_json({**base, "esr": "700011"})]
    page = Page(Fetched("http://sim.test/ops", {}, 200, {}, b"", datetime(2024, 3, 2)), records)
    feed = dataclasses.replace(feed_registry()[("KTZ", "tracking")], fetch=lambda client, window: iter([page]))
    monkeypatch.setitem(feed_load.OPERATOR_MODULES, "KTZ", type("Stub", (), {"CLIENT": lambda s, h: None}))
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        result = load_feed(wh, Settings(), feed, WINDOW, advance_watermark=False)
        rows = wh.cursor().execute("SELECT source_record_id, source_revision, reasons FROM quality.quarantine").fetchall()
    assert result.status == "SUCCEEDED" and result.quarantined == 2
    assert rows == [("1", 1, ["esr_known", "op_code_known", "revision_consistent"])]
