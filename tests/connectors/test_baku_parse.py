"""Port of Baku: XML parsing (Baku local times, units, quirks), local dates, parts and refused parts."""
import json
from datetime import date, datetime

import pytest

from corridor.config import Settings
from corridor.connectors import FeedError, HttpClient, Window
from corridor.connectors.baku import (
    BERTH_SCHEDULE,
    DECLARATIONS,
    FEEDS,
    TERMINAL_EVENTS,
    BakuClient,
    parse_berth_call,
    parse_declaration,
    parse_terminal_event,
    read_document,
)
from corridor.connectors.http import Fetched

from fixtures.baku_samples import CALL, DECLARATION, DOCTYPE, EVENT, NS, RAIL_EVENT  # noqa: F401


def test_terminal_event_is_typed_in_utc():
    [row] = parse_terminal_event(EVENT)
    assert row == {
        "event_id": "BK-E-0001234", "revision": 1, "published_utc": datetime(2024, 3, 1, 4, 15),
        "event_type_code": "DISC", "event_time_utc": datetime(2024, 3, 1, 3, 50), "equipment_kind": "CONTAINER",
        "equipment_no": "CSQU3054383", "container_no": "CSQU3054383", "wagon_no": None, "iso_size_type": "45G1",
        "is_laden": True, "transport_mode": "VESSEL", "vessel_imo": "9187655", "voyage_no": "24A031", "train_no": None,
        "truck_plate": None, "gross_weight_t": 24.5, "facility": "ALAT-MT", "weight_unit": "KG",
    }


def test_rail_event_takes_the_wagon_from_the_transport():
    [row] = parse_terminal_event(RAIL_EVENT)
    assert (row["event_type_code"], row["event_time_utc"], row["revision"]) == ("RDSC", datetime(2024, 3, 1, 19, 10), 2)
    assert (row["container_no"], row["wagon_no"], row["train_no"], row["is_laden"]) == ("CSQU3054383", "51234565", "2401", False)
    assert row["gross_weight_t"] is None and row["vessel_imo"] is None


def test_wagon_event_and_truck_and_tonnes():
    xml = EVENT.replace('kind="CONTAINER" number="CSQU3054383" iso="45G1"', 'kind="WAGON" number=" 51234565 "') \
        .replace('<Transport mode="VESSEL" imo="9187655" voyage="24A031"/>', '<Transport mode="TRUCK" plate="10-AB-123"/>') \
        .replace('<Weight unit="KG">24500</Weight>', '<Weight unit="TNE">64.250</Weight>')
    [row] = parse_terminal_event(xml)
    assert (row["equipment_kind"], row["container_no"], row["wagon_no"], row["iso_size_type"]) == ("WAGON", None, "51234565", None)
    assert (row["transport_mode"], row["truck_plate"], row["gross_weight_t"]) == ("TRUCK", "10-AB-123", 64.25)


@pytest.mark.parametrize("time", ["2024-02-30T07:50:00", "01.03.2024 07:50", "2024-03-01", "", "tomorrow", "2024-03-01T25:00:00"])
def test_an_invalid_time_becomes_none(time):
    [row] = parse_terminal_event(EVENT.replace("2024-03-01T07:50:00", time))
    assert row["event_time_utc"] is None and row["published_utc"] == datetime(2024, 3, 1, 4, 15)


def test_missing_time_and_bad_numbers_parse_to_none():
    xml = EVENT.replace("<Time>2024-03-01T07:50:00</Time>", "").replace('rev="1"', 'rev="x"') \
        .replace('<Weight unit="KG">24500</Weight>', '<Weight unit="LB">5</Weight>').replace("+04:00", "")
    [row] = parse_terminal_event(xml)
    assert row["event_time_utc"] is None and row["revision"] is None and row["gross_weight_t"] is None
    assert row["published_utc"] is None  # `recorded` must carry its offset


def test_berth_call_times_are_baku_local():
    [row] = parse_berth_call(CALL)
    assert row == {
        "call_id": "BAK-2024-0877", "revision": 1, "published_utc": datetime(2024, 3, 2, 8, 40), "status": "ARRIVED",
        "vessel_imo": "9187655", "vessel_name": "Professor Gul", "voyage_no": "24A031", "prev_port": "KZAAU",
        "eta_utc": datetime(2024, 3, 2, 5), "etb_utc": datetime(2024, 3, 2, 7), "etd_utc": datetime(2024, 3, 3, 2),
        "ata_utc": datetime(2024, 3, 2, 6, 35), "atd_utc": None, "etd_minus_eta_hours": 21.0,
        "actual_lateness_hours": pytest.approx(-(2 + 5 / 60)),
    }


