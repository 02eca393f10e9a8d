"""The analysts' snapshot (operations.md, "Analysts read a snapshot, never the file being written").

`write_snapshot` copies the `core`, `marts`, `quality` and `meta` schemas of the warehouse into a new
DuckDB file beside the snapshot path and renames it onto that path in one atomic `os.replace`:

- The same tables: created from the warehouse's catalog (`duckdb_columns()`: exact types and NOT NULL;
  `duckdb_constraints()`: primary keys, unique keys and checks, which exist only on small tables), then
  filled in bulk with one `INSERT INTO … SELECT * FROM …` per table, and the table and column comments
  applied with `COMMENT ON`. Everything is read in one transaction, so the snapshot is one whole state of
  the warehouse, never part of a sync.
- A reader that has the old snapshot open keeps reading it (the old file lives on until it is closed);
  a new connection opens the new file. The writer never opens the snapshot file itself, so no reader's
  lock can block it.
- On any failure the old snapshot stays as it was and the new file (and its WAL) is removed.
"""
from __future__ import annotations

import os
import re
import stat
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from corridor.warehouse.sql import execute

__all__ = ["SnapshotInfo", "write_snapshot"]

_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-f]{12}\.tmp(\.wal)?$")


@dataclass(frozen=True)
class SnapshotInfo:
    """What one `write_snapshot` wrote."""

    path: Path
    tables: dict[str, int] = field(default_factory=dict)  # "schema.table" -> rows copied
    bytes: int = 0  # size of the snapshot file
    seconds: float = 0.0  # wall time of the whole write, rename included

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _ident(*parts: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _create_table(target: tuple[str, str, str], columns: list[tuple], constraints: list[tuple[str, str]]) -> str:
    """CREATE TABLE for the snapshot, from the source's catalog rows (same columns, types, NOT NULL, keys)."""
    parts = [f"{_ident(name)} {data_type}{'' if nullable else ' NOT NULL'}" for name, data_type, nullable, _ in columns]
    for kind, text in constraints:
        if kind not in ("PRIMARY KEY", "UNIQUE", "CHECK"):
            raise ValueError(f"{target[1]}.{target[2]}: the snapshot does not copy {kind} constraints")
        parts.append(text)
    return f"CREATE TABLE {_ident(*target)} ({', '.join(parts)})"


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Drop new files left by a writer process that died mid-write (one sync writes at a time)."""
    for entry in folder.glob(f".{name}.*.tmp*"):
        match = _TEMP.match(entry.name)
        if not match or match["name"] != name or int(match["pid"]) == os.getpid():
            continue
        try:
            os.kill(int(match["pid"]), 0)
        except ProcessLookupError:
            entry.unlink(missing_ok=True)
        except PermissionError:  # alive, someone else's
            pass


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_snapshot(con: duckdb.DuckDBPyConnection, path: Path | str) -> SnapshotInfo:
    """Write the warehouse's core, marts, quality and meta schemas to `path`, replacing it atomically.

    `con` is a connection to the warehouse (the sync's writer connection; committed data is what is
    copied). The new file is written beside `path` under a hidden temporary name and renamed onto it.
    """
    started = time.perf_counter()
    path = Path(path).absolute()
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path.parent, path.name)
    temp = path.with_name(f".{path.name}.{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp")
    alias = f"corridor_snapshot_{uuid.uuid4().hex[:12]}"
    cur = con.cursor()  # our own transaction, whatever the caller's connection is doing
    attached = False
    tables: dict[str, int] = {}
    try:
        source = cur.execute("SELECT current_database()").fetchall()[0][0]
        cur.execute(f"ATTACH {_literal(str(temp))} AS {_ident(alias)}")
        attached = True
        cur.begin()
        listed = execute(cur, "snapshot_tables.sql").fetchall()
        columns: dict[tuple[str, str], list[tuple]] = {}
        for schema, table, column, data_type, nullable, comment in execute(cur, "snapshot_columns.sql").fetchall():
            columns.setdefault((schema, table), []).append((column, data_type, nullable, comment))
        constraints: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for schema, table, kind, text in execute(cur, "snapshot_constraints.sql").fetchall():
            constraints.setdefault((schema, table), []).append((kind, text))

        for schema in ("core", "marts", "quality", "meta"):
            cur.execute(f"CREATE SCHEMA {_ident(alias, schema)}")
        comments = []
        for schema, table, comment in listed:
            target = (alias, schema, table)
            cur.execute(_create_table(target, columns[(schema, table)], constraints.get((schema, table), [])))
            (rows,) = execute(cur, "snapshot_copy_table.sql", target=_ident(*target),
                              source=_ident(source, schema, table)).fetchone()
            tables[f"{schema}.{table}"] = rows
            if comment is not None:
                comments.append(f"COMMENT ON TABLE {_ident(*target)} IS {_literal(comment)}")
            comments += [f"COMMENT ON COLUMN {_ident(*target, name)} IS {_literal(text)}"
                         for name, _, _, text in columns[(schema, table)] if text is not None]
        if comments:
            cur.execute(";\n".join(comments))
        cur.commit()
        cur.execute(f"CHECKPOINT {_ident(alias)}")
        cur.execute(f"DETACH {_ident(alias)}")
        attached = False
        if path.exists():  # keep who may read it (e.g. an analysts' group)
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        _fsync(temp)
        os.replace(temp, path)
        _fsync(path.parent, directory=True)
    except BaseException:
        try:
            cur.rollback()
        except duckdb.Error:
            pass  # no transaction open
        if attached:
            try:
                cur.execute(f"DETACH {_ident(alias)}")
            except duckdb.Error:
                pass
        raise
    finally:
        cur.close()
        for leftover in (temp, temp.with_name(temp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return SnapshotInfo(path=path, tables=tables, bytes=path.stat().st_size,
                        seconds=time.perf_counter() - started)
