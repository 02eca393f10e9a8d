"""Seconds per 100,000 rows to validate `ktz_tracking` at ~0.5 % and 10 % failing rows.

Run: .venv/bin/python bench/bench_validation.py [rows]
"""
from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from corridor import reference
from corridor.checkdigits import with_check_digit
from corridor.expectations import engine, validate

# One defect kind per failing row, each breaking exactly one rule of the suite.
DEFECTS = {
    "op_code_known": ("op_code", "11"),
    "container_check_digit": ("container_no", "CSQU3054384"),
    "wagon_check_digit": ("wagon_no", "51234560"),
    "esr_known": ("esr", "999999"),
    "event_not_after_published": ("event_lateness_hours", 5.0),
    "revision_consistent": ("revision_conflict", True),
    "op_id_present": ("op_id", None),
}


def staging_frame(rows: int, failing_share: float, seed: int = 7) -> pd.DataFrame:
    """A typed KTZ tracking staging frame with `failing_share` of rows carrying one defect each."""
    rng = np.random.default_rng(seed)
    esrs = sorted(reference.location_by_esr())
    containers = [with_check_digit("container", f"CSQU{n:06d}") for n in rng.integers(0, 999_999, 5_000)]
    wagons = [with_check_digit("wagon", f"{n:07d}") for n in rng.integers(5_000_000, 9_999_999, 5_000)]
    published = pd.Timestamp("2024-03-01") + pd.to_timedelta(rng.integers(0, 7 * 86_400, rows), unit="s")
    lateness = -rng.uniform(0, 72, rows)
    has_container = rng.random(rows) < 0.7
    df = pd.DataFrame(
        {
            "_row": np.arange(rows, dtype="int64"),
            "op_id": pd.array([f"77{n:08d}" for n in range(rows)], dtype="string"),
            "revision": pd.array(rng.integers(1, 3, rows), dtype="Int64"),
            "published_utc": published.astype("datetime64[us]"),
            "op_code": pd.array([f"{c:02d}" for c in rng.integers(1, 11, rows)], dtype="string"),
            "event_time_utc": (published + pd.to_timedelta(lateness, unit="h")).astype("datetime64[us]"),
            "esr": pd.array(rng.choice(esrs, rows), dtype="string"),
            "train_no": pd.array(rng.choice(["8701", "8703", "1201"], rows), dtype="string"),
            "wagon_no": pd.array(rng.choice(wagons, rows), dtype="string"),
            "container_no": pd.array(np.where(has_container, rng.choice(containers, rows), None), dtype="string"),
            "waybill_no": pd.array([f"24KZ{n:07d}" for n in rng.integers(0, 9_999_999, rows)], dtype="string"),
            "is_laden": pd.array(rng.random(rows) < 0.8, dtype="boolean"),
            "event_lateness_hours": lateness,
            "revision_conflict": pd.array(np.zeros(rows, dtype=bool), dtype="boolean"),
        }
    )
    bad = np.flatnonzero(rng.random(rows) < failing_share)
    kinds = list(DEFECTS.values())
    for i, row in enumerate(bad):
        column, value = kinds[i % len(kinds)]
        df.loc[row, column] = value
    return df


def seconds(df: pd.DataFrame, repeat: int = 3) -> tuple[float, int]:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        outcome = validate(df, "ktz_tracking")
        best = min(best, time.perf_counter() - start)
    return best, outcome.quarantined


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    start = time.perf_counter()
    validate(staging_frame(10, 0.0), "ktz_tracking")  # GX import + context + suite load, paid once per process
    print(f"first call (GX import, context, suite): {time.perf_counter() - start:.2f} s")
    for share in (0.005, 0.10):
        df = staging_frame(rows, share)
        best, quarantined = seconds(df)
        print(f"{share:>6.1%} failing: {best:.3f} s for {rows:,} rows ({quarantined:,} quarantined)"
              f" = {best * 100_000 / rows:.3f} s per 100,000 rows")
    # For the record: the same 10 % batch with GX's per-row {column: value, _row: r} dicts (values kept).
    engine.RESULT_FORMAT = {**engine.RESULT_FORMAT, "exclude_unexpected_values": False}
    best, _ = seconds(staging_frame(rows, 0.10))
    print(f"10 % failing, unexpected values kept: {best * 100_000 / rows:.3f} s per 100,000 rows")


if __name__ == "__main__":
    main()
