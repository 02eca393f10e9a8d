"""What the crash and racing-reader tests share: the simulator process, `corridor sync` processes (through
`crash_points.py`) against the session's Prefect API, killing them at a marker, and comparing warehouses.

Everything runs as in production: the simulator in its own process (`corridor feeds serve`, clock pinned),
each sync a process of its own talking to a Prefect API, the warehouse a DuckDB file.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import duckdb

from fixtures.processes import serve_simulator, stop

HERE = Path(__file__).parent
LAUNCHER = HERE / "crash_points.py"
FROM, TO = "2024-03-01", "2024-03-03"  # two days: every feed has data, a sync takes ~10-15 s
SIM_NOW = "2024-03-12"
DEFECT_RATE = "0.02"  # as the rest of the suite: every defect kind appears, nothing near the 5 % share
FEEDS = 12
# Small batches, so that the bigger feeds publish several batch transactions (KTZ tracking: 7).
BATCH_RECORDS = "500"
SYNC_TIMEOUT = 240


@contextlib.contextmanager
def simulator(folder: Path) -> Iterator[int]:
    """`corridor feeds serve` in its own process on a free port, clock pinned: its port, once it accepts."""
    proc, port = serve_simulator(folder / "serve.log", "--now", SIM_NOW, "--defect-rate", DEFECT_RATE)
    try:
        yield port
    finally:
        stop(proc)


def sync_env(port: int, prefect_home: Path) -> dict:
    """Every operator at the simulator, the session's Prefect API (no temporary server per sync)."""
    from prefect.settings import PREFECT_API_URL

    base = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "PREFECT_", "CRASHPOINT_"))}
    base.update({f"CORRIDOR_{op}_URL": f"http://127.0.0.1:{port}/{op.lower()}" for op in ("KTZ", "ADY", "AKTAU", "BAKU")})
    base["PREFECT_HOME"] = str(prefect_home)
    base["PREFECT_API_URL"] = PREFECT_API_URL.value()
    base["CORRIDOR_BATCH_RECORDS"] = BATCH_RECORDS
    assert base["PREFECT_API_URL"], "the Prefect test harness gives no API URL"
    return base


@dataclass
class Run:
    """One `corridor sync` (or backfill) process and its files."""

    proc: subprocess.Popen
    name: str
    out: Path
    err: Path
    trace: Path
    started: float

    def log(self) -> str:
        return self.err.read_text(errors="replace") + self.out.read_text(errors="replace")

    def events(self) -> list[dict]:
        if not self.trace.exists():
            return []
        return [json.loads(line) for line in self.trace.read_text().splitlines() if line.strip()]

    def killed_at(self) -> str | None:
        return next((e["kill"] for e in self.events() if "kill" in e), None)


SYNC_ARGS = ["sync", "--from", FROM, "--to", TO, "--verbose"]
BACKFILL_ARGS = ["backfill", FROM, TO]


def start(env: dict, warehouse: Path, folder: Path, name: str, *, args: list[str] | None = None,
          kill: str = "", pause: str = "", extra: dict | None = None) -> Run:
    """Start a sync (by default of FROM..TO) through the crash-point launcher; not waiting."""
    folder.mkdir(parents=True, exist_ok=True)
    out, err, trace = folder / f"{name}.out", folder / f"{name}.err", folder / f"{name}.trace"
    run_env = {**env, "CORRIDOR_WAREHOUSE": str(warehouse), "CRASHPOINT_TRACE": str(trace),
               "CRASHPOINT_KILL": kill, "CRASHPOINT_PAUSE": pause, **(extra or {})}
    with open(out, "wb") as o, open(err, "wb") as e:
        proc = subprocess.Popen([sys.executable, str(LAUNCHER), *(args or SYNC_ARGS)], env=run_env, cwd=folder,
                                stdout=o, stderr=e, start_new_session=True)
    return Run(proc, name, out, err, trace, time.monotonic())


def finish(run: Run, timeout: float = SYNC_TIMEOUT) -> int:
    try:
        run.proc.wait(timeout=timeout)
    finally:
        stop(run.proc)
    return run.proc.returncode


