"""Shared machinery of the feed views: publication lags, corrections, defects, local-time formatting.

A published record is a `Rec`: (pub, rid, rev, variant, vis, body, tag) — publication time, source id and
revision, a tie-breaker, the time it becomes visible, the formatted body, and the defect rule it violates.
"""
from __future__ import annotations

import functools
import zlib
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from corridor.checkdigits import with_check_digit
from corridor.reference import location_by_esr
from corridor.timeutil import zone

from .clock import HOUR, from_ts
from .draws import fmix

MIN = 60
VISIBILITY_LAG = 15 * MIN
CORRECTION_SHARE = 0.02
# Upper bound of (publication - event time) of any version of a tracking record: lag < 72 h, a correction
# < 48 h later, a revision-consistency repeat < 5 h 10 min after that (builders skip events outside it).
MAX_DELAY = 127 * HOUR
# Codes that look real but are not in reference/locations.md (the last fails its own check digit).
UNKNOWN_ESR = ("664005", "553209", "701802", "663108")
UNKNOWN_PORT = ("KZAKX", "AZZZZ", "RUAST")


class Rec(NamedTuple):
    pub: int
    rid: str
    rev: int
    variant: int
    vis: int
    body: str
    tag: str | None


class Ctx:
    """What a feed builder needs besides the world: seed and defect rate."""

    def __init__(self, seed: int, defect_rate: float):
        self.rate = defect_rate
        self._p = f"{seed}|"  # unit(seed, *parts) hashes "seed|part|part…": the prefix is joined once

    def _unit(self, text: str) -> float:
        return fmix(zlib.crc32((self._p + text).encode())) / 4294967296.0

    def lag(self, rid: str, rev: int, port: bool = False) -> int:
        """Publication lag: mostly minutes, some hours, a few up to 72 h (rail) or 24 h (ports)."""
        u = self._unit(f"lag|{rid}|{rev}")
        v = (u * 7919) % 1.0
        if u < 0.8:
            return int(MIN + v * 19 * MIN)
        if u < (0.97 if port else 0.95):
            return int(20 * MIN + v * ((6 if port else 8) * HOUR - 20 * MIN))
        return int((6 if port else 8) * HOUR + v * ((18 if port else 64) * HOUR))

    def vis(self, rid: str, rev: int, variant: int, pub: int) -> int:
        return pub + int(self._unit(f"vis|{rid}|{rev}|{variant}") * VISIBILITY_LAG)

    def corrected(self, rid: str) -> int:
        """0 when the record is right first time, else the error (seconds) of its first revision."""
        u = self._unit(f"corr|{rid}")
        if u >= CORRECTION_SHARE:
            return 0
        return int((5 + u / CORRECTION_SHARE * 35) * MIN)

    def defect(self, feed: str, rid: str, rev: int, kinds: tuple[str, ...]) -> str | None:
        if self.rate <= 0 or not kinds or self._unit(f"def|{feed}|{rid}|{rev}") >= self.rate:
            return None
        return kinds[int(self._unit(f"kind|{feed}|{rid}|{rev}") * len(kinds))]

    def u(self, *parts) -> float:
        return self._unit("|".join(map(str, parts)))


def bad_container(number: str) -> str:
    good = int(number[10])
    return number[:10] + str((good + 3) % 10)


def bad_wagon(number: str) -> str:
    return number[:7] + str((int(number[7]) + 4) % 10)


def bad_imo(number: str) -> str:
    return number[:6] + str((int(number[6]) + 5) % 10)


def unknown_esr(u: float) -> str:
    return UNKNOWN_ESR[int(u * len(UNKNOWN_ESR))]


def unknown_port(u: float) -> str:
    return UNKNOWN_PORT[int(u * len(UNKNOWN_PORT))]


assert all(c not in location_by_esr() for c in UNKNOWN_ESR)
assert with_check_digit("esr", "66310") == "663109"


@functools.lru_cache(maxsize=65536)
def _offset(zone_name: str, hour: int) -> int:
    """UTC offset (s) of a zone during one UTC hour; transitions fall on whole hours in the corridor's zones."""
    instant = (datetime(1970, 1, 1) + timedelta(hours=hour)).replace(tzinfo=UTC)
    return int(instant.astimezone(zone(zone_name)).utcoffset().total_seconds())


def offset(zone_name: str, t: int) -> int:
    return _offset(zone_name, t // HOUR)


def local(t: int, zone_name: str) -> datetime:
    return from_ts(t + offset(zone_name, t))


@functools.lru_cache(maxsize=65536)
def _hour_text(hour: int) -> str:
    """`YYYY-MM-DDTHH` of an hour since the epoch (wall clock)."""
    return f"{from_ts(hour * HOUR):%Y-%m-%dT%H}"


@functools.lru_cache(maxsize=256)
def _suffix(off: int) -> str:
    sign = "+" if off >= 0 else "-"
    h, m = divmod(abs(off) // 60, 60)
    return f"{sign}{h:02d}:{m:02d}"


def _wall_text(t: int) -> str:
    """from_ts(t) as `%Y-%m-%dT%H:%M:%S`, without strftime (hot: every record's timestamps)."""
    s = t % HOUR
    return f"{_hour_text(t // HOUR)}:{s // 60:02d}:{s % 60:02d}"


def rfc3339(t: int, zone_name: str) -> str:
    off = _offset(zone_name, t // HOUR)
    return _wall_text(t + off) + _suffix(off)


def utc_z(t: int | None) -> str | None:
    return None if t is None else _wall_text(t) + "Z"


def zone_of_esr(esr: str) -> str:
    loc = location_by_esr().get(esr)
    return loc.timezone if loc else "Asia/Almaty"
