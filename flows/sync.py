"""The Prefect flows: a sync (nightly, tracking-only or an explicit window) and a resumable backfill.

Every selected feed is staged concurrently (no database), then published by the run's one writer
connection, which the run holds from bootstrap to the marts. Under a Prefect server the run also
holds the global concurrency limit `corridor-warehouse`, so two runs never write at once.
"""
from __future__ import annotations

import inspect
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NONE
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectNotFound
from prefect.runtime import flow_run
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner

from corridor.config import Settings
from corridor.connectors import Window, feed_registry
from corridor.engine import (
    StagedFeed,
    derive_and_check,
    mark_interrupted_loads,
    new_load_id,
    nightly_windows,
    publish_feed,
    stage_feed,
    start_load,
)
from corridor.engine.progress import BOARD
from corridor.engine.publish import TRANSIENT, fail_load, succeeded_windows, watermarks
from corridor.engine.snapshot import write_snapshot
from corridor.engine.writer import open_writer
from corridor.flows.artifacts import publish_artifacts
from corridor.flows.secrets import runtime_settings
from corridor.timeutil import utcnow
from corridor.warehouse import Warehouse

# Feeds stage concurrently, a few at a time: enough to overlap network waits, few enough that the
# batches being built stay bounded in memory.
FEED_CONCURRENCY = 2
# The global concurrency limit every run that writes the warehouse holds (operations.md, Scheduling).
WAREHOUSE_LIMIT = "corridor-warehouse"
BACKFILL_CHUNK = timedelta(days=7)
# The slot's lease, renewed while the run lives: a killed run's slot is free again this long after.
SLOT_LEASE_SECONDS = 60
# Waiting longer than this for the warehouse slot means another run held it: the log says so.
SLOT_WAIT_WORTH_SAYING = 2.0
# Transient publish errors (a lock held for a moment, I/O) are retried after these waits.
PUBLISH_RETRY_SECONDS = [5, 30, 120]


def _is_transient(task, task_run, state) -> bool:
    return isinstance(state.result(raise_on_failure=False), TRANSIENT)


def _counting_pages(key: tuple[str, str], fetch):
    """The feed's fetch, reporting each page to the progress board as it arrives."""
    def counted(client, window):
        for page in fetch(client, window):
            BOARD.update(key, pages=1, fetched=len(page.records))
            yield page
    return counted


@task(name="stage", cache_policy=NONE, task_run_name="{operator} {feed} · stage")
def stage_task(operator: str, feed: str, window_from: datetime, window_to: datetime, load_id: str) -> StagedFeed:
    """Fetch, parse and validate one feed into staged files; the settings (with secrets) are read here."""
    settings = runtime_settings()
    key = (operator, feed)
    BOARD.update(key, state="staging")
    spec = feed_registry()[key]
    staged = stage_feed(settings, replace(spec, fetch=_counting_pages(key, spec.fetch)),
                        Window(window_from, window_to), load_id)
    BOARD.update(key, state="failed" if staged.error else "staged", validated=sum(b.records for b in staged.batches))
    if staged.error:
        get_run_logger().error("%s", staged.error)
        return Failed(message=staged.error, data=staged)  # type: ignore[return-value]
    return staged


@task(name="publish", cache_policy=NONE, task_run_name="{staged.operator} {staged.feed} · publish",
      retries=len(PUBLISH_RETRY_SECONDS), retry_delay_seconds=PUBLISH_RETRY_SECONDS, retry_condition_fn=_is_transient)
def publish_task(warehouse: Warehouse, staged: StagedFeed) -> dict:
    """Take one staged feed into the warehouse (the run's single writer); Failed, with the reason, if the feed failed."""
    key = (staged.operator, staged.feed)
    BOARD.update(key, state="publishing")
    result = publish_feed(warehouse, Settings(), feed_registry()[key], staged)
    BOARD.update(key, state="loaded" if result.status == "SUCCEEDED" else "failed", loaded=result.loaded,
                 quarantined=result.quarantined)
    logger = get_run_logger()
    if result.status == "FAILED":
        logger.error("%s", result.error)
        return Failed(message=result.error, data=result.as_dict())  # type: ignore[return-value]
    logger.info("%s %s: %d received, %d loaded, %d quarantined", result.operator, result.feed,
                result.received, result.loaded, result.quarantined)
    return result.as_dict()


