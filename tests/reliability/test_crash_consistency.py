"""Crash consistency at scale, and results that do not depend on row order (issue 14, classes 13 and 9's sibling).

A `corridor sync` of a two-day window is SIGKILLed at 25 points spread over every phase of the run, a
backfill at 3 more, and each is run again to completion; the warehouse must then hold exactly what one
uninterrupted run leaves: every core, marts and staging table, the quarantine, the validation runs of the
published loads and the last warehouse checks, the watermarks, and the analysts' snapshot. Every value is
compared by its exact text (a DOUBLE by its bits, `float.hex`), so a mart average that differs in its last
bit after a crash fails here.

The kill points are deterministic, not random sleeps alone:

- *hooked*: the sync runs through `crash_points.py`, which SIGKILLs the process itself just after the N-th
  call of a named step (a migration's SQL, a batch's transaction, a feed's publish, a mart, a check, the
  snapshot's copy or rename, a Data Docs page): the exact point, every time;
- *observed*: the test SIGKILLs the process from outside when something it can see appears: the first
  staged file in the spool folder, a log line of `--verbose` (a feed's publish finished, the marts and
  checks finished), `chunk 2 of 2` of a backfill;
- *timed*: from outside at 25 %, 50 % and 75 % of the uninterrupted run's duration.

Most points crash the first sync of a fresh warehouse; four crash a second sync of the same window on a
warehouse that already holds it (a copy of the reference), where the old snapshot must survive the kill.
"""
from __future__ import annotations

import os
import random
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from sync_harness import (
    BACKFILL_ARGS,
    FEEDS,
    Reference,
    Run,
    complete,
    contents,
    copy_warehouse,
    crash,
    differences,
    digest,
    error_lines,
    exact,
    kill_when,
    loads,
    reference_run,
    run_in_process,
    simulator,
    start,
    sync_env,
)

from corridor.config import Settings
from corridor.connectors import Window, feed_registry
from corridor.engine import derive_and_check, load_feed
from corridor.warehouse import Warehouse

pytestmark = pytest.mark.timeout(900)

BACKFILL = {"CRASHPOINT_BACKFILL_CHUNK_DAYS": "1"}  # FROM..TO in two one-day chunks


@dataclass(frozen=True)
class Point:
    """Where a sync is killed: `kill` (hooked, `when:event:n`), `log` (a line of its log), `spool` (its first
    staged file), or `at` (a share of the uninterrupted run's duration); `on` "fresh" or "synced"."""

    id: str
    phase: str
    kill: str = ""
    log: str = ""
    spool: bool = False
    at: float = 0.0
    on: str = "fresh"
    backfill: bool = False
    then_kill: str = ""  # the re-run is killed here too, before a last run to completion
    process: bool = False  # re-run by a new `corridor sync` process (else in the test's process, warm)


