"""What every operator module provides: windows, pages of raw records, and feed definitions."""
from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from corridor.connectors.http import Fetched
from corridor.timeutil import utc_to_local

# Train schedules are selected by service date: every date in [window start, window end + 14 days).
SCHEDULE_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Window:
    """A half-open UTC interval `[start, end)` of publication time (naive UTC datetimes)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty window: {self.start} → {self.end}")

    def split(self, max_span: timedelta) -> Iterator[Window]:
        """Consecutive sub-windows no longer than `max_span`, covering this one exactly."""
        start = self.start
        while start < self.end:
            end = min(start + max_span, self.end)
            yield Window(start, end)
            start = end

    def service_dates(self, horizon: timedelta) -> list[date]:
        """Service dates a schedule window selects: every date in `[start.date(), end.date() + horizon)`."""
        first, stop = self.start.date(), self.end.date() + horizon
        return [first + timedelta(days=i) for i in range((stop - first).days)]

    def local_dates(self, zone_name: str) -> list[date]:
        """The local dates at `zone_name` covering this window: local date of `start` … of `end` minus one second."""
        first = utc_to_local(self.start, zone_name).date()
        last = utc_to_local(self.end - timedelta(seconds=1), zone_name).date()
        return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass
class RawRecord:
    """One record as received: `text` is kept verbatim in raw, `data` is what the parser reads.

    A document the connector refused to parse (a hostile or broken XML part) has `refused` set to
    the rule it broke and `refused_id` naming it; it goes straight to quarantine.
    """

    text: str
    data: Any
    refused: str | None = None
    refused_id: str | None = None

    @functools.cached_property
    def content_hash(self) -> str:
        # Computed once: stage reads it for every row of the record, raw.record and quarantine.
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, data: Any) -> RawRecord:
        # Canonical JSON (sorted keys) so that an exact repeat hashes the same wherever it appears.
        return cls(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), data)


@dataclass
class Page:
    """One response: its request facts and the records it carried."""

    fetched: Fetched
    records: list[RawRecord]


@dataclass(frozen=True)
class Feed:
    """One operator feed: how to fetch it, parse a record, and where its typed rows live.

    `parse` turns one raw record into its typed staging rows (one, or one per stop of a train plan);
    a record whose any row fails validation is quarantined whole. Every staging table has the id
    column, `revision` (1 where the source has none) and `published_utc`.
    """

    operator: str
    feed: str
    endpoint: str
    fetch: Callable[[Any, Window], Iterator[Page]]
    parse: Callable[[Any], list[dict[str, Any]]]
    id_column: str
    # One version of a record: (id, revision), or (id, published_utc) where the source has no revision.
    key_columns: tuple[str, ...]
    staging_table: str
    # The core transforms (`warehouse/core_*.sql`, each taking `$load_id`) that publish a staged load, in order.
    core_transforms: tuple[str, ...]
    max_window: timedelta = field(default=timedelta(days=7))
    # The staging table's primary key where one record gives several rows (a train plan's stops).
    row_key_columns: tuple[str, ...] = ()
    # The business time checked against publication (`event_lateness_hours`), where the feed has one.
    business_time_column: str | None = None

    @property
    def columns(self) -> dict[str, str]:
        """The typed columns `parse` fills → pandas dtype, as the staging table's DDL declares them."""
        from corridor.warehouse.staging import pandas_dtypes

        return pandas_dtypes(self.staging_table)

    @property
    def staging_key(self) -> tuple[str, ...]:
        return self.key_columns + self.row_key_columns

    @property
    def suite(self) -> str:
        return f"{self.operator.lower()}_{self.feed}"
