"""`validate` on the aktau_port_schedule suite (Aktau vessel calls): each rule catches its defect, clean rows pass."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.aktau import VESSEL_CALLS

from fixtures.expectations import suite_tests

RULES = {
    "call_id_present", "revision_present", "published_utc_present", "etd_not_before_eta", "imo_check_digit", "port_known",
    "event_not_after_published", "revision_consistent", "status_known",
}
CLEAN = {
    "call_id": "AKX-2024-0312", "revision": 1, "published_utc": pd.Timestamp("2024-03-02 11:00"), "vessel_name": "Professor Gul",
    "vessel_imo": "9187655", "voyage_in": "24A031", "voyage_out": "24A032", "berth": "B3",
    "eta_utc": pd.Timestamp("2024-03-01 06:00"), "etb_utc": pd.Timestamp("2024-03-01 08:00"),
    "etd_utc": pd.Timestamp("2024-03-02 10:00"), "ata_utc": pd.Timestamp("2024-03-01 07:20"), "atd_utc": None,
    "status": "BERTHED", "next_port": "AZBAK", "etd_minus_eta_hours": 28.0, "actual_lateness_hours": -27.67,
    "revision_conflict": False,
}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_planned": ({"ata_utc": None, "actual_lateness_hours": None, "status": "PLANNED"}, []),
    "clean_alias_AZALA": ({"next_port": "AZALA"}, []),
    "clean_next_port_unknown_yet": ({"next_port": None}, []),
    "clean_imo_with_prefix": ({"vessel_imo": "IMO9187655"}, []),
    "clean_etd_equals_eta": ({"etd_minus_eta_hours": 0.0}, []),
    "clean_without_etd": ({"etd_utc": None, "etd_minus_eta_hours": None}, []),
    "clean_actual_exactly_one_hour_after": ({"actual_lateness_hours": 1.0}, []),
    "call_id_missing": ({"call_id": None}, ["call_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None, "actual_lateness_hours": None}, ["published_utc_present"]),
    "etd_before_eta": ({"etd_minus_eta_hours": -2.0}, ["etd_not_before_eta"]),
    "imo_bad_digit": ({"vessel_imo": "9187656"}, ["imo_check_digit"]),
    "imo_not_an_imo": ({"vessel_imo": "IMO918765"}, ["imo_check_digit"]),
    "imo_missing": ({"vessel_imo": None}, ["imo_check_digit"]),
    "next_port_unknown": ({"next_port": "KZAKX"}, ["port_known"]),
    "actual_after_published": ({"actual_lateness_hours": 1.5}, ["event_not_after_published"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
    **{f"clean_status_{s}": ({"status": s}, []) for s in ("ARRIVED", "DEPARTED", "CANCELLED")},
    "status_missing": ({"status": None}, ["status_known"]),
    "status_unknown": ({"status": "DOCKED"}, ["status_known"]),
    "status_lower_case": ({"status": "berthed"}, ["status_known"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(VESSEL_CALLS, CLEAN, CASES, RULES))