POINTS = [
    Point("mid-migration", "bootstrap: migration 005 run, not committed (001-004 are)",
          kill="after:migrations/005_staging_aktau.sql:1", process=True),
    Point("mid-seeds", "bootstrap: migrations done, reference seeds loaded, not committed",
          kill="after:seed_reference.sql:1"),
    Point("loads-recorded", "6 of 12 loads recorded RUNNING, nothing staged", kill="after:meta_load_start.sql:6"),
    Point("first-staged-file", "staging: the first Parquet file of batch 1 in the spool folder", spool=True),
    Point("staging-batch-5", "staging: 5 batches staged (two feeds' threads), none published",
          kill="after:stage_batch:5"),
    Point("mid-data-docs", "staging: Data Docs pages being rendered into their temporary folder",
          kill="after:_write_text:3"),
    Point("in-batch-1-transaction", "publish: batch 1's raw records inserted, its transaction open",
          kill="after:raw_record_insert.sql:1"),
    Point("between-batch-transactions", "publish: batches 1-3 of KTZ tracking committed, 4-7 not",
          kill="after:_write_batch:3", process=True),
    Point("in-batch-9-transaction", "publish: batch 9's staging merge done, its transaction open",
          kill="after:staging_merge.sql:9"),
    Point("in-core-transaction", "publish: KTZ tracking merged into core, not committed",
          kill="after:core_fact_equipment_event.sql:1"),
    Point("first-feed-published", "publish: KTZ tracking committed, its spool and task not finished",
          kill="after:_publish:1"),
    Point("half-published", "publish: 6 of 12 feeds committed", kill="after:_publish:6"),
    Point("ady-tracking-logged", "publish: the log says ADY tracking's publish finished",
          log="Task run 'ADY tracking · publish' - Finished in state"),
    Point("all-published", "all 12 feeds committed; marts not begun", kill="after:_publish:12"),
    Point("mid-marts", "marts: container_status rebuilt in the open marts transaction",
          kill="after:marts_container_status.sql:1"),
    Point("mid-checks", "checks: 7 of 20 warehouse-check rows recorded (each committed)",
          kill="after:warehouse_check_insert:7"),
    Point("checks-logged", "the log says the marts and checks finished: the snapshot begins",
          log="Task run 'marts and warehouse checks' - Finished in state"),
    Point("snapshot-renamed", "snapshot: renamed into place; artifacts and the flow's end not reached",
          kill="after:_fsync:2"),
    Point("at-25%", "25 % of an uninterrupted run's duration", at=0.25),
    Point("at-50%", "50 %", at=0.50),
    Point("at-75%", "75 %", at=0.75),
    Point("rerun-killed-too", "3 feeds published; the re-run killed after marking the interrupted loads",
          kill="after:_publish:3", then_kill="after:meta_load_mark_interrupted.sql:1"),
    Point("second-sync-mid-publish", "a second sync of the window: 4 feeds re-published", kill="after:_publish:4",
          on="synced"),
    Point("second-sync-mid-snapshot", "second sync: 8 tables copied into the new snapshot file",
          kill="after:snapshot_copy_table.sql:8", on="synced", process=True),
    Point("second-sync-snapshot-written", "second sync: new snapshot complete beside the old, not renamed",
          kill="after:_fsync:1", on="synced"),
    Point("backfill-chunk-1-mid-publish", "backfill chunk 1: 4 batch transactions committed",
          kill="after:_write_batch:4", backfill=True),
    Point("backfill-chunk-2-logged", "backfill: the log says chunk 2 of 2 begins", log="chunk 2 of 2",
          backfill=True, process=True),
    Point("backfill-chunk-2-mid-publish", "backfill chunk 2: 3 of its 12 feeds committed",
          kill="after:_publish:15", backfill=True),
]


