"""Live progress of a sync, per feed: pages and records fetched, validated, quarantined, loaded; elapsed time.

Stage and publish report into one process-wide board; whoever shows progress (a terminal display, periodic
log lines, a Prefect progress artifact) reads snapshots of it. Reporting is a few integer additions.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace


@dataclass
class FeedProgress:
    operator: str
    feed: str
    state: str = "waiting"  # waiting, staging, staged, publishing, loaded, failed
    pages: int = 0
    fetched: int = 0
    validated: int = 0
    quarantined: int = 0
    loaded: int = 0
    started: float | None = None
    finished: float | None = None

    @property
    def elapsed(self) -> float:
        if self.started is None:
            return 0.0
        return (self.finished or time.monotonic()) - self.started

    @property
    def done(self) -> bool:
        return self.state in ("loaded", "failed")


@dataclass
class Board:
    """Every feed of the running sync; thread-safe."""

    feeds: dict[tuple[str, str], FeedProgress] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def expect(self, keys) -> None:
        with self._lock:
            for key in keys:
                self.feeds.setdefault(key, FeedProgress(*key))

    def update(self, key: tuple[str, str], *, state: str | None = None, **added: int) -> None:
        with self._lock:
            progress = self.feeds.setdefault(key, FeedProgress(*key))
            if state:
                if progress.started is None:
                    progress.started = time.monotonic()
                if state in ("loaded", "failed"):
                    progress.finished = time.monotonic()
                progress.state = state
            for name, value in added.items():
                setattr(progress, name, getattr(progress, name) + value)

    def snapshot(self) -> list[FeedProgress]:
        with self._lock:
            return [replace(p) for p in self.feeds.values()]

    def share_done(self) -> float:
        feeds = self.snapshot()
        return 100.0 * sum(p.done for p in feeds) / len(feeds) if feeds else 0.0

    def clear(self) -> None:
        with self._lock:
            self.feeds.clear()


BOARD = Board()


def line(p: FeedProgress) -> str:
    """One feed's progress as a plain log line."""
    return (f"{p.operator} {p.feed}: {p.state}, {p.pages} pages, {p.fetched} fetched, {p.validated} validated,"
            f" {p.quarantined} quarantined, {p.loaded} loaded, {p.elapsed:.0f} s")
