"""Ferry rotations across the Caspian: one per lane a day, and the searches for a wagon's sailing."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from corridor.reference import vessels

from .clock import DAY, EPOCH_ORDINAL, HOUR, to_ts
from .draws import rng_for
from .weather import hold

LOAD_CUTOFF = int(1.5 * HOUR)  # a wagon must be ready this long before its ferry sails


@dataclass
class Rotation:
    """One ferry or feeder rotation: a call at Aktau, the crossing, a call at Baku, the return voyage."""

    key: str
    vessel_imo: str
    vessel_name: str
    a_call: str
    b_call: str
    voy_west: str
    voy_east: str
    voy_in_aktau: str
    berth: str
    a_ata: int
    a_atb: int
    a_atd: int
    b_ata: int
    b_atb: int
    b_atd: int
    cancelled: bool = False
    hold: int = 0  # seconds a storm kept it at Aktau past its due departure (a_atd - hold); the later times moved with it

    def held(self, seconds: int) -> Rotation:
        """This rotation with its departure from Aktau, and everything after it, `seconds` later."""
        return replace(self, a_atd=self.a_atd + seconds, b_ata=self.b_ata + seconds, b_atb=self.b_atb + seconds,
                       b_atd=self.b_atd + seconds, hold=seconds)


def make_rotation(seed: int, lanes: int, ferries: list, d: date, k: int) -> Rotation:
    """Lane k's rotation sailing from Aktau on `d` (lanes spread over the day)."""
    rng = rng_for(seed, "rot", d.toordinal(), k)
    v = ferries[(d.toordinal() + k) % len(ferries)]
    a_atd = to_ts(d) + int((6 + 24 * k / lanes + rng.uniform(-1.5, 1.5)) * HOUR)
    a_ata = a_atd - int(rng.uniform(10, 16) * HOUR)
    b_ata = a_atd + int((rng.uniform(20, 22) + (rng.uniform(2, 8) if rng.random() < 0.05 else 0)) * HOUR)
    yy, doy = d.strftime("%y"), d.timetuple().tm_yday
    prev = d - timedelta(days=3)
    a_atb = a_ata + int(rng.uniform(0.5, 2) * HOUR)
    b_atb = b_ata + int(rng.uniform(0.5, 2) * HOUR)
    b_atd = b_ata + int(rng.uniform(10, 16) * HOUR)
    key = f"R{d.toordinal()}.{k}"
    rot = Rotation(
        key=key, vessel_imo=v["imo"], vessel_name=v["name"],
        a_call=f"AKX-{d.year}-{doy:03d}{k}", b_call=f"BAK-{d.year}-{doy:03d}{k}",
        voy_west=f"{yy}W{doy:03d}{k}", voy_east=f"{yy}E{doy:03d}{k}",
        voy_in_aktau=f"{prev:%y}E{prev.timetuple().tm_yday:03d}{k}", berth=f"B{1 + k % 4}",
        a_ata=a_ata, a_atb=a_atb, a_atd=a_atd, b_ata=b_ata, b_atb=b_atb, b_atd=b_atd,
        cancelled=rng.random() < 0.01,
    )
    storm_hold = 0 if rot.cancelled else hold(seed, a_atd, key)
    return rot.held(storm_hold) if storm_hold else rot


class RotationDay(NamedTuple):
    """A day's rotations in lane order, and the sailing ones sorted by departure (ties keep lane order)."""

    rotations: tuple
    aktau_departures: list  # a_atd of `westbound`, ascending
    westbound: list
    baku_departures: list  # b_atd of `eastbound`, ascending
    eastbound: list


class FerryTimetable:
    """The ferry rotations of one seed and lane count, indexed by departure for the wagons' searches."""

    def __init__(self, seed: int, lanes: int):
        self.seed, self.lanes = seed, lanes
        self.ferries = [v for v in vessels() if v["kind"] == "RAIL_FERRY"]
        self._days: dict[int, RotationDay] = {}  # pure memo (a race only builds a day twice); cleared when large

    def day(self, ordinal: int) -> RotationDay:
        got = self._days.get(ordinal)
        if got is None:
            d = date.fromordinal(ordinal)
            rots = tuple(make_rotation(self.seed, self.lanes, self.ferries, d, k) for k in range(self.lanes))
            live = [r for r in rots if not r.cancelled]
            west = sorted(live, key=lambda r: r.a_atd)  # stable: ties keep lane order
            # A ferry a storm held sails back from Alat without wagons: its lane's Aktau call three days on,
            # where eastbound wagons are discharged, keeps its own day.
            east = sorted((r for r in live if not r.hold), key=lambda r: r.b_atd)
            got = RotationDay(rots, [r.a_atd for r in west], west, [r.b_atd for r in east], east)
            if len(self._days) > 4096:
                self._days.clear()
            self._days[ordinal] = got
        return got

    def rotations_on(self, d: date) -> list[Rotation]:
        return list(self.day(d.toordinal()).rotations)

    def westbound(self, ready: int) -> Rotation | None:
        """The ferry a wagon ready at Aktau at `ready` sails on: the earliest that can still load it among the
        sailings of the day before and the day itself, else of the first later day with one (up to 4 days on)."""
        first = EPOCH_ORDINAL + ready // DAY - 1
        limit = ready + LOAD_CUTOFF
        best = None
        for i in range(6):
            day = self.day(first + i)
            times = day.aktau_departures
            n = bisect_left(times, limit)
            if n < len(times) and (best is None or times[n] < best.a_atd):
                best = day.westbound[n]
            if best is not None and i >= 1:
                return best
        return best

    def eastbound(self, ready: int) -> tuple[Rotation, Rotation]:
        """The ferry a wagon ready at Alat at `ready` sails on (the earliest among two days before to the day
        itself, else of the first later day with one), and the Aktau call of its lane three days on that discharges it."""
        first = EPOCH_ORDINAL + ready // DAY - 2
        limit = ready + LOAD_CUTOFF
        best = None
        for i in range(7):
            day = self.day(first + i)
            times = day.baku_departures
            n = bisect_left(times, limit)
            if n < len(times) and (best is None or times[n] < best.b_atd):
                best = day.eastbound[n]
            if best is not None and i >= 2:
                break
        ordinal, k = best.key[1:].split(".")
        return best, self.day(int(ordinal) + 3).rotations[int(k)]
