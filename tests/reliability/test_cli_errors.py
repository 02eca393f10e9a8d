"""Issue 14, class 10: every CLI command, every setting, every broken warehouse — one line, never a traceback.

Each case runs the installed command as a real subprocess (`python -m corridor.cli …`) and checks standard
error: exactly one line, no "Traceback", the exit status operations.md asks for, and the line naming the
problem. The rule where operations.md is silent (docs/reliability.md, "Tracebacks instead of one line"):
- a bad argument or setting (unparseable, out of range, a folder where a file is meant) is exit 2;
- a file that exists but cannot be read or written (the warehouse, the snapshot, a report, a request log)
  and a server that cannot be reached are exit 1, naming the file or server (for `sync`: and every
  selected feed, none of which loaded).

The operators' URLs point at a closed port, so a case that wrongly got as far as fetching would fail slowly
(and be cut off by the timeout) instead of reaching a real source.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from corridor.warehouse import Warehouse

TIMEOUT = float(os.environ.get("CORRIDOR_TEST_CLI_TIMEOUT", "120"))
CLOSED = "http://127.0.0.1:9"  # the discard port: nothing listens there
KTZ_CARGO = ["--source", "KTZ", "--feed", "cargo"]
WINDOW = ["--from", "2024-03-01", "--to", "2024-03-02"]
# A bind mount or chattr is not at hand; without the capabilities that let root ignore permission bits,
# root is held to them like any user, so read-only files and folders are read-only for the test.
NO_OVERRIDE = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
               "--bounding-set=-dac_override,-dac_read_search"]


def corridor(*argv: str, cwd: Path, env: dict[str, str] | None = None, drop_root: bool = False,
             timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """`corridor argv` in `cwd`, with no CORRIDOR_* or PREFECT_API_URL inherited and dead operator URLs."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CORRIDOR_") and k != "PREFECT_API_URL"}
    base.update({f"CORRIDOR_{op}_URL": f"{CLOSED}/{op.lower()}" for op in ("KTZ", "ADY", "AKTAU", "BAKU")})
    base["PREFECT_HOME"] = str(cwd / ".prefect")
    base.update(env or {})
    command = [sys.executable, "-m", "corridor.cli", *argv]
    if drop_root and os.geteuid() == 0:
        command = NO_OVERRIDE + command
    # Its own process group: a command cut off by the timeout takes whatever it started (a Prefect server) along.
    with subprocess.Popen(command, cwd=cwd, env=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
            pytest.fail(f"`corridor {' '.join(argv)}` still ran after {timeout:g} s:\n{err[-2000:]}")
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def one_line(done: subprocess.CompletedProcess, status: int, *words: str) -> str:
    """Standard error is one line naming `words`, without a traceback, and the exit status is `status`."""
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    lines = done.stderr.splitlines()
    assert len(lines) == 1, f"{len(lines)} lines on stderr:\n{done.stderr[-3000:]}"
    assert done.returncode == status, f"exit {done.returncode}: {done.stderr}"
    for word in words:
        assert word in lines[0], f"{word!r} not in {lines[0]!r}"
    return lines[0]


# -- the files ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory) -> Path:
    """One bootstrapped warehouse, copied by each test that needs one."""
    path = tmp_path_factory.mktemp("real") / "corridor.duckdb"
    with Warehouse(path) as wh:
        wh.bootstrap()
    return path


@pytest.fixture
def files(tmp_path, real_warehouse):
    """Broken and good warehouse files side by side in the test's folder."""
    good = tmp_path / "good" / "corridor.duckdb"
    good.parent.mkdir()
    shutil.copyfile(real_warehouse, good)
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "a-folder").mkdir()
    corrupt = tmp_path / "corrupt" / "corridor.duckdb"
    corrupt.parent.mkdir()
    corrupt.write_bytes(os.urandom(400_000))
    truncated = tmp_path / "truncated" / "corridor.duckdb"
    truncated.parent.mkdir()
    data = real_warehouse.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    return {"good": good, "corrupt": corrupt, "truncated": truncated, "under-a-file": tmp_path / "a-file" / "w.duckdb",
            "a-folder": tmp_path / "a-folder", "missing-parent": tmp_path / "no" / "such" / "w.duckdb"}


