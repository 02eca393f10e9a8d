"""Feed simulator serving speed (records/s) over HTTP at scale 1 and 100: `python bench/bench_simulator.py [scales…]`."""
from __future__ import annotations

import sys
import time
from datetime import datetime

import requests

from corridor.simulator import SimulatorConfig, run_embedded

KTZ = {"Authorization": "Bearer ktz-sim-token"}


def pull_ktz_operations(base: str, start: str, end: str) -> int:
    params, n = {"updated_from": start, "updated_to": end, "limit": 1000}, 0
    with requests.Session() as s:
        while True:
            body = s.get(f"{base}/ktz/api/v2/operations", params=params, headers=KTZ, timeout=600).json()
            n += len(body["data"])
            if not body["meta"]["next_cursor"]:
                return n
            params["cursor"] = body["meta"]["next_cursor"]


def pull_ady_operations(base: str, d_from: str, d_to: str) -> int:
    n, page = 0, 1
    with requests.Session() as s:
        while True:
            resp = s.get(f"{base}/ady/export/v1/operations.csv", params={"date_from": d_from, "date_to": d_to, "page": page},
                         headers={"X-Api-Key": "ady-sim-key"}, timeout=600)
            n += len(resp.content.splitlines()) - 1
            if page >= int(resp.headers["X-Total-Pages"]):
                return n
            page += 1


def run(scale: float, days: int) -> None:
    cfg = SimulatorConfig(now=datetime(2024, 7, 20), scale=scale)
    end_day = 1 + days
    with run_embedded(cfg) as base:
        for name, pull, args in (
            ("KTZ operations", pull_ktz_operations, ("2024-07-01T00:00:00Z", f"2024-07-{end_day:02d}T00:00:00Z")),
            ("ADY operations", pull_ady_operations, ("01.07.2024", f"{days:02d}.07.2024")),
        ):
            for label in ("cold", "warm"):
                t = time.perf_counter()
                n = pull(base, *args)
                dt = time.perf_counter() - t
                print(f"scale {scale:>5g}  {name:15s} {days} day(s) {label}: {n:>8,d} records in {dt:6.2f} s = {n / dt:>9,.0f} records/s",
                      flush=True)


if __name__ == "__main__":
    scales = [float(a) for a in sys.argv[1:]] or [1.0, 100.0]
    for sc in scales:
        run(sc, 7 if sc <= 10 else 1)
