"""What each run leaves in the Prefect UI: a markdown summary and a table of its `meta.load` rows."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from corridor.config import Settings
from corridor.warehouse import Warehouse
from corridor.warehouse.sql import execute

SUMMARY_KEY = "corridor-sync-summary"
LOADS_KEY = "corridor-sync-loads"


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "–"


def summary_markdown(warehouse: Warehouse, summary: dict, before: dict, after: dict) -> str:
    """Per feed: received, loaded, quarantined, watermark before → after; the KPIs; where Data Docs and the report are."""
    lines = ["# Corridor sync", "",
             "| operator | feed | status | received | loaded | quarantined | watermark before → after (UTC) |",
             "| --- | --- | --- | ---: | ---: | ---: | --- |"]
    for r in summary["feeds"]:
        key = (r["operator"], r["feed"])
        lines.append(f"| {r['operator']} | {r['feed']} | {r['status']} | {r['received']:,} | {r['loaded']:,} |"
                     f" {r['quarantined']:,} | {_when(before.get(key))} → {_when(after.get(key))} |")
    failed = [r for r in summary["feeds"] if r["status"] != "SUCCEEDED"]
    if failed:
        lines += ["", "## Failed", ""] + [f"- **{r['operator']} {r['feed']}**: {r['error']}" for r in failed]
    checks = summary["checks"]
    lines += ["", f"Warehouse checks: {len(checks) - len(summary['failed_checks'])} of {len(checks)} passed."]
    lines += [f"- check **{c['check']}** failed: {c['violations']} of {c['checked']} rows" for c in summary["failed_checks"]]
    lines += [f"- warning: {w}" for w in summary["warnings"]]
    lines += ["", "## Headline KPIs", "", "| KPI | value |", "| --- | ---: |"]
    con = warehouse.cursor()
    lines += [f"| {kpi} | {value or '–'} |" for kpi, value in execute(con, "marts_headline_kpis.sql").fetchall()]
    con.close()
    settings = Settings()
    docs = [r["docs"] for r in summary["feeds"] if r.get("docs")]
    lines += ["", "## Links", ""]
    lines.append(f"- Data Docs: `{Path(docs[0]).parent.parent / 'index.html'}`" if docs else "- Data Docs: none this run")
    report = settings.warehouse.parent / "report.html"
    lines.append(f"- Report: `{report}`" if report.exists() else "- Report: not written yet (`corridor report`)")
    return "\n".join(lines) + "\n"


def publish_artifacts(warehouse: Warehouse, summary: dict, before: dict, after: dict) -> None:
    """The run's markdown summary and its table of `meta.load` rows."""
    create_markdown_artifact(summary_markdown(warehouse, summary, before, after), key=SUMMARY_KEY,
                             description="What this run loaded, quarantined and checked")
    con = execute(warehouse.cursor(), "meta_load_rows.sql", {"load_ids": [r["load_id"] for r in summary["feeds"]]})
    columns = [d[0] for d in con.description]
    rows = [{c: (str(v) if isinstance(v, datetime) else v) for c, v in zip(columns, row)} for row in con.fetchall()]
    con.close()
    create_table_artifact(rows, key=LOADS_KEY, description="This run's meta.load rows")
