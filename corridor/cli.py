"""The `corridor` command line (operations.md): bad arguments get one line and exit status 2.

Nothing a command meets ends in a traceback: a bad argument or setting is one line and exit status 2; a
file that cannot be read or written (the warehouse, the snapshot, a report, a request log) and a server
that cannot be reached are one line and exit status 1; anything else unexpected is one line naming the
command and the error, exit status 1. Every such line has the configured secrets replaced by `***`.
"""
from __future__ import annotations

import csv
import json
import math
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
from pydantic import ValidationError

from corridor.config import EARLIEST_DATE, FEEDS, OPERATORS, ConfigurationError, describe_error

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# The simulator's clock may run ahead of the real one, but not beyond what its arithmetic holds.
LATEST_SIMULATOR_CLOCK = datetime(2100, 1, 1)
MAX_SIMULATOR_SCALE = 1000.0


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class UtcDate(click.ParamType):
    """A UTC date (`2024-03-01`) or instant (`2024-03-01T06:00:00`), as a naive UTC datetime.

    It must lie in [2000-01-01, `latest()`]; `beyond` says why a later one is refused.
    """

    name = "DATE"

    def __init__(self, latest: Callable[[], datetime] = _now, beyond: str = "") -> None:
        self.latest = latest
        self.beyond = beyond

    def convert(self, value, param, ctx):
        if isinstance(value, datetime):
            return value
        earliest = datetime(EARLIEST_DATE.year, EARLIEST_DATE.month, EARLIEST_DATE.day)
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            self.fail(f"{value!r} is not a date (YYYY-MM-DD) or UTC instant (YYYY-MM-DDTHH:MM)", param, ctx)
        try:
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            self.fail(f"{value!r} is outside the dates a sync can take ({earliest:%Y-%m-%d} to now)", param, ctx)
        if parsed < earliest:
            self.fail(f"{value!r} is before {earliest:%Y-%m-%d}, earlier than any operator's feed", param, ctx)
        latest = self.latest()
        if parsed > latest:
            self.fail(f"{value!r} is {self.beyond.format(latest=latest)}", param, ctx)
        return parsed


class FiniteFloat(click.ParamType):
    """A finite number in [low, high] (`nan` and `inf` refused, which click's FloatRange lets through)."""

    name = "NUMBER"

    def __init__(self, low: float, high: float, low_open: bool = False) -> None:
        self.low, self.high, self.low_open = low, high, low_open

    def convert(self, value, param, ctx):
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        too_low = number <= self.low if self.low_open else number < self.low
        if not math.isfinite(number) or too_low or number > self.high:
            bracket = "(" if self.low_open else "["
            self.fail(f"{value!r} is not a number in {bracket}{self.low:g}, {self.high:g}]", param, ctx)
        return number


# A sync's window ends by now at the latest.
WINDOW_DATE = UtcDate(beyond="in the future (it is {latest:%Y-%m-%d %H:%M} UTC now): nothing is published after"
                             " now, and a window into the future would move the watermark past what was pulled")


