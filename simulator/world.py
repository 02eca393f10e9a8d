"""The corridor world: one deterministic model of trains, wagons and vessel calls that every feed is a view of.

Times are integer seconds since 1970-01-01 UTC. Everything is derived from (seed, date, index), so any day
can be generated on demand, in any order, with the same result.
"""
from __future__ import annotations

import calendar
import contextlib
import functools
import gc
import random
from _random import Random as _CRandom  # random.Random's core: same seeding, same stream
from bisect import bisect_left
import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from corridor.checkdigits import with_check_digit
from corridor.reference import vessels

HOUR = 3600
DAY = 86400
FIRST_DATE = date(2023, 1, 1)
_EPOCH = datetime(1970, 1, 1)

# Stations (simulated ESR codes of reference/locations.md).
XIAN, ALTYNKOL, DOSTYK, ALMATY, SHU, KYZYLORDA = "990014", "705509", "703202", "700007", "690801", "670102"
BEYNEU, MANGYSHLAK, AKTAU_PORT = "662002", "663005", "663109"
ALAT, BAKU_TOV, ABSHERON, GANJA, BOYUK_KESIK = "552508", "551007", "551204", "556000", "558006"

# KTZ main line towards the Caspian: (station, hours from the previous station, stop hours or 0 = passes).
KZ_LINE = [(ALMATY, 0, 2.0), (SHU, 5.0, 0), (KYZYLORDA, 17.0, 2.0), (BEYNEU, 15.0, 3.0), (MANGYSHLAK, 9.0, 0), (AKTAU_PORT, 1.5, 0)]
BORDER_TO_ALMATY = {ALTYNKOL: 9.0, DOSTYK: 14.0}
XIAN_TO_BORDER_H = 107.0  # calibrated with the other legs to a median door-to-door transit of 11 days
BORDER_DWELL_H = (8.0, 20.0)
# ADY lines from the port station at Alat: (station, hours from the previous station).
AZ_LINES = {
    BAKU_TOV: [(ALAT, 0), (BAKU_TOV, 1.8)],
    ABSHERON: [(ALAT, 0), (ABSHERON, 2.6)],
    GANJA: [(ALAT, 0), (GANJA, 6.0)],
    BOYUK_KESIK: [(ALAT, 0), (GANJA, 6.0), (BOYUK_KESIK, 2.5)],
}


_EPOCH_ORD = 719163  # date(1970, 1, 1).toordinal()


def to_ts(dt: datetime | date) -> int:
    if not isinstance(dt, datetime):
        return (dt.toordinal() - _EPOCH_ORD) * DAY
    return int((dt - _EPOCH).total_seconds())


def from_ts(t: int) -> datetime:
    return _EPOCH + timedelta(seconds=t)


