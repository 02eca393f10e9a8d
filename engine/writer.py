"""The sync's one writer connection: waits, bounded and logged, while another process writes the warehouse.

`check_writable` runs before a sync starts anything (no Prefect server, no flow run), so a warehouse that
cannot be written is one line and exit status 1 from the command line, not a crashed flow run's traceback.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from corridor.config import Settings
from corridor.warehouse import Warehouse

log = logging.getLogger(__name__)

# How often a waiting sync tries the warehouse file again.
RETRY_SECONDS = 5.0


class WarehouseBusy(Exception):
    """Another process kept writing the warehouse for longer than `CORRIDOR_WRITE_WAIT_MINUTES`."""


class WarehouseUnwritable(Exception):
    """The warehouse file, or a folder the sync writes beside it, cannot be written; the message is one line."""


def _holder(message: str) -> str:
    """The other writer as DuckDB names it ("/usr/bin/python3 (PID 1234)"), or the whole message."""
    match = re.search(r"Conflicting lock is held in (.+?\(PID \d+\))", message)
    return match.group(1) if match else message.splitlines()[0]


def is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "Could not set lock" in str(exc)


def first_line(exc: BaseException) -> str:
    """An error's first non-empty line (DuckDB's messages go on with hints), or its type's name."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _unwritable(path: Path, exc: BaseException) -> WarehouseUnwritable:
    return WarehouseUnwritable(f"the warehouse {path} cannot be opened for writing ({first_line(exc)})")


def _probe_folder(folder: Path) -> None:
    """Create `folder` if missing and prove a file can be made in it (root ignores permission bits, so try)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        handle, name = tempfile.mkstemp(prefix=".corridor-probe-", dir=folder)
    except OSError as exc:  # named for the folder, not for the probe's random name
        raise OSError(exc.errno, exc.strerror, str(folder)) from None
    os.close(handle)
    os.unlink(name)


def check_folder_writable(path: Path, what: str) -> None:
    """The folder of `path` exists (or can be made) and takes new files; WarehouseUnwritable naming `what` if not."""
    try:
        _probe_folder(path.parent)
    except OSError as exc:
        raise WarehouseUnwritable(f"{what} {path} cannot be written: its folder {path.parent} cannot take a new file"
                                  f" ({first_line(exc)})") from None


def check_writable(settings: Settings, *, wait: bool = False, sleep: Callable[[float], None] = time.sleep) -> None:
    """Before a sync: the warehouse opens for writing, and the folders it writes beside it (spool, Data Docs,
    the snapshot's) take new files; WarehouseUnwritable (one line) if not.

    Another writer holding the file is no fault: with `wait`, this waits for it as `open_writer` does (saying
    so, and raising WarehouseBusy after `CORRIDOR_WRITE_WAIT_MINUTES`); without, it leaves the wait to the sync.
    """
    path = settings.warehouse
    folders = [(path.parent, "the warehouse's folder"), (settings.spool_folder, "the spool folder"),
               (settings.docs_folder, "the Data Docs folder"), (settings.snapshot_path.parent, "the snapshot's folder")]
    for folder, what in folders:
        try:
            _probe_folder(folder)
        except OSError as exc:
            raise WarehouseUnwritable(f"the warehouse {path} cannot be written: {what} {folder} cannot take a new"
                                      f" file ({first_line(exc)})") from None
    if not path.exists():
        # A first sync: the flow creates the warehouse and bootstraps it holding the lock. Creating it here
        # would leave an empty database file that readers (`corridor query`, with no snapshot yet) open and
        # query until the flow gets to it; the folder taking new files (probed above) is what can be checked.
        return
    if wait:
        open_writer(settings, sleep=sleep).close()
        return
    try:
        Warehouse(path, memory_limit=settings.duckdb_memory_limit).close()
    except duckdb.Error as exc:
        if not is_lock_conflict(exc):
            raise _unwritable(path, exc) from None
    except OSError as exc:
        raise _unwritable(path, exc) from None


def open_writer(settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> Warehouse:
    """Open the warehouse for writing, waiting up to `write_wait_minutes` while another process holds it."""
    deadline = time.monotonic() + settings.write_wait_minutes * 60
    waited_since = None
    while True:
        try:
            warehouse = Warehouse(settings.warehouse, memory_limit=settings.duckdb_memory_limit)
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise _unwritable(settings.warehouse, exc) from None
            holder = _holder(str(exc))
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {settings.warehouse} is held by another writer, {holder}, for more than"
                    f" {settings.write_wait_minutes:g} minutes (CORRIDOR_WRITE_WAIT_MINUTES)") from None
            if waited_since is None:
                waited_since = time.monotonic()
                log.warning("waiting for the warehouse %s: another process writes it (%s); waiting up to %g minutes",
                            settings.warehouse, holder, settings.write_wait_minutes)
            sleep(min(RETRY_SECONDS, max(deadline - time.monotonic(), 0.1)))
            continue
        except (duckdb.Error, OSError) as exc:
            raise _unwritable(settings.warehouse, exc) from None
        if waited_since is not None:
            log.warning("the warehouse is free after %.0f s of waiting", time.monotonic() - waited_since)
        return warehouse
