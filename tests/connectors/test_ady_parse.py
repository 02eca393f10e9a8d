"""ADY CSV exports: reading, parsing, quirks, Baku local times, windows → local dates, paging."""
import json
import math
from datetime import date, datetime, timedelta

import pytest

from corridor.config import Settings
from corridor.connectors.ady import (
    FEEDS,
    OPERATIONS,
    SHIPMENTS,
    TIMETABLE,
    ZONE,
    AdyClient,
    parse_operation,
    parse_shipment,
    parse_timetable_plan,
    read_csv,
)
from corridor.connectors.base import Window
from corridor.connectors.http import FeedError, Fetched, HttpClient
from corridor.connectors.ktz import OPERATIONS as KTZ_OPERATIONS
from corridor.connectors.ktz import TRAIN_SCHEDULES

SHIPMENT_HEADER = ("qaime_no;versiya;ixrac_tarixi;konteyner_no;olcu_tipi;vaqon_no;gonderen_stansiya;teyinat_stansiyasi;"
                   "giris_stansiyasi;yuk_kodu;yuk_adi;ceki_ton;qebul_tarixi;qatar_no;status")


def _csv(header: str, *rows: str) -> bytes:
    return ("\ufeff" + header + "\r\n" + "".join(row + "\r\n" for row in rows)).encode("utf-8")


SHIPMENT_ROW = ("24KZ0012345;2;01.03.2024 10:15:30;CSQU3054383;45G1;51234565;990014;551007;552508;161005;"
                "\"Buğda; dənli\";24,250;27.02.2024 18:40;5701;YOLDA")


def test_read_csv_by_header_name_keeps_raw_cells_and_appended_columns():
    content = _csv(SHIPMENT_HEADER + "; yeni_sutun", SHIPMENT_ROW + "; x ", "")
    rows = read_csv(content)
    assert len(rows) == 1
    assert rows[0]["qaime_no"] == "24KZ0012345" and rows[0]["yuk_adi"] == "Buğda; dənli" and rows[0]["yeni_sutun"] == " x "
    assert read_csv(_csv(SHIPMENT_HEADER)) == [] and read_csv(b"") == []
    # A row with fewer (or more) cells than the header is a cut or broken page, never a partial row.
    with pytest.raises(FeedError, match="row 2 has 2 cells where the header has 16"):
        read_csv(_csv(SHIPMENT_HEADER + "; yeni_sutun", SHIPMENT_ROW + "; x ", " 24AZ0000001 ;1"))


def test_shipment_is_typed_in_utc_from_baku_local_and_decimal_comma_tonnes():
    [record] = read_csv(_csv(SHIPMENT_HEADER, SHIPMENT_ROW))
    [row] = parse_shipment(record)
    assert row == {
        "waybill_no": "24KZ0012345", "revision": 2, "published_utc": datetime(2024, 3, 1, 6, 15, 30),
        "container_no": "CSQU3054383", "iso_size_type": "45G1", "wagon_no": "51234565", "origin_esr": "990014",
        "destination_esr": "551007", "entry_esr": "552508", "etsng_code": "161005", "cargo_description": "Buğda; dənli",
        "gross_weight_t": 24.25,
        "accepted_utc": datetime(2024, 2, 27, 14, 40),  # Baku local (UTC+4) although the origin is Xi'an
        "train_no": "5701", "status": "YOLDA",
    }
    assert set(row) == set(SHIPMENTS.columns)


def test_shipment_quirks_none_and_defects_parse_without_raising():
    record = {"qaime_no": " 24AZ0000001 ", "versiya": "1", "ixrac_tarixi": "01.03.2024 10:15", "konteyner_no": "-",
              "olcu_tipi": " - ", "vaqon_no": " 51234565", "giris_stansiyasi": "", "ceki_ton": " 64,250 ",
              "qebul_tarixi": "2024-02-27T18:40", "qatar_no": "-"}
    [row] = parse_shipment(record)
    assert (row["waybill_no"], row["container_no"], row["iso_size_type"], row["wagon_no"]) == ("24AZ0000001", None, None, "51234565")
    assert row["entry_esr"] is None and row["train_no"] is None and row["gross_weight_t"] == 64.25
    assert row["published_utc"] == datetime(2024, 3, 1, 6, 15) and row["accepted_utc"] is None
    assert [parse_shipment({"ceki_ton": v})[0]["gross_weight_t"] for v in ("0,000", "-1,500", "ağır", "-")] == [0.0, -1.5, None, None]


