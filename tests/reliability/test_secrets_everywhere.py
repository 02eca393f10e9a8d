"""Issue 14's acceptance: syncs with faults, a wrong credential, a credential with a line break and an echoing
server, then every output, log, Prefect's database, artifacts, Data Docs and the warehouse searched for every
configured secret and every issued token, in every encoding the code could leak them — none found.

Set-up (one real Prefect server of the test's own, so its sqlite database can be read afterwards):
- sync 1: KTZ against the simulator with a wrong token; ADY against the simulator with an API key holding a
  line break; Aktau against the echoing server; Baku against the simulator (right credentials). Simulator
  faults on (429, 500, dropped connections, expired Aktau tokens, malformed Baku parts).
- sync 2: KTZ, ADY and Baku against the echoing server; Aktau against the simulator, its client secret read
  from the Prefect Secret block `corridor-aktau-client-secret` (no environment variable).
The echoing server answers every data request with its request (headers, query and body) in a 500 body, then
a 400 body; its token endpoint echoes the first token request and issues a token for every later one.

Searched: both syncs' stdout and stderr; every file under the warehouse folder (bytes, and for DuckDB and
Parquet files every value of every table); Prefect's home (every file's bytes, and every value of every table
of its sqlite database: logs, states, artifacts, parameters, events, blocks); the Prefect server's log; the
simulator's request log. For each secret: as is, URL-encoded (both ways), JSON-escaped, HTML-escaped, base64
(and base64 of Baku's `user:password`), on one line, and each line of a multi-line one; case-insensitively.
The searcher is first shown to find planted canaries in each kind of container, so it cannot pass vacuously.
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import html
import json
import os
import secrets as random_secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import duckdb
import pytest
import requests
from hostile_server import Hostile, reply

from corridor.simulator import Fault, SimulatorConfig, make_server
from corridor.simulator.config import SimulatorCredentials

pytestmark = pytest.mark.slow

WINDOW = ["--from", "2024-03-01", "--to", "2024-03-01T06:00"]
SIM_NOW = __import__("datetime").datetime(2024, 3, 12)
SYNC_TIMEOUT = 600
BAKU_USER = "corridor-sim"

# Characters that change under URL, JSON and HTML encoding, so that each encoded echo is searched for too.
SYNC_1 = {
    "CORRIDOR_KTZ_TOKEN": "ktz-Wr0ng-T0ken+/=&<x> 71",                 # wrong: the simulator refuses it (401)
    "CORRIDOR_ADY_API_KEY": "ady-F1rst-L1ne+/=\"q\nady-S3cond-L1ne&<w>",  # a line break: never sent
    "CORRIDOR_AKTAU_CLIENT_SECRET": "akt-Ech0-S3cret+/&=x y\"",         # sent to the echoing server
    "CORRIDOR_BAKU_PASSWORD": "bak-S1m-P4ss+/w0rd:&=zz",                 # right for the simulator
}
SYNC_2 = {
    "CORRIDOR_KTZ_TOKEN": "ktz-Ech0-T0ken+/=q&<v>",
    "CORRIDOR_ADY_API_KEY": "ady-Ech0-K3y+/=w\"&",
    "CORRIDOR_BAKU_PASSWORD": "bak-Ech0-P4ss+/=:u&<t>",
}
AKTAU_BLOCK_SECRET = "akt-Bl0ck-S3cret+/&=v w"  # from the Prefect Secret block; the simulator's client secret
SIMULATOR_ONLY = {"ktz-R1ght-T0ken-n0t-c0nfigured", "ady-R1ght-K3y-n0t-c0nfigured"}  # what the simulator expects
FAULTS = (
    Fault("429", rate=0.3, seconds=0.2),
    Fault("500", rate=0.2),
    Fault("drop", rate=0.15),
    Fault("token-expired", rate=1.0, target="aktau/tos/v1/moves"),  # every first try: a renewed token each time
    Fault("baku-malformed", rate=0.3),
)


# -- the searcher -------------------------------------------------------------------------------------------

def forms(value: str) -> set[str]:
    """Every way the code could write `value`: as is, URL-encoded, JSON- and HTML-escaped, base64, its lines."""
    found = {value, quote(value, safe=""), quote(value), quote_plus(value), json.dumps(value)[1:-1],
             json.dumps(value, ensure_ascii=False)[1:-1], html.escape(value), html.escape(value, quote=False),
             base64.b64encode(value.encode()).decode(), repr(value)[1:-1], " ".join(value.split())}
    lines = value.splitlines()
    if len(lines) > 1:
        found |= {line for line in lines if len(line) >= 6}
        found |= {f for line in lines if len(line) >= 6 for f in forms(line)}
    return {f.lower() for f in found if len(f) >= 6}


class Searcher:
    """Finds any form of any secret in text, bytes, files, DuckDB and sqlite databases and Parquet files."""

    def __init__(self, secrets: dict[str, str]):
        self.forms: dict[str, str] = {}  # lower-cased form → the secret's label
        for label, value in secrets.items():
            for form in forms(value):
                self.forms.setdefault(form, label)
        self.findings: list[str] = []
        self.searched: dict[str, int] = {}  # kind of place → how many searched

    def _count(self, kind: str) -> None:
        self.searched[kind] = self.searched.get(kind, 0) + 1

    def text(self, where: str, text: str) -> None:
        low = text.lower()
        for form, label in self.forms.items():
            if form in low:
                at = low.index(form)
                self.findings.append(f"{label} ({form!r}) in {where}: …{text[max(0, at - 80):at + 80]!r}…")

    def data(self, where: str, data: bytes) -> None:
        self.text(where, data.decode("latin-1"))

    def duckdb_file(self, path: Path) -> None:
        """Every value of every table (strings may be compressed in the file's bytes)."""
        copy = path.with_name(f".searched-{path.name}")
        shutil.copyfile(path, copy)
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        try:
            with duckdb.connect(str(copy), read_only=True) as con:
                tables = con.execute("SELECT database_name, schema_name, table_name FROM duckdb_tables()"
                                     " WHERE database_name = current_database()").fetchall()
                for db, schema, table in tables:
                    name = f'"{db}"."{schema}"."{table}"'
                    for row in con.execute(f"SELECT * FROM {name}").fetchall():
                        self.text(f"{path} table {schema}.{table}", repr(row) + " " + " ".join(map(str, row)))
                    self._count("table")
                comments = con.execute("SELECT comment FROM duckdb_columns() WHERE comment IS NOT NULL").fetchall()
                self.text(f"{path} column comments", " ".join(c for (c,) in comments))
        finally:
            copy.unlink(missing_ok=True)
            copy.with_name(copy.name + ".wal").unlink(missing_ok=True)

    def parquet_file(self, path: Path) -> None:
        with duckdb.connect() as con:
            for row in con.execute("SELECT * FROM read_parquet(?)", [str(path)]).fetchall():
                self.text(f"{path}", repr(row) + " " + " ".join(map(str, row)))
        self._count("parquet")

    def sqlite_file(self, path: Path) -> None:
        """Every value of every table of a sqlite database (Prefect's)."""
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [t for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            for table in tables:
                for row in con.execute(f'SELECT * FROM "{table}"'):
                    text = " ".join(v.decode("latin-1") if isinstance(v, bytes) else str(v) for v in row)
                    self.text(f"{path} table {table}", text)
                self._count("sqlite table")
        finally:
            con.close()

    def folder(self, root: Path) -> None:
        """Every file under `root`: its bytes, and its values if it is a database or Parquet file."""
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            if path.name.startswith(".searched-"):
                continue
            self.data(str(path), path.read_bytes())
            self._count("file")
            if path.suffix == ".duckdb":
                self.duckdb_file(path)
            elif path.suffix == ".parquet":
                self.parquet_file(path)
            elif path.suffix == ".db" and path.read_bytes()[:16] == b"SQLite format 3\x00":
                self.sqlite_file(path)


# -- the echoing server ----------------------------------------------------------------------------------

class Echo:
    """Answers with the request it got: a 500 body the first time a path is asked for, then 400 bodies.

    The token endpoint (`…/oauth/token`) echoes the first token request in a 400, then issues a token.
    """

    def __init__(self):
        self.server = Hostile()
        self.url = self.server.url
        self.issued: list[str] = []
        self.asked: set[str] = set()
        self.lock = threading.Lock()
        self.server.answer = self.answer

    def answer(self, h, seen):
        # The credentials first, so that they fall inside the excerpt an error message keeps (200 characters).
        credentials = {k: v for k, v in seen.headers.items() if k.lower() in ("authorization", "x-api-key")}
        echo = json.dumps({"you sent": credentials, "body": seen.body.decode("utf-8", "replace"),
                           "method": seen.method, "path": seen.path, "query": seen.query,
                           "headers": seen.headers}).encode()
        with self.lock:
            first = seen.path not in self.asked
            self.asked.add(seen.path)
            if seen.path.endswith("/oauth/token") and not first:
                token = f"echo-issued-{random_secrets.token_hex(12)}+/="
                self.issued.append(token)
        if seen.path.endswith("/oauth/token") and not first:
            return reply(h, 200, json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": 300}).encode(),
                         {"Content-Type": "application/json"})
        reply(h, 500 if first and not seen.path.endswith("/oauth/token") else 400, echo,
              {"Content-Type": "application/json"})

    def close(self):
        self.server.close()


class RecordingTokens(dict):
    """The simulator's live Aktau tokens, remembering every one it ever issued (expired ones are dropped)."""

    def __init__(self):
        super().__init__()
        self.ever: list[str] = []

    def __setitem__(self, key, value):
        self.ever.append(key)
        super().__setitem__(key, value)


@contextlib.contextmanager
def simulator(request_log: Path) -> Iterator[tuple[str, RecordingTokens]]:
    credentials = SimulatorCredentials(
        ktz_token=sorted(SIMULATOR_ONLY)[1], ady_api_key=sorted(SIMULATOR_ONLY)[0],
        aktau_client_secret=AKTAU_BLOCK_SECRET, baku_user=BAKU_USER, baku_password=SYNC_1["CORRIDOR_BAKU_PASSWORD"])
    config = SimulatorConfig(now=SIM_NOW, defect_rate=0.02, faults=FAULTS, credentials=credentials,
                             request_log=str(request_log))
    server = make_server("127.0.0.1", 0, config)
    tokens = RecordingTokens()
    server.simulator.tokens = tokens
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tokens
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# -- a Prefect server of the test's own ----------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def prefect_server(home: Path, log: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "PREFECT_"))}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false"}
    prefect = Path(sys.executable).with_name("prefect")
    with open(log, "w") as out:
        process = subprocess.Popen([str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                                   env=env, cwd=home, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 240
        while True:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{url}/health", timeout=2).ok:
                    break
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the Prefect server did not start"
            time.sleep(0.5)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _env(prefect_home: Path, api_url: str, warehouse: Path, urls: dict[str, str], secrets: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "PREFECT_"))}
    env |= {"PREFECT_HOME": str(prefect_home), "PREFECT_API_URL": api_url, "PREFECT_LOGGING_LEVEL": "DEBUG",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "CORRIDOR_WAREHOUSE": str(warehouse)}
    env |= {f"CORRIDOR_{op}_URL": url for op, url in urls.items()}
    return env | secrets


def _sync(env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "corridor.cli", "sync", *WINDOW], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=SYNC_TIMEOUT)


# -- the test -----------------------------------------------------------------------------------------------

@dataclasses.dataclass
class Run:
    root: Path
    warehouse: Path
    prefect_home: Path
    outputs: dict[str, str]
    secrets: dict[str, str]
    echo: Echo
    sim_tokens: list[str]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Iterator[Run]:
    root = tmp_path_factory.mktemp("secrets")
    prefect_home, warehouse = root / "prefect", root / "warehouse" / "corridor.duckdb"
    prefect_home.mkdir()
    echo = Echo()
    outputs: dict[str, str] = {}
    try:
        with simulator(root / "requests.log") as (sim, sim_tokens), \
                prefect_server(prefect_home, root / "prefect-server.log") as api_url:
            first = _sync(_env(prefect_home, api_url, warehouse, {
                "KTZ": f"{sim}/ktz", "ADY": f"{sim}/ady", "AKTAU": f"{echo.url}/aktau", "BAKU": f"{sim}/baku"},
                SYNC_1 | {"CORRIDOR_BAKU_USER": BAKU_USER}), root)
            outputs |= {"sync 1 stdout": first.stdout, "sync 1 stderr": first.stderr}
            block = subprocess.run(
                [sys.executable, "-c", "import os; from prefect.blocks.system import Secret;"
                 " Secret(value=os.environ['THE_SECRET']).save('corridor-aktau-client-secret', overwrite=True)"],
                env=_env(prefect_home, api_url, warehouse, {}, {}) | {"THE_SECRET": AKTAU_BLOCK_SECRET},
                capture_output=True, text=True, timeout=120)
            assert block.returncode == 0, block.stderr[-3000:]
            outputs |= {"block stdout": block.stdout, "block stderr": block.stderr}
            second = _sync(_env(prefect_home, api_url, warehouse, {
                "KTZ": f"{echo.url}/ktz", "ADY": f"{echo.url}/ady", "AKTAU": f"{sim}/aktau", "BAKU": f"{echo.url}/baku"},
                SYNC_2 | {"CORRIDOR_BAKU_USER": BAKU_USER}), root)
            outputs |= {"sync 2 stdout": second.stdout, "sync 2 stderr": second.stderr}
        outputs |= {"sync 1 exit": str(first.returncode), "sync 2 exit": str(second.returncode)}
        configured = {f"sync 1 {k}": v for k, v in SYNC_1.items()} | {f"sync 2 {k}": v for k, v in SYNC_2.items()}
        configured["the Aktau Secret block"] = AKTAU_BLOCK_SECRET
        for label, (user, password) in {"sync 1 Baku Basic": (BAKU_USER, SYNC_1["CORRIDOR_BAKU_PASSWORD"]),
                                        "sync 2 Baku Basic": (BAKU_USER, SYNC_2["CORRIDOR_BAKU_PASSWORD"])}.items():
            configured[label] = base64.b64encode(f"{user}:{password}".encode()).decode()
        issued = {f"echo-issued token {i}": t for i, t in enumerate(echo.issued)}
        issued |= {f"simulator-issued token {i}": t for i, t in enumerate(sim_tokens.ever)}
        issued |= {f"the simulator's own {i}": t for i, t in enumerate(sorted(SIMULATOR_ONLY))}
        yield Run(root, warehouse, prefect_home, outputs, configured | issued, echo, list(sim_tokens.ever))
    finally:
        echo.close()


def test_the_syncs_met_every_hostile_input(run):
    """Not vacuous: the credentials went where they were meant to, were echoed, and the feeds failed as they should."""
    assert run.outputs["sync 1 exit"] == "1" and run.outputs["sync 2 exit"] == "1", run.outputs["sync 2 stderr"][-3000:]
    err1, err2 = run.outputs["sync 1 stderr"], run.outputs["sync 2 stderr"]
    assert "corridor: KTZ tracking failed: KTZ tracking: the source refused the credentials (HTTP 401)" in err1
    assert "CORRIDOR_ADY_API_KEY contains a line break; the request was not sent" in err1
    assert "corridor: AKTAU_PORT tracking failed" in err1 and "corridor: BAKU_PORT" not in err1
    assert "corridor: AKTAU_PORT" not in err2
    for operator in ("KTZ", "ADY", "BAKU_PORT"):
        assert f"corridor: {operator} tracking failed" in err2 and "HTTP 400" in err2
    # The echoing server got every credential of the operators it stood in for, and answered with them.
    seen = " ".join(json.dumps([s.headers, s.body.decode("utf-8", "replace")]) for s in run.echo.server.seen)
    assert quote_plus(SYNC_1["CORRIDOR_AKTAU_CLIENT_SECRET"]) in seen
    assert run.echo.issued and all(f"Bearer {t}" in seen for t in run.echo.issued[:1])
    assert json.dumps(f"Bearer {SYNC_2['CORRIDOR_KTZ_TOKEN']}")[1:-1] in seen
    assert json.dumps(SYNC_2["CORRIDOR_ADY_API_KEY"])[1:-1] in seen
    basic = base64.b64encode(f"{BAKU_USER}:{SYNC_2['CORRIDOR_BAKU_PASSWORD']}".encode()).decode()
    assert f"Basic {basic}" in seen
    assert len(run.sim_tokens) >= 2, "the simulator issued tokens, and renewed one that expired"
    # What the product kept of the echoes is redacted, not absent: the redaction is what is being tested.
    with duckdb.connect(str(run.warehouse), read_only=True) as con:
        errors = [e for (e,) in con.execute("SELECT error FROM meta.load WHERE error IS NOT NULL").fetchall()]
    assert any("HTTP 400" in e and "***" in e for e in errors), errors


def test_the_searcher_finds_a_planted_secret_in_every_kind_of_place(run, tmp_path):
    """Canaries: one secret in one encoding per container; the searcher finds each, so a clean search means clean."""
    ady = SYNC_1["CORRIDOR_ADY_API_KEY"]
    basic = run.secrets["sync 1 Baku Basic"]
    planted = tmp_path / "planted"
    planted.mkdir()
    (planted / "a.log").write_text(f"GET /?token={quote(SYNC_1['CORRIDOR_KTZ_TOKEN'], safe='')}\n")
    (planted / "page.html").write_text(f"<td>{html.escape(SYNC_2['CORRIDOR_KTZ_TOKEN'])}</td>")
    with duckdb.connect(str(planted / "w.duckdb")) as con:
        con.execute("CREATE TABLE t AS SELECT 'x' || range AS a FROM range(5000)")
        con.execute("INSERT INTO t VALUES (?)", [ady.splitlines()[1]])
    with duckdb.connect() as con:
        con.execute(f"COPY (SELECT ? AS a FROM range(10)) TO '{planted / 'b.parquet'}' (COMPRESSION zstd)",
                    [json.dumps({"auth": f"Basic {basic}"})])
    shutil.copyfile(run.prefect_home / "prefect.db", planted / "prefect.db")
    with sqlite3.connect(planted / "prefect.db") as con:
        con.execute("CREATE TABLE canary (note TEXT)")
        con.execute("INSERT INTO canary VALUES (?)", [json.dumps({"token": run.sim_tokens[0]})])
    searcher = Searcher(run.secrets)
    searcher.folder(planted)
    searcher.text("an output", f"KEY={json.dumps(ady)}")
    found = " ".join(searcher.findings)
    for label in ("sync 1 CORRIDOR_KTZ_TOKEN", "sync 2 CORRIDOR_KTZ_TOKEN", "sync 1 CORRIDOR_ADY_API_KEY",
                  "sync 1 Baku Basic", "simulator-issued token 0"):
        assert f"{label} (" in found, f"the canary of {label} was not found"
    assert f"{planted / 'w.duckdb'} table main.t" in found and f"{planted / 'b.parquet'}" in found
    assert f"{planted / 'prefect.db'} table canary" in found


def test_no_secret_and_no_issued_token_is_anywhere(run):
    searcher = Searcher(run.secrets)
    for where, text in run.outputs.items():
        searcher.text(where, text)
    searcher.folder(run.warehouse.parent)  # the warehouse, its snapshot, the spool, Data Docs
    searcher.folder(run.prefect_home)  # Prefect's database (every table), result storage, its own logs
    for log in ("prefect-server.log", "requests.log"):
        searcher.data(log, (run.root / log).read_bytes())
    assert searcher.findings == [], "\n".join(searcher.findings[:40])
    # What was searched is what the syncs left: the databases with their tables, Data Docs, Prefect's logs.
    assert searcher.searched.get("sqlite table", 0) >= 20 and searcher.searched.get("table", 0) >= 20, searcher.searched
    assert any((run.warehouse.parent / "docs").rglob("*.html")), "Data Docs were written and searched"
    with sqlite3.connect(f"file:{run.prefect_home / 'prefect.db'}?mode=ro", uri=True) as con:
        logs = [m for (m,) in con.execute("SELECT message FROM log")]
        artifacts = con.execute("SELECT count(*) FROM artifact").fetchone()[0]
        states = [m for (m,) in con.execute("SELECT message FROM task_run_state WHERE message IS NOT NULL")]
    assert any("contains a line break" in m for m in logs) and any("***" in m for m in logs), "Prefect's logs searched"
    assert artifacts >= 4 and any("HTTP 400" in m for m in states), "artifacts and task run states searched"
