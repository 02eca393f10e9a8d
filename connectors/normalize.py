"""Quirk normalisation shared by all parsers: trimmed text, `-`/empty as none, tolerant numbers."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from corridor.timeutil import local_to_utc, parse_instant


def text(value: Any) -> str | None:
    """Trimmed text; `None`, empty and `-` mean none."""
    if value is None:
        return None
    value = str(value).strip()
    return None if value in ("", "-") else value


def integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    value = text(value)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def instant(value: Any) -> datetime | None:
    """RFC 3339 with offset → naive UTC; anything unreadable → None (a validation rule reports it)."""
    value = text(value)
    if value is None:
        return None
    try:
        return parse_instant(value)
    except ValueError:
        return None


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    value = text(value)
    return {"true": True, "1": True, "false": False, "0": False}.get(value.lower()) if value else None


def number(value: Any) -> float | None:
    """A JSON number, or text with a decimal point → float; anything unreadable → None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value else None
    value = text(value)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def decimal_comma(value: Any) -> float | None:
    """`61,250` (decimal comma, as ADY writes numbers) → 61.25; a decimal point is read too."""
    value = text(value)
    if value is None:
        return None
    return number(value.replace(",", "."))


def code(value: Any, width: int) -> str | None:
    """A numeric code as text: a JSON number that lost its leading zeros is left-padded to `width`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(width) if value >= 0 else str(value)
    return text(value)


DMY_TIME = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M")  # ADY: `DD.MM.YYYY HH:MM[:SS]`
ISO_WALL_TIME = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")  # KTZ timetables: `YYYY-MM-DD HH:MM`


def wall_time(value: Any, formats: tuple[str, ...] = DMY_TIME) -> datetime | None:
    """A local wall-clock time without offset in one of `formats` → naive local datetime, else None."""
    value = text(value)
    if value is None:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def local_instant(value: Any, zone_name: str | None, formats: tuple[str, ...] = DMY_TIME) -> datetime | None:
    """Local wall-clock text at a place → naive UTC (a repeated hour: its first occurrence); unreadable → None."""
    local = wall_time(value, formats)
    if local is None or not zone_name:
        return None
    try:
        return local_to_utc(local, zone_name)
    except (KeyError, ValueError, OSError):  # an unknown zone name
        return None
