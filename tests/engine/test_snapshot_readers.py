"""Acceptance: analysts reading the snapshot never see part of a sync, and never hold a sync up (operations.md,
"Analysts read a snapshot, never the file being written").

Two processes, as in production: a reader that, like a BI tool, opens a new read-only DuckDB connection to
the snapshot for every query round, for as long as two `corridor sync` processes run back to back (so the
snapshot is written and then replaced while it reads). Every round must succeed, and what it reads must be
one whole sync: no `RUNNING` load in `meta.load`, and marts that agree with core.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

WINDOWS = [("2024-03-01", "2024-03-03"), ("2024-03-03", "2024-03-05")]
SYNC_TIMEOUT = 300  # a 2-day sync at scale 1 takes well under a minute here; this is "it did not hang"

pytestmark = pytest.mark.timeout(900)

# The reader: one round = one new connection, the checks, one JSON line; until told to stop.
READER = r'''
import json, sys, time
from pathlib import Path
import duckdb

snapshot, stop, out = Path(sys.argv[1]), Path(sys.argv[2]), open(sys.argv[3], "w", buffering=1)
CHECKS = {
    "running": "SELECT count(*) FROM meta.load WHERE status NOT IN ('SUCCEEDED', 'FAILED')",
    "loads": "SELECT count(*) FROM meta.load",
    "signature": "SELECT coalesce(string_agg(load_id, ',' ORDER BY load_id), '') FROM meta.load",
    "containers": "SELECT count(*) FROM marts.container_status",
    # marts.container_status: exactly the containers of core.fact_equipment_event
    "status_vs_core": """
        SELECT count(*) FROM (
            (SELECT container_no FROM marts.container_status
             EXCEPT SELECT container_no FROM core.fact_equipment_event WHERE container_no IS NOT NULL)
            UNION ALL
            (SELECT container_no FROM core.fact_equipment_event WHERE container_no IS NOT NULL
             EXCEPT SELECT container_no FROM marts.container_status))""",
    "consignments": "SELECT coalesce(sum(consignments), 0) FROM marts.corridor_volume_monthly",
    # marts.corridor_volume_monthly: consignments reported by both railways, cancelled ones excluded
    "volume_vs_core": """
        WITH core_count AS (
            SELECT date_trunc('month', accepted_utc)::DATE AS month, direction, count(*) AS consignments
            FROM core.fact_consignment
            WHERE list_contains(reported_by, 'KTZ') AND list_contains(reported_by, 'ADY')
              AND status <> 'CANCELLED' AND accepted_utc IS NOT NULL
            GROUP BY ALL)
        SELECT count(*) FROM marts.corridor_volume_monthly AS m
        FULL OUTER JOIN core_count AS c USING (month, direction)
        WHERE m.consignments IS DISTINCT FROM c.consignments""",
}
rounds = 0
while True:
    stopping = stop.exists()
    if snapshot.exists():
        started = time.monotonic()
        try:
            with duckdb.connect(str(snapshot), read_only=True) as con:
                row = {name: con.execute(sql).fetchone()[0] for name, sql in CHECKS.items()}
        except Exception as exc:  # every error is a finding
            row = {"error": f"{type(exc).__name__}: {exc}"}
        row["seconds"] = round(time.monotonic() - started, 3)
        out.write(json.dumps(row) + "\n")
        rounds += 1
    if stopping:
        break
    time.sleep(0.02)
out.write(json.dumps({"done": rounds}) + "\n")
'''


@pytest.mark.slow
def test_readers_of_the_snapshot_only_ever_see_whole_syncs(prefect_harness, sim_env, tmp_path):
    warehouse = sim_env
    snapshot = warehouse.parent / "snapshot.duckdb"
    stop, found = tmp_path / "stop-reading", tmp_path / "reader.jsonl"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(snapshot), str(stop), str(found)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        took = []
        for start, end in WINDOWS:
            began = time.monotonic()
            done = subprocess.run([sys.executable, "-m", "corridor.cli", "sync", "--from", start, "--to", end],
                                  capture_output=True, text=True, timeout=SYNC_TIMEOUT)
            took.append(time.monotonic() - began)
            assert done.returncode == 0, f"sync {start}..{end}: {done.stderr[-2000:]}"
            assert snapshot.exists(), "each sync that published anything writes the snapshot"
        time.sleep(1.0)  # a few rounds on the last snapshot
    finally:
        stop.touch()
        try:
            _, errors = reader.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            reader.kill()
            _, errors = reader.communicate()
    assert reader.returncode == 0, errors[-2000:]

    lines = [json.loads(line) for line in found.read_text().splitlines()]
    assert lines and lines[-1].get("done") == len(lines) - 1, "the reader ran to the end"
    rounds = lines[:-1]
    assert [r for r in rounds if "error" in r] == [], "no read ever failed"
    assert len(rounds) >= 20, f"the reader read throughout the sync ({len(rounds)} rounds)"
    for r in rounds:
        assert r["running"] == 0, f"a snapshot showed a load in progress: {r}"
        assert r["status_vs_core"] == 0, f"marts.container_status disagreed with core: {r}"
        assert r["volume_vs_core"] == 0, f"marts.corridor_volume_monthly disagreed with core: {r}"
    # It saw both syncs, each whole: every round shows the loads of exactly one or both syncs, and the
    # first sync's state then the second's, never going back.
    signatures = list(dict.fromkeys(r["signature"] for r in rounds))
    assert len(signatures) == 2, f"the reader saw the snapshot of each sync, and only those: {signatures}"
    first, second = (set(s.split(",")) for s in signatures)
    assert first < second and len(first) == 12 and len(second) == 24, "12 feeds a sync, each load whole"
    assert [r["signature"] for r in rounds] == sorted((r["signature"] for r in rounds),
                                                       key=signatures.index), "never back to an older sync"
    assert rounds[-1]["containers"] > 0 and rounds[-1]["consignments"] > 0, "the checks compared real data"
    # And the reader did not hold the syncs up: each finished in the time a sync takes anyway.
    assert max(took) < SYNC_TIMEOUT, took


def test_the_reader_script_reports_errors_as_findings(tmp_path):
    """The reader above counts a failed read as a finding, not a crash (so the test cannot pass by dying)."""
    snapshot, stop, found = tmp_path / "not-a-database.duckdb", tmp_path / "stop", tmp_path / "out.jsonl"
    snapshot.write_text("this is not a DuckDB file")
    stop.touch()
    subprocess.run([sys.executable, "-c", READER, str(snapshot), str(stop), str(found)], check=True, timeout=60)
    lines = [json.loads(line) for line in Path(found).read_text().splitlines()]
    assert "error" in lines[0] and lines[-1] == {"done": 1}
