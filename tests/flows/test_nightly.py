"""The nightly mode: from each feed's watermark (less the lookback) to now, against a simulator on the real clock."""
from datetime import date, timedelta

import duckdb
import pytest

from corridor.flows.sync import run_sync
from corridor.simulator import SimulatorConfig, run_embedded
from corridor.timeutil import utcnow


@pytest.fixture(scope="module")
def nightly_twice(prefect_harness, tmp_path_factory):
    path = tmp_path_factory.mktemp("nightly") / "corridor.duckdb"
    mp = pytest.MonkeyPatch()
    with run_embedded(SimulatorConfig(now=None)) as url:
        for operator in ("ktz", "ady", "aktau", "baku"):
            mp.setenv(f"CORRIDOR_{operator.upper()}_URL", f"{url}/{operator}")
        mp.setenv("CORRIDOR_WAREHOUSE", str(path))
        mp.setenv("CORRIDOR_START", (date.today() - timedelta(days=1)).isoformat())
        try:
            before = utcnow()
            first = run_sync()
            second = run_sync()
        finally:
            mp.undo()
    return path, before, first, second


def test_first_night_starts_at_corridor_start_and_ends_now(nightly_twice):
    path, before, first, _ = nightly_twice
    assert [r for r in first["feeds"] if r["status"] != "SUCCEEDED"] == []
    with duckdb.connect(str(path), read_only=True) as con:
        windows = con.execute("SELECT DISTINCT window_from_utc, window_to_utc FROM meta.load WHERE load_id IN ?",
                              [[r["load_id"] for r in first["feeds"]]]).fetchall()
        watermarks = [r[0] for r in con.execute("SELECT watermark_utc FROM meta.watermark").fetchall()]
    start = date.today() - timedelta(days=1)
    # The flow's "now" is whole seconds.
    assert len(windows) == 1 and windows[0][0].date() == start and windows[0][1] >= before.replace(microsecond=0)
    # Both nights have run: every feed's watermark is where the second one ended, after the first.
    assert len(watermarks) == 12 and len(set(watermarks)) == 1 and watermarks[0] > windows[0][1]


def test_next_night_resumes_from_the_watermark_less_the_lookback(nightly_twice):
    path, _, first, second = nightly_twice
    assert [r for r in second["feeds"] if r["status"] != "SUCCEEDED"] == []
    with duckdb.connect(str(path), read_only=True) as con:
        first_end = con.execute("SELECT max(window_to_utc) FROM meta.load WHERE load_id = ?",
                                [first["feeds"][0]["load_id"]]).fetchone()[0]
        starts = {r[0] for r in con.execute("SELECT window_from_utc FROM meta.load WHERE load_id IN ?",
                                            [[r["load_id"] for r in second["feeds"]]]).fetchall()}
    assert starts == {first_end - timedelta(minutes=60)}


def test_fresh_feeds_raise_no_freshness_warning(nightly_twice):
    *_, second = nightly_twice
    assert [w for w in second["warnings"] if w.startswith("freshness")] == []


def test_a_stale_feed_is_a_warning_not_a_failure(tmp_path):
    from datetime import datetime

    from corridor.engine import derive_and_check
    from corridor.warehouse import Warehouse

    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        wh.cursor().execute(
            "INSERT INTO staging.ktz_operation VALUES ('1', 1, '2024-03-01 00:00', '02', '2024-03-01 00:00', '663109',"
            " NULL, NULL, NULL, NULL, true, 'h', 'L1')")
        report = derive_and_check(wh, "sync-x", nightly=True, now=datetime(2024, 3, 1, 7))
    stale = [w for w in report["warnings"] if w.startswith("freshness")]
    assert "freshness: KTZ tracking newest publication 2024-03-01 00:00 UTC is older than 6:00:00" in stale
    assert "freshness: ADY cargo has loaded nothing yet" in stale
    assert report["failed_checks"] == []