@pytest.fixture(scope="module")
def stack(prefect_harness, tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash")
    with simulator(folder) as port:
        yield sync_env(port, folder / "prefect"), folder


@pytest.fixture(scope="module")
def reference(stack, tmp_path_factory) -> Reference:
    """One uninterrupted sync of FROM..TO into a fresh warehouse: what every re-run must leave (shared with
    the racing-reader tests of the same session)."""
    return reference_run(stack[0], tmp_path_factory.getbasetemp() / "reference-sync")


@pytest.fixture(scope="module")
def backfill_reference(stack, tmp_path_factory) -> Reference:
    """One uninterrupted backfill of FROM..TO in one-day chunks into a fresh warehouse."""
    return reference_run(stack[0], tmp_path_factory.getbasetemp() / "reference-backfill", args=BACKFILL_ARGS,
                         extra=BACKFILL)


def _kill(point: Point, reference: Reference, env: dict, warehouse: Path, folder: Path) -> Run:
    args, extra = (BACKFILL_ARGS, BACKFILL) if point.backfill else (None, None)
    run = start(env, warehouse, folder, "crashed", args=args, extra=extra, kill=point.kill)
    if point.kill:
        crash(run)
    elif point.log:
        kill_when(run, lambda: point.log in run.log(), f"the log line {point.log!r}")
    elif point.spool:
        kill_when(run, lambda: any((warehouse.parent / "spool").glob("*/*/*.parquet")), "the first staged file")
    else:
        kill_when(run, lambda: time.monotonic() - run.started >= point.at * reference.seconds,
                  f"{point.at:.0%} of {reference.seconds:.1f} s")
    return run


def _state_at_kill(warehouse: Path) -> list[tuple]:
    if not warehouse.exists():
        return []
    try:
        return loads(warehouse)
    except duckdb.CatalogException:  # killed before meta.load was created
        return []


@dataclass
class Crashed:
    """A sync killed at its point, and what it left."""

    folder: Path
    before: list[tuple]  # meta.load before it started (a warehouse that already held a sync)
    at_kill: list[tuple]  # meta.load once it was dead
    said: str  # where it died
    seconds: float


class CrashLane:
    """The kills, one after the other in a thread of their own, ahead of the tests that re-run them.

    Killing a sync takes a process of its own anyway; while a test re-runs one point's warehouse (in this
    process), the next point's sync is being killed (in another), so the two halves overlap on two cores.
    """

    def __init__(self, points: list[Point], env: dict, base: Path, reference: Reference):
        self.env, self.base, self.reference = env, base, reference
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crash-lane")
        self.futures = {p.id: self.pool.submit(self._crash, p) for p in points}

    def get(self, point: Point) -> Crashed:
        return self.futures[point.id].result(timeout=900)

    def close(self) -> None:
        for future in self.futures.values():
            future.cancel()
        self.pool.shutdown(wait=True)

    def _crash(self, point: Point) -> Crashed:
        folder = self.base / point.id
        folder.mkdir(parents=True)
        warehouse, snapshot = folder / "corridor.duckdb", folder / "snapshot.duckdb"
        before: list[tuple] = []
        if point.on == "synced":
            copy_warehouse(self.reference.warehouse, warehouse)
            before = loads(warehouse)
        run = _kill(point, self.reference, self.env, warehouse, folder)
        seconds = time.monotonic() - run.started
        at_kill = _state_at_kill(warehouse)
        statuses = {status for _, _, status, _, _ in at_kill[len(before):]}
        assert statuses <= {"RUNNING", "SUCCEEDED"}, f"a killed sync should leave no FAILED load: {at_kill}"
        if point.on == "synced":
            # The old snapshot is untouched until the new one is renamed onto it; a reader still sees it whole.
            assert digest(snapshot) == self.reference.snapshot_digest, "the kill changed the analysts' snapshot"
        elif snapshot.exists():  # written by this run before the kill: whole, or not there at all
            assert contents(snapshot, staging=False) == self.reference.snapshot
        if point.kill.startswith("after:_publish:") and not point.backfill:
            published = int(point.kill.rsplit(":", 1)[1])
            assert [s for *_, s, _, _ in at_kill[len(before):]].count("SUCCEEDED") == published
        if point.then_kill:
            crash(start(self.env, warehouse, folder, "rerun-crashed", kill=point.then_kill))
            assert "RUNNING" not in {s for _, _, s, _, _ in loads(warehouse)}, "the re-run marked them before dying"
        said = f"{run.killed_at() or 'from outside'} after {seconds:.1f} s; loads then: {sorted(statuses)}"
        return Crashed(folder, before, at_kill, said, seconds)


@pytest.fixture(scope="module")
def crashes(request, stack, reference, backfill_reference, tmp_path_factory):
    """The selected kill points, killed in the background from the start of the first of them."""
    selected = [item.callspec.params["point"] for item in request.session.items
                if getattr(item, "originalname", "") == KILL_TEST and hasattr(item, "callspec")]
    lane = CrashLane(selected, stack[0], tmp_path_factory.mktemp("killed"), reference)
    yield lane
    lane.close()


KILL_TEST = "test_a_sync_killed_at_this_point_and_run_again_leaves_what_an_uninterrupted_run_leaves"


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS, ids=[p.id for p in POINTS])
def test_a_sync_killed_at_this_point_and_run_again_leaves_what_an_uninterrupted_run_leaves(
        point, stack, crashes, reference, backfill_reference, monkeypatch, caplog):
    env, _ = stack
    expected = backfill_reference if point.backfill else reference
    crashed = crashes.get(point)
    folder = crashed.folder
    warehouse, snapshot = folder / "corridor.duckdb", folder / "snapshot.duckdb"
    at_kill = crashed.at_kill
    print(f"\n{point.id}: killed {crashed.said}")

    began = time.monotonic()
    if point.process:
        args, extra = (BACKFILL_ARGS, BACKFILL) if point.backfill else (None, None)
        rerun = complete(env, warehouse, folder, "rerun", args=args, extra=extra).log()
        assert error_lines(rerun) == [], rerun[-3000:]
    else:
        assert run_in_process(env, warehouse, monkeypatch, backfill=point.backfill) == 0
        rerun = caplog.text
    took = time.monotonic() - began

    after = contents(warehouse)
    assert differences(after, expected.contents) == {}, "tables differing from the uninterrupted run"
    # Every mart value bit for bit (already in `contents`; said again so that a failure names the mart).
    marts = {t: rows for t, rows in after.items() if t.startswith("marts.")}
    assert marts == {t: rows for t, rows in expected.contents.items() if t.startswith("marts.")}
    assert differences(contents(snapshot, staging=False), expected.snapshot) == {}, "the snapshot differs"
    assert sorted(p.name for p in folder.glob(".snapshot.duckdb.*")) == [], "a temporary snapshot was left"

    final = loads(warehouse)
    rerun_loads = final[len(at_kill):]  # the re-run's (a killed re-run started none)
    expected_loads = 2 * FEEDS if point.backfill else FEEDS
    if point.backfill:
        # A resumed backfill publishes only what the killed one had not committed.
        committed = sum(s == "SUCCEEDED" for *_, s, _, _ in at_kill)
        expected_loads -= committed
        if committed >= FEEDS:
            assert "chunk 1 of 2" in rerun and "already committed" in rerun, rerun[-3000:]
    assert [s for _, _, s, _, _ in rerun_loads] == ["SUCCEEDED"] * expected_loads
    # What the kill interrupted is FAILED, saying so; what it had published stays SUCCEEDED.
    interrupted = {load_id for _, _, status, load_id, _ in at_kill if status == "RUNNING"}
    for op, feed, status, load_id, error in final:
        if load_id in interrupted:
            assert status == "FAILED" and error.startswith(f"{op} {feed}: interrupted"), (load_id, status, error)
    assert all(status in ("SUCCEEDED", "FAILED") for _, _, status, _, _ in final)
    # Once the re-run is done nothing is waiting to be published: the killed run's staged batches (Parquet in
    # `spool/`) and half-written Data Docs are removed at the re-run's start, its own by publish.
    left = sorted(str(p.relative_to(folder)) for p in [*(folder / "spool").glob("*"), *(folder / "docs").glob(".*.tmp")])
    assert left == [], f"the re-run left the killed sync's staged files behind: {left}"
    print(f"{point.id}: {len(interrupted)} interrupted load(s) marked FAILED; re-run + compare {took:.1f} s")


