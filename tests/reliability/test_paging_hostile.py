"""Paging that never ends (3): repeated cursors, absurd page counts, empty pages before the last, no page count.

Every fetch here is consumed through `islice`, so that the code before the fix (which pages forever) ends too.
"""
from __future__ import annotations

import itertools

import pytest
from hostile_feeds import (
    ADY_ROW,
    AKTAU_MOVE,
    BAKU_EVENT,
    KTZ_OP,
    WINDOW,
    ady_csv,
    aktau_page,
    baku_doc,
    connect,
    ktz_page,
    token_answer,
)
from hostile_server import reply

from corridor.connectors import FeedError


def _pages(operator, url, limit=50, **overrides):
    client, feed = connect(operator, url, **overrides)
    try:
        return list(itertools.islice(feed.fetch(client, WINDOW), limit))
    finally:
        client.http.close()


def test_a_ktz_cursor_seen_before_fails_the_feed(hostile):
    server = hostile()
    server.answer = lambda h, seen: reply(h, 200, ktz_page([KTZ_OP], cursor="again"))
    with pytest.raises(FeedError, match="repeated a cursor after 2 pages"):
        _pages("KTZ", server.url)
    assert len(server.seen) == 2


def test_ktz_cursors_without_end_stop_at_the_page_cap(hostile):
    server = hostile()
    server.answer = lambda h, seen: reply(h, 200, ktz_page([KTZ_OP], cursor=f"c{len(server.seen)}"))
    with pytest.raises(FeedError, match="more than 10 pages in one window"):
        _pages("KTZ", server.url, max_pages_per_window=10)
    assert len(server.seen) == 10


def _aktau(pages):
    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h)
        page = int(seen.query["page"])
        items, total = pages(page)
        reply(h, 200, aktau_page(items, page, total))
    return answer


def test_an_aktau_total_of_a_billion_empty_pages_fails_at_once(hostile):
    server = hostile()
    server.answer = _aktau(lambda page: ([], 10**9))
    with pytest.raises(FeedError, match="totalPages declares 1000000000 pages, more than 10000"):
        _pages("AKTAU_PORT", server.url)
    assert len(server.seen) == 2  # the token and page 1


def test_an_aktau_page_empty_before_the_last_fails_the_feed(hostile):
    server = hostile()
    server.answer = _aktau(lambda page: ([AKTAU_MOVE] if page == 1 else [], 5))
    with pytest.raises(FeedError, match="page 2 of 5 came back empty"):
        _pages("AKTAU_PORT", server.url)


def test_an_aktau_answer_without_total_pages_fails_the_feed(hostile):
    server = hostile()

    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h)
        reply(h, 200, b'{"page": 1, "items": []}')

    server.answer = answer
    with pytest.raises(FeedError, match="no readable page count"):
        _pages("AKTAU_PORT", server.url)


def _ady(total_pages, rows_of):
    def answer(h, seen):
        headers = {} if total_pages is None else {"X-Total-Pages": str(total_pages)}
        reply(h, 200, ady_csv(*rows_of(int(seen.query["page"]))), headers)
    return answer


def test_an_ady_answer_without_x_total_pages_fails_the_feed(hostile):
    server = hostile()
    server.answer = _ady(None, lambda page: [ADY_ROW] if page == 1 else [])
    with pytest.raises(FeedError, match=r"no readable page count \(X-Total-Pages\)"):
        _pages("ADY", server.url)


def test_an_ady_total_of_a_billion_pages_fails_at_once(hostile):
    server = hostile()
    server.answer = _ady(10**9, lambda page: [ADY_ROW])
    with pytest.raises(FeedError, match="X-Total-Pages declares 1000000000 pages"):
        _pages("ADY", server.url)
    assert len(server.seen) == 1


def test_an_ady_page_empty_before_the_last_fails_the_feed(hostile):
    server = hostile()
    server.answer = _ady(3, lambda page: [ADY_ROW] if page != 2 else [])
    with pytest.raises(FeedError, match="page 2 of 3 came back empty"):
        _pages("ADY", server.url)


def test_baku_parts_of_a_billion_fail_at_once(hostile):
    server = hostile()
    server.answer = lambda h, seen: reply(h, 200, baku_doc(BAKU_EVENT, parts=10**9, part=int(seen.query["part"])))
    with pytest.raises(FeedError, match="parts declares 1000000000 pages"):
        _pages("BAKU_PORT", server.url)
    assert len(server.seen) == 1


def test_a_baku_walk_of_unreadable_parts_without_a_400_stops_at_the_page_cap(hostile):
    server = hostile()
    server.answer = lambda h, seen: reply(h, 200, b"<TerminalEvents><not-well-formed")
    with pytest.raises(FeedError, match="more than 20 pages in one window"):
        _pages("BAKU_PORT", server.url, max_pages_per_window=20)
    assert len(server.seen) == 20
