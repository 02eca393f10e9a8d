"""`validate` on the baku_port_tracking suite (Baku terminal events): each rule catches its defect, clean rows pass."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.baku import TERMINAL_EVENTS

from fixtures.expectations import NOT_TIME, suite_tests

RULES = {
    "event_id_present", "revision_present", "published_utc_present", "op_code_known", "event_time_valid",
    "equipment_kind_present", "equipment_no_present", "container_check_digit", "wagon_check_digit",
    "event_not_after_published", "revision_consistent", "equipment_kind_known", "transport_mode_known", "laden_known",
    "weight_unit_known",
}
CLEAN = {
    "event_id": "BK-E-0001234", "revision": 1, "published_utc": pd.Timestamp("2024-03-01 04:15"), "event_type_code": "DISC",
    "event_time_utc": pd.Timestamp("2024-03-01 03:50"), "equipment_kind": "CONTAINER", "equipment_no": "CSQU3054383",
    "container_no": "CSQU3054383", "wagon_no": None, "iso_size_type": "45G1", "is_laden": True, "transport_mode": "VESSEL",
    "vessel_imo": "9187655", "voyage_no": "24A031", "train_no": None, "truck_plate": None, "gross_weight_t": 24.5,
    "facility": "ALAT-MT", "event_lateness_hours": -25 / 60, "revision_conflict": False, "weight_unit": "KG",
}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    **{f"clean_type_{t}": ({"event_type_code": t}, []) for t in ("LOAD", "RDSC", "RLOD", "GTIN", "GTOT")},
    "clean_rail_wagon": ({"equipment_kind": "WAGON", "equipment_no": "51234565", "container_no": None, "wagon_no": "51234565",
                          "transport_mode": "RAIL", "vessel_imo": None, "train_no": "2401"}, []),
    "clean_empty_without_weight": ({"is_laden": False, "gross_weight_t": None, "weight_unit": None}, []),
    "clean_in_tonnes": ({"weight_unit": "TNE"}, []),
    "clean_by_truck": ({"transport_mode": "TRUCK", "vessel_imo": None, "truck_plate": "10-AB-123"}, []),
    "equipment_kind_unknown": ({"equipment_kind": "TRAILER", "container_no": None}, ["equipment_kind_known"]),
    "transport_mode_unknown": ({"transport_mode": "AIR"}, ["transport_mode_known"]),
    "full_unknown": ({"is_laden": None}, ["laden_known"]),
    "weight_unit_unknown": ({"weight_unit": "LB", "gross_weight_t": None}, ["weight_unit_known"]),
    "weight_without_unit": ({"weight_unit": "", "gross_weight_t": None}, ["weight_unit_known"]),
    "clean_late_by_exactly_one_hour": ({"event_lateness_hours": 1.0}, []),
    "event_id_missing": ({"event_id": None}, ["event_id_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "published_missing": ({"published_utc": None, **NOT_TIME}, ["published_utc_present"]),
    "type_unknown": ({"event_type_code": "SHFT"}, ["op_code_known"]),
    "type_lower_case": ({"event_type_code": "disc"}, ["op_code_known"]),
    "type_missing": ({"event_type_code": None}, ["op_code_known"]),
    "time_not_valid": ({"event_time_utc": None, **NOT_TIME}, ["event_time_valid"]),
    "equipment_missing": ({"equipment_kind": None, "equipment_no": None, "container_no": None},
                          ["equipment_kind_present", "equipment_no_present"]),
    "container_bad_digit": ({"container_no": "CSQU3054384", "equipment_no": "CSQU3054384"}, ["container_check_digit"]),
    "wagon_bad_digit": ({"wagon_no": "51234569"}, ["wagon_check_digit"]),
    "event_after_published": ({"event_lateness_hours": 2.5}, ["event_not_after_published"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
    "many_defects": ({"event_type_code": "XXXX", "event_time_utc": None, **NOT_TIME, "wagon_no": "1"},
                     ["event_time_valid", "op_code_known", "wagon_check_digit"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(TERMINAL_EVENTS, CLEAN, CASES, RULES))