def complete(env: dict, warehouse: Path, folder: Path, name: str, **kw) -> Run:
    """Run to completion; it must succeed."""
    run = start(env, warehouse, folder, name, **kw)
    code = finish(run)
    assert code == 0, f"{name} failed ({code}):\n{run.log()[-4000:]}"
    return run


def run_in_process(env: dict, warehouse: Path, monkeypatch, *, backfill: bool = False) -> int:
    """Run the sync (or the backfill, in one-day chunks) again to completion in this process; its exit status.

    The same command and flow as `start` runs, without a new interpreter: this process has imported Prefect
    and warmed Great Expectations once (~10 s a sync saved), which keeps 28 kill points within minutes.
    """
    for name, value in env.items():
        if name.startswith("CORRIDOR_") or name == "PREFECT_API_URL":
            monkeypatch.setenv(name, value)
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(warehouse))
    if backfill:
        from crash_points import backfill as run_backfill

        monkeypatch.setattr("corridor.flows.sync.BACKFILL_CHUNK", timedelta(days=1))
        return run_backfill(FROM, TO)
    from corridor.cli import main

    try:
        return main(SYNC_ARGS)
    except SystemExit as exc:  # `sync` ends with sys.exit(status)
        return int(exc.code or 0)


def kill_when(run: Run, condition: Callable[[], bool], what: str, timeout: float = SYNC_TIMEOUT) -> None:
    """SIGKILL the run from outside as soon as `condition()` holds; it must still have been running."""
    deadline = time.monotonic() + timeout
    try:
        while not condition():
            assert run.proc.poll() is None, f"{run.name} ended before {what}:\n{run.log()[-3000:]}"
            assert time.monotonic() < deadline, f"{run.name}: {what} did not happen in time"
            time.sleep(0.01)
        alive = run.proc.poll() is None
        os.kill(run.proc.pid, signal.SIGKILL)
        run.proc.wait(timeout=30)
    finally:
        stop(run.proc)
    assert alive and run.proc.returncode == -signal.SIGKILL, f"{run.name} was not running at {what}"


def crash(run: Run) -> None:
    """Wait for a run told to kill itself at a crash point; it must have died there, by SIGKILL."""
    code = finish(run)
    assert code == -signal.SIGKILL and run.killed_at(), \
        f"{run.name} was to die at its crash point, ended {code}:\n{run.log()[-3000:]}"