def day_of(t: int) -> date:
    return date.fromordinal(_EPOCH_ORD + t // DAY)


_GC_LOCK = threading.Lock()
_GC_PAUSES = [0, False]  # active pauses, whether the collector was enabled before the first


@contextlib.contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building journeys or records (nothing built has cycles).

    Building allocates hundreds of thousands of lists, dicts and objects that stay cached; every automatic
    collection then walks the whole cache, which costs more than the building itself. Nested and concurrent
    pauses are counted; the collector is enabled again (if it was) when the last one ends."""
    with _GC_LOCK:
        if _GC_PAUSES[0] == 0:
            _GC_PAUSES[1] = gc.isenabled()
            gc.disable()
        _GC_PAUSES[0] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES[0] -= 1
            if _GC_PAUSES[0] == 0 and _GC_PAUSES[1]:
                gc.enable()


def _fmix(h: int) -> int:
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def unit(*parts: object) -> float:
    """A deterministic number in [0, 1) from the parts (stable across runs, unlike hash())."""
    return _fmix(zlib.crc32("|".join(map(str, parts)).encode())) / 4294967296.0


def rng_for(*parts: object) -> random.Random:
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()) * 7919 + len(parts))


@dataclass(frozen=True)
class Cargo:
    etsng: str
    gng: str
    en: str
    az: str

    @property
    def hs(self) -> str:
        return self.gng[:6]


WEST_CARGO = [
    (Cargo("011005", "10019900", "Wheat", "Buğda"), 30), (Cargo("012008", "10039000", "Barley", "Arpa"), 8),
    (Cargo("214208", "27101943", "Diesel fuel", "Dizel yanacağı"), 14), (Cargo("211051", "27101962", "Fuel oil", "Mazut"), 8),
    (Cargo("321017", "72083900", "Flat-rolled steel", "Polad təbəqə"), 10), (Cargo("352219", "74031100", "Copper cathodes", "Mis katodlar"), 5),
    (Cargo("434117", "31023010", "Ammonium nitrate", "Ammonium nitrat"), 8), (Cargo("434085", "31021010", "Urea", "Karbamid"), 6),
    (Cargo("485223", "28151100", "Caustic soda", "Kaustik soda"), 4), (Cargo("161005", "15121191", "Sunflower oil", "Günəbaxan yağı"), 7),
]
EAST_CARGO = [
    (Cargo("214208", "27101943", "Diesel fuel", "Dizel yanacağı"), 25), (Cargo("486174", "39021000", "Polypropylene", "Polipropilen"), 20),
    (Cargo("485223", "28151100", "Caustic soda", "Kaustik soda"), 10), (Cargo("542016", "52010010", "Raw cotton", "Xam pambıq"), 10),
    (Cargo("391024", "73042900", "Steel pipes", "Polad borular"), 15), (Cargo("129018", "08051000", "Oranges", "Portağal"), 8),
    (Cargo("201019", "27090090", "Crude oil", "Xam neft"), 12),
]
CONTAINER_CARGO = [
    (Cargo("693056", "85176200", "Electronics", "Elektronika"), 20), (Cargo("391159", "87089997", "Auto parts", "Avtomobil hissələri"), 18),
    (Cargo("161133", "09024000", "Tea", "Çay"), 8), (Cargo("161086", "09011100", "Coffee", "Qəhvə"), 4),
    (Cargo("542082", "52085900", "Textiles", "Parçalar"), 15), (Cargo("693181", "94036010", "Furniture", "Mebel"), 12),
    (Cargo("391210", "84818099", "Valves and fittings", "Armatur"), 10), (Cargo("693147", "64039900", "Footwear", "Ayaqqabı"), 8),
]
ISO_MIX = [("45G1", 70), ("42G1", 12), ("22G1", 10), ("25G1", 3), ("22T6", 2), ("45R1", 2), ("L5G1", 1)]
KZ_ORIGINS = [(ALTYNKOL, 14), (DOSTYK, 14), (ALMATY, 16), (SHU, 10), (KYZYLORDA, 20), (BEYNEU, 10), (MANGYSHLAK, 16)]
AZ_DESTS = [(BAKU_TOV, 25), (ABSHERON, 10), (GANJA, 25), (BOYUK_KESIK, 40)]
AZ_ORIGINS = [(BAKU_TOV, 35), (GANJA, 25), (BOYUK_KESIK, 40)]
KZ_DESTS = [(BEYNEU, 10), (KYZYLORDA, 20), (SHU, 10), (ALMATY, 30), (ALTYNKOL, 15), (DOSTYK, 15)]
OWNERS = ["KTZU", "CSQU", "TGHU", "FSCU", "BMOU", "SEGU"]
WEST_SHARE = 0.8
_KZ_ORIGIN_IDX = {s: n for n, (s, _) in enumerate(KZ_ORIGINS)}
_AZ_DEST_IDX = {s: n for n, (s, _) in enumerate(AZ_DESTS)}
_AZ_ORIGIN_IDX = {s: n for n, (s, _) in enumerate(AZ_ORIGINS)}
_KZ_DEST_IDX = {s: n for n, (s, _) in enumerate(KZ_DESTS)}
CANCEL_SHARE = 0.01
WEIGHT_MISMATCH_SHARE = 0.015


_TOTALS: dict[int, int] = {}


def _pick(rng: random.Random, table: list) -> object:
    total = _TOTALS.get(id(table))
    if total is None:
        total = _TOTALS[id(table)] = sum(w for _, w in table)
    x = rng.random() * total
    for item, w in table:
        x -= w
        if x < 0:
            return item
    return table[-1][0]


def wagons_per_day(d: date) -> float:
    """Expected wagonload consignments a day at scale 1: growth from ~114 (Jan 2023) to ~140 (Jan 2024) and on."""
    years = (d - FIRST_DATE).days / 365.0
    weekly = (1.04, 1.04, 1.02, 1.02, 1.0, 0.96, 0.92)[d.weekday()]
    return (113.4 + 23.5 * years) * weekly


def xb_trains_in_month(year: int, month: int) -> int:
    """Xi'an–Baku block trains planned a month: ramping up through 2023, 10 a month from 2024."""
    if year < 2024:
        return 4 + (month - 1) // 2
    return 10


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
    feeder: bool = False


class Journey:
    """One consignment (container or wagon) end to end, with every operator's events in neutral form."""

    __slots__ = (
        "kind", "jn", "waybill", "container", "iso", "wagon", "ady_wagon", "cargo", "weight_kg", "other_weight_kg",
        "origin", "dest", "accepted", "cancelled", "ktz_train", "ady_train", "ktz_ops", "ady_ops", "aktau_moves",
        "baku_events", "ktz_cargo", "ady_cargo", "manifest", "declaration", "rotation", "departed", "arrived",
    )

    def __init__(self, kind: str, jn: int):
        self.kind = kind  # XB (Xi'an–Baku container), W (westbound wagon), E (eastbound wagon)
        self.jn = jn
        self.container = self.iso = self.ktz_train = self.ady_train = None
        self.cancelled = False
        self.ktz_ops: list = []  # (code, t, esr, train_no)
        self.ady_ops: list = []  # (code, t, esr, train_no)
        self.aktau_moves: list = []  # (moveType, t, mode, ref, call_id)
        self.baku_events: list = []  # (Type, t, mode, attrs, facility)
        self.ktz_cargo: list = []  # (status, t, weight_kg)
        self.ady_cargo: list = []
        self.manifest = None  # (rotation, t)
        self.declaration = None  # (rotation, t, direction)
        self.rotation = None
        self.departed = self.arrived = None

    @property
    def crosses(self) -> bool:
        return bool(self.ktz_cargo) and bool(self.ady_cargo) and not self.cancelled


@dataclass
class XbTrain:
    seq: int
    service_date: date  # local date (Asia/Shanghai) of the planned departure from Xi'an
    train_no: str
    ady_train_no: str
    border: str
    planned: list  # [(esr, arr_ts|None, dep_ts|None)] KTZ plan, nominal times
    actual: list  # same shape, what happened
    feeder: Rotation
    ady_planned: list
    ady_actual: list
    ady_plan_published: int


class _Lru:
    """A small thread-safe LRU cache with a budget in items (each value reports its own size)."""

    def __init__(self, budget: int):
        self.budget, self.used, self.data, self.lock = budget, 0, OrderedDict(), threading.Lock()

    def peek(self, key):
        """The cached value (marked as recently used), or None."""
        with self.lock:
            got = self.data.get(key)
            if got is None:
                return None
            self.data.move_to_end(key)
            return got[0]

    def put(self, key, value, size=len) -> None:
        n = max(1, size(value))
        with self.lock:
            if key in self.data:
                return
            self.data[key] = (value, n)
            self.used += n
            while self.used > self.budget and len(self.data) > 1:
                _, (_, m) = self.data.popitem(last=False)
                self.used -= m

    def get(self, key, make, size=len):
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                return self.data[key][0]
        value = make()
        n = max(1, size(value))
        with self.lock:
            if key not in self.data:
                self.data[key] = (value, n)
                self.used += n
                while self.used > self.budget and len(self.data) > 1:
                    _, (_, m) = self.data.popitem(last=False)
                    self.used -= m
        return value


_AZ_WEST_RUNS = {dest: [(s, h, 1.0) for s, h in line] for dest, line in AZ_LINES.items()}
_AZ_EAST_RUNS = {o: [(line[-1][0], 0, 0)] + [(line[n - 1][0], line[n][1], 1.0) for n in range(len(line) - 1, 0, -1)]
                 for o, line in AZ_LINES.items()}


def _yy(d: date) -> str:
    return f"{d.year % 100:02d}"


def _yday(d: date) -> int:
    return d.toordinal() - date(d.year, 1, 1).toordinal() + 1


_DIGIT_SUM = ([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], list(range(10)))  # digit sum of d*2 and d*1 (checkdigits.wagon_check_digit)


def _wagon_no(rng: random.Random, first: str) -> str:
    body = first + f"{rng.randrange(1_000_000):06d}"
    w2, w1 = _DIGIT_SUM
    total = w2[int(body[0])] + w1[int(body[1])] + w2[int(body[2])] + w1[int(body[3])] + w2[int(body[4])] + w1[int(body[5])] + w2[int(body[6])]
    return f"{body}{(10 - total % 10) % 10}"


# Fast paths of _pick and _wagon_no for the wagon journeys (same arithmetic, same random draws).
_W_CARGO = [(c, w, "7" if c.gng.startswith("27") else "6" if c.gng[:2] in ("72", "74") else "9") for c, w in WEST_CARGO]
_E_CARGO = [(c, w, "7" if c.gng.startswith("27") else "9") for c, w in EAST_CARGO]
_W_CARGO_TOTAL, _E_CARGO_TOTAL = sum(w for _, w in WEST_CARGO), sum(w for _, w in EAST_CARGO)
_KZ_ORIGINS_TOTAL, _AZ_DESTS_TOTAL = sum(w for _, w in KZ_ORIGINS), sum(w for _, w in AZ_DESTS)
_AZ_ORIGINS_TOTAL, _KZ_DESTS_TOTAL = sum(w for _, w in AZ_ORIGINS), sum(w for _, w in KZ_DESTS)
_W2 = {str(n): _DIGIT_SUM[0][n] for n in range(10)}
_TA = [_DIGIT_SUM[1][n // 100] + _DIGIT_SUM[0][n // 10 % 10] + _DIGIT_SUM[1][n % 10] for n in range(1000)]  # digits 2-4
_TB = [_DIGIT_SUM[0][n // 100] + _DIGIT_SUM[1][n // 10 % 10] + _DIGIT_SUM[0][n % 10] for n in range(1000)]  # digits 5-7
_CHECK = [(10 - t % 10) % 10 for t in range(100)]


class World:
    """Ground truth of the corridor for one seed and scale; days are generated on demand and cached (LRU)."""

    def __init__(self, seed: int = 7, scale: float = 1.0, cache_journeys: int = 400_000):
        self.seed, self.scale = seed, scale
        self.lanes = max(1, -(-int(wagons_per_day(date(2025, 1, 1)) * WEST_SHARE * scale * 1.2) // 50))
        self._days = _Lru(cache_journeys)
        self._small = _Lru(20_000)
        # Pure, deterministic memo tables (a race only computes a value twice); cleared when they grow large.
        self._rot_days: dict = {}  # ordinal → (rotations, west index, east index)
        self._runs: dict = {}
        self._deps: dict = {}
        self._legs: dict = {}  # (train key, departure day) → _leg
        self.ferries = [v for v in vessels() if v["kind"] == "RAIL_FERRY"]
        self.feeders = [v for v in vessels() if v["kind"] == "CONTAINER_FEEDER"]

    # --- vessel rotations -------------------------------------------------------------------------------
    def rotation(self, d: date, k: int) -> Rotation:
        return self._small.get(("rot", d, k), lambda: self._make_rotation(d, k), size=lambda _: 1)

    def _make_rotation(self, d: date, k: int) -> Rotation:
        rng = rng_for(self.seed, "rot", d.toordinal(), k)
        v = self.ferries[(d.toordinal() + k) % len(self.ferries)]
        a_atd = to_ts(d) + int((6 + 24 * k / self.lanes + rng.uniform(-1.5, 1.5)) * HOUR)
        a_ata = a_atd - int(rng.uniform(10, 16) * HOUR)
        b_ata = a_atd + int((rng.uniform(20, 22) + (rng.uniform(2, 8) if rng.random() < 0.05 else 0)) * HOUR)
        yy, doy = d.strftime("%y"), d.timetuple().tm_yday
        prev = d - timedelta(days=3)
        return Rotation(
            key=f"R{d.toordinal()}.{k}", vessel_imo=v["imo"], vessel_name=v["name"],
            a_call=f"AKX-{d.year}-{doy:03d}{k}", b_call=f"BAK-{d.year}-{doy:03d}{k}",
            voy_west=f"{yy}W{doy:03d}{k}", voy_east=f"{yy}E{doy:03d}{k}",
            voy_in_aktau=f"{prev:%y}E{prev.timetuple().tm_yday:03d}{k}", berth=f"B{1 + k % 4}",
            a_ata=a_ata, a_atb=a_ata + int(rng.uniform(0.5, 2) * HOUR), a_atd=a_atd,
            b_ata=b_ata, b_atb=b_ata + int(rng.uniform(0.5, 2) * HOUR), b_atd=b_ata + int(rng.uniform(10, 16) * HOUR),
            cancelled=rng.random() < 0.01,
        )

    def rotations_on(self, d: date) -> list[Rotation]:
        return list(self._rot_day(d.toordinal())[0])

    def _rot_day(self, ordinal: int) -> tuple:
        """A day's rotations, with the non-cancelled ones sorted by Aktau and by Baku departure (for searches)."""
        got = self._rot_days.get(ordinal)
        if got is None:
            d = date.fromordinal(ordinal)
            rots = tuple(self.rotation(d, k) for k in range(self.lanes))
            live = [r for r in rots if not r.cancelled]
            west = sorted(live, key=lambda r: r.a_atd)  # stable: ties keep lane order
            east = sorted(live, key=lambda r: r.b_atd)
            got = (rots, [r.a_atd for r in west], west, [r.b_atd for r in east], east)
            if len(self._rot_days) > 4096:
                self._rot_days.clear()
            self._rot_days[ordinal] = got
        return got

    def _west_rotation(self, ready: int) -> Rotation:
        """The first ferry leaving Aktau that can still load a wagon ready at `ready`."""
        first = _EPOCH_ORD + ready // DAY - 1
        limit = ready + int(1.5 * HOUR)  # r.a_atd - 1.5 h >= ready
        best = None
        for i in range(6):
            _, times, rots, _, _ = self._rot_day(first + i)
            n = bisect_left(times, limit)
            if n < len(times) and (best is None or times[n] < best.a_atd):
                best = rots[n]
            if best is not None and i >= 1:
                return best
        return best

    def _east_rotation(self, ready: int) -> tuple[Rotation, Rotation]:
        """The first ferry leaving Baku for a wagon ready at `ready`, and the Aktau call that discharges it."""
        first = _EPOCH_ORD + ready // DAY - 2
        limit = ready + int(1.5 * HOUR)
        best = None
        for i in range(7):
            _, _, _, times, rots = self._rot_day(first + i)
            n = bisect_left(times, limit)
            if n < len(times) and (best is None or times[n] < best.b_atd):
                best = rots[n]
            if best is not None and i >= 2:
                break
        ordinal, k = best.key[1:].split(".")
        arr = self._rot_day(int(ordinal) + 3)[0][int(k)]
        return best, arr

    # --- trains -------------------------------------------------------------------------------------------
    def _run(self, key: str, stations: list, t_dep: int, factor_range=(0.95, 1.15)) -> list:
        """A train run along `stations` [(esr, hours_from_prev, stop_hours)], shared by all its wagons."""
        def make():
            rng = rng_for(self.seed, "run", key)
            f = rng.uniform(*factor_range)
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
        got = self._runs.get((key, t_dep))
        if got is None:
            got = make()
            if len(self._runs) > 20_000:
                self._runs.clear()
            self._runs[(key, t_dep)] = got
        return got

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def _kz_west(origin: str) -> list:
        if origin in BORDER_TO_ALMATY:
            return [(origin, 0, 0)] + [(ALMATY, BORDER_TO_ALMATY[origin], 2.0)] + KZ_LINE[1:]
        idx = [s for s, _, _ in KZ_LINE].index(origin)
        return [(origin, 0, 0)] + KZ_LINE[idx + 1:]

    @staticmethod
    @functools.lru_cache(maxsize=None)
    def _kz_east(dest: str) -> list:
        line = [(AKTAU_PORT, 0, 0)]
        west = KZ_LINE[::-1]  # walk back from the port
        hours = {s: h for s, h, _ in KZ_LINE}
        prev = AKTAU_PORT
        for esr, _, stop in west[1:]:
            line.append((esr, hours[prev], stop))
            prev = esr
            if esr == dest:
                break
        if dest in BORDER_TO_ALMATY:
            line.append((dest, BORDER_TO_ALMATY[dest], 0))
        return line

    @staticmethod
    def _daily_departure(seed: int, key: str, d: date) -> int:
        return to_ts(d) + int((2 + 20 * unit(seed, "dep", key, d.toordinal())) * HOUR)

    def _next_departure(self, key: str, ready: int) -> tuple[int, date]:
        first = _EPOCH_ORD + ready // DAY
        deps = self._deps
        for i in range(3):
            got = deps.get((key, first + i))
            if got is None:
                d = date.fromordinal(first + i)
                got = (self._daily_departure(self.seed, key, d), d)
                if len(deps) > 20_000:
                    deps.clear()
                deps[(key, first + i)] = got
            if got[0] >= ready:
                return got
        return got

    # --- Xi'an–Baku block trains ----------------------------------------------------------------------------
    def xb_trains(self, year: int, month: int) -> list[XbTrain]:
        return self._small.get(("xb", year, month), lambda: self._make_xb_trains(year, month), size=lambda _: 200)

    def _make_xb_trains(self, year: int, month: int) -> list[XbTrain]:
        from corridor.timeutil import local_to_utc

        if date(year, month, 1) < FIRST_DATE:
            return []
        n, ndays = xb_trains_in_month(year, month), calendar.monthrange(year, month)[1]
        base_seq = ((year - 2023) * 12 + month - 1) * 10
        trains = []
        for j in range(n):
            rng = rng_for(self.seed, "xb", year, month, j)
            day = min(ndays, max(1, 1 + int((j + 0.5) * ndays / n) + rng.choice((-1, 0, 0, 1))))
            sd = date(year, month, day)
            seq = base_seq + j
            border = ALTYNKOL if rng.random() < 0.6 else DOSTYK
            p_dep = to_ts(local_to_utc(datetime(year, month, day, 22, 0), "Asia/Shanghai"))
            stations = [(XIAN, 0, 0), (border, XIAN_TO_BORDER_H, sum(BORDER_DWELL_H) / 2)] + self._kz_west(border)[1:]
            planned, t = [], p_dep
            for i, (esr, hrs, stop) in enumerate(stations):
                if i == 0:
                    planned.append((esr, None, t))
                    continue
                t += int(hrs * HOUR)
                if i == len(stations) - 1:
                    planned.append((esr, t, None))
                else:
                    planned.append((esr, t, t + int(stop * HOUR)))
                    t += int(stop * HOUR)
            # What happened: a departure delay, then per-leg variation and the odd long hold-up.
            a_dep = p_dep + int((rng.uniform(0, 1) if rng.random() < 0.8 else rng.uniform(1, 8)) * HOUR)
            actual, t = [], a_dep
            for i, (esr, hrs, stop) in enumerate(stations):
                if i == 0:
                    actual.append((esr, None, t))
                    continue
                leg = hrs * rng.uniform(0.95, 1.08) + (rng.uniform(6, 30) if i == 1 and rng.random() < 0.15 else 0)
                leg += rng.uniform(1, 5) if rng.random() < 0.05 else 0
                t += int(leg * HOUR)
                if i == len(stations) - 1:
                    actual.append((esr, t, None))
                else:
                    dwell = rng.uniform(*BORDER_DWELL_H) if i == 1 else (stop * rng.uniform(0.8, 1.5) if stop else 0)
                    actual.append((esr, t, t + int(dwell * HOUR)))
                    t += int(dwell * HOUR)
            port_arr = actual[-1][1]
            feeder = self._feeder(seq, port_arr, rng)
            ady_dep = feeder.b_atb + int(rng.uniform(16, 24) * HOUR)
            ady_arr = ady_dep + int(rng.uniform(2.4, 3.6) * HOUR)
            p_ady_dep = feeder.a_atd + int(42 * HOUR)
            p_ady_dep -= p_ady_dep % (10 * 60)
            trains.append(XbTrain(
                seq=seq, service_date=sd, train_no=f"87{seq % 100:02d}", ady_train_no=f"55{seq % 100:02d}", border=border,
                planned=planned, actual=actual, feeder=feeder,
                ady_planned=[(ALAT, None, p_ady_dep), (ABSHERON, p_ady_dep + int(2.6 * HOUR) // 600 * 600, None)],
                ady_actual=[(ALAT, None, ady_dep), (ABSHERON, ady_arr, None)],
                ady_plan_published=feeder.a_atd + int(rng.uniform(1, 3) * HOUR),
            ))
        return trains

    def _feeder(self, seq: int, port_arr: int, rng: random.Random) -> Rotation:
        v = self.feeders[seq % len(self.feeders)]
        a_atd = port_arr + int(rng.uniform(20, 34) * HOUR)
        a_ata = a_atd - int(rng.uniform(10, 16) * HOUR)
        b_ata = a_atd + int(rng.uniform(20, 22) * HOUR)
        d = day_of(a_atd)
        yy = d.strftime("%y")
        return Rotation(
            key=f"F{seq}", vessel_imo=v["imo"], vessel_name=v["name"], a_call=f"AKX-{d.year}-F{seq:03d}",
            b_call=f"BAK-{d.year}-F{seq:03d}", voy_west=f"{yy}F{seq:03d}W", voy_east=f"{yy}F{seq:03d}E",
            voy_in_aktau=f"{yy}F{seq:03d}B", berth="B5", a_ata=a_ata, a_atb=a_ata + int(rng.uniform(0.5, 2) * HOUR),
            a_atd=a_atd, b_ata=b_ata, b_atb=b_ata + int(rng.uniform(0.5, 2) * HOUR), b_atd=b_ata + int(rng.uniform(8, 14) * HOUR),
            feeder=True,
        )

    def xb_journeys(self, year: int, month: int) -> list[Journey]:
        return self._days.get(("xbj", year, month), lambda: self._make_xb_journeys(year, month))

    def _make_xb_journeys(self, year: int, month: int) -> list[Journey]:
        out = []
        for tr in self.xb_trains(year, month):
            rng = rng_for(self.seed, "xbj", tr.seq)
            p_dep = tr.actual[0][2]
            ady_dep = tr.ady_actual[0][2]
            ady_arr = tr.ady_actual[1][1]
            fd = tr.feeder
            yy = str(tr.service_date.year)[2:]
            for c in range(61):
                j = Journey("XB", 900_000_000 + tr.seq * 100 + c)
                j.waybill = f"{yy}KZ{9_000_000 + tr.seq * 100 + c:07d}"
                owner = OWNERS[(tr.seq + c) % len(OWNERS)]
                j.container = with_check_digit("container", f"{owner}{(tr.seq * 61 + c) * 7 % 1_000_000:06d}")
                j.iso = _pick(rng, ISO_MIX)
                j.wagon = _wagon_no(rng, "5")
                j.ady_wagon = _wagon_no(rng, "5")
                j.cargo = _pick(rng, CONTAINER_CARGO)
                lo, hi = (8000, 24000) if j.iso[0] == "2" else (10000, 28000)
                j.weight_kg = int(rng.uniform(lo, hi)) // 10 * 10
                j.other_weight_kg = j.weight_kg
                j.origin, j.dest = XIAN, ABSHERON
                j.accepted = p_dep - int(rng.uniform(4, 48) * HOUR)
                j.ktz_train, j.ady_train = tr.train_no, tr.ady_train_no
                j.departed, j.arrived = p_dep, ady_arr
                ops = [("01", j.accepted, XIAN, None)]
                for esr, arr, dep in tr.actual:
                    if arr is not None:
                        ops.append(("03", arr, esr, tr.train_no))
                    if dep is not None:
                        ops.append(("02", dep, esr, tr.train_no))
                port_arr = tr.actual[-1][1]
                t07 = port_arr + int(rng.uniform(1, 8) * HOUR)
                t06 = t07 + int(rng.uniform(5, 30) * 60)
                ops += [("07", t07, AKTAU_PORT, tr.train_no), ("06", t06, AKTAU_PORT, tr.train_no)]
                j.ktz_ops = ops
                t_rd = t06 + int(rng.uniform(0, 10) * 60)
                t_load = max(t_rd + HOUR, fd.a_atb + HOUR // 2)
                t_load += int(rng.uniform(0, max(0.1, (fd.a_atd - HOUR - t_load) / HOUR)) * HOUR)
                moves = [("RAIL_DISCHARGE", t_rd, "RAIL", tr.train_no, None)]
                if rng.random() < 0.3:
                    moves.append(("YARD_SHIFT", (t_rd + t_load) // 2, None, None, None))
                moves.append(("VESSEL_LOAD", t_load, "VESSEL", "IMO" + fd.vessel_imo, fd.a_call))
                j.aktau_moves = moves
                t_disc = fd.b_atb + int(rng.uniform(0.5, 8) * HOUR)
                t_rlod = t_disc + int(rng.uniform(1, 6) * HOUR)
                j.baku_events = [
                    ("DISC", t_disc, "VESSEL", {"imo": fd.vessel_imo, "voyage": fd.voy_west}, "ALAT-MT"),
                    ("RLOD", t_rlod, "RAIL", {"train": tr.ady_train_no, "wagon": j.ady_wagon}, "ALAT-RT"),
                ]
                t_qbs = t_rlod + int(rng.uniform(0, 20) * 60)
                t_bos = ady_arr + int(rng.uniform(1, 6) * HOUR)
                j.ady_ops = [("QBS", t_qbs, ALAT, tr.ady_train_no), ("GDS", ady_dep, ALAT, tr.ady_train_no),
                             ("GLS", ady_arr, ABSHERON, tr.ady_train_no), ("BOS", t_bos, ABSHERON, tr.ady_train_no),
                             ("TSL", t_bos + int(rng.uniform(0.5, 3) * HOUR), ABSHERON, None)]
                j.ktz_cargo = [("ACCEPTED", j.accepted, j.weight_kg), ("IN_TRANSIT", p_dep, j.weight_kg), ("HANDED_OVER", t06, j.weight_kg)]
                j.ady_cargo = [("YOLDA", t_qbs, j.weight_kg), ("CATDI", j.ady_ops[-1][1], j.weight_kg)]
                j.manifest = (fd, fd.a_atd)
                j.declaration = (fd, t_disc + int(rng.uniform(0.2, 3) * HOUR), "W")
                j.rotation = fd
                out.append(j)
        return out

    # --- wagonload traffic across the Caspian ---------------------------------------------------------------
    def wagon_count(self, d: date) -> tuple[int, int]:
        rng = rng_for(self.seed, "count", d.toordinal())
        total = wagons_per_day(d) * self.scale * rng.uniform(0.93, 1.07)
        west = int(round(total * WEST_SHARE))
        return west, int(round(total)) - west

    def wagon_journeys(self, d: date) -> list[Journey]:
        """Wagonload consignments accepted on UTC date `d` (westbound at KTZ, eastbound at ADY)."""
        def make():
            with gc_paused():
                return self._make_wagons(d)
        return self._days.get(("wag", d), make)

    def _make_wagons(self, d: date) -> list[Journey]:
        if d < FIRST_DATE:
            return []
        west, east = self.wagon_count(d)
        base = (d - FIRST_DATE).days * 100_000
        return self._make_west(d, west, base) + self._make_east(d, east, base + 50_000)

    def _west(self, d: date, i: int, jn: int) -> Journey:
        return self._make_west(d, 1, jn - i, i)[0]

    def _east(self, d: date, i: int, jn: int) -> Journey:
        return self._make_east(d, 1, jn - i, i)[0]

    def _leg(self, key: str, ready: int, stations: list, prefix: str, op: str) -> tuple:
        """The train `key` that first leaves at or after `ready`: (departure, train number, run, rail operations).

        The same as _next_departure, then _run and _rail_ops of that day's train, memoised per (key, day)."""
        first = _EPOCH_ORD + ready // DAY
        deps = self._deps
        for o in (first, first + 1, first + 2):
            got = deps.get((key, o))
            if got is None:
                dd = date.fromordinal(o)
                got = (self._daily_departure(self.seed, key, dd), dd)
                if len(deps) > 20_000:
                    deps.clear()
                deps[(key, o)] = got
            if got[0] >= ready:
                break
        legs = self._legs
        leg = legs.get((key, o))
        if leg is None:
            t_dep = got[0]
            train = f"{prefix}{o % 100:02d}"
            run = self._run(f"{key}.{o}", stations, t_dep)
            leg = (t_dep, train, run, tuple(self._rail_ops(run, train, op)))
            if len(legs) > 20_000:
                legs.clear()
            legs[(key, o)] = leg
        return leg

    def _make_west(self, d: date, count: int, base: int, first_i: int = 0) -> list[Journey]:
        """Westbound wagons first_i … first_i+count-1 accepted on `d` (each from its own random stream, see rng_for)."""
        prefix = f"{self.seed}|W|{d.toordinal()}|"
        day0, yy, wb0 = to_ts(d), _yy(d), _yday(d) * 20000
        crc, new_rng = zlib.crc32, _CRandom
        leg, west_rotation = self._leg, self._west_rotation
        out = []
        for i in range(first_i, first_i + count):
            rng = new_rng(crc(f"{prefix}{i}".encode()) * 7919 + 4)  # rng_for(seed, "W", ordinal, i)
            r, bits = rng.random, rng.getrandbits
            j = Journey("W", base + i)
            j.waybill = f"{yy}KZ{(wb0 + i) % 10_000_000:07d}"
            x = r() * _W_CARGO_TOTAL
            for cargo, w, wfirst in _W_CARGO:
                x -= w
                if x < 0:
                    break
            j.cargo = cargo
            num = bits(20)  # randrange(1_000_000)
            while num >= 1_000_000:
                num = bits(20)
            j.wagon = j.ady_wagon = f"{wfirst}{num:06d}{_CHECK[_W2[wfirst] + _TA[num // 1000] + _TB[num % 1000]]}"
            j.weight_kg = weight = int(55_000 + (70_000 - 55_000) * r()) // 10 * 10
            if r() >= WEIGHT_MISMATCH_SHARE:
                other = weight
            else:
                c = bits(2)  # choice of three
                while c >= 3:
                    c = bits(2)
                other = int(weight * (0.95, 1.04, 0.97)[c])
            j.other_weight_kg = other
            x = r() * _KZ_ORIGINS_TOTAL
            for origin, w in KZ_ORIGINS:
                x -= w
                if x < 0:
                    break
            x = r() * _AZ_DESTS_TOTAL
            for dest, w in AZ_DESTS:
                x -= w
                if x < 0:
                    break
            j.origin, j.dest = origin, dest
            j.accepted = accepted = day0 + int(r() * DAY)
            ktz_ops = j.ktz_ops = [("05" if origin in BORDER_TO_ALMATY else "01", accepted, origin, None)]
            if r() < CANCEL_SHARE:
                j.cancelled = True
                j.ktz_cargo = [("ACCEPTED", accepted, weight), ("CANCELLED", accepted + int((2 + (20 - 2) * r()) * HOUR), weight)]
                out.append(j)
                continue
            key, kz_stations, tprefix = _KW[origin]
            t_dep, train, run, ops = leg(key, accepted + 3 * HOUR, kz_stations, tprefix, "ktz")
            j.ktz_train = train
            ktz_ops += ops
            t06 = run[-1][1] + int((1 + (3 - 1) * r()) * HOUR)
            ktz_ops.append(("06", t06, AKTAU_PORT, train))
            j.departed = t_dep
            t_rd = t06 + int((0 + (20 - 0) * r()) * 60)
            rot = west_rotation(t_rd + 2 * HOUR)
            j.rotation = rot
            t_load = max(t_rd + HOUR, rot.a_atb + HOUR // 2)
            t_load += int(max(0.05, (rot.a_atd - HOUR - t_load) / HOUR) * r() * HOUR)
            j.aktau_moves = [("RAIL_DISCHARGE", t_rd, "RAIL", train, None),
                             ("VESSEL_LOAD", t_load, "VESSEL", "IMO" + rot.vessel_imo, rot.a_call)]
            t_disc = rot.b_atb + int((0.3 + (5 - 0.3) * r()) * HOUR)
            t_rlod = t_disc + int((1 + (10 - 1) * r()) * HOUR)
            akey, az_stations, aprefix = _AW[dest]
            _, a_train, arun, aops = leg(akey, t_rlod + 2 * HOUR, az_stations, aprefix, "ady")
            j.ady_train = a_train
            j.baku_events = [("DISC", t_disc, "VESSEL", {"imo": rot.vessel_imo, "voyage": rot.voy_west}, "ALAT-FT"),
                             ("RLOD", t_rlod, "RAIL", {"train": a_train, "wagon": j.wagon}, "ALAT-RT")]
            t_qbs = t_rlod + int((0 + (30 - 0) * r()) * 60)
            ady_ops = j.ady_ops = [("QBS", t_qbs, ALAT, None), *aops]
            arr = arun[-1][1]
            j.arrived = arr
            if dest == BOYUK_KESIK:
                ady_ops.append(("SRH", arr + int((1 + (4 - 1) * r()) * HOUR), BOYUK_KESIK, a_train))
                j.ady_cargo = [("YOLDA", t_qbs, other)]
            else:
                t_tsl = arr + int((2 + (10 - 2) * r()) * HOUR)
                ady_ops.append(("TSL", t_tsl, dest, None))
                j.ady_cargo = [("YOLDA", t_qbs, other), ("CATDI", t_tsl, other)]
            ktz_cargo = j.ktz_cargo = [("ACCEPTED", accepted, weight), ("IN_TRANSIT", t_dep, weight), ("HANDED_OVER", t06, weight)]
            if r() < 0.03:  # a preliminary weight, corrected on departure
                ktz_cargo[0] = ("ACCEPTED", accepted, int(weight * (0.97 + (1.03 - 0.97) * r())) // 10 * 10)
            j.manifest = (rot, rot.a_atd)
            j.declaration = (rot, t_disc + int((0.2 + (3 - 0.2) * r()) * HOUR), "W")
            out.append(j)
        return out

    def _make_east(self, d: date, count: int, base: int, first_i: int = 0) -> list[Journey]:
        """Eastbound wagons first_i … first_i+count-1 accepted on `d` (each from its own random stream, see rng_for)."""
        prefix = f"{self.seed}|E|{d.toordinal()}|"
        day0, yy, wb0 = to_ts(d), _yy(d), _yday(d) * 20000
        crc, new_rng = zlib.crc32, _CRandom
        leg, east_rotation = self._leg, self._east_rotation
        out = []
        for i in range(first_i, first_i + count):
            rng = new_rng(crc(f"{prefix}{i}".encode()) * 7919 + 4)  # rng_for(seed, "E", ordinal, i)
            r, bits = rng.random, rng.getrandbits
            j = Journey("E", base + i)
            j.waybill = f"{yy}AZ{(wb0 + i) % 10_000_000:07d}"
            x = r() * _E_CARGO_TOTAL
            for cargo, w, wfirst in _E_CARGO:
                x -= w
                if x < 0:
                    break
            j.cargo = cargo
            num = bits(20)
            while num >= 1_000_000:
                num = bits(20)
            j.wagon = j.ady_wagon = wagon = f"{wfirst}{num:06d}{_CHECK[_W2[wfirst] + _TA[num // 1000] + _TB[num % 1000]]}"
            j.weight_kg = weight = int(55_000 + (70_000 - 55_000) * r()) // 10 * 10
            if r() >= WEIGHT_MISMATCH_SHARE:
                other = weight
            else:
                c = bits(2)
                while c >= 3:
                    c = bits(2)
                other = int(weight * (0.95, 1.04, 0.97)[c])
            j.other_weight_kg = other
            x = r() * _AZ_ORIGINS_TOTAL
            for origin, w in AZ_ORIGINS:
                x -= w
                if x < 0:
                    break
            x = r() * _KZ_DESTS_TOTAL
            for dest, w in KZ_DESTS:
                x -= w
                if x < 0:
                    break
            j.origin, j.dest = origin, dest
            j.accepted = accepted = day0 + int(r() * DAY)
            ady_ops = j.ady_ops = [("QBL", accepted, origin, None)]
            if r() < CANCEL_SHARE:
                j.cancelled = True
                j.ady_cargo = [("QEBUL", accepted, weight), ("LEGV", accepted + int((2 + (20 - 2) * r()) * HOUR), weight)]
                out.append(j)
                continue
            akey, az_stations, aprefix = _AE[origin]
            a_dep, a_train, arun, aops = leg(akey, accepted + 3 * HOUR, az_stations, aprefix, "ady")
            j.ady_train = a_train
            j.departed = a_dep
            ady_ops += aops
            t_lmt = arun[-1][1] + int((1 + (4 - 1) * r()) * HOUR)
            ady_ops.append(("LMT", t_lmt, ALAT, a_train))
            j.ady_cargo = [("QEBUL", accepted, weight), ("YOLDA", a_dep, weight)]
            t_rdsc = t_lmt + int((0 + (30 - 0) * r()) * 60)
            rot, arr_rot = east_rotation(t_rdsc + 2 * HOUR)
            j.rotation = rot
            t_load = max(t_rdsc + HOUR, rot.b_atb + HOUR // 2)
            t_load += int(max(0.05, (rot.b_atd - HOUR - t_load) / HOUR) * r() * HOUR)
            j.baku_events = [("RDSC", t_rdsc, "RAIL", {"train": a_train, "wagon": wagon}, "ALAT-RT"),
                             ("LOAD", t_load, "VESSEL", {"imo": rot.vessel_imo, "voyage": rot.voy_east}, "ALAT-FT")]
            j.declaration = (rot, t_rdsc + int((0.2 + (3 - 0.2) * r()) * HOUR), "E")
            t_vd = arr_rot.a_atb + int((0.3 + (4 - 0.3) * r()) * HOUR)
            t_rl = t_vd + int((1 + (10 - 1) * r()) * HOUR)
            key, kz_stations, tprefix = _KE[dest]
            _, train, run, ops = leg(key, t_rl + 2 * HOUR, kz_stations, tprefix, "ktz")
            j.ktz_train = train
            j.aktau_moves = [("VESSEL_DISCHARGE", t_vd, "VESSEL", "IMO" + arr_rot.vessel_imo, arr_rot.a_call),
                             ("RAIL_LOAD", t_rl, "RAIL", train, None)]
            t10 = t_rl + int((0 + (30 - 0) * r()) * 60)
            ktz_ops = j.ktz_ops = [("10", t10, AKTAU_PORT, None), *ops]
            t_arr = run[-1][1]
            t09 = t_arr + int((2 + (10 - 2) * r()) * HOUR)
            ktz_ops.append(("09", t09, dest, None))
            j.arrived = t_arr
            j.ktz_cargo = [("IN_TRANSIT", t10, other), ("DELIVERED", t09, other)]
            out.append(j)
        return out

    @staticmethod
    def _rail_ops(run: list, train: str, op: str) -> list:
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

    # --- what can publish on a day -------------------------------------------------------------------------
    SPAN_DAYS = 21  # origin day → last publication (journey, 72 h lateness, corrections)

    def journeys_publishing_on(self, d: date):
        """Every journey that can have a record published on UTC date `d`."""
        for k in range(self.SPAN_DAYS, -1, -1):
            yield from self.wagon_journeys(d - timedelta(days=k))
        for y, m in months_between(d - timedelta(days=24), d + timedelta(days=3)):
            yield from self.xb_journeys(y, m)

    def journeys_publishing_on_ts(self, t: int):
        return self.journeys_publishing_on(day_of(t))

    def rotations_publishing_on(self, d: date):
        """Ferry rotations and feeder calls with a version that can publish on UTC date `d`."""
        for k in range(-3, 6):
            yield from self.rotations_on(d + timedelta(days=k))
        for y, m in months_between(d - timedelta(days=24), d):
            for tr in self.xb_trains(y, m):
                yield tr.feeder

    def xb_trains_between(self, a: date, b: date) -> list[XbTrain]:
        out = []
        for y, m in months_between(a, b):
            out += self.xb_trains(y, m)
        return out


def months_between(a: date, b: date) -> list[tuple[int, int]]:
    """(year, month) pairs from a's month to b's month, from 2023 on."""
    out, y, m = [], a.year, a.month
    while (y, m) <= (b.year, b.month):
        if (y, m) >= (FIRST_DATE.year, FIRST_DATE.month):
            out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


# Train keys, stations and train-number prefixes of the wagonload legs (World._make_west / _make_east).
_KW = {o: (f"KW{o}", World._kz_west(o), f"2{_KZ_ORIGIN_IDX[o]}") for o, _ in KZ_ORIGINS}
_AW = {d: (f"AW{d}", _AZ_WEST_RUNS[d], f"3{_AZ_DEST_IDX[d]}") for d, _ in AZ_DESTS}
_AE = {o: (f"AE{o}", _AZ_EAST_RUNS[o], f"4{_AZ_ORIGIN_IDX[o]}") for o, _ in AZ_ORIGINS}
_KE = {d: (f"KE{d}", World._kz_east(d), f"1{_KZ_DEST_IDX[d]}") for d, _ in KZ_DESTS}
