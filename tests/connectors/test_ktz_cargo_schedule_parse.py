"""KTZ consignments and train schedules: parsing, quirks, station-local times, windows → requests."""
import json
import math
from datetime import date, datetime

import pytest

from corridor.config import Settings
from corridor.connectors.base import Window
from corridor.connectors.http import Fetched, HttpClient
from corridor.connectors.ktz import (
    CONSIGNMENTS,
    FEEDS,
    SCHEDULE_HORIZON,
    TRAIN_SCHEDULES,
    KtzClient,
    parse_consignment,
    parse_train_plan,
)

CONSIGNMENT = {
    "waybill_no": "24KZ0012345", "revision": 2, "updated_at": "2024-03-01T09:12:44+05:00",
    "status": "IN_TRANSIT",
    "equipment": {"kind": "CONTAINER", "container_no": "CSQU3054383", "iso_size_type": "45G1", "wagon_no": "51234565"},
    "route": {"origin_esr": "990014", "destination_esr": "551007", "exit_esr": "663109"},
    "cargo": {"etsng": "161005", "gng": "10019900", "description": "Wheat", "gross_weight_kg": 24250},
    "accepted_at": "2024-02-27T22:40:00+08:00", "train_no": "8701",
    "shipper_country": "CN", "consignee_country": "AZ", "added_by_source_later": [1, 2],
}


def test_consignment_is_typed_in_utc_and_tonnes():
    [row] = parse_consignment(CONSIGNMENT)
    assert row == {
        "waybill_no": "24KZ0012345", "revision": 2, "published_utc": datetime(2024, 3, 1, 4, 12, 44),
        "status": "IN_TRANSIT", "equipment_kind": "CONTAINER", "container_no": "CSQU3054383", "iso_size_type": "45G1",
        "wagon_no": "51234565", "origin_esr": "990014", "destination_esr": "551007", "exit_esr": "663109",
        "etsng_code": "161005", "gng_code": "10019900", "hs_code": "100199", "cargo_description": "Wheat",
        "gross_weight_t": 24.25, "accepted_utc": datetime(2024, 2, 27, 14, 40), "train_no": "8701",
        "shipper_country": "CN", "consignee_country": "AZ",
    }
    assert set(row) == set(CONSIGNMENTS.columns)


def test_wagon_consignment_quirks_and_numeric_codes():
    record = {**CONSIGNMENT, "equipment": {"kind": " WAGON ", "container_no": None, "iso_size_type": "-", "wagon_no": " 51234565"},
              "cargo": {"etsng": 61005, "gng": 9011100, "description": "", "gross_weight_kg": 64250}, "train_no": "-"}
    [row] = parse_consignment(record)
    assert (row["equipment_kind"], row["container_no"], row["iso_size_type"], row["wagon_no"]) == ("WAGON", None, None, "51234565")
    assert (row["etsng_code"], row["gng_code"], row["hs_code"]) == ("061005", "09011100", "090111")
    assert row["gross_weight_t"] == 64.25 and row["cargo_description"] is None and row["train_no"] is None


def test_broken_consignment_parses_to_none_without_raising():
    [row] = parse_consignment({"waybill_no": "24KZ1", "equipment": "x", "route": None, "cargo": {"gng": "12",
                               "gross_weight_kg": "heavy"}, "accepted_at": "27.02.2024 22:40"})
    assert row["revision"] is None and row["equipment_kind"] is None and row["origin_esr"] is None
    assert row["hs_code"] is None and row["gross_weight_t"] is None and row["accepted_utc"] is None


# The spec's example document: Xi'an (Asia/Shanghai) then an Almaty-zone station across 2024-03-01.
def _plan(stops, train_no="8701"):
    return {"service_date": "2024-02-29", "published_at": "2024-02-27T18:00:00+06:00",
            "plan": {"train_no": train_no, "service_code": "XIAN-BAKU", "origin_esr": "990014",
                     "destination_esr": "663109", "stops": stops}}


STOPS = [
    {"seq": 1, "esr": "990014", "arr": None, "dep": "2024-02-29 23:30"},
    {"seq": 2, "esr": "705509", "arr": "2024-03-01 06:10", "dep": "2024-03-01 07:00"},
    {"seq": 3, "esr": "700007", "arr": "2024-02-29 23:30", "dep": "2024-03-01 00:10"},  # repeated hour: first occurrence
    {"seq": 4, "esr": "663109", "arr": "2024-03-02 12:00", "dep": None},
]


def test_train_plan_stops_in_station_zones():
    rows = parse_train_plan(_plan(STOPS))
    head = {"plan_id": "2024-02-29/8701", "revision": 1, "published_utc": datetime(2024, 2, 27, 12, 0),
            "service_date": date(2024, 2, 29), "train_no": "8701", "service_code": "XIAN-BAKU",
            "origin_esr": "990014", "destination_esr": "663109"}
    assert [{k: r[k] for k in head} for r in rows] == [head] * 4
    times = [(r["stop_seq"], r["esr"], r["planned_arrival_utc"], r["planned_departure_utc"]) for r in rows]
    assert times == [
        (1, "990014", None, datetime(2024, 2, 29, 15, 30)),          # Asia/Shanghai, UTC+8
        (2, "705509", datetime(2024, 3, 1, 1, 10), datetime(2024, 3, 1, 2, 0)),  # Asia/Almaty after the change: UTC+5
        (3, "700007", datetime(2024, 2, 29, 17, 30), datetime(2024, 2, 29, 19, 10)),  # 23:30 still UTC+6; 00:10 is UTC+5
        (4, "663109", datetime(2024, 3, 2, 7, 0), None),              # Asia/Aqtau, UTC+5
    ]
    dwell = [r["stop_dwell_hours"] for r in rows]
    assert math.isnan(dwell[0]) and dwell[1:3] == [50 / 60, 100 / 60] and math.isnan(dwell[3])
    assert set(rows[0]) == set(TRAIN_SCHEDULES.columns)


