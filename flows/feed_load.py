"""Load one operator feed for one window: fetch → raw → parse → validate → staging → publish to core."""
from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

import pandas as pd

from corridor.config import Settings
from corridor.timeutil import utcnow
from corridor.connectors import OPERATOR_MODULES, CredentialsRefused, Feed, FeedError, HttpClient, Page, RawRecord, RetryPolicy, Window
from corridor.warehouse import Warehouse, core_transforms

log = logging.getLogger(__name__)

# Feeds validate concurrently but publish into core one at a time.
PUBLISH_LOCK = threading.Lock()
# One GX context serves the process; its validations are fast enough to run one at a time.
_VALIDATE_LOCK = threading.Lock()
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


def load_feed(
    warehouse: Warehouse,
    settings: Settings,
    feed: Feed,
    window: Window,
    *,
    advance_watermark: bool = True,
    retry_policy: RetryPolicy | None = None,
) -> FeedResult:
    """Run one feed's load to the end; failures are recorded in meta.load, never raised."""
    load_id = f"{utcnow():%Y%m%dT%H%M%S}-{feed.operator.lower()}-{feed.feed}-{uuid.uuid4().hex[:8]}"
    result = FeedResult(feed.operator, feed.feed, load_id, "RUNNING")
    con = warehouse.cursor()
    con.execute(
        "INSERT INTO meta.load (load_id, operator_code, feed, window_from_utc, window_to_utc, status, started_utc)"
        " VALUES (?, ?, ?, ?, ?, 'RUNNING', ?)",
        [load_id, feed.operator, feed.feed, window.start, window.end, utcnow()],
    )
    http = HttpClient(f"{feed.operator} {feed.feed}", retry_policy)
    client = OPERATOR_MODULES[feed.operator].CLIENT(settings, http)
    validations = []
    try:
        for pages in _batches(feed.fetch(client, window), settings.batch_records):
            received, loaded, quarantined, outcome = _load_batch(warehouse, feed, load_id, pages)
            validations.append((load_id, feed.suite, outcome))
            result.received += received
            result.loaded += loaded
            result.quarantined += quarantined
        validated = result.loaded + result.quarantined
        if validated >= MIN_RECORDS_FOR_SHARE_CHECK and result.quarantined > settings.max_defect_share * validated:
            raise FeedError(
                f"{feed.operator} {feed.feed}: {result.quarantined} of {validated} records failed validation,"
                f" more than the allowed {settings.max_defect_share:.0%}; nothing of this load was published"
            )
        _publish(warehouse, feed, load_id, window, result, advance_watermark)
        result.status = "SUCCEEDED"
    except (FeedError, CredentialsRefused) as exc:
        result.status, result.error = "FAILED", str(exc)
    except Exception as exc:  # a bug or a broken source must still leave a FAILED load, not a RUNNING one
        log.exception("%s %s: load failed", feed.operator, feed.feed)
        result.status, result.error = "FAILED", f"{feed.operator} {feed.feed}: {type(exc).__name__}: {exc}"
    finally:
        http.close()
    result.docs = _write_docs(settings, load_id, validations)
    if result.status == "FAILED":
        result.loaded = 0  # nothing of a failed load is published, as meta.load records
        con.execute(
            "UPDATE meta.load SET status = 'FAILED', records_received = ?, records_loaded = 0,"
            " records_quarantined = ?, finished_utc = ?, error = ? WHERE load_id = ?",
            [result.received, result.quarantined, utcnow(), result.error, load_id],
        )
    con.close()
    return result


def mark_interrupted_loads(warehouse: Warehouse) -> int:
    """Loads a killed process left RUNNING are FAILED: nothing of them was published (publishing is atomic)."""
    con = warehouse.cursor()
    interrupted = con.execute(
        "UPDATE meta.load SET status = 'FAILED', finished_utc = ?, error = operator_code || ' ' || feed"
        " || ': interrupted (the process ended before the load finished); nothing of it was published'"
        " WHERE status = 'RUNNING' RETURNING load_id", [utcnow()]
    ).fetchall()
    con.close()
    return len(interrupted)


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


