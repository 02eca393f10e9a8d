"""Deterministic random draws keyed by their parts: unit numbers, seeded streams and weighted picks.

Everything random in the world is drawn from (seed, kind, date, index, …), so any record can be rebuilt alone.
"""
from __future__ import annotations

import random
import zlib


def fmix(h: int) -> int:
    """The MurmurHash3 32-bit finaliser: spreads a CRC over all 32 bits."""
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def unit(*parts: object) -> float:
    """A deterministic number in [0, 1) from the parts (stable across runs, unlike hash())."""
    return fmix(zlib.crc32("|".join(map(str, parts)).encode())) / 4294967296.0


def rng_for(*parts: object) -> random.Random:
    """A random stream of its own for the parts (the wagonload builders inline this seeding)."""
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()) * 7919 + len(parts))


_TOTALS: dict[int, int] = {}  # id(table) → sum of its weights; tables are module constants, so ids stay valid


def pick(rng: random.Random, table: list) -> object:
    """An item of [(item, weight)] drawn with probability proportional to its weight (one draw from `rng`)."""
    total = _TOTALS.get(id(table))
    if total is None:
        total = _TOTALS[id(table)] = sum(w for _, w in table)
    x = rng.random() * total
    for item, w in table:
        x -= w
        if x < 0:
            return item
    return table[-1][0]