def test_berth_call_without_actuals_and_with_a_bad_imo():
    [row] = parse_berth_call(CALL.replace("<ATA>2024-03-02T10:35:00</ATA>", "").replace('imo="9187655"', 'imo="IMO 918765"'))
    assert row["ata_utc"] is None and row["actual_lateness_hours"] is None and row["vessel_imo"] == "IMO 918765"
    [row] = parse_berth_call(CALL.replace('imo="9187655"', 'imo="IMO9187655"').replace("KZAAU", " AZALA "))
    assert row["vessel_imo"] == "9187655" and row["prev_port"] == "AZALA"


def test_declaration_is_typed():
    [row] = parse_declaration(DECLARATION)
    assert row == {
        "declaration_id": "BAK-D-0045521", "revision": 1, "published_utc": datetime(2024, 3, 2, 9, 5),
        "call_id": "BAK-2024-0877", "waybill_no": "24KZ0012345", "equipment_kind": "WAGON", "equipment_no": "51234565",
        "container_no": None, "wagon_no": "51234565", "is_laden": True, "hs_code": "100199",
        "cargo_description": "Buğda", "gross_weight_t": 64.25, "origin_port": "KZAAU", "destination_port": "AZBAK",
        "weight_unit": "TNE",
    }


def test_declaration_hs_code_is_kept_as_received_and_kg_converted():
    xml = DECLARATION.replace("<HS>100199</HS>", "<HS> 90111 </HS>").replace('<Weight unit="TNE">64.250</Weight>',
                                                                          '<Weight unit="KG">64250.5</Weight>')
    [row] = parse_declaration(xml)
    assert row["hs_code"] == "90111" and row["gross_weight_t"] == pytest.approx(64.2505)
    [row] = parse_declaration(DECLARATION.replace('<Weight unit="TNE">64.250</Weight>', ""))
    assert row["gross_weight_t"] is None


def test_feed_definitions():
    assert FEEDS == {"tracking": TERMINAL_EVENTS, "schedule": BERTH_SCHEDULE, "cargo": DECLARATIONS}
    assert [f.suite for f in FEEDS.values()] == ["baku_port_tracking", "baku_port_schedule", "baku_port_cargo"]
    assert TERMINAL_EVENTS.key_columns == ("event_id", "revision") and DECLARATIONS.key_columns == ("declaration_id", "revision")
    assert BERTH_SCHEDULE.key_columns == ("call_id", "published_utc")
    for feed, sample in ((TERMINAL_EVENTS, EVENT), (BERTH_SCHEDULE, CALL), (DECLARATIONS, DECLARATION)):
        assert list(feed.parse(sample)[0]) == list(feed.columns)


@pytest.mark.parametrize(
    ("start", "end", "dates"),
    [
        # UTC midnight to midnight touches two Baku dates (UTC+4).
        (datetime(2024, 3, 1), datetime(2024, 3, 2), [date(2024, 3, 1), date(2024, 3, 2)]),
        # Exactly the Baku date 2024-03-01: 2024-02-29T20:00Z … 2024-03-01T20:00Z.
        (datetime(2024, 2, 29, 20), datetime(2024, 3, 1, 20), [date(2024, 3, 1)]),
        (datetime(2024, 3, 1, 19, 59), datetime(2024, 3, 1, 20, 1), [date(2024, 3, 1), date(2024, 3, 2)]),
    ],
)
def test_a_utc_window_maps_to_baku_dates(start, end, dates):
    assert Window(start, end).local_dates("Asia/Baku") == dates


# -- the client against a scripted HTTP boundary ---------------------------------------------------


def _document(root, day, part, parts, *items):
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} {NS} date="{day}" part="{part}" parts="{parts}">\n'
            + "\n".join(items) + f"\n</{root}>\n").encode()


BROKEN = b'<TerminalEvents xmlns="urn:bistp:terminal:1" parts="2"><Event id="x"></TerminalEvents>'


