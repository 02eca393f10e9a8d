"""Property-based tests of every record parser (hypothesis): any record — fields missing, wrong-typed, arbitrary or
odd-unicode text, huge numbers, bad dates — either parses to typed rows with exactly the staging columns and types,
or is refused for quarantine with a reason. Nothing raises out of a parser, and a batch of such records is staged
or quarantined record by record, none lost.

Deterministic (`derandomize`) and bounded, so that they belong to the fast default set.
"""
from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_poison_records import (
    ADY_OPERATION,
    ADY_SHIPMENT,
    AKTAU_CALL,
    AKTAU_LINE,
    AKTAU_MOVE,
    BAKU_CALL,
    BAKU_DECLARATION,
    BAKU_EVENT,
    KTZ_CONSIGNMENT,
    KTZ_OPERATION,
    KTZ_PLAN,
    ady_plan,
    baku_call,
    baku_declaration,
    baku_event,
)

from corridor.connectors import FeedError, Page, RawRecord, ady, aktau, baku, feed_registry, ktz
from corridor.connectors import normalize as n
from corridor.connectors.http import Fetched
from corridor.engine.stage import stage_batch
from corridor.warehouse.staging import arrow_schema, pandas_dtypes, parsed_columns

# Hypothesis warns when it prints a large generated record in a failure report; that is its report, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr:hypothesis.errors.HypothesisWarning")

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# A batch is validated by Great Expectations (~0.2 s): fewer examples, each a batch of many records, and no
# shrinking (hundreds of validations); a failure shows the batch as generated.
BATCHES = settings(max_examples=6, deadline=None, derandomize=True, database=None,
                   phases=[Phase.explicit, Phase.reuse, Phase.generate],
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Why a connector refuses a record before parsing it (connectors/normalize.py, baku.read_document).
REFUSALS = {"record_too_large", "text_not_unicode", "record_not_an_object", "xml_doctype", "xml_not_well_formed"}
RECORD_BOUND = 4 * 2**20
DELETE = object()

# -- hostile values ------------------------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from([
    "", " ", "-", "\x00", "\ufeff", "\u202e02", "２", "١٢", "1_000", "0x10", "1e400", "-0", "NaN", "Infinity", "0,5",
    "true", "F ", " e", "é\u0301", "𝟘𝟙", "\ud800", "\udcff", "\U0010ffff", "a" * 300, "null", "[]", "{}", "<x/>"])
HUGE_NUMBERS = st.sampled_from([2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**400, 1e308, -1e308, 5e-324])
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(timedelta(hours=-12)),
                         timezone(timedelta(hours=5, minutes=45))])
INSTANTS = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
BAD_DATES = st.one_of(
    st.builds(lambda d, z: d.replace(tzinfo=z).isoformat(), INSTANTS, ZONES),  # past year 9999 in UTC, or before 1
    INSTANTS.map(lambda d: d.isoformat()),  # no offset
    INSTANTS.map(lambda d: f"{d.day:02d}.{d.month:02d}.{d.year} {d.hour:02d}:{d.minute:02d}"),
    INSTANTS.map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d} {d.hour:02d}:{d.minute:02d}"),
    st.from_regex(r"\A[0-9]{1,5}[-.][0-9]{1,2}[-.][0-9]{1,4}[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?([+-][0-9]{2}:[0-9]{2}|Z)?\Z"),
)
TEXT = st.one_of(st.text(max_size=20), st.text(st.characters(codec="utf-8"), max_size=8), ODD_TEXT,
                 st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=2))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), HUGE_NUMBERS, st.floats(), TEXT, BAD_DATES)
JSON_VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                           max_leaves=6)


def mutated(value: Any, depth: int = 0) -> st.SearchStrategy:
    """`value` as a hostile source might send it: kept, replaced by any JSON value, or, in an object, each field
    kept, changed, removed; and a field nobody declared added."""
    if isinstance(value, dict) and depth < 3:
        fields = {key: st.one_of(mutated(item, depth + 1), st.just(DELETE)) for key, item in value.items()}
        shaped = st.builds(_without_deleted, st.fixed_dictionaries(fields), st.dictionaries(TEXT, JSON_VALUES, max_size=1))
        return st.one_of(shaped, shaped, shaped, JSON_VALUES)
    if isinstance(value, list) and value and depth < 3:
        return st.one_of(st.lists(mutated(value[0], depth + 1), max_size=4), JSON_VALUES)
    return st.one_of(st.just(value), SCALARS)


