"""Poison records and silent drops (7): one bad record among good ones, served by a hostile loopback server of
the test's own, staged and published into a real DuckDB warehouse. The feed succeeds, the good records reach
core, the poison one is in `quality.quarantine` with its reason, and core holds nothing outside the contract.

Every coded field a feed's records carry into core is covered for all twelve feeds: a null, an unknown value and
a value outside the contract. Every load is also accounted for record by record: fetched = staged + quarantined.
"""
from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import quoteattr

import pytest
from hostile_feeds import FAST, WINDOW, aktau_page, ktz_page, settings, token_answer
from hostile_server import reply

from corridor.connectors import feed_registry
from corridor.engine import load_feed
from corridor.expectations.suites import read_suite

from fixtures.warehouse import fresh_warehouse

DELETE = object()  # a field the poisoned record leaves out

# -- the contract (warehouse.md): what core may hold ----------------------------------------------------------

EVENT_TYPES = ("ACCEPTED", "DEPARTED", "ARRIVED", "PASSED", "INTERCHANGE_IN", "INTERCHANGE_OUT", "DISCHARGED",
               "LOADED", "GATE_IN", "GATE_OUT", "DELIVERED")
CONSIGNMENT_STATUSES = ("ACCEPTED", "IN_TRANSIT", "DELIVERED", "CANCELLED")
CALL_STATUSES = ("PLANNED", "ARRIVED", "BERTHED", "DEPARTED", "CANCELLED")


