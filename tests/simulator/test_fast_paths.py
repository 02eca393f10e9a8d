"""The simulator's hand-inlined and memoised fast paths against plain, obviously correct reference implementations.

Each reference below is written the slow, direct way (the plain library calls, linear scans, no memo tables);
the tests check the fast path gives exactly the same results on a few days and seeds.
"""
from __future__ import annotations

import contextlib
import functools
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from corridor.checkdigits import with_check_digit
from corridor.reference import vessels
from corridor.simulator import Simulator, SimulatorConfig, World, ady, baku
from corridor.simulator import records as r
from corridor.simulator import world as world_module
from corridor.simulator.clock import DAY, FIRST_DATE, HOUR, day_of, months_between, to_ts
from corridor.simulator.draws import pick, rng_for, unit
from corridor.simulator.eastbound import ADY_SERVICES as EAST_ADY
from corridor.simulator.eastbound import KTZ_SERVICES as EAST_KTZ
from corridor.simulator.journey import Journey
from corridor.simulator.network import AKTAU_PORT, ALAT, BORDER_TO_ALMATY, BOYUK_KESIK
from corridor.simulator.rail import daily_departure, rail_operations, train_run
from corridor.simulator.rotations import make_rotation
from corridor.simulator.service import JOURNEY_FEEDS
from corridor.simulator.traffic import (
    AZ_DESTS,
    AZ_ORIGINS,
    CANCEL_SHARE,
    CONTAINER_CARGO,
    EAST_CARGO,
    ISO_MIX,
    KZ_DESTS,
    KZ_ORIGINS,
    MISMATCH_FACTORS,
    WEIGHT_MISMATCH_SHARE,
    WEST_CARGO,
)
from corridor.simulator.wagon_numbers import wagon_number
from corridor.simulator.westbound import ADY_SERVICES as WEST_ADY
from corridor.simulator.westbound import KTZ_SERVICES as WEST_KTZ

DAYS = [date(2023, 1, 1), date(2024, 2, 29), date(2024, 7, 1)]


# --- plain building blocks ------------------------------------------------------------------------------------
def plain_pick(rng: random.Random, table: list) -> object:
    x = rng.random() * sum(w for _, w in table)
    for item, w in table:
        x -= w
        if x < 0:
            return item
    return table[-1][0]


def plain_wagon_number(rng: random.Random, first: str) -> str:
    return with_check_digit("wagon", first + f"{rng.randrange(1_000_000):06d}")


def plain_wagon_type(cargo, westbound: bool) -> str:
    """7 tank (petroleum), 6 open (steel and copper, westbound only), 9 other."""
    if cargo.gng.startswith("27"):
        return "7"
    return "6" if westbound and cargo.gng[:2] in ("72", "74") else "9"


def plain_leg(seed: int, key: str, ready: int, stations: list, prefix: str, op: str) -> tuple:
    """The first of the next three days' trains leaving at or after `ready` (else the third), built afresh."""
    d = day_of(ready)
    for k in range(3):
        t_dep = daily_departure(seed, key, d + timedelta(days=k))
        if t_dep >= ready:
            break
    o = (d + timedelta(days=k)).toordinal()
    train = f"{prefix}{o % 100:02d}"
    run = train_run(seed, f"{key}.{o}", stations, t_dep)
    return t_dep, train, run, tuple(rail_operations(run, train, op))


@functools.cache
def plain_rotations(seed: int, lanes: int, ordinal: int) -> tuple:
    ferries = [v for v in vessels() if v["kind"] == "RAIL_FERRY"]
    return tuple(make_rotation(seed, lanes, ferries, date.fromordinal(ordinal), k) for k in range(lanes))


