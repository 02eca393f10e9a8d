"""Same seed, clock and request → the same bytes, whatever the order of requests."""
from __future__ import annotations

from datetime import datetime

import requests

from corridor.simulator import SimulatorConfig, run_embedded

from fixtures.simulator import ADY, BAKU_AUTH, KTZ, aktau_token

CFG = SimulatorConfig(now=datetime(2024, 3, 10), defect_rate=0.05)
REQUESTS = [
    ("ktz/api/v2/operations", {"updated_from": "2024-03-01T00:00:00+05:00", "updated_to": "2024-03-02T00:00:00+05:00", "limit": 300}),
    ("ktz/api/v2/consignments", {"updated_from": "2024-02-29T12:00:00Z", "updated_to": "2024-03-01T12:00:00Z"}),
    ("ktz/api/v2/train-schedules", {"service_date": "2024-03-06"}),
    ("ady/export/v1/operations.csv", {"date_from": "29.02.2024", "date_to": "01.03.2024", "page": 2}),
    ("ady/export/v1/shipments.csv", {"date_from": "01.03.2024", "date_to": "01.03.2024"}),
    ("aktau/tos/v1/moves", {"from": "2024-03-01T00:00:00Z", "to": "2024-03-02T00:00:00Z", "page": 2, "pageSize": 50}),
    ("aktau/tos/v1/vessel-calls", {"from": "2024-03-01T00:00:00Z", "to": "2024-03-03T00:00:00Z"}),
    ("baku/edi/v1/terminal-events", {"date": "2024-03-01", "part": 1}),
    ("baku/edi/v1/cargo-declarations", {"date": "2024-03-01"}),
]


def _fetch(order):
    out = {}
    with run_embedded(CFG) as base:
        aktau = aktau_token(base)
        for i in order:
            path, params = REQUESTS[i]
            headers = {"ktz": KTZ, "ady": ADY, "aktau": aktau, "baku": {}}[path.split("/")[0]]
            resp = requests.get(f"{base}/{path}", params=params, headers=headers,
                                auth=BAKU_AUTH if path.startswith("baku") else None, timeout=60)
            assert resp.status_code == 200, (path, resp.text)
            out[i] = resp.content
    return out


def test_same_bytes_in_any_order():
    forward = _fetch(range(len(REQUESTS)))
    backward = _fetch(reversed(range(len(REQUESTS))))
    assert forward == backward
    assert all(forward.values())


def test_a_different_seed_gives_a_different_world():
    from corridor.simulator import Simulator
    a = Simulator(CFG).records("KTZ", "cargo", 1709251200, 1709337600)
    b = Simulator(SimulatorConfig(seed=8, now=CFG.now)).records("KTZ", "cargo", 1709251200, 1709337600)
    assert [x.body for x in a] != [x.body for x in b]


def test_a_window_built_at_once_equals_its_days_built_one_by_one_in_any_order():
    """Buckets of several publication days are built in one pass over the journeys; each must be the same as alone."""
    from corridor.simulator import Simulator
    from corridor.simulator.service import JOURNEY_FEEDS
    start, days = 1709251200 - 3 * 86400, 5  # 2024-02-27 … 2024-03-02
    for operator, feed in sorted(JOURNEY_FEEDS) + [("AKTAU_PORT", "schedule"), ("BAKU_PORT", "schedule")]:
        together = Simulator(CFG).records(operator, feed, start + 3600, start + days * 86400 - 60)
        alone = Simulator(CFG)
        parts = {i: alone.records(operator, feed, start + i * 86400, start + (i + 1) * 86400) for i in reversed(range(days))}
        one_by_one = [x for i in range(days) for x in parts[i] if start + 3600 <= x.pub < start + days * 86400 - 60]
        assert together == one_by_one, (operator, feed)
        assert together


def test_building_leaves_the_garbage_collector_as_it_was():
    """Builds pause the cyclic collector (simulator.cache.gc_paused) and must restore its state, enabled or not."""
    import gc

    from corridor.simulator import Simulator
    sim = Simulator(CFG)
    assert gc.isenabled()
    assert sim.records("KTZ", "tracking", 1709251200, 1709337600)
    assert gc.isenabled()
    gc.disable()
    try:
        assert sim.records("ADY", "tracking", 1709251200, 1709337600)
        assert not gc.isenabled()
    finally:
        gc.enable()
