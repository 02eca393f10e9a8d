"""Run `corridor` (or the backfill flow) with named points in its code where it SIGKILLs itself or pauses.

A launcher for the crash and racing-reader tests, run as a script instead of `python -m corridor.cli`:

    python crash_points.py sync --from 2024-03-01 --to 2024-03-03 --verbose
    python crash_points.py backfill 2024-03-01 2024-03-03

It changes nothing in the product: it wraps a few of its functions (by module attribute, so the product's
own calls go through the wrapper) and counts their calls. An *event* is named after what runs:

- every packaged SQL file run through `corridor.warehouse.sql.execute`, by its name (`raw_record_insert.sql`,
  `migrations/005_staging_aktau.sql`, `snapshot_copy_table.sql`, ...); a warehouse check's validation row
  is `warehouse_check_insert`, a batch's `quality_validation_run_insert.sql`;
- the engine's functions `stage_batch`, `_write_docs`, `_write_batch`, `_publish`, `run_warehouse_checks`,
  `_fsync` (snapshot: 1st the new file, 2nd the folder after the rename), `open_writer` (the flow opening
  the warehouse for writing), `_bootstrap`, `publish_artifacts`,
  and Data Docs' `_write_text` (one per page or index written) and `_swap_in`.

Environment:

- `CRASHPOINT_KILL=before|after:EVENT:N`: SIGKILL this process just before / just after the N-th call of
  EVENT, in the thread that makes it; a line `KILL ...` is written (and fsynced) to the trace first.
- `CRASHPOINT_PAUSE=before|after:EVENT:N|*=SECONDS;...`: sleep there (that thread only) instead.
- `CRASHPOINT_TRACE=PATH`: one JSON line per event (`{"t": unix time, "when", "event", "n"}`).
- `CRASHPOINT_BACKFILL_CHUNK_DAYS=D`: the backfill's chunk length (7 days in the product), so that a short
  window spans several chunks.
"""
from __future__ import annotations

import functools
import json
import os
import signal
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta

_lock = threading.Lock()
_calls: Counter = Counter()
_trace = None


def _parse(spec: str) -> list[tuple[str, str, str, float]]:
    """`when:event:n[=seconds];...` → [(when, event, n, seconds)]."""
    points = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        point, _, seconds = part.partition("=")
        when, event, n = point.split(":")
        assert when in ("before", "after"), part
        points.append((when, event, n, float(seconds or 0)))
    return points


KILL = _parse(os.environ.get("CRASHPOINT_KILL", ""))
PAUSE = _parse(os.environ.get("CRASHPOINT_PAUSE", ""))


def _write(line: dict, sync: bool = False) -> None:
    if _trace is None:
        return
    _trace.write(json.dumps(line) + "\n")
    _trace.flush()
    if sync:
        os.fsync(_trace.fileno())


def _at(when: str, event: str, n: int) -> None:
    _write({"t": time.time(), "when": when, "event": event, "n": n})
    for w, e, count, _ in KILL:
        if (w, e) == (when, event) and int(count) == n:
            _write({"t": time.time(), "kill": f"{when}:{event}:{n}"}, sync=True)
            os.kill(os.getpid(), signal.SIGKILL)
    for w, e, count, seconds in PAUSE:
        if (w, e) == (when, event) and (count == "*" or int(count) == n):
            _write({"t": time.time(), "pause": f"{when}:{event}:{n}", "seconds": seconds})
            time.sleep(seconds)
            _write({"t": time.time(), "resume": f"{when}:{event}:{n}"})


def _count(event: str) -> int:
    with _lock:
        _calls[event] += 1
        return _calls[event]


def _hooked(function, event_of):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        event = event_of(*args, **kwargs)
        n = _count(event)
        _at("before", event, n)
        result = function(*args, **kwargs)
        _at("after", event, n)
        return result
    return wrapper


def _sql_event(con, name, params=None, **fmt) -> str:
    if name == "quality_validation_run_insert.sql" and (params or {}).get("feed") == "warehouse":
        return "warehouse_check_insert"
    return name


def install() -> None:
    global _trace
    if os.environ.get("CRASHPOINT_TRACE"):
        _trace = open(os.environ["CRASHPOINT_TRACE"], "a", buffering=1)  # noqa: SIM115 - lives as long as the process
    import corridor.engine.derive
    import corridor.engine.publish
    import corridor.engine.snapshot
    import corridor.engine.stage
    import corridor.expectations.docs
    import corridor.flows.artifacts
    import corridor.flows.sync
    import corridor.warehouse
    import corridor.warehouse.sql

    original = corridor.warehouse.sql.execute
    wrapped = _hooked(original, _sql_event)
    for module in (corridor.warehouse, corridor.engine.publish, corridor.engine.derive, corridor.engine.snapshot,
                   corridor.flows.artifacts):
        assert module.execute is original, module
        module.execute = wrapped
    functions = {
        corridor.engine.stage: ["stage_batch", "_write_docs"],
        corridor.engine.publish: ["_write_batch", "_publish"],
        corridor.engine.derive: ["run_warehouse_checks"],
        corridor.engine.snapshot: ["_fsync"],
        corridor.flows.sync: ["open_writer", "_bootstrap", "publish_artifacts"],
        corridor.expectations.docs: ["_write_text", "_swap_in"],
    }
    for module, names in functions.items():
        for name in names:
            setattr(module, name, _hooked(getattr(module, name), lambda *a, _name=name, **k: _name))
    if os.environ.get("CRASHPOINT_BACKFILL_CHUNK_DAYS"):
        corridor.flows.sync.BACKFILL_CHUNK = timedelta(days=float(os.environ["CRASHPOINT_BACKFILL_CHUNK_DAYS"]))


def backfill(start: str, end: str) -> int:
    """The backfill flow in this process, as a worker runs it; exit 0 when it completed."""
    from corridor.flows.sync import backfill_flow

    state = backfill_flow(**{"from": date.fromisoformat(start), "to": date.fromisoformat(end)}, return_state=True)
    print(f"backfill: {state.type.value}: {state.message}", flush=True)
    return 0 if state.type.value == "COMPLETED" else 1


def main(argv: list[str]) -> int:
    install()
    if argv[:1] == ["backfill"]:
        return backfill(*argv[1:3])
    from corridor.cli import main as corridor

    return corridor(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