def test_operation_has_ktz_operation_columns():
    header = "emeliyyat_id;versiya;ixrac_tarixi;emeliyyat_kodu;tarix;stansiya;qatar_no;vaqon_no;konteyner_no;qaime_no;yuklu"
    [record] = read_csv(_csv(header, "500001234503;1;02.03.2024 00:10:05;GLS;01.03.2024 23:58;552508;5701;51234565;-;;1"))
    [row] = parse_operation(record)
    assert row == {
        "op_id": "500001234503", "revision": 1, "published_utc": datetime(2024, 3, 1, 20, 10, 5), "op_code": "GLS",
        "event_time_utc": datetime(2024, 3, 1, 19, 58), "esr": "552508", "train_no": "5701", "wagon_no": "51234565",
        "container_no": None, "waybill_no": None, "is_laden": True,
    }
    assert list(OPERATIONS.columns) == list(KTZ_OPERATIONS.columns)
    assert parse_operation({"yuklu": "0"})[0]["is_laden"] is False


def _plan(rows, date_="2024-03-02"):
    return {"date": date_, "fetched_utc": "2024-03-01T12:00:00Z", "rows": rows}


TIMETABLE_ROWS = [
    {"qatar_no": "5701", "marsrut": "XIAN-BAKU", "sira": "2", "stansiya": "556000", "plan_gelis": "02.03.2024 20:00", "plan_gedis": "02.03.2024 20:30"},
    {"qatar_no": "5701", "marsrut": "XIAN-BAKU", "sira": "1", "stansiya": "552508", "plan_gelis": "", "plan_gedis": "02.03.2024 09:00"},
    {"qatar_no": "5701", "marsrut": "XIAN-BAKU", "sira": "3", "stansiya": "558006", "plan_gelis": "03.03.2024 04:00", "plan_gedis": "-"},
]


def test_timetable_plan_rows_in_baku_time_with_first_and_last_stop():
    rows = parse_timetable_plan(_plan(TIMETABLE_ROWS))
    assert set(rows[0]) == set(TRAIN_SCHEDULES.columns) == set(TIMETABLE.columns)
    assert {(r["plan_id"], r["revision"], r["published_utc"], r["service_date"], r["train_no"], r["service_code"],
             r["origin_esr"], r["destination_esr"]) for r in rows} == {
        ("2024-03-02/5701", 1, datetime(2024, 3, 1, 12), date(2024, 3, 2), "5701", "XIAN-BAKU", "552508", "558006")}
    assert [(r["stop_seq"], r["planned_arrival_utc"], r["planned_departure_utc"]) for r in rows] == [
        (2, datetime(2024, 3, 2, 16), datetime(2024, 3, 2, 16, 30)),
        (1, None, datetime(2024, 3, 2, 5)),
        (3, datetime(2024, 3, 3, 0), None),
    ]
    assert rows[0]["stop_dwell_hours"] == 0.5 and math.isnan(rows[1]["stop_dwell_hours"])


def test_timetable_plan_defects_parse_to_none():
    rows = parse_timetable_plan(_plan([{"qatar_no": "", "sira": "x", "plan_gelis": "02.03.2024 21:00", "plan_gedis": "02.03.2024 20:30"}]))
    assert rows[0]["plan_id"] is None and rows[0]["stop_seq"] is None and rows[0]["stop_dwell_hours"] == -0.5
    [row] = parse_timetable_plan({"date": "2024-03-02", "fetched_utc": None, "rows": []})
    assert row["plan_id"] is None and row["published_utc"] is None and row["stop_seq"] is None


@pytest.mark.parametrize("start, end, expected", [
    (datetime(2024, 2, 28, 21), datetime(2024, 3, 1, 20), ("29.02.2024", "01.03.2024")),  # end 00:00 local: previous date
    (datetime(2024, 3, 1), datetime(2024, 3, 2), ("01.03.2024", "02.03.2024")),  # 04:00 local → 04:00 local
])
def test_window_maps_to_baku_local_dates(start, end, expected):
    dates = Window(start, end).local_dates(ZONE)
    first, last = dates[0], dates[-1]
    assert (f"{first:%d.%m.%Y}", f"{last:%d.%m.%Y}") == expected


class _PagedHttp(HttpClient):
    """ADY export stub: `pages[n]` rows for page n (header row only past the end), X-Total-Pages."""

    def __init__(self, header, pages, fetched_utc=datetime(2024, 3, 1, 12, 0, 0, 123456)):
        super().__init__("ADY cargo")
        self.header, self.pages, self.fetched_utc, self.requests = header, pages, fetched_utc, []

    def request(self, method, url, *, params=None, headers=None, **_):
        self.requests.append((url, dict(params or {}), headers))
        rows = self.pages[params["page"] - 1] if "page" in params and params["page"] <= len(self.pages) else (
            self.pages[0] if "page" not in params else [])
        return Fetched(url, dict(params), 200, {"X-Total-Pages": str(len(self.pages))}, _csv(self.header, *rows), self.fetched_utc)


