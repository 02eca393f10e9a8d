"""The `corridor` command line (operations.md): bad arguments get one line and exit status 2."""
from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from pydantic import ValidationError

from corridor.config import FEEDS, OPERATORS, describe_error
from corridor.engine.writer import WarehouseBusy

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UtcDate(click.ParamType):
    """A UTC date (`2024-03-01`) or instant (`2024-03-01T06:00:00`), as a naive UTC datetime."""

    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD)", param, ctx)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        return parsed


def _choice(values) -> click.Choice:
    return click.Choice(values, case_sensitive=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Corridor: operator feeds of the Trans-Caspian corridor, harmonised into a DuckDB warehouse."""


@cli.command()
@click.option("--from", "window_from", type=UtcDate(), help="Start of the publication window (UTC date, inclusive).")
@click.option("--to", "window_to", type=UtcDate(), help="End of the publication window (UTC date, exclusive).")
@click.option("--source", "sources", type=_choice(OPERATORS), multiple=True, help="Operator to sync (repeatable).")
@click.option("--feed", "feeds", type=_choice(FEEDS), multiple=True, help="Feed to sync (repeatable).")
@click.option("--verbose", is_flag=True, help="Print Prefect's log lines instead of the live progress table.")
def sync(window_from, window_to, sources, feeds, verbose) -> None:
    """Pull, validate and load everything published in [--from, --to); without them, from the watermarks."""
    if (window_from is None) != (window_to is None):
        raise click.UsageError("--from and --to go together (or neither, for the nightly mode)")
    if window_from is not None and window_to <= window_from:
        raise click.UsageError("--to must be after --from")
    selected = _selected_feeds([s.upper() for s in sources], [f.lower() for f in feeds])
    _check_settings()
    from corridor.flows.sync import run_sync
    from corridor.progress_display import showing_progress
    from corridor.summary import summary_lines

    with showing_progress(verbose):
        summary = run_sync(window_from, window_to, sorted({o for o, _ in selected}), sorted({f for _, f in selected}))
    out, err = summary_lines(summary)
    for line in out:
        click.echo(line)
    for line in err:
        click.echo(line, err=True)
    sys.exit(EXIT_FAILED if err else EXIT_OK)


def _check_settings() -> None:
    """Read the configuration once up front, so a bad value is one line and exit 2 before anything runs."""
    from corridor.config import Settings

    Settings()


def _selected_feeds(sources: list[str], feeds: list[str]) -> list[tuple[str, str]]:
    from corridor.connectors import feed_registry

    selected = [k for k in feed_registry() if (not sources or k[0] in sources) and (not feeds or k[1] in feeds)]
    if not selected:
        available = ", ".join(f"{o} {f}" for o, f in feed_registry())
        raise click.UsageError(f"no implemented feed matches the selection (implemented: {available})")
    return selected


@cli.command()
@click.option("--warehouse", type=click.Path(dir_okay=False, path_type=Path), default=Path("data/demo.duckdb"),
              show_default=True, help="The demo's warehouse file (replaced on every run).")
@click.option("--from", "window_from", type=UtcDate(), default="2024-01-01", show_default=True)
@click.option("--to", "window_to", type=UtcDate(), default="2024-03-01", show_default=True)
@click.option("--verbose", is_flag=True, help="Print Prefect's log lines instead of the live progress table.")
def demo(warehouse: Path, window_from: datetime, window_to: datetime, verbose: bool) -> None:
    """Start the embedded simulator, sync a historical window into a fresh warehouse, print what loaded."""
    if window_to <= window_from:
        raise click.UsageError("--to must be after --from")
    _check_settings()
    from corridor.demo import run_demo

    sys.exit(run_demo(warehouse, window_from, window_to, echo=click.echo, verbose=verbose))


@cli.group()
def feeds() -> None:
    """The operators' feeds: the embedded simulator."""


@feeds.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True, type=click.IntRange(0, 65535))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0, min_open=True))
@click.option("--now", type=UtcDate(), help="The simulator's clock (UTC); default: the real clock.")
@click.option("--defect-rate", default=0.005, show_default=True, type=click.FloatRange(0, 1))
@click.option("--fault", "faults", multiple=True, help="A fault to inject, e.g. 429:0.1 (repeatable).")
@click.option("--request-log", type=click.Path(dir_okay=False), help="Append each request's method and path here.")
def feeds_serve(host, port, seed, scale, now, defect_rate, faults, request_log) -> None:
    """Serve all four operators' feeds from the simulated corridor until interrupted."""
    from corridor.simulator import SimulatorConfig, parse_fault, serve

    try:
        parsed = tuple(parse_fault(f) for f in faults)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fault") from None
    config = SimulatorConfig(seed=seed, scale=scale, now=now, defect_rate=defect_rate, faults=parsed,
                             request_log=request_log)
    click.echo(f"serving the corridor feeds on http://{host}:{port}/{{ktz,ady,aktau,baku}} (Ctrl-C stops)")
    try:
        serve(host, port, config)
    except KeyboardInterrupt:
        pass


