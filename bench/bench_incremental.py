"""A backfill, then the next day's increment, against the same warehouse: the increment's share of the backfill.

    python bench/bench_incremental.py [--from 2023-01-01] [--to 2024-03-15] [--scale 1]

Both runs are `corridor sync` in a child process (each starts its own temporary Prefect API), against
one simulator process whose clock is a day after `--to`. The increment is what a nightly run does:
one more day of publications, merged into core by load, then the marts and checks.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).parent))
from bench_sync import start_simulator  # noqa: E402


def sync(env: dict, start: datetime, end: datetime) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "corridor.cli", "sync", "--from", start.date().isoformat(),
                           "--to", end.date().isoformat()], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"sync failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", default="2023-01-01")
    parser.add_argument("--to", dest="end", default="2024-03-15")
    parser.add_argument("--scale", type=float, default=1)
    args = parser.parse_args()
    start, end = datetime.fromisoformat(args.start), datetime.fromisoformat(args.end)
    server, url = start_simulator(args.scale, end + timedelta(days=1))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            warehouse = Path(tmp) / "corridor.duckdb"
            env = {**os.environ, "CORRIDOR_WAREHOUSE": str(warehouse),
                   **{f"CORRIDOR_{op.upper()}_URL": f"{url}/{op}" for op in ("ktz", "ady", "aktau", "baku")}}
            backfill = sync(env, start, end)
            increment = sync(env, end, end + timedelta(days=1))
            with duckdb.connect(str(warehouse), read_only=True) as con:
                loads = con.execute(
                    "SELECT window_from_utc = ? AS backfill, sum(records_received) FROM meta.load GROUP BY 1 ORDER BY 1 DESC",
                    [start]).fetchall()
    finally:
        server.terminate()
        server.wait()
    print(f"backfill {start:%Y-%m-%d} → {end:%Y-%m-%d} at scale {args.scale:g}: {loads[0][1]} records in {backfill:.1f} s")
    print(f"next day's increment: {loads[1][1]} records in {increment:.1f} s")
    print(f"increment / backfill: {increment / backfill:.1%}")


if __name__ == "__main__":
    main()