def _read_only_supported(tmp_path: Path) -> bool:
    if os.geteuid() != 0:
        return True
    return shutil.which("setpriv") is not None and subprocess.run(
        [*NO_OVERRIDE, "true"], capture_output=True).returncode == 0


@pytest.fixture
def read_only(tmp_path, real_warehouse):
    """A read-only warehouse file in a writable folder, and a warehouse in a read-only folder."""
    # util-linux's setpriv is in every Debian; without it (as root) these cases could not fail, so they must not pass
    assert _read_only_supported(tmp_path), "running as root without setpriv: permission bits cannot be made to hold"
    ro_file = tmp_path / "ro-file" / "corridor.duckdb"
    ro_file.parent.mkdir()
    shutil.copyfile(real_warehouse, ro_file)
    ro_file.chmod(0o444)
    ro_folder = tmp_path / "ro-folder"
    ro_folder.mkdir()
    shutil.copyfile(real_warehouse, ro_folder / "corridor.duckdb")
    for name in ("spool", "docs"):  # what a sync writes beside the warehouse exists already: only the folder is shut
        (ro_folder / name).mkdir()
    ro_folder.chmod(0o555)
    yield {"file": ro_file, "folder": ro_folder / "corridor.duckdb", "new-in-folder": ro_folder / "new.duckdb"}
    ro_folder.chmod(0o755)


# -- bad arguments: exit 2 ---------------------------------------------------------------------------

