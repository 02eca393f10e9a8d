"""The HTTP boundary against a scripted loopback server: what it retries, what it never retries."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from corridor.connectors import CredentialsRefused, FeedError, HttpClient, RetryPolicy

FAST = RetryPolicy(attempts=5, base_seconds=0.01, read_timeout=0.5)


class Script:
    """Answers requests from a list of (status, headers, body) steps; 'drop' closes mid-body; 'slow' stalls."""

    def __init__(self, steps):
        self.steps = list(steps)
        self.calls = 0


@pytest.fixture
def server():
    script = Script([])

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            step = script.steps[min(script.calls, len(script.steps) - 1)]
            script.calls += 1
            if step == "drop":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'{"partial":')
                self.wfile.flush()
                self.connection.close()
                return
            if step == "slow":
                threading.Event().wait(1.5)
                step = (200, {}, b"late")
            status, headers, body = step
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield script, f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_retries_429_503_and_dropped_connections(server):
    script, url = server
    script.steps = [(429, {"Retry-After": "0"}, b""), (503, {}, b""), "drop", (200, {}, b"ok")]
    fetched = HttpClient("T feed", FAST).request("GET", url + "/x", params={"a": 1})
    assert fetched.content == b"ok" and script.calls == 4
    assert fetched.params == {"a": 1} and len(fetched.content_hash) == 64


def test_timeout_then_retry(server):
    script, url = server
    script.steps = ["slow", (200, {}, b"ok")]
    assert HttpClient("T feed", FAST).request("GET", url).content == b"ok"
    assert script.calls == 2


def test_waits_at_least_retry_after():
    policy = RetryPolicy(base_seconds=0.01)
    assert policy.backoff(1, 3.0) == 3.0
    assert 1.0 <= RetryPolicy().backoff(1, None) <= 1.25
    # The default policy makes at least 5 attempts spread over at least 30 seconds.
    default = RetryPolicy()
    assert default.attempts >= 5
    assert sum(default.backoff(a, None) for a in range(1, default.attempts)) >= 30


@pytest.mark.parametrize("status", [400, 404])
def test_never_retries_client_errors(server, status):
    script, url = server
    script.steps = [(status, {}, b"bad parameter: limit")]
    with pytest.raises(FeedError, match=f"HTTP {status}"):
        HttpClient("T feed", FAST).request("GET", url)
    assert script.calls == 1


def test_401_is_refused_credentials_without_retry(server):
    script, url = server
    script.steps = [(401, {}, b"")]
    with pytest.raises(CredentialsRefused, match="T feed: the source refused the credentials"):
        HttpClient("T feed", FAST).request("GET", url, headers={"Authorization": "Bearer sekret"})
    assert script.calls == 1


def test_gives_up_after_its_attempts(server):
    script, url = server
    script.steps = [(503, {}, b"")]
    with pytest.raises(FeedError, match="gave up after 5 attempts"):
        HttpClient("T feed", FAST).request("GET", url)
    assert script.calls == 5
