"""core.fact_vessel_call (latest version of each call) and core.fact_vessel_call_version (every version)."""
from datetime import datetime

from fixtures.warehouse import insert_rows, rows, run


def aktau(call_id, published, eta, ata=None, status="EXPECTED", load_id="L1"):
    return {"call_id": call_id, "revision": 1, "published_utc": published, "vessel_name": "BEKET ATA",
            "vessel_imo": "9312345", "voyage_in": "W12", "voyage_out": "E12", "eta_utc": eta,
            "etd_utc": "2024-03-06 12:00", "ata_utc": ata, "status": status,
            "record_hash": f"{call_id}{published}", "load_id": load_id}


def baku(call_id, published, eta, load_id="L1"):
    return {"call_id": call_id, "revision": 1, "published_utc": published, "status": "EXPECTED",
            "vessel_imo": "9412345", "vessel_name": "AZERBAIJAN", "voyage_no": "V7", "eta_utc": eta,
            "record_hash": f"{call_id}{published}", "load_id": load_id}


def publish(warehouse, load_id):
    run(warehouse, "core_fact_vessel_call_version.sql", load_id)
    run(warehouse, "core_fact_vessel_call.sql", load_id)


def test_the_call_is_its_latest_published_version_at_either_port(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.aktau_vessel_call", [
        aktau("AK1", "2024-03-01 00:00", "2024-03-05 10:00"),
        aktau("AK1", "2024-03-04 00:00", "2024-03-05 14:00", ata="2024-03-05 15:00", status="ARRIVED"),
        aktau("AK1", "2024-03-02 00:00", "2024-03-05 12:00"),
    ])
    insert_rows(con, "staging.baku_vessel_call", [baku("BK1", "2024-03-01 00:00", "2024-03-07 08:00")])
    publish(warehouse, "L1")
    assert rows(con, "core.fact_vessel_call") == [
        ("AK1", "KZAAU", "AKTAU_PORT", 1, "9312345", "BEKET ATA", "W12", datetime(2024, 3, 5, 14),
         datetime(2024, 3, 6, 12), datetime(2024, 3, 5, 15), None, "ARRIVED", datetime(2024, 3, 4), "L1"),
        ("BK1", "AZBAK", "BAKU_PORT", 1, "9412345", "AZERBAIJAN", "V7", datetime(2024, 3, 7, 8),
         None, None, None, "EXPECTED", datetime(2024, 3, 1), "L1"),
    ]


def test_an_older_version_loaded_later_never_overwrites_the_call(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.aktau_vessel_call", [aktau("AK1", "2024-03-04 00:00", "2024-03-05 14:00")])
    publish(warehouse, "L1")
    insert_rows(con, "staging.aktau_vessel_call", [aktau("AK1", "2024-03-02 00:00", "2024-03-05 12:00", load_id="L2")])
    publish(warehouse, "L2")
    assert rows(con, "core.fact_vessel_call", "call_id, eta_utc, published_utc, load_id") == [
        ("AK1", datetime(2024, 3, 5, 14), datetime(2024, 3, 4), "L1")]
    insert_rows(con, "staging.aktau_vessel_call", [aktau("AK1", "2024-03-05 00:00", "2024-03-05 18:00", load_id="L3")])
    publish(warehouse, "L3")
    assert rows(con, "core.fact_vessel_call", "call_id, eta_utc, published_utc, load_id") == [
        ("AK1", datetime(2024, 3, 5, 18), datetime(2024, 3, 5), "L3")]


def test_every_published_version_is_kept_once_as_the_eta_history(warehouse):
    con = warehouse.cursor()
    insert_rows(con, "staging.aktau_vessel_call", [
        aktau("AK1", "2024-03-01 00:00", "2024-03-05 10:00"),
        aktau("AK1", "2024-03-02 00:00", "2024-03-05 12:00"),
    ])
    insert_rows(con, "staging.baku_vessel_call", [baku("BK1", "2024-03-01 00:00", "2024-03-07 08:00")])
    publish(warehouse, "L1")
    con.execute("UPDATE staging.aktau_vessel_call SET load_id = 'L2'")  # delivered again
    insert_rows(con, "staging.aktau_vessel_call", [aktau("AK1", "2024-03-04 00:00", "2024-03-05 14:00", load_id="L2")])
    publish(warehouse, "L2")
    assert rows(con, "core.fact_vessel_call_version", "call_id, published_utc, eta_utc, load_id") == [
        ("AK1", datetime(2024, 3, 1), datetime(2024, 3, 5, 10), "L1"),
        ("AK1", datetime(2024, 3, 2), datetime(2024, 3, 5, 12), "L1"),
        ("AK1", datetime(2024, 3, 4), datetime(2024, 3, 5, 14), "L2"),
        ("BK1", datetime(2024, 3, 1), datetime(2024, 3, 7, 8), "L1"),
    ]
