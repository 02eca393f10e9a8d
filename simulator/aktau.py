"""Port of Aktau's view: TOS JSON API with OAuth2 client credentials and numbered pages (UTC `Z` times)."""
from __future__ import annotations

import json
import math
import secrets
import time
import uuid
from datetime import datetime
from urllib.parse import parse_qsl

from . import records as r
from .clock import DAY, HOUR, day_of, to_ts
from .http import Response, bad_request, json_response, parse_instant_param, unauthorized

OPERATOR = "AKTAU_PORT"
MAX_WINDOW = 7 * DAY
SCHEMA_CHANGE = to_ts(datetime(2024, 7, 1))
MOVE_DEFECTS = ("event_not_after_published", "size_type_known", "weight_in_range", "container_check_digit", "wagon_check_digit")
CALL_DEFECTS = ("etd_not_before_eta", "imo_check_digit", "port_known")
MANIFEST_DEFECTS = ("weight_in_range", "port_known")


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _weight(ctx: r.Ctx, key: str, kg: int, pub: int) -> dict:
    """The weight field in the shape of the record's time: `grossWeightKg` before 2024-07-01, `grossWeight` after;
    the rollout is not clean, so a few records within three days of the change carry the other shape."""
    new = pub >= SCHEMA_CHANGE
    if abs(pub - SCHEMA_CHANGE) < 3 * DAY and ctx.u("shape", key) < 0.1:
        new = not new
    if not new:
        return {"grossWeightKg": kg}
    if ctx.u("unit", key) < 0.7:
        return {"grossWeight": {"value": round(kg / 1000, 3), "unit": "T"}}
    return {"grossWeight": {"value": kg, "unit": "KG"}}


def _equipment(j, full: str = "F") -> dict:
    if j.container:
        return {"type": "CONTAINER", "number": j.container, "isoType": j.iso, "fullEmpty": full}
    return {"type": "WAGON", "number": j.wagon, "isoType": None, "fullEmpty": full}


def _negate(rec: dict) -> None:
    if "grossWeightKg" in rec:
        rec["grossWeightKg"] = -abs(rec["grossWeightKg"])
    else:
        rec["grossWeight"]["value"] = -abs(rec["grossWeight"]["value"])


# --- moves --------------------------------------------------------------------------------------------------
def moves_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        for seq, (mtype, t, mode, ref, call) in enumerate(j.aktau_moves):
            if t >= end or t < start - r.MAX_DELAY:
                continue  # every version publishes in [t, t + MAX_DELAY)
            key = f"m{j.jn}.{seq}"
            move_id = str(uuid.UUID(int=(int(ctx.u("uuid", key) * 2**32) << 96) | (j.jn << 32) | (seq << 16) | 0x4000, version=4))
            err = ctx.corrected(key)
            pub1 = t + ctx.lag(key, 1, port=True)
            versions = [(t - err if err else t, pub1)]
            if err:  # no revision here: a later recordedAt replaces the move
                versions.append((t, pub1 + int((1 + ctx.u("c2", key) * 20) * HOUR)))
            for v, (mt, pub) in enumerate(versions):
                if not start <= pub < end:
                    continue
                rec = {"moveId": move_id, "recordedAt": r.utc_z(pub), "moveTime": r.utc_z(mt), "moveType": mtype,
                       "equipment": _equipment(j), "carrier": None if mode is None else {"mode": mode, "ref": ref},
                       "wagonNo": j.wagon if (mode == "RAIL" or not j.container) else None, "callId": call}
                rec.update(_weight(ctx, key + str(v), j.weight_kg, pub))
                kinds = [k for k in MOVE_DEFECTS if (k not in ("size_type_known", "container_check_digit") or j.container)
                         and (k != "wagon_check_digit" or rec["wagonNo"])]
                tag = ctx.defect("aktau.moves", key, v + 1, tuple(kinds))
                u = ctx.u("m", key, v)
                if tag == "event_not_after_published":
                    rec["moveTime"] = r.utc_z(pub + int((1.5 + u * 20) * HOUR))
                elif tag == "size_type_known":
                    rec["equipment"]["isoType"] = ("40HC", "22G0", "45G2")[int(u * 3)]
                elif tag == "weight_in_range":
                    _negate(rec)
                elif tag == "container_check_digit":
                    rec["equipment"]["number"] = r.bad_container(j.container)
                elif tag == "wagon_check_digit":
                    rec["wagonNo"] = r.bad_wagon(j.wagon)
                    if not j.container:
                        rec["equipment"]["number"] = rec["wagonNo"]
                out.append(r.Rec(pub, move_id, 1, v, ctx.vis(key, 1, v, pub), _dump(rec), tag))
    return out


# --- vessel calls -------------------------------------------------------------------------------------------
LATE_SHARE = 0.32  # calls arriving more than 3 h after their latest ETA (storms aside): the crossing is the weak link


