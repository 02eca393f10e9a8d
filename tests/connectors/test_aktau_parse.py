"""Port of Aktau: parsing (both weight shapes, quirks), windows → request parameters, token handling."""
import json
from datetime import datetime

import pytest

from corridor.config import Settings
from corridor.connectors import CredentialsRefused, HttpClient, Window
from corridor.connectors.aktau import (
    FEEDS,
    MANIFESTS,
    MOVES,
    VESSEL_CALLS,
    AktauClient,
    parse_manifest_line,
    parse_move,
    parse_vessel_call,
)
from corridor.connectors.http import Fetched

from fixtures.aktau_samples import CALL, LINE, MOVE


def test_move_is_typed_in_utc():
    [row] = parse_move(MOVE)
    assert row == {
        "move_id": "3f1c0a52-9d1e-4c4e-a0a3-1d6c1f1a2b77", "revision": 1,
        "published_utc": datetime(2024, 3, 1, 4, 5, 11), "move_type": "RAIL_DISCHARGE",
        "event_time_utc": datetime(2024, 3, 1, 3, 58), "equipment_kind": "CONTAINER", "equipment_no": "CSQU3054383",
        "container_no": "CSQU3054383", "wagon_no": "51234565", "iso_size_type": "45G1", "is_laden": True,
        "carrier_mode": "RAIL", "carrier_ref": "8701", "train_no": "8701", "vessel_imo": None, "call_id": None,
        "gross_weight_t": 24.5, "weight_unit": "KG",
    }


@pytest.mark.parametrize(
    ("weight", "tonnes"),
    [
        ({"grossWeightKg": 24500}, 24.5),
        ({"grossWeight": {"value": 24.5, "unit": "T"}}, 24.5),
        ({"grossWeight": {"value": 24500, "unit": "KG"}}, 24.5),
        ({"grossWeight": {"value": "24.5", "unit": " t "}}, 24.5),
        ({"grossWeight": {"value": -3, "unit": "T"}}, -3.0),  # negative: weight_in_range reports it
        ({"grossWeight": {"value": 5, "unit": "LB"}}, None),
        ({"grossWeight": None, "grossWeightKg": 1000}, 1.0),
        ({}, None),
    ],
)
def test_both_weight_shapes_are_read_per_record(weight, tonnes):
    record = {k: v for k, v in MOVE.items() if k != "grossWeightKg"} | weight
    assert parse_move(record)[0]["gross_weight_t"] == tonnes


def test_wagon_move_on_a_vessel():
    [row] = parse_move({**MOVE, "moveType": "VESSEL_LOAD", "wagonNo": None, "callId": " AKX-2024-0312 ",
                        "equipment": {"type": "WAGON", "number": "51234565", "isoType": None, "fullEmpty": "E"},
                        "carrier": {"mode": "VESSEL", "ref": "IMO9187655"}})
    assert (row["container_no"], row["wagon_no"], row["is_laden"]) == (None, "51234565", False)
    assert (row["train_no"], row["vessel_imo"], row["call_id"]) == (None, "9187655", "AKX-2024-0312")


def test_a_bad_imo_keeps_its_raw_text_and_missing_parts_parse_to_none():
    [row] = parse_move({**MOVE, "carrier": {"mode": "VESSEL", "ref": " IMO918765 "}})
    assert row["vessel_imo"] == "IMO918765"
    [row] = parse_move({"moveId": "x", "carrier": None, "equipment": None, "moveTime": "01.03.2024 03:58"})
    assert row["published_utc"] is None and row["event_time_utc"] is None and row["equipment_kind"] is None
    assert row["carrier_mode"] is None and row["gross_weight_t"] is None and row["is_laden"] is None


