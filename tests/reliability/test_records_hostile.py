"""Oversized records (5) and success with data missing (6); end to end, a hostile feed publishes nothing and
leaves its watermark where it was."""
from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
from hostile_feeds import (
    ADY_ROW,
    AKTAU_MOVE,
    BAKU_EVENT,
    DATA_PATH,
    FAST,
    KTZ_OP,
    OPERATORS,
    PREFIX,
    WINDOW,
    ady_csv,
    aktau_page,
    baku_doc,
    fetch,
    ktz_page,
    normal,
    one_page,
    settings,
    token_answer,
)
from hostile_server import reply

from corridor.connectors import FeedError, feed_registry
from corridor.engine import load_feed, stage_feed
from corridor.engine.publish import watermarks

from fixtures.warehouse import fresh_warehouse

BIG = "x" * (2 * 10**6)  # one field of 2 MB, over a record bound of 1 MB


def _with_a_big_record(operator):
    """One good record and one whose field is 2 MB, as the operator sends them."""
    return {
        "KTZ": ktz_page([KTZ_OP, {**KTZ_OP, "op_id": "7700099999", "note": BIG}]),
        "ADY": ady_csv(ADY_ROW, ADY_ROW.replace("500001234503", "500001234504").replace("5701", BIG)),
        "AKTAU_PORT": aktau_page([AKTAU_MOVE, {**AKTAU_MOVE, "moveId": "m-2", "note": BIG}]),
        "BAKU_PORT": baku_doc(BAKU_EVENT, BAKU_EVENT.replace("BK-E-0001234", "BK-E-2").replace("ALAT-MT", BIG)),
    }[operator]


# -- 5. unbounded reads: a record ----------------------------------------------------------------------


@pytest.mark.parametrize("operator", OPERATORS)
def test_an_oversized_record_is_refused_for_quarantine_and_the_others_load(hostile, operator):
    server = hostile()
    server.answer = normal(operator, _with_a_big_record(operator), one_page(operator)[1])
    [page] = fetch(operator, server.url, max_record_bytes=10**6)
    good, big = page.records
    assert good.refused is None and good.data is not None
    assert big.refused == "record_too_large" and big.data is None and big.refused_id
    assert len(big.text) < 10_000 and "2000" in big.text, "a prefix and its size are kept, not 2 MB"


def test_an_oversized_record_goes_to_quarantine_with_its_reason(hostile):
    server = hostile()
    server.answer = normal("KTZ", _with_a_big_record("KTZ"))
    feed = feed_registry()[("KTZ", "tracking")]
    staged = stage_feed(settings("KTZ", server.url, max_record_bytes=10**6), feed, WINDOW, "load-big", retry_policy=FAST)
    assert staged.error is None
    [batch] = staged.batches
    quarantined = pq.read_table(batch.path("quarantined")).to_pylist()
    assert [q["reasons"] for q in quarantined if "record_too_large" in q["reasons"]] == [["record_too_large"]]
    assert len(pq.read_table(batch.path("rows"))) == 1, "the good record is the one typed row"


# -- 6. success with data missing --------------------------------------------------------------------


@pytest.mark.parametrize("operator", OPERATORS)
def test_a_body_shorter_than_its_content_length_fails_the_feed(hostile, operator):
    server = hostile()
    body, headers = one_page(operator)

    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h)
        reply(h, 200, body[: len(body) // 2], headers, length=len(body))

    server.answer = answer
    with pytest.raises(FeedError, match="gave up after 2 attempts"):
        fetch(operator, server.url)


@pytest.mark.parametrize("cut", [ADY_ROW[:30], ADY_ROW + ";extra"], ids=["final-row-cut", "row-with-extra-cells"])
def test_an_ady_row_with_the_wrong_number_of_cells_is_a_broken_page(hostile, cut):
    server = hostile()
    server.answer = normal("ADY", ady_csv(ADY_ROW, cut), {"X-Total-Pages": "1"})
    with pytest.raises(FeedError, match=r"row 2 has \d+ cells where the header has 11"):
        fetch("ADY", server.url)


@pytest.mark.parametrize("operator", OPERATORS)
def test_a_redirect_to_an_empty_answer_is_a_broken_response(hostile, operator):
    server = hostile()
    _, headers = one_page(operator)

    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h)
        if seen.path == DATA_PATH[operator]:
            return reply(h, 302, b"", {"Location": f"{PREFIX[operator]}/empty"})
        reply(h, 200, b"", headers)

    server.answer = answer
    with pytest.raises(FeedError, match="empty body .* where a document is required"):
        fetch(operator, server.url)


# -- end to end: nothing published, the watermark stays -----------------------------------------------


def _cut_mid_row(h, seen):
    reply(h, 200, ady_csv(ADY_ROW, ADY_ROW[:25]), {"X-Total-Pages": "1"})


def _short_content_length(h, seen):
    body = ady_csv(ADY_ROW, ADY_ROW)
    reply(h, 200, body[:-20], {"X-Total-Pages": "1"}, length=len(body))


def _redirect_to_empty(h, seen):
    if seen.path.endswith("/empty"):
        return reply(h, 200, b"")
    reply(h, 302, b"", {"Location": "/ady/empty"})


def _repeated_cursor(h, seen):
    reply(h, 200, ktz_page([KTZ_OP], cursor="again"))


def _aktau_empty_page_before_last(h, seen):
    if seen.path.endswith("/oauth/token"):
        return token_answer(h)
    page = int(seen.query["page"])
    reply(h, 200, aktau_page([AKTAU_MOVE] if page == 1 else [], page, total=3))


@pytest.mark.parametrize(("operator", "hostile_answer"), [
    ("ADY", _cut_mid_row), ("ADY", _short_content_length), ("ADY", _redirect_to_empty),
    ("KTZ", _repeated_cursor), ("AKTAU_PORT", _aktau_empty_page_before_last),
], ids=["ady-cut-mid-row", "ady-short-content-length", "ady-redirect-to-empty", "ktz-repeated-cursor",
        "aktau-empty-page-before-last"])
def test_a_hostile_feed_publishes_nothing_and_its_watermark_stays(hostile, tmp_path, operator, hostile_answer):
    server = hostile()
    feed = feed_registry()[(operator, "tracking")]
    config = settings(operator, server.url)
    with fresh_warehouse(tmp_path) as warehouse:
        server.answer = normal(operator)
        good = load_feed(warehouse, config, feed, WINDOW, retry_policy=FAST)
        assert good.status == "SUCCEEDED" and good.received == 1

        def published():
            con = warehouse.cursor()
            count = con.execute("SELECT count(*) FROM core.fact_equipment_event").fetchone()[0]
            con.close()
            return count, watermarks(warehouse).get((operator, "tracking"))

        before = published()
        server.answer = hostile_answer
        failed = load_feed(warehouse, config, feed, WINDOW, retry_policy=FAST)
        assert failed.status == "FAILED" and failed.error and "\n" not in failed.error
        assert published() == before
        assert json.dumps(failed.as_dict())  # the failure is plain data (meta.load), no secret types
