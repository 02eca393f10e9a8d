"""The deployments on a real Prefect server and process worker: nightly, failures, one writer at a time, backfill.

Everything runs as subprocesses, as a data engineer would run them: `prefect server start`, the feed
simulator on the real clock, `corridor deploy`, `prefect worker start --pool corridor`.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from corridor.timeutil import utcnow

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]

BIN = Path(sys.executable).parent
TERMINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
TODAY = date.today()
WINDOW = {"window_from": f"{TODAY - timedelta(days=2)}T00:00:00", "window_to": f"{TODAY - timedelta(days=1)}T00:00:00"}
BACKFILL = {"from": str(TODAY - timedelta(days=15)), "to": str(TODAY - timedelta(days=1))}  # two 7-day chunks
COMPARED = ["core.fact_equipment_event", "core.fact_consignment", "core.fact_vessel_call", "core.fact_train_stop",
            "marts.container_transit", "marts.corridor_volume_monthly", "marts.schedule_adherence_monthly",
            "marts.port_dwell_monthly", "marts.waybill_reconciliation", "marts.train_service_monthly"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


@dataclass
class Stack:
    root: Path
    api: str
    env: dict
    requests: Path

    def client(self):
        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        class _Client:
            def __enter__(inner):
                inner.settings = temporary_settings(updates={PREFECT_API_URL: self.api})
                inner.settings.__enter__()
                inner.client = get_client(sync_client=True)
                return inner.client.__enter__()

            def __exit__(inner, *exc):
                inner.client.__exit__(*exc)
                inner.settings.__exit__(*exc)

        return _Client()

    def run(self, deployment: str, parameters: dict | None = None, warehouse: Path | None = None) -> str:
        """Create a flow run of a deployment (not waiting); returns its id."""
        with self.client() as client:
            found = client.read_deployment_by_name(deployment)
            job = {"env": {"CORRIDOR_WAREHOUSE": str(warehouse)}} if warehouse else None
            run = client.create_flow_run_from_deployment(found.id, parameters=parameters or {}, job_variables=job)
            return str(run.id)

    def wait(self, flow_run_id: str, seconds: float = 600):
        def done():
            with self.client() as client:
                run = client.read_flow_run(flow_run_id)
            return run if run.state and run.state.type.value in TERMINAL else None

        return _wait_for(done, seconds, f"flow run {flow_run_id}")

    def failure(self, flow_run_id: str) -> str:
        """What a run that did not complete says: its state's message, its unfinished tasks', its errors."""
        with self.client() as client:
            said = [client.read_flow_run(flow_run_id).state.message]
        said += [f"{t.name}: {t.state.message}" for t in self.task_runs(flow_run_id) if t.state.type.value != "COMPLETED"]
        said += [log.message for log in self.logs(flow_run_id) if log.level >= 40]
        return "\n".join(str(line) for line in said)

    def task_runs(self, flow_run_id: str):
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

        with self.client() as client:
            return client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))

    def logs(self, flow_run_id: str) -> list:
        from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

        logs = []
        with self.client() as client:
            while page := client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])),
                                           limit=200, offset=len(logs)):
                logs += page
        return logs

    def automation_fired(self, name: str) -> bool:
        """Whether the automation of this name has been triggered (its event is in the server's event log)."""
        from prefect.events.filters import EventFilter, EventNameFilter

        with self.client() as client:
            page = client.read_events(EventFilter(event=EventNameFilter(prefix=["prefect.automation.triggered"])),
                                      limit=50)
        return any(e.resource.get("prefect.resource.name") == name for e in page.events)

    def artifacts(self, flow_run_id: str):
        from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

        with self.client() as client:
            return client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(
                any_=[flow_run_id])))


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    root = tmp_path_factory.mktemp("deploy")
    server_port, sim_port = _free_port(), _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CORRIDOR_", "PREFECT_"))}
    env = {**base, "PREFECT_HOME": str(root / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": f"http://127.0.0.1:{server_port}/api"}
    requests = root / "requests.log"
    procs = [
        subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(server_port)],
                         env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL),
        subprocess.Popen([sys.executable, "-m", "corridor.cli", "feeds", "serve", "--port", str(sim_port),
                          "--request-log", str(requests)], env=base, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
    ]
    try:
        _wait_for(lambda: _listening(server_port) and _listening(sim_port), 180, "the server and the simulator")
        deployed = subprocess.run([str(BIN / "corridor"), "deploy"], env=env, cwd=root, capture_output=True,
                                  text=True, timeout=180)
        assert deployed.returncode == 0, deployed.stderr
        worker_env = {**env, "CORRIDOR_WAREHOUSE": str(root / "nightly.duckdb"),
                      "CORRIDOR_START": str(TODAY - timedelta(days=1)), "CORRIDOR_WRITE_WAIT_MINUTES": "10"}
        for operator in ("ktz", "ady", "aktau", "baku"):
            worker_env[f"CORRIDOR_{operator.upper()}_URL"] = f"http://127.0.0.1:{sim_port}/{operator}"
        with open(root / "worker.log", "w") as worker_log:
            procs.append(subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", "corridor"],
                                          env=worker_env, cwd=root, stdout=worker_log, stderr=subprocess.STDOUT))
        yield Stack(root, env["PREFECT_API_URL"], worker_env, requests)
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def _contents(path: Path) -> dict[str, set]:
    """Every compared table's rows, load ids aside."""
    with duckdb.connect(str(path), read_only=True) as con:
        out = {}
        for table in COMPARED:
            columns = [c for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name || '.' || table_name = ?"
                " AND column_name <> 'load_id' ORDER BY column_index", [table]).fetchall()]
            out[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
        return {t: sorted(map(repr, rows)) for t, rows in out.items()}


def test_the_nightly_completes_with_named_runs_and_artifacts(stack):
    run = stack.wait(stack.run("corridor-sync/corridor-nightly"))
    assert run.state.type.value == "COMPLETED", run.state.message
    assert run.name.startswith("nightly ") and run.name.endswith("Z")
    tasks = stack.task_runs(str(run.id))
    from corridor.connectors import feed_registry

    feeds = [f"{operator} {feed}" for operator, feed in feed_registry()]
    assert sorted(t.name for t in tasks) == sorted(
        [f"{f} · stage" for f in feeds] + [f"{f} · publish" for f in feeds]
        + ["marts and warehouse checks", "analysts' snapshot"])
    assert {t.state.type.value for t in tasks} == {"COMPLETED"}
    artifacts = {a.key: a for a in stack.artifacts(str(run.id))}
    assert artifacts["corridor-sync-summary"].type == "markdown"
    assert "| KTZ | tracking | SUCCEEDED |" in artifacts["corridor-sync-summary"].data
    assert artifacts["corridor-sync-loads"].type == "table"
    # The product's own (stdlib) loggers reach the run's logs.
    assert any(log.name == "corridor.engine.stage" for log in stack.logs(str(run.id)))
    with duckdb.connect(stack.env["CORRIDOR_WAREHOUSE"], read_only=True) as con:
        statuses = con.execute("SELECT status, count(*) FROM meta.load GROUP BY ALL").fetchall()
        events = con.execute("SELECT count(*) FROM core.fact_equipment_event").fetchone()[0]
    assert statuses == [("SUCCEEDED", 12)] and events > 100


def test_wrong_credentials_fail_that_operator_and_the_next_run_catches_up(stack):
    from prefect.blocks.system import Secret
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: stack.api}):
        Secret(value="not-the-token").save("corridor-ktz-token", overwrite=True)
    try:
        failed = stack.wait(stack.run("corridor-sync/corridor-nightly"))
    finally:
        with temporary_settings(updates={PREFECT_API_URL: stack.api}):
            Secret(value="ktz-sim-token").save("corridor-ktz-token", overwrite=True)
    assert failed.state.type.value == "FAILED"
    tasks = {t.name: t for t in stack.task_runs(str(failed.id))}
    others = {n: t.state.message for n, t in tasks.items() if not n.startswith("KTZ ") and t.state.type.value != "COMPLETED"}
    assert others == {}
    assert failed.state.message == "failed: KTZ tracking, KTZ cargo, KTZ schedule"
    # The documented alert: the nightly's "failed" automation fires.
    _wait_for(lambda: stack.automation_fired("corridor-nightly failed"), 120, "the failed-nightly automation")
    for feed in ("tracking", "cargo", "schedule"):
        stage = tasks[f"KTZ {feed} · stage"]
        assert stage.state.type.value == "FAILED" and "credentials" in stage.state.message.lower()
        assert tasks[f"KTZ {feed} · publish"].state.type.value == "FAILED"
        assert tasks[f"ADY {feed} · publish"].state.type.value == "COMPLETED"
    with duckdb.connect(stack.env["CORRIDOR_WAREHOUSE"], read_only=True) as con:
        mark = con.execute("SELECT watermark_utc FROM meta.watermark WHERE operator_code = 'KTZ'"
                           " AND feed = 'tracking'").fetchone()
    fixed = stack.wait(stack.run("corridor-sync/corridor-nightly"))
    assert fixed.state.type.value == "COMPLETED", fixed.state.message
    with duckdb.connect(stack.env["CORRIDOR_WAREHOUSE"], read_only=True) as con:
        start = con.execute("SELECT window_from_utc FROM meta.load WHERE operator_code = 'KTZ' AND feed = 'tracking'"
                            " AND status = 'SUCCEEDED' ORDER BY started_utc DESC LIMIT 1").fetchone()[0]
    # The next run starts from the last good watermark (less the lookback), or where a first night starts:
    # the failed night is caught up.
    first_night = datetime.combine(date.fromisoformat(stack.env["CORRIDOR_START"]), datetime.min.time())
    assert start == (mark[0] - timedelta(minutes=60) if mark else first_night)


