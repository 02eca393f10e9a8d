"""The sync's summary for people: what each feed loaded, the checks, the warnings, what failed."""
from __future__ import annotations

from pathlib import Path


def summary_lines(summary: dict) -> tuple[list[str], list[str]]:
    """The run summary for people: (lines for standard output, lines for standard error)."""
    out = [f"{'operator':<11} {'feed':<9} {'status':<10} {'received':>9} {'loaded':>9} {'quarantined':>11}"]
    out += [f"{r['operator']:<11} {r['feed']:<9} {r['status']:<10} {r['received']:>9} {r['loaded']:>9} {r['quarantined']:>11}"
            for r in summary["feeds"]]
    checks = summary["checks"]
    out.append(f"warehouse checks: {len(checks) - len(summary['failed_checks'])} of {len(checks)} passed")
    docs = [r["docs"] for r in summary["feeds"] if r.get("docs")]
    if docs:
        out.append(f"Data Docs: {Path(docs[0]).parent.parent / 'index.html'} (one page per validated batch)")
    out += [f"warning: {w}" for w in summary["warnings"]]
    err = [f"corridor: {r['operator']} {r['feed']} failed: {r['error']}" for r in summary["feeds"] if r["status"] != "SUCCEEDED"]
    err += [f"corridor: warehouse check {c['check']} failed: {c['violations']} of {c['checked']} rows violate it"
            for c in summary["failed_checks"]]
    return out, err