class ScriptedHttp(HttpClient):
    """Answers by (date, part) from a dict; anything else is the server's 400 for a part past the last."""

    def __init__(self, documents):
        super().__init__("BAKU_PORT tracking")
        self.documents = documents
        self.calls = []

    def request(self, method, url, *, params=None, headers=None, data=None, auth=None, ok_statuses=frozenset({200})):
        self.calls.append({"url": url, "params": dict(params or {}), "auth": auth, "ok": ok_statuses})
        key = (params["date"], params["part"])
        status, body = (200, self.documents[key]) if key in self.documents else (400, b'{"error": "part past parts"}')
        if status not in ok_statuses:
            raise FeedError(f"{self.label}: HTTP {status}")
        return Fetched(url, dict(params), status, {}, body, datetime(2024, 3, 12))


def _client(http):
    return BakuClient(Settings(baku_url="http://baku.test/baku", baku_password="pw"), http)


def _ev(event_id, recorded):
    return EVENT.replace("BK-E-0001234", event_id).replace("2024-03-01T08:15:00+04:00", recorded).replace(f" {NS}", "")


def test_parts_are_fetched_per_local_date_and_records_kept_in_the_window():
    window = Window(datetime(2024, 3, 1), datetime(2024, 3, 2))  # Baku 04:00 on 1 March → 04:00 on 2 March
    http = ScriptedHttp({
        ("2024-03-01", 1): _document("TerminalEvents", "2024-03-01", 1, 2, _ev("A", "2024-03-01T03:59:59+04:00"),
                                     _ev("B", "2024-03-01T04:00:00+04:00")),
        ("2024-03-01", 2): _document("TerminalEvents", "2024-03-01", 2, 2, _ev("C", "2024-03-01T23:00:00+04:00")),
        ("2024-03-02", 1): _document("TerminalEvents", "2024-03-02", 1, 1, _ev("D", "2024-03-02T03:59:00+04:00"),
                                     _ev("E", "2024-03-02T04:00:00+04:00"), _ev("F", "not a time")),
    })
    pages = list(_client(http).fetch_terminal_events(window))
    assert [c["params"] for c in http.calls] == [
        {"date": "2024-03-01", "part": 1}, {"date": "2024-03-01", "part": 2}, {"date": "2024-03-02", "part": 1}]
    assert all(c["url"] == "http://baku.test/baku/edi/v1/terminal-events" and c["auth"] == ("corridor-sim", "pw")
               for c in http.calls)
    ids = [parse_terminal_event(r.data)[0]["event_id"] for p in pages for r in p.records]
    # F's `recorded` can't be read: it goes with its date's start (2024-03-01T20:00Z, inside): not lost.
    assert ids == ["B", "C", "D", "F"]
    record = pages[0].records[0]
    assert record.text.startswith('<Event xmlns="urn:bistp:terminal:1" id="B" rev="1"') and record.text.endswith("</Event>")
    assert parse_terminal_event(record.text) == parse_terminal_event(record.data)


def test_a_record_without_a_readable_publication_time_is_kept_once():
    http = ScriptedHttp({("2024-03-01", 1): _document("TerminalEvents", "2024-03-01", 1, 1),
                         ("2024-03-02", 1): _document("TerminalEvents", "2024-03-02", 1, 1, _ev("F", "not a time"))})
    windows = [Window(datetime(2024, 3, 1, 12), datetime(2024, 3, 1, 21)), Window(datetime(2024, 3, 1, 21), datetime(2024, 3, 2, 4))]
    kept = [[r.data.get("id") for p in _client(http).fetch_terminal_events(w) for r in p.records] for w in windows]
    assert kept == [["F"], []]  # 2024-03-02 starts at 2024-03-01T20:00Z, in the first window


