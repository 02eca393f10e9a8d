"""`validate` on the ktz_tracking suite: each rule, the exact row split, and loud failures."""
from __future__ import annotations

import pandas as pd
import pytest

from corridor import checkdigits, reference
from corridor.connectors.ktz import OPERATIONS
from corridor.expectations import ExpectationError, validate

from fixtures.expectations import CLEAN_OPERATION as CLEAN
from fixtures.expectations import NOT_TIME, UNKNOWN_ESR, staging_dtypes, staging_frame, suite_tests

RULES = {
    "op_id_present", "revision_present", "published_utc_present", "event_time_present", "op_code_known",
    "container_check_digit", "wagon_check_digit", "esr_known", "event_not_after_published", "revision_consistent",
    "laden_known",
}

# label: (overrides of a clean record, rules it must fail)
CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_without_equipment": ({"wagon_no": None, "container_no": None, "waybill_no": None}, []),
    "clean_late_by_exactly_one_hour": ({"event_lateness_hours": 1.0}, []),
    "clean_op_code_10": ({"op_code": "10"}, []),
    "op_id_missing": ({"op_id": None}, ["op_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None, **NOT_TIME}, ["published_utc_present"]),
    "event_time_missing": ({"event_time_utc": None, **NOT_TIME}, ["event_time_present"]),
    "op_code_11": ({"op_code": "11"}, ["op_code_known"]),
    "op_code_one_digit": ({"op_code": "1"}, ["op_code_known"]),
    "op_code_missing": ({"op_code": None}, ["op_code_known"]),
    "container_bad_digit": ({"container_no": "CSQU3054384"}, ["container_check_digit"]),
    "wagon_bad_digit": ({"wagon_no": "51234566"}, ["wagon_check_digit"]),
    "esr_unknown": ({"esr": UNKNOWN_ESR}, ["esr_known"]),
    "esr_missing": ({"esr": None}, ["esr_known"]),
    "laden_unknown": ({"is_laden": None}, ["laden_known"]),
    "event_after_published": ({"event_lateness_hours": 1.01}, ["event_not_after_published"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
    "many_defects": (
        {"revision_conflict": True, "esr": UNKNOWN_ESR, "container_no": "CSQU3054384", "op_id": None},
        ["container_check_digit", "esr_known", "op_id_present", "revision_consistent"],
    ),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(OPERATIONS, CLEAN, CASES, RULES))


def test_fixture_values_are_what_they_claim():
    assert checkdigits.is_valid_esr(UNKNOWN_ESR) and UNKNOWN_ESR not in reference.location_by_esr()
    assert checkdigits.is_valid_container("CSQU3054383") and not checkdigits.is_valid_container("CSQU3054384")
    assert checkdigits.is_valid_wagon("51234565") and not checkdigits.is_valid_wagon("51234566")


def ktz_frame(rows: dict[int, dict], dtypes: dict[str, str] | None = None):
    return staging_frame(OPERATIONS, CLEAN, rows, dtypes)


def test_clean_batch_succeeds(gx_context):
    result = validate(ktz_frame({5: {}, 3: {"container_no": None}}), "ktz_tracking")
    assert (result.success, result.passed, result.quarantined, result.reasons) == (True, 2, 0, {})


def test_zero_rows(gx_context):
    result = validate(ktz_frame({}), "ktz_tracking")
    assert (result.records, result.passed, result.quarantined, result.success, result.reasons) == (0, 0, 0, True, {})


def test_pandas_default_str_dtype_gives_the_same_split(gx_context):
    dtypes = {col: ("str" if dtype == "string" else dtype) for col, dtype in staging_dtypes(OPERATIONS).items()}
    rows = {1: {}, 2: {"container_no": None}, 3: {"op_code": "11", "wagon_no": "51234566"}, 4: {"esr": None}}
    result = validate(ktz_frame(rows, dtypes), "ktz_tracking")
    assert result.reasons == {3: ["op_code_known", "wagon_check_digit"], 4: ["esr_known"]}


def test_an_expectation_that_errors_fails_loudly(gx_context):
    with pytest.raises(ExpectationError, match="esr"):
        validate(ktz_frame({1: {}}).drop(columns=["esr"]), "ktz_tracking")
    mistyped = ktz_frame({1: {}, 2: {}}).astype({"event_lateness_hours": object})
    mistyped.loc[1, "event_lateness_hours"] = "late"  # fails while GX resolves the metric, not while planning
    with pytest.raises(ExpectationError, match="event_not_after_published"):
        validate(mistyped, "ktz_tracking")


def test_results_without_every_failing_row_are_refused(gx_context, monkeypatch):
    from corridor.expectations import engine

    monkeypatch.setitem(engine.RESULT_FORMAT, "result_format", "SUMMARY")  # indexes absent or cut at 20
    with pytest.raises(ExpectationError, match="failing-row index"):
        validate(ktz_frame({1: {"op_code": "11"}}), "ktz_tracking")


@pytest.mark.parametrize(
    "frame",
    [
        ktz_frame({1: {}, 2: {}}).assign(_row=[7, 7]),
        ktz_frame({1: {}}).drop(columns=["_row"]),
        ktz_frame({1: {}}).assign(_row=pd.array([None], dtype="Int64")),
    ],
    ids=["duplicate", "missing", "null"],
)
def test_row_key_must_be_unique_integers(frame):
    with pytest.raises(ValueError, match="_row"):
        validate(frame, "ktz_tracking")


def test_unknown_suite():
    with pytest.raises(KeyError, match="no_such"):
        validate(ktz_frame({1: {}}), "no_such_feed")