def _choice(values) -> click.Choice:
    return click.Choice(values, case_sensitive=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Corridor: operator feeds of the Trans-Caspian corridor, harmonised into a DuckDB warehouse."""


@cli.command()
@click.option("--from", "window_from", type=WINDOW_DATE, help="Start of the publication window (UTC date, inclusive).")
@click.option("--to", "window_to", type=WINDOW_DATE,
              help="End of the publication window (UTC date, exclusive; not after now).")
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
    settings = _check_settings()
    from corridor.engine.writer import WarehouseBusy, WarehouseUnwritable, check_writable

    # Before any flow run exists: a warehouse that cannot be written is one line, not a crashed run. Without a
    # Prefect server the file's lock is what keeps writers apart, so the wait for another writer happens here
    # too (under a server, the run waits for the `corridor-warehouse` slot in its flow, saying so in its log).
    try:
        check_writable(settings, wait=not os.environ.get("PREFECT_API_URL"))
    except (WarehouseUnwritable, WarehouseBusy) as exc:
        names = ", ".join(f"{o} {f}" for o, f in selected)
        _fail_line(f"sync failed: {exc}; nothing was loaded, every selected feed failed ({names})")
        sys.exit(EXIT_FAILED)
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


def _check_settings():
    """Read the configuration once up front, so a bad value is one line and exit 2 before anything runs."""
    from corridor.config import Settings

    return Settings()


def _fail_line(message: str) -> None:
    """One line on standard error, `corridor: …`, with every configured secret replaced by `***`."""
    click.echo(f"corridor: {_redact(' '.join(message.split()))}", err=True)


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
@click.option("--from", "window_from", type=WINDOW_DATE, default="2024-01-01", show_default=True)
@click.option("--to", "window_to", type=WINDOW_DATE, default="2024-03-01", show_default=True)
@click.option("--verbose", is_flag=True, help="Print Prefect's log lines instead of the live progress table.")
def demo(warehouse: Path, window_from: datetime, window_to: datetime, verbose: bool) -> None:
    """Start the embedded simulator, sync a historical window into a fresh warehouse, print what loaded."""
    if window_to <= window_from:
        raise click.UsageError("--to must be after --from")
    _check_settings()
    from corridor.engine.writer import WarehouseUnwritable, check_folder_writable

    try:  # the demo replaces its warehouse: its folder must take new files
        check_folder_writable(warehouse, "the demo's warehouse")
    except WarehouseUnwritable as exc:
        _fail_line(f"demo failed: {exc}")
        sys.exit(EXIT_FAILED)
    from corridor.demo import run_demo

    sys.exit(run_demo(warehouse, window_from, window_to, echo=click.echo, verbose=verbose))


@cli.group()
def feeds() -> None:
    """The operators' feeds: the embedded simulator."""


@feeds.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8700, show_default=True, type=click.IntRange(0, 65535))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--scale", default=1.0, show_default=True, type=FiniteFloat(0, MAX_SIMULATOR_SCALE, low_open=True))
@click.option("--now", type=UtcDate(lambda: LATEST_SIMULATOR_CLOCK, "after {latest:%Y-%m-%d}, beyond the simulated years"),
              help="The simulator's clock (UTC, 2000-01-01 to 2100-01-01); default: the real clock.")
@click.option("--defect-rate", default=0.005, show_default=True, type=FiniteFloat(0, 1))
@click.option("--fault", "faults", multiple=True, help="A fault to inject, e.g. 429:0.1 (repeatable).")
@click.option("--request-log", type=click.Path(dir_okay=False), help="Append each request's method and path here.")
def feeds_serve(host, port, seed, scale, now, defect_rate, faults, request_log) -> None:
    """Serve all four operators' feeds from the simulated corridor until interrupted."""
    import socket

    from corridor.simulator import SimulatorConfig, make_server, parse_fault

    try:
        parsed = tuple(parse_fault(f) for f in faults)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fault") from None
    if request_log:
        try:  # each request appends to it: a path that cannot take a line fails now, not on every request
            with open(request_log, "a", encoding="utf-8"):
                pass
        except OSError as exc:
            _fail_line(f"feeds serve failed: the request log {request_log} cannot be written ({_os_reason(exc)})")
            sys.exit(EXIT_FAILED)
    config = SimulatorConfig(seed=seed, scale=scale, now=now, defect_rate=defect_rate, faults=parsed,
                             request_log=request_log)
    try:
        server = make_server(host, port, config)
    except socket.gaierror:
        raise click.BadParameter(f"{host!r} is not a host name or address of this machine", param_hint="--host") from None
    except OSError as exc:
        _fail_line(f"feeds serve failed: cannot listen on {host}:{port} ({_os_reason(exc)})")
        sys.exit(EXIT_FAILED)
    click.echo(f"serving the corridor feeds on http://{host}:{server.server_address[1]}/{{ktz,ady,aktau,baku}}"
               " (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _os_reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


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
    from corridor.reading import NothingToRead, ReadFailed, connect_for_reading

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
    settings = Settings()
    try:
        con = connect_for_reading(settings)
    except NothingToRead as exc:
        raise click.UsageError(str(exc)) from None
    except ReadFailed as exc:  # the file is there but broken: not the analyst's SQL
        click.echo(f"corridor: error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    try:
        # Read-only, no file access, no extensions and locked settings come with the connection.
        try:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
        except duckdb.PermissionException as exc:
            fail(f"refused: the query reads or writes files, which corridor query never does ({one_line(exc)})")
        except (duckdb.IOException, duckdb.InternalException, duckdb.FatalException) as exc:
            # A block of the file that cannot be read (a truncated or damaged file): not bad SQL.
            click.echo(f"corridor: error: the database being read cannot be read ({one_line(exc)})", err=True)
            sys.exit(EXIT_FAILED)
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
    from urllib.parse import urlsplit

    api_url = os.environ.get("PREFECT_API_URL", "")
    if not api_url:
        raise click.UsageError("PREFECT_API_URL is not set: deploy registers with a running Prefect server"
                               " (prefect server start; export PREFECT_API_URL=http://127.0.0.1:4200/api)")
    try:
        parts = urlsplit(api_url)
        _ = parts.port  # a port that is no number, or out of range, raises
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise click.UsageError("PREFECT_API_URL is not an http(s) URL of a Prefect API,"
                               " e.g. http://127.0.0.1:4200/api")
    if not pool.strip() or any(c in pool for c in "/%&><") or any(ord(c) < 0x20 for c in pool):
        raise click.BadParameter(f"{pool!r} is not a work pool name (not empty; no / % & > < or control"
                                 " characters)", param_hint="--pool")
    from corridor.flows.deploy import deploy as register

    try:
        registered = register(pool)
    except Exception as exc:  # the server down, refusing, or answering an error: one line, exit 1
        where = f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "") + parts.path
        _fail_line(f"deploy failed: the Prefect server at {where} ({type(exc).__name__}: {_first_line(exc)})")
        sys.exit(EXIT_FAILED)
    for name, deployment_id in registered.items():
        click.echo(f"{name}: {deployment_id} (work pool {pool})")
    click.echo(f"start a worker: prefect worker start --pool {pool}")


def _register_analyst_commands() -> None:
    from corridor.report import report
    from corridor.track import track

    cli.add_command(report)
    cli.add_command(track)


_register_analyst_commands()


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)


