"""`validate` on the baku_port_cargo suite (Baku cargo declarations): each rule catches its defect, clean rows pass."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.baku import DECLARATIONS
from corridor.expectations import validate

from fixtures.expectations import staging_dtypes, staging_frame, suite_tests

SUITE = "baku_port_cargo"
RULES = {
    "declaration_id_present", "revision_present", "published_utc_present", "weight_present", "hs_code_valid",
    "container_check_digit", "wagon_check_digit", "revision_consistent", "equipment_kind_present", "equipment_kind_known",
    "weight_unit_known", "waybill_no_valid", "weight_in_range",
}
CLEAN = {
    "declaration_id": "BAK-D-0045521", "revision": 1, "published_utc": pd.Timestamp("2024-03-02 09:05"),
    "call_id": "BAK-2024-0877", "waybill_no": "24KZ0012345", "equipment_kind": "WAGON", "equipment_no": "51234565",
    "container_no": None, "wagon_no": "51234565", "is_laden": True, "hs_code": "100199", "cargo_description": "Buğda",
    "gross_weight_t": 64.25, "origin_port": "KZAAU", "destination_port": "AZBAK", "revision_conflict": False,
    "weight_unit": "TNE",
}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_hs_with_leading_zero": ({"hs_code": "090111"}, []),
    "clean_empty_without_weight": ({"is_laden": False, "gross_weight_t": None, "weight_unit": None}, []),
    "clean_in_kg": ({"weight_unit": "KG"}, []),
    "clean_without_waybill": ({"waybill_no": None}, []),
    "kind_missing": ({"equipment_kind": None, "wagon_no": None}, ["equipment_kind_present"]),
    "kind_unknown": ({"equipment_kind": "TRAILER", "wagon_no": None}, ["equipment_kind_known"]),
    "weight_unit_unknown": ({"weight_unit": "LB", "gross_weight_t": None, "is_laden": False}, ["weight_unit_known"]),
    "weight_negative": ({"gross_weight_t": -64.25}, ["weight_in_range"]),
    "weight_beyond_what_core_stores": ({"gross_weight_t": 1e9}, ["weight_in_range"]),
    "waybill_malformed": ({"waybill_no": "KZ24-12345"}, ["waybill_no_valid"]),
    "clean_fullness_unknown_without_weight": ({"is_laden": None, "gross_weight_t": None}, []),
    "clean_container": ({"equipment_kind": "CONTAINER", "equipment_no": "CSQU3054383", "container_no": "CSQU3054383",
                         "wagon_no": None}, []),
    "declaration_id_missing": ({"declaration_id": None}, ["declaration_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None}, ["published_utc_present"]),
    "full_without_weight": ({"gross_weight_t": None}, ["weight_present"]),
    "hs_five_digits": ({"hs_code": "90111"}, ["hs_code_valid"]),
    "hs_four_digits": ({"hs_code": "1001"}, ["hs_code_valid"]),
    "hs_seven_digits": ({"hs_code": "1001990"}, ["hs_code_valid"]),
    "hs_not_digits": ({"hs_code": "10O199"}, ["hs_code_valid"]),
    "hs_missing": ({"hs_code": None}, ["hs_code_valid"]),
    "container_bad_digit": ({"container_no": "CSQU3054384"}, ["container_check_digit"]),
    "wagon_bad_digit": ({"wagon_no": "51234569", "equipment_no": "51234569"}, ["wagon_check_digit"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
    "many_defects": ({"gross_weight_t": None, "hs_code": "1001"}, ["hs_code_valid", "weight_present"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(DECLARATIONS, CLEAN, CASES, RULES))


def test_pandas_default_str_dtype_gives_the_same_split(gx_context):
    dtypes = {c: ("str" if d == "string" else d) for c, d in staging_dtypes(DECLARATIONS).items()}
    rows = {1: {}, 2: {"gross_weight_t": None}, 3: {"hs_code": "1001"}, 4: {"is_laden": False, "gross_weight_t": None}}
    frame = staging_frame(DECLARATIONS, CLEAN, rows).astype(dtypes)
    assert validate(frame, SUITE).reasons == {2: ["weight_present"], 3: ["hs_code_valid"]}
