"""The simulator's state: configuration, clock, world, per-day record buckets (LRU) and fault counters."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from corridor.config import Settings

from . import records as r
from .faults import Fault, FaultState
from .world import DAY, FIRST_DATE, World, _Lru, day_of, to_ts


@dataclass(frozen=True)
class SimulatorConfig:
    """How the simulated world behaves: seed, wagonload scale, clock (naive UTC; None = real), defects, faults."""

    seed: int = 7
    scale: float = 1.0
    now: datetime | None = None
    defect_rate: float = 0.005
    faults: tuple[Fault, ...] = field(default_factory=tuple)
    token_ttl: int = 300  # Aktau OAuth tokens, seconds of real time
    baku_part_size: int = 200  # records per Baku XML part
    cache_records: int = 3_000_000  # budget of the per-day record cache


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


class Simulator:
    """One consistent world served to all four operators' views."""

    def __init__(self, config: SimulatorConfig, settings: Settings | None = None):
        self.config = config
        self.settings = settings or Settings()
        self.world = World(config.seed, config.scale)
        self.ctx = r.Ctx(config.seed, config.defect_rate)
        self.faults = FaultState(config.faults, config.seed)
        self.builders = _builders()
        self._buckets = _Lru(config.cache_records)
        self._build_lock = threading.Lock()
        self.tokens: dict[str, float] = {}
        self.tokens_lock = threading.Lock()

    def now_ts(self) -> int:
        now = self.config.now or datetime.utcnow()
        return to_ts(now.replace(microsecond=0))

    def date_in_range(self, d: date) -> bool:
        return FIRST_DATE <= d <= day_of(self.now_ts()) + timedelta(days=14)

    def bucket(self, operator: str, feed: str, d: date) -> list[r.Rec]:
        """Every version of every record of a feed published on UTC date `d`, sorted (visibility not applied)."""
        def make():
            if d < FIRST_DATE:
                return []
            start = to_ts(d)
            with self._build_lock:
                recs = self.builders[(operator, feed)](self.world, self.ctx, start, start + DAY)
            recs.sort(key=lambda x: (x.pub, x.rid, x.rev, x.variant))
            return recs
        return self._buckets.get((operator, feed, d), make)

    def records(self, operator: str, feed: str, start: int, end: int) -> list[r.Rec]:
        """Records published in [start, end) and visible now, in publication order."""
        now = self.now_ts()
        out: list[r.Rec] = []
        d = day_of(start)
        while to_ts(d) < min(end, now + DAY):
            for x in self.bucket(operator, feed, d):
                if start <= x.pub < end and x.vis <= now:
                    out.append(x)
            d += timedelta(days=1)
        return out