def test_the_kill_points_cover_every_phase_of_a_sync():
    """The set above: at least 20 sync points, over bootstrap, staging, Data Docs, publish (inside a batch
    transaction, between two, inside a feed's core transaction, after it), marts, checks, snapshot, backfill."""
    sync_points = [p for p in POINTS if not p.backfill]
    assert len(sync_points) >= 20 and len(POINTS) - len(sync_points) >= 3
    hooked = " ".join(p.kill for p in POINTS)
    for step in ("migrations/", "seed_reference", "meta_load_start", "stage_batch", "_write_text",
                 "raw_record_insert", "_write_batch", "staging_merge", "core_fact_equipment_event", "_publish:",
                 "marts_container_status", "warehouse_check_insert", "snapshot_copy_table", "_fsync:1", "_fsync:2"):
        assert step in hooked, step
    assert {p.on for p in POINTS} == {"fresh", "synced"}
    assert sum(bool(p.log or p.spool) for p in POINTS) >= 4 and sum(p.at > 0 for p in POINTS) >= 3


@pytest.mark.slow
def test_a_backfill_in_daily_chunks_leaves_what_one_sync_of_the_window_leaves(reference, backfill_reference):
    """Two windows loaded one after the other (the backfill's chunks) vs one window: the same core and marts,
    bit for bit, and the same watermarks."""
    for table in reference.contents:
        if table.startswith(("core.", "marts.")) or table == "meta.watermark":
            assert backfill_reference.contents[table] == reference.contents[table], table


def test_the_comparison_sees_the_last_bit_of_a_double(tmp_path):
    """`contents` compares DOUBLEs by their bits: 0.1 + 0.2 and 0.3, one ulp apart, differ there."""
    assert exact(0.1 + 0.2) != exact(0.3) and exact(-0.0) != exact(0.0) and exact([1.0, None]) == exact([1.0, None])
    found = []
    for name, value in (("a", 0.1 + 0.2), ("b", 0.3)):
        path = tmp_path / f"{name}.duckdb"
        with duckdb.connect(str(path)) as con:
            for schema in ("core", "marts", "staging", "quality", "meta"):
                con.execute(f"CREATE SCHEMA {schema}")
            con.execute("CREATE TABLE marts.m (x DOUBLE)")
            con.execute("INSERT INTO marts.m VALUES (?)", [value])
            con.execute("CREATE TABLE quality.quarantine (operator_code VARCHAR, feed VARCHAR, load_id VARCHAR,"
                        " quarantined_utc TIMESTAMP, raw_record VARCHAR, record_hash VARCHAR)")
            con.execute("CREATE TABLE meta.load (load_id VARCHAR, operator_code VARCHAR, feed VARCHAR, status VARCHAR,"
                        " window_from_utc TIMESTAMP, window_to_utc TIMESTAMP, started_utc TIMESTAMP)")
            con.execute("CREATE TABLE quality.validation_run (load_id VARCHAR, operator_code VARCHAR, feed VARCHAR,"
                        " suite VARCHAR, records BIGINT, passed BIGINT, quarantined BIGINT, success BOOLEAN)")
            con.execute("CREATE TABLE meta.watermark (operator_code VARCHAR, load_id VARCHAR, updated_utc TIMESTAMP)")
            con.execute("CREATE TABLE staging.ady_train_stop (x INTEGER, published_utc TIMESTAMP, record_hash VARCHAR,"
                        " load_id VARCHAR)")
        found.append(contents(path))
    assert differences(*found) == {"marts.m": "1 rows vs 1; only after: ['[0x1.3333333333334p-2]'];"
                                              " only expected: ['[0x1.3333333333333p-2]']"}