@cli.command(epilog="Examples: corridor query \"SELECT * FROM marts.corridor_volume_monthly ORDER BY month\";"
                    " corridor query --format csv \"FROM marts.port_dwell_monthly\" > dwell.csv")
@click.argument("sql")
@click.option("--format", "fmt", type=_choice(["table", "csv", "json"]), default="table", show_default=True,
              help="table: aligned columns, control characters removed; csv: spreadsheet-safe (see above); "
                   "json: one array of objects, values as stored.")
def query(sql: str, fmt: str) -> None:
    """Run one read-only SQL query against the analysts' snapshot and print the result.

    It reads the snapshot at CORRIDOR_SNAPSHOT (default: snapshot.duckdb beside the warehouse), or the
    warehouse file itself while no snapshot has been written yet, through a read-only connection that
    has no access to files or the network and whose settings are locked.

    Only queries run: SELECT, WITH, FROM, VALUES, DESCRIBE, SHOW, SUMMARIZE, UNPIVOT, PIVOT with an IN
    list, reading PRAGMAs (PRAGMA table_info), and EXPLAIN of one of these. Statements that write
    (CREATE, INSERT, UPDATE, DELETE, ...), attach databases, install or load extensions, change settings
    (SET, RESET, USE, PRAGMA), or read or write files (COPY, EXPORT DATABASE, read_csv, read_text, ...)
    are refused with one line naming the kind of statement, and exit status 2. Bad SQL, empty SQL and
    more than one statement are one line and exit status 2 as well.

    The values are printed as the warehouse holds them (as received from the operators), except: the CSV
    output puts a ' before a text cell that starts with =, +, -, @, a tab or a carriage return, so that a
    spreadsheet never runs it as a formula (OWASP CSV injection), and the table view drops control
    characters (terminal escape sequences) and shows tabs and line breaks as spaces.
    """
    import re
    from typing import NoReturn

    import duckdb

    from corridor.config import Settings
    from corridor.reading import NothingToRead, connect_for_reading

    def one_line(exc: BaseException) -> str:
        return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)

    def fail(message: str) -> NoReturn:
        click.echo(f"corridor: {message}", err=True)
        sys.exit(EXIT_USAGE)

    types = duckdb.StatementType
    reasons = {
        "writes to the database": {types.INSERT, types.UPDATE, types.DELETE, types.CREATE, types.DROP, types.ALTER,
                                   types.MERGE_INTO, types.CREATE_FUNC, types.VACUUM, types.ANALYZE},
        "reads or writes files": {types.COPY, types.EXPORT, types.COPY_DATABASE},
        "attaches or detaches a database": {types.ATTACH, types.DETACH},
        "installs or loads an extension": {types.LOAD, types.EXTENSION},
        "changes settings": {types.SET, types.VARIABLE_SET, types.PRAGMA},
        "controls transactions": {types.TRANSACTION},
    }
    explain = re.compile(r"\s*(?:(?:--[^\n]*(?:\n|$)|/\*.*?\*/)\s*)*EXPLAIN\s+(?:ANALY[SZ]E\s+)?(?:\([^()]*\)\s*)?"
                         r"(?:ANALY[SZ]E\s+)?", re.IGNORECASE | re.DOTALL)

    def refusal(statement) -> str | None:
        """Why a statement may not run here, or None for a query."""
        kind = statement.type
        if kind == types.SELECT:
            return None
        text = re.sub(r"--[^\n]*|/\*.*?\*/", " ", statement.query, flags=re.DOTALL)
        words = [w.upper() for w in re.findall(r"[A-Za-z_]+", text)]
        keyword = words[0] if words else ""
        if kind == types.EXPLAIN:
            match = explain.match(statement.query)
            try:
                inner = duckdb.extract_statements(statement.query[match.end():]) if match else []
            except duckdb.Error:
                inner = []
            if len(inner) != 1:
                return "EXPLAIN statement (of something that is not one query)"
            why_not = refusal(inner[0])
            return None if why_not is None else f"EXPLAIN of a {why_not}"
        if words[:2] == ["UPDATE", "EXTENSIONS"] or kind.name == "???":  # a type this enum cannot name
            label = " ".join(words[:2]) or "unknown"
            kind = types.LOAD if label == "UPDATE EXTENSIONS" else kind
        elif kind == types.LOAD:
            label = "INSTALL" if "INSTALL" in words[:2] else "LOAD"
        elif kind == types.SET and keyword in ("RESET", "USE", "PRAGMA"):
            label = keyword
        else:
            label = kind.name.replace("_", " ")
        why = next((reason for reason, kinds in reasons.items() if kind in kinds), "is not a query")
        return f"{label} statement ({why})"

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        fail(f"bad SQL: {one_line(exc)}")
    if not statements:
        raise click.UsageError("no SQL given: pass one query, e.g. corridor query \"SELECT 42\"")
    if len(statements) > 1 and any(not s.query for s in statements):  # one statement DuckDB expands
        fail("refused: this PIVOT creates a type first (CREATE statement); name the values: PIVOT … ON col IN (…)")
    if len(statements) > 1:
        fail(f"refused: {len(statements)} statements; corridor query runs one read-only query at a time")
    reason = refusal(statements[0])
    if reason is not None:
        fail(f"refused: {reason}; corridor query runs read-only queries only")
    try:
        con = connect_for_reading(Settings())
    except NothingToRead as exc:
        raise click.UsageError(str(exc)) from None
    try:
        # Read-only, no file access, no extensions and locked settings come with the connection.
        try:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
        except duckdb.PermissionException as exc:
            fail(f"refused: the query reads or writes files, which corridor query never does ({one_line(exc)})")
        except duckdb.Error as exc:
            fail(f"bad SQL: {one_line(exc)}")
    finally:
        con.close()
    _print_table(columns, rows, fmt.lower())


