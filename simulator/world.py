"""The corridor world: one deterministic model of trains, wagons and vessel calls that every feed is a view of.

Times are integer seconds since 1970-01-01 UTC (clock.py). Everything is derived from (seed, date, index),
so any day can be generated on demand, in any order, with the same result.
"""
from __future__ import annotations

from datetime import date, timedelta

from corridor.reference import vessels

from .cache import LruCache, gc_paused
from .clock import FIRST_DATE, months_between
from .draws import rng_for
from .eastbound import eastbound_journeys
from .journey import Journey
from .rail import TrainLegs
from .rotations import FerryTimetable, Rotation
from .traffic import WEST_SHARE, ferry_lanes, wagons_per_day
from .westbound import westbound_journeys
from .xianbaku import XbTrain, xb_journeys, xb_trains


class World:
    """Ground truth of the corridor for one seed and scale; days are generated on demand and cached (LRU)."""

    SPAN_DAYS = 21  # origin day → last publication (journey, 72 h lateness, corrections)

    def __init__(self, seed: int = 7, scale: float = 1.0, cache_journeys: int = 400_000):
        self.seed, self.scale = seed, scale
        self.ferries = FerryTimetable(seed, ferry_lanes(scale))
        self.trains = TrainLegs(seed)
        self.feeders = [v for v in vessels() if v["kind"] == "CONTAINER_FEEDER"]
        self._journeys = LruCache(cache_journeys)  # ("wag", date) or ("xbj", year, month) → journeys
        self._xb_trains: dict = {}  # (year, month) → trains; a pure memo (a race only builds a month twice)

    # --- vessel rotations -----------------------------------------------------------------------------------
    def rotations_on(self, d: date) -> list[Rotation]:
        """The ferry rotations sailing from Aktau on `d`, in lane order (cancelled ones included)."""
        return self.ferries.rotations_on(d)

    def rotations_publishing_on(self, d: date):
        """Ferry rotations and feeder calls with a version that can publish on UTC date `d`."""
        for k in range(-6, 6):  # a rotation publishes from ~4 days before its day to ~3 days after, 6 if a storm held it
            yield from self.rotations_on(d + timedelta(days=k))
        for y, m in months_between(d - timedelta(days=24), d):
            for tr in self.xb_trains(y, m):
                yield tr.feeder

    # --- Xi'an–Baku block trains ----------------------------------------------------------------------------
    def xb_trains(self, year: int, month: int) -> list[XbTrain]:
        got = self._xb_trains.get((year, month))
        if got is None:
            got = xb_trains(self.seed, self.feeders, year, month)
            if len(self._xb_trains) > 1024:
                self._xb_trains.clear()
            self._xb_trains[(year, month)] = got
        return got

    def xb_trains_between(self, a: date, b: date) -> list[XbTrain]:
        out = []
        for y, m in months_between(a, b):
            out += self.xb_trains(y, m)
        return out

    def xb_journeys(self, year: int, month: int) -> list[Journey]:
        return self._journeys.get(("xbj", year, month), lambda: xb_journeys(self.seed, self.xb_trains(year, month)))

    # --- wagonload traffic across the Caspian ---------------------------------------------------------------
    def wagon_count(self, d: date) -> tuple[int, int]:
        """(westbound, eastbound) wagons accepted on `d`."""
        rng = rng_for(self.seed, "count", d.toordinal())
        total = wagons_per_day(d) * self.scale * rng.uniform(0.93, 1.07)
        west = int(round(total * WEST_SHARE))
        return west, int(round(total)) - west

    def wagon_journeys(self, d: date) -> list[Journey]:
        """Wagonload consignments accepted on UTC date `d` (westbound at KTZ, eastbound at ADY)."""
        def make():
            if d < FIRST_DATE:
                return []
            west, east = self.wagon_count(d)
            base = (d - FIRST_DATE).days * 100_000  # journey numbers: westbound from base, eastbound from base + 50,000
            with gc_paused():
                return (westbound_journeys(self.seed, d, west, base, self.trains, self.ferries)
                        + eastbound_journeys(self.seed, d, east, base + 50_000, self.trains, self.ferries))
        return self._journeys.get(("wag", d), make)
