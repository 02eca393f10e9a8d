"""The HTTP boundary against hostile sources: secrets in output (1), secrets sent elsewhere (2), no deadline (4),
unbounded bodies (5). Each test runs a real connector against a hostile loopback server of its own."""
from __future__ import annotations

import base64
import itertools
import json
import time
from urllib.parse import quote, quote_plus

import pytest
from hostile_feeds import (
    DATA_PATH,
    ISSUED_TOKEN,
    OPERATORS,
    PREFIX,
    SECRETS,
    WINDOW,
    connect,
    fetch,
    ktz_page,
    normal,
    one_page,
    settings,
    token_answer,
)
from hostile_server import reply, stream, trickle

from corridor.connectors import FeedError, feed_registry
from corridor.engine import stage_feed

# -- 1. secrets in output ----------------------------------------------------------------------------

BASIC = base64.b64encode(f"corridor-sim:{SECRETS['baku_password']}".encode()).decode()


def _forms(value):
    return {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1], value[:8]}


SECRET_FORMS = set().union(*(_forms(v) for v in [*SECRETS.values(), ISSUED_TOKEN]), {BASIC, BASIC[:12]})


def assert_no_secret(text):
    leaked = sorted(form for form in SECRET_FORMS if form in text)
    assert not leaked, f"secrets in {text!r}"


def echo(h, seen):
    """A 400 that quotes the request back: credentials first, then the body, then the other headers."""
    first = {k: v for k, v in seen.headers.items() if k.lower() in ("authorization", "x-api-key")}
    rest = {k: v for k, v in seen.headers.items() if k not in first}
    text = "".join(f"{k}: {v}\n" for k, v in first.items()) + seen.body.decode() + "\n" + \
        "".join(f"{k}: {v}\n" for k, v in rest.items())
    reply(h, 400, ("bad request, you sent:\n" + text).encode())


def echo_data_only(h, seen):
    return token_answer(h) if seen.path.endswith("/oauth/token") else echo(h, seen)


@pytest.mark.parametrize(("operator", "answer"), [
    ("KTZ", echo), ("ADY", echo), ("AKTAU_PORT", echo), ("AKTAU_PORT", echo_data_only), ("BAKU_PORT", echo),
], ids=["ktz-bearer", "ady-api-key", "aktau-token-form", "aktau-issued-token", "baku-basic"])
def test_a_server_that_echoes_the_request_gets_no_secret_into_the_error(hostile, operator, answer):
    server = hostile()
    server.answer = answer
    with pytest.raises(FeedError) as failed:
        fetch(operator, server.url)
    text = str(failed.value)
    assert_no_secret(text + repr(failed.value))
    assert "HTTP 400" in text and "***" in text, "the excerpt is kept, redacted"
    assert "\n" not in text


@pytest.mark.parametrize(("operator", "setting", "variable"), [
    ("KTZ", "ktz_token", "CORRIDOR_KTZ_TOKEN"), ("ADY", "ady_api_key", "CORRIDOR_ADY_API_KEY"),
])
def test_a_credential_with_a_line_break_is_refused_before_sending(hostile, operator, setting, variable):
    server = hostile()
    server.answer = normal(operator)
    with pytest.raises(FeedError) as failed:
        fetch(operator, server.url, **{setting: "first-half-secret\r\nX-Injected: second-half-secret"})
    text = str(failed.value)
    assert variable in text and "line break" in text and "\n" not in text
    assert "first-half" not in text and "second-half" not in text
    assert server.seen == [], "nothing was sent"


def test_an_issued_token_with_a_line_break_is_refused_before_sending(hostile):
    server = hostile()

    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h, "issued-first-half\nX-Injected: issued-second-half")
        reply(h, 200, one_page("AKTAU_PORT")[0])

    server.answer = answer
    with pytest.raises(FeedError) as failed:
        fetch("AKTAU_PORT", server.url)
    text = str(failed.value)
    assert "access token" in text and "line break" in text and "issued-" not in text
    assert [s.path for s in server.seen] == ["/aktau/oauth/token"], "the data request was never sent"


def test_a_staged_feed_with_a_broken_credential_fails_in_one_line_naming_the_setting(hostile):
    server = hostile()
    server.answer = normal("KTZ")
    feed = feed_registry()[("KTZ", "tracking")]
    staged = stage_feed(settings("KTZ", server.url, ktz_token="secret-one\nsecret-two"), feed, WINDOW, "load-1")
    assert staged.error and "CORRIDOR_KTZ_TOKEN" in staged.error and "\n" not in staged.error
    assert "secret-one" not in staged.error and not staged.batches


