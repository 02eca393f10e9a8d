"""The KTZ connector against the simulator over real HTTP on loopback."""
from datetime import datetime, timedelta

import pytest

from corridor.config import Settings
from corridor.connectors import CredentialsRefused, HttpClient, RetryPolicy, Window
from corridor.connectors.ktz import OPERATIONS, KtzClient, parse_operation

WINDOW = Window(datetime(2024, 2, 28), datetime(2024, 3, 1))


def _client(sim_url, **overrides):
    settings = Settings(ktz_url=f"{sim_url}/ktz", **overrides)
    return KtzClient(settings, HttpClient("KTZ tracking", RetryPolicy(base_seconds=0.01)))


def test_operations_are_paged_by_cursor_and_stay_in_the_window(sim_url):
    pages = list(_client(sim_url).fetch_operations(WINDOW))
    assert len(pages) > 1, "a two-day window spans several pages"
    assert all("cursor" in p.fetched.params for p in pages[1:])
    rows = [row for p in pages for r in p.records for row in parse_operation(r.data)]
    published = [r["published_utc"] for r in rows if r["published_utc"]]
    assert published and all(WINDOW.start <= t < WINDOW.end for t in published)
    assert "Bearer" not in str([p.fetched.params for p in pages]) and all("ktz" in p.fetched.url for p in pages)


def test_a_long_window_is_split_to_the_endpoint_maximum(sim_url):
    long = Window(datetime(2024, 2, 1), datetime(2024, 2, 16))
    pages = list(_client(sim_url).fetch_operations(long))
    spans = {(p.fetched.params["updated_from"], p.fetched.params["updated_to"]) for p in pages}
    assert spans == {
        ("2024-02-01T00:00:00Z", "2024-02-08T00:00:00Z"),
        ("2024-02-08T00:00:00Z", "2024-02-15T00:00:00Z"),
        ("2024-02-15T00:00:00Z", "2024-02-16T00:00:00Z"),
    }
    assert OPERATIONS.max_window == timedelta(days=7)


def test_wrong_token_is_refused_without_leaking_it(sim_url):
    with pytest.raises(CredentialsRefused) as refused:
        list(_client(sim_url, ktz_token="not-the-token").fetch_operations(WINDOW))
    assert "not-the-token" not in str(refused.value) and "KTZ tracking" in str(refused.value)
