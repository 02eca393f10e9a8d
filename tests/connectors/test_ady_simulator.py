"""The ADY connector against the simulator over real HTTP on loopback, through to staging."""
from datetime import date, datetime, timedelta

import pytest

from corridor.config import Settings
from corridor.connectors import CredentialsRefused, HttpClient, RetryPolicy, Window
from corridor.connectors.ady import OPERATIONS, SHIPMENTS, TIMETABLE, AdyClient, parse_operation, parse_shipment
from corridor.engine import load_feed
from corridor.simulator import defect_tags
from corridor.warehouse import Warehouse

WINDOW = Window(datetime(2024, 2, 28), datetime(2024, 3, 1))
FAST = RetryPolicy(base_seconds=0.01)


def _client(sim_url, **overrides):
    return AdyClient(Settings(ady_url=f"{sim_url}/ady", **overrides), HttpClient("ADY tracking", FAST))


def test_operations_are_paged_by_number_and_kept_by_export_time(sim_url):
    pages = list(_client(sim_url).fetch_operations(WINDOW))
    assert len(pages) > 1, "a two-day window spans several pages"
    assert [p.fetched.params["page"] for p in pages] == list(range(1, len(pages) + 1))
    assert {(p.fetched.params["date_from"], p.fetched.params["date_to"]) for p in pages} == {("28.02.2024", "01.03.2024")}
    rows = [row for p in pages for r in p.records for row in parse_operation(r.data)]
    assert rows and all(WINDOW.start <= r["published_utc"] < WINDOW.end for r in rows)
    assert all("ady-sim-key" not in p.fetched.url + str(p.fetched.params) for p in pages)


def test_shipments_stay_in_the_window(sim_url):
    rows = [row for p in _client(sim_url).fetch_shipments(WINDOW) for r in p.records for row in parse_shipment(r.data)]
    assert rows and all(WINDOW.start <= r["published_utc"] < WINDOW.end for r in rows)


def test_timetable_is_fetched_per_service_date(sim_url):
    pages = list(_client(sim_url).fetch_timetable(Window(datetime(2024, 3, 1), datetime(2024, 3, 2))))
    assert [p.fetched.params["date"] for p in pages] == [f"{date(2024, 3, 1) + timedelta(days=i):%d.%m.%Y}" for i in range(15)]


def test_wrong_key_is_refused_without_leaking_it(sim_url):
    with pytest.raises(CredentialsRefused) as refused:
        list(_client(sim_url, ady_api_key="not-the-key").fetch_shipments(WINDOW))
    assert "not-the-key" not in str(refused.value) and "ADY tracking" in str(refused.value)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    with Warehouse(tmp_path_factory.mktemp("ady") / "corridor.duckdb") as wh:
        wh.bootstrap()
        yield wh


def _quarantined(warehouse, feed):
    con = warehouse.cursor()
    rows = con.execute("SELECT source_record_id, source_revision, reasons FROM quality.quarantine"
                       " WHERE operator_code = 'ADY' AND feed = ?", [feed]).fetchall()
    con.close()
    return {(i, r): reasons for i, r, reasons in rows}


@pytest.mark.parametrize("feed", [SHIPMENTS, TIMETABLE, OPERATIONS], ids=["cargo", "schedule", "tracking"])
def test_feed_loads_and_quarantines_exactly_the_defects(sim_url, sim_config, warehouse, feed):
    settings = Settings(ady_url=f"{sim_url}/ady")
    window = WINDOW if feed is not TIMETABLE else Window(datetime(2024, 3, 1), datetime(2024, 3, 3))
    result = load_feed(warehouse, settings, feed, window, retry_policy=FAST)
    assert result.status == "SUCCEEDED", result.error
    assert result.loaded > 0
    con = warehouse.cursor()
    staged = con.execute(f"SELECT count(*) FROM {feed.staging_table}").fetchone()[0]
    assert staged > 0
    if feed is not TIMETABLE:
        expected = defect_tags(sim_config, "ADY", feed.feed, window.start, window.end)
        assert expected and _quarantined(warehouse, feed.feed) == {k: [v] for k, v in expected.items()}
        # Loading the same window again stages nothing new.
        assert load_feed(warehouse, settings, feed, window, retry_policy=FAST).status == "SUCCEEDED"
        assert con.execute(f"SELECT count(*) FROM {feed.staging_table}").fetchone()[0] == staged
    else:
        assert _quarantined(warehouse, "schedule") == {}
        plans = con.execute("SELECT count(DISTINCT plan_id), count(*) FILTER (WHERE origin_esr <> '552508')"
                            " FROM staging.ady_train_stop").fetchone()
        assert plans[0] > 0 and plans[1] == 0  # ADY legs of Xi'an–Baku trains start at Alat
    con.close()