def test_vessel_call_derives_its_hours():
    [row] = parse_vessel_call(CALL)
    assert row == {
        "call_id": "AKX-2024-0312", "revision": 1, "published_utc": datetime(2024, 3, 2, 11), "vessel_name": "Professor Gul",
        "vessel_imo": "9187655", "voyage_in": "24A031", "voyage_out": "24A032", "berth": "B3",
        "eta_utc": datetime(2024, 3, 1, 6), "etb_utc": datetime(2024, 3, 1, 8), "etd_utc": datetime(2024, 3, 2, 10),
        "ata_utc": datetime(2024, 3, 1, 7, 20), "atd_utc": None, "status": "BERTHED", "next_port": "AZBAK",
        "etd_minus_eta_hours": 28.0, "actual_lateness_hours": pytest.approx(-27 - 40 / 60),
    }


def test_vessel_call_lateness_takes_the_later_actual_and_none_without_actuals():
    [row] = parse_vessel_call({**CALL, "atd": "2024-03-02T13:00:00Z"})
    assert row["actual_lateness_hours"] == 2.0
    [row] = parse_vessel_call({**CALL, "ata": None, "etd": None, "nextPort": " AZALA "})
    assert row["actual_lateness_hours"] is None and row["etd_minus_eta_hours"] is None and row["next_port"] == "AZALA"


def test_manifest_line_is_typed():
    [row] = parse_manifest_line(LINE)
    assert row == {
        "line_id": "AKX-M-000981", "revision": 1, "published_utc": datetime(2024, 3, 2, 9, 30), "call_id": "AKX-2024-0312",
        "bill_of_lading": "AKXBAK240312-017", "waybill_no": "24KZ0012345", "equipment_kind": "WAGON",
        "equipment_no": "51234565", "container_no": None, "wagon_no": "51234565", "iso_size_type": None,
        "is_laden": True, "hs_code": "100199", "cargo_description": "Wheat", "gross_weight_t": 64.25,
        "port_of_loading": "KZAAU", "port_of_discharge": "AZBAK", "weight_unit": "KG",
    }


@pytest.mark.parametrize(("hs", "text"), [(90111, "090111"), (100199, "100199"), ("090111", "090111"), (" 090111 ", "090111"),
                                          (90111.0, "090111"), (None, None), ("-", None)])
def test_numeric_hs_code_is_padded(hs, text):
    assert parse_manifest_line({**LINE, "hsCode": hs})[0]["hs_code"] == text


def test_manifest_weight_v11():
    [row] = parse_manifest_line({**{k: v for k, v in LINE.items() if k != "grossWeightKg"},
                                 "grossWeight": {"value": 64.25, "unit": "T"}})
    assert row["gross_weight_t"] == 64.25


def test_feed_definitions():
    assert FEEDS == {"tracking": MOVES, "schedule": VESSEL_CALLS, "cargo": MANIFESTS}
    assert [f.suite for f in FEEDS.values()] == ["aktau_port_tracking", "aktau_port_schedule", "aktau_port_cargo"]
    for feed, sample in ((MOVES, MOVE), (VESSEL_CALLS, CALL), (MANIFESTS, LINE)):
        assert feed.key_columns == (feed.id_column, "published_utc")
        assert list(feed.parse(sample)[0]) == list(feed.columns)
    assert MOVES.business_time_column == "event_time_utc" and VESSEL_CALLS.business_time_column is None


# -- the client against a scripted HTTP boundary ---------------------------------------------------


class ScriptedHttp(HttpClient):
    """Answers from a script, in order, and records every request (headers included, to check the token)."""

    def __init__(self, answers):
        super().__init__("AKTAU_PORT tracking")
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, *, params=None, headers=None, data=None, auth=None, ok_statuses=frozenset({200})):
        self.calls.append({"method": method, "url": url, "params": dict(params or {}), "headers": dict(headers or {}),
                           "data": dict(data or {})})
        status, body = self.answers.pop(0)
        if status == 401 and status not in ok_statuses:
            raise CredentialsRefused(f"{self.label}: the source refused the credentials (HTTP 401)")
        return Fetched(url, dict(params or {}), status, {}, json.dumps(body).encode(), datetime(2024, 3, 12))


def _token(n):
    return (200, {"access_token": f"tok-{n}", "token_type": "Bearer", "expires_in": 300})


def _page(page, total, items):
    return (200, {"page": page, "pageSize": 500, "totalPages": total, "totalItems": 0, "items": items})


