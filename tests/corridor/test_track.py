"""`corridor track ID`: a container, wagon or waybill across the four operators, its stage and ETA."""
import json

import pytest

from corridor import cli as corridor_cli
from corridor.track import parse_track_id, track

from fixtures.warehouse import fresh_warehouse, insert_rows, run

XIAN, ALTYNKOL, ALMATY, AKTAU_STATION, AKTAU, BAKU, ALAT, ABSHERON, MANGYSHLAK = (
    "CNXIA", "ESR705509", "ESR700007", "ESR663109", "KZAAU", "AZBAK", "ESR552508", "ESR551204", "ESR663005")
DONE, MOVING, SISTER, EARLY, UNKNOWN = "CSQU3054383", "TGHU1234567", "MSCU7654329", "TCLU0000014", "CAIU5550001"
FLAT_WAGON, ADY_WAGON = "51234565", "52000015"
WAYBILL, MOVING_WAYBILL, SISTER_WAYBILL, RETURN_WAYBILL = "24KZ0012345", "24KZ0012399", "24KZ0012350", "24AZ0000017"
EARLY_WAYBILL = "23KZ0000001"

_ids = iter(range(1, 10_000))


def event(operator, event_type, at, location, container=DONE, mode="RAIL", wagon=None, train=None, vessel=None,
          waybill=None):
    return {"event_id": f"{operator}:{next(_ids)}", "operator_code": operator, "source_record_id": at,
            "source_revision": 1, "equipment_kind": "CONTAINER" if container else "WAGON", "container_no": container,
            "wagon_no": wagon, "event_type": event_type, "transport_mode": mode, "event_time_utc": at,
            "published_utc": at, "location_code": location, "train_no": train, "vessel_imo": vessel,
            "waybill_no": waybill, "load_id": "L1"}


def journey(container, waybill, day, wagon=None):
    """A complete Xi'an → Absheron journey, all four operators; `day` shifts it (0: departs 27 Feb 2024)."""
    def at(text):
        from datetime import datetime, timedelta
        return (datetime.fromisoformat(text) + timedelta(days=day)).strftime("%Y-%m-%d %H:%M")

    kz = {"container": container, "wagon": wagon, "train": "8701", "waybill": waybill}
    az = {"container": container, "wagon": ADY_WAGON, "train": "4001", "waybill": waybill}
    return [
        event("KTZ", "ACCEPTED", at("2024-02-26 20:00"), XIAN, **kz),
        event("KTZ", "DEPARTED", at("2024-02-27 00:00"), XIAN, **kz),
        event("KTZ", "PASSED", at("2024-02-29 17:30"), ALTYNKOL, **kz),      # Almaty zone, UTC+6 until 1 March
        event("KTZ", "PASSED", at("2024-03-01 03:00"), ALMATY, **kz),        # UTC+5 from 1 March (tzdata 2024a)
        event("KTZ", "INTERCHANGE_OUT", at("2024-03-07 00:00"), AKTAU_STATION, **kz),
        event("AKTAU_PORT", "DISCHARGED", at("2024-03-07 02:00"), AKTAU, container=container, wagon=wagon),
        event("AKTAU_PORT", "LOADED", at("2024-03-08 06:00"), AKTAU, container=container, mode="VESSEL",
              vessel="9187655"),
        event("BAKU_PORT", "DISCHARGED", at("2024-03-09 06:00"), BAKU, container=container, mode="VESSEL",
              vessel="9187655"),
        event("BAKU_PORT", "LOADED", at("2024-03-09 12:00"), BAKU, container=container, wagon=ADY_WAGON),
        event("ADY", "INTERCHANGE_IN", at("2024-03-09 18:00"), ALAT, **az),
        event("ADY", "ARRIVED", at("2024-03-10 00:00"), ABSHERON, **az),
        event("ADY", "DELIVERED", at("2024-03-10 06:00"), ABSHERON, **az),
    ]


COMPLETED = journey(DONE, WAYBILL, 0, wagon=FLAT_WAGON)
LATER = [
    # The flat wagon goes back empty; the container starts an eastbound consignment from Absheron.
    event("KTZ", "ARRIVED", "2024-03-08 10:00", MANGYSHLAK, container=None, wagon=FLAT_WAGON, train="8702"),
    event("ADY", "ACCEPTED", "2024-03-12 08:00", ABSHERON, wagon=ADY_WAGON, waybill=RETURN_WAYBILL),
]
IN_PROGRESS = journey(MOVING, MOVING_WAYBILL, 22)[:7]     # departed 20 March, loaded onto the vessel 30 March
NO_BASIS = journey(EARLY, EARLY_WAYBILL, -150)[:3]        # departed 30 Sep 2023: nothing completed before it


def consignment(waybill, container, destination=ABSHERON, origin=XIAN, status="IN_TRANSIT"):
    return {"waybill_no": waybill, "status": status, "equipment_kind": "CONTAINER", "container_no": container,
            "origin_location_code": origin, "destination_location_code": destination, "load_id": "L1"}