# -- results that do not depend on row order (default set: in this process, through the engine) -----------

DAY1 = Window(datetime(2024, 3, 1), datetime(2024, 3, 2))
DAY2 = Window(datetime(2024, 3, 2), datetime(2024, 3, 3))
BOTH = Window(DAY1.start, DAY2.end)
ORDER_FREE = ("core.", "marts.", "meta.watermark", "quality.quarantine")


def _load(folder: Path, sim_url: str, syncs: list[tuple[Window, list[tuple[str, str]]]],
          threads: int | None = None) -> dict:
    """Each (window, feeds in this order) as one sync: every feed loaded (stage + publish), then the marts
    and checks, into a fresh warehouse in `folder`; its contents."""
    path = folder / "corridor.duckdb"
    with pytest.MonkeyPatch.context() as mp:  # nobody's own CORRIDOR_* settings
        for name in [n for n in os.environ if n.startswith("CORRIDOR_")]:
            mp.delenv(name)
        settings = Settings(warehouse=path, batch_records=500).with_simulator(sim_url)
        with Warehouse(path) as warehouse:
            warehouse.bootstrap()
            if threads:
                warehouse.cursor().execute(f"SET threads = {threads}")
            for number, (window, keys) in enumerate(syncs):
                for key in keys:
                    result = load_feed(warehouse, settings, feed_registry()[key], window)
                    assert result.status == "SUCCEEDED", result.error
                report = derive_and_check(warehouse, f"sync-{number}", nightly=False)
                assert report["failed_checks"] == []
    return contents(path)


@pytest.fixture(scope="module")
def in_order(sim_url, tmp_path_factory) -> dict:
    """FROM..TO as one sync, feeds in the registry's order (the flow's)."""
    return _load(tmp_path_factory.mktemp("in-order"), sim_url, [(BOTH, list(feed_registry()))])


def _marts_values(found: dict) -> int:
    return sum(sum(rows.values()) for table, rows in found.items() if table.startswith("marts."))


def test_the_same_sync_twice_into_two_warehouses_gives_bit_identical_results(in_order, sim_url, tmp_path):
    again = _load(tmp_path, sim_url, [(BOTH, list(feed_registry()))])
    assert differences(again, in_order) == {}, "every table, every value's bits"
    assert _marts_values(in_order) > 50 and sum(in_order["core.fact_equipment_event"].values()) > 1000


def test_feeds_loaded_in_reverse_order_on_one_thread_give_bit_identical_results(in_order, sim_url, tmp_path):
    """Ports before railways (port cargo lines enrich consignments a railway has not loaded yet), the
    schedules before the tracking that gives their actuals; and DuckDB on one thread, not two."""
    reverse = _load(tmp_path, sim_url, [(BOTH, list(reversed(feed_registry())))], threads=1)
    assert differences(reverse, in_order) == {}


def test_two_windows_loaded_newest_first_in_shuffled_orders_give_what_one_window_gives(in_order, sim_url, tmp_path):
    keys = list(feed_registry())
    first, second = random.Random(14).sample(keys, len(keys)), random.Random(13).sample(keys, len(keys))
    split = _load(tmp_path, sim_url, [(DAY2, first), (DAY1, second)])
    # The loads (and so their validation runs) are per window; what analysts read must not be.
    assert differences({t: r for t, r in split.items() if t.startswith(ORDER_FREE)},
                       {t: r for t, r in in_order.items() if t.startswith(ORDER_FREE)}) == {}
