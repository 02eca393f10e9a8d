"""Port of Baku's view: namespaced XML documents per local date, split in parts, HTTP Basic auth."""
from __future__ import annotations

import base64
import binascii
import math
from datetime import date, datetime, timedelta
from xml.sax.saxutils import escape, quoteattr

from corridor.timeutil import local_to_utc

from . import records as r
from .aktau import call_versions
from .clock import HOUR, day_of, to_ts
from .http import Response, bad_request, json_response, unauthorized

OPERATOR = "BAKU_PORT"
ZONE = "Asia/Baku"
NS = "urn:bistp:terminal:1"
EVENT_DEFECTS = ("op_code_known", "event_time_valid", "container_check_digit", "wagon_check_digit", "revision_consistent")
DECL_DEFECTS = ("weight_present", "hs_code_valid", "container_check_digit", "wagon_check_digit")
ENDPOINTS = {"/edi/v1/terminal-events": ("tracking", "TerminalEvents"), "/edi/v1/berth-schedule": ("schedule", "BerthSchedule"),
             "/edi/v1/cargo-declarations": ("cargo", "CargoDeclarations")}


def _local(t: int) -> str:
    return r._wall_text(t + r.offset(ZONE, t))


def _weight(ctx: r.Ctx, key: str, kg: int) -> str:
    if ctx.u("wu", key) < 0.5:
        return f'<Weight unit="KG">{kg}</Weight>'
    return f'<Weight unit="TNE">{kg / 1000:.3f}</Weight>'


def _equipment(j, number: str | None = None) -> str:
    if j.container:
        return f'<Equipment kind="CONTAINER" number="{number or j.container}" iso="{j.iso}" full="true"/>'
    return f'<Equipment kind="WAGON" number="{number or j.wagon}" full="true"/>'


# --- terminal events ----------------------------------------------------------------------------------------
def events_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        for seq, (etype, t, mode, attrs, facility) in enumerate(j.baku_events):
            if t >= end or t < start - r.MAX_DELAY:
                continue  # every version publishes in [t, t + MAX_DELAY)
            eid = f"BK-E-{j.jn:09d}{seq}"
            err = ctx.corrected(eid)
            pub1 = t + ctx.lag(eid, 1, port=True)
            versions = [(1, t - err if err else t, pub1)]
            if err:
                versions.append((2, t, pub1 + int((1 + ctx.u("c2", eid) * 20) * HOUR)))
            for rev, et, pub in versions:
                if pub >= end + 8 * HOUR or pub < start - 8 * HOUR:
                    continue
                kinds = tuple(k for k in EVENT_DEFECTS if k != "container_check_digit" or j.container)
                if j.container and mode != "RAIL":
                    kinds = tuple(k for k in kinds if k != "wagon_check_digit")
                tag = ctx.defect("baku.events", eid, rev, kinds)
                u = ctx.u("m", eid, rev)
                parts = {"type": etype, "time": _local(et), "equipment": _equipment(j), "attrs": dict(attrs)}
                if start <= pub < end:
                    spoilt = {**parts, "attrs": dict(attrs)}
                    if tag == "op_code_known":
                        spoilt["type"] = ("DSCH", "XFER", "MOVE")[int(u * 3)]
                    elif tag == "event_time_valid":
                        spoilt["time"] = (f"{r.local(et, ZONE):%Y-%m}-32T{r.local(et, ZONE):%H:%M}:00",
                                          f"{r.local(et, ZONE):%d.%m.%Y %H:%M}", "2024-02-30T25:61:00")[int(u * 3)]
                    elif tag == "container_check_digit":
                        spoilt["equipment"] = _equipment(j, r.bad_container(j.container))
                    elif tag == "wagon_check_digit":
                        if j.container:
                            spoilt["attrs"]["wagon"] = r.bad_wagon(attrs["wagon"])
                        else:
                            spoilt["equipment"] = _equipment(j, r.bad_wagon(j.wagon))
                            if "wagon" in spoilt["attrs"]:
                                spoilt["attrs"]["wagon"] = r.bad_wagon(attrs["wagon"])
                    out.append(r.Rec(pub, eid, rev, 0, ctx.vis(eid, rev, 0, pub), _event_xml(ctx, j, eid, rev, pub, spoilt, mode, facility),
                                     tag if tag != "revision_consistent" else None))
                if tag == "revision_consistent":
                    pub2 = pub + int((10 + ctx.u("rc", eid, rev) * 300) * 60)
                    if start <= pub2 < end:
                        moved = {**parts, "time": _local(et - int((7 + ctx.u("rs", eid) * 40) * 60))}
                        out.append(r.Rec(pub2, eid, rev, 1, ctx.vis(eid, rev, 1, pub2),
                                         _event_xml(ctx, j, eid, rev, pub2, moved, mode, facility), tag))
    return out


def _event_xml(ctx, j, eid, rev, pub, p, mode, facility) -> str:
    attrs = "".join(f" {k}={quoteattr(v)}" for k, v in p["attrs"].items())
    return (f'  <Event id="{eid}" rev="{rev}" recorded="{r.rfc3339(pub, ZONE)}">\n'
            f"    <Type>{escape(p['type'])}</Type>\n    <Time>{escape(p['time'])}</Time>\n    {p['equipment']}\n"
            f'    <Transport mode="{mode}"{attrs}/>\n    {_weight(ctx, eid, j.weight_kg)}\n    <Facility>{facility}</Facility>\n'
            f"  </Event>\n")


