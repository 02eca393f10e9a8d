"""The Port of Aktau connector against the simulator over real HTTP on loopback."""
from datetime import datetime, timedelta

import pytest

from corridor.config import Settings
from corridor.connectors import CredentialsRefused, HttpClient, RetryPolicy, Window
from corridor.connectors.aktau import MANIFESTS, MOVES, VESSEL_CALLS, AktauClient

WINDOW = Window(datetime(2024, 3, 1), datetime(2024, 3, 6))


def _client(base_url, **overrides):
    settings = Settings(aktau_url=f"{base_url}/aktau", **overrides)
    return AktauClient(settings, HttpClient("AKTAU_PORT tracking", RetryPolicy(base_seconds=0.01)))


def _rows(feed, pages):
    return [row for p in pages for r in p.records for row in feed.parse(r.data)]


@pytest.mark.parametrize("feed", [MOVES, VESSEL_CALLS, MANIFESTS], ids=["moves", "calls", "manifests"])
def test_records_are_paged_and_stay_in_the_window(sim_url, feed):
    pages = list(feed.fetch(_client(sim_url), WINDOW))
    rows = _rows(feed, pages)
    published = [r["published_utc"] for r in rows]
    assert rows and all(t is not None and WINDOW.start <= t < WINDOW.end for t in published)
    assert [p.fetched.params["page"] for p in pages] == list(range(1, len(pages) + 1))
    assert all(p.fetched.params["pageSize"] == 500 for p in pages)
    assert all("Bearer" not in str(p.fetched.params) and "aktau-sim-secret" not in p.fetched.url for p in pages)
    if feed is MOVES:
        assert len(pages) > 1, "five days of moves span several pages"
        assert all(r["event_time_utc"] is not None for r in rows)


def test_a_long_window_is_split_to_seven_days(sim_url):
    pages = list(_client(sim_url).fetch_vessel_calls(Window(datetime(2024, 2, 1), datetime(2024, 2, 16))))
    spans = {(p.fetched.params["from"], p.fetched.params["to"]) for p in pages}
    assert spans == {
        ("2024-02-01T00:00:00Z", "2024-02-08T00:00:00Z"),
        ("2024-02-08T00:00:00Z", "2024-02-15T00:00:00Z"),
        ("2024-02-15T00:00:00Z", "2024-02-16T00:00:00Z"),
    }
    assert MOVES.max_window == timedelta(days=7)


def test_wrong_client_secret_is_refused_without_leaking_it(sim_url):
    with pytest.raises(CredentialsRefused) as refused:
        list(_client(sim_url, aktau_client_secret="not-the-secret").fetch_moves(WINDOW))
    assert "not-the-secret" not in str(refused.value) and "AKTAU_PORT" in str(refused.value)


def test_expired_tokens_are_renewed_and_the_request_repeated(sim_config):
    import dataclasses

    from corridor.simulator import run_embedded
    from corridor.simulator.faults import parse_fault

    config = dataclasses.replace(sim_config, faults=(parse_fault("token-expired:1:1@aktau/tos/v1/vessel-calls"),))
    with run_embedded(config) as base_url:
        client = _client(base_url)
        pages = list(client.fetch_vessel_calls(Window(datetime(2024, 3, 1), datetime(2024, 3, 2))))
    assert pages and all(p.fetched.status == 200 for p in pages)
    assert _rows(VESSEL_CALLS, pages)