@task(name="derive-and-check", cache_policy=NONE, task_run_name="marts and warehouse checks")
def derive_and_check_task(warehouse: Warehouse, sync_id: str, nightly: bool) -> dict:
    """Rebuild what depends on the published feeds, then check the warehouse's integrity."""
    report = derive_and_check(warehouse, sync_id, nightly=nightly)
    logger = get_run_logger()
    for check in report["failed_checks"]:
        logger.error("warehouse check failed: %s (%d violations)", check["check"], check["violations"])
    for warning in report["warnings"]:
        logger.warning("%s", warning)
    return report


@contextmanager
def _writer(settings: Settings) -> Iterator[Warehouse]:
    """The run's one writer connection, held with the `corridor-warehouse` slot under a Prefect server."""
    logger = get_run_logger()
    slot = _warehouse_slot(logger) if os.environ.get("PREFECT_API_URL") else _no_slot()
    with slot:
        warehouse = open_writer(settings)
        try:
            yield warehouse
        finally:
            warehouse.close()


@contextmanager
def _no_slot() -> Iterator[None]:
    # No server: this process's temporary API serves it alone; the warehouse file's lock keeps writers apart.
    yield


@contextmanager
def _warehouse_slot(logger) -> Iterator[None]:
    """Hold the `corridor-warehouse` slot while writing; a run that has to wait says so in its log."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        try:
            limit = client.read_global_concurrency_limit_by_name(WAREHOUSE_LIMIT)
            busy = limit.active_slots >= limit.limit
        except ObjectNotFound:  # no limit registered (corridor deploy creates it): nothing to wait for
            busy = False
    if busy:
        logger.warning("waiting for %s: another run is writing the warehouse", WAREHOUSE_LIMIT)
    started = time.monotonic()
    # One blocking acquisition: an attempt abandoned on a timeout could leave its lease behind.
    with concurrency(WAREHOUSE_LIMIT, occupy=1, timeout_seconds=Settings().write_wait_minutes * 60,
                     lease_duration=SLOT_LEASE_SECONDS):
        waited = time.monotonic() - started
        if busy or waited > SLOT_WAIT_WORTH_SAYING:
            logger.warning("%s is free after %.0f s of waiting for another run; writing", WAREHOUSE_LIMIT, waited)
        yield


def _publish_all(warehouse: Warehouse, keys: list[tuple[str, str]], windows: dict, now: datetime) -> list[dict]:
    """Record, stage (concurrently) and publish (one at a time) each feed; returns each feed's result."""
    registry = feed_registry()
    load_ids = {key: new_load_id(registry[key], now) for key in keys}
    for key in keys:
        start_load(warehouse, registry[key], windows[key], load_ids[key])
    BOARD.expect(keys)
    artifact = _progress_artifact()
    staging = {key: stage_task.submit(*key, windows[key].start, windows[key].end, load_ids[key]) for key in keys}
    results = []
    for key in keys:
        staged = staging[key].result(raise_on_failure=False)
        if isinstance(staged, BaseException):  # the stage task itself crashed (stage_feed never raises)
            lost = StagedFeed(*key, load_ids[key], windows[key].start, windows[key].end, folder="")
            results.append(fail_load(warehouse, lost, f"{key[0]} {key[1]}: {type(staged).__name__}: {staged}").as_dict())
            continue
        state = publish_task(warehouse, staged, return_state=True)
        result = state.result(raise_on_failure=False)
        if isinstance(result, BaseException):  # still transient after the retries: the load is failed
            result = fail_load(warehouse, staged, f"{key[0]} {key[1]}: {type(result).__name__}: {result}").as_dict()
        results.append(result)
        if artifact:
            update_progress_artifact(artifact, BOARD.share_done(), description=f"{len(results)} of {len(keys)} feeds")
    return results


