"""KTZ (Kazakhstan Temir Zholy): JSON API, bearer token, opaque cursor paging, RFC 3339 times."""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from corridor.config import Settings
from corridor.connectors import normalize as n
from corridor.connectors.base import SCHEDULE_HORIZON, Feed, Page, RawRecord, Window
from corridor.connectors.http import FeedError, HttpClient
from corridor.reference import location_by_esr
from corridor.timeutil import format_instant

OPERATOR = "KTZ"
PAGE_LIMIT = 1000


class KtzClient:
    """Endpoints, auth and paging of the KTZ API."""

    def __init__(self, settings: Settings, http: HttpClient):
        self.base = settings.ktz_url.rstrip("/")
        token = settings.ktz_token.get_secret_value()
        self._auth = {"Authorization": f"Bearer {token}"}
        self.http = http.bind(settings, self.base, {"CORRIDOR_KTZ_TOKEN": token})

    def _cursor_pages(self, path: str, window: Window) -> Iterator[Page]:
        params: dict[str, Any] = {
            "updated_from": format_instant(window.start),
            "updated_to": format_instant(window.end),
            "limit": PAGE_LIMIT,
        }
        paging = self.http.paging(path)
        while True:
            paging.page()
            fetched = self.http.request("GET", f"{self.base}{path}", params=params, headers=self._auth)
            try:
                body = json.loads(n.decoded(fetched.content))
                items, cursor = body["data"], body["meta"]["next_cursor"]
                records = [self._record(item, f"{path}/page{paging.pages}/record{i}") for i, item in enumerate(items)]
            except (KeyError, TypeError, ValueError) as exc:
                raise FeedError(f"KTZ {path}: unexpected response shape ({exc})") from None
            yield Page(fetched, records)
            if not cursor:
                return
            paging.cursor(cursor)
            params = {**params, "cursor": cursor}

    def _record(self, data: Any, record_id: str) -> RawRecord:
        return n.json_record(data, self.http.limits.max_record_bytes, record_id)

    def fetch_operations(self, window: Window) -> Iterator[Page]:
        for part in window.split(OPERATIONS.max_window):
            yield from self._cursor_pages("/api/v2/operations", part)

    def fetch_consignments(self, window: Window) -> Iterator[Page]:
        for part in window.split(CONSIGNMENTS.max_window):
            yield from self._cursor_pages("/api/v2/consignments", part)

    def fetch_train_schedules(self, window: Window) -> Iterator[Page]:
        """One document per service date; each train plan becomes one record carrying the envelope facts."""
        path = "/api/v2/train-schedules"
        for service_date in window.service_dates(SCHEDULE_HORIZON):
            fetched = self.http.request("GET", f"{self.base}{path}", params={"service_date": service_date.isoformat()},
                                        headers=self._auth)
            try:
                body = json.loads(n.decoded(fetched.content))
                plans = body["data"]
                envelope = {
                    "service_date": body.get("service_date") or service_date.isoformat(),
                    "published_at": body.get("published_at"),
                }
                records = [self._record({**envelope, "plan": plan}, f"{path}/{service_date}/plan{i}")
                           for i, plan in enumerate(plans)]
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise FeedError(f"KTZ {path}: unexpected response shape ({exc})") from None
            yield Page(fetched, records)


def _zone_of(esr: str | None) -> str | None:
    location = location_by_esr().get(esr) if esr else None
    return location.timezone if location else None


def _date(value: Any) -> date | None:
    value = n.text(value)
    try:
        return date.fromisoformat(value) if value is not None else None
    except ValueError:
        return None


def parse_operation(record: dict[str, Any]) -> list[dict[str, Any]]:
    """A KTZ operation → its typed staging row (times in UTC; quirks normalised)."""
    return [{
        "op_id": n.text(record.get("op_id")),
        "revision": n.integer(record.get("revision")),
        "published_utc": n.instant(record.get("updated_at")),
        "op_code": n.text(record.get("op_code")),
        "event_time_utc": n.instant(record.get("op_time")),
        "esr": n.text(record.get("esr")),
        "train_no": n.text(record.get("train_no")),
        "wagon_no": n.text(record.get("wagon_no")),
        "container_no": n.text(record.get("container_no")),
        "waybill_no": n.text(record.get("waybill_no")),
        "is_laden": n.boolean(record.get("laden")),
    }]


