"""Port of Baku: namespaced XML documents, HTTP Basic, one local (Asia/Baku) date per request, in parts."""
from __future__ import annotations

import copy as copy_module
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, NamedTuple

import defusedxml
import defusedxml.ElementTree as DET

from corridor import reference
from corridor.config import Settings
from corridor.connectors import normalize as n
from corridor.connectors.base import Feed, Page, RawRecord, Window
from corridor.connectors.http import HttpClient
from corridor.timeutil import local_to_utc

OPERATOR = "BAKU_PORT"
NS = "urn:bistp:terminal:1"
PORT = "AZBAK"

def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def port_zone() -> str:
    """The Port of Baku's IANA zone, from reference data (Asia/Baku)."""
    return reference.location_by_unlocode()[PORT].timezone


class BakuClient:
    """Endpoints, HTTP Basic auth and date/part paging of the Port of Baku EDI documents."""

    def __init__(self, settings: Settings, http: HttpClient):
        self.base = settings.baku_url.rstrip("/")
        self._user = settings.baku_user
        self._password = settings.baku_password
        self.http = http.bind(settings, self.base, {"CORRIDOR_BAKU_PASSWORD": self._password.get_secret_value()})

    def _documents(self, endpoint: str, element: str, published: Callable[[ET.Element], Any],
                   window: Window) -> Iterator[Page]:
        """Every part of every local date covering `window`; records kept when published in the window."""
        zone_name = port_zone()
        for day in window.local_dates(zone_name):
            # A record whose publication time can't be read is kept in the window holding its date's start,
            # so it is loaded (and quarantined) once, not dropped.
            day_start = local_to_utc(datetime(day.year, day.month, day.day), zone_name)
            default_in_window = window.start <= day_start < window.end
            # Parts, including a walk past unreadable ones until the 400, are bounded by the page cap.
            paging = self.http.paging(f"/edi/v1/{endpoint} {day}")
            parts: int | None = None
            part = 1
            while parts is None or part <= parts:
                paging.page()
                fetched = self.http.request(
                    "GET", f"{self.base}/edi/v1/{endpoint}", params={"date": day.isoformat(), "part": part},
                    auth=(self._user, self._password.get_secret_value()), ok_statuses=frozenset({200, 400}),
                )
                if fetched.status == 400:
                    if parts is None and part > 1:
                        break  # past the last part of a document whose part count could not be read
                    raise self.http.error(f"HTTP 400 for {fetched.url} date={day} part={part}: "
                                          f"{self.http.excerpt(fetched.content)}")
                refused_id = f"{endpoint}/{day.isoformat()}/part{part}"
                root, refused = read_document(fetched.content)
                if root is None:
                    text = fetched.content.decode("utf-8", errors="replace")
                    yield Page(fetched, [RawRecord(text, None, refused=refused, refused_id=refused_id)])
                else:
                    if parts is None and (parts := _parts(root)) is not None:
                        paging.total(parts, "parts")
                    records = []
                    for index, item in enumerate(root.findall(_q(element)), start=1):
                        instant = published(item)
                        if (window.start <= instant < window.end) if instant is not None else default_in_window:
                            records.append(self._record(item, f"{refused_id}/{item.get('id') or index}"))
                    yield Page(fetched, records)
                part += 1

    def _record(self, item: ET.Element, record_id: str) -> RawRecord:
        """One element as a raw record; one over the record bound is refused (and not kept as an element)."""
        return n.bounded(RawRecord(element_text(item), item), self.http.limits.max_record_bytes, record_id[:200])

    def fetch_terminal_events(self, window: Window) -> Iterator[Page]:
        yield from self._documents("terminal-events", "Event", lambda e: n.instant(e.get("recorded")), window)

    def fetch_berth_schedule(self, window: Window) -> Iterator[Page]:
        yield from self._documents("berth-schedule", "Call", lambda e: n.instant(e.get("updated")), window)

    def fetch_declarations(self, window: Window) -> Iterator[Page]:
        yield from self._documents("cargo-declarations", "Declaration", lambda e: n.instant(e.get("recorded")), window)


