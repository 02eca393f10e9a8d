"""The analysts' snapshot: the four analyst schemas as they are in the warehouse, replaced atomically."""
import hashlib
import os
import subprocess
import sys
import textwrap
import threading

import duckdb
import pytest

import corridor.engine.snapshot as snapshot_module
from corridor.engine.snapshot import write_snapshot

from fixtures.warehouse import fresh_warehouse, insert_rows

SCHEMAS = ("core", "marts", "quality", "meta")
COLUMNS = """
    SELECT schema_name, table_name, column_name, column_index, data_type, is_nullable, column_default, comment
    FROM duckdb_columns() WHERE database_name = current_database() ORDER BY ALL"""
TABLES = """
    SELECT schema_name, table_name, comment, column_count, has_primary_key
    FROM duckdb_tables() WHERE database_name = current_database() ORDER BY ALL"""
CONSTRAINTS = """
    SELECT schema_name, table_name, constraint_type, constraint_text, constraint_column_names::VARCHAR
    FROM duckdb_constraints() WHERE database_name = current_database() ORDER BY ALL"""


def _catalog(con, query, schemas=SCHEMAS):
    return [row for row in con.execute(query).fetchall() if row[0] in schemas]


def _contents(con, tables):
    return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in tables}


def _add_rows(con, month="2024-02-01", load_id="L1"):
    insert_rows(con, "meta.load", [{"load_id": load_id, "operator_code": "KTZ", "feed": "cargo", "status": "SUCCEEDED",
                                    "started_utc": "2024-03-01 02:00", "records_loaded": 3}])
    insert_rows(con, "marts.corridor_volume_monthly", [
        {"month": month, "direction": "WESTBOUND", "consignments": 3, "teu": 4.25, "gross_weight_t": "61.5"},
        {"month": month, "direction": "EASTBOUND", "consignments": 1, "gross_weight_t": "20.125", "yoy_pct": -3.5},
    ])
    insert_rows(con, "core.fact_consignment", [
        {"waybill_no": f"KZ{load_id}", "status": "IN_TRANSIT", "reported_by": ["ADY", "KTZ"], "load_id": load_id,
         "gross_weight_t": "20.125", "accepted_utc": f"{month} 10:00"}])
    insert_rows(con, "quality.quarantine", [
        {"operator_code": "ADY", "feed": "tracking", "reasons": ["bad_wagon"], "raw_record": "{\"x\": 'y'}",
         "record_hash": load_id, "load_id": load_id, "quarantined_utc": "2024-03-01 02:01"}])
    insert_rows(con, "raw.page", [{"page_id": load_id, "load_id": load_id, "operator_code": "KTZ", "feed": "cargo",
                                   "url": "http://x", "fetched_utc": "2024-03-01 02:00"}])


@pytest.fixture
def warehouse(tmp_path):
    with fresh_warehouse(tmp_path) as wh:
        _add_rows(wh.cursor())
        yield wh


def _count_in_subprocess(path, table="meta.load"):
    code = f"import duckdb; print(duckdb.connect({str(path)!r}, read_only=True).execute('SELECT count(*) FROM {table}')" \
           ".fetchone()[0])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def _leftovers(folder, *keep):
    """Files in `folder` other than `keep` and the warehouse's own WAL."""
    return sorted(p.name for p in folder.iterdir() if p.name not in (*keep, "w.duckdb.wal"))


def test_the_snapshot_holds_the_analyst_schemas_exactly(warehouse, tmp_path):
    path = tmp_path / "snapshot.duckdb"
    info = write_snapshot(warehouse.cursor(), path)

    source = warehouse.cursor()
    with duckdb.connect(str(path), read_only=True) as snap:
        assert _catalog(snap, TABLES) == _catalog(source, TABLES)
        assert _catalog(snap, COLUMNS) == _catalog(source, COLUMNS), "same types, nullability and comments"
        assert _catalog(snap, CONSTRAINTS) == _catalog(source, CONSTRAINTS), "NOT NULL and the primary keys"
        # Nothing else: no raw, no staging, no other table.
        assert {s for s, _ in snap.execute("SELECT schema_name, table_name FROM duckdb_tables()").fetchall()} \
            == set(SCHEMAS)
        assert not _catalog(snap, TABLES, ("raw", "staging", "main"))
        tables = [f"{s}.{t}" for s, t, *_ in _catalog(source, TABLES)]
        assert _contents(snap, tables) == _contents(source, tables)
        commented = snap.execute("SELECT count(*) FROM duckdb_columns() WHERE comment IS NOT NULL").fetchone()[0]
        assert commented > 100  # the contract's descriptions came along
    assert sorted(info.tables) == sorted(tables)
    assert info.tables["marts.corridor_volume_monthly"] == 2 and info.tables["meta.load"] == 1
    assert info.rows == sum(info.tables.values()) and info.rows > 40  # the seeds are there too
    assert info.path == path and info.bytes == path.stat().st_size and info.seconds > 0
    assert _leftovers(tmp_path, "w.duckdb", "snapshot.duckdb") == []
    assert not [d for (d,) in source.execute("SELECT database_name FROM duckdb_databases()").fetchall()
                if d.startswith("corridor_snapshot")], "the new file is detached again"


def test_the_snapshot_opens_like_analysts_open_it(warehouse, tmp_path, monkeypatch):
    from corridor.config import Settings
    from corridor.reading import connect_for_reading

    write_snapshot(warehouse.cursor(), tmp_path / "snapshot.duckdb")
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(warehouse.path))
    with connect_for_reading(Settings()) as con:
        assert con.execute("SELECT current_database()").fetchone() == ("snapshot",)
        assert con.execute("SELECT sum(gross_weight_t) FROM marts.corridor_volume_monthly").fetchone()[0] == \
            pytest.approx(81.625)