def _load_batch(warehouse: Warehouse, feed: Feed, load_id: str, pages: list[Page]) -> tuple[int, int, int, object]:
    """Land one batch in raw, validate it, write staging and quarantine; returns counts and the outcome."""
    from corridor.expectations import validate  # GX is slow to import: only when validating

    records = [record for page in pages for record in page.records]
    frame = _typed_frame(feed, records, load_id)
    con = warehouse.cursor()
    try:
        con.begin()
        _land_raw(con, feed, load_id, pages, records, frame)
        frame = _collapse_repeats_and_flag_conflicts(con, feed, frame)
        with _VALIDATE_LOCK:
            # CPU time of this thread: concurrent feeds share the GIL, so wall time would overstate it.
            started = time.thread_time()
            outcome = validate(frame, feed.suite)
            seconds = time.thread_time() - started
        # A raw record is the unit of quarantine: one failing row (a train plan's stop) takes all its rows.
        reasons: dict[int, set[str]] = {}
        for row, rules in outcome.reasons.items():
            reasons.setdefault(int(frame.at[row, "_record"]), set()).update(rules)
        failed = frame["_record"].isin(reasons.keys())
        passed_rows = frame[~failed]
        failed_records = frame[failed].drop_duplicates("_record")
        refused = [(i, r) for i, r in enumerate(records) if r.refused]
        _write_staging(con, feed, passed_rows)
        _write_quarantine(con, feed, load_id, failed_records, reasons, refused)
        con.execute(
            "INSERT INTO quality.validation_run VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [load_id, feed.operator, feed.feed, feed.suite, frame["_record"].nunique() + len(refused),
             passed_rows["_record"].nunique(), len(failed_records) + len(refused), outcome.success and not refused,
             utcnow(), seconds],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
    return len(records), passed_rows["_record"].nunique(), len(failed_records) + len(refused), outcome


def _write_docs(settings: Settings, load_id: str, validations: list) -> str | None:
    """The load's Data Docs (one GX page per validated batch); a rendering failure never fails the load."""
    if not validations:
        return None
    from corridor.expectations import write_data_docs

    try:
        return str(write_data_docs(settings.docs_folder, load_id, validations))
    except Exception:
        log.exception("Data Docs for load %s could not be written", load_id)
        return None


def _typed_frame(feed: Feed, records: list[RawRecord], load_id: str) -> pd.DataFrame:
    """One typed row per parsed row; `_record` numbers the raw record it came from."""
    rows = []
    for number, record in enumerate(records):
        if record.refused:
            continue
        for row in feed.parse(record.data):
            row.update(_record=number, record_hash=record.content_hash, raw_record=record.text)
            rows.append(row)
    frame = pd.DataFrame(rows, columns=[*feed.columns, "_record", "record_hash", "raw_record"])
    frame = frame.astype({**feed.columns, "_record": "int64", "record_hash": "string", "raw_record": "string"})
    frame.insert(0, "_row", range(len(frame)))
    frame["load_id"] = load_id
    if feed.business_time_column:
        lateness = frame[feed.business_time_column] - frame["published_utc"]
        frame["event_lateness_hours"] = lateness.dt.total_seconds() / 3600.0
    return frame


def _land_raw(con, feed: Feed, load_id: str, pages: list[Page], records: list[RawRecord], frame: pd.DataFrame) -> None:
    """Every record as received, with the request that brought it (append-only)."""
    page_ids = [uuid.uuid4().hex for _ in pages]
    page_rows = pd.DataFrame(
        {
            "page_id": page_ids,
            "load_id": load_id,
            "operator_code": feed.operator,
            "feed": feed.feed,
            "url": [p.fetched.url for p in pages],
            "params": [json.dumps(p.fetched.params, sort_keys=True) for p in pages],
            "http_status": [p.fetched.status for p in pages],
            "content_hash": [p.fetched.content_hash for p in pages],
            "records": [len(p.records) for p in pages],
            "fetched_utc": [p.fetched.fetched_utc for p in pages],
        }
    )
    # Each raw record's id and revision as parsed (a refused document carries its own name).
    first_rows = frame.drop_duplicates("_record").set_index("_record")
    numbers = pd.RangeIndex(len(records))
    ids = first_rows[feed.id_column].reindex(numbers).astype("string")
    refused = pd.Series([r.refused_id for r in records], dtype="string")
    raw_rows = pd.DataFrame(
        {
            "load_id": load_id,
            "page_id": [page_id for page_id, page in zip(page_ids, pages) for _ in page.records],
            "record_index": [index for page in pages for index in range(len(page.records))],
            "operator_code": feed.operator,
            "feed": feed.feed,
            "source_record_id": refused.fillna(ids),
            "source_revision": first_rows["revision"].reindex(numbers).astype("Int64"),
            "record": [r.text for r in records],
        }
    )
    con.register("page_rows", page_rows)
    con.execute("INSERT INTO raw.page BY NAME SELECT * FROM page_rows")
    con.unregister("page_rows")
    con.register("raw_rows", raw_rows)
    con.execute("INSERT INTO raw.record BY NAME SELECT * FROM raw_rows")
    con.unregister("raw_rows")


