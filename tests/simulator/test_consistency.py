"""One world, four views: sampled waybills and containers traced through every operator's feeds."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest

from corridor.simulator import Simulator, SimulatorConfig
from corridor.simulator.clock import to_ts
from corridor.timeutil import parse_instant

NS = "{urn:bistp:terminal:1}"
SIM = Simulator(SimulatorConfig(now=datetime(2024, 8, 1), defect_rate=0.0))
START, END = to_ts(datetime(2024, 7, 1)), to_ts(datetime(2024, 7, 19))


def _ady_rows(feed):
    from corridor.simulator.ady import OPERATION_COLUMNS, SHIPMENT_COLUMNS
    cols = OPERATION_COLUMNS if feed == "tracking" else SHIPMENT_COLUMNS
    return [dict(zip(cols, [v.strip() for v in x.body.rstrip("\r\n").split(";")])) for x in SIM.records("ADY", feed, START, END)]


def _ady_time(text):
    from corridor.timeutil import local_to_utc
    fmt = "%d.%m.%Y %H:%M:%S" if text.count(":") == 2 else "%d.%m.%Y %H:%M"
    return local_to_utc(datetime.strptime(text, fmt), "Asia/Baku")


@pytest.fixture(scope="module")
def views():
    ktz_ops = [json.loads(x.body) for x in SIM.records("KTZ", "tracking", START, END)]
    ktz_cargo = [json.loads(x.body) for x in SIM.records("KTZ", "cargo", START, END)]
    moves = [json.loads(x.body) for x in SIM.records("AKTAU_PORT", "tracking", START, END)]
    manifests = [json.loads(x.body) for x in SIM.records("AKTAU_PORT", "cargo", START, END)]
    events = [ET.fromstring(x.body.replace("<Event ", f'<Event xmlns="{NS[1:-1]}" ', 1)) for x in SIM.records("BAKU_PORT", "tracking", START, END)]
    decls = [ET.fromstring(x.body.replace("<Declaration ", f'<Declaration xmlns="{NS[1:-1]}" xmlns:xml="http://www.w3.org/XML/1998/namespace" ', 1)
                           .replace(' xmlns:xml="http://www.w3.org/XML/1998/namespace"', "")) for x in SIM.records("BAKU_PORT", "cargo", START, END)]
    # Corrections: the latest version of each record wins (as the warehouse would have it).
    ktz_ops = list({o["op_id"]: o for o in sorted(ktz_ops, key=lambda o: o["revision"])}.values())
    moves = list({m["moveId"]: m for m in sorted(moves, key=lambda m: m["recordedAt"])}.values())
    events = list({e.get("id"): e for e in sorted(events, key=lambda e: int(e.get("rev")))}.values())
    ady_ops = list({o["emeliyyat_id"]: o for o in sorted(_ady_rows("tracking"), key=lambda o: int(o["versiya"]))}.values())
    return ktz_ops, ktz_cargo, moves, manifests, events, decls, ady_ops, _ady_rows("cargo")


def _sample(kind):
    if kind == "XB":
        trains = [t for t in SIM.world.xb_trains(2024, 7) if t.service_date.day <= 5]
        return [j for j in SIM.world.xb_journeys(2024, 7) if j.ktz_train == trains[0].train_no][:5]
    return [j for j in SIM.world.wagon_journeys(date(2024, 7, 2)) if j.kind == kind and not j.cancelled][:5]


@pytest.mark.parametrize("kind", ["XB", "W", "E"])
def test_journeys_traceable_across_four_operators(views, kind):
    ktz_ops, ktz_cargo, moves, manifests, events, decls, ady_ops, ady_ship = views
    for j in _sample(kind):
        wb = j.waybill
        k_ops = sorted((parse_instant(o["op_time"]), o["op_code"]) for o in ktz_ops if o["waybill_no"] == wb)
        a_ops = sorted((_ady_time(o["tarix"]), o["emeliyyat_kodu"]) for o in ady_ops if o["qaime_no"] == wb)
        assert k_ops and a_ops, wb
        assert {c["equipment"]["wagon_no"] for c in ktz_cargo if c["waybill_no"] == wb} == {j.wagon}
        assert {s["vaqon_no"] for s in ady_ship if s["qaime_no"] == wb} == {j.ady_wagon}
        number = j.container or j.wagon
        mv = sorted((parse_instant(m["moveTime"]), m["moveType"]) for m in moves if m["equipment"]["number"] == number
                    and m["moveType"] != "YARD_SHIFT")
        ev = sorted((datetime.fromisoformat(e.find(NS + "Time").text), e.find(NS + "Type").text) for e in events
                    if e.find(NS + "Equipment").get("number") == number)
        assert len(mv) == 2 and len(ev) == 2, (wb, mv, ev)
        baku_utc = [(t.replace(tzinfo=None) - __import__("datetime").timedelta(hours=4), c) for t, c in ev]
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