@pytest.fixture(scope="module")
def reference(stack):
    """One run of WINDOW, alone, by `corridor sync` with its temporary API: what two runs must also leave."""
    path = stack.root / "reference.duckdb"
    env = {**stack.env, "CORRIDOR_WAREHOUSE": str(path)}
    env.pop("PREFECT_API_URL")
    env["PREFECT_HOME"] = str(stack.root / "prefect-reference")
    done = subprocess.run([str(BIN / "corridor"), "sync", "--from", WINDOW["window_from"], "--to",
                           WINDOW["window_to"]], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return _contents(path)


def test_two_runs_at_once_take_turns_and_leave_what_one_leaves(stack, reference):
    path = stack.root / "twice.duckdb"
    ids = [stack.run("corridor-sync/corridor-nightly", WINDOW, warehouse=path) for _ in range(2)]
    runs = [stack.wait(i) for i in ids]
    assert [r.state.type.value for r in runs] == ["COMPLETED", "COMPLETED"]
    waited = [i for i in ids if any("waiting for corridor-warehouse" in log.message or "of waiting for another run"
                                    in log.message for log in stack.logs(i))]
    assert len(waited) == 1
    assert _contents(path) == reference


def test_two_syncs_without_a_server_take_turns_through_the_file(stack, reference):
    path = stack.root / "twice-cli.duckdb"
    env = {**stack.env, "CORRIDOR_WAREHOUSE": str(path)}
    env.pop("PREFECT_API_URL")
    procs = []
    for n in range(2):
        env_n = {**env, "PREFECT_HOME": str(stack.root / f"prefect-cli-{n}")}
        procs.append(subprocess.Popen([str(BIN / "corridor"), "sync", "--from", WINDOW["window_from"], "--to",
                                       WINDOW["window_to"]], env=env_n, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
        time.sleep(1.0)
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    assert sum("waiting for the warehouse" in out + err for out, err in outputs) == 1
    assert _contents(path) == reference


def _flow_process(flow_run_id: str) -> int | None:
    """The pid of the worker's subprocess running this flow run."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if f"PREFECT__FLOW_RUN_ID={flow_run_id}".encode() in (entry / "environ").read_bytes():
                    return int(entry.name)
            except OSError:
                continue
    return None


def test_a_killed_backfill_resumes_without_fetching_committed_chunks_again(stack):
    killed_path, whole_path = stack.root / "backfill-killed.duckdb", stack.root / "backfill-whole.duckdb"
    first = stack.run("corridor-backfill/corridor-backfill", BACKFILL, warehouse=killed_path)
    _wait_for(lambda: any("chunk 2 of 2" in log.message for log in stack.logs(first)), 600, "the second chunk")
    os.kill(_wait_for(lambda: _flow_process(first), 30, "the flow's process"), signal.SIGKILL)
    assert stack.wait(first).state.type.value in {"CRASHED", "FAILED"}
    before = len(stack.requests.read_text().splitlines())
    resumed_at = utcnow()
    second = stack.wait(stack.run("corridor-backfill/corridor-backfill", BACKFILL, warehouse=killed_path))
    assert second.state.type.value == "COMPLETED", second.state.message
    start = datetime.combine(date.fromisoformat(BACKFILL["from"]), datetime.min.time())
    with duckdb.connect(str(killed_path), read_only=True) as con:  # what the killed run had committed
        done_before = set(con.execute(
            "SELECT operator_code, feed FROM meta.load WHERE status = 'SUCCEEDED'"
            " AND window_from_utc = ? AND started_utc < ?", [start, resumed_at]).fetchall())
        failed_before = con.execute("SELECT operator_code, feed, error FROM meta.load WHERE status = 'FAILED'"
                                    " AND window_from_utc = ? AND started_utc < ?", [start, resumed_at]).fetchall()
    committed = {feed for operator, feed in done_before if operator == "KTZ"}
    assert committed, f"the first chunk had committed nothing of KTZ before the kill: {failed_before}"
    assert second.name == f"backfill {BACKFILL['from']}..{BACKFILL['to']}"
    resumed = stack.requests.read_text().splitlines()[before:]
    # The simulator's request log: no KTZ feed committed in the first chunk is fetched for it again.
    endpoints = {"tracking": "/ktz/api/v2/operations", "cargo": "/ktz/api/v2/consignments"}
    again = [line for line in resumed for feed in committed & endpoints.keys()
             if endpoints[feed] in line and f"updated_from={BACKFILL['from']}T00%3A00%3A00Z" in line]
    assert resumed and again == []
    # The resumed run says what it skipped: the whole first chunk, or all but the feeds still to do.
    said = "already committed" if len(done_before) == 12 else f": {12 - len(done_before)} feed(s)"
    assert any("chunk 1 of 2" in log.message and said in log.message for log in stack.logs(str(second.id))), \
        failed_before
    whole = stack.wait(stack.run("corridor-backfill/corridor-backfill", BACKFILL, warehouse=whole_path))
    assert whole.state.type.value == "COMPLETED", stack.failure(str(whole.id))
    assert _contents(killed_path) == _contents(whole_path)


def test_the_not_completed_by_the_deadline_automation_fires_on_a_slow_nightly(stack):
    """The 06:00 alert, with its deadline shortened: a nightly still running past it triggers the automation."""
    from corridor.flows.deploy import automations

    with stack.client() as client:
        nightly = client.read_deployment_by_name("corridor-sync/corridor-nightly")
        alert = automations(nightly.id, deadline=timedelta(seconds=10))[1]  # Prefect's least for proactive triggers
        alert.name = "corridor-nightly not completed (test deadline)"
        client.create_automation(alert)
    # Five days of feeds take well over the 10 s deadline.
    slow = {"window_from": f"{TODAY - timedelta(days=6)}T00:00:00", "window_to": f"{TODAY - timedelta(days=1)}T00:00:00"}
    run = stack.wait(stack.run("corridor-sync/corridor-nightly", slow, warehouse=stack.root / "slow.duckdb"))
    assert run.state.type.value == "COMPLETED"
    _wait_for(lambda: stack.automation_fired(alert.name), 120, "the not-completed automation")