def test_a_doctype_part_is_refused_and_the_other_parts_load():
    window = Window(datetime(2024, 2, 29, 20), datetime(2024, 3, 1, 20))  # exactly Baku's 1 March
    http = ScriptedHttp({
        ("2024-03-01", 1): _document("TerminalEvents", "2024-03-01", 1, 3, _ev("A", "2024-03-01T08:00:00+04:00")),
        ("2024-03-01", 2): DOCTYPE,
        ("2024-03-01", 3): BROKEN,
    })
    pages = list(_client(http).fetch_terminal_events(window))
    assert len(http.calls) == 3, "parts=3 read from part 1: no walk past it"
    [good], [doctype], [broken] = (p.records for p in pages)
    assert good.refused is None and good.data.get("id") == "A"
    assert (doctype.refused, doctype.refused_id, doctype.data) == ("xml_doctype", "terminal-events/2024-03-01/part2", None)
    assert doctype.text == DOCTYPE.decode()
    assert (broken.refused, broken.refused_id, broken.text) == ("xml_not_well_formed", "terminal-events/2024-03-01/part3", BROKEN.decode())


def test_when_part_1_is_refused_parts_are_walked_until_the_400():
    window = Window(datetime(2024, 2, 29, 20), datetime(2024, 3, 1, 20))
    http = ScriptedHttp({
        ("2024-03-01", 1): DOCTYPE,
        ("2024-03-01", 2): BROKEN,
        ("2024-03-01", 3): _document("TerminalEvents", "2024-03-01", 3, 4, _ev("C", "2024-03-01T08:00:00+04:00")),
        ("2024-03-01", 4): _document("TerminalEvents", "2024-03-01", 4, 4, _ev("D", "2024-03-01T09:00:00+04:00")),
        ("2024-03-01", 5): _document("TerminalEvents", "2024-03-01", 5, 4),  # never asked: part 3 said parts=4
    })
    pages = list(_client(http).fetch_terminal_events(window))
    assert [c["params"]["part"] for c in http.calls] == [1, 2, 3, 4]
    assert [r.refused for p in pages for r in p.records] == ["xml_doctype", "xml_not_well_formed", None, None]

    http = ScriptedHttp({("2024-03-01", 1): DOCTYPE, ("2024-03-01", 2): BROKEN})
    pages = list(_client(http).fetch_terminal_events(window))
    assert [c["params"]["part"] for c in http.calls] == [1, 2, 3]  # the 400 for part 3 ends the date
    assert all(frozenset({200, 400}) == c["ok"] for c in http.calls)
    assert [r.refused_id for p in pages for r in p.records] == ["terminal-events/2024-03-01/part1", "terminal-events/2024-03-01/part2"]


def test_a_400_for_part_1_is_an_error():
    with pytest.raises(FeedError, match="HTTP 400"):
        list(_client(ScriptedHttp({})).fetch_terminal_events(Window(datetime(2024, 3, 1, 1), datetime(2024, 3, 1, 2))))


@pytest.mark.parametrize(
    ("fetch", "endpoint", "root", "item"),
    [("fetch_berth_schedule", "berth-schedule", "BerthSchedule", CALL),
     ("fetch_declarations", "cargo-declarations", "CargoDeclarations", DECLARATION)],
)
def test_other_endpoints(fetch, endpoint, root, item):
    window = Window(datetime(2024, 3, 2), datetime(2024, 3, 2, 12))
    http = ScriptedHttp({("2024-03-02", 1): _document(root, "2024-03-02", 1, 1, item.replace(f" {NS}", ""))})
    [page] = list(getattr(_client(http), fetch)(window))
    assert http.calls[0]["url"] == f"http://baku.test/baku/edi/v1/{endpoint}"
    assert len(page.records) == 1 and FEEDS[{"berth-schedule": "schedule", "cargo-declarations": "cargo"}[endpoint]].parse(page.records[0].data)


@pytest.mark.parametrize(
    ("content", "refused"),
    [(DOCTYPE, "xml_doctype"), (BROKEN, "xml_not_well_formed"), (b"", "xml_not_well_formed"),
     (b'<!DOCTYPE r SYSTEM "http://evil.test/x.dtd"><r/>', "xml_doctype"), (b"<r>\xff</r>", "xml_not_well_formed")],
)
def test_read_document_refuses(content, refused):
    assert read_document(content) == (None, refused)


def test_raw_text_has_no_secret():
    http = ScriptedHttp({("2024-03-01", 1): _document("TerminalEvents", "2024-03-01", 1, 1)})
    [page] = list(_client(http).fetch_terminal_events(Window(datetime(2024, 3, 1, 1), datetime(2024, 3, 1, 2))))
    assert "pw" not in page.fetched.url + json.dumps(page.fetched.params)