def _client(http):
    return AktauClient(Settings(aktau_url="http://aktau.test/aktau/", aktau_client_secret="s3cret"), http)


def test_pages_and_window_split_give_the_request_parameters():
    http = ScriptedHttp([_token(1), _page(1, 2, [MOVE]), _page(2, 2, [MOVE]), _page(1, 1, [])])
    pages = list(_client(http).fetch_moves(Window(datetime(2024, 3, 1), datetime(2024, 3, 9, 12))))
    assert [len(p.records) for p in pages] == [1, 1, 0]
    token_call, *gets = http.calls
    assert token_call == {"method": "POST", "url": "http://aktau.test/aktau/oauth/token", "params": {}, "headers": {},
                          "data": {"grant_type": "client_credentials", "client_id": "corridor-sim", "client_secret": "s3cret"}}
    assert [c["url"] for c in gets] == ["http://aktau.test/aktau/tos/v1/moves"] * 3
    assert [c["params"] for c in gets] == [
        {"from": "2024-03-01T00:00:00Z", "to": "2024-03-08T00:00:00Z", "page": 1, "pageSize": 500},
        {"from": "2024-03-01T00:00:00Z", "to": "2024-03-08T00:00:00Z", "page": 2, "pageSize": 500},
        {"from": "2024-03-08T00:00:00Z", "to": "2024-03-09T12:00:00Z", "page": 1, "pageSize": 500},
    ]
    assert all(c["headers"] == {"Authorization": "Bearer tok-1"} for c in gets)  # one token for all
    assert pages[0].records[0].data == MOVE and json.loads(pages[0].records[0].text) == MOVE


@pytest.mark.parametrize(("fetch", "path"), [("fetch_vessel_calls", "/tos/v1/vessel-calls"), ("fetch_manifests", "/tos/v1/manifests")])
def test_other_endpoints(fetch, path):
    http = ScriptedHttp([_token(1), _page(1, 1, [])])
    list(getattr(_client(http), fetch)(Window(datetime(2024, 3, 1), datetime(2024, 3, 2))))
    assert http.calls[1]["url"] == f"http://aktau.test/aktau{path}"


def test_an_expired_token_is_renewed_and_the_request_repeated_once():
    http = ScriptedHttp([_token(1), (401, {"error": "token_expired"}), _token(2), _page(1, 1, [MOVE])])
    pages = list(_client(http).fetch_moves(Window(datetime(2024, 3, 1), datetime(2024, 3, 2))))
    assert len(pages) == 1 and pages[0].fetched.status == 200
    assert [c["headers"].get("Authorization") for c in http.calls] == [None, "Bearer tok-1", None, "Bearer tok-2"]
    assert http.calls[1]["params"] == http.calls[3]["params"]


@pytest.mark.parametrize(
    "answers",
    [
        [_token(1), (401, {"error": "invalid_token"})],
        [_token(1), (401, {"error": "token_expired"}), _token(2), (401, {"error": "token_expired"})],
        [_token(1), (401, "not json")],
        [(401, {"error": "invalid_client"})],
    ],
    ids=["other-401", "expired-twice", "unreadable-401", "token-refused"],
)
def test_other_401s_are_refused_without_leaking_secrets(answers):
    http = ScriptedHttp(answers)
    with pytest.raises(CredentialsRefused) as refused:
        list(_client(http).fetch_moves(Window(datetime(2024, 3, 1), datetime(2024, 3, 2))))
    assert not http.answers, "no request beyond the one repeat"
    assert "tok-" not in str(refused.value) and "s3cret" not in str(refused.value)


def test_the_token_is_never_in_a_url_or_params():
    http = ScriptedHttp([_token(1), _page(1, 1, [MOVE])])
    client = _client(http)
    [page] = list(client.fetch_moves(Window(datetime(2024, 3, 1), datetime(2024, 3, 2))))
    assert "tok-1" not in page.fetched.url + json.dumps(page.fetched.params) and "tok-1" not in repr(client.__dict__)
