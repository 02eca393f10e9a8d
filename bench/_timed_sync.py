"""`corridor sync …` with cheap stage timers, for `bench.py` (run as a fresh process; not part of the product).

    python bench/_timed_sync.py TIMINGS.json sync --from … --to …

Wraps (at run time, without editing the product) the calls whose wall time bench reports: stage_feed
(and the per-part timers it keeps in `StagedFeed.timings`), publish_feed, the marts' derive and the
warehouse checks, the snapshot, and the flow's body (bootstrap → finish); writes them to TIMINGS.json on exit.
"""
import time

T0 = time.perf_counter()

import atexit  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402

_lock = threading.Lock()
TIMES: dict[str, float] = {}


def _add(name: str, seconds: float) -> None:
    with _lock:
        TIMES[name] = TIMES.get(name, 0.0) + seconds


def _timed(name: str, fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            _add(name, time.perf_counter() - started)
    return wrapper


def main() -> None:
    out, argv = sys.argv[1], sys.argv[2:]
    import corridor.engine.derive as derive
    import corridor.flows.sync as sync
    from corridor.cli import main as cli_main

    _add("import", time.perf_counter() - T0)

    def staged(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            result = fn(*args, **kwargs)
            _add("stage_wall", time.perf_counter() - started)
            for part, seconds in getattr(result, "timings", {}).items():
                _add(f"stage_{part}", seconds)
            return result
        return wrapper

    sync.stage_feed = staged(sync.stage_feed)
    sync.publish_feed = _timed("load", sync.publish_feed)
    sync.write_snapshot = _timed("snapshot", sync.write_snapshot)
    derive.run_warehouse_checks = _timed("checks", derive.run_warehouse_checks)
    sync.derive_and_check = _timed("derive_and_checks", sync.derive_and_check)
    # The flow's body (its function is left alone: Prefect reads its signature): first bootstrap → last finish.
    bootstrap, finish = sync._bootstrap, sync._finish

    def timed_bootstrap(*args, **kwargs):
        TIMES.setdefault("_body_start", time.perf_counter())
        return bootstrap(*args, **kwargs)

    def timed_finish(*args, **kwargs):
        try:
            return finish(*args, **kwargs)
        finally:
            TIMES["flow_body"] = time.perf_counter() - TIMES.get("_body_start", T0)

    sync._bootstrap, sync._finish = timed_bootstrap, timed_finish

    def write() -> None:
        TIMES["process"] = time.perf_counter() - T0
        TIMES.pop("_body_start", None)
        with open(out, "w") as f:
            json.dump(TIMES, f)

    atexit.register(write)
    sys.exit(cli_main(argv))


if __name__ == "__main__":
    main()
