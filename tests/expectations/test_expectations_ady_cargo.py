"""`validate` on the ady_cargo suite: each rule catches its defect, clean rows pass, the split is exact."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.ady import SHIPMENTS

from fixtures.expectations import NOT_TIME, suite_tests

CLEAN = {
    "waybill_no": "24KZ0012345", "revision": 2, "published_utc": pd.Timestamp("2024-03-01 06:15:30"),
    "container_no": "CSQU3054383", "iso_size_type": "45G1", "wagon_no": "51234565", "origin_esr": "990014",
    "destination_esr": "551007", "entry_esr": "552508", "etsng_code": "161005", "cargo_description": "Buğda",
    "gross_weight_t": 24.25, "accepted_utc": pd.Timestamp("2024-02-27 14:40"), "train_no": "5701", "status": "YOLDA",
    "event_lateness_hours": -63.6, "revision_conflict": False,
}
WAGON = {"container_no": None, "iso_size_type": None}
RULES = {"waybill_no_present", "revision_present", "published_utc_present", "accepted_utc_present", "weight_present",
         "weight_in_range", "container_check_digit", "wagon_check_digit", "esr_known", "event_not_after_published",
         "size_type_known", "revision_consistent", "status_known", "waybill_no_valid", "cargo_code_valid"}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean_container": ({}, []),
    "clean_wagon_ady_origin": ({**WAGON, "origin_esr": "551204", "entry_esr": None, "gross_weight_t": 64.25}, []),
    "clean_heavy_wagon": ({**WAGON, "gross_weight_t": 150.5}, []),
    "clean_late_by_one_hour": ({"event_lateness_hours": 1.0}, []),
    **{f"clean_status_{s}": ({"status": s}, []) for s in ("QEBUL", "CATDI", "LEGV")},
    "clean_weight_at_the_storable_most": ({**WAGON, "gross_weight_t": 999_999_999.999}, []),
    "waybill_missing": ({"waybill_no": None}, ["waybill_no_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None, **NOT_TIME}, ["published_utc_present"]),
    "accepted_missing": ({"accepted_utc": None, **NOT_TIME}, ["accepted_utc_present"]),
    "weight_missing": ({"gross_weight_t": None}, ["weight_present"]),
    "weight_zero": ({"gross_weight_t": 0.0}, ["weight_in_range"]),
    "weight_negative": ({"gross_weight_t": -24.25}, ["weight_in_range"]),
    "weight_beyond_what_core_stores": ({**WAGON, "gross_weight_t": 1e9}, ["weight_in_range"]),
    "status_missing": ({"status": None}, ["status_known"]),
    "status_unknown": ({"status": "GONDERILIB"}, ["status_known"]),
    "status_of_ktz": ({"status": "IN_TRANSIT"}, ["status_known"]),
    "waybill_malformed": ({"waybill_no": "AZ-0000101"}, ["waybill_no_valid"]),
    "etsng_not_six_digits": ({"etsng_code": "1610055"}, ["cargo_code_valid"]),
    "container_bad_digit": ({"container_no": "CSQU3054384"}, ["container_check_digit"]),
    "wagon_bad_digit": ({"wagon_no": "51234569"}, ["wagon_check_digit"]),
    "wagon_missing": ({"wagon_no": None}, ["wagon_check_digit"]),
    "origin_unknown": ({"origin_esr": "664005"}, ["esr_known"]),
    "destination_unknown": ({"destination_esr": "553209"}, ["esr_known"]),
    "destination_missing": ({"destination_esr": None}, ["esr_known"]),
    "entry_unknown": ({"entry_esr": "701802"}, ["esr_known"]),
    "accepted_after_published": ({"event_lateness_hours": 2.0}, ["event_not_after_published"]),
    "size_type_unknown": ({"iso_size_type": "22G0"}, ["size_type_known"]),
    "size_type_missing_for_container": ({"iso_size_type": None}, ["size_type_known"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(SHIPMENTS, CLEAN, CASES, RULES))