def _progress_artifact():
    """Under a server, a progress artifact the UI shows while the run goes (share of feeds done)."""
    if not os.environ.get("PREFECT_API_URL"):
        return None
    return create_progress_artifact(0.0, key="corridor-sync-progress", description="feeds published")


def _bootstrap(warehouse: Warehouse) -> None:
    warehouse.bootstrap()
    # The warehouse is this run's alone while it writes: a RUNNING load now is a dead run's.
    if interrupted := mark_interrupted_loads(warehouse):
        get_run_logger().warning("%d load(s) interrupted by an earlier crash marked FAILED", interrupted)
    # Nothing of this run is staged yet, so whatever the spool holds is a dead run's (its loads are FAILED, or
    # were published before it died) and nothing will read it again; so are half-written Data Docs folders.
    if removed := _remove_leftovers(Settings()):
        get_run_logger().warning("removed %d folder(s) an earlier crash left in the spool and Data Docs", removed)


def _remove_leftovers(settings: Settings) -> int:
    folders = [*(settings.spool_folder.glob("*") if settings.spool_folder.is_dir() else []),
               *(settings.docs_folder.glob(".*.tmp") if settings.docs_folder.is_dir() else [])]
    folders = [folder for folder in folders if folder.is_dir()]
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    return len(folders)


@task(name="snapshot", cache_policy=NONE, task_run_name="analysts' snapshot")
def snapshot_task(warehouse: Warehouse) -> dict:
    """Write core, marts, quality and meta to the analysts' snapshot, replaced in one atomic rename."""
    info = write_snapshot(warehouse.cursor(), Settings().snapshot_path)
    get_run_logger().info("snapshot %s: %d tables, %d rows, %.1f MB in %.1f s", info.path, len(info.tables),
                          info.rows, info.bytes / 1e6, info.seconds)
    return {"path": str(info.path), "rows": info.rows, "bytes": info.bytes, "seconds": info.seconds}


def _finish(warehouse: Warehouse, results: list[dict], marks_before: dict, sync_id: str, nightly: bool):
    report = derive_and_check_task(warehouse, sync_id, nightly)
    summary = {"feeds": results, **report}
    if any(r["status"] == "SUCCEEDED" for r in results):  # something was published: analysts see it
        summary["snapshot"] = snapshot_task(warehouse)
    publish_artifacts(warehouse, summary, marks_before, watermarks(warehouse))
    failed = [f"{r['operator']} {r['feed']}" for r in results if r["status"] != "SUCCEEDED"]
    failed += [f"warehouse check {c['check']}" for c in report["failed_checks"]]
    if failed:
        return Failed(message=f"failed: {', '.join(failed)}", data=summary)
    return summary


def _selected(operators: list[str] | None, feeds: list[str] | None) -> list[tuple[str, str]]:
    return [key for key in feed_registry() if (not operators or key[0] in operators) and (not feeds or key[1] in feeds)]


def _sync_run_name() -> str:
    """`sync 2024-01-01..2024-03-01` for a window; `nightly …`/`tracking …` at the scheduled minute otherwise."""
    params = flow_run.parameters or {}
    if params.get("window_from") and params.get("window_to"):
        return f"sync {_day(params['window_from'])}..{_day(params['window_to'])}"
    kind = "tracking" if params.get("feeds") == ["tracking"] else "nightly"
    scheduled = flow_run.scheduled_start_time
    at = scheduled.astimezone(UTC) if scheduled else utcnow()
    return f"{kind} {at:%Y-%m-%dT%H:%MZ}"


def _day(value) -> str:
    return str(value)[:10]


@flow(name="corridor-sync", flow_run_name=_sync_run_name,
      task_runner=ThreadPoolTaskRunner(max_workers=FEED_CONCURRENCY))
