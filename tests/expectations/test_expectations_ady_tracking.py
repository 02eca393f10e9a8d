"""`validate` on the ady_tracking suite: ADY operation codes, the other rules as ktz_tracking."""
from __future__ import annotations

import pytest
from ktz_staging import ktz_frame

from corridor.expectations import suite_names, validate
from corridor.expectations.suites import read_suite

ADY = {"op_id": "500001234503", "op_code": "GLS", "esr": "552508", "train_no": "5701"}
RULES = {"op_id_present", "revision_present", "published_utc_present", "event_time_present", "op_code_known",
         "container_check_digit", "wagon_check_digit", "esr_known", "event_not_after_published", "revision_consistent"}
NOT_TIME = {"event_lateness_hours": float("nan")}
CASES: dict[str, tuple[dict, list[str]]] = {
    **{f"clean_{code}": ({"op_code": code}, []) for code in ("QBL", "GDS", "GLS", "QBS", "SRH", "BOS", "YUK", "TSL", "LMT")},
    "clean_empty_wagon": ({"container_no": None, "waybill_no": None, "is_laden": False}, []),
    "op_id_missing": ({"op_id": None}, ["op_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None, **NOT_TIME}, ["published_utc_present"]),
    "event_time_missing": ({"event_time_utc": None, **NOT_TIME}, ["event_time_present"]),
    "op_code_ktz": ({"op_code": "02"}, ["op_code_known"]),
    "op_code_unknown": ({"op_code": "QBX"}, ["op_code_known"]),
    "op_code_missing": ({"op_code": None}, ["op_code_known"]),
    "container_bad_digit": ({"container_no": "CSQU3054384"}, ["container_check_digit"]),
    "wagon_bad_digit": ({"wagon_no": "51234569"}, ["wagon_check_digit"]),
    "esr_unknown": ({"esr": "553209"}, ["esr_known"]),
    "esr_missing": ({"esr": None}, ["esr_known"]),
    "event_after_published": ({"event_lateness_hours": 1.5}, ["event_not_after_published"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
}
ROW_OF = {label: 7 * i + 1 for i, label in enumerate(CASES)}


@pytest.fixture(scope="module")
def outcome(gx_context):
    return validate(ktz_frame({ROW_OF[label]: {**ADY, **o} for label, (o, _) in CASES.items()}), "ady_tracking")


def test_suite_is_listed_and_carries_exactly_the_rules():
    assert "ady_tracking" in suite_names()
    assert {e["meta"]["rule"] for e in read_suite("ady_tracking")["expectations"]} == RULES
    assert {rule for _, rules in CASES.values() for rule in rules} == RULES


@pytest.mark.parametrize("label", CASES)
def test_each_row_fails_exactly_its_rules(outcome, label):
    assert outcome.reasons.get(ROW_OF[label], []) == CASES[label][1]


def test_split_is_exact(outcome):
    failing = {ROW_OF[label] for label, (_, rules) in CASES.items() if rules}
    assert set(outcome.reasons) == failing and outcome.quarantined == len(failing)
