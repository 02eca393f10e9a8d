"""The sync flow: every selected operator feed loaded concurrently as Prefect tasks."""
from __future__ import annotations

from datetime import datetime, timedelta

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE

from corridor.config import Settings
from corridor.connectors import Window, feed_registry
from corridor.flows.feed_load import FeedResult, load_feed, utcnow
from corridor.warehouse import Warehouse


@task(name="load-feed", cache_policy=NONE, task_run_name="{operator}-{feed}")
def load_feed_task(operator: str, feed: str, window_from: datetime, window_to: datetime) -> dict:
    """Load one feed; the settings (with secrets) are read here, never passed as parameters."""
    settings = Settings()
    spec = feed_registry()[(operator, feed)]
    with Warehouse(settings.warehouse) as warehouse:
        result = load_feed(warehouse, settings, spec, Window(window_from, window_to))
    logger = get_run_logger()
    if result.status == "FAILED":
        logger.error("%s %s failed: %s", operator, feed, result.error)
    else:
        logger.info("%s %s: %d received, %d loaded, %d quarantined", operator, feed,
                    result.received, result.loaded, result.quarantined)
    return result.as_dict()


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


@flow(name="corridor-sync")
def sync_flow(
    window_from: datetime | None = None,
    window_to: datetime | None = None,
    operators: list[str] | None = None,
    feeds: list[str] | None = None,
) -> list[dict]:
    """Pull, validate and load every selected feed; explicit window or nightly (from watermarks)."""
    settings = Settings()
    selected = [
        key for key in feed_registry()
        if (not operators or key[0] in operators) and (not feeds or key[1] in feeds)
    ]
    now = utcnow().replace(microsecond=0)
    with Warehouse(settings.warehouse) as warehouse:
        warehouse.bootstrap()
        windows = {
            key: Window(window_from, window_to) if window_from and window_to
            else _nightly_window(warehouse, settings, *key, now)
            for key in selected
        }
    futures = [
        load_feed_task.submit(op, feed, windows[(op, feed)].start, windows[(op, feed)].end)
        for op, feed in selected
    ]
    return [f.result() for f in futures]


def failed(results: list[dict]) -> list[FeedResult]:
    return [FeedResult(**r) for r in results if r["status"] != "SUCCEEDED"]
