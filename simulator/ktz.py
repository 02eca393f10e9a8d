"""KTZ's view: JSON API with bearer token and opaque cursor (operations, consignments, train schedules)."""
from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta

from corridor.timeutil import local_to_utc

from . import records as r
from .clock import DAY, HOUR, to_ts
from .http import Response, bad_request, json_response, parse_instant_param, unauthorized
from .network import AKTAU_PORT, BORDER_TO_ALMATY, BOYUK_KESIK

OPERATOR = "KTZ"
HQ_ZONE = "Asia/Almaty"  # KTZ stamps updated_at in its head office's zone
MAX_WINDOW = 7 * DAY
# Revision 1 of an operation and its revision-consistency repeat publish before t + 72 h (lag) + 5 h 10 min.
_V1_DELAY = 72 * HOUR + 310 * 60
OPS_DEFECTS = ("op_code_known", "container_check_digit", "wagon_check_digit", "esr_known", "event_not_after_published", "revision_consistent")
CARGO_DEFECTS = ("container_check_digit", "wagon_check_digit", "esr_known", "weight_in_range", "event_not_after_published", "size_type_known")
SCHEDULE_DEFECTS = ("esr_known", "departure_not_before_arrival")


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)


# --- operations ------------------------------------------------------------------------------------------
def operations_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        for seq, (code, t, esr, train) in enumerate(j.ktz_ops):
            if t >= end or t < start - r.MAX_DELAY:
                continue  # every version publishes in [t, t + MAX_DELAY)
            op_id = f"{j.jn:09d}{seq:02d}"
            err = ctx.corrected(op_id)
            if not err and t < start - _V1_DELAY:
                continue  # only a correction (revision 2) can still publish this late
            pub1 = t + ctx.lag(op_id, 1)
            versions = [(1, t - err if err else t, pub1)]
            if err:
                versions.append((2, t, pub1 + int((1 + ctx.u("c2", op_id) * 47) * HOUR)))
            for rev, op_time, pub in versions:
                if pub >= end + 8 * HOUR or pub < start - 8 * HOUR:
                    continue  # fast path; exact filtering below
                rec = {"op_id": op_id, "revision": rev, "updated_at": pub, "op_code": code, "op_time": op_time, "esr": esr,
                       "train_no": train, "wagon_no": j.wagon, "container_no": j.container, "waybill_no": j.waybill, "laden": True}
                tag = ctx.defect("ktz.ops", op_id, rev, OPS_DEFECTS if j.container else OPS_DEFECTS[:1] + OPS_DEFECTS[2:])
                if start <= pub < end:
                    if tag and tag != "revision_consistent":
                        _spoil_op(rec, tag, ctx.u("m", op_id, rev))
                    out.append(r.Rec(pub, op_id, rev, 0, ctx.vis(op_id, rev, 0, pub), _op_body(rec), tag if tag != "revision_consistent" else None))
                if tag == "revision_consistent":
                    pub2 = pub + int((10 + ctx.u("rc", op_id, rev) * 300) * 60)
                    if start <= pub2 < end:
                        rec2 = dict(rec, updated_at=pub2, op_time=rec["op_time"] - int((7 + ctx.u("rs", op_id) * 40) * 60))
                        out.append(r.Rec(pub2, op_id, rev, 1, ctx.vis(op_id, rev, 1, pub2), _op_body(rec2), tag))
    return out


def _spoil_op(rec: dict, tag: str, u: float) -> None:
    if tag == "op_code_known":
        rec["op_code"] = ("11", "99", "2", "0A")[int(u * 4)]
    elif tag == "container_check_digit":
        rec["container_no"] = r.bad_container(rec["container_no"])
    elif tag == "wagon_check_digit":
        rec["wagon_no"] = r.bad_wagon(rec["wagon_no"])
    elif tag == "esr_known":
        rec["esr"] = r.unknown_esr(u)
    elif tag == "event_not_after_published":
        rec["op_time"] = rec["updated_at"] + int((1.2 + u * 30) * HOUR)


def _op_body(rec: dict) -> str:
    out = dict(rec)
    out["updated_at"] = r.rfc3339(rec["updated_at"], HQ_ZONE)
    out["op_time"] = r.rfc3339(rec["op_time"], r.zone_of_esr(rec["esr"]))
    return _dump(out)


