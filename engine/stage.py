"""The stage half of a feed's load: fetch → parse → validate → typed batches as Parquet files.

Stage touches no database, so it can run in parallel, in another process or on another machine; the
publish half (`corridor.engine.publish`) is the single writer that takes its batches into the warehouse.
"""
from __future__ import annotations

import json
import logging
import shutil
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from corridor.config import Settings
from corridor.connectors import (
    OPERATOR_MODULES,
    CredentialsRefused,
    Feed,
    FeedError,
    HttpClient,
    Page,
    RawRecord,
    RetryPolicy,
    Window,
)
from corridor.expectations import validate, write_data_docs
from corridor.warehouse.staging import arrow_schema, pandas_dtypes

log = logging.getLogger(__name__)

# The files of one staged batch, as publish reads them.
BATCH_FILES = ("pages", "records", "rows", "quarantined")


@dataclass
class StagedBatch:
    """One staged batch: its folder of Parquet files and what validation made of it."""

    folder: str
    received: int
    records: int  # distinct records validated or refused, after exact repeats collapsed
    seconds: float  # CPU seconds validation took
    # Set by publish once the batch is committed (its files are then gone): a retried publish skips it.
    loaded: int | None = None
    quarantined: int | None = None

    def path(self, part: str) -> str:
        return str(Path(self.folder) / f"{part}.parquet")


@dataclass
class StagedFeed:
    """Everything stage hands to publish for one feed's load (small: the data stays in the files)."""

    operator: str
    feed: str
    load_id: str
    window_from: object
    window_to: object
    folder: str
    batches: list[StagedBatch] = field(default_factory=list)
    error: str | None = None
    docs: str | None = None

    @property
    def received(self) -> int:
        return sum(b.received for b in self.batches)

    def remove(self) -> None:
        """Delete the staged files once published."""
        shutil.rmtree(self.folder, ignore_errors=True)


def new_load_id(feed: Feed, now) -> str:
    return f"{now:%Y%m%dT%H%M%S}-{feed.operator.lower()}-{feed.feed}-{uuid.uuid4().hex[:8]}"


def stage_feed(settings: Settings, feed: Feed, window: Window, load_id: str, *,
               retry_policy: RetryPolicy | None = None) -> StagedFeed:
    """Stage one feed's window batch by batch into `settings.spool_folder/load_id`; failures end up in `error`."""
    folder = settings.spool_folder / load_id
    staged = StagedFeed(feed.operator, feed.feed, load_id, window.start, window.end, str(folder))
    http = HttpClient(f"{feed.operator} {feed.feed}", retry_policy)
    client = OPERATOR_MODULES[feed.operator].CLIENT(settings, http)
    validations = []
    try:
        for number, pages in enumerate(_batches(feed.fetch(client, window), settings.batch_records)):
            batch, outcome = stage_batch(feed, load_id, pages, folder / f"{number:05d}")
            staged.batches.append(batch)
            validations.append((load_id, feed.suite, outcome))
    except (FeedError, CredentialsRefused) as exc:
        staged.error = str(exc)
    except Exception as exc:  # a bug or a broken source must still end as a failed load, never a raised one
        log.exception("%s %s: staging failed", feed.operator, feed.feed)
        staged.error = f"{feed.operator} {feed.feed}: {type(exc).__name__}: {exc}"
    finally:
        http.close()
    staged.docs = _write_docs(settings, load_id, validations)
    log.info("%s %s: staged %d records in %d batch(es)%s", feed.operator, feed.feed, staged.received,
             len(staged.batches), f"; failed: {staged.error}" if staged.error else "")
    return staged


def stage_batch(feed: Feed, load_id: str, pages: list[Page], folder: Path) -> tuple[StagedBatch, object]:
    """Parse and validate one batch of pages into `folder`; returns the batch and GX's outcome."""
    records = [record for page in pages for record in page.records]
    frame = _typed_frame(feed, records, load_id)
    landed = _raw_tables(feed, load_id, pages, records, frame)
    frame = _collapse_repeats_and_flag_conflicts(feed, frame)
    started = time.thread_time()  # this thread's CPU: concurrent stages share the GIL, wall time would overstate it
    outcome = validate(frame, feed.suite)
    seconds = time.thread_time() - started
    # A raw record is the unit of quarantine: one failing row (a train plan's stop) takes all its rows.
    reasons: dict[int, set[str]] = {}
    for row, rules in outcome.reasons.items():
        reasons.setdefault(int(frame.at[row, "_record"]), set()).update(rules)
    failed = frame[frame["_record"].isin(reasons.keys())].drop_duplicates("_record")
    refused = [(number, r) for number, r in enumerate(records) if r.refused]
    quarantined = pd.DataFrame({
        "_record": pd.array([*failed["_record"], *(n for n, _ in refused)], dtype="int64"),
        "source_record_id": pd.array([*failed[feed.id_column], *(r.refused_id for _, r in refused)], dtype="string"),
        "source_revision": pd.array([*failed["revision"], *(None for _ in refused)], dtype="Int64"),
        "reasons": [*(sorted(reasons[n]) for n in failed["_record"]), *([r.refused] for _, r in refused)],
        "raw_record": pd.array([*failed["raw_record"], *(r.text for _, r in refused)], dtype="string"),
        "record_hash": pd.array([*failed["record_hash"], *(r.content_hash for _, r in refused)], dtype="string"),
    })
    schema = arrow_schema(feed.staging_table)
    rows = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    rows = rows.append_column("_record", pa.array(frame["_record"], pa.int64()))
    folder.mkdir(parents=True, exist_ok=True)
    for part, table in (*landed.items(), ("rows", rows), ("quarantined", pa.Table.from_pandas(quarantined, preserve_index=False))):
        pq.write_table(table, folder / f"{part}.parquet", compression="snappy")
    batch = StagedBatch(str(folder), received=len(records), records=frame["_record"].nunique() + len(refused),
                        seconds=seconds)
    return batch, outcome