@pytest.fixture(scope="module")
def warehouse_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("track")
    with fresh_warehouse(folder) as wh:
        con = wh.cursor()
        insert_rows(con, "core.fact_consignment", [
            consignment(WAYBILL, DONE, status="DELIVERED"), consignment(MOVING_WAYBILL, MOVING),
            consignment(SISTER_WAYBILL, SISTER, status="DELIVERED"), consignment(EARLY_WAYBILL, EARLY),
            consignment(RETURN_WAYBILL, DONE, destination=ALTYNKOL, origin=ABSHERON, status="ACCEPTED"),
        ])
        insert_rows(con, "core.fact_equipment_event",
                    [*COMPLETED, *LATER, *journey(SISTER, SISTER_WAYBILL, 2), *IN_PROGRESS, *NO_BASIS])
        for sql in ("marts_container_transit.sql", "marts_container_status.sql"):
            run(wh, sql)
        path = wh.path
    return path


@pytest.fixture
def corridor(warehouse_path, tmp_path, monkeypatch):
    """`corridor.cli.main` with the track command registered, reading the test warehouse (no snapshot yet)."""
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(warehouse_path))
    monkeypatch.setenv("CORRIDOR_SNAPSHOT", str(tmp_path / "no-snapshot.duckdb"))
    added = "track" not in corridor_cli.cli.commands
    if added:
        corridor_cli.cli.add_command(track)
    yield corridor_cli.main
    if added:
        del corridor_cli.cli.commands["track"]


def table_rows(out):
    """The event rows of the table: after the dashed rule, before the count."""
    lines = out.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("---"))
    return [line for line in lines[rule + 1:] if line and not line.startswith("(")]


