"""The feed simulator: one deterministic corridor world served as the four operators' twelve feeds."""
from __future__ import annotations

from datetime import datetime, timedelta

from .config import SimulatorConfig, SimulatorCredentials
from .faults import Fault, parse_fault
from .server import make_server, run_embedded, serve
from .service import Simulator
from .world import World

__all__ = ["Fault", "Simulator", "SimulatorConfig", "SimulatorCredentials", "World", "defect_tags", "make_server", "parse_fault",
           "run_embedded", "serve"]


def defect_tags(config: SimulatorConfig, operator: str, feed: str, window_from: datetime, window_to: datetime,
                simulator: Simulator | None = None) -> dict[tuple[str, int], str]:
    """Every defective record published in [window_from, window_to) (and visible at the clock), keyed by
    (source record id, revision) → the validation rule it violates."""
    from . import ady, ktz
    from .clock import to_ts

    sim = simulator or Simulator(config)
    start, end, now = to_ts(window_from), to_ts(window_to), sim.now_ts()
    out: dict[tuple[str, int], str] = {}
    if (operator, feed) == ("KTZ", "schedule"):
        d = window_from.date() - timedelta(days=1)
        while d <= window_to.date() + timedelta(days=7):
            for pub, plans in ktz.schedule_versions(sim.world, sim.ctx, d):
                if start <= pub < end and pub <= now:
                    for tr, _, tag in plans:
                        if tag:
                            out[(f"{d.isoformat()}/{tr.train_no}", 1)] = tag
            d += timedelta(days=1)
        return out
    if (operator, feed) == ("ADY", "schedule"):
        for plan in ady.timetable_plans(sim.world, sim.ctx, window_from.date() - timedelta(days=30), window_to.date() + timedelta(days=30)):
            if plan.tag and start <= plan.published < end and plan.published <= now:
                out[(f"{plan.date.isoformat()}/{plan.train_no}", 1)] = plan.tag
        return out
    for rec in sim.records(operator, feed, start, end):
        if rec.tag:
            out[(rec.rid, rec.rev)] = rec.tag
    return out
