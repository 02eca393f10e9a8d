"""After the feeds of a sync have loaded: derived core columns, the marts, and the warehouse checks."""
from __future__ import annotations

from datetime import datetime, timedelta

from corridor.flows.feed_load import PUBLISH_LOCK
from corridor.timeutil import utcnow
from corridor.warehouse import DERIVED_TRANSFORMS, Warehouse, sql_text

# How stale each feed's newest publication may be before the nightly summary warns (the feeds' cadence).
# Schedules are left out: a plan is published only for days with trains, so silence is no symptom.
FRESHNESS = {"tracking": timedelta(hours=6), "cargo": timedelta(hours=24)}


def derive_and_check(warehouse: Warehouse, sync_id: str, *, nightly: bool, now: datetime | None = None) -> dict:
    """Rebuild the derived tables atomically, then record the integrity checks as validation runs."""
    with PUBLISH_LOCK, warehouse.transaction() as tx:
        for transform in DERIVED_TRANSFORMS:
            warehouse.run_sql(tx, transform)
    con = warehouse.cursor()
    checks = [
        {"check": name, "checked": checked, "violations": violations}
        for name, checked, violations in con.execute(sql_text("quality_warehouse_checks.sql")).fetchall()
    ]
    validated = utcnow()
    con.executemany(
        "INSERT INTO quality.validation_run VALUES (?, 'ALL', 'warehouse', ?, ?, ?, 0, ?, ?, NULL)",
        [[sync_id, c["check"], c["checked"], c["checked"] - c["violations"], c["violations"] == 0, validated]
         for c in checks],
    )
    warnings = [
        f"reconciliation: {count} waybills {issue}"
        for issue, count in con.execute(
            "SELECT issue, count(*) FROM marts.waybill_reconciliation GROUP BY ALL ORDER BY 1").fetchall()
    ]
    if nightly:
        warnings += _freshness_warnings(con, now or utcnow())
    return {"checks": checks, "failed_checks": [c for c in checks if c["violations"]], "warnings": warnings}


def _freshness_warnings(con, now: datetime) -> list[str]:
    """Feeds whose newest loaded publication is older than their usual cadence allows."""
    rows = con.execute(sql_text("quality_feed_freshness.sql")).fetchall()
    return [
        f"freshness: {operator} {feed} has loaded nothing yet" if newest is None else
        f"freshness: {operator} {feed} newest publication {newest:%Y-%m-%d %H:%M} UTC is older than {FRESHNESS[feed]}"
        for operator, feed, newest in rows
        if feed in FRESHNESS and (newest is None or now - newest > FRESHNESS[feed])
    ]
