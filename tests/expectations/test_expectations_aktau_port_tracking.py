"""`validate` on the aktau_port_tracking suite (Aktau moves): each rule catches its defect, clean rows pass."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.aktau import MOVES
from corridor.expectations import validate

from fixtures.expectations import NOT_TIME, staging_frame, suite_tests

SUITE = "aktau_port_tracking"
RULES = {
    "move_id_present", "revision_present", "published_utc_present", "event_time_present", "move_type_present",
    "equipment_kind_present", "equipment_no_present", "event_not_after_published", "size_type_known",
    "weight_in_range", "container_check_digit", "wagon_check_digit", "revision_consistent", "move_type_known",
    "equipment_kind_known", "transport_mode_known", "laden_known", "weight_unit_known",
}
CLEAN = {
    "move_id": "3f1c0a52-9d1e-4c4e-a0a3-1d6c1f1a2b77", "revision": 1, "published_utc": pd.Timestamp("2024-03-01 04:05:11"),
    "move_type": "RAIL_DISCHARGE", "event_time_utc": pd.Timestamp("2024-03-01 03:58"), "equipment_kind": "CONTAINER",
    "equipment_no": "CSQU3054383", "container_no": "CSQU3054383", "wagon_no": "51234565", "iso_size_type": "45G1",
    "is_laden": True, "carrier_mode": "RAIL", "carrier_ref": "8701", "train_no": "8701", "vessel_imo": None,
    "call_id": None, "gross_weight_t": 24.5, "event_lateness_hours": -0.12, "revision_conflict": False,
    "weight_unit": "KG",
}

CASES: dict[str, tuple[dict, list[str]]] = {
    "clean": ({}, []),
    "clean_wagon": ({"equipment_kind": "WAGON", "equipment_no": "51234565", "container_no": None, "iso_size_type": None}, []),
    "clean_without_weight_or_carrier": ({"gross_weight_t": None, "carrier_mode": None, "carrier_ref": None, "train_no": None,
                                         "wagon_no": None}, []),
    "clean_zero_weight": ({"gross_weight_t": 0.0}, []),
    **{f"clean_move_{m}": ({"move_type": m}, []) for m in ("GATE_IN", "GATE_OUT", "RAIL_LOAD", "VESSEL_LOAD",
                                                           "VESSEL_DISCHARGE", "YARD_SHIFT")},
    "clean_in_tonnes": ({"weight_unit": "T"}, []),
    "clean_empty": ({"is_laden": False, "gross_weight_t": None, "weight_unit": None}, []),
    "clean_late_by_exactly_one_hour": ({"event_lateness_hours": 1.0}, []),
    "clean_published_a_day_late": ({"event_lateness_hours": -24.0}, []),
    "move_id_missing": ({"move_id": None}, ["move_id_present"]),
    "published_missing": ({"published_utc": None, **NOT_TIME}, ["published_utc_present"]),
    "revision_missing": ({"revision": None}, ["revision_present"]),
    "move_time_missing": ({"event_time_utc": None, **NOT_TIME}, ["event_time_present"]),
    "move_type_missing": ({"move_type": None}, ["move_type_present"]),
    "move_type_unknown": ({"move_type": "TELEPORT"}, ["move_type_known"]),
    "move_type_of_baku": ({"move_type": "DISC"}, ["move_type_known"]),
    "equipment_kind_unknown": ({"equipment_kind": "TRAILER", "container_no": None}, ["equipment_kind_known"]),
    "carrier_mode_unknown": ({"carrier_mode": "AIR", "train_no": None}, ["transport_mode_known"]),
    "full_empty_unknown": ({"is_laden": None}, ["laden_known"]),
    "weight_unit_unknown": ({"weight_unit": "LB", "gross_weight_t": None}, ["weight_unit_known"]),
    "weight_without_unit": ({"weight_unit": "", "gross_weight_t": None}, ["weight_unit_known"]),
    "equipment_missing": ({"equipment_kind": None, "equipment_no": None, "container_no": None},
                          ["equipment_kind_present", "equipment_no_present"]),
    "move_after_published": ({"event_lateness_hours": 1.5}, ["event_not_after_published"]),
    "size_type_40HC": ({"iso_size_type": "40HC"}, ["size_type_known"]),
    "size_type_22G0": ({"iso_size_type": "22G0"}, ["size_type_known"]),
    "negative_weight": ({"gross_weight_t": -24.5}, ["weight_in_range"]),
    "container_bad_digit": ({"container_no": "CSQU3054384", "equipment_no": "CSQU3054384"}, ["container_check_digit"]),
    "wagon_bad_digit": ({"wagon_no": "51234569"}, ["wagon_check_digit"]),
    "revision_conflict": ({"revision_conflict": True}, ["revision_consistent"]),
    "revision_conflict_unknown": ({"revision_conflict": None}, ["revision_consistent"]),
    "many_defects": ({"gross_weight_t": -1.0, "iso_size_type": "45G2", "move_id": None},
                     ["move_id_present", "size_type_known", "weight_in_range"]),
}
outcome, test_suite_is_listed_and_carries_exactly_the_rules, test_each_row_fails_exactly_its_rules, test_split_is_exact = (
    suite_tests(MOVES, CLEAN, CASES, RULES))


def test_zero_rows(gx_context):
    result = validate(staging_frame(MOVES, CLEAN, {}), SUITE)
    assert (result.records, result.success) == (0, True)
