"""Feed simulator serving speed over HTTP: records/s first pull and cached, a 7-day sync of all twelve feeds, peak RSS.

    python bench/bench_simulator.py [scales…]          # default: 1 10 100; each scale runs in its own process

Per scale: KTZ operations and ADY operations, first pull ("cold": the simulator generates the days) and again
("warm": from its cache) — 7 days at scale ≤ 10, 1 day at scale 100; then (scale ≤ 10) every feed of all four
operators for the same 7 days, and the process's peak RSS (the simulator runs embedded, as in tests and the demo).
"""
from __future__ import annotations

import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

import requests

from corridor.simulator import SimulatorConfig, run_embedded

KTZ = {"Authorization": "Bearer ktz-sim-token"}
ADY = {"X-Api-Key": "ady-sim-key"}
BAKU = ("corridor-sim", "baku-sim-password")
FIRST = date(2024, 7, 1)


def pull_ktz(base: str, path: str, start: str, end: str) -> int:
    params, n = {"updated_from": start, "updated_to": end, "limit": 1000}, 0
    with requests.Session() as s:
        while True:
            body = s.get(f"{base}/ktz/api/v2/{path}", params=params, headers=KTZ, timeout=600).json()
            n += len(body["data"])
            if not body["meta"]["next_cursor"]:
                return n
            params["cursor"] = body["meta"]["next_cursor"]


def pull_ady(base: str, path: str, d_from: str, d_to: str) -> int:
    n, page = 0, 1
    with requests.Session() as s:
        while True:
            resp = s.get(f"{base}/ady/export/v1/{path}", params={"date_from": d_from, "date_to": d_to, "page": page},
                         headers=ADY, timeout=600)
            n += len(resp.content.splitlines()) - 1
            if page >= int(resp.headers["X-Total-Pages"]):
                return n
            page += 1


def pull_aktau(base: str, path: str, start: str, end: str) -> int:
    with requests.Session() as s:
        token = s.post(f"{base}/aktau/oauth/token", data={"grant_type": "client_credentials", "client_id": "corridor-sim",
                                                          "client_secret": "aktau-sim-secret"}, timeout=60).json()["access_token"]
        n, page = 0, 1
        while True:
            body = s.get(f"{base}/aktau/tos/v1/{path}", params={"from": start, "to": end, "page": page, "pageSize": 500},
                         headers={"Authorization": f"Bearer {token}"}, timeout=600).json()
            n += len(body["items"])
            if page >= body["totalPages"]:
                return n
            page += 1


def pull_baku(base: str, path: str, days: list[date]) -> int:
    n = 0
    with requests.Session() as s:
        for d in days:
            part, parts = 1, 1
            while part <= parts:
                resp = s.get(f"{base}/baku/edi/v1/{path}", params={"date": d.isoformat(), "part": part}, auth=BAKU, timeout=600)
                parts = int(resp.text.split('parts="', 1)[1].split('"', 1)[0])
                n += resp.text.count(' id="')
                part += 1
    return n


def pull_daily(base: str, days: list[date]) -> int:
    """KTZ train schedules and the ADY timetable, one request per date."""
    n = 0
    with requests.Session() as s:
        for d in days:
            n += len(s.get(f"{base}/ktz/api/v2/train-schedules", params={"service_date": d.isoformat()}, headers=KTZ,
                           timeout=600).json()["data"])
            n += len(s.get(f"{base}/ady/export/v1/timetable.csv", params={"date": f"{d:%d.%m.%Y}"}, headers=ADY,
                           timeout=600).content.splitlines()) - 1
    return n


def _timed(label: str, scale: float, fn, *args) -> float:
    t = time.perf_counter()
    n = fn(*args)
    dt = time.perf_counter() - t
    print(f"scale {scale:>5g}  {label:34s} {n:>9,d} records in {dt:7.2f} s = {n / dt:>10,.0f} records/s", flush=True)
    return dt


def run(scale: float) -> None:
    days = 7 if scale <= 10 else 1
    cfg = SimulatorConfig(now=datetime(2024, 7, 20), scale=scale)
    last = FIRST + timedelta(days=days)
    iso = (f"{FIRST.isoformat()}T00:00:00Z", f"{last.isoformat()}T00:00:00Z")
    ady = (f"{FIRST:%d.%m.%Y}", f"{last - timedelta(days=1):%d.%m.%Y}")
    with run_embedded(cfg) as base:
        for name, fn, args in (("KTZ operations", pull_ktz, ("operations", *iso)), ("ADY operations", pull_ady, ("operations.csv", *ady))):
            for label in ("first", "cached"):
                _timed(f"{name} {days} day(s) {label}", scale, fn, base, *args)
        if scale <= 10:
            dates = [FIRST + timedelta(days=i) for i in range(days)]
            total = 0.0
            for name, fn, args in (
                ("KTZ consignments", pull_ktz, ("consignments", *iso)), ("ADY shipments", pull_ady, ("shipments.csv", *ady)),
                ("Aktau moves", pull_aktau, ("moves", *iso)), ("Aktau vessel calls", pull_aktau, ("vessel-calls", *iso)),
                ("Aktau manifests", pull_aktau, ("manifests", *iso)), ("Baku terminal events", pull_baku, ("terminal-events", dates)),
                ("Baku berth schedule", pull_baku, ("berth-schedule", dates)),
                ("Baku cargo declarations", pull_baku, ("cargo-declarations", dates)),
                ("KTZ schedules + ADY timetable", pull_daily, (dates,)),
            ):
                total += _timed(f"{name} {days} day(s) first", scale, fn, base, *args)
            print(f"scale {scale:>5g}  the other ten feeds, 7 days, first pull: {total:.1f} s (plus the two operations feeds above)")
    print(f"scale {scale:>5g}  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB", flush=True)


if __name__ == "__main__":
    scales = [float(a) for a in sys.argv[1:]] or [1.0, 10.0, 100.0]
    if len(scales) == 1:
        run(scales[0])
    else:
        for sc in scales:  # one process per scale: a clean peak RSS each
            subprocess.run([sys.executable, __file__, str(sc)], check=True)
