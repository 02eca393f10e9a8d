"""A reader racing a sync, in a process of its own, until told to stop: one JSON line per attempt.

    python racing_reader.py KIND PATH STOP OUT

KIND:

- `snapshot`: a new read-only DuckDB connection to PATH (the analysts' snapshot) every round, as a BI tool
  does; rounds start once the file exists;
- `warehouse`: the same on PATH, the warehouse file itself (which belongs to the sync);
- `holder`: one read-only connection to PATH (the snapshot), opened once it exists and held, queried every
  round (an analyst's open session across syncs);
- `hold`: one read-only connection to PATH opened at once and held, untouched, until STOP exists or
  SECONDS (a 5th argument) have passed: lines `{"opened": t}` and `{"closed": t}`;
- `cli`: `corridor query` (a new process every round) with the environment it inherits, alternating
  between what analysts read by default (the snapshot, else the warehouse) and, with `CORRIDOR_SNAPSHOT`
  pointing nowhere, the warehouse file itself (as before any snapshot exists).

Each line: `t0`, `t1` (unix times), `kind`, and either the checks' values or `error` (for `cli`: `code`,
`out`, `err`). Every error is recorded as a finding, never raised.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

CHECKS = {
    "running": "SELECT count(*) FROM meta.load WHERE status NOT IN ('SUCCEEDED', 'FAILED')",
    "loads": "SELECT count(*) FROM meta.load",
    "succeeded": "SELECT count(*) FROM meta.load WHERE status = 'SUCCEEDED'",
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
    # every published load's watermark is in meta.watermark (published loads and watermarks move together)
    "loads_without_watermark": """
        SELECT count(*) FROM (SELECT DISTINCT operator_code, feed FROM meta.load WHERE status = 'SUCCEEDED')
        ANTI JOIN meta.watermark USING (operator_code, feed)""",
}
# The same checks as one query, for `corridor query`.
ONE_QUERY = "SELECT " + ", ".join(f"({sql.strip()}) AS {name}" for name, sql in CHECKS.items())


def _checks(con) -> dict:
    return {name: con.execute(sql).fetchone()[0] for name, sql in CHECKS.items()}


def hold(path: Path, stop: Path, out, seconds: float) -> None:
    import duckdb

    with duckdb.connect(str(path), read_only=True) as con:
        out.write(json.dumps({"opened": time.time(), "loads": _checks(con)["loads"]}) + "\n")
        deadline = time.monotonic() + seconds
        while not stop.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        out.write(json.dumps({"closed": time.time()}) + "\n")


def main(kind: str, path: Path, stop: Path, out_path: Path, seconds: float = 3600) -> None:
    import duckdb

    out = open(out_path, "w", buffering=1)  # noqa: SIM115 - the process's whole life
    if kind == "hold":
        return hold(path, stop, out, seconds)
    held = None
    cli_round = 0
    while True:
        stopping = stop.exists()
        t0 = time.time()
        row: dict = {"kind": kind, "t0": t0}
        if kind == "cli":
            env = dict(os.environ)
            if cli_round % 2:
                env["CORRIDOR_SNAPSHOT"] = str(path.parent / "no-snapshot-here.duckdb")
                row["kind"] = "cli-warehouse"
            cli_round += 1
            done = subprocess.run([sys.executable, "-m", "corridor.cli", "query", "--format", "json", ONE_QUERY],
                                  env=env, capture_output=True, text=True, timeout=120)
            row.update(code=done.returncode, out=done.stdout.strip(), err=done.stderr.strip())
        elif kind == "holder" or path.exists():
            try:
                if kind == "holder":
                    if held is None:
                        if not path.exists():
                            raise FileNotFoundError("not yet")
                        held = duckdb.connect(str(path), read_only=True)
                    row.update(_checks(held))
                else:
                    with duckdb.connect(str(path), read_only=True) as con:
                        row.update(_checks(con))
            except FileNotFoundError:
                row = {}
            except Exception as exc:  # every error is a finding
                row["error"] = f"{type(exc).__name__}: {exc}"
        else:
            row = {}
        if row:
            row["t1"] = time.time()
            out.write(json.dumps(row) + "\n")
        if stopping:
            break
        time.sleep(0.03)
    if held is not None:
        held.close()
    out.write(json.dumps({"done": True}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), *map(float, sys.argv[5:6]))
