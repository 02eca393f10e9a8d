"""`validate` on the ktz_cargo suite: each rule catches its defect, clean rows pass, the split is exact."""
from __future__ import annotations

import pandas as pd

from corridor import checkdigits, reference
from corridor.connectors.ktz import CONSIGNMENTS
from corridor.expectations import validate

from fixtures.expectations import NOT_TIME, UNKNOWN_ESR, staging_frame, suite_tests

CLEAN = {
    "waybill_no": "24KZ0012345", "revision": 2, "published_utc": pd.Timestamp("2024-03-01 04:12:44"),
    "status": "IN_TRANSIT", "equipment_kind": "CONTAINER", "container_no": "CSQU3054383", "iso_size_type": "45G1",
    "wagon_no": "51234565", "origin_esr": "990014", "destination_esr": "551007", "exit_esr": "663109",
    "etsng_code": "161005", "gng_code": "10019900", "hs_code": "100199", "cargo_description": "Wheat",
    "gross_weight_t": 24.25, "accepted_utc": pd.Timestamp("2024-02-27 14:40"), "train_no": "8701",
    "shipper_country": "CN", "consignee_country": "AZ", "event_lateness_hours": -61.5, "revision_conflict": False,
}
WAGON = {"equipment_kind": "WAGON", "container_no": None, "iso_size_type": None}
RULES = {
    "waybill_no_present", "revision_present", "published_utc_present", "accepted_utc_present", "equipment_kind_present",
    "container_check_digit", "wagon_check_digit", "esr_known", "weight_present", "weight_in_range",
    "event_not_after_published", "size_type_known", "revision_consistent", "status_known", "equipment_kind_known",
    "waybill_no_valid", "cargo_code_valid",
}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean_container": ({}, []),
    "clean_wagon": (WAGON, []),
    "clean_container_at_36_t": ({"gross_weight_t": 36.0}, []),
    "clean_wagon_at_150_t": ({**WAGON, "gross_weight_t": 150.0}, []),
    "clean_wagon_over_36_t": ({**WAGON, "gross_weight_t": 64.25}, []),
    "clean_late_by_exactly_one_hour": ({"event_lateness_hours": 1.0}, []),
    **{f"clean_status_{s}": ({"status": s}, []) for s in ("ACCEPTED", "HANDED_OVER", "DELIVERED", "CANCELLED")},
    "clean_eastbound_waybill": ({"waybill_no": "24AZ0000101"}, []),
    "clean_without_cargo_codes": ({"etsng_code": None, "gng_code": None, "hs_code": None}, []),
    "waybill_missing": ({"waybill_no": None}, ["waybill_no_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None, **NOT_TIME}, ["published_utc_present"]),
    "accepted_missing": ({"accepted_utc": None, **NOT_TIME}, ["accepted_utc_present"]),
    "kind_missing": ({"equipment_kind": None}, ["equipment_kind_present"]),
    "kind_unknown": ({"equipment_kind": "TANK"}, ["equipment_kind_known"]),
    "status_missing": ({"status": None}, ["status_known"]),
    "status_outside_the_contract": ({"status": "SHIPPED"}, ["status_known"]),
    "status_lower_case": ({"status": "in_transit"}, ["status_known"]),
    "waybill_of_no_railway": ({"waybill_no": "24CN0012345"}, ["waybill_no_valid"]),
    "waybill_short": ({"waybill_no": "24KZ001234"}, ["waybill_no_valid"]),
    "etsng_not_six_digits": ({"etsng_code": "16100"}, ["cargo_code_valid"]),
    "gng_not_digits": ({"gng_code": "1001990A"}, ["cargo_code_valid"]),
    "container_bad_digit": ({"container_no": "CSQU3054384"}, ["container_check_digit"]),
    "container_missing_for_container": ({"container_no": None}, ["container_check_digit"]),
    "wagon_bad_digit": ({"wagon_no": "51234566"}, ["wagon_check_digit"]),
    "wagon_missing": ({"wagon_no": None}, ["wagon_check_digit"]),
    "origin_unknown": ({"origin_esr": UNKNOWN_ESR}, ["esr_known"]),
    "destination_unknown": ({"destination_esr": "664005"}, ["esr_known"]),
    "exit_unknown": ({"exit_esr": UNKNOWN_ESR}, ["esr_known"]),
    "exit_missing": ({"exit_esr": None}, ["esr_known"]),
    "weight_missing": ({"gross_weight_t": None}, ["weight_present"]),
    "weight_zero": ({"gross_weight_t": 0.0}, ["weight_in_range"]),
    "weight_negative_wagon": ({**WAGON, "gross_weight_t": -64.25}, ["weight_in_range"]),
    "container_over_36_t": ({"gross_weight_t": 36.001}, ["weight_in_range"]),
    "wagon_over_150_t": ({**WAGON, "gross_weight_t": 151.0}, ["weight_in_range"]),
    "accepted_after_published": ({"event_lateness_hours": 1.5}, ["event_not_after_published"]),
    "size_type_unknown": ({"iso_size_type": "40HC"}, ["size_type_known"]),
    "size_type_missing_for_container": ({"iso_size_type": None}, ["size_type_known"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
    "many_defects": ({"gross_weight_t": 40.0, "container_no": "CSQU3054384", "origin_esr": UNKNOWN_ESR},
                     ["container_check_digit", "esr_known", "weight_in_range"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(CONSIGNMENTS, CLEAN, CASES, RULES))


def test_fixture_values_are_what_they_claim():
    assert checkdigits.is_valid_esr(UNKNOWN_ESR) and UNKNOWN_ESR not in reference.location_by_esr()
    assert all(esr in reference.location_by_esr() for esr in ("990014", "551007", "663109"))


def test_clean_batch_and_zero_rows(gx_context):
    assert validate(staging_frame(CONSIGNMENTS, CLEAN, {1: {}, 2: WAGON}), "ktz_cargo").success
    assert validate(staging_frame(CONSIGNMENTS, CLEAN, {}), "ktz_cargo").records == 0