BAD_ARGUMENTS = [
    # sync: the window (operations.md: UTC dates; [--from, --to))
    ("sync-from-9999", ["sync", "--from", "9999-12-30", "--to", "9999-12-31"], ["'--from'", "in the future"]),
    ("sync-to-9999", ["sync", "--from", "2024-03-01", "--to", "9999-12-31"], ["'--to'", "in the future"]),
    ("sync-from-0001", ["sync", "--from", "0001-01-01", "--to", "2024-03-02"], ["'--from'", "before 2000-01-01"]),
    ("sync-from-0001-with-offset", ["sync", "--from", "0001-01-01T00:00+05:00", "--to", "2024-03-02"], ["'--from'"]),
    ("sync-to-9999-with-offset", ["sync", "--from", "2024-03-01", "--to", "9999-12-31T23:00-05:00"], ["'--to'"]),
    ("sync-from-after-to", ["sync", "--from", "2024-03-02", "--to", "2024-03-01"], ["--to must be after --from"]),
    ("sync-empty-window", ["sync", "--from", "2024-03-01", "--to", "2024-03-01"], ["--to must be after --from"]),
    ("sync-february-30", ["sync", "--from", "2024-02-30", "--to", "2024-03-01"], ["'--from'", "not a date"]),
    ("sync-from-alone", ["sync", "--from", "2024-03-01"], ["--from and --to go together"]),
    ("sync-bad-source", ["sync", "--source", "NOPE", *WINDOW], ["'--source'"]),
    ("sync-bad-feed", ["sync", "--feed", "weather", *WINDOW], ["'--feed'"]),
    ("sync-bad-option", ["sync", "--bogus"], ["No such option"]),
    # demo
    ("demo-9999", ["demo", "--from", "9999-12-30", "--to", "9999-12-31"], ["'--from'", "in the future"]),
    ("demo-0001", ["demo", "--from", "0001-01-01"], ["'--from'", "before 2000-01-01"]),
    ("demo-from-after-to", ["demo", "--from", "2024-03-02", "--to", "2024-03-01"], ["--to must be after --from"]),
    ("demo-warehouse-a-folder", ["demo", "--warehouse", "."], ["'--warehouse'", "is a directory"]),
    # feeds serve
    ("serve-now-9999", ["feeds", "serve", "--port", "0", "--now", "9999-12-31"], ["'--now'", "after 2100-01-01"]),
    ("serve-now-0001", ["feeds", "serve", "--port", "0", "--now", "0001-01-01"], ["'--now'", "before 2000-01-01"]),
    ("serve-scale-nan", ["feeds", "serve", "--port", "0", "--scale", "nan"], ["'--scale'"]),
    ("serve-scale-huge", ["feeds", "serve", "--port", "0", "--scale", "1e300"], ["'--scale'"]),
    ("serve-scale-zero", ["feeds", "serve", "--port", "0", "--scale", "0"], ["'--scale'"]),
    ("serve-defect-rate-nan", ["feeds", "serve", "--port", "0", "--defect-rate", "nan"], ["'--defect-rate'"]),
    ("serve-defect-rate-2", ["feeds", "serve", "--port", "0", "--defect-rate", "2"], ["'--defect-rate'"]),
    ("serve-port-99999", ["feeds", "serve", "--port", "99999"], ["'--port'"]),
    ("serve-port-negative", ["feeds", "serve", "--port", "-1"], ["'--port'"]),
    ("serve-fault-unknown", ["feeds", "serve", "--port", "0", "--fault", "nope"], ["--fault"]),
    ("serve-fault-rate-2", ["feeds", "serve", "--port", "0", "--fault", "429:2"], ["--fault"]),
    ("serve-host-unknown", ["feeds", "serve", "--port", "0", "--host", "no.such.host.invalid"], ["--host"]),
    ("serve-host-not-an-address", ["feeds", "serve", "--port", "0", "--host", "999.1.1.1"], ["--host"]),
    ("serve-request-log-a-folder", ["feeds", "serve", "--port", "0", "--request-log", "."], ["'--request-log'"]),
    # query: empty, comment-only and bad SQL (operations.md: one line and exit 2)
    ("query-no-sql", ["query"], ["Missing argument"]),
    ("query-empty", ["query", "--", ""], ["no SQL given"]),
    ("query-whitespace", ["query", "--", " \t\n "], ["no SQL given"]),
    ("query-line-comment", ["query", "--", "-- only a comment"], ["no SQL given"]),
    ("query-block-comment", ["query", "--", "/* only a comment */"], ["no SQL given"]),
    ("query-semicolons", ["query", "--", ";;"], ["no SQL given"]),
    ("query-syntax", ["query", "SELEC 1"], ["bad SQL", "Parser Error"]),
    ("query-no-table", ["query", "SELECT * FROM core.no_such_table"], ["bad SQL", "Catalog Error"]),
    ("query-conversion", ["query", "SELECT 'x'::INTEGER"], ["bad SQL", "Conversion Error"]),
    ("query-two-statements", ["query", "SELECT 1; SELECT 2"], ["2 statements"]),
    ("query-writes", ["query", "DELETE FROM core.dim_operator"], ["refused", "DELETE"]),
    ("query-bad-format", ["query", "--format", "xml", "SELECT 1"], ["'--format'"]),
    # track (operations.md: 2 when the ID is not a valid number)
    ("track-not-an-id", ["track", "NOT-AN-ID"], ["'ID'"]),
    ("track-check-digit", ["track", "CSQU3054384"], ["check digit"]),
    ("track-no-id", ["track"], ["Missing argument"]),
    # report
    ("report-out-a-folder", ["report", "--out", "."], ["'--out'", "is a directory"]),
    # deploy
    ("deploy-no-api-url", ["deploy"], ["PREFECT_API_URL is not set"]),
    ("deploy-pool-empty", ["deploy", "--pool", ""], ["--pool"]),
    ("deploy-pool-slash", ["deploy", "--pool", "a/b"], ["--pool"]),
    # the command itself
    ("no-such-command", ["launch"], ["No such command"]),
]
DEPLOY_ENV = {"PREFECT_API_URL": f"{CLOSED}/api"}


@pytest.mark.parametrize("argv, words", [case[1:] for case in BAD_ARGUMENTS], ids=[case[0] for case in BAD_ARGUMENTS])
def test_a_bad_argument_is_one_line_and_exit_2(argv, words, tmp_path, files):
    env = {"CORRIDOR_WAREHOUSE": str(files["good"])}
    if argv[:1] == ["deploy"] and argv != ["deploy"]:
        env |= DEPLOY_ENV
    one_line(corridor(*argv, cwd=tmp_path, env=env), 2, *words)