def sync_flow(
    window_from: datetime | None = None,
    window_to: datetime | None = None,
    operators: list[str] | None = None,
    feeds: list[str] | None = None,
):
    """Pull, validate and load every selected feed (explicit window, or nightly from the watermarks).

    Ends Failed, naming them, when a feed failed or a warehouse check failed; the summary is the state's data.
    """
    settings = Settings()
    selected = _selected(operators, feeds)
    now = utcnow().replace(microsecond=0)
    nightly = window_from is None or window_to is None
    with _writer(settings) as warehouse:
        _bootstrap(warehouse)
        marks_before = watermarks(warehouse)
        windows = (nightly_windows(warehouse, settings, selected, now) if nightly
                   else {key: Window(window_from, window_to) for key in selected})
        results = _publish_all(warehouse, selected, windows, now)
        return _finish(warehouse, results, marks_before, f"sync-{now:%Y%m%dT%H%M%S}", nightly)


def _backfill_run_name() -> str:
    params = flow_run.parameters or {}
    return f"backfill {_day(params.get('from'))}..{_day(params.get('to'))}"


def backfill_flow(**window):
    """The window [from, to) in 7-day chunks, oldest first; started again, it resumes at the first chunk not committed.

    Parameters: `from`, `to` (UTC dates), and optionally `operators`, `feeds` as `corridor sync` takes them.
    """
    settings = Settings()
    start, end = (datetime(window[k].year, window[k].month, window[k].day) for k in ("from", "to"))
    selected = _selected(window.get("operators"), window.get("feeds"))
    logger = get_run_logger()
    now = utcnow().replace(microsecond=0)
    with _writer(settings) as warehouse:
        _bootstrap(warehouse)
        marks_before = watermarks(warehouse)
        committed = succeeded_windows(warehouse)
        results: list[dict] = []
        chunks = list(Window(start, end).split(BACKFILL_CHUNK))
        for number, chunk in enumerate(chunks, start=1):
            todo = [key for key in selected if (*key, chunk.start, chunk.end) not in committed]
            if not todo:
                logger.info("chunk %d of %d, %s..%s: already committed", number, len(chunks), chunk.start, chunk.end)
                continue
            logger.info("chunk %d of %d, %s..%s: %d feed(s)", number, len(chunks), chunk.start, chunk.end, len(todo))
            results += _publish_all(warehouse, todo, dict.fromkeys(todo, chunk), now)
        return _finish(warehouse, results, marks_before, f"backfill-{now:%Y%m%dT%H%M%S}", nightly=False)



def _keyword_parameter(name: str, **spec) -> inspect.Parameter:
    """A keyword-only parameter whose name may be a Python keyword (inspect refuses those by name alone)."""
    parameter = inspect.Parameter("placeholder", inspect.Parameter.KEYWORD_ONLY, **spec)
    parameter._name = name  # type: ignore[attr-defined]
    return parameter


# The backfill's parameters are `from` and `to` (operations.md). Python cannot name an argument `from`,
# so the function takes them as keyword arguments and declares its signature, which Prefect reads for the
# parameters' schema, their validation (ISO dates become `date`s) and the call.
backfill_flow.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
    _keyword_parameter("from", annotation=date),
    _keyword_parameter("to", annotation=date),
    _keyword_parameter("operators", default=None, annotation=list[str] | None),
    _keyword_parameter("feeds", default=None, annotation=list[str] | None),
])
backfill_flow = flow(name="corridor-backfill", flow_run_name=_backfill_run_name,
                     task_runner=ThreadPoolTaskRunner(max_workers=FEED_CONCURRENCY))(backfill_flow)


def run_sync(window_from=None, window_to=None, operators=None, feeds=None) -> dict:
    """Run the flow and return its summary (feeds, checks, warnings) whether it completed or failed."""
    state = sync_flow(window_from, window_to, operators, feeds, return_state=True)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):  # the flow itself crashed: nothing to summarise
        raise summary
    return summary
