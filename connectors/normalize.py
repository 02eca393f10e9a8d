"""Quirk normalisation shared by all parsers (trimmed text, `-`/empty as none, tolerant numbers), and raw records
within their size bound."""
from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from corridor import checkdigits
from corridor.connectors.base import RawRecord
from corridor.timeutil import local_to_utc, parse_instant

NAN = float("nan")  # a measure that cannot be computed (a stop without both times has no dwell): NaN, not None


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
    """A finite float from a JSON number or decimal-point text; unreadable, NaN or infinite → None."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)):
        value = text(value)
        try:
            value = float(value) if value is not None else None
        except ValueError:
            return None
    return float(value) if value is not None and math.isfinite(value) else None


def decimal_comma(value: Any) -> float | None:
    """`61,250` (decimal comma, as ADY writes numbers) → 61.25; a decimal point is read too."""
    value = text(value)
    if value is None:
        return None
    return number(value.replace(",", "."))


def code(value: Any, width: int) -> str | None:
    """A numeric code as text: a JSON number that lost its leading zeros (`90111`, `90111.0`) is left-padded to `width`."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value).zfill(width) if value >= 0 else str(value)
    return text(value)


def obj(value: Any) -> dict[str, Any]:
    """A nested JSON object, or {} where the source sent null or something else."""
    return value if isinstance(value, dict) else {}


def imo(value: Any) -> str | None:
    """IMO as 7 digits; the trimmed raw text where it can't be normalised (the check-digit rule fails it)."""
    return checkdigits.normalize_imo(value) or text(value)


def hours(later: datetime | None, earlier: datetime | None, missing: float | None = None) -> float | None:
    """`later − earlier` in hours; `missing` (None, or NaN where a caller wants it) where either is missing."""
    if later is None or earlier is None:
        return missing
    return (later - earlier).total_seconds() / 3600.0


DMY_TIME = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M")  # ADY: `DD.MM.YYYY HH:MM[:SS]`
ISO_WALL_TIME = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")  # KTZ timetables: `YYYY-MM-DD HH:MM`
# Port of Baku: ISO `YYYY-MM-DDTHH:MM[:SS[.ffffff]]`, read by `datetime.fromisoformat`; an offset, if given, is honoured.
ISO_T_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|Z)?$")

Formats = tuple[str, ...] | re.Pattern[str]


def wall_time(value: Any, formats: Formats = DMY_TIME) -> datetime | None:
    """A local wall-clock time in one of `formats` (strptime formats, or `ISO_T_TIME`) → naive local datetime, else None.

    Only `ISO_T_TIME` admits an offset; such a time comes back aware.
    """
    value = text(value)
    if value is None:
        return None
    if isinstance(formats, re.Pattern):
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")) if formats.match(value) else None
        except ValueError:
            return None
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def local_instant(value: Any, zone_name: str | None, formats: Formats = DMY_TIME) -> datetime | None:
    """Local wall-clock text at a place → naive UTC (a repeated hour: its first occurrence); unreadable → None."""
    local = wall_time(value, formats)
    if local is None or not zone_name:
        return None
    if local.tzinfo is not None:  # an offset the source gave (ISO_T_TIME only)
        return local.astimezone(UTC).replace(tzinfo=None)
    try:
        return local_to_utc(local, zone_name)
    except (KeyError, ValueError, OSError):  # an unknown zone name
        return None


# -- raw records within their bound ---------------------------------------------------------------------

# What of a refused oversized record is kept for quarantine: its start, then its size.
KEPT_OF_TOO_LARGE = 1024


def _utf8_size(value: str) -> int:
    return len(value) if value.isascii() else len(value.encode("utf-8"))


def bounded(record: RawRecord, max_bytes: int, record_id: str) -> RawRecord:
    """`record`, or where its raw text is over `max_bytes` a refused one (`record_too_large`) for quarantine.

    The refused record keeps the first KEPT_OF_TOO_LARGE characters and the size, never the whole text.
    """
    if len(record.text) <= max_bytes // 4 or _utf8_size(record.text) <= max_bytes:
        return record
    size = _utf8_size(record.text)
    kept = f"{record.text[:KEPT_OF_TOO_LARGE]}… [{size} bytes, over the record bound of {max_bytes}]"
    return RawRecord(kept, None, refused="record_too_large", refused_id=record_id)


def json_record(data: Any, max_bytes: int, record_id: str) -> RawRecord:
    """A JSON record (canonical text) within its bound."""
    return bounded(RawRecord.from_json(data), max_bytes, record_id)