def test_a_prefect_api_url_that_is_no_url_is_one_line_and_exit_2(tmp_path):
    done = corridor("deploy", cwd=tmp_path, env={"PREFECT_API_URL": "nonsense"})
    one_line(done, 2, "PREFECT_API_URL", "not an http(s) URL")


# -- bad configuration: exit 2 ------------------------------------------------------------------------

BAD_SETTINGS = [
    ("warehouse-empty", "CORRIDOR_WAREHOUSE", "", "is empty"),
    ("warehouse-a-folder", "CORRIDOR_WAREHOUSE", "{tmp}/a-folder", "is a folder"),
    ("warehouse-ends-in-slash", "CORRIDOR_WAREHOUSE", "{tmp}/a-folder/", "names a folder"),
    ("snapshot-a-folder", "CORRIDOR_SNAPSHOT", "{tmp}/a-folder", "is a folder"),
    ("snapshot-is-the-warehouse", "CORRIDOR_SNAPSHOT", "{warehouse}", "is the warehouse file itself"),
    ("start-9999-12-31", "CORRIDOR_START", "9999-12-31", "in the future"),
    ("start-0001-01-01", "CORRIDOR_START", "0001-01-01", "before 2000-01-01"),
    ("start-2024-02-30", "CORRIDOR_START", "2024-02-30", "valid date"),
    ("lookback-minutes-negative", "CORRIDOR_LOOKBACK_MINUTES", "-1", "greater than or equal to 0"),
    ("lookback-minutes-huge", "CORRIDOR_LOOKBACK_MINUTES", "10000000000000", "less than or equal to"),
    ("max-defect-share-2", "CORRIDOR_MAX_DEFECT_SHARE", "2", "less than or equal to 1"),
    ("max-defect-share-nan", "CORRIDOR_MAX_DEFECT_SHARE", "nan", "finite"),
    ("batch-records-0", "CORRIDOR_BATCH_RECORDS", "0", "greater than or equal to 1"),
    ("batch-records-huge", "CORRIDOR_BATCH_RECORDS", "99999999999999999999", "less than or equal to"),
    ("write-wait-minutes-negative", "CORRIDOR_WRITE_WAIT_MINUTES", "-1", "greater than or equal to 0"),
    ("write-wait-minutes-inf", "CORRIDOR_WRITE_WAIT_MINUTES", "inf", "finite"),
    ("duckdb-memory-limit-lots", "CORRIDOR_DUCKDB_MEMORY_LIMIT", "lots", "should match pattern"),
    ("duckdb-memory-limit-0MB", "CORRIDOR_DUCKDB_MEMORY_LIMIT", "0MB", "too little"),
    ("duckdb-memory-limit-999999999TB", "CORRIDOR_DUCKDB_MEMORY_LIMIT", "999999999TB", "more than DuckDB can take"),
    ("http-request-deadline-seconds-0", "CORRIDOR_HTTP_REQUEST_DEADLINE_SECONDS", "0", "greater than 0"),
    ("http-request-deadline-seconds-nan", "CORRIDOR_HTTP_REQUEST_DEADLINE_SECONDS", "nan", "finite"),
    ("http-feed-deadline-seconds-inf", "CORRIDOR_HTTP_FEED_DEADLINE_SECONDS", "inf", "finite"),
    ("http-max-body-bytes-1", "CORRIDOR_HTTP_MAX_BODY_BYTES", "1", "greater than or equal to 1024"),
    ("max-record-bytes-x", "CORRIDOR_MAX_RECORD_BYTES", "x", "valid integer"),
    ("max-pages-per-window-0", "CORRIDOR_MAX_PAGES_PER_WINDOW", "0", "greater than or equal to 1"),
    ("ktz-url-nonsense", "CORRIDOR_KTZ_URL", "nonsense", "not an http(s) URL"),
    ("ady-url-ftp", "CORRIDOR_ADY_URL", "ftp://host/ady", "not an http(s) URL"),
    ("aktau-url-port-99999", "CORRIDOR_AKTAU_URL", "http://host:99999/aktau", "valid port"),
    ("baku-url-no-host", "CORRIDOR_BAKU_URL", "http://", "not an http(s) URL"),
    ("baku-url-with-password", "CORRIDOR_BAKU_URL", "http://corridor:pw-in-the-url@host/baku", "carries credentials"),
    ("ktz-url-with-space", "CORRIDOR_KTZ_URL", "http://host/ktz with space", "space"),
    ("ktz-token-empty", "CORRIDOR_KTZ_TOKEN", "", "is empty"),
    ("ktz-token-not-latin-1", "CORRIDOR_KTZ_TOKEN", "ktz-\u043a\u043b\u044e\u0447-token", "only Latin-1"),
    ("baku-password-not-latin-1", "CORRIDOR_BAKU_PASSWORD", "baku-\u043f\u0430\u0440\u043e\u043b\u044c", "only Latin-1"),
    ("ady-api-key-blank", "CORRIDOR_ADY_API_KEY", "   ", "is empty"),
    ("aktau-client-id-empty", "CORRIDOR_AKTAU_CLIENT_ID", "", "is empty"),
    ("aktau-client-secret-empty", "CORRIDOR_AKTAU_CLIENT_SECRET", "", "is empty"),
    ("baku-user-with-colon", "CORRIDOR_BAKU_USER", "corridor:sim", "contains ':'"),
    ("baku-password-empty", "CORRIDOR_BAKU_PASSWORD", "", "is empty"),
]


