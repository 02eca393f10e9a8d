"""The publish half of a feed's load: the single writer that takes staged batches into the warehouse.

Each batch lands in raw, staging and quarantine in one transaction; a feed that staged cleanly is then
merged into core, its `meta.load` row closed and its watermark advanced, atomically.
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import asdict, dataclass
from datetime import datetime

import duckdb
import pyarrow.parquet as pq

from corridor.config import Settings
from corridor.connectors import Feed, Window
from corridor.engine.stage import BATCH_FILES, StagedBatch, StagedFeed
from corridor.timeutil import utcnow
from corridor.warehouse import Warehouse
from corridor.warehouse.sql import execute
from corridor.warehouse.staging import arrow_schema

log = logging.getLogger(__name__)

# Errors worth retrying the publish for: another process briefly holding the file, I/O, a write conflict.
TRANSIENT = (duckdb.IOException, duckdb.TransactionException)

# The defect-share rule applies to runs of at least this many validated records.
MIN_RECORDS_FOR_SHARE_CHECK = 1000


@dataclass
class FeedResult:
    operator: str
    feed: str
    load_id: str
    status: str
    received: int = 0
    loaded: int = 0
    quarantined: int = 0
    error: str | None = None
    docs: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def start_load(warehouse: Warehouse, feed: Feed, window: Window, load_id: str) -> None:
    """Record the load as RUNNING before it stages, so a killed process leaves a trace the next run closes."""
    execute(warehouse.cursor(), "meta_load_start.sql", {
        "load_id": load_id, "operator_code": feed.operator, "feed": feed.feed,
        "window_from_utc": window.start, "window_to_utc": window.end, "now_utc": utcnow(),
    }).close()


def mark_interrupted_loads(warehouse: Warehouse) -> int:
    """Loads a killed process left RUNNING are FAILED: nothing of them was published (publishing is atomic)."""
    con = execute(warehouse.cursor(), "meta_load_mark_interrupted.sql", {"now_utc": utcnow()})
    interrupted = con.fetchall()
    con.close()
    return len(interrupted)


def publish_feed(warehouse: Warehouse, settings: Settings, feed: Feed, staged: StagedFeed, *,
                 advance_watermark: bool = True) -> FeedResult:
    """Write every staged batch, then publish the load to core (or record why it failed); never raises for the feed."""
    result = FeedResult(feed.operator, feed.feed, staged.load_id, "RUNNING", docs=staged.docs, error=staged.error)
    try:
        for batch in staged.batches:
            if batch.loaded is None:  # not yet committed by an earlier attempt
                batch.loaded, batch.quarantined = _write_batch(warehouse, feed, staged.load_id, batch)
                shutil.rmtree(batch.folder, ignore_errors=True)
            result.received += batch.received
            result.loaded += batch.loaded
            result.quarantined += batch.quarantined or 0
        validated = result.loaded + result.quarantined
        if result.error is None and validated >= MIN_RECORDS_FOR_SHARE_CHECK \
                and result.quarantined > settings.max_defect_share * validated:
            result.error = (
                f"{feed.operator} {feed.feed}: {result.quarantined} of {validated} records failed validation,"
                f" more than the allowed {settings.max_defect_share:.0%}; nothing of this load was published"
            )
        if result.error is None:
            _publish(warehouse, feed, staged, result, advance_watermark)
            result.status = "SUCCEEDED"
    except TRANSIENT:
        raise  # a lock or I/O hiccup: the caller may retry; committed batches are not written again
    except Exception as exc:  # a bug or a broken warehouse must still leave a FAILED load, not a RUNNING one
        log.exception("%s %s: publishing failed", feed.operator, feed.feed)
        result.error = f"{feed.operator} {feed.feed}: {type(exc).__name__}: {exc}"
    if result.status != "SUCCEEDED":
        result.status, result.loaded = "FAILED", 0  # nothing of a failed load is published, as meta.load records
        execute(warehouse.cursor(), "meta_load_failed.sql", {
            "load_id": staged.load_id, "received": result.received, "quarantined": result.quarantined,
            "now_utc": utcnow(), "error": result.error,
        }).close()
    staged.remove()
    return result


def fail_load(warehouse: Warehouse, staged: StagedFeed, error: str) -> FeedResult:
    """Close a load that could not be published (its publish kept failing) as FAILED with the reason."""
    result = FeedResult(staged.operator, staged.feed, staged.load_id, "FAILED", received=staged.received,
                        error=error, docs=staged.docs)
    execute(warehouse.cursor(), "meta_load_failed.sql", {
        "load_id": staged.load_id, "received": result.received, "quarantined": 0, "now_utc": utcnow(), "error": error,
    }).close()
    staged.remove()
    return result


def succeeded_windows(warehouse: Warehouse) -> set[tuple[str, str, datetime, datetime]]:
    """(operator, feed, window start, window end) of every published load: what a resumed backfill skips."""
    con = execute(warehouse.cursor(), "meta_load_succeeded_windows.sql")
    rows = con.fetchall()
    con.close()
    return {tuple(row) for row in rows}  # type: ignore[misc]


def _write_batch(warehouse: Warehouse, feed: Feed, load_id: str, batch: StagedBatch) -> tuple[int, int]:
    """Land one batch in raw, staging and quarantine in one transaction; returns (records loaded, quarantined)."""
    paths = {f"{part}_path": batch.path(part) for part in BATCH_FILES}
    staging = {
        "staging_table": feed.staging_table,
        "key_match": " AND ".join(f"s.{k} = b.{k}" for k in feed.staging_key),
    }
    with warehouse.transaction() as tx:
        execute(tx, "raw_page_insert.sql", paths)
        execute(tx, "raw_record_insert.sql", paths)
        conflicting = [n for (n,) in execute(tx, "staging_revision_conflicts.sql", paths, **staging).fetchall()]
        rejected = pq.read_table(paths["quarantined_path"], columns=["_record"]).column("_record").to_pylist()
        quarantined_records = sorted({*rejected, *conflicting})
        displaced = [h for (h,) in execute(tx, "staging_revision_displaced.sql",
                                           {**paths, "quarantined_records": quarantined_records}, **staging).fetchall()]
        columns = ", ".join(arrow_schema(feed.staging_table).names)
        execute(tx, "staging_merge.sql", {**paths, "quarantined_records": quarantined_records}, columns=columns, **staging)
        if displaced:
            execute(tx, "quality_quarantine_displaced.sql", {
                "record_hashes": displaced, "operator_code": feed.operator, "feed": feed.feed, "load_id": load_id,
                "now_utc": utcnow(),
            })
        execute(tx, "quality_quarantine_merge.sql", {
            **paths, "conflicting_records": conflicting, "operator_code": feed.operator, "feed": feed.feed,
            "load_id": load_id, "now_utc": utcnow(),
        })
        quarantined = len(quarantined_records)
        passed = batch.records - quarantined
        execute(tx, "quality_validation_run_insert.sql", {
            "load_id": load_id, "operator_code": feed.operator, "feed": feed.feed, "suite": feed.suite,
            "records": batch.records, "passed": passed, "quarantined": quarantined, "success": quarantined == 0,
            "validated_utc": utcnow(), "seconds": batch.seconds,
        })
    return passed, quarantined


def _publish(warehouse: Warehouse, feed: Feed, staged: StagedFeed, result: FeedResult, advance_watermark: bool) -> None:
    """Apply this load to core and mark it done, atomically."""
    load = {"load_id": staged.load_id, "operator_code": feed.operator, "feed": feed.feed, "now_utc": utcnow()}
    with warehouse.transaction() as tx:
        for transform in feed.core_transforms:
            execute(tx, transform, {"load_id": staged.load_id})
        execute(tx, "meta_load_succeeded.sql", {
            **load, "received": result.received, "loaded": result.loaded, "quarantined": result.quarantined,
        })
        if advance_watermark:
            execute(tx, "meta_watermark_advance.sql", {
                **load, "window_from_utc": staged.window_from, "window_to_utc": staged.window_to,
            })


def watermarks(warehouse: Warehouse) -> dict[tuple[str, str], datetime]:
    """(operator, feed) → watermark, for every feed that has one."""
    con = execute(warehouse.cursor(), "meta_watermarks.sql")
    rows = con.fetchall()
    con.close()
    return {(operator, feed): watermark for operator, feed, watermark in rows}