def _earliest(world: World, ready: int, first_day: date, min_days: int, max_days: int, departure: str):
    """The earliest sailing ferry that leaves 1.5 h after `ready`, among the days from first_day: the first
    min_days of them, else the first day after with one. Ties go to the earlier day, then the lower lane.
    Eastbound (from Alat), a ferry a storm held at Aktau takes no wagons."""
    found = []
    for n in range(max_days):
        ordinal = (first_day + timedelta(days=n)).toordinal()
        found += [x for x in plain_rotations(world.seed, world.ferries.lanes, ordinal)
                  if not x.cancelled and getattr(x, departure) - int(1.5 * HOUR) >= ready
                  and not (departure == "b_atd" and x.hold)]
        if found and n + 1 >= min_days:
            return min(found, key=lambda x: getattr(x, departure))  # min keeps the first of equals
    return None


def plain_west_rotation(world: World, ready: int):
    return _earliest(world, ready, day_of(ready) - timedelta(days=1), 2, 6, "a_atd")


def plain_east_rotation(world: World, ready: int):
    best = _earliest(world, ready, day_of(ready) - timedelta(days=2), 3, 7, "b_atd")
    ordinal, lane = (int(n) for n in best.key[1:].split("."))
    return best, plain_rotations(world.seed, world.ferries.lanes, ordinal + 3)[lane]


