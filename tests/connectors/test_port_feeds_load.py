"""The six port feeds through the real load pipeline (raw → parse → validate → staging/quarantine) into DuckDB.

The operator modules are not registered yet (connectors/__init__.py), so the test plugs them in itself and
hands the pipeline scripted pages instead of HTTP.
"""
import dataclasses
import types
from datetime import datetime

import pytest

import corridor.engine as engine
from corridor.config import Settings
from corridor.connectors import Page, RawRecord, Window, aktau, baku
from corridor.connectors.http import Fetched
from corridor.engine import stage as feed_load
from corridor.warehouse import Warehouse

from fixtures.aktau_samples import CALL as A_CALL
from fixtures.aktau_samples import LINE as A_LINE
from fixtures.aktau_samples import MOVE as A_MOVE
from fixtures.baku_samples import CALL as B_CALL
from fixtures.baku_samples import DECLARATION as B_DECL
from fixtures.baku_samples import DOCTYPE
from fixtures.baku_samples import EVENT as B_EVENT

WINDOW = Window(datetime(2024, 3, 1), datetime(2024, 3, 3))


def _fetched():
    return Fetched("http://sim.test/x", {"page": 1}, 200, {}, b"{}", datetime(2024, 3, 12))


def _xml(text):
    return RawRecord(baku.element_text(baku._element(text)), baku._element(text))


def _load(tmp_path, monkeypatch, module, feed, records):
    monkeypatch.setitem(feed_load.OPERATOR_MODULES, module.OPERATOR, types.SimpleNamespace(CLIENT=lambda s, h: None))
    scripted = dataclasses.replace(feed, fetch=lambda client, window: iter([Page(_fetched(), records)]))
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        result = engine.load_feed(wh, Settings(), scripted, WINDOW, advance_watermark=False)
        con = wh.cursor()
        staged = con.execute(f"SELECT * FROM {feed.staging_table}").df()
        quarantined = con.execute("SELECT source_record_id, reasons FROM quality.quarantine ORDER BY 1").fetchall()
    return result, staged, quarantined


@pytest.mark.parametrize(
    ("module", "feed", "good", "bad", "reason"),
    [
        (aktau, aktau.MOVES, A_MOVE, {**A_MOVE, "moveId": "m-bad", "grossWeightKg": -1}, "weight_in_range"),
        (aktau, aktau.VESSEL_CALLS, A_CALL, {**A_CALL, "callId": "c-bad", "nextPort": "KZAKX"}, "port_known"),
        (aktau, aktau.MANIFESTS, {**A_LINE, "hsCode": 90111}, {**A_LINE, "manifestLineId": "l-bad", "grossWeightKg": -5}, "weight_in_range"),
    ],
    ids=["aktau-moves", "aktau-calls", "aktau-manifests"],
)
def test_aktau_feed_loads(tmp_path, monkeypatch, module, feed, good, bad, reason):
    records = [RawRecord.from_json(good), RawRecord.from_json(good), RawRecord.from_json(bad)]  # an exact repeat
    result, staged, quarantined = _load(tmp_path, monkeypatch, module, feed, records)
    assert (result.status, result.received, result.loaded, result.quarantined) == ("SUCCEEDED", 3, 1, 1), result.error
    assert len(staged) == 1 and quarantined == [(feed.parse(bad)[0][feed.id_column], [reason])]
    if feed is aktau.MANIFESTS:
        assert staged.at[0, "hs_code"] == "090111" and staged.at[0, "gross_weight_t"] == 64.25


@pytest.mark.parametrize(
    ("feed", "good", "bad", "reason"),
    [
        (baku.TERMINAL_EVENTS, B_EVENT, B_EVENT.replace("BK-E-0001234", "e-bad").replace("<Type>DISC", "<Type>SHFT"), "op_code_known"),
        (baku.BERTH_SCHEDULE, B_CALL, B_CALL.replace("BAK-2024-0877", "c-bad").replace('imo="9187655"', 'imo="9187650"'), "imo_check_digit"),
        (baku.DECLARATIONS, B_DECL, B_DECL.replace("BAK-D-0045521", "d-bad").replace("<HS>100199", "<HS>10019"), "hs_code_valid"),
    ],
    ids=["baku-events", "baku-calls", "baku-declarations"],
)
def test_baku_feed_loads_and_a_refused_part_is_quarantined(tmp_path, monkeypatch, feed, good, bad, reason):
    refused = RawRecord(DOCTYPE.decode(), None, refused="xml_doctype", refused_id=f"{feed.endpoint.rsplit('/', 1)[1]}/2024-03-01/part2")
    records = [_xml(good), _xml(good), refused, _xml(bad)]
    result, staged, quarantined = _load(tmp_path, monkeypatch, baku, feed, records)
    assert (result.status, result.received, result.loaded, result.quarantined) == ("SUCCEEDED", 4, 1, 2), result.error
    assert len(staged) == 1
    assert sorted(quarantined) == sorted([(refused.refused_id, ["xml_doctype"]), (feed.parse(bad)[0][feed.id_column], [reason])])
    if feed is baku.TERMINAL_EVENTS:
        assert staged.at[0, "event_time_utc"] == datetime(2024, 3, 1, 3, 50) and staged.at[0, "gross_weight_t"] == 24.5