def _print_table(columns: list[str], rows: list[tuple], fmt: str) -> None:
    """Print a result as csv, json or an aligned table; values as stored, made safe for where they go."""
    import io
    from decimal import Decimal

    controls = {*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0))}  # C0, DEL and C1: terminal escapes
    # Bidirectional overrides, isolates and marks reorder what a terminal shows ("Trojan Source").
    controls |= {*"\u200e\u200f\u061c", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))}
    if fmt == "csv":
        def cell(value) -> str:
            if value is None:
                return ""
            text = str(value)
            if isinstance(value, bool | int | float | Decimal):
                return text  # a number is never a formula, "-5" included
            # OWASP CSV injection: a spreadsheet would evaluate a cell starting so.
            return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

        # With "\r\n" as its line end the csv module quotes a field holding either; rows still end in "\n".
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for r in [columns, *rows]:
            writer.writerow([cell(v) for v in r])
            sys.stdout.write(buffer.getvalue()[:-2] + "\n")
            buffer.seek(0)
            buffer.truncate()
    elif fmt == "json":
        text = json.dumps([dict(zip(columns, r)) for r in rows], default=str, ensure_ascii=False)
        # json escapes C0 already; escape the rest too, so the same values reach the terminal inert.
        click.echo(text.translate({ord(c): f"\\u{ord(c):04x}" for c in controls if ord(c) >= 0x20}))
    else:
        visible = {ord(c): None for c in controls} | {ord("\t"): " ", ord("\n"): " ", ord("\r"): " "}

        def shown(value) -> str:
            return "" if value is None else str(value).translate(visible)

        header = [shown(c) for c in columns]
        cells = [[shown(v) for v in r] for r in rows]
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(header)]
        click.echo("  ".join(c.ljust(w) for c, w in zip(header, widths)))
        click.echo("  ".join("-" * w for w in widths))
        for r in cells:
            click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths)))
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


@cli.command()
@click.option("--pool", default="corridor", show_default=True, help="Process work pool (created if missing).")
def deploy(pool: str) -> None:
    """Register corridor-nightly, corridor-tracking and corridor-backfill with the Prefect server at PREFECT_API_URL.

    Also the work pool, the concurrency limit corridor-warehouse they share, and the nightly's two
    automations (failed or crashed; not completed by 06:00 Asia/Almaty). Running it again updates them.
    """
    import os

    if not os.environ.get("PREFECT_API_URL"):
        raise click.UsageError("PREFECT_API_URL is not set: deploy registers with a running Prefect server"
                               " (prefect server start; export PREFECT_API_URL=http://127.0.0.1:4200/api)")
    from corridor.flows.deploy import deploy as register

    for name, deployment_id in register(pool).items():
        click.echo(f"{name}: {deployment_id} (work pool {pool})")
    click.echo(f"start a worker: prefect worker start --pool {pool}")


def _register_analyst_commands() -> None:
    from corridor.report import report
    from corridor.track import track

    cli.add_command(report)
    cli.add_command(track)


_register_analyst_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: usage errors become one line on stderr and exit status 2."""
    try:
        return cli.main(args=argv, prog_name="corridor", standalone_mode=False) or EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        click.echo(f"corridor: error: {exc.format_message()}", err=True)
        return EXIT_USAGE
    except ValidationError as exc:  # a configuration value (environment or .env) that Settings refuses
        click.echo(f"corridor: error: configuration: {describe_error(exc)}", err=True)
        return EXIT_USAGE
    except WarehouseBusy as exc:
        click.echo(f"corridor: sync failed: {exc}", err=True)
        return EXIT_FAILED
    except click.Abort:
        click.echo("corridor: aborted", err=True)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
