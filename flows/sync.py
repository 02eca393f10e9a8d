"""The sync flow: every selected feed staged concurrently, published by one writer, then marts and checks."""
from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
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
from corridor.timeutil import utcnow
from corridor.warehouse import Warehouse

# Feeds stage concurrently, a few at a time: enough to overlap network waits, few enough that the
# batches being built stay bounded in memory.
FEED_CONCURRENCY = 2


@task(name="stage", cache_policy=NONE, task_run_name="stage {operator} {feed}")
def stage_task(operator: str, feed: str, window_from: datetime, window_to: datetime, load_id: str) -> StagedFeed:
    """Fetch, parse and validate one feed into staged files; the settings (with secrets) are read here."""
    return stage_feed(Settings(), feed_registry()[(operator, feed)], Window(window_from, window_to), load_id)


@task(name="publish", cache_policy=NONE, task_run_name="publish {staged.operator} {staged.feed}")
def publish_task(warehouse: Warehouse, staged: StagedFeed) -> dict:
    """Take one staged feed into the warehouse (the run's single writer)."""
    result = publish_feed(warehouse, Settings(), feed_registry()[(staged.operator, staged.feed)], staged)
    logger = get_run_logger()
    if result.status == "FAILED":
        logger.error("%s %s failed: %s", result.operator, result.feed, result.error)
    else:
        logger.info("%s %s: %d received, %d loaded, %d quarantined", result.operator, result.feed,
                    result.received, result.loaded, result.quarantined)
    return result.as_dict()


@task(name="derive-and-check", cache_policy=NONE)
def derive_and_check_task(warehouse: Warehouse, sync_id: str, nightly: bool) -> dict:
    """Rebuild what depends on the published feeds, then check the warehouse's integrity."""
    report = derive_and_check(warehouse, sync_id, nightly=nightly)
    logger = get_run_logger()
    for check in report["failed_checks"]:
        logger.error("warehouse check failed: %s (%d violations)", check["check"], check["violations"])
    for warning in report["warnings"]:
        logger.warning("%s", warning)
    return report


@flow(name="corridor-sync", task_runner=ThreadPoolTaskRunner(max_workers=FEED_CONCURRENCY))
def sync_flow(
    window_from: datetime | None = None,
    window_to: datetime | None = None,
    operators: list[str] | None = None,
    feeds: list[str] | None = None,
):
    """Pull, validate and load every selected feed (explicit window, or nightly from the watermarks).

    Ends Failed when a feed failed or a warehouse check failed; the summary is the state's data.
    """
    settings = Settings()
    registry = feed_registry()
    selected = [key for key in registry if (not operators or key[0] in operators) and (not feeds or key[1] in feeds)]
    now = utcnow().replace(microsecond=0)
    nightly = window_from is None or window_to is None
    with Warehouse(settings.warehouse, memory_limit=settings.duckdb_memory_limit) as warehouse:
        warehouse.bootstrap()
        # The warehouse file is this process's alone while it syncs: a RUNNING load now is a dead one.
        if interrupted := mark_interrupted_loads(warehouse):
            get_run_logger().warning("%d load(s) interrupted by an earlier crash marked FAILED", interrupted)
        windows = (nightly_windows(warehouse, settings, selected, now) if nightly
                   else {key: Window(window_from, window_to) for key in selected})
        load_ids = {key: new_load_id(registry[key], now) for key in selected}
        for key in selected:
            start_load(warehouse, registry[key], windows[key], load_ids[key])
        staging = [stage_task.submit(*key, windows[key].start, windows[key].end, load_ids[key]) for key in selected]
        results = [publish_task(warehouse, future.result()) for future in staging]
        report = derive_and_check_task(warehouse, f"sync-{now:%Y%m%dT%H%M%S}", nightly)
    summary = {"feeds": results, **report}
    failed = [f"{r['operator']} {r['feed']}" for r in results if r["status"] != "SUCCEEDED"]
    failed += [f"warehouse check {c['check']}" for c in report["failed_checks"]]
    if failed:
        return Failed(message=f"failed: {', '.join(failed)}", data=summary)
    return summary


def run_sync(window_from=None, window_to=None, operators=None, feeds=None) -> dict:
    """Run the flow and return its summary (feeds, checks, warnings) whether it completed or failed."""
    state = sync_flow(window_from, window_to, operators, feeds, return_state=True)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, BaseException):  # the flow itself crashed: nothing to summarise
        raise summary
    return summary