# -- 2. secrets sent elsewhere -----------------------------------------------------------------------


def _redirect_to(target, status):
    def answer(h, seen):
        query = "&".join(f"{k}={v}" for k, v in seen.query.items())
        reply(h, status, b"", {"Location": f"{target}{seen.path}?{query}"})
    return answer


@pytest.mark.parametrize(("operator", "status"), [
    ("KTZ", 302), ("ADY", 302), ("ADY", 307), ("AKTAU_PORT", 307), ("AKTAU_PORT", 308), ("BAKU_PORT", 301),
])
def test_a_redirect_to_another_origin_gets_no_credentials_and_fails_the_feed(hostile, operator, status):
    server, elsewhere = hostile(), hostile()
    server.answer = _redirect_to(elsewhere.url, status)
    elsewhere.answer = normal(operator)
    with pytest.raises(FeedError, match="redirected to another origin") as failed:
        fetch(operator, server.url)
    assert f"credentials are sent only to {server.url}" in str(failed.value)
    assert elsewhere.url in str(failed.value)
    assert elsewhere.seen == [], "nothing at all went to the other origin"
    assert_no_secret(str(failed.value))


@pytest.mark.parametrize("operator", ["KTZ", "ADY", "BAKU_PORT"])
def test_a_same_origin_redirect_is_followed_with_the_credentials(hostile, operator):
    server = hostile()
    body, headers = one_page(operator)

    def answer(h, seen):
        if seen.path == DATA_PATH[operator]:
            return reply(h, 302, b"", {"Location": f"{PREFIX[operator]}/moved?{'&'.join(f'{k}={v}' for k, v in seen.query.items())}"})
        reply(h, 200, body, headers)

    server.answer = answer
    [page] = fetch(operator, server.url)
    assert len(page.records) == 1
    moved = server.seen[-1]
    assert moved.path.endswith("/moved")
    assert {"KTZ": "Authorization", "ADY": "X-Api-Key", "BAKU_PORT": "Authorization"}[operator] in moved.headers


# -- 4. no overall deadline --------------------------------------------------------------------------


@pytest.mark.parametrize("operator", OPERATORS)
def test_a_body_trickled_a_byte_at_a_time_hits_the_request_deadline(hostile, operator):
    server = hostile()
    body, headers = one_page(operator)

    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h)
        trickle(h, server, body, every=0.2, headers=headers)

    server.answer = answer
    started = time.monotonic()
    with pytest.raises(FeedError, match="deadline of 1 s passed"):
        fetch(operator, server.url, http_request_deadline_seconds=1)
    assert time.monotonic() - started < 5, "two attempts of about a second each, not the whole trickle"


def test_a_feed_whose_pages_never_end_hits_the_feed_deadline(hostile):
    server = hostile()
    pages = itertools.count()

    def answer(h, seen):
        time.sleep(0.2)
        reply(h, 200, ktz_page([], cursor=f"c{next(pages)}"))

    server.answer = answer
    client, feed = connect("KTZ", server.url, http_feed_deadline_seconds=1)
    started = time.monotonic()
    with pytest.raises(FeedError, match="feed's fetch passed its deadline of 1 s"):
        list(itertools.islice(feed.fetch(client, WINDOW), 25))
    assert time.monotonic() - started < 3


# -- 5. unbounded reads: the body --------------------------------------------------------------------


@pytest.mark.parametrize("operator", OPERATORS)
def test_an_endless_body_is_refused_at_the_bound_without_reading_it_all(hostile, operator):
    server = hostile()

    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h)
        stream(h, server, total=64 * 2**20)

    server.answer = answer
    with pytest.raises(FeedError, match="over the bound of 1048576 bytes"):
        fetch(operator, server.url, http_max_body_bytes=2**20)
    assert server.sent < 32 * 2**20, "reading stopped at the bound"


def test_a_declared_length_over_the_bound_is_refused_before_reading(hostile):
    server = hostile()

    def answer(h, seen):
        h.send_response(200)
        h.send_header("Content-Length", str(300 * 2**20))
        h.end_headers()
        server.stop.wait(10)

    server.answer = answer
    started = time.monotonic()
    with pytest.raises(FeedError, match="declares 314572800 bytes, over the bound"):
        fetch("KTZ", server.url, http_max_body_bytes=2**20)
    assert time.monotonic() - started < 2