# --- plain wagonload journeys (the builders of westbound.py and eastbound.py, written with the plain calls) ---------
def plain_westbound(world: World, d: date, i: int, jn: int) -> Journey:
    seed, rng = world.seed, rng_for(world.seed, "W", d.toordinal(), i)
    j = Journey("W", jn)
    j.waybill = f"{d:%y}KZ{(d.timetuple().tm_yday * 20000 + i) % 10_000_000:07d}"
    j.cargo = plain_pick(rng, WEST_CARGO)
    j.wagon = j.ady_wagon = plain_wagon_number(rng, plain_wagon_type(j.cargo, westbound=True))
    j.weight_kg = int(rng.uniform(55_000, 70_000)) // 10 * 10
    other = j.weight_kg if rng.random() >= WEIGHT_MISMATCH_SHARE else int(j.weight_kg * rng.choice(MISMATCH_FACTORS))
    j.origin = plain_pick(rng, KZ_ORIGINS)
    j.dest = plain_pick(rng, AZ_DESTS)
    j.accepted = to_ts(d) + int(rng.random() * DAY)
    j.ktz_ops = [("05" if j.origin in BORDER_TO_ALMATY else "01", j.accepted, j.origin, None)]
    if rng.random() < CANCEL_SHARE:
        j.cancelled = True
        j.ktz_cargo = [("ACCEPTED", j.accepted, j.weight_kg), ("CANCELLED", j.accepted + int(rng.uniform(2, 20) * HOUR), j.weight_kg)]
        return j
    key, stations, prefix = WEST_KTZ[j.origin]
    t_dep, j.ktz_train, run, ops = plain_leg(seed, key, j.accepted + 3 * HOUR, stations, prefix, "ktz")
    j.ktz_ops += ops
    t06 = run[-1][1] + int(rng.uniform(1, 3) * HOUR)
    j.ktz_ops.append(("06", t06, AKTAU_PORT, j.ktz_train))
    j.departed = t_dep
    t_rd = t06 + int(rng.uniform(0, 20) * 60)
    rot = plain_west_rotation(world, t_rd + 2 * HOUR)
    t_load = max(t_rd + HOUR, rot.a_atb + HOUR // 2)
    t_load += int(rng.uniform(0, max(0.05, (rot.a_atd - HOUR - t_load) / HOUR)) * HOUR)
    j.aktau_moves = [("RAIL_DISCHARGE", t_rd, "RAIL", j.ktz_train, None), ("VESSEL_LOAD", t_load, "VESSEL", "IMO" + rot.vessel_imo, rot.a_call)]
    t_disc = rot.b_atb + int(rng.uniform(0.3, 5) * HOUR)
    t_rlod = t_disc + int(rng.uniform(1, 10) * HOUR)
    akey, stations, prefix = WEST_ADY[j.dest]
    _, j.ady_train, arun, aops = plain_leg(seed, akey, t_rlod + 2 * HOUR, stations, prefix, "ady")
    j.baku_events = [("DISC", t_disc, "VESSEL", {"imo": rot.vessel_imo, "voyage": rot.voy_west}, "ALAT-FT"),
                     ("RLOD", t_rlod, "RAIL", {"train": j.ady_train, "wagon": j.wagon}, "ALAT-RT")]
    t_qbs = t_rlod + int(rng.uniform(0, 30) * 60)
    j.ady_ops = [("QBS", t_qbs, ALAT, None), *aops]
    j.arrived = arun[-1][1]
    if j.dest == BOYUK_KESIK:
        j.ady_ops.append(("SRH", j.arrived + int(rng.uniform(1, 4) * HOUR), BOYUK_KESIK, j.ady_train))
        j.ady_cargo = [("YOLDA", t_qbs, other)]
    else:
        t_tsl = j.arrived + int(rng.uniform(2, 10) * HOUR)
        j.ady_ops.append(("TSL", t_tsl, j.dest, None))
        j.ady_cargo = [("YOLDA", t_qbs, other), ("CATDI", t_tsl, other)]
    j.ktz_cargo = [("ACCEPTED", j.accepted, j.weight_kg), ("IN_TRANSIT", t_dep, j.weight_kg), ("HANDED_OVER", t06, j.weight_kg)]
    if rng.random() < 0.03:
        j.ktz_cargo[0] = ("ACCEPTED", j.accepted, int(j.weight_kg * rng.uniform(0.97, 1.03)) // 10 * 10)
    j.manifest = (rot, rot.a_atd)
    j.declaration = (rot, t_disc + int(rng.uniform(0.2, 3) * HOUR), "W")
    return j


def plain_eastbound(world: World, d: date, i: int, jn: int) -> Journey:
    seed, rng = world.seed, rng_for(world.seed, "E", d.toordinal(), i)
    j = Journey("E", jn)
    j.waybill = f"{d:%y}AZ{(d.timetuple().tm_yday * 20000 + i) % 10_000_000:07d}"
    j.cargo = plain_pick(rng, EAST_CARGO)
    j.wagon = j.ady_wagon = plain_wagon_number(rng, plain_wagon_type(j.cargo, westbound=False))
    j.weight_kg = int(rng.uniform(55_000, 70_000)) // 10 * 10
    other = j.weight_kg if rng.random() >= WEIGHT_MISMATCH_SHARE else int(j.weight_kg * rng.choice(MISMATCH_FACTORS))
    j.origin = plain_pick(rng, AZ_ORIGINS)
    j.dest = plain_pick(rng, KZ_DESTS)
    j.accepted = to_ts(d) + int(rng.random() * DAY)
    j.ady_ops = [("QBL", j.accepted, j.origin, None)]
    if rng.random() < CANCEL_SHARE:
        j.cancelled = True
        j.ady_cargo = [("QEBUL", j.accepted, j.weight_kg), ("LEGV", j.accepted + int(rng.uniform(2, 20) * HOUR), j.weight_kg)]
        return j
    akey, stations, prefix = EAST_ADY[j.origin]
    a_dep, j.ady_train, arun, aops = plain_leg(seed, akey, j.accepted + 3 * HOUR, stations, prefix, "ady")
    j.departed = a_dep
    j.ady_ops += aops
    t_lmt = arun[-1][1] + int(rng.uniform(1, 4) * HOUR)
    j.ady_ops.append(("LMT", t_lmt, ALAT, j.ady_train))
    j.ady_cargo = [("QEBUL", j.accepted, j.weight_kg), ("YOLDA", a_dep, j.weight_kg)]
    t_rdsc = t_lmt + int(rng.uniform(0, 30) * 60)
    rot, arr_rot = plain_east_rotation(world, t_rdsc + 2 * HOUR)
    t_load = max(t_rdsc + HOUR, rot.b_atb + HOUR // 2)
    t_load += int(rng.uniform(0, max(0.05, (rot.b_atd - HOUR - t_load) / HOUR)) * HOUR)
    j.baku_events = [("RDSC", t_rdsc, "RAIL", {"train": j.ady_train, "wagon": j.wagon}, "ALAT-RT"),
                     ("LOAD", t_load, "VESSEL", {"imo": rot.vessel_imo, "voyage": rot.voy_east}, "ALAT-FT")]
    j.declaration = (rot, t_rdsc + int(rng.uniform(0.2, 3) * HOUR), "E")
    t_vd = arr_rot.a_atb + int(rng.uniform(0.3, 4) * HOUR)
    t_rl = t_vd + int(rng.uniform(1, 10) * HOUR)
    key, stations, prefix = EAST_KTZ[j.dest]
    _, j.ktz_train, run, ops = plain_leg(seed, key, t_rl + 2 * HOUR, stations, prefix, "ktz")
    j.aktau_moves = [("VESSEL_DISCHARGE", t_vd, "VESSEL", "IMO" + arr_rot.vessel_imo, arr_rot.a_call), ("RAIL_LOAD", t_rl, "RAIL", j.ktz_train, None)]
    t10 = t_rl + int(rng.uniform(0, 30) * 60)
    j.ktz_ops = [("10", t10, AKTAU_PORT, None), *ops]
    t09 = run[-1][1] + int(rng.uniform(2, 10) * HOUR)
    j.ktz_ops.append(("09", t09, j.dest, None))
    j.arrived = run[-1][1]
    j.ktz_cargo = [("IN_TRANSIT", t10, other), ("DELIVERED", t09, other)]
    return j


def fields(j: Journey) -> dict:
    return {name: getattr(j, name, None) for name in Journey.__slots__}


# --- the wagonload builders -------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed,scale,step", [(7, 1.0, 1), (8, 1.0, 1), (7, 10.0, 7)])
def test_wagon_journeys_equal_the_plain_builders(seed, scale, step):
    """westbound.py and eastbound.py inline rng_for, pick, uniform, randrange, choice, the check digit, the
    train-leg memo and the indexed ferry search; every field must come out as the plain calls make it."""
    world = World(seed, scale)
    seen = {"cancelled": 0, "weight mismatch": 0, "preliminary weight": 0, "Georgia": 0, "held by a storm": 0}
    for d in DAYS[: 2 if scale > 1 else 3]:
        west, _ = world.wagon_count(d)
        base = (d - FIRST_DATE).days * 100_000
        journeys = world.wagon_journeys(d)
        for n in range(0, len(journeys), step):
            j = journeys[n]
            plain = plain_westbound(world, d, n, base + n) if n < west else plain_eastbound(world, d, n - west, base + 50_000 + n - west)
            assert fields(j) == fields(plain), (d, n)
            seen["cancelled"] += j.cancelled
            seen["weight mismatch"] += bool(j.ady_cargo and j.ktz_cargo and j.ady_cargo[0][2] != j.ktz_cargo[-1][2])
            seen["preliminary weight"] += bool(j.kind == "W" and len(j.ktz_cargo) == 3 and j.ktz_cargo[0][2] != j.weight_kg)
            seen["Georgia"] += j.dest == BOYUK_KESIK
            seen["held by a storm"] += bool(j.manifest and j.manifest[0].hold)
    assert all(seen.values()), seen  # every branch of the builders was compared


def test_train_legs_equal_the_plain_departure_search():
    """TrainLegs.leg memoises departures and legs per (service, day); the plain search builds each afresh."""
    world = World(7)
    services = [*WEST_KTZ.values(), *WEST_ADY.values(), *EAST_ADY.values(), *EAST_KTZ.values()]
    start = to_ts(date(2024, 3, 30))
    for n, (key, stations, prefix) in enumerate(services):
        op = "ktz" if key[0] == "K" else "ady"
        for ready in range(start + n * 611, start + 4 * DAY, 47 * 60):  # every 47 min, late evenings included
            assert world.trains.leg(key, ready, stations, prefix, op) == plain_leg(7, key, ready, stations, prefix, op), (key, ready)


@pytest.mark.parametrize("scale,first", [(1.0, date(2024, 6, 28)), (10.0, date(2024, 6, 28)), (1.0, date(2024, 1, 4))])
def test_ferry_searches_equal_the_plain_scans(scale, first):
    """FerryTimetable bisects per-day departure lists; the plain scan looks at every rotation of every day.
    From 2024-01-04 a storm holds seed 7's ferries at Aktau: held ones sail out of their day's order."""
    world = World(7, scale)
    start = to_ts(first)
    held = set()
    for ready in range(start, start + 3 * DAY, 13 * 60):
        west = world.ferries.westbound(ready)
        assert west == plain_west_rotation(world, ready), ready
        assert world.ferries.eastbound(ready) == plain_east_rotation(world, ready), ready
        held.add(bool(west.hold))
    assert held == ({False, True} if first.month == 1 else {False})


def test_xb_journeys_draws_equal_the_plain_calls():
    """The Xi'an–Baku containers draw through pick and wagon_number: the cached totals and the check-digit tables."""
    for n in range(3000):
        fast, plain = random.Random(n), random.Random(n)
        table = (ISO_MIX, CONTAINER_CARGO, WEST_CARGO, EAST_CARGO, KZ_ORIGINS, AZ_DESTS)[n % 6]
        assert pick(fast, table) == plain_pick(plain, table)
        first = str(n % 10)
        assert wagon_number(fast, first) == plain_wagon_number(plain, first)
        assert fast.random() == plain.random()  # the same number of draws


def test_clock_fast_paths_equal_datetime_arithmetic():
    epoch = datetime(1970, 1, 1)
    for d in (FIRST_DATE + timedelta(days=n) for n in range(0, 1200, 7)):
        assert to_ts(d) == int((datetime.combine(d, datetime.min.time()) - epoch).total_seconds())
        for t in (to_ts(d), to_ts(d) + DAY - 1, to_ts(d) + 12345):
            assert day_of(t) == (epoch + timedelta(seconds=t)).date()


def test_building_with_the_collector_paused_changes_nothing(monkeypatch):
    """gc_paused only saves the collector's passes over the cache: a world built without it is the same."""
    paused = [fields(j) for j in World(7).wagon_journeys(date(2024, 7, 1))]
    monkeypatch.setattr(world_module, "gc_paused", contextlib.nullcontext)
    assert [fields(j) for j in World(7).wagon_journeys(date(2024, 7, 1))] == paused


# --- the record builders ----------------------------------------------------------------------------------------
def test_ctx_draws_equal_unit():
    """Ctx hashes "seed|part|…" itself instead of calling unit(seed, *parts)."""
    ctx = r.Ctx(7, 0.3)
    for n in range(500):
        rid = f"{n * 7919:011d}"
        assert ctx.u("m", rid, n % 3) == unit(7, "m", rid, n % 3)
        u = unit(7, "lag", rid, 1)
        v = (u * 7919) % 1.0
        plain_lag = int(60 + v * 19 * 60) if u < 0.8 else int(20 * 60 + v * (8 * HOUR - 20 * 60)) if u < 0.95 else int(8 * HOUR + v * 64 * HOUR)
        assert ctx.lag(rid, 1) == plain_lag
        assert ctx.vis(rid, 2, 1, 1000) == 1000 + int(unit(7, "vis", rid, 2, 1) * r.VISIBILITY_LAG)
        corr = unit(7, "corr", rid)
        assert ctx.corrected(rid) == (0 if corr >= r.CORRECTION_SHARE else int((5 + corr / r.CORRECTION_SHARE * 35) * 60))
        kinds = ("a", "b", "c")
        plain_tag = None if unit(7, "def", "f", rid, 1) >= 0.3 else kinds[int(unit(7, "kind", "f", rid, 1) * 3)]
        assert ctx.defect("f", rid, 1, kinds) == plain_tag


def test_time_formatting_equals_strftime():
    """rfc3339, utc_z and the ADY and Baku wall times cache offsets per hour and format without strftime."""
    start = to_ts(datetime(2024, 2, 29, 12))  # across Almaty's change from +06:00 to +05:00 on 2024-03-01
    for t in range(start, start + 3 * DAY, 3607):
        for zone in ("Asia/Almaty", "Asia/Aqtau", "Asia/Baku", "Asia/Shanghai"):
            assert r.rfc3339(t, zone) == datetime.fromtimestamp(t, ZoneInfo(zone)).isoformat()
        assert r.utc_z(t) == datetime.fromtimestamp(t, UTC).replace(tzinfo=None).isoformat() + "Z"
        baku_wall = datetime.fromtimestamp(t, ZoneInfo("Asia/Baku"))
        assert ady._t(t) == f"{baku_wall:%d.%m.%Y %H:%M}" and ady._t(t, True) == f"{baku_wall:%d.%m.%Y %H:%M:%S}"
        assert baku._local(t) == f"{baku_wall:%Y-%m-%dT%H:%M:%S}"


def plain_journeys_publishing_on(world: World, d: date) -> list[Journey]:
    """Every journey that can have a record published on UTC date `d` (what Simulator._build visits per origin day)."""
    out = []
    for k in range(World.SPAN_DAYS, -1, -1):
        out += world.wagon_journeys(d - timedelta(days=k))
    for y, m in months_between(d - timedelta(days=24), d + timedelta(days=3)):
        out += world.xb_journeys(y, m)
    return out


def test_batch_built_windows_equal_each_day_built_alone_from_every_journey():
    """Simulator._build makes a window of days in one pass over origin days and filters buckets cheaply when
    asked for records; the plain way builds each day from every journey that can publish on it."""
    cfg = SimulatorConfig(now=datetime(2024, 3, 10), defect_rate=0.05)
    sim = Simulator(cfg)
    days = [date(2024, 3, 1), date(2024, 3, 2)]
    start, end = to_ts(days[0]) + 5 * HOUR, to_ts(days[-1]) + DAY - 7 * 60
    for operator, feed in sorted(JOURNEY_FEEDS):
        build, plain = sim.builders[(operator, feed)], []
        for d in days:
            recs = build(plain_journeys_publishing_on(sim.world, d), sim.ctx, to_ts(d), to_ts(d) + DAY)
            plain += sorted(recs, key=lambda x: (x.pub, x.rid, x.rev, x.variant))
        assert sim.records(operator, feed, start, end) == [x for x in plain if start <= x.pub < end and x.vis <= sim.now_ts()], feed


def test_record_builders_skips_equal_an_unbounded_window():
    """Tracking builders skip events that cannot publish in [start, end) (records.MAX_DELAY, the revision-1 delay);
    with an unbounded window nothing is skipped, so filtering its records afterwards is the plain reference."""
    sim = Simulator(SimulatorConfig(now=datetime(2024, 3, 30), defect_rate=0.3))
    origin = date(2024, 3, 1)
    journeys = [j for k in range(3) for j in sim.world.wagon_journeys(origin + timedelta(days=k))] + sim.world.xb_journeys(2024, 3)
    for operator, feed in sorted(f for f in JOURNEY_FEEDS if f[1] == "tracking"):
        build = sim.builders[(operator, feed)]
        everything = build(journeys, sim.ctx, 0, 2**40)
        assert everything, feed
        for k in range(24):
            start = to_ts(origin) + k * DAY + 5 * HOUR
            window = [x for x in everything if start <= x.pub < start + DAY]
            assert build(journeys, sim.ctx, start, start + DAY) == window, (feed, k)
