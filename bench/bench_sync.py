"""A whole sync against a floor measured in the same run: records/s, peak memory, validation's share.

    python bench/bench_sync.py [--scale 10] [--days 7] [--start 2024-03-01]

The simulator runs in its own process. First the floor: every feed's pages fetched through the same
connectors and bulk-loaded as raw text into a scratch DuckDB file (the least any sync must do; this
pass also warms the simulator's cache so both runs see the same server). Then `corridor sync` over
the same window in a child process, whose peak RSS is read from the kernel. Reports the ratio of the
two wall times and validation's share of the sync (from quality.validation_run.seconds).
"""
from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from corridor.config import Settings
from corridor.connectors import OPERATOR_MODULES, HttpClient, Window, feed_registry


def start_simulator(scale: float, now: datetime) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "corridor.cli", "feeds", "serve", "--port", str(port), "--scale", str(scale),
         "--now", now.isoformat()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the simulator did not start")


def floor(settings: Settings, window: Window, path: Path) -> tuple[int, float]:
    """Fetch every feed's pages and bulk-load the raw records: the least a sync must do."""
    started = time.perf_counter()
    records = 0
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE raw_record (operator VARCHAR, feed VARCHAR, record VARCHAR)")
        for (operator, name), feed in feed_registry().items():
            client = OPERATOR_MODULES[operator].CLIENT(settings, HttpClient(f"{operator} {name}"))
            for page in feed.fetch(client, window):
                batch = pd.DataFrame({"operator": operator, "feed": name, "record": [r.text for r in page.records]})
                con.execute("INSERT INTO raw_record SELECT * FROM batch")
                records += len(batch)
    return records, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--start", default="2024-03-01")
    args = parser.parse_args()
    start = datetime.fromisoformat(args.start)
    window = Window(start, start + timedelta(days=args.days))
    server, url = start_simulator(args.scale, window.end + timedelta(days=3))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings().with_simulator(url)
            floor_records, floor_seconds = floor(settings, window, Path(tmp) / "floor.duckdb")
            warehouse = Path(tmp) / "corridor.duckdb"
            env = {**os.environ, "CORRIDOR_WAREHOUSE": str(warehouse),
                   **{f"CORRIDOR_{op.upper()}_URL": f"{url}/{op}" for op in ("ktz", "ady", "aktau", "baku")}}
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "corridor.cli", "sync", "--from", window.start.date().isoformat(),
                 "--to", window.end.date().isoformat()], env=env, capture_output=True, text=True)
            sync_seconds = time.perf_counter() - started
            peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            if done.returncode != 0:
                print(done.stdout[-3000:], done.stderr[-3000:])
            with duckdb.connect(str(warehouse), read_only=True) as con:
                received, flow_seconds = con.execute(
                    "SELECT sum(records_received), epoch(max(finished_utc)) - epoch(min(started_utc)) FROM meta.load"
                ).fetchone()
                validation = con.execute(
                    "SELECT feed, operator_code, sum(records), sum(seconds) FROM quality.validation_run"
                    " WHERE seconds IS NOT NULL GROUP BY ALL ORDER BY 2, 1").fetchall()
    finally:
        server.terminate()
        server.wait()
    validation_seconds = sum(v[3] for v in validation)
    print(f"window {window.start:%Y-%m-%d} + {args.days} days at scale {args.scale:g}")
    print(f"floor (fetch + bulk-load raw): {floor_records} records in {floor_seconds:.1f} s"
          f" = {floor_records / floor_seconds:,.0f} records/s")
    print(f"corridor sync (exit {done.returncode}): {received} records in {sync_seconds:.1f} s wall"
          f" (feeds loading {flow_seconds:.1f} s) = {received / sync_seconds:,.0f} records/s;"
          f" peak RSS {peak_mb:,.0f} MB (simulator excluded)")
    print(f"sync / floor wall time: {sync_seconds / floor_seconds:.2f}x")
    print(f"validation: {validation_seconds:.1f} s = {validation_seconds / sync_seconds:.0%} of the sync's wall time")
    for feed, operator, records, seconds in validation:
        print(f"  {operator:<11} {feed:<9} {records:>9} records  {seconds / records * 100_000:6.2f} s per 100,000")


if __name__ == "__main__":
    main()
