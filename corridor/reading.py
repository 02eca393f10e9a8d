"""Where analysts' commands read: the snapshot when there is one, else the warehouse; read-only either way."""
from __future__ import annotations

from pathlib import Path

import duckdb

from corridor.config import Settings


class NothingToRead(Exception):
    """Neither a snapshot nor a warehouse exists yet."""


class ReadFailed(duckdb.Error):
    """The snapshot or warehouse file exists but cannot be read (corrupt, truncated, not a DuckDB file): one line."""


def analyst_database(settings: Settings) -> Path:
    """The snapshot if one has been written, else the warehouse file itself."""
    for path in (settings.snapshot_path, settings.warehouse):
        if path.exists():
            return path
    raise NothingToRead(f"no snapshot at {settings.snapshot_path} and no warehouse at {settings.warehouse}"
                        " (set CORRIDOR_WAREHOUSE, or run `corridor sync`)")


# Read-only by construction: no file outside the database, no extension installed or loaded, and no
# setting that can be changed afterwards (so none of this can be undone by a query).
READER_CONFIG: dict[str, str | bool | int | float | list[str]] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def connect_for_reading(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A read-only connection to what analysts read, with no access to files outside it; ReadFailed if it cannot."""
    path = analyst_database(settings)
    try:
        return duckdb.connect(str(path), read_only=True, config=READER_CONFIG)
    except (duckdb.Error, OSError) as exc:
        what = "snapshot" if path == settings.snapshot_path else "warehouse"
        reason = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise ReadFailed(f"the {what} {path} cannot be read ({reason})") from None
