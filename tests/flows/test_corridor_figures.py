"""End to end proof (world.md): the public corridor figures come back out of the marts after a backfill
of everything published from 2023-01-01 to 2024-03-15, through every layer."""
import socket
import subprocess
import sys
import time
from datetime import datetime

import duckdb
import pytest

from corridor.flows.sync import run_sync

FROM, TO = datetime(2023, 1, 1), datetime(2024, 3, 15)

# A slow machine must not turn this long run into a timeout.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def backfilled(prefect_harness, tmp_path_factory):
    """The simulator in its own process (the pipeline gets the other core), and one backfill."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "corridor.cli", "feeds", "serve", "--port", str(port), "--now", TO.isoformat()],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline and server.poll() is None, "the simulator did not start"
            time.sleep(0.2)
    path = tmp_path_factory.mktemp("figures") / "corridor.duckdb"
    mp = pytest.MonkeyPatch()
    for operator in ("ktz", "ady", "aktau", "baku"):
        mp.setenv(f"CORRIDOR_{operator.upper()}_URL", f"http://127.0.0.1:{port}/{operator}")
    mp.setenv("CORRIDOR_WAREHOUSE", str(path))
    try:
        started = time.monotonic()
        summary = run_sync(FROM, TO)
        summary["seconds"] = time.monotonic() - started
    finally:
        mp.undo()
        server.terminate()
        server.wait(timeout=30)
    con = duckdb.connect(str(path), read_only=True)
    yield con, summary
    con.close()


def test_backfill_loads_every_feed_and_passes_the_checks(backfilled):
    con, summary = backfilled
    assert [(r["operator"], r["feed"], r["status"]) for r in summary["feeds"] if r["status"] != "SUCCEEDED"] == []
    assert summary["failed_checks"] == []
    received = sum(r["received"] for r in summary["feeds"])
    print(f"\nbackfill: {received} records in {summary['seconds']:.0f} s ({received / summary['seconds']:.0f} records/s)")


def _tonnes(con, months):
    return float(con.execute(
        "SELECT sum(gross_weight_t) FROM marts.corridor_volume_monthly WHERE month IN ?", [months]
    ).fetchone()[0])


def test_interchange_tonnage_and_growth(backfilled):
    con, _ = backfilled
    t2024 = _tonnes(con, [datetime(2024, 1, 1).date(), datetime(2024, 2, 1).date()])
    t2023 = _tonnes(con, [datetime(2023, 1, 1).date(), datetime(2023, 2, 1).date()])
    growth = (t2024 - t2023) / t2023 * 100
    print(f"\nJan-Feb 2024: {t2024:,.0f} t; Jan-Feb 2023: {t2023:,.0f} t; growth {growth:+.1f} %")
    assert abs(t2024 - 540_000) <= 0.03 * 540_000
    assert abs(growth - 25) <= 3
    # The mart's own year-on-year column agrees with the figure computed here.
    yoy = con.execute(
        "SELECT sum(gross_weight_t), sum(prev_year_gross_weight_t) FROM marts.corridor_volume_monthly"
        " WHERE month IN ('2024-01-01', '2024-02-01')"
    ).fetchone()
    assert float(yoy[0]) == pytest.approx(t2024) and float(yoy[1]) == pytest.approx(t2023)


def test_xian_baku_trains_and_containers(backfilled):
    con, _ = backfilled
    rows = dict(
        (month.isoformat()[:7], (trains, per_train))
        for month, trains, per_train in con.execute(
            "SELECT month, trains, containers_per_train FROM marts.train_service_monthly"
            " WHERE service_code = 'XIAN-BAKU' ORDER BY month"
        ).fetchall()
    )
    print(f"\nXIAN-BAKU trains by month: {rows}")
    assert rows["2024-01"][0] == 10 and rows["2024-02"][0] == 10
    assert all(rows[m][0] < 10 for m in rows if m.startswith("2023") and m != "2023-01")
    assert all(per_train == 61 for m, (_, per_train) in rows.items() if m in ("2024-01", "2024-02"))


def test_median_transit_xian_to_absheron(backfilled):
    con, _ = backfilled
    median, journeys = con.execute(
        "SELECT median(transit_days), count(*) FROM marts.container_transit"
        " WHERE arrived_utc IS NOT NULL AND destination_location_code = 'ESR551204'"
    ).fetchone()
    print(f"\nmedian Xi'an → Absheron transit: {median:.2f} days over {journeys} journeys")
    assert journeys > 1000 and abs(median - 11) <= 0.5
