"""The sync's one writer connection: waits, bounded and logged, while another process writes the warehouse."""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

import duckdb

from corridor.config import Settings
from corridor.warehouse import Warehouse

log = logging.getLogger(__name__)

# How often a waiting sync tries the warehouse file again.
RETRY_SECONDS = 5.0


class WarehouseBusy(Exception):
    """Another process kept writing the warehouse for longer than `CORRIDOR_WRITE_WAIT_MINUTES`."""


def _holder(message: str) -> str:
    """The other writer as DuckDB names it ("/usr/bin/python3 (PID 1234)"), or the whole message."""
    match = re.search(r"Conflicting lock is held in (.+?\(PID \d+\))", message)
    return match.group(1) if match else message.splitlines()[0]


def is_lock_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and "Could not set lock" in str(exc)


def open_writer(settings: Settings, *, sleep: Callable[[float], None] = time.sleep) -> Warehouse:
    """Open the warehouse for writing, waiting up to `write_wait_minutes` while another process holds it."""
    deadline = time.monotonic() + settings.write_wait_minutes * 60
    waited_since = None
    while True:
        try:
            warehouse = Warehouse(settings.warehouse, memory_limit=settings.duckdb_memory_limit)
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise
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
        if waited_since is not None:
            log.warning("the warehouse is free after %.0f s of waiting", time.monotonic() - waited_since)
        return warehouse
