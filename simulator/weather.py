"""Caspian winter storms: the spells that close Aktau to sailings, and how long they hold a ferry in port.

Winter (December–March) is cut into weeks; a week has at most one storm, so storms never run into each other
and a hold never exceeds three days. Everything is drawn from (seed, week), so any day can be asked alone.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from .clock import DAY, EPOCH_ORDINAL, HOUR, day_of, to_ts
from .draws import rng_for, unit

WINTER_MONTHS = (12, 1, 2, 3)
STORM_WEEK_SHARE = 0.55  # winter weeks with a storm: two or three a month
STORM_DAYS = (1.0, 3.0)  # how long a storm closes the port
LATEST_START_DAYS = 2.5  # into its week: a held ferry sails (slot and queue) before the next week's storm can start
QUEUE_HOURS = 6.0  # after a storm the held ferries sail one after another
AFTERMATH_DAYS = 3  # from a storm's end until the last ferry it held has reached Baku (slot, queue, crossing)


class Storm(NamedTuple):
    """A spell [start, end) in which no ferry sails from Aktau."""

    start: int
    end: int


def _in_winter(t: int) -> bool:
    return day_of(t).month in WINTER_MONTHS


def storm_in_week(seed: int, week: int) -> Storm | None:
    """The storm of week `week` (counted from 1970-01-01), if it has one lying wholly in a winter month."""
    rng = rng_for(seed, "storm", week)
    if rng.random() >= STORM_WEEK_SHARE:
        return None
    start = week * 7 * DAY + int(rng.uniform(0, LATEST_START_DAYS) * DAY)
    end = start + int(rng.uniform(*STORM_DAYS) * DAY)
    # The winter months hold it and its aftermath: the ferries it held have sailed and crossed by April.
    return Storm(start, end) if _in_winter(start) and _in_winter(end + AFTERMATH_DAYS * DAY) else None


def storm_at(seed: int, t: int) -> Storm | None:
    """The storm closing the port at `t`, if any (a storm lies within its own week)."""
    if not _in_winter(t):
        return None
    storm = storm_in_week(seed, t // (7 * DAY))
    return storm if storm is not None and storm.start <= t < storm.end else None


def hold(seed: int, due: int, key: str) -> int:
    """Seconds a ferry due to sail from Aktau at `due` stays in port: 0 unless a storm closes it then; else it
    sails at its daily slot once the storm is over (one to three days on), in the queue the storm left."""
    storm = storm_at(seed, due)
    if storm is None:
        return 0
    days = -(-(storm.end - due) // DAY)  # whole days: the first slot at or after the storm's end
    return days * DAY + int(unit(seed, "queue", key) * QUEUE_HOURS * HOUR)


def storms_between(seed: int, first: date, last: date) -> list[Storm]:
    """The storms starting on dates first … last, in order."""
    lo, hi = to_ts(first), to_ts(last + timedelta(days=1))
    weeks = range((first.toordinal() - EPOCH_ORDINAL) // 7 - 1, (last.toordinal() - EPOCH_ORDINAL) // 7 + 1)
    return [s for w in weeks if (s := storm_in_week(seed, w)) is not None and lo <= s.start < hi]
