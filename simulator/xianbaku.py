"""Xi'an–Baku block trains: the monthly plan, each train's run, its feeder across the Caspian, its 61 containers."""
from __future__ import annotations

import calendar
import random
from dataclasses import dataclass
from datetime import date, datetime

from corridor.checkdigits import with_check_digit
from corridor.timeutil import local_to_utc

from .clock import FIRST_DATE, HOUR, day_of, to_ts
from .draws import pick, rng_for
from .journey import Journey
from .network import ABSHERON, AKTAU_PORT, ALAT, ALTYNKOL, BORDER_DWELL_H, DOSTYK, XIAN, XIAN_TO_BORDER_H, kz_route_west
from .rotations import Rotation
from .traffic import CONTAINER_CARGO, ISO_MIX, OWNERS, xb_trains_in_month
from .wagon_numbers import wagon_number
from .weather import hold

CONTAINERS_PER_TRAIN = 61
# Punctuality of the block trains (train stops mostly within an hour of plan, some hours late):
ON_TIME_DEPARTURES = 0.85  # trains leaving within three quarters of an hour of plan
RECOVERY = 0.02  # hours of delay a running hour's allowance makes up
HOLDUP_SHARE, BORDER_HOLDUP_SHARE = 0.04, 0.12  # a hold-up of hours before a stop, before the border crossing


@dataclass
class XbTrain:
    """One block train: KTZ's plan and run from Xi'an to Aktau, the feeder call, ADY's plan and run to Absheron."""

    seq: int
    service_date: date  # local date (Asia/Shanghai) of the planned departure from Xi'an
    train_no: str
    ady_train_no: str
    planned: list  # [(esr, arr_ts|None, dep_ts|None)] KTZ plan, nominal times
    actual: list  # same shape, what happened
    feeder: Rotation
    ady_planned: list
    ady_actual: list
    ady_plan_published: int


def xb_trains(seed: int, feeders: list, year: int, month: int) -> list[XbTrain]:
    """The block trains planned to leave Xi'an in a month, spread over it; `feeders` are the container vessels."""
    if date(year, month, 1) < FIRST_DATE:
        return []
    n, ndays = xb_trains_in_month(year, month), calendar.monthrange(year, month)[1]
    base_seq = ((year - 2023) * 12 + month - 1) * 10
    trains = []
    for j in range(n):
        rng = rng_for(seed, "xb", year, month, j)
        day = min(ndays, max(1, 1 + int((j + 0.5) * ndays / n) + rng.choice((-1, 0, 0, 1))))
        seq = base_seq + j
        border = ALTYNKOL if rng.random() < 0.6 else DOSTYK
        p_dep = to_ts(local_to_utc(datetime(year, month, day, 22, 0), "Asia/Shanghai"))
        stations = [(XIAN, 0, 0), (border, XIAN_TO_BORDER_H, sum(BORDER_DWELL_H) / 2)] + kz_route_west(border)[1:]
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
        actual = actual_run(rng, planned)
        feeder = feeder_call(seed, feeders, seq, actual[-1][1], rng)
        p_ady_dep = feeder.a_atd + int(42 * HOUR)
        p_ady_dep -= p_ady_dep % (10 * 60)
        p_ady_arr = p_ady_dep + int(2.6 * HOUR) // 600 * 600
        # ADY's leg keeps to its plan like KTZ's, but never leaves before the containers are on the train.
        ady_dep = max(p_ady_dep + int(delay_hours(rng, late=(1, 5)) * HOUR), feeder.b_atb + 15 * HOUR)
        ady_arr = ady_dep + int(2.6 * rng.uniform(0.95, 1.1) * HOUR)
        trains.append(XbTrain(
            seq=seq, service_date=date(year, month, day), train_no=f"87{seq % 100:02d}", ady_train_no=f"55{seq % 100:02d}",
            planned=planned, actual=actual, feeder=feeder,
            ady_planned=[(ALAT, None, p_ady_dep), (ABSHERON, p_ady_arr, None)],
            ady_actual=[(ALAT, None, ady_dep), (ABSHERON, ady_arr, None)],
            ady_plan_published=feeder.a_atd + int(rng.uniform(1, 3) * HOUR),
        ))
    return trains


def delay_hours(rng: random.Random, late: tuple) -> float:
    """How late a train leaves its origin (never early): most within three quarters of an hour, some `late` hours."""
    return rng.uniform(0, 0.75) if rng.random() < ON_TIME_DEPARTURES else rng.uniform(*late)


