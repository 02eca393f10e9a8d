"""The load engine: stage (fetch → parse → validate, no database) and publish (the single writer)."""
from __future__ import annotations

from datetime import datetime, timedelta

from corridor.config import Settings
from corridor.connectors import Feed, RetryPolicy, Window
from corridor.engine.derive import derive_and_check
from corridor.engine.publish import FeedResult, mark_interrupted_loads, publish_feed, start_load, watermarks
from corridor.engine.stage import StagedFeed, new_load_id, stage_feed
from corridor.timeutil import utcnow
from corridor.warehouse import Warehouse

__all__ = ["FeedResult", "StagedFeed", "derive_and_check", "load_feed", "mark_interrupted_loads", "new_load_id",
           "nightly_windows", "publish_feed", "stage_feed", "start_load"]


def load_feed(warehouse: Warehouse, settings: Settings, feed: Feed, window: Window, *,
              advance_watermark: bool = True, retry_policy: RetryPolicy | None = None) -> FeedResult:
    """One feed's whole load in this thread: start, stage, publish; failures are recorded, never raised."""
    load_id = new_load_id(feed, utcnow())
    start_load(warehouse, feed, window, load_id)
    staged = stage_feed(settings, feed, window, load_id, retry_policy=retry_policy)
    return publish_feed(warehouse, settings, feed, staged, advance_watermark=advance_watermark)


def nightly_windows(warehouse: Warehouse, settings: Settings, feeds: list[tuple[str, str]],
                    now: datetime) -> dict[tuple[str, str], Window]:
    """Per feed: from its watermark minus the lookback (`CORRIDOR_START` the first time) to now."""
    marks = watermarks(warehouse)
    first = settings.start_date(now.date())
    windows = {}
    for key in feeds:
        if key in marks:
            start = marks[key] - timedelta(minutes=settings.lookback_minutes)
        else:
            start = datetime(first.year, first.month, first.day)
        windows[key] = Window(min(start, now - timedelta(minutes=1)), now)
    return windows
