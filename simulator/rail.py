"""Wagonload trains: one departure a day per service, its run along the route, the operations it reports."""
from __future__ import annotations

from datetime import date

from .clock import DAY, EPOCH_ORDINAL, HOUR, to_ts
from .draws import rng_for, unit

_MEMO_LIMIT = 20_000  # entries of each memo table before it is cleared


def daily_departure(seed: int, key: str, d: date) -> int:
    """When service `key`'s train leaves on `d`: between 02:00 and 22:00 UTC."""
    return to_ts(d) + int((2 + 20 * unit(seed, "dep", key, d.toordinal())) * HOUR)


def train_run(seed: int, key: str, stations: list, t_dep: int) -> list:
    """A train run along a route from `t_dep`: [(esr, arrival, departure, origin|pass|stop|final)]."""
    rng = rng_for(seed, "run", key)
    f = rng.uniform(0.95, 1.15)  # this train's pace
    out, t = [], t_dep
    for i, (esr, hrs, stop) in enumerate(stations):
        if i == 0:
            out.append((esr, None, t, "origin"))
            continue
        t += int(hrs * f * HOUR + (rng.uniform(0.5, 6) * HOUR if rng.random() < 0.08 else 0))
        if i == len(stations) - 1:
            out.append((esr, t, None, "final"))
        elif stop:
            dep = t + int(stop * rng.uniform(0.8, 1.6) * HOUR)
            out.append((esr, t, dep, "stop"))
            t = dep
        else:
            out.append((esr, t, t, "pass"))
    return out


def rail_operations(run: list, train: str, op: str) -> list:
    """The operations a railway reports for a run: arrivals and departures; KTZ also reports passes."""
    dep_c, arr_c = ("02", "03") if op == "ktz" else ("GDS", "GLS")
    out = []
    for esr, arr, dep, kind in run:
        if kind == "pass":
            if op == "ktz":
                out.append(("04", arr, esr, train))
            continue
        if arr is not None:
            out.append((arr_c, arr, esr, train))
        if dep is not None:
            out.append((dep_c, dep, esr, train))
    return out


class TrainLegs:
    """The wagonload trains of one seed, memoised: every wagon on a train shares its run and operations."""

    def __init__(self, seed: int):
        self.seed = seed
        # Pure, deterministic memo tables (a race only computes a value twice).
        self._deps: dict = {}  # (service key, ordinal) → departure
        self._legs: dict = {}  # (service key, ordinal) → leg

    def leg(self, key: str, ready: int, stations: list, prefix: str, op: str) -> tuple:
        """Service `key`'s first train leaving at or after `ready` (else the one two days on):
        (departure, train number, run, rail operations)."""
        first = EPOCH_ORDINAL + ready // DAY
        deps = self._deps
        for o in (first, first + 1, first + 2):
            t_dep = deps.get((key, o))
            if t_dep is None:
                t_dep = daily_departure(self.seed, key, date.fromordinal(o))
                if len(deps) > _MEMO_LIMIT:
                    deps.clear()
                deps[(key, o)] = t_dep
            if t_dep >= ready:
                break
        legs = self._legs
        leg = legs.get((key, o))
        if leg is None:
            train = f"{prefix}{o % 100:02d}"
            run = train_run(self.seed, f"{key}.{o}", stations, t_dep)
            leg = (t_dep, train, run, tuple(rail_operations(run, train, op)))
            if len(legs) > _MEMO_LIMIT:
                legs.clear()
            legs[(key, o)] = leg
        return leg
