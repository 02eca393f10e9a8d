"""ADY (Azerbaijan Railways): CSV exports (BOM, `;`, CRLF, decimal comma), X-Api-Key, numbered pages, Baku local times."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from corridor.config import Settings
from corridor.connectors import normalize as n
from corridor.connectors.base import SCHEDULE_HORIZON, Feed, Page, RawRecord, Window
from corridor.connectors.http import FeedError, Fetched, HttpClient
from corridor.timeutil import format_instant

OPERATOR = "ADY"
ZONE = "Asia/Baku"  # every ADY time, whatever the station (feeds.md)
# At most 31 local dates a request: a UTC span under 30 days never covers more than 31 Baku dates.
MAX_WINDOW = timedelta(days=30)


def read_csv(content: bytes) -> list[dict[str, str]]:
    """ADY's CSV (UTF-8 with BOM, `;`, quoted where needed, CRLF) → one dict per row: header name → raw cell.

    Columns go by header name (new ones may be appended, to the header too); header names are trimmed,
    cells are kept as received (the parser trims). A row whose cell count is not the header's is a cut
    or broken page: FeedError, never a partial row. A field may be as long as the body (the record
    bound quarantines what is too large); a byte that is not UTF-8 refuses its row only (`n.decoded`).
    """
    csv.field_size_limit(max(csv.field_size_limit(), len(content)))
    try:
        lines = list(csv.reader(io.StringIO(n.decoded(content), newline=""), delimiter=";"))
    except csv.Error as exc:
        raise FeedError(f"ADY: unreadable CSV ({exc})") from None
    if not lines:
        return []
    header = [name.strip() for name in lines[0]]
    rows = []
    for number, cells in enumerate(lines[1:], start=1):
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        if len(cells) != len(header):
            raise FeedError(f"ADY: row {number} has {len(cells)} cells where the header has {len(header)}: "
                            "a cut or broken page")
        rows.append(dict(zip(header, cells)))
    return rows


def _total_pages(fetched: Fetched) -> str | None:
    return fetched.headers.get("X-Total-Pages")


class AdyClient:
    """Endpoints, auth and paging of the ADY CSV export."""

    def __init__(self, settings: Settings, http: HttpClient):
        self.base = settings.ady_url.rstrip("/")
        key = settings.ady_api_key.get_secret_value()
        self._auth = {"X-Api-Key": key}
        self.http = http.bind(settings, self.base, {"CORRIDOR_ADY_API_KEY": key})

    def _get(self, path: str, params: dict[str, Any]) -> tuple[Fetched, list[dict[str, str]]]:
        fetched = self.http.request("GET", f"{self.base}{path}", params=params, headers=self._auth)
        return fetched, read_csv(fetched.content)

    def _dated_pages(self, path: str, window: Window) -> Iterator[Page]:
        """Local dates covering each sub-window, every page; rows kept when `ixrac_tarixi` is in the sub-window.

        A row whose export time cannot be read is kept, so that validation quarantines it rather than
        it being lost. The last row of a page reappearing on the next is left to the exact-repeat collapse.
        """
        for part in window.split(MAX_WINDOW):
            dates = part.local_dates(ZONE)
            first, last = dates[0], dates[-1]
            params: dict[str, Any] = {"date_from": f"{first:%d.%m.%Y}", "date_to": f"{last:%d.%m.%Y}"}
            paging = self.http.paging(path)
            page = 1
            while True:
                paging.page()
                fetched, rows = self._get(path, {**params, "page": page})
                total = paging.total(_total_pages(fetched), "X-Total-Pages")
                if not rows and page < total:
                    raise paging.empty_before_last(page, total)
                kept = [self._record(row, f"{path}/{first}/page{page}/row{i}") for i, row in enumerate(rows, start=1)
                        if _published_in(row.get("ixrac_tarixi"), part)]
                yield Page(fetched, kept)
                if page >= total:
                    break
                page += 1

    def _record(self, data: Any, record_id: str) -> RawRecord:
        return n.json_record(data, self.http.limits.max_record_bytes, record_id)

    def fetch_shipments(self, window: Window) -> Iterator[Page]:
        yield from self._dated_pages("/export/v1/shipments.csv", window)

    def fetch_operations(self, window: Window) -> Iterator[Page]:
        yield from self._dated_pages("/export/v1/operations.csv", window)

    def fetch_timetable(self, window: Window) -> Iterator[Page]:
        """One file per service date; each train's rows are one record, with the date and the fetch time."""
        for service_date in window.service_dates(SCHEDULE_HORIZON):
            fetched, rows = self._get("/export/v1/timetable.csv", {"date": f"{service_date:%d.%m.%Y}"})
            trains: dict[str | None, list[dict[str, str]]] = {}
            for row in rows:
                trains.setdefault(n.text(row.get("qatar_no")), []).append(row)
            envelope = {"date": service_date.isoformat(), "fetched_utc": format_instant(fetched.fetched_utc)}
            yield Page(fetched, [self._record({**envelope, "rows": plan}, f"timetable/{service_date}/{train}")
                                 for train, plan in trains.items()])


def _published_in(value: Any, window: Window) -> bool:
    published = n.local_instant(value, ZONE)
    return published is None or window.start <= published < window.end


def _baku(value: Any) -> datetime | None:
    return n.local_instant(value, ZONE)