def _without_deleted(fields: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {**extra, **{key: item for key, item in fields.items() if item is not DELETE}}


def csv_row(good: dict[str, str]) -> st.SearchStrategy:
    """An ADY row as `read_csv` gives it: header name → cell text; a column can be absent, or one not declared."""
    cells = st.one_of(TEXT, BAD_DATES, HUGE_NUMBERS.map(str), st.floats().map(lambda f: str(f).replace(".", ",")))
    fields = {name: st.one_of(st.just(cell), cells, st.just(DELETE)) for name, cell in good.items()}
    return st.builds(_without_deleted, st.fixed_dictionaries(fields), st.dictionaries(TEXT, TEXT, max_size=1))


def ady_timetable_records() -> st.SearchStrategy:
    rows = st.lists(csv_row(ady_plan("5701")["rows"][0]), max_size=4)
    return st.fixed_dictionaries({"date": st.one_of(st.just("2024-03-01"), TEXT, BAD_DATES),
                                  "fetched_utc": st.one_of(st.just("2024-03-01T00:00:00Z"), BAD_DATES, TEXT),
                                  "rows": st.one_of(rows, JSON_VALUES)})


def ktz_plan_records() -> st.SearchStrategy:
    return st.fixed_dictionaries({"service_date": st.one_of(st.just("2024-03-01"), TEXT, BAD_DATES),
                                  "published_at": st.one_of(st.just("2024-02-28T18:00:00+06:00"), BAD_DATES, SCALARS),
                                  "plan": mutated(KTZ_PLAN)})


# XML can carry only these characters; anything else makes a part that is not well-formed (refused whole).
XML_TEXT = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
                     st.sampled_from(["", " ", "-", "２", "1e400", "NaN", "2024-03-01T25:61:00", "9999-12-31T23:59:00",
                                      "0001-01-01T00:00:00+14:00", "2024-03-01T07:50:00-12:00", "TNE", "kg", "true",
                                      "1", "&amp;", "]]>"]),
                     BAD_DATES, HUGE_NUMBERS.map(str))


def xml_fields(good: dict[str, Any]) -> st.SearchStrategy:
    """A Baku element's fields (attributes, child texts), each kept, changed or left out (None)."""
    def field(key: str, value: Any) -> st.SearchStrategy:
        if isinstance(value, dict):
            return st.fixed_dictionaries({k: st.one_of(st.just(v), XML_TEXT, st.none()) for k, v in value.items()})
        return st.one_of(st.just(value), XML_TEXT, st.none())
    return st.fixed_dictionaries({key: field(key, value) for key, value in good.items()})


# -- what "typed" means: the staging DDL --------------------------------------------------------------------------

INTEGER_RANGE = {"INTEGER": range(-(2**31), 2**31), "BIGINT": range(-(2**63), 2**63)}


def assert_typed(feed, rows: list[dict[str, Any]]) -> None:
    """Rows with exactly the staging columns, each value of its column's type; they make the frame stage writes."""
    assert rows, "a record gives at least one row (a plan without stops: one, to be quarantined)"
    declared = parsed_columns(feed.staging_table)
    for row in rows:
        assert list(row) == list(declared)
        for column, value in row.items():
            assert value is None or _fits(declared[column], value), (column, value)
    frame = pd.DataFrame(rows, columns=list(declared)).astype(pandas_dtypes(feed.staging_table))
    schema = pa.schema([f for f in arrow_schema(feed.staging_table) if f.name in declared])
    pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def _fits(data_type: str, value: Any) -> bool:
    if data_type == "VARCHAR":
        return isinstance(value, str) and _storable(value)
    if data_type in INTEGER_RANGE:
        return isinstance(value, int) and not isinstance(value, bool) and value in INTEGER_RANGE[data_type]
    if data_type == "DOUBLE":  # NaN: a measure that cannot be computed (a stop's dwell); never infinite
        return isinstance(value, float) and not math.isinf(value)
    if data_type == "BOOLEAN":
        return isinstance(value, bool)
    if data_type == "TIMESTAMP":
        return isinstance(value, datetime) and value.tzinfo is None
    if data_type == "DATE":
        return isinstance(value, date) and not isinstance(value, datetime)
    raise AssertionError(f"a staging type the test does not know: {data_type}")


