"""Defects at the configured rate, tagged with the pipeline's rule names; faults a retrying client survives."""
from __future__ import annotations

import json
import time
from datetime import datetime

import pytest
import requests

from corridor.checkdigits import is_valid_container, is_valid_wagon
from corridor.simulator import Fault, Simulator, SimulatorConfig, defect_tags, parse_fault, run_embedded

from fixtures.simulator import ADY, BAKU_AUTH, KTZ, aktau_token

ALLOWED = {
    ("KTZ", "tracking"): {"op_code_known", "container_check_digit", "wagon_check_digit", "esr_known", "event_not_after_published", "revision_consistent"},
    ("KTZ", "cargo"): {"container_check_digit", "wagon_check_digit", "esr_known", "weight_in_range", "event_not_after_published", "size_type_known"},
    ("ADY", "cargo"): {"weight_in_range", "container_check_digit", "wagon_check_digit", "esr_known", "revision_consistent"},
    ("ADY", "tracking"): {"op_code_known", "event_not_after_published", "container_check_digit", "wagon_check_digit", "esr_known", "revision_consistent"},
    ("AKTAU_PORT", "tracking"): {"event_not_after_published", "size_type_known", "weight_in_range", "container_check_digit", "wagon_check_digit"},
    ("AKTAU_PORT", "schedule"): {"etd_not_before_eta", "imo_check_digit", "port_known"},
    ("AKTAU_PORT", "cargo"): {"weight_in_range", "port_known"},
    ("BAKU_PORT", "tracking"): {"op_code_known", "event_time_valid", "container_check_digit", "wagon_check_digit", "revision_consistent"},
    ("BAKU_PORT", "cargo"): {"weight_present", "hs_code_valid", "container_check_digit", "wagon_check_digit"},
}
NOW = datetime(2024, 7, 20)
FROM, TO = datetime(2024, 7, 1), datetime(2024, 7, 4)


@pytest.mark.parametrize("operator,feed", sorted(ALLOWED))
def test_defects_every_kind_at_the_rate(operator, feed):
    cfg = SimulatorConfig(now=NOW, defect_rate=0.3)
    sim = Simulator(cfg)
    tags = defect_tags(cfg, operator, feed, FROM, TO, simulator=sim)
    assert set(tags.values()) == ALLOWED[(operator, feed)]
    total = len({(x.rid, x.rev) for x in sim.records(operator, feed, 1719792000, 1720051200)})
    assert 0.15 < len(tags) / total < 0.45
    off = SimulatorConfig(now=NOW, defect_rate=0.0)
    assert defect_tags(off, operator, feed, FROM, TO) == {}


def test_default_rate_is_about_half_a_percent():
    cfg = SimulatorConfig(now=NOW)
    sim = Simulator(cfg)
    tags = defect_tags(cfg, "KTZ", "tracking", FROM, TO, simulator=sim)
    total = len(sim.records("KTZ", "tracking", 1719792000, 1720051200))
    assert 0.002 < len(tags) / total < 0.01


def test_schedule_defects_are_tagged_per_train_plan():
    cfg = SimulatorConfig(now=NOW, defect_rate=1.0)
    tags = defect_tags(cfg, "KTZ", "schedule", datetime(2024, 3, 1), datetime(2024, 4, 1))
    assert tags and all(k[0].count("/") == 1 and k[1] == 1 for k in tags)
    assert set(tags.values()) <= {"esr_known", "departure_not_before_arrival"}
    assert set(defect_tags(cfg, "ADY", "schedule", datetime(2024, 3, 1), datetime(2024, 4, 1)).values()) == {"esr_known"}


def test_tags_match_what_is_served():
    cfg = SimulatorConfig(now=NOW, defect_rate=0.3)
    sim = Simulator(cfg)
    tags = defect_tags(cfg, "KTZ", "tracking", FROM, TO, simulator=sim)
    bodies: dict = {}
    for x in sim.records("KTZ", "tracking", 1719792000, 1720051200):
        bodies.setdefault((x.rid, x.rev), []).append(json.loads(x.body))
    for key, tag in tags.items():
        rec = bodies[key][-1]
        if tag == "container_check_digit":
            assert not is_valid_container(rec["container_no"])
        elif tag == "wagon_check_digit":
            assert not is_valid_wagon(rec["wagon_no"])
        elif tag == "revision_consistent" and len(bodies[key]) == 2:  # (the clean first copy may precede the window)
            assert bodies[key][0] != bodies[key][1]
    clean = [b[0] for k, b in bodies.items() if k not in tags]
    assert all(is_valid_wagon(r["wagon_no"]) for r in clean)


def test_parse_fault():
    assert parse_fault("429:0.1") == Fault("429", rate=0.1)
    assert parse_fault("503:0.5:3") == Fault("503", rate=0.5, attempts=3)
    assert parse_fault("slow:1:1:2.5@ktz") == Fault("slow", rate=1.0, attempts=1, seconds=2.5, target="ktz")
    assert parse_fault("baku-doctype:terminal-events/2024-03-01/2") == Fault("baku-doctype", target="terminal-events/2024-03-01/2")
    with pytest.raises(ValueError):
        parse_fault("teapot:1")