def test_an_open_reader_keeps_the_old_snapshot_and_new_connections_see_the_new(warehouse, tmp_path):
    path = tmp_path / "snapshot.duckdb"
    write_snapshot(warehouse.cursor(), path)
    reader = duckdb.connect(str(path), read_only=True)
    assert reader.execute("SELECT count(*) FROM meta.load").fetchone() == (1,)

    _add_rows(warehouse.cursor(), month="2024-03-01", load_id="L2")
    write_snapshot(warehouse.cursor(), path)

    # The open connection still reads the old file whole, including tables it had not read yet.
    assert reader.execute("SELECT count(*) FROM meta.load").fetchone() == (1,)
    assert reader.execute("SELECT count(*) FROM marts.corridor_volume_monthly").fetchone() == (2,)
    assert reader.execute("SELECT count(*) FROM core.fact_consignment").fetchone() == (1,)
    # A new connection (another process: DuckDB caches open databases by path within one) sees the new one.
    assert _count_in_subprocess(path) == 2
    assert _count_in_subprocess(path, "marts.corridor_volume_monthly") == 4
    reader.close()
    with duckdb.connect(str(path), read_only=True) as fresh:
        assert fresh.execute("SELECT count(*) FROM core.fact_consignment").fetchone() == (2,)
    assert _leftovers(tmp_path, "w.duckdb", "snapshot.duckdb") == []


HOLDER = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True, config={"enable_external_access": False})
    print(con.execute("SELECT count(*) FROM meta.load").fetchone()[0], flush=True)
    sys.stdin.readline()  # hold the connection open until told
    print(con.execute("SELECT count(*) FROM meta.load").fetchone()[0], flush=True)
""")


def test_a_reader_in_another_process_does_not_block_the_writer(warehouse, tmp_path):
    path = tmp_path / "snapshot.duckdb"
    write_snapshot(warehouse.cursor(), path)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "1", "the reader has the snapshot open"
        _add_rows(warehouse.cursor(), month="2024-03-01", load_id="L2")
        written = []
        writer = threading.Thread(target=lambda: written.append(write_snapshot(warehouse.cursor(), path)))
        writer.start()
        writer.join(timeout=60)
        assert not writer.is_alive() and written, "write_snapshot waited for the reader"
        assert written[0].tables["meta.load"] == 2
        out, err = holder.communicate("go\n", timeout=60)
        assert holder.returncode == 0, err
        assert out.strip() == "1", "the reader still reads the snapshot it opened"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert _count_in_subprocess(path) == 2


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_failure_mid_write_leaves_the_old_snapshot_and_no_temp_file(warehouse, tmp_path, monkeypatch):
    path = tmp_path / "snapshot.duckdb"
    write_snapshot(warehouse.cursor(), path)
    before = _digest(path)
    _add_rows(warehouse.cursor(), month="2024-03-01", load_id="L2")

    real_execute = snapshot_module.execute
    copied = []

    def failing_execute(con, name, params=None, **identifiers):
        if name == "snapshot_copy_table.sql":
            copied.append(identifiers["target"])
            if len(copied) == 5:
                raise duckdb.IOException("IO Error: No space left on device")
        return real_execute(con, name, params, **identifiers)

    monkeypatch.setattr(snapshot_module, "execute", failing_execute)
    with pytest.raises(duckdb.IOException, match="No space left"):
        write_snapshot(warehouse.cursor(), path)
    assert len(copied) == 5
    assert _digest(path) == before and _count_in_subprocess(path) == 1
    assert _leftovers(tmp_path, "w.duckdb", "snapshot.duckdb") == []

    # The writer connection is unharmed: the next snapshot succeeds.
    monkeypatch.setattr(snapshot_module, "execute", real_execute)
    assert write_snapshot(warehouse.cursor(), path).tables["meta.load"] == 2
    assert _leftovers(tmp_path, "w.duckdb", "snapshot.duckdb") == []


def test_a_failed_rename_leaves_the_old_snapshot_and_no_temp_file(warehouse, tmp_path, monkeypatch):
    path = tmp_path / "snapshot.duckdb"
    write_snapshot(warehouse.cursor(), path)
    before = _digest(path)

    def no_rename(src, dst):
        raise PermissionError(f"cannot rename onto {dst}")

    monkeypatch.setattr(snapshot_module.os, "replace", no_rename)
    with pytest.raises(PermissionError):
        write_snapshot(warehouse.cursor(), path)
    assert _digest(path) == before
    assert _leftovers(tmp_path, "w.duckdb", "snapshot.duckdb") == []


def test_a_first_snapshot_that_fails_leaves_nothing(warehouse, tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(snapshot_module, "_fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(warehouse.cursor(), tmp_path / "snapshot.duckdb")
    assert _leftovers(tmp_path, "w.duckdb") == []


def test_a_new_file_left_by_a_dead_writer_is_removed(warehouse, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".snapshot.duckdb.{int(dead.stdout)}-0123456789ab.tmp"
    stale.write_bytes(b"half a database")
    alive = tmp_path / f".snapshot.duckdb.{os.getppid()}-0123456789ab.tmp"  # a live process's: left alone
    alive.write_bytes(b"still being written")
    write_snapshot(warehouse.cursor(), tmp_path / "snapshot.duckdb")
    assert _leftovers(tmp_path, "w.duckdb", "snapshot.duckdb") == [alive.name]
