"""Readers racing every phase of a sync (issue 14, class 9): they neither sink it nor see part of one.

"A read-only client that connects between the flow's bootstrap and the feed tasks makes all twelve tasks
fail with tracebacks and `meta.load` empty." Here readers in processes of their own race two `corridor sync`
processes (a first one on a fresh warehouse, then the same window again), each of which pauses for a moment
inside every phase (`crash_points.py`), so that every phase is raced for certain, not by luck:

- `snapshot`: a new read-only DuckDB connection to the analysts' snapshot every ~30 ms (a BI tool);
- `holder`: one read-only connection to the snapshot, held across the second sync's rename;
- `warehouse`: a new read-only connection to the warehouse file itself every ~30 ms;
- `cli`: `corridor query` over and over, by default (the snapshot, else the warehouse) and with no snapshot
  (the warehouse file itself, as before the first sync has written one).

What the spec promises (operations.md, "Analysts read a snapshot, never the file being written";
warehouse.md, Conventions: "the file at CORRIDOR_WAREHOUSE belongs to the sync"): snapshot readers never
fail and only ever see whole syncs; a reader of the warehouse file is refused while the sync writes it,
in one line; the sync completes with all 12 feeds, as an undisturbed one would. A reader that holds the
warehouse file open makes the sync wait, bounded by `CORRIDOR_WRITE_WAIT_MINUTES` and saying so.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from sync_harness import (
    FEEDS,
    HERE,
    Reference,
    contents,
    copy_warehouse,
    differences,
    digest,
    error_lines,
    finish,
    loads,
    reference_run,
    simulator,
    start,
    stop,
    sync_env,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

READER = HERE / "racing_reader.py"

# (phase, where the sync pauses, seconds): every phase held open while the readers race it.
PHASES = [
    ("warehouse not yet opened by the flow", "before:open_writer:1", 2.0),
    ("bootstrap: a migration's transaction open", "after:migrations/005_staging_aktau.sql:1", 1.0),
    ("bootstrap: seeds loaded, not committed", "after:seed_reference.sql:1", 1.0),
    ("between the bootstrap and the feed tasks", "after:_bootstrap:1", 1.5),
    ("12 loads recorded RUNNING", "after:meta_load_start.sql:12", 1.0),
    ("staging (one feed's thread held)", "after:stage_batch:1", 1.0),
    ("publish: inside a batch transaction", "after:staging_merge.sql:2", 1.0),
    *((f"publish: feed {n} of 12 committed", f"after:_publish:{n}", 0.4) for n in range(1, FEEDS + 1)),
    ("marts transaction open", "after:marts_container_status.sql:1", 1.0),
    ("warehouse checks being recorded", "after:warehouse_check_insert:10", 1.0),
    ("snapshot: tables being copied", "after:snapshot_copy_table.sql:10", 1.0),
    ("snapshot: new file complete, not renamed", "after:_fsync:1", 1.0),
    ("snapshot: renamed into place", "after:_fsync:2", 1.0),
]
PAUSE = ";".join(f"{point}={seconds}" for _, point, seconds in PHASES)
# The writer waits for a reader holding the warehouse (engine/writer.py) at most this long here.
WRITE_WAIT = {"CORRIDOR_WRITE_WAIT_MINUTES": "3"}


@pytest.fixture(scope="module")
def stack(prefect_harness, tmp_path_factory):
    folder = tmp_path_factory.mktemp("racing")
    with simulator(folder) as port:
        yield sync_env(port, folder / "prefect"), folder


@pytest.fixture(scope="module")
def reference(stack, tmp_path_factory) -> Reference:
    """One undisturbed sync of the window (shared with the crash tests of the same session)."""
    return reference_run(stack[0], tmp_path_factory.getbasetemp() / "reference-sync")


def _reader(kind: str, path: Path, folder: Path, env: dict, *extra: str) -> tuple[subprocess.Popen, Path]:
    out = folder / f"reader-{kind}.jsonl"
    with open(folder / f"reader-{kind}.err", "wb") as err:
        proc = subprocess.Popen([sys.executable, str(READER), kind, str(path), str(folder / "stop-reading"), str(out),
                                 *extra], env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=err,
                                start_new_session=True)
    return proc, out


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _windows(trace: list[dict]) -> dict[str, tuple[float, float]]:
    """Each paused phase of one sync → (paused at, resumed at), from its trace."""
    paused = {e["pause"]: e["t"] for e in trace if "pause" in e}
    resumed = {e["resume"]: e["t"] for e in trace if "resume" in e}
    return {name: (paused[point], resumed[point]) for name, point, _ in PHASES if point in paused and point in resumed}


def _during(rows: list[dict], window: tuple[float, float]) -> list[dict]:
    return [r for r in rows if r["t0"] <= window[1] and r["t1"] >= window[0]]


def _whole(row: dict, syncs: list[str]) -> bool:
    """What one read saw is one whole sync: no load in progress, marts agreeing with core."""
    return (row["running"] == 0 and row["status_vs_core"] == 0 and row["volume_vs_core"] == 0
            and row["loads_without_watermark"] == 0 and row["signature"] in syncs)


def test_readers_racing_every_phase_of_two_syncs_neither_sink_them_nor_see_part_of_one(stack, reference, tmp_path):
    env, _ = stack
    warehouse, snapshot = tmp_path / "corridor.duckdb", tmp_path / "snapshot.duckdb"
    reader_env = {**env, "CORRIDOR_WAREHOUSE": str(warehouse)}
    readers = {kind: _reader(kind, snapshot if kind in ("snapshot", "holder") else warehouse, tmp_path, reader_env)
               for kind in ("snapshot", "holder", "warehouse", "cli")}
    runs = []
    try:
        for name in ("first", "second"):  # a fresh warehouse, then the same window again
            run = start(env, warehouse, tmp_path, name, pause=PAUSE, extra=WRITE_WAIT)
            runs.append((run, finish(run, timeout=400)))
        time.sleep(1.0)  # a few rounds on the last snapshot
    finally:
        (tmp_path / "stop-reading").touch()
        for proc, _ in readers.values():
            try:
                proc.wait(timeout=120)
            finally:
                stop(proc)

    # The syncs: completed, every feed loaded, nothing logged as an error, what an undisturbed sync leaves.
    for run, code in runs:
        assert code == 0, f"{run.name} sync failed ({code}):\n{run.log()[-4000:]}"
        assert error_lines(run.log()) == [], run.log()[-4000:]
    all_loads = loads(warehouse)
    assert [s for _, _, s, _, _ in all_loads] == ["SUCCEEDED"] * (2 * FEEDS)
    assert differences(contents(warehouse), reference.contents) == {}
    assert differences(contents(snapshot, staging=False), reference.snapshot) == {}
    first = ",".join(sorted(load_id for *_, load_id, _ in all_loads[:FEEDS]))
    both = ",".join(sorted(load_id for *_, load_id, _ in all_loads))
    windows = [_windows(run.events()) for run, _ in runs]
    assert set(windows[1]) == {name for name, *_ in PHASES} - {"bootstrap: a migration's transaction open"}
    assert set(windows[0]) == {name for name, *_ in PHASES}
    waited = [run.name for run, _ in runs if "waiting for the warehouse" in run.log()]
    print(f"\nsyncs that waited for a reader holding the warehouse: {waited or 'none'}")

    found = {kind: [r for r in _lines(out) if "t0" in r] for kind, (_, out) in readers.items()}
    for kind, (proc, out) in readers.items():
        assert proc.returncode == 0 and _lines(out)[-1] == {"done": True}, (tmp_path / f"reader-{kind}.err").read_text()
    print("reader rounds:", {kind: len(rows) for kind, rows in found.items()})

    # Snapshot readers: never an error, only whole syncs, never going back to an older one.
    for kind in ("snapshot", "holder"):
        rows = found[kind]
        assert [r for r in rows if "error" in r] == [], f"{kind} reader errors"
        assert rows and all(_whole(r, [first, both]) for r in rows), [r for r in rows if not _whole(r, [first, both])][:3]
        order = [r["signature"] for r in rows]
        assert order == sorted(order, key=[first, both].index), f"{kind}: back to an older sync"
    assert {r["signature"] for r in found["snapshot"]} == {first, both}, "it saw each sync's snapshot"
    assert {r["signature"] for r in found["holder"]} == {first}, "an open connection keeps reading its snapshot"
    for name, window in windows[1].items():  # the second sync: the first one's snapshot there all along
        assert _during(found["snapshot"], window), f"no snapshot read during the second sync's {name!r}"

    # Warehouse readers: refused, in one line, whenever the sync holds the file; else a whole sync.
    opened = [min(e["t"] for e in run.events() if e.get("event") == "open_writer" and e["when"] == "after")
              for run, _ in runs]
    for r in found["warehouse"]:
        error = r.get("error", "")
        if "Could not set lock" in error:
            continue
        if r["t1"] < opened[0]:  # before the first sync has bootstrapped it
            assert not error or "does not exist" in error, r
            continue
        assert not error and _whole(r, [first, both]), r
    for sync, windows_of in zip(("first", "second"), windows):
        for name, window in windows_of.items():
            during = _during(found["warehouse"], window)
            if sync == "first" and name == "warehouse not yet opened by the flow":
                # The pre-flight check creates no file: before the flow opens it there is nothing to read.
                assert [r for r in during if r["t1"] < window[1]] == [], during[:2]
                continue
            assert during, f"no warehouse read during the {sync} sync's {name!r}"
            if name != "warehouse not yet opened by the flow":
                assert all("Could not set lock" in r.get("error", "") for r in during), (name, during[:2])

    # `corridor query`: a whole sync, or one line saying the file cannot be read now; never a traceback.
    for r in found["cli"]:
        assert "Traceback" not in r["err"] and len(r["err"].splitlines()) <= 1, r
        if r["code"] == 0:
            (row,) = json.loads(r["out"])
            assert _whole(row, [first, both]), r
        elif r["t1"] < opened[0] and ("does not exist" in r["err"] or "no snapshot" in r["err"]):
            continue  # racing the first sync before it bootstrapped: see the test below
        else:
            assert r["code"] == 1 and "lock" in r["err"].lower(), r
    assert any(r["code"] == 0 for r in found["cli"]), "corridor query read a whole sync at least once"
    assert any(r["code"] == 1 for r in found["cli"]), "corridor query met the sync writing the warehouse"


def test_corridor_query_before_the_first_sync_has_opened_the_warehouse_is_one_line_not_bad_sql(stack, tmp_path):
    """`corridor sync` checks that the warehouse can be written before its flow starts (which creates an empty
    DuckDB file on a first run); until the flow has opened and bootstrapped it, `corridor query` reads that
    file (there is no snapshot yet). A contract query there must not be told its SQL is bad."""
    env, _ = stack
    warehouse = tmp_path / "corridor.duckdb"
    run = start(env, warehouse, tmp_path, "first", pause="before:open_writer:1=60")
    try:
        deadline = time.monotonic() + 120
        while not any("pause" in e for e in run.events()):
            assert run.proc.poll() is None and time.monotonic() < deadline, run.log()[-3000:]
            time.sleep(0.1)
        done = subprocess.run([sys.executable, "-m", "corridor.cli", "query", "SELECT count(*) FROM meta.load"],
                              env={**env, "CORRIDOR_WAREHOUSE": str(warehouse)}, cwd=tmp_path, capture_output=True,
                              text=True, timeout=120)
    finally:
        stop(run.proc)
    print(f"\nwarehouse file before the flow opened it: {warehouse.exists()}; corridor query said: {done.stderr!r}")
    assert done.returncode != 0 and len(done.stderr.strip().splitlines()) == 1, done
    assert "bad SQL" not in done.stderr, "a contract query called bad SQL because the warehouse was not bootstrapped"


def test_a_reader_holding_the_warehouse_open_makes_the_sync_wait_and_say_so_then_it_completes(
        stack, reference, tmp_path):
    """The reader holds it until the sync says it is waiting, and 2 s more."""
    env, _ = stack
    warehouse = tmp_path / "corridor.duckdb"
    copy_warehouse(reference.warehouse, warehouse)
    holder, out = _reader("hold", warehouse, tmp_path, env)
    try:
        deadline = time.monotonic() + 60
        while not _lines(out):
            assert holder.poll() is None and time.monotonic() < deadline, (tmp_path / "reader-hold.err").read_text()
            time.sleep(0.05)
        run = start(env, warehouse, tmp_path, "sync", extra=WRITE_WAIT)
        deadline = time.monotonic() + 240
        while "waiting for the warehouse" not in run.log():  # the reader lets go once the sync says it waits
            assert run.proc.poll() is None and time.monotonic() < deadline, run.log()[-3000:]
            time.sleep(0.1)
        time.sleep(2.0)  # and a little longer: it keeps waiting, bounded
        (tmp_path / "stop-reading").touch()
        code = finish(run)
    finally:
        (tmp_path / "stop-reading").touch()
        holder.wait(timeout=60)
        stop(holder)
    assert code == 0, run.log()[-3000:]
    closed = next(line["closed"] for line in _lines(out) if "closed" in line)
    opened = min(e["t"] for e in run.events() if e.get("event") == "open_writer" and e["when"] == "after")
    log = run.log()
    assert "waiting for the warehouse" in log and "the warehouse is free after" in log, log[-3000:]
    assert opened >= closed, "the sync wrote only once the reader had let go"
    assert [s for _, _, s, _, _ in loads(warehouse)][FEEDS:] == ["SUCCEEDED"] * FEEDS
    assert differences(contents(warehouse), reference.contents) == {}


def test_a_reader_that_never_lets_go_fails_the_sync_after_the_wait_in_one_line_and_changes_nothing(
        stack, reference, tmp_path):
    env, _ = stack
    warehouse, snapshot = tmp_path / "corridor.duckdb", tmp_path / "snapshot.duckdb"
    copy_warehouse(reference.warehouse, warehouse)
    before = (digest(warehouse), digest(snapshot))
    holder, out = _reader("hold", warehouse, tmp_path, env)
    try:
        deadline = time.monotonic() + 60
        while not _lines(out):
            assert holder.poll() is None and time.monotonic() < deadline, (tmp_path / "reader-hold.err").read_text()
            time.sleep(0.05)
        began = time.monotonic()
        run = start(env, warehouse, tmp_path, "sync", extra={"CORRIDOR_WRITE_WAIT_MINUTES": "0.1"})
        code = finish(run)
        took = time.monotonic() - began
    finally:
        (tmp_path / "stop-reading").touch()
        holder.wait(timeout=60)
        stop(holder)
    err = run.err.read_text(errors="replace")
    last = err.strip().splitlines()[-1]
    print(f"\nafter {took:.0f} s, exit {code}: {last}; tracebacks on stderr: {err.count('Traceback')}")
    assert code == 1, err[-3000:]
    assert last.startswith("corridor: sync failed: ") and "CORRIDOR_WRITE_WAIT_MINUTES" in last, last
    assert "waiting for the warehouse" in err
    assert (digest(warehouse), digest(snapshot)) == before, "a sync that never got the warehouse changed nothing"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM meta.load WHERE status <> 'SUCCEEDED'").fetchone() == (0,)
