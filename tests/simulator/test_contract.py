"""Contract tests for the twelve endpoints of feeds.md: auth, parameters, paging, formats, shapes."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import requests

from corridor.checkdigits import is_valid_container

from fixtures.simulator import ADY, BAKU_AUTH, KTZ, aktau_token

DAY = {"from": "2024-07-01T00:00:00Z", "to": "2024-07-02T00:00:00Z"}
KTZ_WIN = {"updated_from": "2024-07-01T00:00:00Z", "updated_to": "2024-07-02T00:00:00Z"}
ADY_WIN = {"date_from": "01.07.2024", "date_to": "01.07.2024"}
ENDPOINTS = [
    ("ktz", "/api/v2/operations", KTZ_WIN), ("ktz", "/api/v2/consignments", KTZ_WIN),
    ("ktz", "/api/v2/train-schedules", {"service_date": "2024-07-03"}),
    ("ady", "/export/v1/shipments.csv", ADY_WIN), ("ady", "/export/v1/operations.csv", ADY_WIN),
    ("ady", "/export/v1/timetable.csv", {"date": "01.07.2024"}),
    ("aktau", "/tos/v1/moves", DAY), ("aktau", "/tos/v1/vessel-calls", DAY), ("aktau", "/tos/v1/manifests", DAY),
    ("baku", "/edi/v1/terminal-events", {"date": "2024-07-01"}), ("baku", "/edi/v1/berth-schedule", {"date": "2024-07-01"}),
    ("baku", "/edi/v1/cargo-declarations", {"date": "2024-07-01"}),
]
WRONG = {"ktz": {"Authorization": "Bearer nope"}, "ady": {"X-Api-Key": "nope"}, "aktau": {"Authorization": "Bearer nope"},
         "baku": {"Authorization": "Basic Y29ycmlkb3Itc2ltOm5vcGU="}}


def _auth(base, op):
    return {"ktz": KTZ, "ady": ADY, "aktau": aktau_token(base) if op == "aktau" else {}, "baku": {}}[op]


def get(base, op, path, params, headers=None):
    return requests.get(f"{base}/{op}{path}", params=params, headers=headers if headers is not None else _auth(base, op),
                        auth=BAKU_AUTH if op == "baku" and headers is None else None, timeout=60)


@pytest.mark.parametrize("op,path,params", ENDPOINTS)
def test_every_endpoint_answers_and_refuses_bad_credentials(base, op, path, params):
    assert get(base, op, path, params).status_code == 200
    assert get(base, op, path, params, headers={}).status_code == 401
    assert get(base, op, path, params, headers=WRONG[op]).status_code == 401


@pytest.mark.parametrize("op,path,params", [
    ("ktz", "/api/v2/operations", {"updated_from": "2024-07-01T00:00:00Z", "updated_to": "2024-07-09T00:00:00Z"}),
    ("ktz", "/api/v2/consignments", {"updated_from": "yesterday", "updated_to": "2024-07-02T00:00:00Z"}),
    ("ktz", "/api/v2/operations", {**KTZ_WIN, "limit": "1001"}),
    ("ktz", "/api/v2/operations", {**KTZ_WIN, "cursor": "!!"}),
    ("ktz", "/api/v2/train-schedules", {"service_date": "03.07.2024"}),
    ("ady", "/export/v1/shipments.csv", {"date_from": "01.07.2024", "date_to": "01.08.2024"}),
    ("ady", "/export/v1/operations.csv", {"date_from": "2024-07-01", "date_to": "02.07.2024"}),
    ("ady", "/export/v1/timetable.csv", {"date": "2024-07-01"}),
    ("aktau", "/tos/v1/moves", {"from": "2024-07-01T00:00:00Z", "to": "2024-07-08T00:00:01Z"}),
    ("aktau", "/tos/v1/manifests", {**DAY, "pageSize": "501"}),
    ("baku", "/edi/v1/terminal-events", {"date": "2024-07-01", "part": "99"}),
    ("baku", "/edi/v1/cargo-declarations", {"date": "01.07.2024"}),
])
def test_bad_parameters_are_400_with_a_reason(base, op, path, params):
    resp = get(base, op, path, params)
    assert resp.status_code == 400
    assert "bad parameter" in resp.text


def test_unknown_path_is_404(base):
    assert requests.get(f"{base}/ktz/api/v2/nothing", headers=KTZ, timeout=10).status_code == 404
    assert requests.get(f"{base}/nowhere", timeout=10).status_code == 404


def test_ktz_cursor_paging_delivers_every_record(base, ):
    from corridor.simulator import Simulator

    from fixtures.simulator import CONFIG
    params, seen, pages = {**KTZ_WIN, "limit": 100}, [], 0
    while True:
        body = get(base, "ktz", "/api/v2/operations", params).json()
        assert body["meta"]["count"] == len(body["data"]) <= 100
        seen += [json.dumps(r, sort_keys=True) for r in body["data"]]
        pages += 1
        if body["meta"]["next_cursor"] is None:
            break
        params["cursor"] = body["meta"]["next_cursor"]
    truth = Simulator(CONFIG).records("KTZ", "tracking", 1719792000, 1719878400)
    assert len(set(seen)) == len({x.body for x in truth}) and pages > 5
    assert len(seen) >= len(truth)  # repeats across pages are allowed, losses are not


def test_ady_csv_format_and_pages(base):
    resp = get(base, "ady", "/export/v1/operations.csv", {"date_from": "01.07.2024", "date_to": "03.07.2024"})
    raw = resp.content
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    total = int(resp.headers["X-Total-Pages"])
    assert total >= 2
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].split(";")[:3] == ["emeliyyat_id", "versiya", "ixrac_tarixi"]
    past = get(base, "ady", "/export/v1/operations.csv", {"date_from": "01.07.2024", "date_to": "03.07.2024", "page": total + 1})
    assert past.status_code == 200 and len(past.content.decode("utf-8-sig").splitlines()) == 1
    ship = get(base, "ady", "/export/v1/shipments.csv", ADY_WIN).content.decode("utf-8-sig").splitlines()
    header = ship[0].split(";")
    weights = [row.split(";")[header.index("ceki_ton")].strip() for row in ship[1:]]
    assert all("," in w and "." not in w for w in weights if w not in ("", "-"))
    assert any("ə" in row or "ş" in row or "ç" in row or "ı" in row for row in ship[1:])


def test_aktau_weight_shape_changes_on_2024_07_01(base):
    before = get(base, "aktau", "/tos/v1/moves", {"from": "2024-06-20T00:00:00Z", "to": "2024-06-21T00:00:00Z", "pageSize": 500})
    after = get(base, "aktau", "/tos/v1/moves", {"from": "2024-07-10T00:00:00Z", "to": "2024-07-11T00:00:00Z", "pageSize": 500})
    assert before.headers["X-Api-Version"] == "1.0" and after.headers["X-Api-Version"] == "1.1"
    b, a = before.json(), after.json()
    assert b["items"] and all("grossWeightKg" in m and "grossWeight" not in m for m in b["items"])
    assert a["items"] and all("grossWeight" in m and m["grossWeight"]["unit"] in ("T", "KG") for m in a["items"])
    assert set(b) >= {"page", "pageSize", "totalPages", "totalItems", "items"}
    manifests = get(base, "aktau", "/tos/v1/manifests", {**DAY, "pageSize": 500}).json()["items"]
    assert any(isinstance(m["hsCode"], int) for m in manifests) or all(isinstance(m["hsCode"], str) for m in manifests)
    calls = get(base, "aktau", "/tos/v1/vessel-calls", DAY).json()["items"]
    assert calls and {"callId", "updatedAt", "eta", "etd", "ata", "atd", "status", "nextPort"} <= set(calls[0])


def test_aktau_empty_window_and_paging(base):
    resp = get(base, "aktau", "/tos/v1/moves", {"from": "2022-01-01T00:00:00Z", "to": "2022-01-02T00:00:00Z"})
    assert resp.status_code == 200 and resp.json()["items"] == []
    small = get(base, "aktau", "/tos/v1/moves", {**DAY, "pageSize": 50}).json()
    assert small["totalPages"] == -(-small["totalItems"] // 50) and len(small["items"]) == 50


def test_baku_namespace_and_parts(base):
    first = get(base, "baku", "/edi/v1/terminal-events", {"date": "2024-07-01", "part": 1})
    root = ET.fromstring(first.content)
    assert root.tag == "{urn:bistp:terminal:1}TerminalEvents"
    parts = int(root.get("parts"))
    assert parts >= 2 and root.get("part") == "1"
    events = root.findall("{urn:bistp:terminal:1}Event")
    assert events and all(e.find("{urn:bistp:terminal:1}Type") is not None for e in events)
    last = get(base, "baku", "/edi/v1/terminal-events", {"date": "2024-07-01", "part": parts})
    assert last.status_code == 200
    assert get(base, "baku", "/edi/v1/terminal-events", {"date": "2024-07-01", "part": parts + 1}).status_code == 400
    empty = ET.fromstring(get(base, "baku", "/edi/v1/cargo-declarations", {"date": "2022-06-01"}).content)
    assert empty.get("parts") == "1" and len(empty) == 0


def test_ktz_schedule_local_wall_clock_times(base):
    from corridor.simulator import World
    w = World(7)
    train = w.xb_trains(2024, 2)[-1]
    doc = get(base, "ktz", "/api/v2/train-schedules", {"service_date": train.service_date.isoformat()}).json()
    assert doc["published_at"] and doc["data"]
    plan = next(p for p in doc["data"] if p["train_no"] == train.train_no)
    assert plan["service_code"] == "XIAN-BAKU" and plan["stops"][0]["esr"] == "990014"
    assert plan["stops"][0]["arr"] is None and plan["stops"][0]["dep"].startswith(train.service_date.isoformat())
    assert len(plan["stops"][0]["dep"]) == len("2024-02-29 22:00")


def test_container_numbers_are_valid_iso6346(base):
    body = get(base, "ktz", "/api/v2/consignments", {**KTZ_WIN, "limit": 1000}).json()
    containers = [r["equipment"]["container_no"] for r in body["data"] if r["equipment"]["kind"] == "CONTAINER"]
    assert containers and sum(is_valid_container(c) for c in containers) >= 0.8 * len(containers)