@pytest.mark.parametrize("name, value, words", [case[1:] for case in BAD_SETTINGS],
                         ids=[case[0] for case in BAD_SETTINGS])
def test_a_bad_setting_stops_sync_in_one_line_naming_it(name, value, words, tmp_path, files):
    value = value.format(tmp=tmp_path, warehouse=files["good"])
    env = {"CORRIDOR_WAREHOUSE": str(files["good"]), name: value}
    line = one_line(corridor("sync", *WINDOW, *KTZ_CARGO, cwd=tmp_path, env=env), 2, name, words, "configuration")
    assert "pw-in-the-url" not in line, "a password in a URL is never shown"
    if name.endswith(("_TOKEN", "_KEY", "_SECRET", "_PASSWORD")) and value.strip():
        assert value not in line, "a secret's value is never shown"


@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["track", "CSQU3054383"], ["report"], ["demo"]],
                         ids=["query", "track", "report", "demo"])
@pytest.mark.parametrize("name, value, words", [
    ("CORRIDOR_WAREHOUSE", "{tmp}/a-folder", "is a folder"),
    ("CORRIDOR_SNAPSHOT", "{warehouse}", "is the warehouse file itself"),
    ("CORRIDOR_DUCKDB_MEMORY_LIMIT", "0MB", "too little"),
    ("CORRIDOR_BAKU_PASSWORD", "", "is empty"),
], ids=["warehouse-a-folder", "snapshot-is-the-warehouse", "memory-0MB", "baku-password-empty"])
def test_a_bad_setting_stops_every_command_that_reads_settings(command, name, value, words, tmp_path, files):
    value = value.format(tmp=tmp_path, warehouse=files["good"])
    env = {"CORRIDOR_WAREHOUSE": str(files["good"]), name: value}
    one_line(corridor(*command, cwd=tmp_path, env=env), 2, name, words)


@pytest.mark.parametrize("content, words", [
    (b"CORRIDOR_START=2024-01-01\nCORRIDOR_KTZ_TOKEN=\xff\xfe not text\n", ["line 2", "UTF-8"]),
    (b'CORRIDOR_START="2024-01-01\nCORRIDOR_KTZ_TOKEN=x\n', ["line 1", "NAME=value"]),
], ids=["not-utf8", "quote-left-open"])
@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["sync", *WINDOW, *KTZ_CARGO]], ids=["query", "sync"])
def test_a_dotenv_that_cannot_be_read_is_one_line_and_exit_2(command, content, words, tmp_path, files):
    (tmp_path / ".env").write_bytes(content)
    line = one_line(corridor(*command, cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(files["good"])}), 2,
                    ".env", *words)
    assert "not text" not in line and "CORRIDOR_KTZ_TOKEN=x" not in line, "no value of the file is shown"