def _ship(waybill, exported):
    return f"{waybill};1;{exported};-;-;51234565;552508;551007;;161005;Buğda;64,250;29.02.2024 10:00;;QEBUL"


def test_shipments_pages_follow_total_pages_and_keep_rows_exported_in_the_window():
    window = Window(datetime(2024, 2, 29, 20), datetime(2024, 3, 1, 20))  # Baku 01.03 00:00 → 02.03 00:00
    page1 = [_ship("24AZ0000001", "29.02.2024 23:59:59"), _ship("24AZ0000002", "01.03.2024 00:00:00"),
             _ship("24AZ0000003", "01.03.2024 12:00:00")]
    page2 = [page1[-1], _ship("24AZ0000004", "bad time"), _ship("24AZ0000005", "02.03.2024 00:00:00")]
    http = _PagedHttp(SHIPMENT_HEADER, [page1, page2])
    client = AdyClient(Settings(ady_api_key="the-key"), http)
    pages = list(client.fetch_shipments(window))
    assert [p for _, p, _ in http.requests] == [
        {"date_from": "01.03.2024", "date_to": "01.03.2024", "page": 1}, {"date_from": "01.03.2024", "date_to": "01.03.2024", "page": 2}]
    assert all(h == {"X-Api-Key": "the-key"} and "the-key" not in url for url, _, h in http.requests)
    kept = [[r.data["qaime_no"] for r in p.records] for p in pages]
    # The reappearing row is kept twice (collapsed as an exact repeat later); an unreadable export time is kept to be quarantined.
    assert kept == [["24AZ0000002", "24AZ0000003"], ["24AZ0000003", "24AZ0000004"]]
    assert pages[0].records[1].text == pages[1].records[0].text
    assert json.loads(pages[0].records[0].text)["ceki_ton"] == "64,250"


def test_long_windows_are_split_to_at_most_31_local_dates():
    http = _PagedHttp(SHIPMENT_HEADER, [[]])
    list(AdyClient(Settings(), http).fetch_operations(Window(datetime(2024, 1, 1, 3), datetime(2024, 3, 1, 3))))
    spans = [(datetime.strptime(p["date_from"], "%d.%m.%Y"), datetime.strptime(p["date_to"], "%d.%m.%Y")) for _, p, _ in http.requests]
    assert spans[0][0] == datetime(2024, 1, 1) and spans[-1][1] == datetime(2024, 3, 1)
    assert len(spans) == 2 and all((b - a).days + 1 <= 31 for a, b in spans)
    assert all(url.endswith("/export/v1/operations.csv") for url, _, _ in http.requests)


def test_timetable_is_fetched_per_service_date_and_grouped_by_train():
    rows = [";".join(r[k] for k in ("qatar_no", "marsrut", "sira", "stansiya", "plan_gelis", "plan_gedis")) for r in TIMETABLE_ROWS]
    rows.append("5703;XIAN-BAKU;1;552508;;02.03.2024 15:00")
    http = _PagedHttp("qatar_no;marsrut;sira;stansiya;plan_gelis;plan_gedis", [rows])
    pages = list(AdyClient(Settings(), http).fetch_timetable(Window(datetime(2024, 3, 1), datetime(2024, 3, 2))))
    assert [p["date"] for _, p, _ in http.requests] == [f"{date(2024, 3, 1) + timedelta(days=i):%d.%m.%Y}" for i in range(15)]
    first = pages[0].records
    assert [len(r.data["rows"]) for r in first] == [3, 1]
    assert first[0].data["date"] == "2024-03-01" and first[0].data["fetched_utc"] == "2024-03-01T12:00:00Z"
    assert json.loads(first[0].text) == first[0].data
    assert {r["plan_id"] for r in parse_timetable_plan(first[1].data)} == {"2024-03-01/5703"}
    assert parse_timetable_plan(first[0].data)[0]["published_utc"] == datetime(2024, 3, 1, 12)


def test_feeds():
    assert set(FEEDS) == {"cargo", "schedule", "tracking"}
    assert SHIPMENTS.business_time_column == "accepted_utc" and OPERATIONS.business_time_column == "event_time_utc"
    assert TIMETABLE.staging_key == ("plan_id", "published_utc", "stop_seq") and TIMETABLE.business_time_column is None
    assert [f.suite for f in FEEDS.values()] == ["ady_cargo", "ady_schedule", "ady_tracking"]
