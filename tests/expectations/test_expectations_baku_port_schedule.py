"""`validate` on the baku_port_schedule suite (Baku berth schedule): each rule catches its defect, clean rows pass."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.baku import BERTH_SCHEDULE

from fixtures.expectations import suite_tests

RULES = {
    "call_id_present", "revision_present", "published_utc_present", "imo_check_digit", "port_known", "etd_not_before_eta",
    "event_not_after_published", "revision_consistent", "status_known",
}
CLEAN = {
    "call_id": "BAK-2024-0877", "revision": 1, "published_utc": pd.Timestamp("2024-03-02 08:40"), "status": "ARRIVED",
    "vessel_imo": "9187655", "vessel_name": "Professor Gul", "voyage_no": "24A031", "prev_port": "KZAAU",
    "eta_utc": pd.Timestamp("2024-03-02 05:00"), "etb_utc": pd.Timestamp("2024-03-02 07:00"),
    "etd_utc": pd.Timestamp("2024-03-03 02:00"), "ata_utc": pd.Timestamp("2024-03-02 06:35"), "atd_utc": None,
    "etd_minus_eta_hours": 21.0, "actual_lateness_hours": -2.08, "revision_conflict": False,
}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_planned": ({"ata_utc": None, "actual_lateness_hours": None, "status": "PLANNED"}, []),
    "clean_prev_port_missing": ({"prev_port": None}, []),
    "clean_prev_port_kuryk": ({"prev_port": "KZKUR"}, []),
    "clean_actual_exactly_one_hour_after": ({"actual_lateness_hours": 1.0}, []),
    "call_id_missing": ({"call_id": None}, ["call_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None, "actual_lateness_hours": None}, ["published_utc_present"]),
    "imo_bad_digit": ({"vessel_imo": "9187650"}, ["imo_check_digit"]),
    "imo_missing": ({"vessel_imo": None}, ["imo_check_digit"]),
    "prev_port_unknown": ({"prev_port": "RUAST"}, ["port_known"]),
    "etd_before_eta": ({"etd_minus_eta_hours": -0.5}, ["etd_not_before_eta"]),
    "actual_after_published": ({"actual_lateness_hours": 3.0}, ["event_not_after_published"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
    **{f"clean_status_{s}": ({"status": s}, []) for s in ("BERTHED", "DEPARTED", "CANCELLED")},
    "status_missing": ({"status": None}, ["status_known"]),
    "status_unknown": ({"status": "DOCKED"}, ["status_known"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(BERTH_SCHEDULE, CLEAN, CASES, RULES))