def test_departure_before_arrival_gives_negative_dwell_and_unknown_station_no_times():
    rows = parse_train_plan(_plan([
        {"seq": 1, "esr": "663109", "arr": "2024-03-01 10:00", "dep": "2024-03-01 09:20"},
        {"seq": " 2 ", "esr": "664005", "arr": "2024-03-01 12:00", "dep": "2024-03-01 13:00"},
    ]))
    assert rows[0]["stop_dwell_hours"] == pytest.approx(-40 / 60)
    assert rows[1]["stop_seq"] == 2 and rows[1]["planned_arrival_utc"] is None and math.isnan(rows[1]["stop_dwell_hours"])


def test_plan_without_stops_or_train_still_gives_a_row_to_quarantine():
    [row] = parse_train_plan({"service_date": "2024-02-29", "published_at": None, "plan": {"train_no": "8701"}})
    assert row["plan_id"] == "2024-02-29/8701" and row["stop_seq"] is None and row["published_utc"] is None
    [row] = parse_train_plan(_plan([STOPS[0]], train_no=None))
    assert row["plan_id"] is None


def test_schedule_window_goes_by_service_date():
    dates = Window(datetime(2024, 3, 1), datetime(2024, 3, 8)).service_dates(SCHEDULE_HORIZON)
    assert dates[0] == date(2024, 3, 1) and dates[-1] == date(2024, 3, 21) and len(dates) == 21
    assert Window(datetime(2024, 3, 1, 5), datetime(2024, 3, 1, 6)).service_dates(SCHEDULE_HORIZON)[-1] == date(2024, 3, 14)


class _FakeHttp(HttpClient):
    """Answers every request with `body` and records the requests."""

    def __init__(self, body):
        super().__init__("KTZ schedule")
        self.body, self.requests = body, []

    def request(self, method, url, *, params=None, headers=None, **_):
        self.requests.append((url, dict(params or {}), headers))
        return Fetched(url, dict(params or {}), 200, {}, json.dumps(self.body).encode(), datetime(2024, 3, 1, 12))


def test_schedule_fetch_puts_envelope_into_each_plan_record():
    doc = {"service_date": "2024-02-29", "published_at": "2024-02-27T18:00:00+06:00",
           "data": [_plan(STOPS)["plan"], _plan(STOPS, "8703")["plan"]]}
    http = _FakeHttp(doc)
    client = KtzClient(Settings(ktz_token="secret-token"), http)
    pages = list(client.fetch_train_schedules(Window(datetime(2024, 2, 29), datetime(2024, 3, 1))))
    # [2024-02-29, 2024-03-01 + 14 days): 2024-02-29 … 2024-03-14, one request and one page each
    assert [p["service_date"] for _, p, _ in http.requests] == ["2024-02-29"] + [f"2024-03-{d:02d}" for d in range(1, 15)]
    assert len(pages) == 15 and all(len(p.records) == 2 for p in pages)
    record = pages[0].records[1]
    assert record.data["published_at"] == "2024-02-27T18:00:00+06:00" and record.data["plan"]["train_no"] == "8703"
    assert json.loads(record.text) == record.data
    assert [r["plan_id"] for r in parse_train_plan(record.data)] == ["2024-02-29/8703"] * 4
    assert all("secret-token" not in url + json.dumps(params) for url, params, _ in http.requests)


def test_consignment_fetch_splits_to_seven_days_and_pages_by_cursor():
    http = _FakeHttp({"data": [CONSIGNMENT], "meta": {"next_cursor": None, "count": 1}})
    client = KtzClient(Settings(), http)
    pages = list(client.fetch_consignments(Window(datetime(2024, 2, 1), datetime(2024, 2, 10))))
    assert [(p["updated_from"], p["updated_to"]) for _, p, _ in http.requests] == [
        ("2024-02-01T00:00:00Z", "2024-02-08T00:00:00Z"), ("2024-02-08T00:00:00Z", "2024-02-10T00:00:00Z")]
    assert all(url.endswith("/api/v2/consignments") for url, _, _ in http.requests)
    assert len(pages) == 2 and pages[0].records[0].data == CONSIGNMENT


def test_feeds_are_registered_in_the_module():
    assert FEEDS["cargo"] is CONSIGNMENTS and FEEDS["schedule"] is TRAIN_SCHEDULES
    assert CONSIGNMENTS.key_columns == ("waybill_no", "revision") and CONSIGNMENTS.business_time_column == "accepted_utc"
    assert TRAIN_SCHEDULES.staging_key == ("plan_id", "published_utc", "stop_seq") and TRAIN_SCHEDULES.suite == "ktz_schedule"
