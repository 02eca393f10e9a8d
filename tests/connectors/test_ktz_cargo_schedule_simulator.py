"""KTZ consignments and train schedules against the simulator over real HTTP, through to staging."""
from datetime import date, datetime

import pytest

from corridor.config import Settings
from corridor.connectors import CredentialsRefused, HttpClient, RetryPolicy, Window
from corridor.connectors.ktz import CONSIGNMENTS, TRAIN_SCHEDULES, KtzClient, parse_consignment, parse_train_plan
from corridor.engine import load_feed
from corridor.simulator import defect_tags
from corridor.warehouse import Warehouse

WINDOW = Window(datetime(2024, 2, 27), datetime(2024, 3, 1))
FAST = RetryPolicy(base_seconds=0.01)


def _client(sim_url, **overrides):
    settings = Settings(ktz_url=f"{sim_url}/ktz", **overrides)
    return KtzClient(settings, HttpClient("KTZ cargo", FAST))


def test_consignments_are_paged_and_stay_in_the_window(sim_url):
    pages = list(_client(sim_url).fetch_consignments(WINDOW))
    assert all(p.fetched.params["updated_from"] == "2024-02-27T00:00:00Z" for p in pages)
    rows = [row for p in pages for r in p.records for row in parse_consignment(r.data)]
    assert rows and all(WINDOW.start <= r["published_utc"] < WINDOW.end for r in rows)
    assert {r["equipment_kind"] for r in rows} <= {"CONTAINER", "WAGON"}


def test_schedules_are_fetched_per_service_date(sim_url):
    window = Window(datetime(2024, 3, 1), datetime(2024, 3, 2))
    pages = list(_client(sim_url).fetch_train_schedules(window))
    assert [p.fetched.params["service_date"] for p in pages] == [date(2024, 3, d).isoformat() for d in range(1, 16)]
    rows = [row for p in pages for r in p.records for row in parse_train_plan(r.data)]
    assert rows and all(r["plan_id"] == f"{r['service_date'].isoformat()}/{r['train_no']}" for r in rows)


def test_wrong_token_is_refused_without_leaking_it(sim_url):
    with pytest.raises(CredentialsRefused) as refused:
        list(_client(sim_url, ktz_token="not-the-token").fetch_train_schedules(WINDOW))
    assert "not-the-token" not in str(refused.value)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    with Warehouse(tmp_path_factory.mktemp("ktz") / "corridor.duckdb") as wh:
        wh.bootstrap()
        yield wh


@pytest.mark.parametrize("feed", [CONSIGNMENTS, TRAIN_SCHEDULES], ids=["cargo", "schedule"])
def test_feed_loads_into_staging_and_quarantines_exactly_the_defects(sim_url, sim_config, warehouse, feed):
    settings = Settings(ktz_url=f"{sim_url}/ktz")
    window = WINDOW if feed is CONSIGNMENTS else Window(datetime(2024, 2, 20), datetime(2024, 3, 1))
    result = load_feed(warehouse, settings, feed, window, retry_policy=FAST)
    assert result.status == "SUCCEEDED", result.error
    assert result.loaded > 0
    con = warehouse.cursor()
    quarantined = dict(con.execute(
        "SELECT source_record_id || '#' || source_revision, reasons FROM quality.quarantine WHERE feed = ?", [feed.feed]
    ).fetchall())
    assert con.execute(f"SELECT count(*) FROM {feed.staging_table}").fetchone()[0] > 0
    if feed is CONSIGNMENTS:
        expected = defect_tags(sim_config, "KTZ", "cargo", window.start, window.end)
        assert {k: [v] for k, v in ((f"{i}#{r}", t) for (i, r), t in expected.items())} == quarantined
    else:
        # Every quarantined plan is a planted defect with its rule (this simulated world plants none so far).
        expected = defect_tags(sim_config, "KTZ", "schedule", datetime(2024, 1, 1), datetime(2024, 3, 12))
        assert all([expected[(k.split("#")[0], 1)]] == v for k, v in quarantined.items())
        assert len(quarantined) == len(expected) == 0
        bad = con.execute("SELECT count(*) FROM staging.ktz_train_stop WHERE stop_dwell_hours < 0"
                          " OR planned_departure_utc IS NULL AND stop_seq = 1").fetchone()[0]
        assert bad == 0
    # Loading the same window again changes no staging row.
    before = con.execute(f"SELECT count(*) FROM {feed.staging_table}").fetchone()[0]
    assert load_feed(warehouse, settings, feed, window, retry_policy=FAST).status == "SUCCEEDED"
    assert con.execute(f"SELECT count(*) FROM {feed.staging_table}").fetchone()[0] == before
    con.close()