def lateness(ctx: r.Ctx, key: str) -> int:
    """How much later than its ports expected a call arrives: nothing for most, 4.5 to 14 h for the late ones."""
    u = ctx.u("late", key)
    return 0 if u >= LATE_SHARE else int((4.5 + 9.5 * (u / LATE_SHARE) ** 2) * HOUR)


def hold_revisions(ctx: r.Ctx, rot, key: str) -> list[tuple[int, int]]:
    """A storm hold as a call publishes it: (published, seconds held so far), a day more each day the storm
    keeps the ferry at Aktau, published within the hour and a half after its due departure slipped again."""
    due = rot.a_atd - rot.hold
    return [(due + (k - 1) * DAY + int((10 + 80 * ctx.u("rev", key, k)) * 60), k * DAY) for k in range(1, rot.hold // DAY + 1)]


def call_versions(ctx: r.Ctx, rot, port: str) -> list[dict]:
    """Every published version of one call at `port` ("A" Aktau, "B" Baku): times and status."""
    ata, atb, atd = (rot.a_ata, rot.a_atb, rot.a_atd) if port == "A" else (rot.b_ata, rot.b_atb, rot.b_atd)
    key = f"{port}{rot.key}"
    out, prev = [], 0

    def add(pub, status, eta, etd, ata_=None, atd_=None):
        nonlocal prev
        pub = max(pub, prev + 60)
        prev = pub
        eta -= eta % 600
        etd -= etd % 600
        out.append({"pub": pub, "status": status, "eta": eta, "etb": eta + int(1.5 * HOUR), "etd": max(etd, eta + 2 * HOUR),
                    "ata": ata_, "atd": atd_})

    # The plans know neither the storm (ata0, atd0: the times without it) nor how late the call will be.
    ata0, atd0 = (ata if port == "A" else ata - rot.hold), atd - rot.hold
    late = lateness(ctx, key)
    g1, g2 = ctx.u("eta1", key) - 0.5, ctx.u("eta2", key) - 0.5
    add(ata0 - int((60 + 20 * ctx.u("p1", key)) * HOUR), "PLANNED", ata0 - late + int(g1 * 6 * HOUR), atd0 - late + int(g1 * 6 * HOUR))
    if rot.cancelled:
        add(ata0 - int((18 + 12 * ctx.u("p2", key)) * HOUR), "CANCELLED", out[-1]["eta"], out[-1]["etd"])
        return out
    eta2, etd2 = ata0 - late + int(g2 * 2.4 * HOUR), atd0 - late + int(g2 * 2 * HOUR)
    revisions = hold_revisions(ctx, rot, key)
    pub2 = ata0 - int((18 + 12 * ctx.u("p2", key)) * HOUR)
    add(min(pub2, revisions[0][0] - HOUR) if revisions else pub2, "PLANNED", eta2, etd2)  # the last plan before a storm
    if port == "A":
        add(ata + ctx.lag(key, 3, port=True) // 4, "ARRIVED", eta2, atd0, ata)
        add(atb + ctx.lag(key, 4, port=True) // 4, "BERTHED", eta2, atd0, ata)
        for pub, held in revisions:  # berthed while the storm lasts: the departure slips a day at a time
            add(pub, "BERTHED", eta2, atd0 + held, ata)
    else:
        for pub, held in revisions:  # held at Aktau: the arrival here slips a day at a time
            add(pub, "PLANNED", eta2 + held, etd2 + held)
        eta2 += revisions[-1][1] if revisions else 0
        add(ata + ctx.lag(key, 3, port=True) // 4, "ARRIVED", eta2, atd, ata)
        add(atb + ctx.lag(key, 4, port=True) // 4, "BERTHED", eta2, atd, ata)
    add(atd + ctx.lag(key, 5, port=True) // 4, "DEPARTED", eta2, atd, ata, atd)
    return out


def calls_bucket(world, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    out: list[r.Rec] = []
    for rot in world.rotations_publishing_on(day_of(start)):
        for n, v in enumerate(call_versions(ctx, rot, "A")):
            pub = v["pub"]
            if not start <= pub < end:
                continue
            rec = {"callId": rot.a_call, "updatedAt": r.utc_z(pub), "vessel": {"name": rot.vessel_name, "imo": rot.vessel_imo},
                   "voyageIn": rot.voy_in_aktau, "voyageOut": rot.voy_west, "berth": rot.berth, "eta": r.utc_z(v["eta"]),
                   "etb": r.utc_z(v["etb"]), "etd": r.utc_z(v["etd"]), "ata": r.utc_z(v["ata"]), "atd": r.utc_z(v["atd"]),
                   "status": v["status"], "nextPort": "AZALA" if ctx.u("alias", rot.a_call) < 0.05 else "AZBAK"}
            tag = ctx.defect("aktau.calls", rot.a_call, n + 1, CALL_DEFECTS)
            if tag == "etd_not_before_eta":
                rec["etd"] = r.utc_z(v["eta"] - 2 * HOUR)
            elif tag == "imo_check_digit":
                rec["vessel"]["imo"] = r.bad_imo(rot.vessel_imo)
            elif tag == "port_known":
                rec["nextPort"] = r.unknown_port(ctx.u("m", rot.a_call, n))
            out.append(r.Rec(pub, rot.a_call, 1, n, ctx.vis(rot.a_call, 1, n, pub), _dump(rec), tag))
    return out


# --- manifests ----------------------------------------------------------------------------------------------
def manifests_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        if j.manifest is None:
            continue
        rot, t = j.manifest
        line_id = f"AKX-M-{j.jn:09d}"
        pub = t + ctx.lag(line_id, 1, port=True) // 2
        if not start <= pub < end:
            continue
        hs: object = j.cargo.hs
        if ctx.u("hsnum", line_id) < 0.05:
            hs = int(j.cargo.hs)  # quirk: a number that lost its leading zero
        rec = {"manifestLineId": line_id, "updatedAt": r.utc_z(pub), "callId": rot.a_call,
               "billOfLading": f"AKXBAK{r.from_ts(rot.a_atd):%y%m%d}-{j.jn % 1000:03d}", "waybillNo": j.waybill,
               "equipment": _equipment(j), "hsCode": hs, "description": j.cargo.en}
        rec.update(_weight(ctx, line_id, j.weight_kg, pub))
        rec["portOfLoading"] = "KZAAU"
        rec["portOfDischarge"] = "AZALA" if ctx.u("alias", line_id) < 0.05 else "AZBAK"
        tag = ctx.defect("aktau.manifests", line_id, 1, MANIFEST_DEFECTS)
        if tag == "weight_in_range":
            _negate(rec)
        elif tag == "port_known":
            rec["portOfDischarge" if ctx.u("m", line_id) < 0.5 else "portOfLoading"] = r.unknown_port(ctx.u("p", line_id))
        out.append(r.Rec(pub, line_id, 1, 0, ctx.vis(line_id, 1, 0, pub), _dump(rec), tag))
    return out


# --- HTTP ---------------------------------------------------------------------------------------------------
def _token(sim, method: str, body: bytes) -> Response:
    if method != "POST":
        return json_response(405, {"error": "method not allowed"})
    form = dict(parse_qsl(body.decode("utf-8", "replace")))
    if form.get("grant_type") != "client_credentials":
        return bad_request({"error": "unsupported_grant_type"})
    creds = sim.config.credentials
    if form.get("client_id") != creds.aktau_client_id or form.get("client_secret") != creds.aktau_client_secret:
        return unauthorized({"error": "invalid_client"})
    token = "sim-" + secrets.token_hex(16)
    with sim.tokens_lock:
        sim.tokens[token] = time.monotonic()
    return json_response(200, {"access_token": token, "token_type": "Bearer", "expires_in": sim.config.token_ttl})


def handle(sim, method: str, path: str, query: dict, headers, body: bytes = b"", fault=None) -> Response:
    if path == "/oauth/token":
        return _token(sim, method, body)
    auth = headers.get("Authorization") or ""
    token = auth[7:] if auth.startswith("Bearer ") else None
    with sim.tokens_lock:
        issued = sim.tokens.get(token) if token else None
    if issued is None:
        return unauthorized({"error": "invalid_token"})
    if time.monotonic() - issued > sim.config.token_ttl or (fault is not None and fault.kind == "token-expired"):
        with sim.tokens_lock:
            sim.tokens.pop(token, None)
        return unauthorized({"error": "token_expired"})
    if method != "GET":
        return json_response(405, {"error": "method not allowed"})
    feed = {"/tos/v1/moves": "tracking", "/tos/v1/vessel-calls": "schedule", "/tos/v1/manifests": "cargo"}.get(path)
    if feed is None:
        return json_response(404, {"error": "not found"})
    try:
        start, end = parse_instant_param(query, "from"), parse_instant_param(query, "to")
        page, size = int(query.get("page", "1")), int(query.get("pageSize", "100"))
    except ValueError as exc:
        return bad_request({"error": f"bad parameter: {exc}"})
    if page < 1 or not 1 <= size <= 500:
        return bad_request({"error": "bad parameter: page from 1, pageSize 1-500"})
    if end <= start or end - start > MAX_WINDOW:
        return bad_request({"error": "bad parameter: window must be non-empty and at most 7 days"})
    recs = sim.records(OPERATOR, feed, start, end)
    first = (page - 1) * size
    if page > 1 and first < len(recs) and sim.ctx.u("repeat", path, start, end, size, page) < 0.2:
        first -= 1  # offset paging over changing data: the previous page's last item again
    items = [x.body for x in recs[first:page * size]]
    head = _dump({"page": page, "pageSize": size, "totalPages": max(1, math.ceil(len(recs) / size)), "totalItems": len(recs)})
    body_text = head[:-1] + ', "items": [' + ", ".join(items) + "]}"
    return Response(200, {"Content-Type": "application/json", "X-Api-Version": "1.1" if start >= SCHEMA_CHANGE else "1.0"},
                    body_text.encode())