def actual_run(rng: random.Random, planned: list) -> list:
    """What happened to a planned run: small slips the timetable's running-time allowance recovers, and the odd
    hold-up of hours (at the border mostly) that takes the rest of the run to recover."""
    delay = delay_hours(rng, late=(1, 6))
    actual = [(planned[0][0], None, planned[0][2] + int(delay * HOUR))]
    prev_dep = planned[0][2]
    for i, (esr, arr, dep) in enumerate(planned[1:], start=1):
        delay = max(-0.5, delay - RECOVERY * (arr - prev_dep) / HOUR) + rng.uniform(-0.3, 0.5)
        if rng.random() < (BORDER_HOLDUP_SHARE if i == 1 else HOLDUP_SHARE):
            delay += rng.uniform(1, 8)
        t_arr = arr + int(delay * HOUR)
        if dep is None:
            actual.append((esr, t_arr, None))
            break
        if dep > arr:  # a stop: never left early, a quarter of the dwell can be made up
            delay = max(0.0, delay - 0.25 * (dep - arr) / HOUR) + rng.uniform(0, 0.3)
            actual.append((esr, t_arr, max(t_arr + 20 * 60, dep + int(delay * HOUR))))
        else:  # passing through
            actual.append((esr, t_arr, t_arr))
        delay = (actual[-1][2] - dep) / HOUR
        prev_dep = dep
    return actual


def feeder_call(seed: int, feeders: list, seq: int, port_arr: int, rng: random.Random) -> Rotation:
    """The container feeder that takes train `seq`'s containers across, due to sail a day or so after it reaches
    Aktau (later if a storm holds it there)."""
    v = feeders[seq % len(feeders)]
    a_atd = port_arr + int(rng.uniform(20, 34) * HOUR)
    a_ata = a_atd - int(rng.uniform(10, 16) * HOUR)
    b_ata = a_atd + int(rng.uniform(20, 22) * HOUR)
    d = day_of(a_atd)
    yy = d.strftime("%y")
    due = Rotation(
        key=f"F{seq}", vessel_imo=v["imo"], vessel_name=v["name"], a_call=f"AKX-{d.year}-F{seq:03d}",
        b_call=f"BAK-{d.year}-F{seq:03d}", voy_west=f"{yy}F{seq:03d}W", voy_east=f"{yy}F{seq:03d}E",
        voy_in_aktau=f"{yy}F{seq:03d}B", berth="B5", a_ata=a_ata, a_atb=a_ata + int(rng.uniform(0.5, 2) * HOUR),
        a_atd=a_atd, b_ata=b_ata, b_atb=b_ata + int(rng.uniform(0.5, 2) * HOUR), b_atd=b_ata + int(rng.uniform(8, 14) * HOUR),
    )
    storm_hold = hold(seed, a_atd, due.key)
    return due.held(storm_hold) if storm_hold else due


def xb_journeys(seed: int, trains: list[XbTrain]) -> list[Journey]:
    """The containers of the trains, Xi'an to Absheron; each train's from its own random stream."""
    out = []
    for tr in trains:
        rng = rng_for(seed, "xbj", tr.seq)
        p_dep = tr.actual[0][2]
        ady_dep = tr.ady_actual[0][2]
        ady_arr = tr.ady_actual[1][1]
        fd = tr.feeder
        yy = str(tr.service_date.year)[2:]
        for c in range(CONTAINERS_PER_TRAIN):
            j = Journey("XB", 900_000_000 + tr.seq * 100 + c)
            j.waybill = f"{yy}KZ{9_000_000 + tr.seq * 100 + c:07d}"
            owner = OWNERS[(tr.seq + c) % len(OWNERS)]
            j.container = with_check_digit("container", f"{owner}{(tr.seq * CONTAINERS_PER_TRAIN + c) * 7 % 1_000_000:06d}")
            j.iso = pick(rng, ISO_MIX)
            j.wagon = wagon_number(rng, "5")
            j.ady_wagon = wagon_number(rng, "5")  # re-loaded on an ADY wagon at Alat
            j.cargo = pick(rng, CONTAINER_CARGO)
            lo, hi = (8000, 24000) if j.iso[0] == "2" else (10000, 28000)
            j.weight_kg = int(rng.uniform(lo, hi)) // 10 * 10
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
            out.append(j)
    return out