# --- berth schedule -----------------------------------------------------------------------------------------
def calls_bucket(world, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    out: list[r.Rec] = []
    for rot in world.rotations_publishing_on(day_of(start)):
        for n, v in enumerate(call_versions(ctx, rot, "B")):
            pub = v["pub"]
            if not start <= pub < end:
                continue
            times = f"    <ETA>{_local(v['eta'])}</ETA><ETB>{_local(v['etb'])}</ETB><ETD>{_local(v['etd'])}</ETD>\n"
            if v["ata"] is not None:
                times += f"    <ATA>{_local(v['ata'])}</ATA>\n"
            if v["atd"] is not None:
                times += f"    <ATD>{_local(v['atd'])}</ATD>\n"
            body = (f'  <Call id="{rot.b_call}" updated="{r.rfc3339(pub, ZONE)}" status="{v["status"]}">\n'
                    f'    <Vessel imo="{rot.vessel_imo}" name={quoteattr(rot.vessel_name)}/>\n'
                    f"    <Voyage>{rot.voy_west}</Voyage>\n    <PrevPort>KZAAU</PrevPort>\n{times}  </Call>\n")
            out.append(r.Rec(pub, rot.b_call, 1, n, ctx.vis(rot.b_call, 1, n, pub), body, None))
    return out


# --- cargo declarations -------------------------------------------------------------------------------------
def declarations_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        if j.declaration is None:
            continue
        rot, t, direction = j.declaration
        did = f"BAK-D-{j.jn:09d}"
        pub = t + ctx.lag(did, 1, port=True) // 2
        if not start <= pub < end:
            continue
        kinds = tuple(k for k in DECL_DEFECTS if k != "container_check_digit" or j.container)
        tag = ctx.defect("baku.decl", did, 1, kinds)
        baku = "AZALA" if ctx.u("alias", did) < 0.05 else "AZBAK"
        origin, dest = ("KZAAU", baku) if direction == "W" else (baku, "KZAAU")
        equipment = _equipment(j)
        if tag == "container_check_digit":
            equipment = _equipment(j, r.bad_container(j.container))
        elif tag == "wagon_check_digit":
            equipment = _equipment(j, r.bad_wagon(j.wagon)) if not j.container else equipment.replace("/>", f' wagon="{r.bad_wagon(j.ady_wagon)}"/>')
        hs = j.cargo.hs if tag != "hs_code_valid" else j.cargo.hs[:4]
        weight = "" if tag == "weight_present" else f"    {_weight(ctx, did, j.weight_kg)}\n"
        body = (f'  <Declaration id="{did}" rev="1" recorded="{r.rfc3339(pub, ZONE)}">\n'
                f"    <CallRef>{rot.b_call}</CallRef>\n    <WaybillNo>{j.waybill}</WaybillNo>\n    {equipment}\n"
                f"    <HS>{hs}</HS>\n    <Description xml:lang=\"az\">{escape(j.cargo.az)}</Description>\n{weight}"
                f'    <Origin unlocode="{origin}"/>\n    <Destination unlocode="{dest}"/>\n  </Declaration>\n')
        out.append(r.Rec(pub, did, 1, 0, ctx.vis(did, 1, 0, pub), body, tag))
    return out


# --- HTTP ---------------------------------------------------------------------------------------------------
def _authorised(sim, headers) -> bool:
    auth = headers.get("Authorization") or ""
    if not auth.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(auth[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    creds = sim.config.credentials
    return user == creds.baku_user and password == creds.baku_password


def _broken(doc: str, kind: str, root: str) -> str:
    if kind == "baku-doctype":
        head, _, rest = doc.partition("\n")
        dtd = (f'<!DOCTYPE {root} [\n  <!ENTITY a "aaaaaaaaaa">\n  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n'
               f'  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n')
        return head + "\n" + dtd + rest.replace("<Facility>", "<Facility>&c;", 1)
    return doc[: int(len(doc) * 0.6)]  # cut short: not well-formed


def handle(sim, method: str, path: str, query: dict, headers) -> Response:
    if not _authorised(sim, headers):
        return unauthorized({"error": "unauthorized"}, {"WWW-Authenticate": 'Basic realm="bistp"'})
    if method != "GET":
        return json_response(405, {"error": "method not allowed"})
    if path not in ENDPOINTS:
        return json_response(404, {"error": "not found"})
    feed, root = ENDPOINTS[path]
    try:
        d = date.fromisoformat(query.get("date", ""))
    except ValueError:
        return bad_request({"error": "bad parameter: date (YYYY-MM-DD)"})
    try:
        part = int(query.get("part", "1"))
    except ValueError:
        return bad_request({"error": "bad parameter: part"})
    start = to_ts(local_to_utc(datetime.combine(d, datetime.min.time()), ZONE))
    end = to_ts(local_to_utc(datetime.combine(d + timedelta(days=1), datetime.min.time()), ZONE))
    recs = sim.records(OPERATOR, feed, start, end)
    size = sim.config.baku_part_size
    parts = max(1, math.ceil(len(recs) / size))
    if part < 1 or part > parts:
        return bad_request({"error": f"bad parameter: part {part} past parts={parts}"})
    first = (part - 1) * size
    if part > 1 and sim.ctx.u("repeat", path, d, part) < 0.2:
        first -= 1  # an exact repeat of the previous part's last record: a paging artefact
    generated = r.rfc3339(min(sim.now_ts(), end + 2 * HOUR), ZONE)
    extra = f' generated="{generated}"' if feed == "tracking" else ""
    doc = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="{NS}" date="{d.isoformat()}" part="{part}" parts="{parts}"{extra}>\n'
           + "".join(x.body for x in recs[first:part * size]) + f"</{root}>\n")
    bad = sim.faults.baku_part(path.rsplit("/", 1)[1], d.isoformat(), part)
    if bad:
        doc = _broken(doc, bad, root)
    return Response(200, {"Content-Type": "application/xml; charset=utf-8"}, doc.encode("utf-8"))
