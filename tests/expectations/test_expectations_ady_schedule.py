"""`validate` on the ady_schedule suite (ADY timetable rows, staging.ktz_train_stop's columns)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from corridor.connectors.ady import TIMETABLE

from fixtures.expectations import suite_tests

CLEAN = {
    "plan_id": "2024-03-02/5701", "revision": 1, "published_utc": pd.Timestamp("2024-03-01 12:00"),
    "service_date": dt.date(2024, 3, 2), "train_no": "5701", "service_code": "XIAN-BAKU", "origin_esr": "552508",
    "destination_esr": "558006", "stop_seq": 2, "esr": "556000", "planned_arrival_utc": pd.Timestamp("2024-03-02 16:00"),
    "planned_departure_utc": pd.Timestamp("2024-03-02 16:30"), "stop_dwell_hours": 0.5, "revision_conflict": False,
}
RULES = {"plan_id_present", "revision_present", "published_utc_present", "stop_seq_present", "esr_known",
         "departure_not_before_arrival", "revision_consistent", "stop_seq_unique"}
CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_last_stop": ({"stop_seq": 3, "esr": "558006", "planned_departure_utc": None, "stop_dwell_hours": float("nan")}, []),
    "plan_id_missing": ({"plan_id": None}, ["plan_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None}, ["published_utc_present"]),
    "stop_seq_missing": ({"stop_seq": None}, ["stop_seq_present"]),
    "stop_unknown_station": ({"esr": "553209"}, ["esr_known"]),
    "stop_without_station": ({"esr": None}, ["esr_known"]),
    "destination_unknown": ({"destination_esr": "553209"}, ["esr_known"]),
    "departure_before_arrival": ({"stop_dwell_hours": -0.5}, ["departure_not_before_arrival"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
}
# A stop comes once in a plan: two rows of one plan with stop 2 both fail. A conflicting twin of a plan (same
# version key, other content) is quarantined as revision_consistent, and does not take the first with it.
CASES |= {
    "stop_seq_twice_first_row": ({"plan_id": "2024-03-02/twice"}, ["stop_seq_unique"]),
    "stop_seq_twice_second_row": ({"plan_id": "2024-03-02/twice"}, ["stop_seq_unique"]),
    "clean_first_of_a_conflicting_twin": ({"plan_id": "2024-03-02/twin"}, []),
    "conflicting_twin": ({"plan_id": "2024-03-02/twin", "revision_conflict": True}, ["revision_consistent"]),
}
# Every other case is a plan of its own (the same stop in two cases is not a stop twice).
CASES = {label: ({"plan_id": f"2024-03-02/case{n}", **overrides}, failed)
         for n, (label, (overrides, failed)) in enumerate(CASES.items())}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(TIMETABLE, CLEAN, CASES, RULES))
