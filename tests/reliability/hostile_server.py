"""A hostile loopback server of the tests' own: each test scripts what it answers, the server records what it got.

`hostile()` starts one (127.0.0.1, a free port, a daemon thread); every server a test started is stopped
at its end, and a trickling or streaming answer stops by itself when the server stops.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class Hostile:
    """One server; `answer(h, seen)` writes the response for each request through `h` (the handler)."""

    def __init__(self):
        self.answer = lambda h, seen: reply(h, 404, b'{"error": "not found"}')
        self.seen: list[Seen] = []
        self.sent = 0  # body bytes written by `stream`/`trickle`
        self.stop = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, parts.path, dict(parse_qsl(parts.query)), dict(self.headers.items()),
                            self.rfile.read(length) if length else b"")
                server.seen.append(seen)
                try:
                    server.answer(self, seen)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            do_GET = do_POST = _any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.handle_error = lambda *args: None
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def reply(h, status=200, body=b"", headers=None, length=None):
    """A whole answer; `length` overrides the Content-Length sent (a lie about the body)."""
    h.send_response(status)
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.send_header("Content-Length", str(len(body) if length is None else length))
    h.send_header("Connection", "close")
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()


def trickle(h, server, body, every, headers=None):
    """`body` one byte every `every` seconds (Content-Length honest), until done or the server stops."""
    h.send_response(200)
    for name, value in (headers or {}).items():
        h.send_header(name, value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    for i in range(len(body)):
        h.wfile.write(body[i:i + 1])
        h.wfile.flush()
        server.sent += 1
        if server.stop.wait(every):
            return


def stream(h, server, total, chunk=b" " * 65536):
    """`total` bytes of filler with no Content-Length (read to the close), until done or the server stops."""
    h.send_response(200)
    h.send_header("Connection", "close")
    h.end_headers()
    while server.sent < total and not server.stop.is_set():
        h.wfile.write(chunk)
        server.sent += len(chunk)