# -- a warehouse that cannot be written or read: exit 1 ---------------------------------------------------

@pytest.mark.parametrize("kind, words", [
    ("corrupt", ["not a valid DuckDB database file"]),
    ("truncated", ["Could not read"]),
    ("under-a-file", ["cannot take a new file"]),
], ids=["corrupt", "truncated", "under-a-file"])
def test_sync_into_a_broken_warehouse_fails_in_one_line_naming_it_and_the_feeds(kind, words, tmp_path, files):
    path = files[kind]
    done = corridor("sync", *WINDOW, "--source", "KTZ", "--source", "ADY", "--feed", "cargo", cwd=tmp_path,
                    env={"CORRIDOR_WAREHOUSE": str(path)})
    one_line(done, 1, "sync failed", str(path), "KTZ cargo", "ADY cargo", *words)


@pytest.mark.parametrize("kind", ["file", "folder", "new-in-folder"])
def test_sync_into_a_read_only_warehouse_fails_in_one_line(kind, tmp_path, read_only):
    path = read_only[kind]
    done = corridor("sync", *WINDOW, *KTZ_CARGO, cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(path)}, drop_root=True)
    one_line(done, 1, "sync failed", str(path), "KTZ cargo", "ermission denied")


def test_sync_with_the_snapshot_under_a_file_fails_before_anything_runs(tmp_path, files):
    env = {"CORRIDOR_WAREHOUSE": str(files["good"]), "CORRIDOR_SNAPSHOT": str(files["under-a-file"])}
    one_line(corridor("sync", *WINDOW, *KTZ_CARGO, cwd=tmp_path, env=env), 1, "sync failed", "snapshot's folder")


def test_sync_with_a_file_where_the_spool_folder_goes_fails_in_one_line(tmp_path, files):
    (files["good"].parent / "spool").write_text("a file where the spool folder goes")
    done = corridor("sync", *WINDOW, *KTZ_CARGO, cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(files["good"])})
    one_line(done, 1, "sync failed", "spool folder")


def test_sync_while_another_process_writes_past_the_wait_is_one_line_and_exit_1(tmp_path, files):
    """operations.md: after CORRIDOR_WRITE_WAIT_MINUTES a sync fails with exit 1 naming the other writer."""
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]);"
                               " print('holding', flush=True); sys.stdin.read()", str(files["good"])],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        env = {"CORRIDOR_WAREHOUSE": str(files["good"]), "CORRIDOR_WRITE_WAIT_MINUTES": "0"}
        done = corridor("sync", *WINDOW, *KTZ_CARGO, cwd=tmp_path, env=env)
    finally:
        holder.communicate("", timeout=30)
    one_line(done, 1, "sync failed", "held by another writer", f"(PID {holder.pid})", "KTZ cargo")


@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["track", "CSQU3054383"], ["report"]],
                         ids=["query", "track", "report"])
@pytest.mark.parametrize("kind, words", [
    ("corrupt", ["not a valid DuckDB database file"]),
    ("truncated", ["Could not read"]),
], ids=["corrupt", "truncated"])
def test_reading_a_broken_warehouse_fails_in_one_line_naming_it(command, kind, words, tmp_path, files):
    path = files[kind]
    one_line(corridor(*command, cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(path)}), 1, str(path), *words)


@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["track", "CSQU3054383"], ["report"]],
                         ids=["query", "track", "report"])
def test_reading_a_corrupt_snapshot_names_the_snapshot(command, tmp_path, files):
    snapshot = files["good"].parent / "snapshot.duckdb"
    snapshot.write_bytes(os.urandom(300_000))
    done = corridor(*command, cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(files["good"])})
    one_line(done, 1, "snapshot", str(snapshot))


@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["track", "CSQU3054383"], ["report"]],
                         ids=["query", "track", "report"])
