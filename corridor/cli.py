"""The `corridor` command line (operations.md): bad arguments get one line and exit status 2."""
from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from corridor.config import FEEDS, OPERATORS

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
def sync(window_from, window_to, sources, feeds) -> None:
    """Pull, validate and load everything published in [--from, --to); without them, from the watermarks."""
    if (window_from is None) != (window_to is None):
        raise click.UsageError("--from and --to go together (or neither, for the nightly mode)")
    if window_from is not None and window_to <= window_from:
        raise click.UsageError("--to must be after --from")
    selected = _selected_feeds([s.upper() for s in sources], [f.lower() for f in feeds])
    from corridor.flows.sync import run_sync
    from corridor.summary import summary_lines

    summary = run_sync(window_from, window_to, sorted({o for o, _ in selected}), sorted({f for _, f in selected}))
    out, err = summary_lines(summary)
    for line in out:
        click.echo(line)
    for line in err:
        click.echo(line, err=True)
    sys.exit(EXIT_FAILED if err else EXIT_OK)


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
def demo(warehouse: Path, window_from: datetime, window_to: datetime) -> None:
    """Start the embedded simulator, sync a historical window into a fresh warehouse, print what loaded."""
    if window_to <= window_from:
        raise click.UsageError("--to must be after --from")
    from corridor.demo import run_demo

    sys.exit(run_demo(warehouse, window_from, window_to, echo=click.echo))


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
def feeds_serve(host, port, seed, scale, now, defect_rate, faults) -> None:
    """Serve all four operators' feeds from the simulated corridor until interrupted."""
    from corridor.simulator import SimulatorConfig, parse_fault, serve

    try:
        parsed = tuple(parse_fault(f) for f in faults)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--fault") from None
    config = SimulatorConfig(seed=seed, scale=scale, now=now, defect_rate=defect_rate, faults=parsed)
    click.echo(f"serving the corridor feeds on http://{host}:{port}/{{ktz,ady,aktau,baku}} (Ctrl-C stops)")
    try:
        serve(host, port, config)
    except KeyboardInterrupt:
        pass


@cli.command()
@click.argument("sql")
@click.option("--format", "fmt", type=_choice(["table", "csv", "json"]), default="table", show_default=True)
def query(sql: str, fmt: str) -> None:
    """Run read-only SQL against the warehouse and print the result."""
    import duckdb

    from corridor.config import Settings

    path = Settings().warehouse
    if not path.exists():
        raise click.UsageError(f"no warehouse at {path} (set CORRIDOR_WAREHOUSE, or run `corridor sync`)")
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            cursor = con.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = cursor.fetchall()
    except duckdb.Error as exc:
        click.echo(f"corridor: query failed: {str(exc).splitlines()[0]}", err=True)
        sys.exit(EXIT_FAILED)
    _print_table(columns, rows, fmt.lower())


def _print_table(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        click.echo(json.dumps([dict(zip(columns, r)) for r in rows], default=str, ensure_ascii=False))
    else:
        cells = [[("" if v is None else str(v)) for v in r] for r in rows]
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
        click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
        click.echo("  ".join("-" * w for w in widths))
        for r in cells:
            click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths)))
        click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def main(argv: list[str] | None = None) -> int:
    """Entry point: usage errors become one line on stderr and exit status 2."""
    try:
        return cli.main(args=argv, prog_name="corridor", standalone_mode=False) or EXIT_OK
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.UsageError as exc:
        click.echo(f"corridor: error: {exc.format_message()}", err=True)
        return EXIT_USAGE
    except click.Abort:
        click.echo("corridor: aborted", err=True)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
