from datetime import datetime

from corridor.connectors.ktz import parse_operation

RECORD = {
    "op_id": "7700012345", "revision": 1, "updated_at": "2024-03-01T10:00:03+05:00",
    "op_code": "02", "op_time": "2024-02-29T23:30:00+06:00", "esr": " 663109 ",
    "train_no": "8701", "wagon_no": "51234565", "container_no": "CSQU3054383",
    "waybill_no": "24KZ0012345", "laden": True, "new_field_from_source": {"x": 1},
}


def test_operation_is_typed_in_utc():
    [row] = parse_operation(RECORD)
    assert row == {
        "op_id": "7700012345", "revision": 1, "published_utc": datetime(2024, 3, 1, 5, 0, 3), "op_code": "02",
        "event_time_utc": datetime(2024, 2, 29, 17, 30), "esr": "663109", "train_no": "8701",
        "wagon_no": "51234565", "container_no": "CSQU3054383", "waybill_no": "24KZ0012345", "is_laden": True,
    }


def test_quirks_are_normalised_and_bad_times_become_none():
    [row] = parse_operation({**RECORD, "container_no": "-", "waybill_no": "", "op_time": "29.02.2024 23:30"})
    assert row["container_no"] is None and row["waybill_no"] is None and row["event_time_utc"] is None


def test_missing_fields_parse_to_none():
    [row] = parse_operation({"op_id": "1"})
    assert row["revision"] is None and row["published_utc"] is None and row["is_laden"] is None
