"""Quirk normalisation shared by all parsers: trimmed text, `-`/empty as none, tolerant numbers."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from corridor.timeutil import parse_instant


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
