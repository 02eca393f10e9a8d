"""The simulator's state: configuration, clock, world, per-day record buckets (LRU) and fault counters."""
from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from . import records as r
from .cache import LruCache, gc_paused
from .clock import DAY, FIRST_DATE, day_of, months_between, to_ts
from .config import SimulatorConfig
from .faults import FaultState
from .world import World

# Feeds that are views of journeys (built per origin day, see Simulator._build) and feeds of vessel calls.
JOURNEY_FEEDS = {("KTZ", "tracking"), ("KTZ", "cargo"), ("ADY", "tracking"), ("ADY", "cargo"), ("AKTAU_PORT", "tracking"),
                 ("AKTAU_PORT", "cargo"), ("BAKU_PORT", "tracking"), ("BAKU_PORT", "cargo")}
MAX_BATCH_DAYS = 7  # publication days built together (one pass over the journeys they need)


def _builders():
    from . import ady, aktau, baku, ktz

    return {
        ("KTZ", "tracking"): ktz.operations_bucket, ("KTZ", "cargo"): ktz.consignments_bucket,
        ("ADY", "tracking"): ady.operations_bucket, ("ADY", "cargo"): ady.shipments_bucket,
        ("AKTAU_PORT", "tracking"): aktau.moves_bucket, ("AKTAU_PORT", "schedule"): aktau.calls_bucket,
        ("AKTAU_PORT", "cargo"): aktau.manifests_bucket,
        ("BAKU_PORT", "tracking"): baku.events_bucket, ("BAKU_PORT", "schedule"): baku.calls_bucket,
        ("BAKU_PORT", "cargo"): baku.declarations_bucket,
    }


def _sort_key(x: r.Rec):
    return (x.pub, x.rid, x.rev, x.variant)


class Simulator:
    """One consistent world served to all four operators' views."""

    def __init__(self, config: SimulatorConfig):
        self.config = config
        # Journeys of about four weeks at scale 10 stay cached (a 7-day window needs 28 origin days); fewer at larger scales.
        self.world = World(config.seed, config.scale, cache_journeys=60_000)
        self.ctx = r.Ctx(config.seed, config.defect_rate)
        self.faults = FaultState(config.faults, config.seed)
        self.builders = _builders()
        self._buckets = LruCache(config.cache_records)
        self._build_lock = threading.Lock()
        self._windows: dict = {}  # a few recent answers of records() (shared lists: callers must not modify them)
        self._windows_lock = threading.Lock()
        self.tokens: dict[str, float] = {}
        self.tokens_lock = threading.Lock()

    def now_ts(self) -> int:
        now = self.config.now or datetime.utcnow()
        return to_ts(now.replace(microsecond=0))

    def date_in_range(self, d: date) -> bool:
        return FIRST_DATE <= d <= day_of(self.now_ts()) + timedelta(days=14)

    def bucket(self, operator: str, feed: str, d: date) -> list[r.Rec]:
        """Every version of every record of a feed published on UTC date `d`, sorted (visibility not applied)."""
        return self._buckets_for(operator, feed, [d])[0]

    def _buckets_for(self, operator: str, feed: str, days: list[date]) -> list[list[r.Rec]]:
        """The buckets of consecutive publication days; the missing ones are built together."""
        out: list = [self._buckets.peek((operator, feed, d)) for d in days]
        if all(b is not None for b in out):
            return out
        with self._build_lock, gc_paused():
            out = [self._buckets.peek((operator, feed, d)) for d in days]
            missing = [d for d, b in zip(days, out) if b is None]
            for i in range(0, len(missing), MAX_BATCH_DAYS):
                part = missing[i:i + MAX_BATCH_DAYS]
                built = self._build(operator, feed, part[0], part[-1])
                for d in part:
                    if d in built:  # only the missing days: a cached bucket is never replaced
                        self._buckets.put((operator, feed, d), built[d])
                for d, recs in built.items():
                    if d in part:
                        out[days.index(d)] = recs
        return out

    def _build(self, operator: str, feed: str, first: date, last: date) -> dict[date, list[r.Rec]]:
        """Buckets of publication days first … last, each exactly as if built alone (same records, same order).

        Bucket d holds records of wagon journeys accepted on d-21 … d, then of Xi'an–Baku journeys of the
        months in months_between(d-24, d+3). Journeys are visited one origin day at a time, so a window of
        days costs one pass over the journeys it needs (tests/simulator/test_reference.py builds days alone).
        """
        days = {first + timedelta(days=i): [] for i in range((last - first).days + 1)}
        lo, hi = max(to_ts(first), to_ts(FIRST_DATE)), to_ts(last) + DAY
        build = self.builders[(operator, feed)]
        if hi <= lo:
            return {d: [] for d in days}
        if (operator, feed) not in JOURNEY_FEEDS:
            for d in days:
                if d >= FIRST_DATE:
                    days[d] = build(self.world, self.ctx, to_ts(d), to_ts(d) + DAY)
        else:
            def emit(journeys, s: int, e: int) -> None:
                s, e = max(s, lo), min(e, hi)
                if s < e and journeys:
                    for x in build(journeys, self.ctx, s, e):
                        days[day_of(x.pub)].append(x)

            span = World.SPAN_DAYS
            o = first - timedelta(days=span)
            while o <= last:
                emit(self.world.wagon_journeys(o), to_ts(o), to_ts(o) + (span + 1) * DAY)
                o += timedelta(days=1)
            for y, m in months_between(first - timedelta(days=24), last + timedelta(days=3)):
                m_first = date(y, m, 1)
                m_last = date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1)
                emit(self.world.xb_journeys(y, m), to_ts(m_first - timedelta(days=3)), to_ts(m_last + timedelta(days=25)))
        for recs in days.values():
            recs.sort(key=_sort_key)
        return days

    def records(self, operator: str, feed: str, start: int, end: int) -> list[r.Rec]:
        """Records published in [start, end) and visible now, in publication order."""
        now = self.now_ts()
        key = (operator, feed, start, end, now)  # a client pages through one window: answer its pages from one list
        with self._windows_lock:
            got = self._windows.get(key)
        if got is not None:
            return got
        out = self._records(operator, feed, start, end, now)
        with self._windows_lock:
            self._windows[key] = out
            while len(self._windows) > 8:
                self._windows.pop(next(iter(self._windows)))
        return out

    def _records(self, operator: str, feed: str, start: int, end: int, now: int) -> list[r.Rec]:
        days = []
        d = day_of(start)
        while to_ts(d) < min(end, now + DAY):
            days.append(d)
            d += timedelta(days=1)
        out: list[r.Rec] = []
        for bucket in self._buckets_for(operator, feed, days):
            if bucket and start <= bucket[0].pub and bucket[-1].pub < end:
                out.extend(x for x in bucket if x.vis <= now)
            else:
                out.extend(x for x in bucket if start <= x.pub < end and x.vis <= now)
        return out
