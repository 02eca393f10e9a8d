"""Quirk normalisation shared by all parsers (trimmed text, `-`/empty as none, tolerant numbers), and raw records
within their size bound."""
from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from corridor import checkdigits
from corridor.connectors.base import RawRecord
from corridor.timeutil import local_to_utc, parse_instant

NAN = float("nan")  # a measure that cannot be computed (a stop without both times has no dwell): NaN, not None


# Staging's INTEGER columns (revisions, stop sequences) are 32-bit: a larger number cannot be stored, so it is
# unreadable here (its presence rule reports it) rather than failing the whole batch when it is written.
INTEGER_RANGE = range(-(2**31), 2**31)
# Numbers as text: ASCII digits only (Python's int()/float() also read `1_000`, `١٢` and `infinity`).
INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
NUMBER_TEXT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def text(value: Any) -> str | None:
    """Trimmed text; `None`, empty and `-` mean none, and so does a JSON object or list (it is not text)."""
    if value is None or isinstance(value, (dict, list)):
        return None
    value = str(value).strip()
    return None if value in ("", "-") else value


def integer(value: Any) -> int | None:
    """A whole number within staging's INTEGER range, from a JSON integer or ASCII digits; anything else → None."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, int):
        value = text(value)
        if value is None or not INTEGER_TEXT.fullmatch(value):
            return None
        value = int(value)
    return value if value in INTEGER_RANGE else None


def instant(value: Any) -> datetime | None:
    """RFC 3339 with offset → naive UTC; anything unreadable or beyond the calendar → None (a rule reports it)."""
    value = text(value)
    if value is None:
        return None
    try:
        return parse_instant(value)
    except (ValueError, OverflowError):  # `9999-12-31T23:00-05:00` is past year 9999 in UTC
        return None


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    value = text(value)
    return {"true": True, "1": True, "false": False, "0": False}.get(value.lower()) if value else None


def number(value: Any) -> float | None:
    """A finite float from a JSON number or decimal-point text; unreadable, NaN, infinite or too large → None."""
    if isinstance(value, bool):
        return None
    if not isinstance(value, (int, float)):
        value = text(value)
        if value is None or not NUMBER_TEXT.fullmatch(value):
            return None
    try:
        value = float(value)
    except OverflowError:  # a JSON integer beyond any float (10**400)
        return None
    return value if math.isfinite(value) else None


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
    try:
        if local.tzinfo is not None:  # an offset the source gave (ISO_T_TIME only)
            return local.astimezone(UTC).replace(tzinfo=None)
        return local_to_utc(local, zone_name)
    except (KeyError, ValueError, OSError):  # an unknown zone name
        return None
    except OverflowError:  # a local time whose UTC is outside years 1–9999
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
    """A JSON record (canonical text) within its bound. Refused for quarantine, alone: one that is not an object
    (`record_not_an_object`: nothing of it can be read) or not Unicode text (`text_not_unicode`: nothing can store it)."""
    record = RawRecord.from_json(data)
    if not is_unicode(record.text):
        # Kept with every non-ASCII character escaped, as JSON writes them: the text as received, storable.
        text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
        record = RawRecord(text, None, refused="text_not_unicode", refused_id=record_id)
    elif not isinstance(data, dict):
        record = RawRecord(record.text, None, refused="record_not_an_object", refused_id=record_id)
    return bounded(record, max_bytes, record_id)


def is_unicode(value: str) -> bool:
    """False for text holding lone surrogates: a JSON `\\ud800` escape, or bytes that were not UTF-8."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def decoded(content: bytes) -> str:
    """A body as UTF-8 text (a BOM dropped); a byte that is not UTF-8 stays as a lone surrogate, so that the
    record holding it is refused alone (`json_record`) instead of its whole page."""
    return content.decode("utf-8-sig", errors="surrogateescape")