OPS = ("ktz/api/v2/operations", {"updated_from": "2024-07-01T00:00:00Z", "updated_to": "2024-07-01T06:00:00Z"})


def test_transient_faults_then_success():
    faults = (Fault("429", rate=1.0, attempts=2, seconds=3, target="ktz"), Fault("503", rate=1.0, attempts=1, target="ady"),
              Fault("drop", rate=1.0, attempts=1, target="aktau/tos/v1/moves"), Fault("slow", rate=1.0, attempts=1, seconds=1.5, target="baku"))
    with run_embedded(SimulatorConfig(now=NOW, faults=faults)) as base:
        url = f"{base}/{OPS[0]}"
        first = requests.get(url, params=OPS[1], headers=KTZ, timeout=10)
        assert first.status_code == 429 and first.headers["Retry-After"] == "3"
        assert requests.get(url, params=OPS[1], headers=KTZ, timeout=10).status_code == 429
        assert requests.get(url, params=OPS[1], headers=KTZ, timeout=10).status_code == 200
        ady = f"{base}/ady/export/v1/timetable.csv"
        assert requests.get(ady, params={"date": "01.07.2024"}, headers=ADY, timeout=10).status_code == 503
        assert requests.get(ady, params={"date": "01.07.2024"}, headers=ADY, timeout=10).status_code == 200
        token = aktau_token(base)
        moves = (f"{base}/aktau/tos/v1/moves", {"from": "2024-07-01T00:00:00Z", "to": "2024-07-01T01:00:00Z"})
        with pytest.raises(requests.exceptions.RequestException):
            requests.get(moves[0], params=moves[1], headers=token, timeout=10)
        assert requests.get(moves[0], params=moves[1], headers=token, timeout=10).status_code == 200
        baku = f"{base}/baku/edi/v1/berth-schedule"
        with pytest.raises(requests.exceptions.Timeout):
            requests.get(baku, params={"date": "2024-07-01"}, auth=BAKU_AUTH, timeout=0.5)
        t = time.monotonic()
        assert requests.get(baku, params={"date": "2024-07-01"}, auth=BAKU_AUTH, timeout=10).status_code == 200
        assert time.monotonic() - t < 1.0


def test_credentials_failures_are_not_transient():
    with run_embedded(SimulatorConfig(now=NOW, faults=(Fault("503", rate=1.0, attempts=1),))) as base:
        url = f"{base}/{OPS[0]}"
        assert requests.get(url, params=OPS[1], headers={}, timeout=10).status_code == 503
        assert all(requests.get(url, params=OPS[1], headers={}, timeout=10).status_code == 401 for _ in range(3))


def test_rate_share_of_requests_fail():
    with run_embedded(SimulatorConfig(now=NOW, faults=(Fault("500", rate=0.3, attempts=1, target="ktz/api/v2/train-schedules"),))) as base:
        codes = [requests.get(f"{base}/ktz/api/v2/train-schedules", params={"service_date": f"2024-06-{d:02d}"}, headers=KTZ,
                              timeout=10).status_code for d in range(1, 31)]
        assert 3 <= codes.count(500) <= 18 and set(codes) == {200, 500}


def test_expired_token_then_new_token_succeeds():
    cfg = SimulatorConfig(now=NOW, faults=(Fault("token-expired", rate=1.0, attempts=1, target="aktau"),))
    with run_embedded(cfg) as base:
        params = {"from": "2024-07-01T00:00:00Z", "to": "2024-07-01T02:00:00Z"}
        token = aktau_token(base)
        first = requests.get(f"{base}/aktau/tos/v1/vessel-calls", params=params, headers=token, timeout=10)
        assert first.status_code == 401 and first.json() == {"error": "token_expired"}
        again = requests.get(f"{base}/aktau/tos/v1/vessel-calls", params=params, headers=token, timeout=10)
        assert again.status_code == 401  # the expired token stays expired
        assert requests.get(f"{base}/aktau/tos/v1/vessel-calls", params=params, headers=aktau_token(base), timeout=10).status_code == 200
    with run_embedded(SimulatorConfig(now=NOW, token_ttl=0)) as base:
        token = aktau_token(base)
        time.sleep(1.1)
        resp = requests.get(f"{base}/aktau/tos/v1/vessel-calls", params=params, headers=token, timeout=10)
        assert resp.status_code == 401 and resp.json()["error"] == "token_expired"


def test_baku_bad_parts():
    import xml.etree.ElementTree as ET
    faults = (parse_fault("baku-doctype:terminal-events/2024-07-01/2"), parse_fault("baku-malformed:cargo-declarations/2024-07-01/1"))
    with run_embedded(SimulatorConfig(now=NOW, faults=faults, baku_part_size=100)) as base:
        def part(ep, n):
            return requests.get(f"{base}/baku/edi/v1/{ep}", params={"date": "2024-07-01", "part": n}, auth=BAKU_AUTH, timeout=30)
        doc = part("terminal-events", 2).text
        assert "<!DOCTYPE" in doc and "<!ENTITY" in doc
        ET.fromstring(part("terminal-events", 1).content)
        with pytest.raises(ET.ParseError):
            ET.fromstring(part("cargo-declarations", 1).content)
        ET.fromstring(part("cargo-declarations", 2).content)
        assert part("terminal-events", 2).text == doc  # content faults are permanent, not transient
