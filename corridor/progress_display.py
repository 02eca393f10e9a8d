"""What `corridor sync` and `corridor demo` show while they run: a live table on a terminal, else a line a feed now and then."""
from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from corridor.engine.progress import BOARD, FeedProgress, line

# Without a terminal, one line per unfinished feed this often.
LOG_EVERY_SECONDS = 30.0
log = logging.getLogger("corridor.progress")


@contextmanager
def showing_progress(verbose: bool = False) -> Iterator[None]:
    """Show the sync's progress around the block; `verbose` keeps Prefect's own console lines instead."""
    BOARD.clear()
    if verbose:
        yield
    elif sys.stderr.isatty():
        with _console_logs_muted(), _live_table():
            yield
    else:
        with _periodic_lines():
            yield


def _table(feeds: list[FeedProgress]):
    from rich.table import Table

    table = Table(title="corridor sync", expand=False)
    table.add_column("feed", no_wrap=True)
    table.add_column("state", no_wrap=True)
    for name in ("pages", "fetched", "validated", "quarantined", "loaded", "s"):
        table.add_column(name, justify="right", no_wrap=True)
    for p in feeds:
        style = {"failed": "red", "loaded": "green"}.get(p.state, "")
        table.add_row(f"{p.operator} {p.feed}", p.state, f"{p.pages:,}", f"{p.fetched:,}", f"{p.validated:,}",
                      f"{p.quarantined:,}", f"{p.loaded:,}", f"{p.elapsed:.0f}", style=style)
    return table


@contextmanager
def _every(seconds: float, action) -> Iterator[None]:
    """Call `action` every `seconds` in a background thread while the block runs."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(seconds):
            action()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def _live_table() -> Iterator[None]:
    from rich.console import Console
    from rich.live import Live

    with Live(_table([]), console=Console(stderr=True), refresh_per_second=4) as live:
        with _every(0.25, lambda: live.update(_table(BOARD.snapshot()))):
            yield
        live.update(_table(BOARD.snapshot()))


def _log_unfinished() -> None:
    for p in BOARD.snapshot():
        if not p.done:
            log.info("progress: %s", line(p))


@contextmanager
def _periodic_lines() -> Iterator[None]:
    with _every(LOG_EVERY_SECONDS, _log_unfinished):
        yield


@contextmanager
def _console_logs_muted() -> Iterator[None]:
    """Prefect's console lines give way to the live table; they still reach Prefect's logs (API handler)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in logging.root.manager.loggerDict)]
    handlers = {h for lg in loggers for h in getattr(lg, "handlers", []) if isinstance(h, PrefectConsoleHandler)}
    levels = {h: h.level for h in handlers}
    for handler in handlers:
        handler.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for handler, level in levels.items():
            handler.setLevel(level)
