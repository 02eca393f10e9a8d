"""One world, four views: sampled waybills and containers traced through every operator's feeds."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest

from corridor.simulator import Simulator, SimulatorConfig
from corridor.simulator.clock import from_ts, to_ts
from corridor.timeutil import parse_instant

NS = "{urn:bistp:terminal:1}"
# Each window: (its first and last instant, the day whose wagons are traced, the Xi'an–Baku train traced).
WINDOWS = {
    "july": (datetime(2024, 7, 1), datetime(2024, 7, 19), date(2024, 7, 2), None),  # None: the month's first train
    # Seed 7's storm of 25–28 January 2024 holds at Aktau the ferries of most of these wagons and the train's feeder.
    "storm": (datetime(2024, 1, 15), datetime(2024, 2, 9), date(2024, 1, 25), "8725"),
}


def _ady_rows(sim, feed, start, end):
    from corridor.simulator.ady import OPERATION_COLUMNS, SHIPMENT_COLUMNS
    cols = OPERATION_COLUMNS if feed == "tracking" else SHIPMENT_COLUMNS
    return [dict(zip(cols, [v.strip() for v in x.body.rstrip("\r\n").split(";")])) for x in sim.records("ADY", feed, start, end)]


def _ady_time(text):
    from corridor.timeutil import local_to_utc
    fmt = "%d.%m.%Y %H:%M:%S" if text.count(":") == 2 else "%d.%m.%Y %H:%M"
    return local_to_utc(datetime.strptime(text, fmt), "Asia/Baku")


@pytest.fixture(scope="module", params=sorted(WINDOWS))
def window(request):
    first, last, wagon_day, train_no = WINDOWS[request.param]
    sim = Simulator(SimulatorConfig(now=last + timedelta(days=12), defect_rate=0.0))
    return sim, to_ts(first), to_ts(last), wagon_day, train_no


@pytest.fixture(scope="module")
def views(window):
    sim, start, end, _, _ = window
    ktz_ops = [json.loads(x.body) for x in sim.records("KTZ", "tracking", start, end)]
    ktz_cargo = [json.loads(x.body) for x in sim.records("KTZ", "cargo", start, end)]
    moves = [json.loads(x.body) for x in sim.records("AKTAU_PORT", "tracking", start, end)]
    manifests = [json.loads(x.body) for x in sim.records("AKTAU_PORT", "cargo", start, end)]
    events = [ET.fromstring(x.body.replace("<Event ", f'<Event xmlns="{NS[1:-1]}" ', 1)) for x in sim.records("BAKU_PORT", "tracking", start, end)]
    decls = [ET.fromstring(x.body.replace("<Declaration ", f'<Declaration xmlns="{NS[1:-1]}" xmlns:xml="http://www.w3.org/XML/1998/namespace" ', 1)
                           .replace(' xmlns:xml="http://www.w3.org/XML/1998/namespace"', "")) for x in sim.records("BAKU_PORT", "cargo", start, end)]
    # Corrections: the latest version of each record wins (as the warehouse would have it).
    ktz_ops = list({o["op_id"]: o for o in sorted(ktz_ops, key=lambda o: o["revision"])}.values())
    moves = list({m["moveId"]: m for m in sorted(moves, key=lambda m: m["recordedAt"])}.values())
    events = list({e.get("id"): e for e in sorted(events, key=lambda e: int(e.get("rev")))}.values())
    ady_ops = list({o["emeliyyat_id"]: o for o in sorted(_ady_rows(sim, "tracking", start, end), key=lambda o: int(o["versiya"]))}.values())
    return ktz_ops, ktz_cargo, moves, manifests, events, decls, ady_ops, _ady_rows(sim, "cargo", start, end)


def _sample(window, kind):
    sim, _, _, d, train_no = window
    if kind == "XB":
        trains = [t for t in sim.world.xb_trains(d.year, d.month) if t.service_date.day <= 5 or t.train_no == train_no]
        train = trains[0] if train_no is None else next(t for t in trains if t.train_no == train_no)
        return [j for j in sim.world.xb_journeys(d.year, d.month) if j.ktz_train == train.train_no][:5]
    return [j for j in sim.world.wagon_journeys(d) if j.kind == kind and not j.cancelled][:5]


def test_the_storm_window_traces_journeys_a_storm_held(window):
    """The storm window proves something only if its traced journeys sailed on ferries the storm held."""
    held = {kind: sum(bool(j.manifest[0].hold) for j in _sample(window, kind)) for kind in ("XB", "W")}
    if window[4] is None:
        assert held == {"XB": 0, "W": 0}
    else:
        assert held["XB"] == 5 and held["W"] >= 2, held


@pytest.mark.parametrize("kind", ["XB", "W", "E"])
def test_journeys_traceable_across_four_operators(window, views, kind):
    ktz_ops, ktz_cargo, moves, manifests, events, decls, ady_ops, ady_ship = views
    for j in _sample(window, kind):
        wb = j.waybill
        k_ops = sorted((parse_instant(o["op_time"]), o["op_code"]) for o in ktz_ops if o["waybill_no"] == wb)
        a_ops = sorted((_ady_time(o["tarix"]), o["emeliyyat_kodu"]) for o in ady_ops if o["qaime_no"] == wb)
        assert k_ops and a_ops, wb
        assert {c["equipment"]["wagon_no"] for c in ktz_cargo if c["waybill_no"] == wb} == {j.wagon}
        assert {s["vaqon_no"] for s in ady_ship if s["qaime_no"] == wb} == {j.ady_wagon}
        number = j.container or j.wagon
        # The equipment's moves and events while this consignment was on its way (a wagon makes other trips too).
        first, last = from_ts(j.accepted), from_ts(j.arrived)
        mv = sorted((parse_instant(m["moveTime"]), m["moveType"]) for m in moves if m["equipment"]["number"] == number
                    and m["moveType"] != "YARD_SHIFT")
        ev = sorted((datetime.fromisoformat(e.find(NS + "Time").text) - timedelta(hours=4), e.find(NS + "Type").text)
                    for e in events if e.find(NS + "Equipment").get("number") == number)
        mv, baku_utc = [m for m in mv if first <= m[0] <= last], [e for e in ev if first <= e[0] <= last]
        assert len(mv) == 2 and len(baku_utc) == 2, (wb, mv, ev)
        assert [d.get("id") for d in decls if d.find(NS + "WaybillNo").text == wb]
        if kind == "E":
            assert a_ops[0][1] == "QBL" and a_ops[-1][1] == "LMT" and k_ops[0][1] == "10" and k_ops[-1][1] == "09"
            chain = [a_ops[-1][0], baku_utc[0][0], baku_utc[1][0], mv[0][0], mv[1][0], k_ops[0][0]]
        else:
            assert [m for m in manifests if m["waybillNo"] == wb]
            assert k_ops[-1][1] == "06" and a_ops[0][1] == "QBS"
            chain = [k_ops[0][0], k_ops[-1][0], mv[0][0], mv[1][0], baku_utc[0][0], baku_utc[1][0], a_ops[0][0], a_ops[-1][0]]
        assert chain == sorted(chain), (wb, chain)
        if j.container:
            assert all(o["container_no"] == j.container for o in ktz_ops if o["waybill_no"] == wb)
            assert {o["konteyner_no"] for o in ady_ops if o["qaime_no"] == wb} == {j.container}
