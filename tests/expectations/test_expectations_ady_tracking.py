"""`validate` on the ady_tracking suite: ADY operation codes, the other rules as ktz_tracking."""
from __future__ import annotations

from corridor.connectors.ady import OPERATIONS

from fixtures.expectations import CLEAN_OPERATION, NOT_TIME, suite_tests

CLEAN = {**CLEAN_OPERATION, "op_id": "500001234503", "op_code": "GLS", "esr": "552508", "train_no": "5701"}
RULES = {"op_id_present", "revision_present", "published_utc_present", "event_time_present", "op_code_known",
         "container_check_digit", "wagon_check_digit", "esr_known", "event_not_after_published", "revision_consistent",
         "laden_known"}
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
    "laden_unknown": ({"is_laden": None}, ["laden_known"]),
    "event_after_published": ({"event_lateness_hours": 1.5}, ["event_not_after_published"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(OPERATIONS, CLEAN, CASES, RULES))
