"""After the feeds of a sync have published: derived core columns, the marts, and the warehouse checks."""
from __future__ import annotations

from datetime import datetime, timedelta

from corridor.connectors import feed_registry
from corridor.timeutil import utcnow
from corridor.warehouse import DERIVED_TRANSFORMS, Warehouse
from corridor.warehouse.checks import run_warehouse_checks
from corridor.warehouse.sql import execute

# How stale each feed's newest publication may be before the nightly summary warns (the feeds' cadence).
# Schedules are left out: a plan is published only for days with trains, so silence is no symptom.
FRESHNESS = {"tracking": timedelta(hours=6), "cargo": timedelta(hours=24)}


def derive_and_check(warehouse: Warehouse, sync_id: str, *, nightly: bool, now: datetime | None = None) -> dict:
    """Rebuild the derived tables atomically, then record the integrity checks as validation runs."""
    with warehouse.transaction() as tx:
        for transform in DERIVED_TRANSFORMS:
            execute(tx, transform)
    con = warehouse.cursor()
    checks = [
        {"check": name, "checked": checked, "violations": violations}
        for name, checked, violations in run_warehouse_checks(con)
    ]
    validated = utcnow()
    for c in checks:
        execute(con, "quality_validation_run_insert.sql", {
            "load_id": sync_id, "operator_code": "ALL", "feed": "warehouse", "suite": c["check"],
            "records": c["checked"], "passed": c["checked"] - c["violations"], "quarantined": 0,
            "success": c["violations"] == 0, "validated_utc": validated, "seconds": None,
        })
    warnings = [
        f"reconciliation: {count} waybills {issue}"
        for issue, count in execute(con, "marts_reconciliation_issue_counts.sql").fetchall()
    ]
    if nightly:
        warnings += freshness_warnings(warehouse, now or utcnow())
    con.close()
    return {"checks": checks, "failed_checks": [c for c in checks if c["violations"]], "warnings": warnings}


def freshness_warnings(warehouse: Warehouse, now: datetime) -> list[str]:
    """Feeds whose newest loaded publication is older than their usual cadence allows."""
    warnings = []
    con = warehouse.cursor()
    for (operator, feed), spec in feed_registry().items():
        if feed not in FRESHNESS:
            continue
        (newest,) = execute(con, "quality_feed_newest.sql", staging_table=spec.staging_table).fetchone()
        if newest is None:
            warnings.append(f"freshness: {operator} {feed} has loaded nothing yet")
        elif now - newest > FRESHNESS[feed]:
            warnings.append(f"freshness: {operator} {feed} newest publication {newest:%Y-%m-%d %H:%M} UTC"
                            f" is older than {FRESHNESS[feed]}")
    con.close()
    return warnings