def copy_warehouse(source: Path, target: Path) -> None:
    """A warehouse (and its snapshot beside it) copied to another folder, as another sync would find it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for name in (source.name, "snapshot.duckdb"):
        if (source.parent / name).exists():
            shutil.copy2(source.parent / name, target.parent / (target.name if name == source.name else name))


# -- comparing two warehouses ----------------------------------------------------------------------------

# ADY timetables are published when fetched (feeds.md): every fetch is a version of its own, stamped with
# the fetch time (in `published_utc`, and inside the raw record, so in its hash). Compared without them.
FETCH_TIME_COLUMNS = {"staging.ady_train_stop": ("published_utc", "record_hash")}


def _tables(con, schema: str) -> list[str]:
    return [f"{schema}.{t}" for (t,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'"
        " ORDER BY table_name", [schema]).fetchall()]


def _columns(con, table: str, exclude: tuple[str, ...]) -> list[str]:
    return [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema || '.' || table_name = ?"
        " ORDER BY ordinal_position", [table]).fetchall() if c not in exclude]


def exact(value) -> str:
    """A value's exact text: a DOUBLE as its bits (`float.hex`: -0.0, the last bit and NaN all show)."""
    if isinstance(value, float):
        return value.hex()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(exact(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {exact(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _rows(con, table: str, exclude: tuple[str, ...], where: str = "", columns: list[str] | None = None) -> Counter:
    columns = columns or _columns(con, table, exclude)
    rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} {where}").fetchall()
    return Counter(exact(row) for row in rows)


def contents(path: Path, *, staging: bool = True) -> dict[str, Counter]:
    """Every core, marts (and staging) table, the quality tables and the watermarks, as multisets of exact rows,
    without what legitimately differs between two runs of the same data: load ids, the times things were done.

    - `quality.validation_run`: the runs of the last published load of each feed and window, and the last
      sync's warehouse checks; a killed load's committed batches were validated too, and stay on record.
    - `meta.watermark`: each feed's position.
    """
    with duckdb.connect(str(path), read_only=True) as con:
        schemas = ("core", "marts", "staging") if staging else ("core", "marts")
        out = {t: _rows(con, t, ("load_id",)) for s in schemas for t in _tables(con, s)}
        if staging:
            for table, columns in FETCH_TIME_COLUMNS.items():
                # Versions that differ only in their fetch time are one timetable fetched twice.
                out[table] = Counter(set(_rows(con, table, ("load_id", *columns))))
        # ADY timetable plans carry their fetch time in the raw record too.
        out["quality.quarantine"] = _rows(con, "quality.quarantine", ("load_id", "quarantined_utc"),
                                          "WHERE NOT (operator_code = 'ADY' AND feed = 'schedule')")
        out["quality.quarantine ADY schedule"] = _rows(
            con, "quality.quarantine", ("load_id", "quarantined_utc", "raw_record", "record_hash"),
            "WHERE operator_code = 'ADY' AND feed = 'schedule'")
        out["quality.validation_run of the last published loads"] = Counter(exact(r) for r in con.execute(
            "WITH last AS (SELECT load_id FROM meta.load WHERE status = 'SUCCEEDED'"
            "              QUALIFY row_number() OVER (PARTITION BY operator_code, feed, window_from_utc, window_to_utc"
            "                                         ORDER BY started_utc DESC) = 1)"
            " SELECT v.operator_code, v.feed, v.suite, v.records, v.passed, v.quarantined, v.success"
            " FROM quality.validation_run AS v JOIN last USING (load_id)").fetchall())
        out["quality.validation_run warehouse checks of the last sync"] = Counter(exact(r) for r in con.execute(
            "SELECT suite, records, passed, quarantined, success FROM quality.validation_run"
            " WHERE feed = 'warehouse' AND load_id = (SELECT max(load_id) FROM quality.validation_run"
            " WHERE feed = 'warehouse')").fetchall())
        out["meta.watermark"] = _rows(con, "meta.watermark", ("load_id", "updated_utc"))
    return out


def differences(after: dict[str, Counter], expected: dict[str, Counter]) -> dict[str, str]:
    """Table → what differs (rows only here, rows only there; a few of each), for an assertion message."""
    found = {}
    for table in sorted(after.keys() | expected.keys()):
        got, want = after.get(table, Counter()), expected.get(table, Counter())
        if got != want:
            extra, missing = list((got - want).elements()), list((want - got).elements())
            found[table] = (f"{sum(got.values())} rows vs {sum(want.values())}; only after: {extra[:2]};"
                            f" only expected: {missing[:2]}")
    return found


@dataclass
class Reference:
    """An uninterrupted run into a fresh warehouse: its contents, its snapshot's, and how long it took."""

    warehouse: Path
    contents: dict
    snapshot: dict
    snapshot_digest: str
    seconds: float


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reference_run(env: dict, folder: Path, *, args: list[str] | None = None, extra: dict | None = None) -> Reference:
    """One uninterrupted run (by default the sync of FROM..TO) into `folder`, done once a pytest session:
    a folder that already holds a finished one (another test module made it) is read, not run again."""
    warehouse, done = folder / "corridor.duckdb", folder / "done.json"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        began = time.monotonic()
        complete(env, warehouse, folder, "run", args=args, extra=extra)
        done.write_text(json.dumps({"seconds": time.monotonic() - began}))
    snapshot = folder / "snapshot.duckdb"
    return Reference(warehouse, contents(warehouse), contents(snapshot, staging=False), digest(snapshot),
                     json.loads(done.read_text())["seconds"])


def loads(path: Path) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT operator_code, feed, status, load_id, error FROM meta.load"
                           " ORDER BY started_utc, load_id").fetchall()


def error_lines(text: str) -> list[str]:
    """Tracebacks and ERROR lines in a sync's log (the lines that say something went wrong)."""
    return [line for line in text.splitlines() if "Traceback" in line or "| ERROR" in line or "CRITICAL" in line]
