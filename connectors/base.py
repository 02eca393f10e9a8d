"""What every operator module provides: windows, pages of raw records, and feed definitions."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable, Iterator

from corridor.connectors.http import Fetched


@dataclass(frozen=True)
class Window:
    """A half-open UTC interval `[start, end)` of publication time (naive UTC datetimes)."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty window: {self.start} → {self.end}")

    def split(self, max_span: timedelta) -> Iterator["Window"]:
        """Consecutive sub-windows no longer than `max_span`, covering this one exactly."""
        start = self.start
        while start < self.end:
            end = min(start + max_span, self.end)
            yield Window(start, end)
            start = end


@dataclass
class RawRecord:
    """One record as received: `text` is kept verbatim in raw, `data` is what the parser reads."""

    text: str
    data: Any

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @classmethod
    def from_json(cls, data: Any) -> "RawRecord":
        # Canonical JSON (sorted keys) so that an exact repeat hashes the same wherever it appears.
        return cls(json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")), data)


@dataclass
class Page:
    """One response: its request facts and the records it carried."""

    fetched: Fetched
    records: list[RawRecord]


@dataclass(frozen=True)
class Feed:
    """One operator feed: how to fetch it, parse a record, and where its typed rows live."""

    operator: str
    feed: str
    endpoint: str
    fetch: Callable[[Any, Window], Iterator[Page]]
    parse: Callable[[Any], dict[str, Any]]
    columns: dict[str, str]  # typed staging columns → pandas dtype
    id_column: str
    revision_column: str
    staging_table: str
    core_transforms: tuple[str, ...]
    max_window: timedelta = field(default=timedelta(days=7))
    # The business time checked against publication (`event_lateness_hours`), where the feed has one.
    business_time_column: str | None = None

    @property
    def suite(self) -> str:
        return f"{self.operator.lower()}_{self.feed}"