def _among(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


# Per core table: a condition true of any row holding a value outside the contract.
OUTSIDE_THE_CONTRACT = {
    "core.fact_equipment_event": f"""
        coalesce(event_type, '') NOT IN {_among(EVENT_TYPES)}
        OR coalesce(transport_mode, '') NOT IN ('RAIL', 'VESSEL', 'TRUCK')
        OR coalesce(equipment_kind, '') NOT IN ('CONTAINER', 'WAGON')
        OR location_code NOT IN (SELECT location_code FROM core.dim_location)
        OR (waybill_no IS NOT NULL AND NOT regexp_full_match(waybill_no, '[0-9]{{2}}(KZ|AZ)[0-9]{{7}}'))""",
    "core.fact_consignment": f"""
        coalesce(status, '') NOT IN {_among(CONSIGNMENT_STATUSES)}
        OR coalesce(equipment_kind, '') NOT IN ('CONTAINER', 'WAGON')
        OR coalesce(direction, '') NOT IN ('WESTBOUND', 'EASTBOUND')
        OR NOT regexp_full_match(waybill_no, '[0-9]{{2}}(KZ|AZ)[0-9]{{7}}')
        OR coalesce(teu, -1) NOT IN (0, 1, 2, 2.25)
        OR (hs_code IS NOT NULL AND NOT regexp_full_match(hs_code, '[0-9]{{6}}'))
        OR (etsng_code IS NOT NULL AND NOT regexp_full_match(etsng_code, '[0-9]{{6}}'))
        OR gross_weight_t <= 0""",
    "core.fact_vessel_call": f"coalesce(status, '') NOT IN {_among(CALL_STATUSES)}",
    "core.fact_vessel_call_version": f"coalesce(status, '') NOT IN {_among(CALL_STATUSES)}",
    "core.fact_train_stop": "location_code NOT IN (SELECT location_code FROM core.dim_location)",
}


# -- the twelve feeds' documents -------------------------------------------------------------------------------


def patched(record: Any, changes: dict[str, Any]) -> Any:
    """A deep copy of `record` with each dotted path (`equipment.kind`, `stops.1.esr`) set, or removed (DELETE)."""
    record = copy.deepcopy(record)
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = record
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        key = int(last) if isinstance(target, list) else last
        if value is DELETE:
            del target[key]
        else:
            target[key] = value
    return record


def _xml_attributes(**attributes: str | None) -> str:
    return "".join(f" {name}={quoteattr(value)}" for name, value in attributes.items() if value is not None)


def _xml_child(tag: str, text: str | None, **attributes: str | None) -> str:
    return "" if text is None else f"<{tag}{_xml_attributes(**attributes)}>{text}</{tag}>"


def baku_event(r: dict[str, Any]) -> str:
    """A Baku `<Event>` from its fields; a field set to None is left out."""
    transport = {"mode": r["mode"], **r["transport"]}
    return (f"<Event{_xml_attributes(id=r['id'], rev=r['rev'], recorded=r['recorded'])}>"
            + _xml_child("Type", r["type"]) + _xml_child("Time", r["time"])
            + f"<Equipment{_xml_attributes(kind=r['kind'], number=r['number'], iso=r['iso'], full=r['full'])}/>"
            + f"<Transport{_xml_attributes(**transport)}/>"
            + _xml_child("Weight", r["weight"], unit=r["unit"]) + _xml_child("Facility", r["facility"]) + "</Event>")


def baku_call(r: dict[str, Any]) -> str:
    """A Baku `<Call>` from its fields."""
    times = "".join(_xml_child(tag, r[tag]) for tag in ("ETA", "ETB", "ETD", "ATA", "ATD"))
    return (f"<Call{_xml_attributes(id=r['id'], updated=r['updated'], status=r['status'])}>"
            f"<Vessel{_xml_attributes(imo=r['imo'], name=r['name'])}/>" + _xml_child("Voyage", r["voyage"])
            + _xml_child("PrevPort", r["prev_port"]) + times + "</Call>")


def baku_declaration(r: dict[str, Any]) -> str:
    """A Baku `<Declaration>` from its fields."""
    return (f"<Declaration{_xml_attributes(id=r['id'], rev=r['rev'], recorded=r['recorded'])}>"
            + _xml_child("CallRef", r["call"]) + _xml_child("WaybillNo", r["waybill"])
            + f"<Equipment{_xml_attributes(kind=r['kind'], number=r['number'], full=r['full'])}/>"
            + _xml_child("HS", r["hs"]) + _xml_child("Description", r["description"])
            + _xml_child("Weight", r["weight"], unit=r["unit"])
            + "<Origin unlocode=\"KZAAU\"/><Destination unlocode=\"AZBAK\"/></Declaration>")


def ady_csv_of(rows: list[dict[str, str]], header: list[str]) -> bytes:
    """ADY's CSV (BOM, `;`, CRLF): the header, then each row's cells by header name."""
    lines = [";".join(header), *(";".join(str(row.get(name, "")) for name in header) for row in rows)]
    return ("\ufeff" + "".join(line + "\r\n" for line in lines)).encode()


@dataclass
class FeedDocs:
    """One feed as the hostile server serves it: two good records, the base of a poisoned one, how to render them."""

    operator: str
    feed: str
    good: list[Any]
    poison_base: Any
    serve: Callable[..., Callable]  # (records, spoil=…) → the server's answer function; spoil rewrites each body
    record_id: Callable[[Any], str]  # the id quarantine and staging know the record by
    renamed: Callable[[int], dict[str, Any]]  # the changes giving a record the n-th id of its own
    core_key: Callable[[Any], str] | None = None  # where core knows it by something else (port cargo: the waybill)
    preload: list[Any] = field(default_factory=list)  # KTZ consignments the port cargo lines enrich

    def key_in_core(self, record: Any) -> str:
        return (self.core_key or self.record_id)(record)


def _as_sent(body: bytes) -> bytes:
    return body


def _json_pages(path: str, page: Callable[[list[Any]], bytes]):
    """KTZ and Aktau: the records as one JSON page at `path` (and Aktau's token)."""
    def serve(records: list[Any], spoil: Callable[[bytes], bytes] = _as_sent):
        def answer(h, seen):
            if seen.path.endswith("/oauth/token"):
                return token_answer(h)
            if seen.path != path:
                return reply(h, 404, b'{"error": "not found"}')
            reply(h, 200, spoil(page(records)), {"Content-Type": "application/json"})
        return answer
    return serve


def _ktz_schedule(records: list[Any], spoil: Callable[[bytes], bytes] = _as_sent):
    """KTZ train schedules: the plans on 2024-03-01, every other service date empty."""
    def answer(h, seen):
        plans = records if seen.query.get("service_date") == "2024-03-01" else []
        body = {"service_date": seen.query.get("service_date"), "published_at": "2024-02-28T18:00:00+06:00",
                "data": plans}
        reply(h, 200, spoil(json.dumps(body).encode()), {"Content-Type": "application/json"})
    return answer


def _ady_rows(path: str, header: list[str]):
    """ADY shipments and operations: the records as the one page of a CSV export."""
    def serve(records: list[Any], spoil: Callable[[bytes], bytes] = _as_sent):
        def answer(h, seen):
            if seen.path != path:
                return reply(h, 404, b"not found")
            reply(h, 200, spoil(ady_csv_of(records, header)), {"Content-Type": "text/csv", "X-Total-Pages": "1"})
        return answer
    return serve


def _ady_timetable(records: list[Any], spoil: Callable[[bytes], bytes] = _as_sent):
    """ADY timetable: every plan's rows in the file of 01.03.2024, other dates a header only."""
    def answer(h, seen):
        rows = [row for plan in records for row in plan["rows"]] if seen.query.get("date") == "01.03.2024" else []
        reply(h, 200, spoil(ady_csv_of(rows, ADY_TIMETABLE_HEADER)), {"Content-Type": "text/csv"})
    return answer


def _baku_parts(endpoint: str, root: str, render: Callable[[dict[str, Any]], str]):
    """Baku: the records as part 1 of 1 of each date's document; a 400 for any other part."""
    def serve(records: list[Any], spoil: Callable[[bytes], bytes] = _as_sent):
        def answer(h, seen):
            if seen.path != f"/baku/edi/v1/{endpoint}" or seen.query.get("part") != "1":
                return reply(h, 400, b"no such part")
            body = (f'<?xml version="1.0" encoding="UTF-8"?><{root} xmlns="urn:bistp:terminal:1" '
                    f'date="{seen.query.get("date")}" part="1" parts="1">'
                    + "".join(map(render, records)) + f"</{root}>")
            reply(h, 200, spoil(body.encode()), {"Content-Type": "application/xml"})
        return answer
    return serve


KTZ_OPERATION = {"op_id": "7700012345", "revision": 1, "updated_at": "2024-03-01T06:00:03+05:00", "op_code": "02",
                 "op_time": "2024-03-01T05:58:00+05:00", "esr": "663109", "train_no": "8701", "wagon_no": "51234565",
                 "container_no": "CSQU3054383", "waybill_no": "24KZ0012345", "laden": True}
KTZ_CONSIGNMENT = {
    "waybill_no": "24KZ0012345", "revision": 2, "updated_at": "2024-03-01T09:12:44+05:00", "status": "IN_TRANSIT",
    "equipment": {"kind": "CONTAINER", "container_no": "CSQU3054383", "iso_size_type": "45G1", "wagon_no": "51234565"},
    "route": {"origin_esr": "990014", "destination_esr": "551007", "exit_esr": "663109"},
    "cargo": {"etsng": "161005", "gng": "10019900", "description": "Wheat", "gross_weight_kg": 24250},
    "accepted_at": "2024-02-27T22:40:00+08:00", "train_no": "8701", "shipper_country": "CN", "consignee_country": "AZ",
}
KTZ_WAGON_CONSIGNMENT = patched(KTZ_CONSIGNMENT, {
    "waybill_no": "24KZ0012346", "status": "ACCEPTED", "cargo.gross_weight_kg": 64250,
    "equipment": {"kind": "WAGON", "container_no": None, "iso_size_type": None, "wagon_no": "51234565"}})
KTZ_PLAN = {"train_no": "8701", "service_code": "XIAN-BAKU", "origin_esr": "990014", "destination_esr": "705509",
            "stops": [{"seq": 1, "esr": "990014", "arr": None, "dep": "2024-03-01 23:30"},
                      {"seq": 2, "esr": "705509", "arr": "2024-03-02 06:10", "dep": "2024-03-02 07:00"}]}

ADY_OPERATION_HEADER = ["emeliyyat_id", "versiya", "ixrac_tarixi", "emeliyyat_kodu", "tarix", "stansiya", "qatar_no",
                        "vaqon_no", "konteyner_no", "qaime_no", "yuklu"]
ADY_OPERATION = {"emeliyyat_id": "500001234501", "versiya": "1", "ixrac_tarixi": "01.03.2024 06:10:05",
                 "emeliyyat_kodu": "GLS", "tarix": "01.03.2024 05:58", "stansiya": "552508", "qatar_no": "5701",
                 "vaqon_no": "51234565", "konteyner_no": "-", "qaime_no": "", "yuklu": "1"}
ADY_SHIPMENT_HEADER = ["qaime_no", "versiya", "ixrac_tarixi", "konteyner_no", "olcu_tipi", "vaqon_no",
                       "gonderen_stansiya", "teyinat_stansiyasi", "giris_stansiyasi", "yuk_kodu", "yuk_adi",
                       "ceki_ton", "qebul_tarixi", "qatar_no", "status"]
ADY_SHIPMENT = {"qaime_no": "24AZ0000101", "versiya": "1", "ixrac_tarixi": "01.03.2024 06:10:05", "konteyner_no": "-",
                "olcu_tipi": "-", "vaqon_no": "51234565", "gonderen_stansiya": "552508",
                "teyinat_stansiyasi": "551007", "giris_stansiyasi": "", "yuk_kodu": "161005", "yuk_adi": "Buğda",
                "ceki_ton": "64,250", "qebul_tarixi": "29.02.2024 10:00", "qatar_no": "", "status": "QEBUL"}
ADY_TIMETABLE_HEADER = ["qatar_no", "marsrut", "sira", "stansiya", "plan_gelis", "plan_gedis"]


def ady_plan(train: str) -> dict[str, Any]:
    return {"train": train, "rows": [
        {"qatar_no": train, "marsrut": "ALAT-BAKU", "sira": "1", "stansiya": "552508", "plan_gelis": "",
         "plan_gedis": "01.03.2024 08:00"},
        {"qatar_no": train, "marsrut": "ALAT-BAKU", "sira": "2", "stansiya": "551007", "plan_gelis": "01.03.2024 09:30",
         "plan_gedis": ""}]}


AKTAU_MOVE = {"moveId": "3f1c0a52-9d1e-4c4e-a0a3-1d6c1f1a2b77", "recordedAt": "2024-03-01T04:05:11Z",
              "moveTime": "2024-03-01T03:58:00Z", "moveType": "RAIL_DISCHARGE",
              "equipment": {"type": "CONTAINER", "number": "CSQU3054383", "isoType": "45G1", "fullEmpty": "F"},
              "carrier": {"mode": "RAIL", "ref": "8701"}, "wagonNo": "51234565", "callId": None, "grossWeightKg": 24500}
AKTAU_VESSEL_MOVE = patched(AKTAU_MOVE, {
    "moveId": "m-vessel-1", "moveType": "VESSEL_LOAD", "carrier": {"mode": "VESSEL", "ref": "IMO9187655"},
    "wagonNo": None, "callId": "AKX-2024-0312", "grossWeightKg": DELETE, "grossWeight": {"value": 24.5, "unit": "T"}})
AKTAU_CALL = {"callId": "AKX-2024-0312", "updatedAt": "2024-03-02T11:00:00Z",
              "vessel": {"name": "Professor Gul", "imo": "9187655"}, "voyageIn": "24A031", "voyageOut": "24A032",
              "berth": "B3", "eta": "2024-03-01T06:00:00Z", "etb": "2024-03-01T08:00:00Z", "etd": "2024-03-02T10:00:00Z",
              "ata": "2024-03-01T07:20:00Z", "atd": None, "status": "BERTHED", "nextPort": "AZBAK"}
AKTAU_LINE = {"manifestLineId": "AKX-M-000981", "updatedAt": "2024-03-02T09:30:00Z", "callId": "AKX-2024-0312",
              "billOfLading": "AKXBAK240312-017", "waybillNo": "24KZ0012345",
              "equipment": {"type": "WAGON", "number": "51234565", "isoType": None, "fullEmpty": "F"},
              "hsCode": "100199", "description": "Wheat", "grossWeightKg": 64250,
              "portOfLoading": "KZAAU", "portOfDischarge": "AZBAK"}

BAKU_EVENT = {"id": "BK-E-0001234", "rev": "1", "recorded": "2024-03-01T08:15:00+04:00", "type": "DISC",
              "time": "2024-03-01T07:50:00", "kind": "CONTAINER", "number": "CSQU3054383", "iso": "45G1", "full": "true",
              "mode": "VESSEL", "transport": {"imo": "9187655", "voyage": "24A031"}, "weight": "24500", "unit": "KG",
              "facility": "ALAT-MT"}
BAKU_CALL = {"id": "BAK-2024-0877", "updated": "2024-03-01T08:40:00+04:00", "status": "ARRIVED", "imo": "9187655",
             "name": "Professor Gul", "voyage": "24A031", "prev_port": "KZAAU", "ETA": "2024-03-01T06:00:00",
             "ETB": "2024-03-01T09:00:00", "ETD": "2024-03-02T06:00:00", "ATA": "2024-03-01T08:35:00", "ATD": None}
BAKU_DECLARATION = {"id": "BAK-D-0045521", "rev": "1", "recorded": "2024-03-01T09:05:00+04:00", "call": "BAK-2024-0877",
                    "waybill": "24KZ0012345", "kind": "WAGON", "number": "51234565", "full": "true", "hs": "100199",
                    "description": "Buğda", "weight": "64.250", "unit": "TNE"}

# The rail consignments the port cargo lines enrich (port lines never create one): the goods' and the poison's.
PORT_CARGO_WAYBILLS = [KTZ_CONSIGNMENT, KTZ_WAGON_CONSIGNMENT, patched(KTZ_CONSIGNMENT, {"waybill_no": "24KZ0012347"})]

DOCS = {
    ("KTZ", "tracking"): FeedDocs(
        "KTZ", "tracking", [KTZ_OPERATION, patched(KTZ_OPERATION, {"op_id": "7700012346", "container_no": None})],
        patched(KTZ_OPERATION, {"op_id": "7700012399"}),
        _json_pages("/ktz/api/v2/operations", ktz_page), lambda r: r["op_id"],
        lambda n: {"op_id": f"77000124{n:02d}"}),
    ("KTZ", "cargo"): FeedDocs(
        "KTZ", "cargo", [KTZ_CONSIGNMENT, KTZ_WAGON_CONSIGNMENT], patched(KTZ_CONSIGNMENT, {"waybill_no": "24KZ0012399"}),
        _json_pages("/ktz/api/v2/consignments", ktz_page), lambda r: r["waybill_no"],
        lambda n: {"waybill_no": f"24KZ00124{n:02d}"}),
    ("KTZ", "schedule"): FeedDocs(
        "KTZ", "schedule", [KTZ_PLAN, patched(KTZ_PLAN, {"train_no": "8703"})], patched(KTZ_PLAN, {"train_no": "8799"}),
        _ktz_schedule, lambda r: f"2024-03-01/{r['train_no']}",
        lambda n: {"train_no": f"88{n:02d}"}),
    ("ADY", "tracking"): FeedDocs(
        "ADY", "tracking", [ADY_OPERATION, patched(ADY_OPERATION, {"emeliyyat_id": "500001234502",
                                                                   "emeliyyat_kodu": "GDS"})],
        patched(ADY_OPERATION, {"emeliyyat_id": "500001234599"}),
        _ady_rows("/ady/export/v1/operations.csv", ADY_OPERATION_HEADER), lambda r: r["emeliyyat_id"],
        lambda n: {"emeliyyat_id": f"5000012346{n:02d}"}),
    ("ADY", "cargo"): FeedDocs(
        "ADY", "cargo", [ADY_SHIPMENT, patched(ADY_SHIPMENT, {"qaime_no": "24AZ0000102", "konteyner_no": "CSQU3054383",
                                                              "olcu_tipi": "45G1", "ceki_ton": "24,500",
                                                              "status": "YOLDA"})],
        patched(ADY_SHIPMENT, {"qaime_no": "24AZ0000199"}),
        _ady_rows("/ady/export/v1/shipments.csv", ADY_SHIPMENT_HEADER), lambda r: r["qaime_no"],
        lambda n: {"qaime_no": f"24AZ00002{n:02d}"}),
    ("ADY", "schedule"): FeedDocs(
        "ADY", "schedule", [ady_plan("5701"), ady_plan("5703")], ady_plan("5799"),
        _ady_timetable, lambda r: f"2024-03-01/{r['train']}",
        lambda n: dict.fromkeys(("train", "rows.0.qatar_no", "rows.1.qatar_no"), f"58{n:02d}")),
    ("AKTAU_PORT", "tracking"): FeedDocs(
        "AKTAU_PORT", "tracking", [AKTAU_MOVE, AKTAU_VESSEL_MOVE], patched(AKTAU_MOVE, {"moveId": "m-poison"}),
        _json_pages("/aktau/tos/v1/moves", aktau_page), lambda r: r["moveId"],
        lambda n: {"moveId": f"m-poison-{n}"}),
    ("AKTAU_PORT", "schedule"): FeedDocs(
        "AKTAU_PORT", "schedule", [AKTAU_CALL, patched(AKTAU_CALL, {"callId": "AKX-2024-0313", "status": "PLANNED",
                                                                   "ata": None})],
        patched(AKTAU_CALL, {"callId": "AKX-2024-0399"}),
        _json_pages("/aktau/tos/v1/vessel-calls", aktau_page), lambda r: r["callId"],
        lambda n: {"callId": f"AKX-2024-09{n:02d}"}),
    ("AKTAU_PORT", "cargo"): FeedDocs(
        "AKTAU_PORT", "cargo", [AKTAU_LINE, patched(AKTAU_LINE, {
            "manifestLineId": "AKX-M-000982", "waybillNo": "24KZ0012346", "grossWeightKg": DELETE,
            "grossWeight": {"value": 24.5, "unit": "T"},
            "equipment": {"type": "CONTAINER", "number": "CSQU3054383", "isoType": "45G1", "fullEmpty": "F"}})],
        patched(AKTAU_LINE, {"manifestLineId": "AKX-M-000999", "waybillNo": "24KZ0012347"}),
        _json_pages("/aktau/tos/v1/manifests", aktau_page), lambda r: r["manifestLineId"],
        lambda n: {"manifestLineId": f"AKX-M-0009{n:02d}"}, core_key=lambda r: r["waybillNo"], preload=PORT_CARGO_WAYBILLS),
    ("BAKU_PORT", "tracking"): FeedDocs(
        "BAKU_PORT", "tracking", [BAKU_EVENT, patched(BAKU_EVENT, {
            "id": "BK-E-0001235", "type": "RDSC", "mode": "RAIL", "transport": {"train": "2401", "wagon": "51234565"},
            "full": "false", "weight": None, "unit": None, "facility": "ALAT-RT"})],
        patched(BAKU_EVENT, {"id": "BK-E-0001299"}),
        _baku_parts("terminal-events", "TerminalEvents", baku_event), lambda r: r["id"],
        lambda n: {"id": f"BK-E-00013{n:02d}"}),
    ("BAKU_PORT", "schedule"): FeedDocs(
        "BAKU_PORT", "schedule", [BAKU_CALL, patched(BAKU_CALL, {"id": "BAK-2024-0878", "status": "PLANNED",
                                                                "ATA": None})],
        patched(BAKU_CALL, {"id": "BAK-2024-0899"}),
        _baku_parts("berth-schedule", "BerthSchedule", baku_call), lambda r: r["id"],
        lambda n: {"id": f"BAK-2024-09{n:02d}"}),
    ("BAKU_PORT", "cargo"): FeedDocs(
        "BAKU_PORT", "cargo", [BAKU_DECLARATION, patched(BAKU_DECLARATION, {
            "id": "BAK-D-0045522", "waybill": "24KZ0012346", "kind": "CONTAINER", "number": "CSQU3054383",
            "weight": "24500", "unit": "KG"})],
        patched(BAKU_DECLARATION, {"id": "BAK-D-0045599", "waybill": "24KZ0012347"}),
        _baku_parts("cargo-declarations", "CargoDeclarations", baku_declaration), lambda r: r["id"],
        lambda n: {"id": f"BAK-D-00456{n:02d}"}, core_key=lambda r: r["waybill"], preload=PORT_CARGO_WAYBILLS),
}

# Where core knows a feed's records: the key of every row it holds for an operator's records of that feed.
CORE_KEYS = {
    "tracking": "SELECT source_record_id FROM core.fact_equipment_event WHERE operator_code = ?",
    "cargo": "SELECT waybill_no FROM core.fact_consignment WHERE list_contains(reported_by, ?)",
    "schedule": {
        "rail": "SELECT DISTINCT strftime(service_date, '%Y-%m-%d') || '/' || train_no FROM core.fact_train_stop"
                " WHERE operator_code = ?",
        "port": "SELECT call_id FROM core.fact_vessel_call WHERE operator_code = ?",
    },
}


def core_keys(con, operator: str, feed: str) -> set[str]:
    sql = CORE_KEYS[feed]
    if isinstance(sql, dict):
        sql = sql["rail" if operator in ("KTZ", "ADY") else "port"]
    return {key for (key,) in con.execute(sql, [operator]).fetchall()}


# -- the poison cases: (operator, feed, label, changes to the poison record's base, the reason expected) -------

CASES = [
    ("KTZ", "tracking", "op-code-null", {"op_code": None}, "op_code_known"),
    ("KTZ", "tracking", "op-code-unknown", {"op_code": "99"}, "op_code_known"),
    ("KTZ", "tracking", "op-code-a-json-number", {"op_code": 2}, "op_code_known"),
    ("KTZ", "tracking", "station-null", {"esr": None}, "esr_known"),
    ("KTZ", "tracking", "station-unknown", {"esr": "700011"}, "esr_known"),
    ("KTZ", "tracking", "laden-missing", {"laden": DELETE}, "laden_known"),
    ("KTZ", "tracking", "laden-not-a-flag", {"laden": "maybe"}, "laden_known"),
    ("KTZ", "tracking", "revision-beyond-integer", {"revision": 2**40}, "revision_present"),
    ("KTZ", "tracking", "op-time-beyond-the-calendar", {"op_time": "9999-12-31T23:59:00-05:00"}, "event_time_present"),
    ("KTZ", "cargo", "status-null", {"status": None}, "status_known"),
    ("KTZ", "cargo", "status-missing", {"status": DELETE}, "status_known"),
    ("KTZ", "cargo", "status-shipped", {"status": "SHIPPED"}, "status_known"),
    ("KTZ", "cargo", "status-lower-case", {"status": "in_transit"}, "status_known"),
    ("KTZ", "cargo", "equipment-kind-null", {"equipment.kind": None}, "equipment_kind_present"),
    ("KTZ", "cargo", "equipment-kind-unknown", {"equipment.kind": "TANK"}, "equipment_kind_known"),
    ("KTZ", "cargo", "size-type-unknown", {"equipment.iso_size_type": "40HC"}, "size_type_known"),
    ("KTZ", "cargo", "waybill-of-no-railway", {"waybill_no": "24XX0012399"}, "waybill_no_valid"),
    ("KTZ", "cargo", "etsng-not-a-code", {"cargo.etsng": "WHEAT"}, "cargo_code_valid"),
    ("KTZ", "cargo", "gng-not-a-code", {"cargo.gng": "1001-99"}, "cargo_code_valid"),
    ("KTZ", "cargo", "weight-beyond-a-float", {"cargo.gross_weight_kg": 10**400}, "weight_present"),
    ("KTZ", "schedule", "stop-station-null", {"stops.1.esr": None}, "esr_known"),
    ("KTZ", "schedule", "stop-station-unknown", {"stops.1.esr": "700011"}, "esr_known"),
    ("KTZ", "schedule", "stop-seq-twice", {"stops.1.seq": 1}, "stop_seq_unique"),
    ("KTZ", "schedule", "stop-seq-beyond-integer", {"stops.1.seq": 2**40}, "stop_seq_present"),
    ("ADY", "tracking", "op-code-empty", {"emeliyyat_kodu": ""}, "op_code_known"),
    ("ADY", "tracking", "op-code-unknown", {"emeliyyat_kodu": "XYZ"}, "op_code_known"),
    ("ADY", "tracking", "op-code-of-ktz", {"emeliyyat_kodu": "02"}, "op_code_known"),
    ("ADY", "tracking", "station-unknown", {"stansiya": "700011"}, "esr_known"),
    ("ADY", "tracking", "laden-empty", {"yuklu": "-"}, "laden_known"),
    ("ADY", "tracking", "laden-unknown", {"yuklu": "2"}, "laden_known"),
    ("ADY", "cargo", "status-empty", {"status": ""}, "status_known"),
    ("ADY", "cargo", "status-unknown", {"status": "GONDERILIB"}, "status_known"),
    ("ADY", "cargo", "status-of-ktz", {"status": "IN_TRANSIT"}, "status_known"),
    ("ADY", "cargo", "size-type-unknown", {"konteyner_no": "CSQU3054383", "olcu_tipi": "40HC"}, "size_type_known"),
    ("ADY", "cargo", "waybill-malformed", {"qaime_no": "AZ-0000199"}, "waybill_no_valid"),
    ("ADY", "cargo", "etsng-not-a-code", {"yuk_kodu": "16100"}, "cargo_code_valid"),
    ("ADY", "cargo", "weight-beyond-core-decimal", {"ceki_ton": "1000000000,000"}, "weight_in_range"),
    ("ADY", "cargo", "revision-beyond-integer", {"versiya": str(2**40)}, "revision_present"),
    ("ADY", "schedule", "stop-station-empty", {"rows.1.stansiya": ""}, "esr_known"),
    ("ADY", "schedule", "stop-station-unknown", {"rows.1.stansiya": "700011"}, "esr_known"),
    ("ADY", "schedule", "stop-seq-twice", {"rows.1.sira": "1"}, "stop_seq_unique"),
    ("AKTAU_PORT", "tracking", "move-type-null", {"moveType": None}, "move_type_present"),
    ("AKTAU_PORT", "tracking", "move-type-unknown", {"moveType": "TELEPORT"}, "move_type_known"),
    ("AKTAU_PORT", "tracking", "move-type-of-baku", {"moveType": "DISC"}, "move_type_known"),
    ("AKTAU_PORT", "tracking", "equipment-type-unknown", {"equipment.type": "TRAILER"}, "equipment_kind_known"),
    ("AKTAU_PORT", "tracking", "equipment-type-unknown-on-a-vessel",
     {"moveType": "VESSEL_LOAD", "equipment.type": "TRAILER"}, "equipment_kind_known"),
    ("AKTAU_PORT", "tracking", "carrier-mode-unknown", {"carrier.mode": "AIR"}, "transport_mode_known"),
    ("AKTAU_PORT", "tracking", "full-empty-unknown", {"equipment.fullEmpty": "X"}, "laden_known"),
    ("AKTAU_PORT", "tracking", "weight-unit-unknown",
     {"grossWeightKg": DELETE, "grossWeight": {"value": 24.5, "unit": "LB"}}, "weight_unit_known"),
    ("AKTAU_PORT", "tracking", "weight-unit-null",
     {"grossWeightKg": DELETE, "grossWeight": {"value": 24.5, "unit": None}}, "weight_unit_known"),
    ("AKTAU_PORT", "schedule", "status-null", {"status": None}, "status_known"),
    ("AKTAU_PORT", "schedule", "status-unknown", {"status": "DOCKED"}, "status_known"),
    ("AKTAU_PORT", "schedule", "status-lower-case", {"status": "berthed"}, "status_known"),
    ("AKTAU_PORT", "cargo", "equipment-type-missing", {"equipment.type": DELETE}, "equipment_kind_present"),
    ("AKTAU_PORT", "cargo", "equipment-type-unknown", {"equipment.type": "TRAILER"}, "equipment_kind_known"),
    ("AKTAU_PORT", "cargo", "hs-code-short", {"hsCode": "1001"}, "hs_code_valid"),
    ("AKTAU_PORT", "cargo", "hs-code-null", {"hsCode": None}, "hs_code_valid"),
    ("AKTAU_PORT", "cargo", "weight-unit-unknown",
     {"grossWeightKg": DELETE, "grossWeight": {"value": 64.25, "unit": "LB"}}, "weight_unit_known"),
    ("AKTAU_PORT", "cargo", "waybill-malformed", {"waybillNo": "24KZ12347"}, "waybill_no_valid"),
    ("BAKU_PORT", "tracking", "type-missing", {"type": None}, "op_code_known"),
    ("BAKU_PORT", "tracking", "type-unknown", {"type": "SHFT"}, "op_code_known"),
    ("BAKU_PORT", "tracking", "equipment-kind-unknown", {"kind": "TRAILER"}, "equipment_kind_known"),
    ("BAKU_PORT", "tracking", "transport-mode-unknown", {"mode": "AIR"}, "transport_mode_known"),
    ("BAKU_PORT", "tracking", "full-unknown", {"full": "maybe"}, "laden_known"),
    ("BAKU_PORT", "tracking", "weight-unit-unknown", {"unit": "LB"}, "weight_unit_known"),
    ("BAKU_PORT", "tracking", "weight-unit-missing", {"unit": None}, "weight_unit_known"),
    ("BAKU_PORT", "schedule", "status-missing", {"status": None}, "status_known"),
    ("BAKU_PORT", "schedule", "status-unknown", {"status": "DOCKED"}, "status_known"),
    ("BAKU_PORT", "cargo", "equipment-kind-unknown", {"kind": "TRAILER"}, "equipment_kind_known"),
    ("BAKU_PORT", "cargo", "weight-unit-unknown", {"unit": "LB"}, "weight_unit_known"),
    ("BAKU_PORT", "cargo", "hs-code-letters", {"hs": "10O199"}, "hs_code_valid"),
    ("BAKU_PORT", "cargo", "waybill-malformed", {"waybill": "KZ24-12347"}, "waybill_no_valid"),
]
CASE_IDS = [f"{operator.lower()}-{feed}-{label}" for operator, feed, label, _, _ in CASES]


# -- running a load ---------------------------------------------------------------------------------------------


def _load(warehouse, server, operator: str, feed: str, records: list[Any]):
    """Serve `records` as the feed's one page (or document), then stage and publish one load of it."""
    docs = DOCS[(operator, feed)]
    server.answer = docs.serve(records)
    return load_feed(warehouse, settings(operator, server.url), feed_registry()[(operator, feed)], WINDOW,
                     retry_policy=FAST)


def _preload(warehouse, server, docs: FeedDocs) -> None:
    if docs.preload:
        loaded = _load(warehouse, server, "KTZ", "cargo", docs.preload)
        assert loaded.status == "SUCCEEDED", loaded.error


def _scalar(con, sql: str, params: list[Any]) -> Any:
    return con.execute(sql, params).fetchone()[0]


def quarantined(con, operator: str, feed: str) -> dict[str, list[str]]:
    return {rid: reasons for rid, reasons in con.execute(
        "SELECT source_record_id, reasons FROM quality.quarantine WHERE operator_code = ? AND feed = ?",
        [operator, feed]).fetchall()}


def staged_ids(con, operator: str, feed: str, load_id: str) -> set[str]:
    definition = feed_registry()[(operator, feed)]
    return {rid for (rid,) in con.execute(
        f"SELECT DISTINCT {definition.id_column} FROM {definition.staging_table} WHERE load_id = ?", [load_id]).fetchall()}


def assert_core_holds_only_the_contract(con) -> None:
    outside = {table: con.execute(f"SELECT * FROM {table} WHERE {condition}").fetchall()
               for table, condition in OUTSIDE_THE_CONTRACT.items()}
    assert {table: found for table, found in outside.items() if found} == {}


def assert_every_record_is_accounted_for(con, operator: str, feed: str, load_id: str) -> None:
    """Records fetched (raw) = staged valid + quarantined, as meta.load counts them and record by record."""
    received, loaded, rejected = con.execute(
        "SELECT records_received, records_loaded, records_quarantined FROM meta.load WHERE load_id = ?",
        [load_id]).fetchone()
    raw = {rid for (rid,) in con.execute("SELECT source_record_id FROM raw.record WHERE load_id = ?", [load_id]).fetchall()}
    staged = staged_ids(con, operator, feed, load_id)
    held = {rid for (rid,) in con.execute("SELECT source_record_id FROM quality.quarantine WHERE load_id = ?",
                                          [load_id]).fetchall()}
    assert _scalar(con, "SELECT count(*) FROM raw.record WHERE load_id = ?", [load_id]) == received
    assert (received, loaded, rejected) == (len(staged) + len(held), len(staged), len(held))
    assert staged.isdisjoint(held) and staged | held == raw, "every record fetched is staged or quarantined, once"


# -- the tests --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("operator", "feed", "label", "changes", "reason"), CASES, ids=CASE_IDS)
def test_a_poison_record_is_quarantined_with_its_reason_and_the_feed_succeeds(
        hostile, tmp_path, operator, feed, label, changes, reason):
    docs = DOCS[(operator, feed)]
    poison = patched(docs.poison_base, changes)
    server = hostile()
    with fresh_warehouse(tmp_path) as warehouse:
        _preload(warehouse, server, docs)
        result = _load(warehouse, server, operator, feed, [docs.good[0], poison, docs.good[1]])
        assert result.status == "SUCCEEDED", result.error
        assert (result.received, result.loaded, result.quarantined) == (3, 2, 1)
        con = warehouse.cursor()
        assert reason in quarantined(con, operator, feed).get(docs.record_id(poison), []), \
            f"{label}: quarantined as {quarantined(con, operator, feed)}"
        in_core = core_keys(con, operator, feed)
        assert {docs.key_in_core(r) for r in docs.good} <= in_core, "the good records reach core"
        assert docs.key_in_core(poison) not in in_core, "the poison record does not"
        assert_core_holds_only_the_contract(con)
        assert_every_record_is_accounted_for(con, operator, feed, result.load_id)


@pytest.mark.parametrize(("operator", "feed"), list(DOCS), ids=[f"{o.lower()}-{f}" for o, f in DOCS])
def test_every_record_ends_in_core_or_in_quarantine_never_neither(hostile, tmp_path, operator, feed):
    """All of a feed's poison records in one page among its good ones: each is staged or quarantined, each staged
    one reaches core, and the counts of meta.load are those of staging and quarantine."""
    docs = DOCS[(operator, feed)]
    poisons = [patched(docs.poison_base, {**docs.renamed(n), **changes})
               for n, (o, f, _, changes, _) in enumerate(CASES) if (o, f) == (operator, feed)]
    server = hostile()
    with fresh_warehouse(tmp_path) as warehouse:
        _preload(warehouse, server, docs)
        result = _load(warehouse, server, operator, feed, [*docs.good, *poisons])
        assert result.status == "SUCCEEDED", result.error
        con = warehouse.cursor()
        assert_every_record_is_accounted_for(con, operator, feed, result.load_id)
        assert (result.loaded, result.quarantined) == (len(docs.good), len(poisons))
        assert set(quarantined(con, operator, feed)) == {docs.record_id(p) for p in poisons}
        staged = staged_ids(con, operator, feed, result.load_id)
        in_core = core_keys(con, operator, feed)
        assert {docs.key_in_core(r) for r in docs.good if docs.record_id(r) in staged} <= in_core
        assert_core_holds_only_the_contract(con)



# -- text that is not Unicode: refused alone, never its page ------------------------------------------------------

NOT_UNICODE = {  # how a poison record's train number travels: with a byte that is not UTF-8, or a JSON escape
    "invalid-utf8-byte": b"87\xff01",
    "lone-surrogate-escape": b"87\\ud80001",
}


NOT_UNICODE_CASES = [("KTZ", "train_no", "invalid-utf8-byte"), ("KTZ", "train_no", "lone-surrogate-escape"),
                     ("ADY", "qatar_no", "invalid-utf8-byte"),  # CSV has no escapes, only bytes
                     ("AKTAU_PORT", "carrier.ref", "invalid-utf8-byte"),
                     ("AKTAU_PORT", "carrier.ref", "lone-surrogate-escape")]


@pytest.mark.parametrize(("operator", "train_field", "how"), NOT_UNICODE_CASES,
                         ids=[f"{operator.lower()}-{how}" for operator, _, how in NOT_UNICODE_CASES])
def test_a_record_that_is_not_unicode_is_refused_alone_and_the_others_load(hostile, tmp_path, operator, train_field, how):
    """One record of a page is not Unicode text: it is quarantined as `text_not_unicode`, kept with its text
    escaped, and the page's other records load (a JSON page, or ADY's CSV, failed the feed whole)."""
    docs = DOCS[(operator, "tracking")]
    poison = patched(docs.poison_base, {train_field: "POISON-TRAIN"})
    server = hostile()
    server.answer = docs.serve([docs.good[0], poison, docs.good[1]],
                               spoil=lambda body: body.replace(b"POISON-TRAIN", NOT_UNICODE[how]))
    with fresh_warehouse(tmp_path) as warehouse:
        result = load_feed(warehouse, settings(operator, server.url), feed_registry()[(operator, "tracking")], WINDOW,
                           retry_policy=FAST)
        assert result.status == "SUCCEEDED", result.error
        assert (result.received, result.loaded, result.quarantined) == (3, 2, 1)
        con = warehouse.cursor()
        [(reasons, raw)] = con.execute("SELECT reasons, raw_record FROM quality.quarantine").fetchall()
        assert reasons == ["text_not_unicode"] and raw.isascii() and "\\ud" in raw.lower()
        assert {docs.key_in_core(r) for r in docs.good} <= core_keys(con, operator, "tracking")
        assert_every_record_is_accounted_for_by_count(con, result.load_id)


def assert_every_record_is_accounted_for_by_count(con, load_id: str) -> None:
    """meta.load's counts are raw's, staging's and quarantine's (a refused record has no id of its own to match)."""
    received, loaded, rejected = con.execute(
        "SELECT records_received, records_loaded, records_quarantined FROM meta.load WHERE load_id = ?",
        [load_id]).fetchone()
    held = _scalar(con, "SELECT count(*) FROM quality.quarantine WHERE load_id = ?", [load_id])
    assert _scalar(con, "SELECT count(*) FROM raw.record WHERE load_id = ?", [load_id]) == received
    assert (received, rejected) == (loaded + held, held)


# -- one declaration of each vocabulary: what a suite admits, core maps ------------------------------------------

TRACKING_CODE_COLUMN = {"KTZ": "op_code", "ADY": "op_code", "AKTAU_PORT": "move_type", "BAKU_PORT": "event_type_code"}


def admitted(suite: str, column: str) -> set[str]:
    """The value set a suite's expect_column_values_to_be_in_set declares for `column`."""
    [values] = [e["kwargs"]["value_set"] for e in read_suite(suite)["expectations"]
                if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == column]
    return set(values)


@pytest.mark.parametrize("operator", list(TRACKING_CODE_COLUMN))
def test_every_event_code_a_tracking_suite_admits_is_one_core_maps(tmp_path, operator):
    """The suites declare which codes are valid, core.map_event_type what each means: the two lists are one."""
    with fresh_warehouse(tmp_path) as warehouse:
        mapped = {code for (code,) in warehouse.cursor().execute(
            "SELECT DISTINCT source_code FROM core.map_event_type WHERE operator_code = ?", [operator]).fetchall()}
    assert admitted(f"{operator.lower()}_tracking", TRACKING_CODE_COLUMN[operator]) == mapped


@pytest.mark.parametrize("operator", ["AKTAU_PORT", "BAKU_PORT"])
def test_every_equipment_kind_and_call_status_a_port_suite_admits_is_the_contracts(operator):
    suite = operator.lower()
    assert admitted(f"{suite}_tracking", "equipment_kind") == {"CONTAINER", "WAGON"}
    assert admitted(f"{suite}_schedule", "status") == set(CALL_STATUSES)


@pytest.mark.parametrize("operator", ["KTZ", "ADY"])
def test_every_status_a_cargo_suite_admits_reaches_core_as_a_contract_status(hostile, tmp_path, operator):
    """One consignment per admitted status, in one page: each reaches core, each with one of the contract's four."""
    docs = DOCS[(operator, "cargo")]
    statuses = sorted(admitted(f"{operator.lower()}_cargo", "status"))
    records = [patched(docs.poison_base, {**docs.renamed(n), "status": status}) for n, status in enumerate(statuses)]
    server = hostile()
    with fresh_warehouse(tmp_path) as warehouse:
        result = _load(warehouse, server, operator, "cargo", records)
        assert result.status == "SUCCEEDED" and result.loaded == len(statuses), result.error
        con = warehouse.cursor()
        assert core_keys(con, operator, "cargo") == {docs.key_in_core(r) for r in records}
        assert_core_holds_only_the_contract(con)


# -- staged but not in core: only what the contract leaves out ----------------------------------------------------


def test_a_staged_record_missing_from_core_is_a_superseded_revision_or_a_yard_shift(hostile, tmp_path):
    """Revision 1 and 2 of one KTZ operation in one page: both staged, core holds revision 2. An Aktau yard shift:
    staged, and not in core (warehouse.md: yard shifts are not loaded). Nothing else staged is missing from core."""
    server = hostile()
    with fresh_warehouse(tmp_path) as warehouse:
        corrected = patched(KTZ_OPERATION, {"revision": 2, "op_time": "2024-03-01T05:59:00+05:00"})
        ktz = _load(warehouse, server, "KTZ", "tracking", [KTZ_OPERATION, corrected])
        shift = patched(AKTAU_MOVE, {"moveId": "m-shift", "moveType": "YARD_SHIFT"})
        aktau = _load(warehouse, server, "AKTAU_PORT", "tracking", [AKTAU_MOVE, shift])
        assert (ktz.status, aktau.status) == ("SUCCEEDED", "SUCCEEDED")
        con = warehouse.cursor()
        assert sorted(con.execute("SELECT revision FROM staging.ktz_operation").fetchall()) == [(1,), (2,)]
        assert con.execute("SELECT source_revision FROM core.fact_equipment_event WHERE operator_code = 'KTZ'"
                           ).fetchall() == [(2,)]
        missing = con.execute("""
            SELECT m.move_id, m.move_type FROM staging.aktau_move AS m
            WHERE m.move_id NOT IN (SELECT source_record_id FROM core.fact_equipment_event)""").fetchall()
        assert missing == [("m-shift", "YARD_SHIFT")]
        for load in (ktz, aktau):
            assert_every_record_is_accounted_for_by_count(con, load.load_id)


@pytest.mark.parametrize("item", [None, "24KZ0012399", 42, [KTZ_OPERATION]], ids=["null", "text", "number", "list"])
@pytest.mark.parametrize("operator", ["KTZ", "AKTAU_PORT"], ids=["ktz", "aktau"])
def test_a_page_item_that_is_not_an_object_is_refused_alone_and_the_others_load(hostile, tmp_path, operator, item):
    """A JSON page's item that is not an object has nothing to read: quarantined as `record_not_an_object` (before,
    its parser raised and failed the feed)."""
    docs = DOCS[(operator, "tracking")]
    server = hostile()
    with fresh_warehouse(tmp_path) as warehouse:
        result = _load(warehouse, server, operator, "tracking", [docs.good[0], item, docs.good[1]])
        assert result.status == "SUCCEEDED", result.error
        con = warehouse.cursor()
        [(reasons, raw)] = con.execute("SELECT reasons, raw_record FROM quality.quarantine").fetchall()
        assert reasons == ["record_not_an_object"] and json.loads(raw) == item
        assert {docs.key_in_core(r) for r in docs.good} <= core_keys(con, operator, "tracking")
        assert_every_record_is_accounted_for_by_count(con, result.load_id)
