"""Ground truth straight from the world model, for calibration tests: what the warehouse should report."""
from __future__ import annotations

import statistics
from datetime import date, timedelta

from .clock import months_between, to_ts
from .world import World


def crossing_journeys(world: World, first: date, last: date):
    """Journeys accepted (UTC) on dates first … last that both railways report (cancelled excluded)."""
    lo, hi = to_ts(first), to_ts(last + timedelta(days=1))
    d = first
    while d <= last:
        yield from (j for j in world.wagon_journeys(d) if j.crosses)
        d += timedelta(days=1)
    for y, m in months_between(first - timedelta(days=3), last + timedelta(days=3)):
        yield from (j for j in world.xb_journeys(y, m) if j.crosses and lo <= j.accepted < hi)


def interchange_tonnes(world: World, first: date, last: date) -> float:
    """KTZ↔ADY interchange cargo (t) by acceptance date, gross weight from the accepting railway."""
    return sum(j.weight_kg for j in crossing_journeys(world, first, last)) / 1000.0


def xb_trains_per_month(world: World, year: int, month: int) -> int:
    return len(world.xb_trains(year, month))


def xb_containers_per_train(world: World, year: int, month: int) -> list[int]:
    counts: dict[str, int] = {}
    for j in world.xb_journeys(year, month):
        counts[j.ktz_train] = counts.get(j.ktz_train, 0) + 1
    return list(counts.values())


def xb_median_transit_days(world: World, first: date, last: date) -> float:
    """Median Xi'an departure → Absheron arrival (days) over containers of trains departing in the period."""
    lo, hi = to_ts(first), to_ts(last + timedelta(days=1))
    days = [(j.arrived - j.departed) / 86400 for y, m in months_between(first, last) for j in world.xb_journeys(y, m)
            if lo <= j.departed < hi]
    return statistics.median(days)
