"""The exact mapping examples the harmonisation must get right, through each operator's real parser."""
from datetime import datetime

from corridor.connectors.ady import parse_operation as parse_ady_operation
from corridor.connectors.ady import parse_shipment
from corridor.connectors.aktau import parse_manifest_line
from corridor.connectors.ktz import parse_operation as parse_ktz_operation
from corridor.connectors.ktz import parse_train_plan


def test_ktz_operation_before_the_almaty_change():
    [row] = parse_ktz_operation({"op_id": "1", "revision": 1, "updated_at": "2024-03-01T10:00:03+05:00",
                                 "op_code": "02", "op_time": "2024-02-29T23:30:00+06:00", "esr": "700007"})
    assert row["event_time_utc"] == datetime(2024, 2, 29, 17, 30)


def test_ktz_timetable_at_an_almaty_station_across_the_change():
    plan = {"service_date": "2024-02-29", "published_at": "2024-02-27T18:00:00+06:00",
            "plan": {"train_no": "8701", "service_code": "XIAN-BAKU", "stops": [
                {"seq": 1, "esr": "700007", "arr": "2024-02-29 23:30", "dep": "2024-03-01 00:30"}]}}
    [stop] = parse_train_plan(plan)
    # 23:30 happens twice at Almaty that night: the first occurrence (UTC+6) is meant.
    assert stop["planned_arrival_utc"] == datetime(2024, 2, 29, 17, 30)
    assert stop["planned_departure_utc"] == datetime(2024, 2, 29, 19, 30)


def test_ady_baku_local_time_and_decimal_comma_tonnes():
    [operation] = parse_ady_operation({"emeliyyat_id": "9", "versiya": "1", "ixrac_tarixi": "01.03.2024 01:00:00",
                                       "emeliyyat_kodu": "GLS", "tarix": "01.03.2024 00:15", "stansiya": "551204",
                                       "qatar_no": "5703", "vaqon_no": "51234565", "konteyner_no": "-",
                                       "qaime_no": "", "yuklu": "1"})
    assert operation["event_time_utc"] == datetime(2024, 2, 29, 20, 15)
    [shipment] = parse_shipment({"qaime_no": "24AZ0000001", "versiya": "1", "ixrac_tarixi": "01.03.2024 10:15:30",
                                 "ceki_ton": "61,250", "qebul_tarixi": "01.03.2024 00:15"})
    assert shipment["gross_weight_t"] == 61.25 and shipment["accepted_utc"] == datetime(2024, 2, 29, 20, 15)


def test_aktau_numeric_hs_code_keeps_its_leading_zero():
    [line] = parse_manifest_line({"manifestLineId": "AKX-M-1", "updatedAt": "2024-03-02T09:30:00Z", "hsCode": 90111,
                                  "grossWeightKg": 64250, "portOfLoading": "KZAAU", "portOfDischarge": "AZALA"})
    assert line["hs_code"] == "090111" and line["gross_weight_t"] == 64.25
    assert line["port_of_discharge"] == "AZALA"  # staged as received; only core maps it to AZBAK
