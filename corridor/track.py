"""`corridor track ID` (operations.md): one container, wagon or waybill across the four operators.

Its events in time order (UTC and the place's local time, from `core.dim_location.timezone` through the
`tzdata` zones of `corridor.timeutil`, never the host's), its current stage and, on a XIAN-BAKU journey in
progress, its ETA with the number of journeys behind it (`marts.container_status`). Read-only, from the
analysts' snapshot (or the warehouse while there is none).

The ID says what it is by its shape; upper-cased and stripped first:
- a container: four letters and seven digits (ISO 6346; the fourth letter U, J or Z and the check digit right);
- a wagon: eight digits, the last its check digit;
- a waybill: the SMGS through waybill `NNCCNNNNNNN` (two-digit year, KZ or AZ for the accepting railway, seven
  digits: `24KZ0012345`); it has no check digit.
Anything else, or a wrong check digit, is a usage error: one line, exit 2. Exit 1 when nothing is known of a
valid number (no event and no consignment names it), or when the warehouse cannot be read; 0 when found.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NoReturn

import click
import duckdb
from pydantic import ValidationError

from corridor.checkdigits import is_valid_container, is_valid_wagon, iso6346_check_digit, wagon_check_digit
from corridor.config import Settings
from corridor.reading import NothingToRead, connect_for_reading
from corridor.timeutil import UTC, format_instant, zone
from corridor.warehouse.sql import execute

EXIT_NOT_FOUND = 1

_CONTAINER_SHAPE = re.compile(r"^[A-Z]{4}[0-9]{7}$")
_WAGON_SHAPE = re.compile(r"^[0-9]{8}$")
_WAYBILL_SHAPE = re.compile(r"^[0-9]{2}(KZ|AZ)[0-9]{7}$")

KIND_NAMES = {"CONTAINER": "container", "WAGON": "wagon", "WAYBILL": "waybill"}


@dataclass(frozen=True)
class TrackId:
    kind: str    # CONTAINER, WAGON or WAYBILL
    number: str

    def __str__(self) -> str:
        return f"{KIND_NAMES[self.kind]} {self.number}"


def parse_track_id(text: str) -> TrackId:
    """What an ID is, by its shape; ValueError (with the reason) when it is no valid number."""
    number = text.strip().upper()
    if _CONTAINER_SHAPE.match(number):
        if number[3] not in "UJZ":
            raise ValueError(f"{number} is not a valid container number: ISO 6346's fourth letter is U, J or Z")
        if not is_valid_container(number):
            raise ValueError(f"{number} is not a valid container number: its ISO 6346 check digit is"
                             f" {iso6346_check_digit(number[:10])}, not {number[10]}")
        return TrackId("CONTAINER", number)
    if _WAGON_SHAPE.match(number):
        if not is_valid_wagon(number):
            raise ValueError(f"{number} is not a valid wagon number: its check digit is"
                             f" {wagon_check_digit(number[:7])}, not {number[7]}")
        return TrackId("WAGON", number)
    if _WAYBILL_SHAPE.match(number):
        return TrackId("WAYBILL", number)
    raise ValueError(f"{text.strip()!r} is not a container (ISO 6346, e.g. CSQU3054383), wagon (8 digits)"
                     " or waybill number (e.g. 24KZ0012345)")


class TrackIdType(click.ParamType):
    name = "ID"

    def convert(self, value, param, ctx):
        if isinstance(value, TrackId):
            return value
        try:
            return parse_track_id(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@dataclass
class Tracking:
    """Everything `corridor track` prints about one ID."""

    id: TrackId
    events: list[dict[str, Any]] = field(default_factory=list)
    consignments: list[dict[str, Any]] = field(default_factory=list)
    status: dict[str, Any] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.events or self.consignments)


def _records(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    columns = [d[0] for d in cursor.description or []]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def read_tracking(con: duckdb.DuckDBPyConnection, track_id: TrackId) -> Tracking:
    params = {"kind": track_id.kind, "id": track_id.number}
    tracking = Tracking(track_id)
    tracking.events = _records(execute(con, "analyst_track_events.sql", params))
    tracking.consignments = _records(execute(con, "analyst_track_consignments.sql", params))
    if tracking.events:
        latest = tracking.events[-1]
        waybill = track_id.number if track_id.kind == "WAYBILL" else next(
            (e["waybill_no"] for e in reversed(tracking.events) if e["waybill_no"]), None)
        status = _records(execute(con, "analyst_track_status.sql",
                                  {**params, "last_event_id": latest["event_id"], "waybill_no": waybill}))
        tracking.status = status[0] if status else {}
    return tracking


# -- presenting ------------------------------------------------------------------------------------

def local_time(instant: datetime, zone_name: str | None) -> datetime | None:
    """Naive UTC → the aware wall-clock time at a place (its IANA zone from tzdata); None where it has none."""
    if zone_name is None:
        return None
    try:
        return instant.replace(tzinfo=UTC).astimezone(zone(zone_name))
    except OverflowError:  # an instant at the calendar's end is year 10000 east of UTC
        return None


def _offset(local: datetime) -> str:
    minutes = int((local.utcoffset() or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _minute(instant: datetime) -> datetime:
    """To the nearest minute, for display."""
    return (instant + timedelta(seconds=30)).replace(second=0, microsecond=0)


def eta_text(status: dict[str, Any]) -> str | None:
    """`ETA 2024-03-10 14:00 UTC (median of 37 completed journeys in the 90 days before departure)`."""
    if status.get("eta_utc") is not None:
        n = status["eta_basis"]
        return (f"ETA {_minute(status['eta_utc']):%Y-%m-%d %H:%M} UTC (median of {n} completed"
                f" journey{'' if n == 1 else 's'} in the 90 days before departure)")
    if status.get("journey_in_progress"):
        return "ETA unknown (no completed journeys in the 90 days before departure to base it on)"
    return None


def _place(event: dict[str, Any]) -> str:
    name = event["location_name"]
    return f"{name} ({event['location_code']})" if name else event["location_code"]


def _carrier(event: dict[str, Any]) -> str:
    parts = []
    if event["train_no"]:
        parts.append(f"train {event['train_no']}")
    if event["vessel_imo"]:
        parts.append(f"vessel IMO {event['vessel_imo']}" + (f" voyage {event['voyage_no']}" if event["voyage_no"] else ""))
    return ", ".join(parts)


def _instant(value: datetime | None) -> str | None:
    return None if value is None else format_instant(value)


def as_json(tracking: Tracking) -> dict[str, Any]:
    status = tracking.status
    events = []
    for e in tracking.events:
        local = local_time(e["event_time_utc"], e["timezone"])
        events.append({
            "event_time_utc": format_instant(e["event_time_utc"]),
            "local_time": None if local is None else local.isoformat(),
            "timezone": e["timezone"],
            "location_code": e["location_code"], "place": e["location_name"],
            "operator_code": e["operator_code"], "operator": e["operator_name"],
            "event_type": e["event_type"], "transport_mode": e["transport_mode"],
            "train_no": e["train_no"], "vessel_imo": e["vessel_imo"], "voyage_no": e["voyage_no"],
            "container_no": e["container_no"], "wagon_no": e["wagon_no"], "waybill_no": e["waybill_no"],
            "event_id": e["event_id"], "published_utc": format_instant(e["published_utc"]),
        })
    journey = None
    if status.get("journey_departed_utc") is not None:
        journey = {"service": "XIAN-BAKU", "departed_utc": _instant(status["journey_departed_utc"]),
                   "arrived_utc": _instant(status["journey_arrived_utc"]),
                   "in_progress": bool(status["journey_in_progress"])}
    return {
        "id": tracking.id.number, "kind": KIND_NAMES[tracking.id.kind],
        "stage": status.get("stage"),
        "container_no": status.get("container_no"), "waybill_no": status.get("waybill_no"),
        "train_no": status.get("train_no"), "vessel_imo": status.get("vessel_imo"),
        "journey": journey,
        "eta_utc": _instant(status.get("eta_utc")), "eta_basis": status.get("eta_basis"),
        "eta": eta_text(status),
        "consignments": [
            {**c, "accepted_utc": _instant(c["accepted_utc"])} for c in tracking.consignments],
        "events": events,
    }


def _columns(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def as_table(tracking: Tracking) -> list[str]:
    status = tracking.status
    lines = [f"{tracking.id}: stage {status.get('stage') or 'unknown (no events yet)'}"]
    refs = [f"{label} {status[key]}" for key, label in
            (("container_no", "container"), ("waybill_no", "waybill"), ("train_no", "train"),
             ("vessel_imo", "vessel IMO")) if status.get(key) and status[key] != tracking.id.number]
    if refs:
        lines.append("last known: " + ", ".join(refs))
    if status.get("journey_departed_utc") is not None:
        state = "in progress" if status["journey_in_progress"] else (
            f"arrived {status['journey_arrived_utc']:%Y-%m-%d %H:%M} UTC" if status["journey_arrived_utc"] else "ended")
        lines.append(f"XIAN-BAKU journey departed {status['journey_departed_utc']:%Y-%m-%d %H:%M} UTC, {state}")
    eta = eta_text(status)
    if eta:
        lines.append(eta)
    # A waybill's own consignment; for a container or wagon, the latest consignment naming it.
    for c in tracking.consignments[:1]:
        route = " → ".join(
            (f"{c[name]} ({c[code]})" if c[name] else c[code]) if c[code] else "?"
            for code, name in (("origin_location_code", "origin_name"), ("destination_location_code", "destination_name")))
        carrier = c["container_no"] or c["wagon_no"]
        label = "consignment" if tracking.id.kind == "WAYBILL" else "latest consignment"
        lines.append(f"{label} {c['waybill_no']}: {c['status']}, {route}" + (f", on {carrier}" if carrier else ""))
    lines.append("")
    rows = []
    for e in tracking.events:
        local = local_time(e["event_time_utc"], e["timezone"])
        rows.append([
            f"{e['event_time_utc']:%Y-%m-%d %H:%M}",
            "" if local is None else f"{local:%Y-%m-%d %H:%M} {_offset(local)}",
            _place(e), e["operator_code"], e["event_type"], e["transport_mode"], _carrier(e),
            e["container_no"] or "", e["wagon_no"] or "", e["waybill_no"] or "",
        ])
    lines += _columns(["time (UTC)", "local time", "place", "operator", "event", "mode", "carrier",
                       "container", "wagon", "waybill"], rows)
    lines.append(f"({len(rows)} event{'' if len(rows) == 1 else 's'})")
    return lines


# -- the command -----------------------------------------------------------------------------------

@click.command("track")
@click.argument("track_id", metavar="ID", type=TrackIdType())
@click.option("--format", "fmt", type=click.Choice(["table", "json"], case_sensitive=False), default="table",
              show_default=True)
@click.pass_context
def track(ctx: click.Context, track_id: TrackId, fmt: str) -> None:
    """One container (ISO 6346), wagon (8 digits) or waybill (24KZ0012345): its events, stage and ETA.

    Exit status 0 when found, 1 when nothing is known of it, 2 when ID is no valid number.
    """
    try:
        con = connect_for_reading(Settings())
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = "_".join(str(part) for part in problem["loc"]).upper()
        raise click.UsageError(f"bad configuration: CORRIDOR_{where}: {problem['msg']}") from None
    except NothingToRead as exc:
        raise click.UsageError(str(exc)) from None
    except duckdb.Error as exc:
        _fail(ctx, f"cannot open the warehouse: {_first_line(exc)}")
    try:
        with con:
            tracking = read_tracking(con, track_id)
    except duckdb.Error as exc:
        _fail(ctx, f"cannot read the warehouse: {_first_line(exc)}")
    if not tracking.found:
        click.echo(f"corridor: nothing is known of {track_id}", err=True)
        ctx.exit(EXIT_NOT_FOUND)
    if fmt.lower() == "json":
        click.echo(json.dumps(as_json(tracking), ensure_ascii=False, default=str))
    else:
        for line in as_table(tracking):
            click.echo(line)


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _fail(ctx: click.Context, message: str) -> NoReturn:
    click.echo(f"corridor: error: {message}", err=True)
    ctx.exit(EXIT_NOT_FOUND)
