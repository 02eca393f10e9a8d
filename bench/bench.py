"""One benchmark entry point: syncs against floors measured on the same simulator pages, in the same run.

    .venv/bin/python bench/bench.py [--cases nightly1,nightly10,sync30] [--rounds 1] [--server]

Starts the feed simulator itself (`corridor feeds serve --scale S --now …`, one per scale and clock),
warms it with one untimed floor pass, then runs every case as a fresh process, each round in turn:
the shared floor (`../shared/bench/floor.py`, when it exists beside the repository), the project
floor (`bench/floor.py`: the connectors' HTTP on every page + a DuckDB bulk load of the raw text) and
the sync (`bench/_timed_sync.py`: `corridor sync` with cheap timers). For each it reports wall,
records/s, peak RSS of the whole process tree (its /proc polled every 50 ms, the simulator
excluded), seconds per part, and the ratio to each floor.

Cases (`--cases`, comma-separated):
  nightly1    the nightly (no dates; CORRIDOR_START = the day before the simulator's clock) at scale 1
  nightly10   the same at scale 10
  sync7       `corridor sync` 2024-04-01 → 2024-04-08 at scale 10 (the 7-day peak RSS reference)
  sync30      `corridor sync` 2024-04-01 → 2024-05-01 at scale 10 (~1.05 M records)
  backfill365 `corridor sync` 2023-05-01 → 2024-05-01 at scale 10 (~10 M records: long)
`--server` also runs the scale-1 nightly against a running Prefect server (`prefect server start`).
Results are printed as a table and appended as JSON lines to `--out` (bench/results.jsonl).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED_FLOOR = REPO.parent / "shared" / "bench" / "floor.py"
PY = sys.executable
# The nightly runs on the product's real clock, so its simulator's clock is today (UTC midnight): the
# window is yesterday 00:00 → now, of which the simulator has published the one day before midnight.
NIGHTLY_NOW = datetime.now(UTC).date()


CASES = {
    # name: (scale, simulator now, window or None for the nightly)
    "nightly1": (1, NIGHTLY_NOW, None),
    "nightly10": (10, NIGHTLY_NOW, None),
    "sync7": (10, date(2024, 5, 4), (date(2024, 4, 1), date(2024, 4, 8))),
    "sync30": (10, date(2024, 5, 4), (date(2024, 4, 1), date(2024, 5, 1))),
    "backfill365": (10, date(2024, 5, 4), (date(2023, 5, 1), date(2024, 5, 1))),
}
DEFAULT_CASES = "nightly1,nightly10,sync30"

CREDENTIALS = {
    "CORRIDOR_KTZ_TOKEN": "ktz-sim-token", "CORRIDOR_ADY_API_KEY": "ady-sim-key",
    "CORRIDOR_AKTAU_CLIENT_ID": "corridor-sim", "CORRIDOR_AKTAU_CLIENT_SECRET": "aktau-sim-secret",
    "CORRIDOR_BAKU_USER": "corridor-sim", "CORRIDOR_BAKU_PASSWORD": "baku-sim-password",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


class Simulator:
    def __init__(self, scale: float, now: date):
        self.port = free_port()
        self.process = subprocess.Popen(
            [PY, "-m", "corridor.cli", "feeds", "serve", "--port", str(self.port), "--scale", str(scale),
             "--now", now.isoformat()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, self.process, "the simulator")
        self.env = {f"CORRIDOR_{op.upper()}_URL": f"http://127.0.0.1:{self.port}/{op}"
                    for op in ("ktz", "ady", "aktau", "baku")}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()


def tree_rss_kb(root: int) -> int:
    """Resident memory of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            pid, ppid = int(entry), int(fields[1])
            with open(f"/proc/{entry}/statm") as f:
                rss[pid] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run(cmd: list[str], env: dict, cwd: Path) -> dict:
    """Run `cmd` as a fresh process; wall, exit status, output and the peak RSS of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    stopped = threading.Event()

    def poll() -> None:
        while not stopped.is_set():
            peak[0] = max(peak[0], tree_rss_kb(process.pid))
            stopped.wait(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    stopped.set()
    poller.join()
    return {"wall_s": wall, "rc": process.returncode, "stdout": out, "stderr": err, "peak_rss_mb": peak[0] / 1024}


def window_args(case: str, window) -> tuple[list[str], datetime, datetime]:
    if window is None:  # the nightly: from CORRIDOR_START (the day before the clock) to now
        start = datetime.combine(NIGHTLY_NOW - timedelta(days=1), datetime.min.time())
        return [], start, datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    start, end = (datetime.combine(d, datetime.min.time()) for d in window)
    return ["--from", start.date().isoformat(), "--to", end.date().isoformat()], start, end


def floors(env: dict, tmp: Path, start: datetime, end: datetime) -> dict[str, dict]:
    results = {}
    span = ["--from", start.isoformat(), "--to", end.isoformat()]
    if SHARED_FLOOR.exists():
        results["shared_floor"] = run([PY, str(SHARED_FLOOR), *span, "--db", str(tmp / "shared-floor.duckdb")], env, tmp)
    results["project_floor"] = run([PY, str(HERE / "floor.py"), *span, "--db", str(tmp / "floor.duckdb")], env, tmp)
    for name, result in results.items():
        if result["rc"] != 0:
            raise RuntimeError(f"{name} failed: {result['stderr'][-2000:]}")
        result.update(json.loads(result["stdout"].strip().splitlines()[-1]))
    return results


def sync_once(case: str, env: dict, tmp: Path, args: list[str]) -> dict:
    folder = tmp / f"{case}-warehouse"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    env = {**env, "CORRIDOR_WAREHOUSE": str(folder / "corridor.duckdb")}
    timings_path = folder / "timings.json"
    result = run([PY, str(HERE / "_timed_sync.py"), str(timings_path), "sync", *args], env, folder)
    if result["rc"] != 0:
        print(result["stdout"][-2000:], result["stderr"][-3000:], file=sys.stderr)
    parts = json.loads(timings_path.read_text()) if timings_path.exists() else {}
    import duckdb

    with duckdb.connect(str(folder / "corridor.duckdb"), read_only=True) as con:
        received, loaded, quarantined = con.execute(
            "SELECT sum(records_received), sum(records_loaded), sum(records_quarantined) FROM meta.load").fetchone()
        validation = con.execute("SELECT coalesce(sum(seconds), 0) FROM quality.validation_run"
                                 " WHERE suite IS NOT NULL AND seconds IS NOT NULL").fetchone()[0]
    result.update(records=int(received or 0), loaded=int(loaded or 0), quarantined=int(quarantined or 0),
                  validation_run_s=float(validation), parts=parts)
    shutil.rmtree(folder, ignore_errors=True)
    return result


def prefect_server(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    home = tmp / "prefect-home"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home)}
    process = subprocess.Popen([str(Path(PY).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
                                "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(port, process, "the Prefect server", seconds=180)
    time.sleep(2)
    return process, f"http://127.0.0.1:{port}/api"


def summarise(case: str, round_: int, floor_results: dict, sync: dict) -> dict:
    parts = sync["parts"]
    stage = {k.removeprefix("stage_"): round(v, 2) for k, v in parts.items() if k.startswith("stage_")}
    derive = parts.get("derive_and_checks", 0.0)
    in_flow = parts.get("flow_body", 0.0)
    row = {
        "case": case, "round": round_, "rc": sync["rc"], "records": sync["records"],
        "wall_s": round(sync["wall_s"], 2), "records_per_s": round(sync["records"] / sync["wall_s"]),
        "peak_rss_mb": round(sync["peak_rss_mb"]),
        "parts_s": {
            "import": round(parts.get("import", 0.0), 2),
            **{f"stage.{k}": v for k, v in stage.items()},
            "validation_run": round(sync["validation_run_s"], 2),
            "load": round(parts.get("load", 0.0), 2),
            "transform": round(derive - parts.get("checks", 0.0), 2),
            "checks": round(parts.get("checks", 0.0), 2),
            "snapshot": round(parts.get("snapshot", 0.0), 2),
            # Prefect: the process's life outside the flow body and imports (temporary API, engine, shutdown)
            "prefect": round(parts.get("process", sync["wall_s"]) - in_flow - parts.get("import", 0.0), 2),
        },
    }
    for name, floor in floor_results.items():
        row[name] = {"wall_s": round(floor["wall_s"], 2), "records": floor["total_records"],
                     "peak_rss_mb": round(floor["peak_rss_mb"])}
        row[f"ratio_{name}"] = round(sync["wall_s"] / floor["wall_s"], 2)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=DEFAULT_CASES, help=f"comma-separated, of: {', '.join(CASES)}")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--server", action="store_true", help="also the scale-1 nightly under a Prefect server")
    parser.add_argument("--out", default=str(HERE / "results.jsonl"))
    args = parser.parse_args()
    cases = [c for c in args.cases.split(",") if c]
    if unknown := [c for c in cases if c not in CASES]:
        parser.error(f"unknown case(s) {unknown}; known: {', '.join(CASES)}")
    if args.server and "nightly1" not in cases:
        cases.insert(0, "nightly1")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "PREFECT_API_URL"))}
    base_env.update(CREDENTIALS, TZ=os.environ.get("TZ", "Asia/Almaty"), PREFECT_LOGGING_LEVEL="WARNING")
    rows = []
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as tmp_name:
        tmp = Path(tmp_name)
        server = None
        if args.server:
            server, api = prefect_server(tmp)
        try:
            by_simulator: dict[tuple, list[str]] = {}
            for case in cases:
                by_simulator.setdefault(CASES[case][:2], []).append(case)
            for (scale, now), group in by_simulator.items():
                simulator = Simulator(scale, now)
                try:
                    env = {**base_env, **simulator.env}
                    warmed = False
                    for case in group:
                        cli_args, start, end = window_args(case, CASES[case][2])
                        case_env = {**env, "CORRIDOR_START": start.date().isoformat()} if not cli_args else env
                        if not warmed or CASES[case][2] is not None:  # every window's pages, served once untimed
                            floors(case_env, tmp, start, end)
                            warmed = True
                        variants = [(case, case_env)]
                        if server is not None and case == "nightly1":
                            variants.append(("nightly1-server", {**case_env, "PREFECT_API_URL": api}))
                        for round_ in range(1, args.rounds + 1):
                            for name, variant_env in variants:
                                floor_results = floors(variant_env, tmp, start, end)
                                sync = sync_once(name, variant_env, tmp, cli_args)
                                row = summarise(name, round_, floor_results, sync)
                                rows.append(row)
                                print(json.dumps(row), flush=True)
                                with open(args.out, "a") as f:
                                    f.write(json.dumps({"at": datetime.now(UTC).isoformat(timespec="seconds"),
                                                        "cmd": " ".join(sys.argv), **row}) + "\n")
                finally:
                    simulator.stop()
        finally:
            if server is not None:
                server.terminate()
                server.wait()
    print_table(rows)
    return 0 if all(r["rc"] == 0 for r in rows) else 1


def print_table(rows: list[dict]) -> None:
    head = ["case", "rnd", "records", "wall s", "rec/s", "RSS MB", "shared floor s", "x shared", "proj floor s",
            "x proj"]
    print("\n" + " | ".join(head))
    for r in rows:
        sf, pf = r.get("shared_floor", {}), r.get("project_floor", {})
        print(" | ".join(str(v) for v in (
            r["case"], r["round"], r["records"], r["wall_s"], r["records_per_s"], r["peak_rss_mb"],
            sf.get("wall_s", "-"), r.get("ratio_shared_floor", "-"), pf.get("wall_s", "-"),
            r.get("ratio_project_floor", "-"))))
    print("\nparts (s; stage.* summed over feeds: fetch is wall, the others thread CPU)")
    for r in rows:
        print(r["case"], r["round"], " ".join(f"{k}={v}" for k, v in r["parts_s"].items()))


if __name__ == "__main__":
    raise SystemExit(main())