def _secret_values() -> list[str]:
    """Every configured secret (and the orchestrator's API key), to be kept out of any line printed here."""
    names = ["CORRIDOR_KTZ_TOKEN", "CORRIDOR_ADY_API_KEY", "CORRIDOR_AKTAU_CLIENT_SECRET", "CORRIDOR_BAKU_PASSWORD",
             "PREFECT_API_KEY", "PREFECT_API_AUTH_STRING"]
    values = [os.environ.get(name, "") for name in names]
    try:
        from corridor.config import SECRET_FIELDS, Settings

        settings = Settings()
        values += [getattr(settings, field).get_secret_value() for field in SECRET_FIELDS]
    except Exception:  # the settings themselves may be what failed; the environment is read above
        pass
    return [v for v in values if v]


def _redact(text: str) -> str:
    """`text` with every secret (as is, URL- and JSON-encoded, each line of a multi-line one) replaced by `***`."""
    from urllib.parse import quote, quote_plus

    forms: set[str] = set()
    for value in _secret_values():
        forms |= {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
        forms |= {line for line in value.splitlines() if len(line) >= 4}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _command(argv: list[str] | None) -> str:
    """The subcommand being run (`sync`, `feeds serve`), for naming it in an error."""
    words = [w for w in (sys.argv[1:] if argv is None else argv) if not w.startswith("-")]
    if words[:1] == ["feeds"]:
        return " ".join(words[:2])
    return words[0] if words else "corridor"


def _unexpected(exc: Exception, argv: list[str] | None) -> int:
    """Anything a command did not turn into a line itself: one line, exit 1 (never a traceback)."""
    import duckdb

    from corridor.engine.writer import WarehouseBusy, WarehouseUnwritable
    from corridor.reading import ReadFailed

    command = _command(argv)
    if isinstance(exc, WarehouseBusy | WarehouseUnwritable | ReadFailed):
        _fail_line(f"{command} failed: {exc}")
    elif isinstance(exc, duckdb.Error):
        _fail_line(f"{command} failed: the database could not be read or written ({_first_line(exc)})")
    elif isinstance(exc, OSError):
        _fail_line(f"{command} failed: {_first_line(exc)}")
    else:
        _fail_line(f"{command} failed: {type(exc).__name__}: {_first_line(exc)}")
    return EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    """Entry point: usage errors become one line on stderr and exit status 2; failures one line and 1."""
    try:
        return cli.main(args=argv, prog_name="corridor", standalone_mode=False) or EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        _fail_line(f"error: {exc.format_message()}")
        return EXIT_USAGE
    except ConfigurationError as exc:  # the .env file itself cannot be read as settings
        _fail_line(f"error: configuration: {exc}")
        return EXIT_USAGE
    except ValidationError as exc:
        if exc.title != "Settings":  # not ours: a library refusing a value it was handed
            return _unexpected(exc, argv)
        # A configuration value (environment or .env) that Settings refuses.
        _fail_line(f"error: configuration: {describe_error(exc)}")
        return EXIT_USAGE
    except click.Abort:
        click.echo("corridor: aborted", err=True)
        return EXIT_FAILED
    except KeyboardInterrupt:
        click.echo("corridor: interrupted", err=True)
        return 130
    except Exception as exc:  # the last line of defence against a traceback
        return _unexpected(exc, argv)


if __name__ == "__main__":
    sys.exit(main())