def _storable(text: str) -> bool:
    """Text DuckDB and Parquet can hold: it encodes as UTF-8 (no lone surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parsed_or_refused(feed, record: RawRecord) -> None:
    """The property: a record the connector did not refuse parses to typed rows; a refused one names its reason."""
    if record.refused:
        assert record.refused in REFUSALS and record.data is None and record.refused_id
        assert _storable(record.text), "what is kept of a refused record can be stored"
        return
    assert_typed(feed, feed.parse(record.data))


def json_record(data: Any) -> RawRecord:
    """The record as a JSON connector makes it (KTZ, ADY rows, Aktau)."""
    return n.json_record(data, RECORD_BOUND, "test/page1/record1")


def xml_records(render, fields_list: list[dict[str, Any]], root: str = "TerminalEvents") -> list[RawRecord]:
    """The records of a Baku part made of these elements, as the client reads it (a part refused whole: one)."""
    body = (f'<{root} xmlns="urn:bistp:terminal:1" parts="1">' + "".join(map(render, fields_list)) + f"</{root}>")
    element, refused = baku.read_document(body.encode("utf-8", errors="surrogatepass"))
    if element is None:
        return [RawRecord(body, None, refused=refused, refused_id="test/2024-03-01/part1")]
    return [n.bounded(RawRecord(baku.element_text(item), item), RECORD_BOUND, "test/part1/x") for item in element]


# -- one property per parser ----------------------------------------------------------------------------------------

JSON_PARSERS = {
    "ktz-operation": (ktz.OPERATIONS, mutated(KTZ_OPERATION)),
    "ktz-consignment": (ktz.CONSIGNMENTS, mutated(KTZ_CONSIGNMENT)),
    "ktz-train-plan": (ktz.TRAIN_SCHEDULES, ktz_plan_records()),
    "ady-operation": (ady.OPERATIONS, csv_row(ADY_OPERATION)),
    "ady-shipment": (ady.SHIPMENTS, csv_row(ADY_SHIPMENT)),
    "ady-timetable-plan": (ady.TIMETABLE, ady_timetable_records()),
    "aktau-move": (aktau.MOVES, mutated(AKTAU_MOVE)),
    "aktau-vessel-call": (aktau.VESSEL_CALLS, mutated(AKTAU_CALL)),
    "aktau-manifest-line": (aktau.MANIFESTS, mutated(AKTAU_LINE)),
}
XML_PARSERS = {
    "baku-terminal-event": (baku.TERMINAL_EVENTS, baku_event, BAKU_EVENT),
    "baku-berth-call": (baku.BERTH_SCHEDULE, baku_call, BAKU_CALL),
    "baku-declaration": (baku.DECLARATIONS, baku_declaration, BAKU_DECLARATION),
}


@pytest.mark.parametrize("name", list(JSON_PARSERS))
def test_any_json_or_csv_record_parses_to_typed_rows_or_is_refused_with_a_reason(name):
    feed, records = JSON_PARSERS[name]

    @FAST
    @given(records)
    def check(data):
        parsed_or_refused(feed, json_record(data))

    check()


@pytest.mark.parametrize("name", list(XML_PARSERS))
def test_any_xml_record_parses_to_typed_rows_or_is_refused_with_a_reason(name):
    feed, render, good = XML_PARSERS[name]

    @FAST
    @given(st.lists(xml_fields(good), min_size=1, max_size=3))
    def check(fields_list):
        for record in xml_records(render, fields_list):
            parsed_or_refused(feed, record)

    check()


@pytest.mark.parametrize("name", list(XML_PARSERS))
def test_any_text_given_to_an_xml_parser_reads_as_typed_rows(name):
    """Replay hands a parser the element's text: text that is no element reads as one with every field none."""
    feed, _, _ = XML_PARSERS[name]

    @FAST
    @given(st.one_of(st.text(max_size=40), st.binary(max_size=40), st.just("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")))
    def check(text):
        assert_typed(feed, feed.parse(text))

    check()


