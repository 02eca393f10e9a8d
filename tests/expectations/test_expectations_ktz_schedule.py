"""`validate` on the ktz_schedule suite: one row per stop; each rule catches its defect."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from corridor.connectors.ktz import TRAIN_SCHEDULES

from fixtures.expectations import suite_tests

CLEAN = {
    "plan_id": "2024-02-29/8701", "revision": 1, "published_utc": pd.Timestamp("2024-02-27 12:00"),
    "service_date": dt.date(2024, 2, 29), "train_no": "8701", "service_code": "XIAN-BAKU", "origin_esr": "990014",
    "destination_esr": "663109", "stop_seq": 2, "esr": "705509", "planned_arrival_utc": pd.Timestamp("2024-03-01 01:10"),
    "planned_departure_utc": pd.Timestamp("2024-03-01 02:00"), "stop_dwell_hours": 50 / 60, "revision_conflict": False,
}
RULES = {"plan_id_present", "revision_present", "published_utc_present", "stop_seq_present", "esr_known",
         "departure_not_before_arrival", "revision_consistent", "stop_seq_unique"}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_first_stop": ({"stop_seq": 1, "esr": "990014", "planned_arrival_utc": None, "stop_dwell_hours": float("nan")}, []),
    "clean_no_dwell": ({"stop_dwell_hours": 0.0}, []),
    "plan_id_missing": ({"plan_id": None}, ["plan_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None}, ["published_utc_present"]),
    "stop_seq_missing": ({"stop_seq": None}, ["stop_seq_present"]),
    "stop_unknown_station": ({"esr": "664005", "planned_arrival_utc": None, "planned_departure_utc": None,
                              "stop_dwell_hours": float("nan")}, ["esr_known"]),
    "stop_without_station": ({"esr": None}, ["esr_known"]),
    "origin_unknown": ({"origin_esr": "700011"}, ["esr_known"]),
    "departure_before_arrival": ({"stop_dwell_hours": -40 / 60}, ["departure_not_before_arrival"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
}
# A stop comes once in a plan: two rows of one plan with stop 2 both fail. A conflicting twin of a plan (same
# version key, other content) is quarantined as revision_consistent, and does not take the first with it.
CASES |= {
    "stop_seq_twice_first_row": ({"plan_id": "2024-03-01/twice"}, ["stop_seq_unique"]),
    "stop_seq_twice_second_row": ({"plan_id": "2024-03-01/twice"}, ["stop_seq_unique"]),
    "clean_first_of_a_conflicting_twin": ({"plan_id": "2024-03-01/twin"}, []),
    "conflicting_twin": ({"plan_id": "2024-03-01/twin", "revision_conflict": True}, ["revision_consistent"]),
}
# Every other case is a plan of its own (the same stop in two cases is not a stop twice).
CASES = {label: ({"plan_id": f"2024-03-01/case{n}", **overrides}, failed)
         for n, (label, (overrides, failed)) in enumerate(CASES.items())}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(TRAIN_SCHEDULES, CLEAN, CASES, RULES))