@pytest.mark.parametrize("kind", ["missing-parent", "under-a-file"])
def test_reading_a_warehouse_that_is_not_there_is_exit_2(command, kind, tmp_path, files):
    # operations.md: analysts' commands read the snapshot or the warehouse; neither there is a usage error.
    one_line(corridor(*command, cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(files[kind])}), 2, "no warehouse")


def test_a_report_that_cannot_be_written_is_one_line_and_exit_1(tmp_path, files):
    out = files["under-a-file"].with_name("report.html")
    done = corridor("report", "--out", str(out), cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(files["good"])})
    one_line(done, 1, "report failed", str(out.parent))


def test_a_report_into_a_read_only_folder_is_one_line_and_exit_1(tmp_path, read_only):
    done = corridor("report", cwd=tmp_path, env={"CORRIDOR_WAREHOUSE": str(read_only["folder"])}, drop_root=True)
    one_line(done, 1, "report failed", "ermission denied")


@pytest.mark.parametrize("kind", ["under-a-file", "read-only-folder"])
def test_a_demo_warehouse_that_cannot_be_written_is_one_line_and_exit_1(kind, tmp_path, files, request):
    if kind == "read-only-folder":
        path, drop = request.getfixturevalue("read_only")["folder"], True
    else:
        path, drop = files[kind], False
    done = corridor("demo", "--warehouse", str(path), cwd=tmp_path, drop_root=drop)
    one_line(done, 1, "demo failed", str(path))


def test_a_warehouse_event_in_year_9999_does_not_crash_track(tmp_path, files):
    """A UTC instant at the calendar's end has no local time east of UTC (year 10000): never a traceback."""
    with duckdb.connect(str(files["good"])) as con:
        row = ["KTZ:9999", "KTZ", "9999", 1, "CONTAINER", "CSQU3054383", None, "DEPARTED", "RAIL",
               "9999-12-31 23:30", "9999-12-31 23:30", "CNXIA", None, None, None, None, True, "L-9999"]
        con.execute(f"INSERT INTO core.fact_equipment_event VALUES ({', '.join('?' * len(row))})", row)
    for fmt in ("table", "json"):
        done = corridor("track", "--format", fmt, "CSQU3054383", cwd=tmp_path,
                        env={"CORRIDOR_WAREHOUSE": str(files["good"])})
        assert done.returncode == 0 and done.stderr == "", done.stderr[-3000:]
        assert "CSQU3054383" in done.stdout and "9999-12-31" in done.stdout, done.stdout


# -- servers and ports: exit 1 --------------------------------------------------------------------------

def test_deploy_to_a_prefect_server_that_is_not_there_is_one_line_and_exit_1(tmp_path):
    done = corridor("deploy", cwd=tmp_path, env=DEPLOY_ENV)
    one_line(done, 1, "deploy failed", f"{CLOSED}/api")


def test_serving_on_a_port_in_use_is_one_line_and_exit_1(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = corridor("feeds", "serve", "--port", str(port), cwd=tmp_path, timeout=min(TIMEOUT, 30))
    one_line(done, 1, "feeds serve failed", f"127.0.0.1:{port}", "in use")


def test_a_request_log_that_cannot_be_written_is_one_line_and_exit_1(tmp_path, files):
    log = files["under-a-file"].with_name("requests.log")
    done = corridor("feeds", "serve", "--port", "0", "--request-log", str(log), cwd=tmp_path,
                    timeout=min(TIMEOUT, 30))
    one_line(done, 1, "feeds serve failed", str(log))


# -- what still works ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_sync_into_a_missing_parent_folder_creates_it(sim_url, tmp_path, files):
    """operations.md is silent; the safe outcome is the one the default path needs: the folders are made."""
    path = files["missing-parent"]
    env = {"CORRIDOR_WAREHOUSE": str(path)}
    env |= {f"CORRIDOR_{op}_URL": f"{sim_url}/{op.lower()}" for op in ("KTZ", "ADY", "AKTAU", "BAKU")}
    done = corridor("sync", "--from", "2024-03-01", "--to", "2024-03-01T06:00", *KTZ_CARGO, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert path.is_file() and (path.parent / "snapshot.duckdb").is_file()