@FAST
@given(st.binary(max_size=200), st.lists(st.lists(st.one_of(TEXT, st.just('"')), max_size=4), max_size=4))
def test_any_ady_body_reads_as_rows_of_text_or_fails_as_a_broken_page(noise, cells):
    """A CSV body: rows of header name → text (a byte that is not UTF-8 refuses only its row), or a broken page."""
    lines = "\r\n".join(";".join(row) for row in cells).encode("utf-8", errors="surrogatepass")
    for body in (noise, "\ufeffa;b\r\n".encode() + lines, noise + b"\r\n" + lines):
        try:
            rows = ady.read_csv(body)
        except FeedError as exc:
            assert "ADY" in str(exc)
            continue
        assert all(isinstance(k, str) and isinstance(v, str) for row in rows for k, v in row.items())


@FAST
@given(st.binary(max_size=200))
def test_any_baku_part_is_read_or_refused_with_a_reason(body):
    root, refused = baku.read_document(b'<?xml version="1.0"?><TerminalEvents parts="1">' + body)
    assert (root is None) == (refused in {"xml_doctype", "xml_not_well_formed"})
    root, refused = baku.read_document(body)
    assert (root is None) == (refused in {"xml_doctype", "xml_not_well_formed"})


# -- a batch of hostile records: each staged or quarantined, none lost ---------------------------------------------

BATCH_SOURCES = {key: records for key, (feed, records) in
                 {(f.operator, f.feed): (f, s) for f, s in JSON_PARSERS.values()}.items()}


def _fetched() -> Fetched:
    return Fetched("http://hostile.test/x", {"page": 1}, 200, {}, b"{}", datetime(2024, 3, 12))


@pytest.mark.parametrize("key", list(feed_registry()), ids=lambda k: f"{k[0].lower()}-{k[1]}")
def test_a_batch_of_hostile_records_is_staged_or_quarantined_record_by_record(tmp_path, key):
    """The real stage (parse → validate → Parquet): every record received is valid typed rows (what publish
    stages) or quarantined with at least one reason, or an exact repeat of one; none is neither, nothing raises."""
    feed = feed_registry()[key]
    if key in BATCH_SOURCES:
        batches = st.lists(BATCH_SOURCES[key].map(json_record), min_size=1, max_size=25)
    else:
        _, render, good = next(v for v in XML_PARSERS.values() if v[0] is feed)
        batches = st.lists(xml_fields(good), min_size=1, max_size=25).map(lambda fields: xml_records(render, fields))
    folders = iter(range(10**6))

    @BATCHES
    @given(batches)
    def check(records):
        folder = Path(tmp_path) / f"{next(folders):06d}"
        batch, _ = stage_batch(feed, "L-hostile", [Page(_fetched(), records)], folder)
        typed = set(pq.read_table(batch.path("rows")).column("_record").to_pylist())  # publish stages the valid ones
        held = pq.read_table(batch.path("quarantined")).to_pylist()
        assert all(q["reasons"] for q in held), "every quarantined record names its reasons"
        rejected = {q["_record"] for q in held}
        refused = {number for number, record in enumerate(records) if record.refused}
        assert refused <= rejected and not typed & refused, "a refused record is quarantined, never typed"
        valid = typed - rejected
        assert valid | rejected | _exact_repeats(records) == set(range(len(records))), "no record is neither"
        assert batch.records == len(valid) + len(rejected)

    check()


def _exact_repeats(records: list[RawRecord]) -> set[int]:
    """Numbers of the records that repeat an earlier one exactly: stage keeps the first (a paging artefact)."""
    seen: set[str] = set()
    repeats = set()
    for number, record in enumerate(records):
        if record.refused:
            continue  # a refused record is quarantined however often it comes
        if record.content_hash in seen:
            repeats.add(number)
        seen.add(record.content_hash)
    return repeats


def test_the_property_strategies_reach_every_parser():
    """Every registered feed is covered above: a new feed needs a strategy here too."""
    covered = {(f.operator, f.feed) for f, _ in JSON_PARSERS.values()} | {(f.operator, f.feed) for f, _, _ in
                                                                          XML_PARSERS.values()}
    assert covered == set(feed_registry())
