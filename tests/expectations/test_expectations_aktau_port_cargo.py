"""`validate` on the aktau_port_cargo suite (Aktau manifest lines): each rule catches its defect, clean rows pass."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.aktau import MANIFESTS

from fixtures.expectations import suite_tests

RULES = {"line_id_present", "revision_present", "published_utc_present", "weight_in_range", "port_known", "revision_consistent",
         "equipment_kind_present", "equipment_kind_known", "hs_code_valid", "weight_unit_known", "waybill_no_valid"}
CLEAN = {
    "line_id": "AKX-M-000981", "revision": 1, "published_utc": pd.Timestamp("2024-03-02 09:30"), "call_id": "AKX-2024-0312",
    "bill_of_lading": "AKXBAK240312-017", "waybill_no": "24KZ0012345", "equipment_kind": "WAGON", "equipment_no": "51234565",
    "container_no": None, "wagon_no": "51234565", "iso_size_type": None, "is_laden": True, "hs_code": "100199",
    "cargo_description": "Wheat", "gross_weight_t": 64.25, "port_of_loading": "KZAAU", "port_of_discharge": "AZBAK",
    "weight_unit": "KG",
    "revision_conflict": False,
}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_container_no_waybill": ({"equipment_kind": "CONTAINER", "equipment_no": "CSQU3054383", "container_no": "CSQU3054383",
                                    "wagon_no": None, "iso_size_type": "45G1", "waybill_no": None}, []),
    "clean_padded_hs_code": ({"hs_code": "090111"}, []),
    "clean_alias_AZALA": ({"port_of_discharge": "AZALA"}, []),
    "clean_without_weight": ({"gross_weight_t": None, "weight_unit": None}, []),
    "clean_in_tonnes": ({"weight_unit": "T"}, []),
    "clean_weight_at_the_storable_most": ({"gross_weight_t": 999_999_999.999}, []),
    "kind_missing": ({"equipment_kind": None, "wagon_no": None}, ["equipment_kind_present"]),
    "kind_unknown": ({"equipment_kind": "TRAILER", "wagon_no": None}, ["equipment_kind_known"]),
    "hs_missing": ({"hs_code": None}, ["hs_code_valid"]),
    "hs_four_digits": ({"hs_code": "1001"}, ["hs_code_valid"]),
    "hs_not_digits": ({"hs_code": "10O199"}, ["hs_code_valid"]),
    "weight_unit_unknown": ({"weight_unit": "LB", "gross_weight_t": None}, ["weight_unit_known"]),
    "weight_beyond_what_core_stores": ({"gross_weight_t": 1e9}, ["weight_in_range"]),
    "waybill_malformed": ({"waybill_no": "24KZ12345"}, ["waybill_no_valid"]),
    "line_id_missing": ({"line_id": None}, ["line_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None}, ["published_utc_present"]),
    "negative_weight": ({"gross_weight_t": -64.25}, ["weight_in_range"]),
    "discharge_port_unknown": ({"port_of_discharge": "AZZZZ"}, ["port_known"]),
    "loading_port_unknown": ({"port_of_loading": "RUAST"}, ["port_known"]),
    "loading_port_missing": ({"port_of_loading": None}, ["port_known"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(MANIFESTS, CLEAN, CASES, RULES))
