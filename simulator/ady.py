"""ADY's view: CSV exports (BOM, `;`, decimal comma, CRLF, Baku local times), X-Api-Key, numbered pages."""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from corridor.timeutil import local_to_utc

from . import records as r
from .clock import HOUR, to_ts
from .http import Response, bad_request, json_response, unauthorized
from .network import ALAT

OPERATOR = "ADY"
ZONE = "Asia/Baku"
PAGE_ROWS = 1000
MAX_DATES = 31
SHIPMENT_COLUMNS = ("qaime_no", "versiya", "ixrac_tarixi", "konteyner_no", "olcu_tipi", "vaqon_no", "gonderen_stansiya",
                    "teyinat_stansiyasi", "giris_stansiyasi", "yuk_kodu", "yuk_adi", "ceki_ton", "qebul_tarixi", "qatar_no", "status")
OPERATION_COLUMNS = ("emeliyyat_id", "versiya", "ixrac_tarixi", "emeliyyat_kodu", "tarix", "stansiya", "qatar_no", "vaqon_no",
                     "konteyner_no", "qaime_no", "yuklu")
TIMETABLE_COLUMNS = ("qatar_no", "marsrut", "sira", "stansiya", "plan_gelis", "plan_gedis")
# Revision 1 of an operation and its revision-consistency repeat publish before t + 72 h (lag) + 5 h 10 min.
_V1_DELAY = 72 * HOUR + 310 * 60
OPS_DEFECTS = ("op_code_known", "event_not_after_published", "container_check_digit", "wagon_check_digit", "esr_known", "revision_consistent")
CARGO_DEFECTS = ("weight_in_range", "container_check_digit", "wagon_check_digit", "esr_known", "revision_consistent")


@functools.lru_cache(maxsize=65536)
def _hour_text(hour: int) -> str:
    return f"{r.from_ts(hour * HOUR):%d.%m.%Y %H}"


def _t(t: int, seconds: bool = False) -> str:
    """Baku wall time `DD.MM.YYYY HH:MM[:SS]` (strftime-free: hot)."""
    loc = t + r.offset(ZONE, t)
    s = loc % HOUR
    if seconds:
        return f"{_hour_text(loc // HOUR)}:{s // 60:02d}:{s % 60:02d}"
    return f"{_hour_text(loc // HOUR)}:{s // 60:02d}"