# --- consignments ----------------------------------------------------------------------------------------
def _route(j) -> tuple[str, str, str, str, str]:
    """(origin, destination, exit, shipper country, consignee country) as KTZ records them."""
    if j.kind == "XB":
        return j.origin, j.dest, AKTAU_PORT, "CN", "AZ"
    if j.kind == "W":
        return (j.origin, j.dest, AKTAU_PORT, "CN" if j.origin in BORDER_TO_ALMATY else "KZ",
                "GE" if j.dest == BOYUK_KESIK else "AZ")
    return j.origin, j.dest, j.dest, "GE" if j.origin == BOYUK_KESIK else "AZ", "CN" if j.dest in BORDER_TO_ALMATY else "KZ"


def consignments_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        if not j.ktz_cargo:
            continue
        prev = 0
        origin, dest, exit_, shipper, consignee = _route(j)
        for n, (status, t, weight) in enumerate(j.ktz_cargo):
            rev = n + 1
            pub = max(t + ctx.lag(j.waybill, rev), prev + 60)
            prev = pub
            if not start <= pub < end:
                continue
            rec = {
                "waybill_no": j.waybill, "revision": rev, "updated_at": r.rfc3339(pub, HQ_ZONE), "status": status,
                "equipment": ({"kind": "CONTAINER", "container_no": j.container, "iso_size_type": j.iso, "wagon_no": j.wagon}
                              if j.container else {"kind": "WAGON", "container_no": None, "iso_size_type": None, "wagon_no": j.wagon}),
                "route": {"origin_esr": origin, "destination_esr": dest, "exit_esr": exit_},
                "cargo": {"etsng": j.cargo.etsng, "gng": j.cargo.gng, "description": j.cargo.en, "gross_weight_kg": weight},
                "accepted_at": r.rfc3339(j.accepted, r.zone_of_esr(origin)),
                "train_no": j.ktz_train if status not in ("ACCEPTED", "CANCELLED") else None,
                "shipper_country": shipper, "consignee_country": consignee,
            }
            kinds = CARGO_DEFECTS if j.container else CARGO_DEFECTS[1:5]
            tag = ctx.defect("ktz.cargo", j.waybill, rev, kinds)
            if tag:
                _spoil_cargo(rec, tag, ctx.u("m", j.waybill, rev), pub)
            out.append(r.Rec(pub, j.waybill, rev, 0, ctx.vis(j.waybill, rev, 0, pub), _dump(rec), tag))
    return out


def _spoil_cargo(rec: dict, tag: str, u: float, pub: int) -> None:
    eq, cargo = rec["equipment"], rec["cargo"]
    if tag == "container_check_digit":
        eq["container_no"] = r.bad_container(eq["container_no"])
    elif tag == "wagon_check_digit":
        eq["wagon_no"] = r.bad_wagon(eq["wagon_no"])
    elif tag == "esr_known":
        rec["route"][("origin_esr", "destination_esr")[int(u * 2)]] = r.unknown_esr(u)
    elif tag == "weight_in_range":
        cap = 36_000 if eq["kind"] == "CONTAINER" else 150_000
        cargo["gross_weight_kg"] = (0, -cargo["gross_weight_kg"], cap + 1000 + int(u * 50_000))[int(u * 3)]
    elif tag == "event_not_after_published":
        rec["accepted_at"] = r.rfc3339(pub + int((1.5 + u * 40) * HOUR), "Asia/Almaty")
    elif tag == "size_type_known":
        eq["iso_size_type"] = ("40HC", "22G0", "45G2")[int(u * 3)]