def test_a_completed_journey_lists_every_milestone_of_all_four_operators_in_order(corridor, capsys):
    assert corridor(["track", WAYBILL]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"waybill {WAYBILL}: stage DELIVERED"
    listed = table_rows(out)
    assert [line.split("  ")[0] for line in listed] == [e["event_time_utc"] for e in COMPLETED]
    cells = [[c.strip() for c in line.split("  ") if c.strip()] for line in listed]
    assert [(c[0], c[1], c[3], c[4]) for c in cells] == [
        ("2024-02-26 20:00", "2024-02-27 04:00 +08:00", "KTZ", "ACCEPTED"),           # Xi'an UTC+8
        ("2024-02-27 00:00", "2024-02-27 08:00 +08:00", "KTZ", "DEPARTED"),
        ("2024-02-29 17:30", "2024-02-29 23:30 +06:00", "KTZ", "PASSED"),             # Almaty zone before 1 March
        ("2024-03-01 03:00", "2024-03-01 08:00 +05:00", "KTZ", "PASSED"),             # ... and after
        ("2024-03-07 00:00", "2024-03-07 05:00 +05:00", "KTZ", "INTERCHANGE_OUT"),    # Aktau UTC+5
        ("2024-03-07 02:00", "2024-03-07 07:00 +05:00", "AKTAU_PORT", "DISCHARGED"),
        ("2024-03-08 06:00", "2024-03-08 11:00 +05:00", "AKTAU_PORT", "LOADED"),
        ("2024-03-09 06:00", "2024-03-09 10:00 +04:00", "BAKU_PORT", "DISCHARGED"),   # Baku UTC+4
        ("2024-03-09 12:00", "2024-03-09 16:00 +04:00", "BAKU_PORT", "LOADED"),
        ("2024-03-09 18:00", "2024-03-09 22:00 +04:00", "ADY", "INTERCHANGE_IN"),
        ("2024-03-10 00:00", "2024-03-10 04:00 +04:00", "ADY", "ARRIVED"),
        ("2024-03-10 06:00", "2024-03-10 10:00 +04:00", "ADY", "DELIVERED"),
    ]
    assert "Xi'an terminal (KTZ Express) (CNXIA)" in listed[0] and "Port of Baku (at Alat) (AZBAK)" in listed[7]
    assert "vessel IMO 9187655" in listed[6] and "train 8701" in listed[1] and "train 4001" in listed[10]
    assert "ETA" not in out                                        # completed: no ETA
    assert f"consignment {WAYBILL}: DELIVERED" in out


def test_the_container_shows_its_whole_history_and_current_stage(corridor, capsys):
    assert corridor(["track", DONE.lower()]) == 0                  # upper-cased first
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"container {DONE}: stage AZ_RAIL"   # the eastbound acceptance is its latest
    listed = table_rows(out)
    assert len(listed) == len(COMPLETED) + 1 and "ACCEPTED" in listed[-1] and RETURN_WAYBILL in listed[-1]
    assert "XIAN-BAKU journey departed 2024-02-27 00:00 UTC, arrived 2024-03-10 00:00 UTC" in out
    assert "ETA" not in out


def test_a_journey_in_progress_gives_its_eta_and_basis(corridor, capsys):
    assert corridor(["track", MOVING]) == 0
    out = capsys.readouterr().out
    # Loaded onto the vessel at Aktau 30 March 06:00 + the median of 24 + 12 + 6 hours over the two journeys
    # that completed and departed in the 90 days before 20 March.
    assert out.splitlines()[:4] == [
        f"container {MOVING}: stage AT_SEA",
        f"last known: waybill {MOVING_WAYBILL}, train 8701, vessel IMO 9187655",
        "XIAN-BAKU journey departed 2024-03-20 00:00 UTC, in progress",
        "ETA 2024-04-01 00:00 UTC (median of 2 completed journeys in the 90 days before departure)",
    ]
    assert len(table_rows(out)) == 7


def test_a_journey_in_progress_without_a_basis_says_so(corridor, capsys):
    assert corridor(["track", EARLY]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2:4] == [
        "XIAN-BAKU journey departed 2023-09-30 00:00 UTC, in progress",
        "ETA unknown (no completed journeys in the 90 days before departure to base it on)"]
    assert corridor(["track", EARLY, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["eta_utc"], found["eta_basis"], found["journey"]["in_progress"]) == (None, None, True)


def test_a_waybill_still_travelling_gives_its_containers_eta(corridor, capsys):
    assert corridor(["track", MOVING_WAYBILL, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["kind"], found["stage"], found["container_no"], found["eta_utc"], found["eta_basis"]) == (
        "waybill", "AT_SEA", MOVING, "2024-04-01T00:00:00Z", 2)
    assert [e["operator_code"] for e in found["events"]] == ["KTZ"] * 5 + ["AKTAU_PORT"] * 2   # ports found too


def test_a_wagon_is_found_with_the_containers_it_carried(corridor, capsys):
    assert corridor(["track", FLAT_WAGON]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"wagon {FLAT_WAGON}: stage KZ_RAIL"
    listed = table_rows(out)
    assert [line.split("  ")[0] for line in listed] == [
        "2024-02-26 20:00", "2024-02-27 00:00", "2024-02-29 17:30", "2024-03-01 03:00", "2024-03-07 00:00",
        "2024-03-07 02:00", "2024-03-08 10:00"]                      # its KTZ moves, Aktau's discharge, back empty
    assert DONE in listed[0] and DONE not in listed[-1]


def test_json_format_parses_with_utc_and_local_times(corridor, capsys):
    assert corridor(["track", DONE, "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["id"], found["kind"], found["stage"], found["eta_utc"], found["eta"]) == (
        DONE, "container", "AZ_RAIL", None, None)
    assert found["journey"] == {"service": "XIAN-BAKU", "departed_utc": "2024-02-27T00:00:00Z",
                                "arrived_utc": "2024-03-10T00:00:00Z", "in_progress": False}
    first, at_baku = found["events"][0], found["events"][7]
    assert (first["event_time_utc"], first["local_time"], first["timezone"], first["place"], first["operator"]) == (
        "2024-02-26T20:00:00Z", "2024-02-27T04:00:00+08:00", "Asia/Shanghai", "Xi'an terminal (KTZ Express)",
        "Kazakhstan Temir Zholy")
    assert (at_baku["local_time"], at_baku["event_type"], at_baku["transport_mode"], at_baku["vessel_imo"]) == (
        "2024-03-09T10:00:00+04:00", "DISCHARGED", "VESSEL", "9187655")


def test_an_unknown_but_valid_container_exits_1(corridor, capsys):
    assert corridor(["track", UNKNOWN]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == f"corridor: nothing is known of container {UNKNOWN}\n"


@pytest.mark.parametrize("number, message", [
    ("CSQU3054384", "check digit is 3, not 4"),
    ("51234566", "check digit is 5, not 6"),
    ("CSQX3054383", "fourth letter is U, J or Z"),
    ("24GE0012345", "is not a container"),
    ("hello", "is not a container"),
])
def test_an_invalid_number_is_one_line_and_exit_2(corridor, capsys, number, message):
    assert corridor(["track", number]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and captured.err.startswith("corridor: error:")
    assert message in captured.err and "Traceback" not in captured.err


def test_no_warehouse_is_a_usage_error(corridor, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert corridor(["track", DONE]) == 2
    assert capsys.readouterr().err.startswith("corridor: error: no snapshot at")


def test_the_command_object_runs_on_its_own(warehouse_path, tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(warehouse_path))
    monkeypatch.setenv("CORRIDOR_SNAPSHOT", str(tmp_path / "no-snapshot.duckdb"))
    result = CliRunner().invoke(track, [UNKNOWN])
    assert result.exit_code == 1
    assert CliRunner().invoke(track, ["--help"]).output.startswith("Usage: track [OPTIONS] ID")


def test_an_id_is_recognised_by_its_shape():
    assert [(t.kind, t.number) for t in map(parse_track_id, [" csqu3054383 ", "51234565", "24az0000017"])] == [
        ("CONTAINER", "CSQU3054383"), ("WAGON", "51234565"), ("WAYBILL", "24AZ0000017")]