def _field(v: object) -> str:
    s = "" if v is None else str(v)
    if any(c in s for c in ';"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def line(values) -> str:
    return ";".join(_field(v) for v in values) + "\r\n"


def _none(ctx: r.Ctx, key: str) -> str:
    """ADY writes "none" as `-` or as an empty field."""
    return "-" if ctx.u("none", key) < 0.5 else ""


def _spaced(ctx: r.Ctx, key: str, row: list) -> list:
    """A quirk: some rows carry surrounding spaces in a value."""
    if ctx.u("sp", key) < 0.03:
        i = int(ctx.u("spi", key) * len(row))
        if row[i] not in ("", "-"):
            row[i] = f" {row[i]} "
    return row


def _tons(kg: int) -> str:
    return f"{kg / 1000:.3f}".replace(".", ",")


# --- shipments ----------------------------------------------------------------------------------------------
def shipments_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        prev = 0
        for n, (status, t, weight) in enumerate(j.ady_cargo):
            rev = n + 1
            pub = max(t + ctx.lag("ady" + j.waybill, rev), prev + 60)
            prev = pub
            tag = ctx.defect("ady.cargo", j.waybill, rev, CARGO_DEFECTS if j.container else CARGO_DEFECTS[:1] + CARGO_DEFECTS[2:])
            row = [j.waybill, rev, _t(pub, True), j.container or "-", j.iso or "-", j.ady_wagon, j.origin, j.dest,
                   ALAT if j.kind != "E" else _none(ctx, j.waybill), j.cargo.etsng, j.cargo.az, _tons(weight), _t(j.accepted),
                   j.ady_train if status not in ("QEBUL", "LEGV") else "", status]
            if start <= pub < end:
                clean = list(row)
                if tag and tag != "revision_consistent":
                    _spoil_shipment(row, tag, ctx.u("m", j.waybill, rev))
                out.append(r.Rec(pub, j.waybill, rev, 0, ctx.vis(j.waybill, rev, 0, pub),
                                 line(_spaced(ctx, f"s{j.waybill}.{rev}", row if tag != "revision_consistent" else clean)),
                                 tag if tag != "revision_consistent" else None))
            if tag == "revision_consistent":
                pub2 = pub + int((10 + ctx.u("rc", j.waybill, rev) * 300) * 60)
                if start <= pub2 < end:
                    row2 = list(row)
                    row2[2] = _t(pub2, True)
                    row2[11] = _tons(weight + 500 + int(ctx.u("rw", j.waybill) * 3000))
                    out.append(r.Rec(pub2, j.waybill, rev, 1, ctx.vis(j.waybill, rev, 1, pub2), line(row2), tag))
    return out


def _spoil_shipment(row: list, tag: str, u: float) -> None:
    if tag == "weight_in_range":
        row[11] = "0,000" if u < 0.5 else "-" + row[11]
    elif tag == "container_check_digit":
        row[3] = r.bad_container(row[3])
    elif tag == "wagon_check_digit":
        row[5] = r.bad_wagon(row[5])
    elif tag == "esr_known":
        row[7 if u < 0.5 else 6] = r.unknown_esr(u)


# --- operations ---------------------------------------------------------------------------------------------
def operations_bucket(journeys, ctx: r.Ctx, start: int, end: int) -> list[r.Rec]:
    """Records published in [start, end) from `journeys`, in journey order."""
    out: list[r.Rec] = []
    for j in journeys:
        for seq, (code, t, esr, train) in enumerate(j.ady_ops):
            if t >= end or t < start - r.MAX_DELAY:
                continue  # every version publishes in [t, t + MAX_DELAY)
            oid = f"5{j.jn:09d}{seq:02d}"
            err = ctx.corrected(oid)
            if not err and t < start - _V1_DELAY:
                continue  # only a correction (revision 2) can still publish this late
            pub1 = t + ctx.lag(oid, 1)
            versions = [(1, t - err if err else t, pub1)]
            if err:
                versions.append((2, t, pub1 + int((1 + ctx.u("c2", oid) * 47) * HOUR)))
            for rev, op_time, pub in versions:
                if pub >= end + 8 * HOUR or pub < start - 8 * HOUR:
                    continue
                tag = ctx.defect("ady.ops", oid, rev, OPS_DEFECTS if j.container else OPS_DEFECTS[:2] + OPS_DEFECTS[3:])
                row = [oid, rev, _t(pub, True), code, _t(op_time), esr, train or "", j.ady_wagon,
                       j.container or "-", j.waybill, 1]
                if start <= pub < end:
                    spoilt = list(row)
                    if tag and tag != "revision_consistent":
                        _spoil_op(spoilt, tag, ctx.u("m", oid, rev), pub)
                    out.append(r.Rec(pub, oid, rev, 0, ctx.vis(oid, rev, 0, pub), line(_spaced(ctx, f"o{oid}.{rev}", spoilt)),
                                     tag if tag != "revision_consistent" else None))
                if tag == "revision_consistent":
                    pub2 = pub + int((10 + ctx.u("rc", oid, rev) * 300) * 60)
                    if start <= pub2 < end:
                        row2 = list(row)
                        row2[2] = _t(pub2, True)
                        row2[4] = _t(op_time - int((7 + ctx.u("rs", oid) * 40) * 60))
                        out.append(r.Rec(pub2, oid, rev, 1, ctx.vis(oid, rev, 1, pub2), line(row2), tag))
    return out


def _spoil_op(row: list, tag: str, u: float, pub: int) -> None:
    if tag == "op_code_known":
        row[3] = ("XYZ", "QBX", "GDZ")[int(u * 3)]
    elif tag == "event_not_after_published":
        row[4] = _t(pub + int((1.5 + u * 30) * HOUR))
    elif tag == "container_check_digit":
        row[8] = r.bad_container(row[8])
    elif tag == "wagon_check_digit":
        row[7] = r.bad_wagon(row[7])
    elif tag == "esr_known":
        row[5] = r.unknown_esr(u)


# --- timetable ----------------------------------------------------------------------------------------------
@dataclass
class Plan:
    date: date
    train_no: str
    rows: list
    published: int
    tag: str | None


def timetable_plans(world, ctx: r.Ctx, d_from: date, d_to: date) -> list[Plan]:
    """ADY legs of the Xi'an–Baku trains planned to leave Alat on local dates d_from … d_to."""
    out = []
    for tr in world.xb_trains_between(d_from - timedelta(days=20), d_to):
        dep = tr.ady_planned[0][2]
        d = r.local(dep, ZONE).date()
        if not d_from <= d <= d_to:
            continue
        pid = f"{d.isoformat()}/{tr.ady_train_no}"
        tag = ctx.defect("ady.schedule", pid, 1, ("esr_known",))
        rows = []
        for seq, (esr, arr, dep_) in enumerate(tr.ady_planned, start=1):
            rows.append([tr.ady_train_no, "XIAN-BAKU", seq, esr, "" if arr is None else _t(arr), "" if dep_ is None else _t(dep_)])
        if tag:
            rows[-1][3] = r.unknown_esr(ctx.u("m", pid))
        out.append(Plan(d, tr.ady_train_no, rows, tr.ady_plan_published, tag))
    return out


# --- HTTP ---------------------------------------------------------------------------------------------------
def _parse_date(text: str) -> date:
    return datetime.strptime(text, "%d.%m.%Y").date()


def _csv(header, rows: list[str], extra: dict | None = None) -> Response:
    body = "\ufeff" + line(header) + "".join(rows)
    return Response(200, {"Content-Type": "text/csv; charset=utf-8", **(extra or {})}, body.encode("utf-8"))


def handle(sim, method: str, path: str, query: dict, headers) -> Response:
    if headers.get("X-Api-Key") != sim.config.credentials.ady_api_key:
        return unauthorized({"error": "invalid or missing X-Api-Key"})
    if method != "GET":
        return json_response(405, {"error": "method not allowed"})
    if path == "/export/v1/timetable.csv":
        try:
            d = _parse_date(query.get("date", ""))
        except ValueError:
            return bad_request({"error": "bad parameter: date (DD.MM.YYYY)"})
        now = sim.now_ts()
        rows = [line(row) for p in timetable_plans(sim.world, sim.ctx, d, d) if p.published <= now for row in p.rows]
        return _csv(TIMETABLE_COLUMNS, rows)
    feed = {"/export/v1/shipments.csv": "cargo", "/export/v1/operations.csv": "tracking"}.get(path)
    if feed is None:
        return json_response(404, {"error": "not found"})
    try:
        d_from, d_to = _parse_date(query.get("date_from", "")), _parse_date(query.get("date_to", ""))
    except ValueError:
        return bad_request({"error": "bad parameter: date_from/date_to (DD.MM.YYYY)"})
    try:
        page = int(query.get("page", "1"))
        if page < 1:
            raise ValueError
    except ValueError:
        return bad_request({"error": "bad parameter: page"})
    if d_to < d_from or (d_to - d_from).days + 1 > MAX_DATES:
        return bad_request({"error": "bad parameter: date_to before date_from or more than 31 dates"})
    start = to_ts(local_to_utc(datetime.combine(d_from, datetime.min.time()), ZONE))
    end = to_ts(local_to_utc(datetime.combine(d_to + timedelta(days=1), datetime.min.time()), ZONE))
    recs = sim.records(OPERATOR, feed, start, end)
    pages = max(1, math.ceil(len(recs) / PAGE_ROWS))
    first = (page - 1) * PAGE_ROWS
    # Offset paging over a changing list: the last row of a page can reappear first on the next.
    if page > 1 and first < len(recs) and sim.ctx.u("repeat", path, start, end, page) < 0.2:
        first -= 1
    rows = [x.body for x in recs[first:page * PAGE_ROWS]]
    return _csv(SHIPMENT_COLUMNS if feed == "cargo" else OPERATION_COLUMNS, rows, {"X-Total-Pages": str(pages)})