def read_document(content: bytes | str) -> tuple[ET.Element | None, str | None]:
    """Parse a part safely: (root, None), or (None, the refusal rule) for a DOCTYPE/entities or broken XML."""
    try:
        return DET.fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True), None
    except defusedxml.DefusedXmlException:
        return None, "xml_doctype"
    except (ET.ParseError, ValueError):
        return None, "xml_not_well_formed"


def _parts(root: ET.Element) -> int | None:
    """The root's `parts="K"`; None where it can't be read (then parts are walked until a 400)."""
    value = n.integer(root.get("parts"))
    return value if value is not None and value >= 1 else None


def element_text(element: ET.Element) -> str:
    """The element's serialized XML, with the source's namespace as the default one (`<Event xmlns="…" id=…>`)."""
    copy = copy_module.deepcopy(element)
    prefix = f"{{{NS}}}"
    for item in copy.iter():
        if isinstance(item.tag, str) and item.tag.startswith(prefix):
            item.tag = item.tag[len(prefix):]
    attributes = dict(copy.attrib)
    copy.attrib.clear()
    copy.attrib.update({"xmlns": NS, **attributes})
    copy.tail = None
    return ET.tostring(copy, encoding="unicode")


# -- private XML helpers -------------------------------------------------------------------------------


def _element(value: ET.Element | str | bytes) -> ET.Element:
    """Parsers take the element (from the client) or its XML text (tests, replay from raw).

    Text that is not a safe, well-formed element reads as an empty one: every field none, so it is quarantined.
    """
    if isinstance(value, ET.Element):
        return value
    root, _ = read_document(value)
    return root if root is not None else ET.Element(_q("Unreadable"))


def _child(element: ET.Element, tag: str) -> ET.Element | None:
    return element.find(_q(tag))


def _child_text(element: ET.Element, tag: str) -> str | None:
    child = _child(element, tag)
    return None if child is None else n.text(child.text)


def _attr(element: ET.Element | None, name: str) -> str | None:
    return None if element is None else n.text(element.get(name))


# How many of each unit make a tonne. Which units a record may use is the suites' rule (weight_unit_known).
UNITS_PER_TONNE = {"TNE": 1.0, "KG": 1000.0}


class Weight(NamedTuple):
    """A record's gross weight in tonnes, and the unit it came in ('' for a weight given without one)."""

    tonnes: float | None
    unit: str | None


def _weight(element: ET.Element | None) -> Weight:
    """`<Weight unit="KG|TNE">` (decimal point); absent or empty: no weight. An unknown unit, or none, gives no tonnes."""
    if element is None:
        return Weight(None, None)
    number = n.number(element.text)
    unit: str | None = (_attr(element, "unit") or "").upper()
    if not unit and n.text(element.text) is None:
        unit = None  # an empty <Weight/>: no weight at all
    per_tonne = UNITS_PER_TONNE.get(unit or "")
    return Weight(None if number is None or per_tonne is None else number / per_tonne, unit)


def _equipment(element: ET.Element, transport: ET.Element | None = None, with_iso: bool = False) -> dict[str, Any]:
    """Equipment columns; a wagon's number is the equipment's for a WAGON, else the transport's `wagon`."""
    equipment = _child(element, "Equipment")
    kind = _attr(equipment, "kind")
    number = _attr(equipment, "number")
    kind_upper = (kind or "").upper()
    return {
        "equipment_kind": kind,
        "equipment_no": number,
        "container_no": number if kind_upper == "CONTAINER" else None,
        "wagon_no": number if kind_upper == "WAGON" else _attr(transport, "wagon"),
        **({"iso_size_type": _attr(equipment, "iso")} if with_iso else {}),
        "is_laden": n.boolean(_attr(equipment, "full")),
    }


# -- parsers ---------------------------------------------------------------------------------------


def parse_terminal_event(record: ET.Element | str) -> list[dict[str, Any]]:
    """A Baku `<Event>` → its typed staging row (`<Time>` is Baku local time)."""
    event = _element(record)
    transport = _child(event, "Transport")
    mode = _attr(transport, "mode")
    weight = _weight(_child(event, "Weight"))
    return [{
        "event_id": n.text(event.get("id")),
        "revision": n.integer(event.get("rev")),
        "published_utc": n.instant(event.get("recorded")),
        "event_type_code": _child_text(event, "Type"),
        "event_time_utc": n.local_instant(_child_text(event, "Time"), port_zone(), n.ISO_T_TIME),
        **_equipment(event, transport, with_iso=True),
        "transport_mode": mode,
        "vessel_imo": n.imo(_attr(transport, "imo")),
        "voyage_no": _attr(transport, "voyage"),
        "train_no": _attr(transport, "train"),
        "truck_plate": _attr(transport, "plate"),
        "gross_weight_t": weight.tonnes,
        "facility": _child_text(event, "Facility"),
        "weight_unit": weight.unit,
    }]