def _collapse_repeats_and_flag_conflicts(con, feed: Feed, frame: pd.DataFrame) -> pd.DataFrame:
    """Keep one of each exact repeat; flag a record whose version key was seen with other content."""
    key = list(feed.key_columns)
    # An exact repeat is the same record again: every row of its raw record has a twin.
    first_of_content = frame.groupby("record_hash", sort=False)["_record"].transform("first")
    frame = frame[frame["_record"] == first_of_content]
    first_hash = frame.groupby(key, dropna=False, sort=False)["record_hash"].transform("first")
    conflict = (first_hash != frame["record_hash"]).fillna(False)
    con.register("batch_keys", frame[[*key, "record_hash"]])
    join = " AND ".join(f"s.{k} = b.{k}" for k in key)
    staged = con.execute(
        f"SELECT DISTINCT b.record_hash FROM batch_keys b JOIN {feed.staging_table} s ON {join}"
        " WHERE s.record_hash <> b.record_hash"
    ).fetchall()
    con.unregister("batch_keys")
    if staged:
        conflict |= frame["record_hash"].isin({h for (h,) in staged})
    frame = frame.copy()
    # A record conflicts as a whole (all rows of a train plan share its fate).
    conflicting_records = set(frame.loc[conflict.astype(bool), "_record"])
    frame["revision_conflict"] = frame["_record"].isin(conflicting_records)
    return frame.reset_index(drop=True).assign(_row=lambda f: range(len(f)))


def _write_staging(con, feed: Feed, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    columns = [*feed.columns, "record_hash", "load_id"]
    con.register("staged_rows", rows[columns])
    key = ", ".join(feed.staging_key)
    # A re-delivered record (same version, same content) is re-attributed to this load so that
    # publishing by load id picks it up even when an earlier load failed before publishing.
    con.execute(
        f"INSERT INTO {feed.staging_table} BY NAME SELECT * FROM staged_rows"
        f" ON CONFLICT ({key}) DO UPDATE SET load_id = excluded.load_id"
    )
    con.unregister("staged_rows")


def _write_quarantine(con, feed: Feed, load_id: str, records: pd.DataFrame, reasons: dict[int, set[str]],
                      refused: list[tuple[int, RawRecord]]) -> None:
    quarantined = pd.DataFrame(
        {
            "operator_code": feed.operator,
            "feed": feed.feed,
            "source_record_id": pd.array([*records[feed.id_column], *(r.refused_id for _, r in refused)], dtype="string"),
            "source_revision": pd.array([*records["revision"], *(None for _ in refused)], dtype="Int64"),
            "reasons": [*(sorted(reasons[n]) for n in records["_record"]), *([r.refused] for _, r in refused)],
            "raw_record": [*records["raw_record"], *(r.text for _, r in refused)],
            "record_hash": [*records["record_hash"], *(r.content_hash for _, r in refused)],
            "load_id": load_id,
            "quarantined_utc": utcnow(),
        }
    )
    if quarantined.empty:
        return
    # One row per (record, revision) within the batch too: a conflicting twin adds its reasons to the first.
    keys = list(zip(quarantined["source_record_id"].fillna(quarantined["record_hash"]),
                    quarantined["source_revision"].fillna(-1)))
    merged: dict[tuple, set[str]] = {}
    for key, rules in zip(keys, quarantined["reasons"]):
        merged.setdefault(key, set()).update(rules)
    first = ~pd.Series(keys).duplicated().to_numpy()
    quarantined = quarantined[first].assign(reasons=[sorted(merged[k]) for k, f in zip(keys, first) if f])
    con.register("quarantined_rows", quarantined)
    # One row per distinct (operator, feed, record, revision); an unreadable id is keyed by content.
    con.execute(
        "INSERT INTO quality.quarantine BY NAME SELECT q.* FROM quarantined_rows q"
        " WHERE NOT EXISTS (SELECT 1 FROM quality.quarantine x WHERE x.operator_code = q.operator_code"
        " AND x.feed = q.feed AND coalesce(x.source_record_id, x.record_hash) = coalesce(q.source_record_id, q.record_hash)"
        " AND x.source_revision IS NOT DISTINCT FROM q.source_revision)"
    )
    con.unregister("quarantined_rows")


def _publish(warehouse: Warehouse, feed: Feed, load_id: str, window: Window, result: FeedResult,
             advance_watermark: bool) -> None:
    """Apply this load to core and mark it done, atomically."""
    with PUBLISH_LOCK, warehouse.transaction() as tx:
        for transform in core_transforms(feed.operator, feed.feed):
            warehouse.run_sql(tx, transform, {"load_id": load_id})
        tx.execute(
            "UPDATE meta.load SET status = 'SUCCEEDED', records_received = ?, records_loaded = ?,"
            " records_quarantined = ?, finished_utc = ? WHERE load_id = ?",
            [result.received, result.loaded, result.quarantined, utcnow(), load_id],
        )
        if advance_watermark:
            # The watermark only moves forward, and only over a window contiguous with what is loaded.
            tx.execute(
                "INSERT INTO meta.watermark SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS"
                " (SELECT 1 FROM meta.watermark WHERE operator_code = ? AND feed = ?)",
                [feed.operator, feed.feed, window.end, load_id, utcnow(), feed.operator, feed.feed],
            )
            tx.execute(
                "UPDATE meta.watermark SET watermark_utc = ?, load_id = ?, updated_utc = ?"
                " WHERE operator_code = ? AND feed = ? AND watermark_utc < ? AND watermark_utc >= ?",
                [window.end, load_id, utcnow(), feed.operator, feed.feed, window.end, window.start],
            )
