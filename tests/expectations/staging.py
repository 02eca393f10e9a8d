"""Typed staging frames and the per-suite tests every `test_expectations_<suite>.py` shares.

A suite's test file holds its CLEAN row, CASES (label → (overrides of CLEAN, rules the row must fail)) and
RULES, and gets the shared tests from `suite_tests`.
"""
from __future__ import annotations

import pandas as pd
import pytest

from corridor.connectors.base import Feed
from corridor.expectations import suite_names, validate
from corridor.expectations.suites import read_suite

# A clean KTZ operation; ADY operations share its staging columns (`staging.ktz_operation`'s shape).
CLEAN_OPERATION = {
    "op_id": "7700012345", "revision": 1, "published_utc": pd.Timestamp("2024-03-01 05:00:03"), "op_code": "02",
    "event_time_utc": pd.Timestamp("2024-03-01 01:58"), "esr": "705509", "train_no": "8701", "wagon_no": "51234565",
    "container_no": "CSQU3054383", "waybill_no": "24KZ0012345", "is_laden": True, "event_lateness_hours": -3.0,
    "revision_conflict": False,
}
NOT_TIME = {"event_lateness_hours": float("nan")}  # a missing time: no lateness either
UNKNOWN_ESR = "700011"  # right check digit, not a corridor location: only `esr_known` may catch it


def staging_dtypes(feed: Feed) -> dict[str, str]:
    """The frame the pipeline validates: `_row`, the feed's typed columns, its derived columns."""
    dtypes = {"_row": "int64", **feed.columns}
    if feed.business_time_column:
        dtypes["event_lateness_hours"] = "float64"
    dtypes["revision_conflict"] = "boolean"
    return dtypes


def staging_frame(feed: Feed, clean: dict, rows: dict[int, dict], dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """One clean record per `_row`, overridden by that row's values."""
    columns = staging_dtypes(feed)
    records = [{"_row": row, **clean, **overrides} for row, overrides in rows.items()]
    return pd.DataFrame(records, columns=list(columns)).astype(dtypes or columns)


def suite_tests(feed: Feed, clean: dict, cases: dict[str, tuple[dict, list[str]]], rules: set[str]):
    """The `outcome` fixture and the three tests every suite shares; bind them to the same names in the test module."""
    suite = feed.suite
    # Sparse, shuffled `_row` values: the split must follow `_row`, not positions.
    row_of = {label: 10_000 - 7 * i for i, label in enumerate(cases)}

    @pytest.fixture(scope="module")
    def outcome(gx_context):
        return validate(staging_frame(feed, clean, {row_of[label]: o for label, (o, _) in cases.items()}), suite)

    def test_suite_is_listed_and_carries_exactly_the_rules():
        assert suite in suite_names()
        assert {e["meta"]["rule"] for e in read_suite(suite)["expectations"]} == rules
        assert {rule for _, failed in cases.values() for rule in failed} == rules  # every rule has a defect case

    @pytest.mark.parametrize("label", cases)
    def test_each_row_fails_exactly_its_rules(outcome, label):
        assert outcome.reasons.get(row_of[label], []) == cases[label][1]

    def test_split_is_exact(outcome):
        failing = {row_of[label] for label, (_, failed) in cases.items() if failed}
        assert set(outcome.reasons) == failing
        assert (outcome.records, outcome.quarantined, outcome.passed) == (len(cases), len(failing), len(cases) - len(failing))
        assert outcome.success is False and outcome.suite == suite
        assert len(outcome.results.results) == len(read_suite(suite)["expectations"])

    return outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact
