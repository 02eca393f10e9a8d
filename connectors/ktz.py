"""KTZ (Kazakhstan Temir Zholy): JSON API, bearer token, opaque cursor paging, RFC 3339 times."""
from __future__ import annotations

import json
from typing import Any, Iterator

from corridor.config import Settings
from corridor.connectors import normalize as n
from corridor.connectors.base import Feed, Page, RawRecord, Window
from corridor.connectors.http import FeedError, HttpClient
from corridor.timeutil import format_instant

OPERATOR = "KTZ"
PAGE_LIMIT = 1000


class KtzClient:
    """Endpoints, auth and paging of the KTZ API."""

    def __init__(self, settings: Settings, http: HttpClient):
        self.base = settings.ktz_url.rstrip("/")
        self._auth = {"Authorization": f"Bearer {settings.ktz_token.get_secret_value()}"}
        self.http = http

    def _cursor_pages(self, path: str, window: Window) -> Iterator[Page]:
        params: dict[str, Any] = {
            "updated_from": format_instant(window.start),
            "updated_to": format_instant(window.end),
            "limit": PAGE_LIMIT,
        }
        while True:
            fetched = self.http.request("GET", f"{self.base}{path}", params=params, headers=self._auth)
            try:
                body = json.loads(fetched.content)
                records = [RawRecord.from_json(item) for item in body["data"]]
                cursor = body["meta"]["next_cursor"]
            except (KeyError, TypeError, ValueError) as exc:
                raise FeedError(f"KTZ {path}: unexpected response shape ({exc})") from None
            yield Page(fetched, records)
            if not cursor:
                return
            params = {**params, "cursor": cursor}

    def fetch_operations(self, window: Window) -> Iterator[Page]:
        for part in window.split(OPERATIONS.max_window):
            yield from self._cursor_pages("/api/v2/operations", part)


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


OPERATIONS = Feed(
    operator=OPERATOR,
    feed="tracking",
    endpoint="/api/v2/operations",
    fetch=KtzClient.fetch_operations,
    parse=parse_operation,
    columns={
        "op_id": "string", "revision": "Int64", "published_utc": "datetime64[us]", "op_code": "string",
        "event_time_utc": "datetime64[us]", "esr": "string", "train_no": "string", "wagon_no": "string",
        "container_no": "string", "waybill_no": "string", "is_laden": "boolean",
    },
    id_column="op_id",
    key_columns=("op_id", "revision"),
    staging_table="staging.ktz_operation",
    core_transforms=("core_fact_equipment_event.sql",),
    business_time_column="event_time_utc",
)

FEEDS = {"tracking": OPERATIONS}
CLIENT = KtzClient
