"""Time zones from the `tzdata` package (never the host's files) and local-time conversion."""
from __future__ import annotations

import functools
from datetime import UTC, datetime
from importlib import resources
from zoneinfo import ZoneInfo

UTC = UTC


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone as shipped by `tzdata`, so results never depend on the host's zone files."""
    path = resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with path.open("rb") as fh:
        return ZoneInfo.from_file(fh, key=name)


def utcnow() -> datetime:
    """Now, as the naive UTC datetime every instant in the product is."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """Naive wall-clock time at a place → naive UTC; a repeated hour means its first occurrence."""
    aware = local.replace(tzinfo=zone(zone_name), fold=0)
    return aware.astimezone(UTC).replace(tzinfo=None)


def utc_to_local(instant: datetime, zone_name: str) -> datetime:
    """Naive UTC → naive wall-clock time at a place."""
    return instant.replace(tzinfo=UTC).astimezone(zone(zone_name)).replace(tzinfo=None)


def parse_instant(text: str) -> datetime:
    """RFC 3339 with offset or `Z` → naive UTC."""
    parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"instant without offset: {text!r}")
    return parsed.astimezone(UTC).replace(tzinfo=None)


def format_instant(instant: datetime) -> str:
    """Naive UTC → `2024-03-01T00:00:00Z`."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")