# --- train schedules ------------------------------------------------------------------------------------
def schedule_versions(world, ctx: r.Ctx, service_date: date) -> list[tuple[int, list]]:
    """Published versions of the plan for a service date: [(published_at, [(train, stops, tag)])]."""
    trains = [t for t in world.xb_trains(service_date.year, service_date.month) if t.service_date == service_date]
    out = []
    for v, days_before in ((1, 6), (2, 1)):
        pub = to_ts(local_to_utc(datetime.combine(service_date - timedelta(days=days_before), datetime.min.time()).replace(hour=18), HQ_ZONE))
        plans = []
        for tr in trains:
            pid = f"{service_date.isoformat()}/{tr.train_no}"
            stops = []
            for seq, (esr, arr, dep) in enumerate(tr.planned, start=1):
                shift = 0
                if v == 1 and ctx.u("p1", pid, seq) < 0.3:  # the early plan is a little off; the later one replaces it
                    shift = int((ctx.u("p1s", pid, seq) - 0.5) * 60) * 60
                stops.append([seq, esr, None if arr is None else arr + shift, None if dep is None else dep + shift])
            tag = ctx.defect("ktz.schedule", pid, v, SCHEDULE_DEFECTS)
            if tag == "esr_known":
                stops[1 + int(ctx.u("m", pid, v) * (len(stops) - 1))][1] = r.unknown_esr(ctx.u("e", pid, v))
            elif tag == "departure_not_before_arrival":
                s = stops[1 + int(ctx.u("m", pid, v) * (len(stops) - 2))]
                s[3] = s[2] - 40 * 60
            plans.append((tr, stops, tag))
        out.append((pub, plans))
    return out


def _wall(t: int | None, esr: str) -> str | None:
    return None if t is None else f"{r.local(t, r.zone_of_esr(esr)):%Y-%m-%d %H:%M}"


def schedule_document(world, ctx: r.Ctx, service_date: date, now: int) -> str:
    published, plans = None, []
    for pub, ps in schedule_versions(world, ctx, service_date):
        if ctx.vis(service_date.isoformat(), 1, pub, pub) <= now:
            published, plans = pub, ps
    data = [{"train_no": tr.train_no, "service_code": "XIAN-BAKU", "origin_esr": tr.planned[0][0], "destination_esr": tr.planned[-1][0],
             "stops": [{"seq": seq, "esr": esr, "arr": _wall(arr, esr), "dep": _wall(dep, esr)} for seq, esr, arr, dep in stops]}
            for tr, stops, _ in plans]
    return _dump({"service_date": service_date.isoformat(), "published_at": None if published is None else r.rfc3339(published, HQ_ZONE),
                  "data": data})


# --- HTTP ---------------------------------------------------------------------------------------------------
def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset}).encode()).decode().rstrip("=")


def _uncursor(text: str) -> int:
    try:
        value = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))["o"]
        if not isinstance(value, int) or value < 0:
            raise ValueError
        return value
    except Exception:
        raise ValueError("cursor") from None


def handle(sim, method: str, path: str, query: dict, headers) -> Response:
    auth = headers.get("Authorization") or ""
    if auth != f"Bearer {sim.config.credentials.ktz_token}":
        return unauthorized({"error": "unauthorized"})
    if method != "GET":
        return json_response(405, {"error": "method not allowed"})
    if path == "/api/v2/train-schedules":
        try:
            sd = date.fromisoformat(query.get("service_date", ""))
        except ValueError:
            return bad_request({"error": "bad parameter: service_date (YYYY-MM-DD)"})
        if not sim.date_in_range(sd):
            return bad_request({"error": "bad parameter: service_date out of range"})
        return Response(200, {"Content-Type": "application/json"}, schedule_document(sim.world, sim.ctx, sd, sim.now_ts()).encode())
    feed = {"/api/v2/operations": "tracking", "/api/v2/consignments": "cargo"}.get(path)
    if feed is None:
        return json_response(404, {"error": "not found"})
    try:
        start = parse_instant_param(query, "updated_from")
        end = parse_instant_param(query, "updated_to")
        limit = int(query.get("limit", "500"))
        offset = _uncursor(query["cursor"]) if "cursor" in query else 0
    except ValueError as exc:
        return bad_request({"error": f"bad parameter: {exc}"})
    if not 1 <= limit <= 1000:
        return bad_request({"error": "bad parameter: limit (1-1000)"})
    if end <= start or end - start > MAX_WINDOW:
        return bad_request({"error": "bad parameter: window must be non-empty and at most 7 days"})
    recs = sim.records(OPERATOR, feed, start, end)
    # A record changing during paging shows up again at the top of the next page (paging artefact).
    back = 1 if offset > 0 and limit > 1 and sim.ctx.u("repeat", path, start, offset) < 0.2 else 0
    first = max(0, offset - back)
    page = recs[first:first + limit]
    nxt = first + len(page)
    body = '{"data": [' + ", ".join(x.body for x in page) + '], "meta": ' + _dump(
        {"next_cursor": _cursor(nxt) if nxt < len(recs) else None, "count": len(page)}) + "}"
    return Response(200, {"Content-Type": "application/json"}, body.encode())
