"""The Port of Baku connector against the simulator over real HTTP on loopback (parts, refused parts, auth)."""
import dataclasses
from datetime import datetime

import pytest

from corridor.config import Settings
from corridor.connectors import CredentialsRefused, HttpClient, RetryPolicy, Window
from corridor.connectors.baku import BERTH_SCHEDULE, DECLARATIONS, TERMINAL_EVENTS, BakuClient

WINDOW = Window(datetime(2024, 3, 1), datetime(2024, 3, 3))  # Baku local dates 1, 2 and 3 March


def _client(base_url, **overrides):
    settings = Settings(baku_url=f"{base_url}/baku", **overrides)
    return BakuClient(settings, HttpClient("BAKU_PORT tracking", RetryPolicy(base_seconds=0.01)))


@pytest.mark.parametrize("feed", [TERMINAL_EVENTS, BERTH_SCHEDULE, DECLARATIONS], ids=["events", "calls", "declarations"])
def test_records_are_fetched_by_local_date_and_kept_in_the_window(sim_url, feed):
    pages = list(feed.fetch(_client(sim_url), WINDOW))
    assert {p.fetched.params["date"] for p in pages} == {"2024-03-01", "2024-03-02", "2024-03-03"}
    rows = [row for p in pages for r in p.records for row in feed.parse(r.data)]
    assert rows and all(WINDOW.start <= r["published_utc"] < WINDOW.end for r in rows)
    assert all(r.refused is None for p in pages for r in p.records)


def test_wrong_password_is_refused_without_leaking_it(sim_url):
    with pytest.raises(CredentialsRefused) as refused:
        list(_client(sim_url, baku_password="not-the-password").fetch_terminal_events(WINDOW))
    assert "not-the-password" not in str(refused.value)


def test_refused_parts_become_quarantine_records_and_the_rest_loads(sim_config):
    from corridor.simulator import run_embedded
    from corridor.simulator.faults import parse_fault

    config = dataclasses.replace(sim_config, baku_part_size=50, faults=(
        parse_fault("baku-doctype:terminal-events/2024-03-02/1"), parse_fault("baku-malformed:terminal-events/2024-03-02/2")))
    window = Window(datetime(2024, 3, 1, 20), datetime(2024, 3, 2, 20))  # exactly Baku's 2 March
    with run_embedded(config) as base_url:
        pages = list(_client(base_url).fetch_terminal_events(window))
    refused = [(r.refused, r.refused_id) for p in pages for r in p.records if r.refused]
    assert refused == [("xml_doctype", "terminal-events/2024-03-02/part1"),
                       ("xml_not_well_formed", "terminal-events/2024-03-02/part2")]
    parts = [p.fetched.params["part"] for p in pages]
    # Part 3 is readable and names the part count: the client stops there, without asking past the last.
    assert len(parts) > 3 and parts == list(range(1, len(parts) + 1))
    assert f'parts="{len(parts)}"'.encode() in pages[2].fetched.content and all(p.fetched.status == 200 for p in pages)
    assert sum(len(p.records) for p in pages[2:]) > 0
