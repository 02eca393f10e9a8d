"""Westbound wagonload journeys: accepted by KTZ, shipped from Aktau to Baku, delivered by ADY.

The builder is hand-inlined for speed (it makes most of the world's journeys): rng_for, draws.pick,
Random.uniform/randrange/choice and wagon_numbers.wagon_number are written out with the same arithmetic and
the same draws in the same order. tests/simulator/test_reference.py checks it against the plain calls.
"""
from __future__ import annotations

import zlib
from _random import Random as _CRandom  # random.Random's core: same seeding, same stream
from datetime import date

from .clock import DAY, HOUR, day_of_year, to_ts
from .journey import Journey
from .network import AKTAU_PORT, ALAT, AZ_ROUTES_WEST, BORDER_TO_ALMATY, BOYUK_KESIK, kz_route_west
from .rail import TrainLegs
from .rotations import FerryTimetable
from .traffic import AZ_DESTS, CANCEL_SHARE, KZ_ORIGINS, MISMATCH_FACTORS, WEIGHT_MISMATCH_SHARE, WEST_CARGO
from .wagon_numbers import CHECK_OF_SUM, DIGITS_2_4_SUM, DIGITS_5_7_SUM, FIRST_DIGIT_SUM

# Each cargo with its weight and wagon type digit: 7 tank (petroleum), 6 open (steel, copper), 9 other.
CARGO = [(c, w, "7" if c.gng.startswith("27") else "6" if c.gng[:2] in ("72", "74") else "9") for c, w in WEST_CARGO]
_CARGO_TOTAL, _ORIGINS_TOTAL, _DESTS_TOTAL = (sum(w for _, w in t) for t in (WEST_CARGO, KZ_ORIGINS, AZ_DESTS))
# The train services of the two rail legs: origin or destination → (service key, route, train number prefix).
KTZ_SERVICES = {o: (f"KW{o}", kz_route_west(o), f"2{n}") for n, (o, _) in enumerate(KZ_ORIGINS)}
ADY_SERVICES = {d: (f"AW{d}", AZ_ROUTES_WEST[d], f"3{n}") for n, (d, _) in enumerate(AZ_DESTS)}


def westbound_journeys(seed: int, d: date, count: int, first_jn: int, trains: TrainLegs, ferries: FerryTimetable) -> list[Journey]:
    """Westbound wagons 0 … count-1 accepted on `d`, numbered from `first_jn`; each has its own random stream."""
    prefix = f"{seed}|W|{d.toordinal()}|"
    day0, yy, wb0 = to_ts(d), f"{d.year % 100:02d}", day_of_year(d) * 20000
    crc, new_rng = zlib.crc32, _CRandom
    leg, west_rotation = trains.leg, ferries.westbound
    out = []
    for i in range(count):
        rng = new_rng(crc(f"{prefix}{i}".encode()) * 7919 + 4)  # rng_for(seed, "W", ordinal, i)
        r, bits = rng.random, rng.getrandbits
        j = Journey("W", first_jn + i)
        j.waybill = f"{yy}KZ{(wb0 + i) % 10_000_000:07d}"
        x = r() * _CARGO_TOTAL  # pick(rng, WEST_CARGO)
        for row in CARGO:
            x -= row[1]
            if x < 0:
                break
        j.cargo, _, wfirst = row
        num = bits(20)  # randrange(1_000_000)
        while num >= 1_000_000:
            num = bits(20)
        j.wagon = j.ady_wagon = f"{wfirst}{num:06d}{CHECK_OF_SUM[FIRST_DIGIT_SUM[wfirst] + DIGITS_2_4_SUM[num // 1000] + DIGITS_5_7_SUM[num % 1000]]}"
        j.weight_kg = weight = int(55_000 + (70_000 - 55_000) * r()) // 10 * 10
        if r() >= WEIGHT_MISMATCH_SHARE:
            other = weight  # the weight ADY records
        else:
            c = bits(2)  # choice(MISMATCH_FACTORS)
            while c >= 3:
                c = bits(2)
            other = int(weight * MISMATCH_FACTORS[c])
        x = r() * _ORIGINS_TOTAL  # pick(rng, KZ_ORIGINS)
        for row in KZ_ORIGINS:
            x -= row[1]
            if x < 0:
                break
        origin = row[0]
        x = r() * _DESTS_TOTAL  # pick(rng, AZ_DESTS)
        for row in AZ_DESTS:
            x -= row[1]
            if x < 0:
                break
        dest = row[0]
        j.origin, j.dest = origin, dest
        j.accepted = accepted = day0 + int(r() * DAY)
        ktz_ops = j.ktz_ops = [("05" if origin in BORDER_TO_ALMATY else "01", accepted, origin, None)]
        if r() < CANCEL_SHARE:
            j.cancelled = True
            j.ktz_cargo = [("ACCEPTED", accepted, weight), ("CANCELLED", accepted + int((2 + (20 - 2) * r()) * HOUR), weight)]
            out.append(j)
            continue
        key, kz_stations, tprefix = KTZ_SERVICES[origin]
        t_dep, train, run, ops = leg(key, accepted + 3 * HOUR, kz_stations, tprefix, "ktz")
        j.ktz_train = train
        ktz_ops += ops
        t06 = run[-1][1] + int((1 + (3 - 1) * r()) * HOUR)
        ktz_ops.append(("06", t06, AKTAU_PORT, train))
        j.departed = t_dep
        t_rd = t06 + int((0 + (20 - 0) * r()) * 60)
        rot = west_rotation(t_rd + 2 * HOUR)
        t_load = max(t_rd + HOUR, rot.a_atb + HOUR // 2)
        t_load += int(max(0.05, (rot.a_atd - HOUR - t_load) / HOUR) * r() * HOUR)
        j.aktau_moves = [("RAIL_DISCHARGE", t_rd, "RAIL", train, None),
                         ("VESSEL_LOAD", t_load, "VESSEL", "IMO" + rot.vessel_imo, rot.a_call)]
        t_disc = rot.b_atb + int((0.3 + (5 - 0.3) * r()) * HOUR)
        t_rlod = t_disc + int((1 + (10 - 1) * r()) * HOUR)
        akey, az_stations, aprefix = ADY_SERVICES[dest]
        _, a_train, arun, aops = leg(akey, t_rlod + 2 * HOUR, az_stations, aprefix, "ady")
        j.ady_train = a_train
        j.baku_events = [("DISC", t_disc, "VESSEL", {"imo": rot.vessel_imo, "voyage": rot.voy_west}, "ALAT-FT"),
                         ("RLOD", t_rlod, "RAIL", {"train": a_train, "wagon": j.wagon}, "ALAT-RT")]
        t_qbs = t_rlod + int((0 + (30 - 0) * r()) * 60)
        ady_ops = j.ady_ops = [("QBS", t_qbs, ALAT, None), *aops]
        arr = arun[-1][1]
        j.arrived = arr
        if dest == BOYUK_KESIK:  # on to Georgia: ADY hands the wagon over at the border, no delivery
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