def parse_berth_call(record: ET.Element | str) -> list[dict[str, Any]]:
    """A Baku `<Call>` version → its typed staging row (times Baku local; no revision at the source: 1)."""
    call = _element(record)
    zone_name = port_zone()
    vessel = _child(call, "Vessel")
    published = n.instant(call.get("updated"))
    times = {tag: n.local_instant(_child_text(call, tag), zone_name, n.ISO_T_TIME) for tag in ("ETA", "ETB", "ETD", "ATA", "ATD")}
    actual = [t for t in (times["ATA"], times["ATD"]) if t is not None]
    return [{
        "call_id": n.text(call.get("id")),
        "revision": 1,
        "published_utc": published,
        "status": n.text(call.get("status")),
        "vessel_imo": n.imo(_attr(vessel, "imo")),
        "vessel_name": _attr(vessel, "name"),
        "voyage_no": _child_text(call, "Voyage"),
        "prev_port": _child_text(call, "PrevPort"),
        "eta_utc": times["ETA"],
        "etb_utc": times["ETB"],
        "etd_utc": times["ETD"],
        "ata_utc": times["ATA"],
        "atd_utc": times["ATD"],
        "etd_minus_eta_hours": n.hours(times["ETD"], times["ETA"]),
        "actual_lateness_hours": n.hours(max(actual), published) if actual else None,
    }]


def parse_declaration(record: ET.Element | str) -> list[dict[str, Any]]:
    """A Baku `<Declaration>` → its typed staging row (HS code as received, trimmed)."""
    declaration = _element(record)
    weight = _weight(_child(declaration, "Weight"))
    return [{
        "declaration_id": n.text(declaration.get("id")),
        "revision": n.integer(declaration.get("rev")),
        "published_utc": n.instant(declaration.get("recorded")),
        "call_id": _child_text(declaration, "CallRef"),
        "waybill_no": _child_text(declaration, "WaybillNo"),
        **_equipment(declaration),
        "hs_code": _child_text(declaration, "HS"),
        "cargo_description": _child_text(declaration, "Description"),
        "gross_weight_t": weight.tonnes,
        "origin_port": _attr(_child(declaration, "Origin"), "unlocode"),
        "destination_port": _attr(_child(declaration, "Destination"), "unlocode"),
        "weight_unit": weight.unit,
    }]


TERMINAL_EVENTS = Feed(
    operator=OPERATOR,
    feed="tracking",
    endpoint="/edi/v1/terminal-events",
    fetch=BakuClient.fetch_terminal_events,
    parse=parse_terminal_event,
    id_column="event_id",
    key_columns=("event_id", "revision"),
    staging_table="staging.baku_terminal_event",
    core_transforms=("core_fact_equipment_event.sql",),
    business_time_column="event_time_utc",
)

BERTH_SCHEDULE = Feed(
    operator=OPERATOR,
    feed="schedule",
    endpoint="/edi/v1/berth-schedule",
    fetch=BakuClient.fetch_berth_schedule,
    parse=parse_berth_call,
    id_column="call_id",
    key_columns=("call_id", "published_utc"),
    staging_table="staging.baku_vessel_call",
    core_transforms=("core_fact_vessel_call_version.sql", "core_fact_vessel_call.sql"),
)

DECLARATIONS = Feed(
    operator=OPERATOR,
    feed="cargo",
    endpoint="/edi/v1/cargo-declarations",
    fetch=BakuClient.fetch_declarations,
    parse=parse_declaration,
    id_column="declaration_id",
    key_columns=("declaration_id", "revision"),
    staging_table="staging.baku_declaration",
    core_transforms=("core_fact_consignment.sql",),
)

FEEDS = {"tracking": TERMINAL_EVENTS, "schedule": BERTH_SCHEDULE, "cargo": DECLARATIONS}
CLIENT = BakuClient