def _batches(pages: Iterable[Page], batch_records: int) -> Iterator[list[Page]]:
    """Group pages into bounded batches of about `batch_records` records, as they arrive."""
    batch: list[Page] = []
    count = 0
    for page in pages:
        batch.append(page)
        count += len(page.records)
        if count >= batch_records:
            yield batch
            batch, count = [], 0
    if batch:
        yield batch


def _write_docs(settings: Settings, load_id: str, validations: list) -> str | None:
    """The load's Data Docs (one GX page per validated batch); a rendering failure never fails the load."""
    if not validations:
        return None
    try:
        return str(write_data_docs(settings.docs_folder, load_id, validations))
    except Exception:
        log.exception("Data Docs for load %s could not be written", load_id)
        return None


def _typed_frame(feed: Feed, records: list[RawRecord], load_id: str) -> pd.DataFrame:
    """One typed row per parsed row, typed as the staging DDL declares; `_record` numbers its raw record."""
    dtypes = pandas_dtypes(feed.staging_table)
    rows = []
    for number, record in enumerate(records):
        if record.refused:
            continue
        for row in feed.parse(record.data):
            row.update(_record=number, record_hash=record.content_hash, raw_record=record.text)
            rows.append(row)
    frame = pd.DataFrame(rows, columns=[*dtypes, "_record", "record_hash", "raw_record"])
    frame = frame.astype({**dtypes, "_record": "int64", "record_hash": "string", "raw_record": "string"})
    frame.insert(0, "_row", range(len(frame)))
    frame["load_id"] = load_id
    if feed.business_time_column:
        lateness = frame[feed.business_time_column] - frame["published_utc"]
        frame["event_lateness_hours"] = lateness.dt.total_seconds() / 3600.0
    return frame


def _raw_tables(feed: Feed, load_id: str, pages: list[Page], records: list[RawRecord],
                frame: pd.DataFrame) -> dict[str, pa.Table]:
    """raw.page and raw.record rows of the batch: every record as received, with the request that brought it."""
    page_ids = [uuid.uuid4().hex for _ in pages]
    page_rows = pa.table({
        "page_id": page_ids,
        "load_id": [load_id] * len(pages),
        "operator_code": [feed.operator] * len(pages),
        "feed": [feed.feed] * len(pages),
        "url": [p.fetched.url for p in pages],
        "params": [json.dumps(p.fetched.params, sort_keys=True) for p in pages],
        "http_status": pa.array([p.fetched.status for p in pages], pa.int32()),
        "content_hash": [p.fetched.content_hash for p in pages],
        "records": pa.array([len(p.records) for p in pages], pa.int32()),
        "fetched_utc": pa.array([p.fetched.fetched_utc for p in pages], pa.timestamp("us")),
    })
    # Each raw record's id and revision as parsed (a refused document carries its own name).
    first_rows = frame.drop_duplicates("_record").set_index("_record")
    numbers = pd.RangeIndex(len(records))
    ids = first_rows[feed.id_column].reindex(numbers).astype("string")
    refused = pd.Series([r.refused_id for r in records], dtype="string")
    record_rows = pd.DataFrame({
        "_record": pd.array(numbers, dtype="int64"),
        "load_id": load_id,
        "page_id": [page_id for page_id, page in zip(page_ids, pages) for _ in page.records],
        "record_index": pd.array([index for page in pages for index in range(len(page.records))], dtype="int32"),
        "operator_code": feed.operator,
        "feed": feed.feed,
        "source_record_id": refused.fillna(ids),
        "source_revision": first_rows["revision"].reindex(numbers).astype("Int64"),
        "record": pd.array([r.text for r in records], dtype="string"),
        "record_hash": pd.array([r.content_hash for r in records], dtype="string"),
    })
    return {"pages": page_rows, "records": pa.Table.from_pandas(record_rows, preserve_index=False)}


def _collapse_repeats_and_flag_conflicts(feed: Feed, frame: pd.DataFrame) -> pd.DataFrame:
    """Keep one of each exact repeat; flag a record whose version key appears in the batch with other content.

    Conflicts with versions staged earlier are found by publish, which alone reads the warehouse.
    """
    key = list(feed.key_columns)
    # An exact repeat is the same record again: every row of its raw record has a twin.
    first_of_content = frame.groupby("record_hash", sort=False)["_record"].transform("first")
    frame = frame[frame["_record"] == first_of_content]
    first_hash = frame.groupby(key, dropna=False, sort=False)["record_hash"].transform("first")
    conflict = (first_hash != frame["record_hash"]).fillna(False).astype(bool)
    frame = frame.copy()
    # A record conflicts as a whole (all rows of a train plan share its fate).
    frame["revision_conflict"] = frame["_record"].isin(set(frame.loc[conflict, "_record"]))
    return frame.reset_index(drop=True).assign(_row=lambda f: range(len(f)))
