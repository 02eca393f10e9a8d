"""`corridor demo`: the embedded simulator, a full sync of a historical window, and what it loaded."""
from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from corridor.warehouse import Warehouse, sql_text


def run_demo(warehouse_path: Path, window_from: datetime, window_to: datetime, echo: Callable[[str], None],
             verbose: bool = False) -> int:
    """Returns the exit status: 0 when every feed loaded."""
    from corridor.flows.sync import run_sync
    from corridor.progress_display import showing_progress
    from corridor.simulator import SimulatorConfig, run_embedded
    from corridor.summary import summary_lines

    snapshot = warehouse_path.with_name("snapshot.duckdb")
    for stale in (warehouse_path, warehouse_path.with_name(warehouse_path.name + ".wal"), snapshot):
        stale.unlink(missing_ok=True)
    # The simulator's clock sits after the window, so everything published in it is visible.
    config = SimulatorConfig(now=window_to + timedelta(days=3))
    with run_embedded(config) as base_url:
        echo(f"feed simulator listening at {base_url} (clock {config.now:%Y-%m-%d %H:%M} UTC)")
        os.environ["CORRIDOR_WAREHOUSE"] = str(warehouse_path)
        for operator in ("ktz", "ady", "aktau", "baku"):
            os.environ[f"CORRIDOR_{operator.upper()}_URL"] = f"{base_url}/{operator}"
        echo(f"syncing everything published from {window_from:%Y-%m-%d} to {window_to:%Y-%m-%d} into {warehouse_path}")
        with showing_progress(verbose):
            summary = run_sync(window_from, window_to)
    echo("")
    out, err = summary_lines(summary)
    for line in out + err:
        echo(line)
    with Warehouse(warehouse_path, read_only=True) as warehouse:
        con = warehouse.cursor()
        echo("")
        echo(f"headline KPIs, {window_from:%Y-%m-%d} to {window_to:%Y-%m-%d} (from the marts):")
        for kpi, value in con.execute(sql_text("marts_headline_kpis.sql")).fetchall():
            echo(f"  {kpi:<68} {value or '-':>22}")
        echo("quality.quarantine by reason:")
        for operator, feed, reason, records in con.execute(sql_text("quality_quarantine_by_reason.sql")).fetchall():
            echo(f"  {operator:<11} {feed:<9} {reason:<28} {records:>6}")
        example = con.execute(sql_text("marts_example_container.sql")).fetchone()
    from corridor.config import Settings
    from corridor.report import write_report

    report = write_report(Settings())
    echo("")
    echo(f"query it: CORRIDOR_WAREHOUSE={warehouse_path} corridor query \"SELECT * FROM marts.corridor_volume_monthly\"")
    if example:
        echo(f"track a container: CORRIDOR_WAREHOUSE={warehouse_path} corridor track {example[0]}")
    echo(f"report: {report}")
    return 1 if err else 0
