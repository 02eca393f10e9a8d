"""Eastbound wagonload journeys: accepted by ADY, shipped from Baku to Aktau, delivered by KTZ.

Hand-inlined for speed like westbound.py (same arithmetic, same draws in the same order as the plain calls);
tests/simulator/test_reference.py checks it against them.
"""
from __future__ import annotations

import zlib
from _random import Random as _CRandom  # random.Random's core: same seeding, same stream
from datetime import date

from .clock import DAY, HOUR, day_of_year, to_ts
from .journey import Journey
from .network import AKTAU_PORT, ALAT, AZ_ROUTES_EAST, kz_route_east
from .rail import TrainLegs
from .rotations import FerryTimetable
from .traffic import AZ_ORIGINS, CANCEL_SHARE, EAST_CARGO, KZ_DESTS, MISMATCH_FACTORS, WEIGHT_MISMATCH_SHARE
from .wagon_numbers import CHECK_OF_SUM, DIGITS_2_4_SUM, DIGITS_5_7_SUM, FIRST_DIGIT_SUM

# Each cargo with its weight and wagon type digit: 7 tank (petroleum), 9 other.
CARGO = [(c, w, "7" if c.gng.startswith("27") else "9") for c, w in EAST_CARGO]
_CARGO_TOTAL, _ORIGINS_TOTAL, _DESTS_TOTAL = (sum(w for _, w in t) for t in (EAST_CARGO, AZ_ORIGINS, KZ_DESTS))
# The train services of the two rail legs: origin or destination → (service key, route, train number prefix).
ADY_SERVICES = {o: (f"AE{o}", AZ_ROUTES_EAST[o], f"4{n}") for n, (o, _) in enumerate(AZ_ORIGINS)}
KTZ_SERVICES = {d: (f"KE{d}", kz_route_east(d), f"1{n}") for n, (d, _) in enumerate(KZ_DESTS)}


def eastbound_journeys(seed: int, d: date, count: int, first_jn: int, trains: TrainLegs, ferries: FerryTimetable) -> list[Journey]:
    """Eastbound wagons 0 … count-1 accepted on `d`, numbered from `first_jn`; each has its own random stream."""
    prefix = f"{seed}|E|{d.toordinal()}|"
    day0, yy, wb0 = to_ts(d), f"{d.year % 100:02d}", day_of_year(d) * 20000
    crc, new_rng = zlib.crc32, _CRandom
    leg, east_rotation = trains.leg, ferries.eastbound
    out = []
    for i in range(count):
        rng = new_rng(crc(f"{prefix}{i}".encode()) * 7919 + 4)  # rng_for(seed, "E", ordinal, i)
        r, bits = rng.random, rng.getrandbits
        j = Journey("E", first_jn + i)
        j.waybill = f"{yy}AZ{(wb0 + i) % 10_000_000:07d}"
        x = r() * _CARGO_TOTAL  # pick(rng, EAST_CARGO)
        for row in CARGO:
            x -= row[1]
            if x < 0:
                break
        j.cargo, _, wfirst = row
        num = bits(20)  # randrange(1_000_000)
        while num >= 1_000_000:
            num = bits(20)
        j.wagon = j.ady_wagon = wagon = f"{wfirst}{num:06d}{CHECK_OF_SUM[FIRST_DIGIT_SUM[wfirst] + DIGITS_2_4_SUM[num // 1000] + DIGITS_5_7_SUM[num % 1000]]}"
        j.weight_kg = weight = int(55_000 + (70_000 - 55_000) * r()) // 10 * 10
        if r() >= WEIGHT_MISMATCH_SHARE:
            other = weight  # the weight KTZ records
        else:
            c = bits(2)  # choice(MISMATCH_FACTORS)
            while c >= 3:
                c = bits(2)
            other = int(weight * MISMATCH_FACTORS[c])
        x = r() * _ORIGINS_TOTAL  # pick(rng, AZ_ORIGINS)
        for row in AZ_ORIGINS:
            x -= row[1]
            if x < 0:
                break
        origin = row[0]
        x = r() * _DESTS_TOTAL  # pick(rng, KZ_DESTS)
        for row in KZ_DESTS:
            x -= row[1]
            if x < 0:
                break
        dest = row[0]
        j.origin, j.dest = origin, dest
        j.accepted = accepted = day0 + int(r() * DAY)
        ady_ops = j.ady_ops = [("QBL", accepted, origin, None)]
        if r() < CANCEL_SHARE:
            j.cancelled = True
            j.ady_cargo = [("QEBUL", accepted, weight), ("LEGV", accepted + int((2 + (20 - 2) * r()) * HOUR), weight)]
            out.append(j)
            continue
        akey, az_stations, aprefix = ADY_SERVICES[origin]
        a_dep, a_train, arun, aops = leg(akey, accepted + 3 * HOUR, az_stations, aprefix, "ady")
        j.ady_train = a_train
        j.departed = a_dep
        ady_ops += aops
        t_lmt = arun[-1][1] + int((1 + (4 - 1) * r()) * HOUR)
        ady_ops.append(("LMT", t_lmt, ALAT, a_train))
        j.ady_cargo = [("QEBUL", accepted, weight), ("YOLDA", a_dep, weight)]
        t_rdsc = t_lmt + int((0 + (30 - 0) * r()) * 60)
        rot, arr_rot = east_rotation(t_rdsc + 2 * HOUR)
        t_load = max(t_rdsc + HOUR, rot.b_atb + HOUR // 2)
        t_load += int(max(0.05, (rot.b_atd - HOUR - t_load) / HOUR) * r() * HOUR)
        j.baku_events = [("RDSC", t_rdsc, "RAIL", {"train": a_train, "wagon": wagon}, "ALAT-RT"),
                         ("LOAD", t_load, "VESSEL", {"imo": rot.vessel_imo, "voyage": rot.voy_east}, "ALAT-FT")]
        j.declaration = (rot, t_rdsc + int((0.2 + (3 - 0.2) * r()) * HOUR), "E")
        t_vd = arr_rot.a_atb + int((0.3 + (4 - 0.3) * r()) * HOUR)
        t_rl = t_vd + int((1 + (10 - 1) * r()) * HOUR)
        key, kz_stations, tprefix = KTZ_SERVICES[dest]
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
