"""HTTP server: one port, four operators under /ktz, /ady, /aktau, /baku; embedded (thread) or blocking."""
from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .config import SimulatorConfig
from .http import Response, json_response
from .service import Simulator


def _routes():
    from . import ady, aktau, baku, ktz

    return {"ktz": ktz.handle, "ady": ady.handle, "aktau": aktau.handle, "baku": baku.handle}


_LOG_LOCK = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "CorridorFeedSimulator/1.0"
    sim: Simulator
    routes: dict

    def log_message(self, format, *args):  # noqa: A002 - quiet; and never log request headers (secrets)
        pass

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        if self.sim.config.request_log:  # the path and query only: credentials travel in headers and bodies
            with _LOG_LOCK, open(self.sim.config.request_log, "a", encoding="utf-8") as log:
                log.write(f"{method} {self.path}\n")
        url = urlsplit(self.path)
        parts = url.path.lstrip("/").split("/", 1)
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body = b""
        if method == "POST":
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
        route = self.routes.get(parts[0])
        if route is None:
            return self._send(json_response(404, {"error": "not found"}))
        sub = "/" + (parts[1] if len(parts) > 1 else "")
        fault = None
        if method == "GET":
            key = f"{url.path}?{'&'.join(f'{k}={v}' for k, v in sorted(query.items()))}"
            fault = self.sim.faults.transient(url.path.lstrip("/"), key)
        if fault is not None and fault.kind in ("429", "500", "502", "503"):
            status = int(fault.kind)
            headers = {"Retry-After": str(int(fault.seconds if fault.seconds is not None else 1))} if status == 429 else {}
            return self._send(json_response(status, {"error": "rate limited" if status == 429 else "temporarily unavailable"}, headers))
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.seconds if fault.seconds is not None else 5.0)
        try:
            if parts[0] == "aktau":
                resp = route(self.sim, method, sub, query, self.headers, body, fault)
            else:
                resp = route(self.sim, method, sub, query, self.headers)
        except Exception as exc:  # a bug in the simulator must not look like a transient server fault forever
            resp = json_response(500, {"error": f"simulator error: {type(exc).__name__}"})
        self._send(resp, drop=fault is not None and fault.kind == "drop")

    def _send(self, resp: Response, drop: bool = False) -> None:
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(resp.body)))
        self.end_headers()
        if drop:
            # Half the body, then the connection goes away: the client sees a truncated read.
            self.wfile.write(resp.body[: len(resp.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(resp.body)


def make_server(host: str, port: int, config: SimulatorConfig) -> ThreadingHTTPServer:
    """A threading server (not started) answering for a new Simulator of `config`, reachable as server.simulator."""
    sim = Simulator(config)
    handler = type("Handler", (_Handler,), {"sim": sim, "routes": _routes()})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.simulator = sim  # type: ignore[attr-defined]
    return server


def serve(host: str, port: int, config: SimulatorConfig) -> None:
    """Run the simulator in the foreground until interrupted."""
    server = make_server(host, port, config)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@contextlib.contextmanager
def run_embedded(config: SimulatorConfig) -> Iterator[str]:
    """Serve on a free loopback port in a background thread; yields the base URL, stops and joins on exit."""
    server = make_server("127.0.0.1", 0, config)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="feed-simulator", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
