"""A sync killed with SIGKILL mid-extraction and run again ends with exactly the data of an uninterrupted run:
nothing lost, nothing doubled.

Everything runs as it does in production: the simulator in its own process (`corridor feeds serve`), each
sync a `corridor sync` process talking to a Prefect API (the session's test harness), the warehouse a
DuckDB file.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from fixtures.processes import serve_simulator, stop

FROM, TO = "2024-03-01", "2024-03-04"
SIM_NOW = "2024-03-12"
FEEDS = 12
SYNC = [sys.executable, "-m", "corridor.cli", "sync", "--from", FROM, "--to", TO]
SYNC_TIMEOUT = 180

# A slow machine must not turn this long run into a timeout.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def simulator(tmp_path_factory):
    """`corridor feeds serve` in its own process on a free port: its port, once it accepts connections."""
    proc, port = serve_simulator(tmp_path_factory.mktemp("simulator") / "serve.log", "--now", SIM_NOW)
    yield port
    stop(proc)


@pytest.fixture(scope="module")
def env(simulator, prefect_harness, tmp_path_factory):
    """The environment of a sync: every operator at the simulator, and the session's Prefect API.

    With an API to talk to (as in production) a sync starts no temporary Prefect server of its own; that
    saves ~10-20 s a sync, and a killed sync leaves no orphaned server behind.
    """
    from prefect.settings import PREFECT_API_URL

    base = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "PREFECT_"))}
    base.update({f"CORRIDOR_{op}_URL": f"http://127.0.0.1:{simulator}/{op.lower()}"
                 for op in ("KTZ", "ADY", "AKTAU", "BAKU")})
    base["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect"))
    base["PREFECT_API_URL"] = PREFECT_API_URL.value()
    assert base["PREFECT_API_URL"], "the Prefect test harness gives no API URL"
    return base


def _start_sync(env: dict, warehouse: Path, log_dir: Path, name: str):
    out, err = log_dir / f"{name}.out", log_dir / f"{name}.err"
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen(SYNC, env={**env, "CORRIDOR_WAREHOUSE": str(warehouse)}, cwd=log_dir,
                                stdout=o, stderr=e, start_new_session=True)
    return proc, out, err


def _run_sync(env: dict, warehouse: Path, log_dir: Path, name: str) -> tuple[int, str, str]:
    proc, out, err = _start_sync(env, warehouse, log_dir, name)
    try:
        proc.wait(timeout=SYNC_TIMEOUT)
    finally:
        stop(proc)
    return proc.returncode, out.read_text(errors="replace"), err.read_text(errors="replace")


def _kill_mid_extraction(env: dict, warehouse: Path, log_dir: Path) -> str:
    """Start a sync and SIGKILL it as soon as its first feed load has finished (the others still running)."""
    proc, _, err = _start_sync(env, warehouse, log_dir, "crashed")
    try:
        deadline = time.monotonic() + SYNC_TIMEOUT
        while True:
            assert proc.poll() is None, f"the sync ended before it was killed: {err.read_text(errors='replace')[-3000:]}"
            assert time.monotonic() < deadline, "no feed load finished in time"
            log = err.read_text(errors="replace")
            # Feed tasks run concurrently; the first one done means extraction is under way everywhere.
            if any("Task run '" in line and "Finished in state" in line for line in log.splitlines()):
                break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        stop(proc)  # and anything the killed sync left in its session
    assert proc.returncode == -signal.SIGKILL, "the sync was still running when it was killed"
    return err.read_text(errors="replace")


# -- comparing two warehouses ----------------------------------------------------------------------------

# ADY timetables are published when fetched (feeds.md): every fetch is a version of its own, stamped with
# the fetch time (in `published_utc`, and inside the raw record, so in its hash). Compared without them.
FETCH_TIME_COLUMNS = {"staging.ady_train_stop": ("published_utc", "record_hash")}


def _tables(con, schema: str) -> list[str]:
    return [f"{schema}.{t}" for (t,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'"
        " ORDER BY table_name", [schema]).fetchall()]


def _rows(con, table: str, exclude: tuple[str, ...], where: str = "") -> Counter:
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema || '.' || table_name = ?"
        " ORDER BY ordinal_position", [table]).fetchall() if c not in exclude]
    rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} {where}").fetchall()
    return Counter(tuple(tuple(v) if isinstance(v, list) else v for v in row) for row in rows)


def contents(path: Path) -> dict[str, Counter]:
    """Every core, marts and staging table and the quarantine, as multisets of rows without load ids."""
    with duckdb.connect(str(path), read_only=True) as con:
        out = {t: _rows(con, t, ("load_id",)) for s in ("core", "marts", "staging") for t in _tables(con, s)}
        for table, columns in FETCH_TIME_COLUMNS.items():
            # Versions that differ only in their fetch time are one timetable fetched twice.
            out[table] = Counter(set(_rows(con, table, ("load_id", *columns))))
        # ADY timetable plans carry their fetch time in the raw record too.
        out["quality.quarantine"] = _rows(con, "quality.quarantine", ("load_id", "quarantined_utc"),
                                          "WHERE NOT (operator_code = 'ADY' AND feed = 'schedule')")
        out["quality.quarantine ADY schedule"] = _rows(
            con, "quality.quarantine", ("load_id", "quarantined_utc", "raw_record", "record_hash"),
            "WHERE operator_code = 'ADY' AND feed = 'schedule'")
        out["meta.watermark"] = _rows(con, "meta.watermark", ("load_id", "updated_utc"))
    return out


def _loads(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT operator_code, feed, status, load_id FROM meta.load ORDER BY started_utc").fetchall()


def test_a_sync_killed_mid_extraction_and_run_again_equals_an_uninterrupted_sync(env, tmp_path):
    crashed, clean = tmp_path / "crashed.duckdb", tmp_path / "clean.duckdb"

    log = _kill_mid_extraction(env, crashed, tmp_path)
    at_kill = _loads(crashed)
    statuses = Counter(status for _, _, status, _ in at_kill)
    with duckdb.connect(str(crashed), read_only=True) as con:
        landed = con.execute("SELECT l.status, count(*) FROM raw.record r JOIN meta.load l USING (load_id)"
                             " GROUP BY ALL ORDER BY 1").fetchall()
    print(f"\nmeta.load at the kill: {dict(statuses)}; raw records landed by load status: {dict(landed)}")
    assert at_kill, f"no load had started when the sync was killed: {log[-3000:]}"
    assert statuses["RUNNING"] > 0 or statuses["SUCCEEDED"] < FEEDS, "the kill came after extraction"
    assert set(statuses) <= {"RUNNING", "SUCCEEDED"}, f"a killed sync should leave no FAILED load: {statuses}"

    code, out, err_rerun = _run_sync(env, crashed, tmp_path, "rerun")
    assert code == 0, f"the re-run failed:\n{out}\n{err_rerun[-3000:]}"
    code, out, err = _run_sync(env, clean, tmp_path, "clean")
    assert code == 0, f"the uninterrupted sync failed:\n{out}\n{err[-3000:]}"

    after = contents(crashed)
    expected = contents(clean)
    assert after.keys() == expected.keys()
    differing = {t: (sum(after[t].values()), sum(expected[t].values())) for t in after if after[t] != expected[t]}
    assert differing == {}, "tables differing from the uninterrupted sync (rows after the crash, rows expected)"
    assert sum(expected["core.fact_equipment_event"].values()) > 1000
    assert len(expected["meta.watermark"]) == FEEDS

    loads = _loads(crashed)
    rerun = loads[len(at_kill):]
    assert [status for _, _, status, _ in rerun] == ["SUCCEEDED"] * FEEDS
    # What the kill interrupted is marked FAILED by the next sync (it published nothing); what finished stays.
    before = {load_id: (op, feed, status) for op, feed, status, load_id in at_kill}
    after_rerun = {load_id: (op, feed, status) for op, feed, status, load_id in loads[:len(at_kill)]}
    assert after_rerun == {load_id: (op, feed, "FAILED" if status == "RUNNING" else status)
                           for load_id, (op, feed, status) in before.items()}
    with duckdb.connect(str(crashed), read_only=True) as con:
        errors = dict(con.execute("SELECT load_id, error FROM meta.load WHERE status = 'FAILED'").fetchall())
    assert set(errors) == {load_id for load_id, (*_, status) in before.items() if status == "RUNNING"}
    for load_id, error in errors.items():
        op, feed, _ = before[load_id]
        assert error.startswith(f"{op} {feed}: interrupted"), error
    if statuses["RUNNING"]:
        assert f"{statuses['RUNNING']} load(s) interrupted by an earlier crash marked FAILED" in err_rerun
    print(f"meta.load after the re-run: {dict(Counter(status for _, _, status, _ in loads))}")