def parse_shipment(record: dict[str, Any]) -> list[dict[str, Any]]:
    """An ADY shipment row → its typed staging row (Baku local → UTC, tonnes with a decimal comma)."""
    return [{
        "waybill_no": n.text(record.get("qaime_no")),
        "revision": n.integer(record.get("versiya")),
        "published_utc": _baku(record.get("ixrac_tarixi")),
        "container_no": n.text(record.get("konteyner_no")),
        "iso_size_type": n.text(record.get("olcu_tipi")),
        "wagon_no": n.text(record.get("vaqon_no")),
        "origin_esr": n.text(record.get("gonderen_stansiya")),
        "destination_esr": n.text(record.get("teyinat_stansiyasi")),
        "entry_esr": n.text(record.get("giris_stansiyasi")),
        "etsng_code": n.text(record.get("yuk_kodu")),
        "cargo_description": n.text(record.get("yuk_adi")),
        "gross_weight_t": n.decimal_comma(record.get("ceki_ton")),
        "accepted_utc": _baku(record.get("qebul_tarixi")),  # Baku local even for a Kazakh origin
        "train_no": n.text(record.get("qatar_no")),
        "status": n.text(record.get("status")),
    }]


def parse_operation(record: dict[str, Any]) -> list[dict[str, Any]]:
    """An ADY operation row → a row shaped like `staging.ktz_operation`."""
    return [{
        "op_id": n.text(record.get("emeliyyat_id")),
        "revision": n.integer(record.get("versiya")),
        "published_utc": _baku(record.get("ixrac_tarixi")),
        "op_code": n.text(record.get("emeliyyat_kodu")),
        "event_time_utc": _baku(record.get("tarix")),
        "esr": n.text(record.get("stansiya")),
        "train_no": n.text(record.get("qatar_no")),
        "wagon_no": n.text(record.get("vaqon_no")),
        "container_no": n.text(record.get("konteyner_no")),
        "waybill_no": n.text(record.get("qaime_no")),
        "is_laden": n.boolean(record.get("yuklu")),
    }]


def _seq_order(item: tuple[int, dict[str, Any]]) -> tuple[bool, int, int]:
    position, row = item
    seq = row["stop_seq"]
    return seq is None, seq if seq is not None else 0, position


def parse_timetable_plan(record: dict[str, Any]) -> list[dict[str, Any]]:
    """One train of an ADY timetable file → one row per stop (staging.ktz_train_stop's columns).

    `record` is `{"date", "fetched_utc", "rows"}` as built by `fetch_timetable`; the plan was published
    when it was fetched. Origin and destination are the first and last stops by sequence.
    """
    service_date = n.text(record.get("date"))
    try:
        day = date.fromisoformat(service_date) if service_date else None
    except ValueError:
        day = None
    listed = record.get("rows")
    source_rows = [row for row in listed if isinstance(row, dict)] if isinstance(listed, list) else []
    source_rows = source_rows or [{}]
    train_no = next((t for t in (n.text(r.get("qatar_no")) for r in source_rows) if t), None)
    service_code = next((c for c in (n.text(r.get("marsrut")) for r in source_rows) if c), None)
    stops = []
    for row in source_rows:
        arrival, departure = _baku(row.get("plan_gelis")), _baku(row.get("plan_gedis"))
        stops.append({"stop_seq": n.integer(row.get("sira")), "esr": n.text(row.get("stansiya")),
                      "planned_arrival_utc": arrival, "planned_departure_utc": departure,
                      "stop_dwell_hours": n.hours(departure, arrival, missing=n.NAN)})
    ordered = [stop for _, stop in sorted(enumerate(stops), key=_seq_order)]
    head = {
        "plan_id": f"{day.isoformat()}/{train_no}" if day and train_no else None,
        "revision": 1,
        "published_utc": n.instant(record.get("fetched_utc")),
        "service_date": day,
        "train_no": train_no,
        "service_code": service_code,
        "origin_esr": ordered[0]["esr"],
        "destination_esr": ordered[-1]["esr"],
    }
    return [{**head, **stop} for stop in stops]


SHIPMENTS = Feed(
    operator=OPERATOR,
    feed="cargo",
    endpoint="/export/v1/shipments.csv",
    fetch=AdyClient.fetch_shipments,
    parse=parse_shipment,
    id_column="waybill_no",
    key_columns=("waybill_no", "revision"),
    staging_table="staging.ady_shipment",
    core_transforms=("core_fact_consignment.sql",),
    max_window=MAX_WINDOW,
    business_time_column="accepted_utc",
)

TIMETABLE = Feed(
    operator=OPERATOR,
    feed="schedule",
    endpoint="/export/v1/timetable.csv",
    fetch=AdyClient.fetch_timetable,
    parse=parse_timetable_plan,
    id_column="plan_id",
    key_columns=("plan_id", "published_utc"),
    staging_table="staging.ady_train_stop",
    core_transforms=("core_fact_train_stop.sql",),
    row_key_columns=("stop_seq",),
)

OPERATIONS = Feed(
    operator=OPERATOR,
    feed="tracking",
    endpoint="/export/v1/operations.csv",
    fetch=AdyClient.fetch_operations,
    parse=parse_operation,
    id_column="op_id",
    key_columns=("op_id", "revision"),
    staging_table="staging.ady_operation",
    core_transforms=("core_fact_equipment_event.sql",),
    max_window=MAX_WINDOW,
    business_time_column="event_time_utc",
)

FEEDS = {"cargo": SHIPMENTS, "schedule": TIMETABLE, "tracking": OPERATIONS}
CLIENT = AdyClient
