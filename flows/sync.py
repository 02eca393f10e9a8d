"""The sync flow: every selected operator feed loaded concurrently, then derived tables and checks."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.states import Failed
from prefect.task_runners import ThreadPoolTaskRunner

from corridor.config import Settings
from corridor.connectors import Window, feed_registry
from corridor.flows.feed_load import load_feed, mark_interrupted_loads
from corridor.timeutil import utcnow
from corridor.flows.post_load import derive_and_check
from corridor.warehouse import Warehouse


def _warehouse(settings: Settings) -> Warehouse:
    return Warehouse(settings.warehouse, memory_limit=settings.duckdb_memory_limit)


@task(name="load-feed", cache_policy=NONE, task_run_name="{operator}-{feed}")
def load_feed_task(operator: str, feed: str, window_from: datetime, window_to: datetime) -> dict:
    """Load one feed; the settings (with secrets) are read here, never passed as parameters."""
    settings = Settings()
    spec = feed_registry()[(operator, feed)]
    with _warehouse(settings) as warehouse:
        result = load_feed(warehouse, settings, spec, Window(window_from, window_to))
    logger = get_run_logger()
    if result.status == "FAILED":
        logger.error("%s %s failed: %s", operator, feed, result.error)
    else:
        logger.info("%s %s: %d received, %d loaded, %d quarantined", operator, feed,
                    result.received, result.loaded, result.quarantined)
    return result.as_dict()


@task(name="derive-and-check", cache_policy=NONE)
def derive_and_check_task(sync_id: str, nightly: bool) -> dict:
    """Rebuild what depends on the loaded feeds, then check the warehouse's integrity."""
    settings = Settings()
    with _warehouse(settings) as warehouse:
        report = derive_and_check(warehouse, sync_id, nightly=nightly)
    logger = get_run_logger()
    for check in report["failed_checks"]:
        logger.error("warehouse check failed: %s (%d violations)", check["check"], check["violations"])
    for warning in report["warnings"]:
        logger.warning("%s", warning)
    return report


def _nightly_window(warehouse: Warehouse, settings: Settings, operator: str, feed: str, now: datetime) -> Window:
    """From the feed's watermark minus the lookback (CORRIDOR_START the first time) to now."""
    row = warehouse.cursor().execute(
        "SELECT watermark_utc FROM meta.watermark WHERE operator_code = ? AND feed = ?", [operator, feed]
    ).fetchone()
    if row:
        start = row[0] - timedelta(minutes=settings.lookback_minutes)
    else:
        first = settings.start_date(now.date())
        start = datetime(first.year, first.month, first.day)
    return Window(min(start, now - timedelta(minutes=1)), now)


# Feeds load concurrently, a few at a time: enough to overlap network waits, few enough that the
# batches held in memory stay bounded.
FEED_CONCURRENCY = 2


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
    selected = [
        key for key in feed_registry()
        if (not operators or key[0] in operators) and (not feeds or key[1] in feeds)
    ]
    now = utcnow().replace(microsecond=0)
    nightly = window_from is None or window_to is None
    with _warehouse(settings) as warehouse:
        warehouse.bootstrap()
        # The warehouse file is this process's alone while it syncs: a RUNNING load now is a dead one.
        if interrupted := mark_interrupted_loads(warehouse):
            get_run_logger().warning("%d load(s) interrupted by an earlier crash marked FAILED", interrupted)
        windows = {
            key: _nightly_window(warehouse, settings, *key, now) if nightly else Window(window_from, window_to)
            for key in selected
        }
    futures = [load_feed_task.submit(op, feed, windows[(op, feed)].start, windows[(op, feed)].end)
               for op, feed in selected]
    results = [f.result() for f in futures]
    report = derive_and_check_task(f"sync-{now:%Y%m%dT%H%M%S}", nightly)
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


def summary_lines(summary: dict) -> tuple[list[str], list[str]]:
    """The run summary for people: (lines for standard output, lines for standard error)."""
    out = [f"{'operator':<11} {'feed':<9} {'status':<10} {'received':>9} {'loaded':>9} {'quarantined':>11}"]
    out += [f"{r['operator']:<11} {r['feed']:<9} {r['status']:<10} {r['received']:>9} {r['loaded']:>9} {r['quarantined']:>11}"
            for r in summary["feeds"]]
    checks = summary["checks"]
    out.append(f"warehouse checks: {len(checks) - len(summary['failed_checks'])} of {len(checks)} passed")
    docs = [r["docs"] for r in summary["feeds"] if r.get("docs")]
    if docs:
        out.append(f"Data Docs: {Path(docs[0]).parent.parent / 'index.html'} (one page per validated batch)")
    out += [f"warning: {w}" for w in summary["warnings"]]
    err = [f"corridor: {r['operator']} {r['feed']} failed: {r['error']}" for r in summary["feeds"] if r["status"] != "SUCCEEDED"]
    err += [f"corridor: warehouse check {c['check']} failed: {c['violations']} of {c['checked']} rows violate it"
            for c in summary["failed_checks"]]
    return out, err