def parse_consignment(record: dict[str, Any]) -> list[dict[str, Any]]:
    """A KTZ consignment → its typed staging row (kg → t, HS = first six digits of GNG)."""
    equipment, route, cargo = n.obj(record.get("equipment")), n.obj(record.get("route")), n.obj(record.get("cargo"))
    kg = n.number(cargo.get("gross_weight_kg"))
    gng = n.code(cargo.get("gng"), 8)
    return [{
        "waybill_no": n.text(record.get("waybill_no")),
        "revision": n.integer(record.get("revision")),
        "published_utc": n.instant(record.get("updated_at")),
        "status": n.text(record.get("status")),
        "equipment_kind": n.text(equipment.get("kind")),
        "container_no": n.text(equipment.get("container_no")),
        "iso_size_type": n.text(equipment.get("iso_size_type")),
        "wagon_no": n.text(equipment.get("wagon_no")),
        "origin_esr": n.text(route.get("origin_esr")),
        "destination_esr": n.text(route.get("destination_esr")),
        "exit_esr": n.text(route.get("exit_esr")),
        "etsng_code": n.code(cargo.get("etsng"), 6),
        "gng_code": gng,
        "hs_code": gng[:6] if gng is not None and len(gng) >= 6 and gng[:6].isascii() and gng[:6].isdigit() else None,
        "cargo_description": n.text(cargo.get("description")),
        "gross_weight_t": None if kg is None else kg / 1000.0,
        "accepted_utc": n.instant(record.get("accepted_at")),
        "train_no": n.text(record.get("train_no")),
        "shipper_country": n.text(record.get("shipper_country")),
        "consignee_country": n.text(record.get("consignee_country")),
    }]


def parse_train_plan(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One train of a KTZ schedule document → one row per stop; stop times are station-local wall clock.

    `record` is `{"service_date", "published_at", "plan"}` as built by `fetch_train_schedules`. A plan
    without stops gives one row without a stop, so that validation quarantines it instead of losing it.
    """
    plan = n.obj(record.get("plan"))
    service_date = _date(record.get("service_date"))
    train_no = n.text(plan.get("train_no"))
    head = {
        "plan_id": f"{service_date.isoformat()}/{train_no}" if service_date and train_no else None,
        "revision": 1,
        "published_utc": n.instant(record.get("published_at")),
        "service_date": service_date,
        "train_no": train_no,
        "service_code": n.text(plan.get("service_code")),
        "origin_esr": n.text(plan.get("origin_esr")),
        "destination_esr": n.text(plan.get("destination_esr")),
    }
    stops = plan.get("stops") if isinstance(plan.get("stops"), list) else []
    rows = []
    for stop in map(n.obj, stops):
        esr = n.text(stop.get("esr"))
        zone_name = _zone_of(esr)  # an unknown station has no zone: its times stay None (esr_known reports it)
        arrival = n.local_instant(stop.get("arr"), zone_name, n.ISO_WALL_TIME)
        departure = n.local_instant(stop.get("dep"), zone_name, n.ISO_WALL_TIME)
        rows.append({**head, "stop_seq": n.integer(stop.get("seq")), "esr": esr, "planned_arrival_utc": arrival,
                     "planned_departure_utc": departure, "stop_dwell_hours": n.hours(departure, arrival, missing=n.NAN)})
    return rows or [{**head, "stop_seq": None, "esr": None, "planned_arrival_utc": None, "planned_departure_utc": None,
                     "stop_dwell_hours": n.NAN}]


OPERATIONS = Feed(
    operator=OPERATOR,
    feed="tracking",
    endpoint="/api/v2/operations",
    fetch=KtzClient.fetch_operations,
    parse=parse_operation,
    id_column="op_id",
    key_columns=("op_id", "revision"),
    staging_table="staging.ktz_operation",
    core_transforms=("core_fact_equipment_event.sql",),
    business_time_column="event_time_utc",
)

CONSIGNMENTS = Feed(
    operator=OPERATOR,
    feed="cargo",
    endpoint="/api/v2/consignments",
    fetch=KtzClient.fetch_consignments,
    parse=parse_consignment,
    id_column="waybill_no",
    key_columns=("waybill_no", "revision"),
    staging_table="staging.ktz_consignment",
    core_transforms=("core_fact_consignment.sql",),
    business_time_column="accepted_utc",
)


TRAIN_SCHEDULES = Feed(
    operator=OPERATOR,
    feed="schedule",
    endpoint="/api/v2/train-schedules",
    fetch=KtzClient.fetch_train_schedules,
    parse=parse_train_plan,
    id_column="plan_id",
    key_columns=("plan_id", "published_utc"),
    staging_table="staging.ktz_train_stop",
    core_transforms=("core_fact_train_stop.sql",),
    row_key_columns=("stop_seq",),
)

FEEDS = {"tracking": OPERATIONS, "cargo": CONSIGNMENTS, "schedule": TRAIN_SCHEDULES}
CLIENT = KtzClient
