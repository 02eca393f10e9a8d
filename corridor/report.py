"""`corridor report`: the corridor's KPIs from the marts as one self-contained HTML file (operations.md).

The page loads nothing: no script, no stylesheet, font or image from anywhere, and a Content-Security-Policy
that forbids any fetch. Every chart is inline SVG drawn here from the numbers (bars and lines, no JS). It
reads what analysts read (`corridor.reading.connect_for_reading`: the snapshot, else the warehouse).
"""
from __future__ import annotations

import calendar
import html
import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from corridor.config import Settings
from corridor.timeutil import utcnow
from corridor.warehouse.sql import execute

__all__ = ["report", "write_report"]

PALETTE = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STAGES = ("KZ_RAIL", "AKTAU_PORT", "AT_SEA", "BAKU_PORT", "AZ_RAIL", "DELIVERED")
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

# -- formatting ----------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _num(value: float | int | None, digits: int = 0, suffix: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def _pct(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:+.{digits}f} %" if signed else f"{value:.{digits}f} %"


def _get(row: dict[str, Any] | None, key: str) -> Any:
    return None if row is None else row[key]


def _month(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def _short_month(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year % 100:02d}"


def _instant(value: datetime | None) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


# -- charts: inline SVG ----------------------------------------------------------------------------------------


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _scale(values: Iterable[float | None], include_zero: bool = True) -> tuple[float, float, float]:
    """(low, high, step) of a y axis that holds every value on round ticks."""
    present = [v for v in values if v is not None and not math.isnan(v)]
    low, high = (min(present), max(present)) if present else (0.0, 1.0)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    step = _nice_step(high - low)
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def _tick(value: float, step: float) -> str:
    if abs(value) >= 10_000 and step >= 1000:
        return f"{value / 1000:,.0f}k" if step % 1000 == 0 else f"{value / 1000:,.1f}k"
    return f"{value:,.0f}" if step % 1 == 0 else f"{value:,.1f}"


@dataclass
class Chart:
    """One chart: categories along x and named series of values (None where there is none)."""

    key: str
    title: str
    unit: str
    categories: Sequence[str]
    series: dict[str, list[float | None]]
    kind: str = "bar"  # "bar" (grouped) or "line"
    dashed: frozenset[str] = frozenset()
    note: str = ""
    colors: dict[str, str] | None = None  # series name → colour, else the palette in series order
    width: int = 1100
    height: int = 300

    def svg(self) -> str:
        left, right, top, bottom = 64, 16, 34, 44
        w, h = self.width, self.height
        plot_w, plot_h = w - left - right, h - top - bottom
        values = [v for vs in self.series.values() for v in vs]
        low, high, step = _scale(values, include_zero=self.kind == "bar" or not values or min(
            (v for v in values if v is not None), default=0) >= 0)

        def y(value: float) -> float:
            return top + plot_h * (high - value) / (high - low)

        n = max(len(self.categories), 1)
        band = plot_w / n
        out = [f'<svg class="chart" data-chart="{_e(self.key)}" viewBox="0 0 {w} {h}" width="100%" '
               f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{_e(self.title)}">']
        # Grid and y axis.
        tick = low
        while tick <= high + step / 2:
            ty = y(tick)
            out.append(f'<line class="grid" x1="{left}" x2="{w - right}" y1="{ty:.1f}" y2="{ty:.1f}"/>')
            out.append(f'<text class="axis" x="{left - 8}" y="{ty + 4:.1f}" text-anchor="end">{_e(_tick(tick, step))}'
                       '</text>')
            tick += step
        out.append(f'<text class="axis unit" x="4" y="{top - 14}">{_e(self.unit)}</text>')
        # X labels: as many as fit.
        every = max(1, math.ceil(n * 64 / plot_w))
        for i, category in enumerate(self.categories):
            if i % every == 0:
                out.append(f'<text class="axis" x="{left + band * (i + 0.5):.1f}" y="{h - bottom + 18}" '
                           f'text-anchor="middle">{_e(category)}</text>')
        baseline = y(0.0) if low <= 0 <= high else y(low)
        out.append(f'<line class="baseline" x1="{left}" x2="{w - right}" y1="{baseline:.1f}" y2="{baseline:.1f}"/>')
        marks = 0
        names = list(self.series)

        def colour(s: int, name: str) -> str:
            return (self.colors or {}).get(name, PALETTE[s % len(PALETTE)])
        if self.kind == "bar":
            inner = band * 0.8 / max(len(names), 1)
            for s, name in enumerate(names):
                color = colour(s, name)
                for i, value in enumerate(self.series[name]):
                    if value is None:
                        continue
                    x = left + band * 0.1 + band * i + inner * s
                    y0, y1 = sorted((y(value), baseline))
                    label = f"{self.categories[i]} · {name}: {_num(value, 1 if abs(value) < 100 else 0)} {self.unit}"
                    out.append(f'<rect class="mark bar" x="{x:.1f}" y="{y0:.1f}" width="{max(inner - 1, 1):.1f}" '
                               f'height="{max(y1 - y0, 0.5):.1f}" fill="{color}"><title>{_e(label)}</title></rect>')
                    marks += 1
        else:
            for s, name in enumerate(names):
                color = colour(s, name)
                points, path, pen_down = [], [], False
                for i, value in enumerate(self.series[name]):
                    if value is None:
                        pen_down = False
                        continue
                    px, py = left + band * (i + 0.5), y(value)
                    path.append(f"{'L' if pen_down else 'M'}{px:.1f},{py:.1f}")
                    pen_down = True
                    label = f"{self.categories[i]} · {name}: {_num(value, 1)} {self.unit}"
                    points.append(f'<circle class="mark point" cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{color}">'
                                  f'<title>{_e(label)}</title></circle>')
                if path:
                    dash = ' stroke-dasharray="6 4"' if name in self.dashed else ""
                    out.append(f'<path class="mark line" d="{" ".join(path)}" fill="none" stroke="{color}" '
                               f'stroke-width="2.25"{dash}/>')
                    out.extend(points)
                    marks += 1 + len(points)
        if not marks:
            out.append(f'<text class="empty" x="{w / 2:.0f}" y="{h / 2:.0f}" text-anchor="middle">no data yet</text>')
        # Legend, top right.
        x = w - right
        for s, name in reversed(list(enumerate(names))):
            x -= 14 + 7.2 * len(name) + 18
            color = colour(s, name)
            dash = ' stroke-dasharray="4 3"' if name in self.dashed else ""
            swatch = (f'<line x1="{x:.1f}" x2="{x + 14:.1f}" y1="12" y2="12" stroke="{color}" stroke-width="3"{dash}/>'
                      if self.kind == "line" else f'<rect x="{x:.1f}" y="6" width="12" height="12" rx="2" fill="{color}"/>')
            out.append(f'<g class="legend">{swatch}<text x="{x + 18:.1f}" y="16">{_e(name)}</text></g>')
        out.append("</svg>")
        return "".join(out)

    def html(self) -> str:
        note = f'<p class="note">{_e(self.note)}</p>' if self.note else ""
        return (f'<figure class="figure" id="chart-{_e(self.key)}"><figcaption>{_e(self.title)}</figcaption>'
                f"{self.svg()}{note}</figure>")


def _table(headers: Sequence[str], rows: Iterable[Sequence[Any]], numeric_from: int = 1) -> str:
    head = "".join(f'<th{" class=num" if i >= numeric_from else ""}>{_e(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i >= numeric_from else ""}>{_e(v)}</td>' for i, v in enumerate(r))
        + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tile(label: str, value: str, detail: str = "") -> str:
    detail_html = f'<div class="detail">{_e(detail)}</div>' if detail else ""
    return f'<div class="tile"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>{detail_html}</div>'


# -- the sections --------------------------------------------------------------------------------------------


def _rows(con, name: str) -> list[dict[str, Any]]:
    cursor = execute(con, name)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r)) for r in cursor.fetchall()]


def _months(rows: list[dict[str, Any]]) -> list[date]:
    return sorted({r["month"] for r in rows})


def _pivot(rows, months, key: str, value: str, keys: Sequence[Any] | None = None) -> dict[str, list[float | None]]:
    keys = keys if keys is not None else sorted({r[key] for r in rows})
    cells = {(r["month"], r[key]): r[value] for r in rows}
    return {str(k): [cells.get((m, k)) for m in months] for k in keys}


def _volume_section(rows: list[dict[str, Any]], label: Callable[[date], str]) -> tuple[str, list[str]]:
    months = _months(rows)
    labels = [label(m) for m in months]
    directions = [d for d in ("WESTBOUND", "EASTBOUND") if any(r["direction"] == d for r in rows)] or ["WESTBOUND"]
    tonnes = _pivot(rows, months, "direction", "gross_weight_t", directions)
    yoy = _pivot(rows, months, "direction", "yoy_pct", directions)
    charts = [
        Chart("corridor-volume", "Cargo carried between KTZ and ADY, by month and direction", "t", labels, tonnes,
              note="Consignments both railways reported, cancelled ones excluded; months are restated as late "
                   "reports arrive."),
        Chart("corridor-yoy", "Year-on-year change of the tonnage, by direction", "%", labels, yoy, kind="line",
              note="Against the same month and direction a year earlier; none where that month is not loaded."),
    ]
    table_rows = []
    for m in reversed(months):
        cells = [_month(m)]
        for d in directions:
            row = next((r for r in rows if r["month"] == m and r["direction"] == d), None)
            cells += [_num(_get(row, "consignments")), _num(_get(row, "teu"), 1), _num(_get(row, "gross_weight_t")),
                      _pct(_get(row, "yoy_pct"), signed=True)]
        table_rows.append(cells)
    headers = ["month"] + [f"{d.lower()} {c}" for d in directions for c in ("consignments", "TEU", "t", "YoY")]
    body = "".join(c.html() for c in charts) + _table(headers, table_rows)
    return body, [c.key for c in charts]


def _train_section(rows: list[dict[str, Any]], label: Callable[[date], str]) -> tuple[str, list[str]]:
    months = _months(rows)
    labels = [label(m) for m in months]
    services = sorted({r["service_code"] for r in rows}) or ["XIAN-BAKU"]
    charts = [
        Chart("containers-per-train", "Containers per train, by month of departure", "containers", labels,
              _pivot(rows, months, "service_code", "containers_per_train", services)),
        Chart("median-transit", "Median transit, origin to destination, by month of departure", "days", labels,
              _pivot(rows, months, "service_code", "median_transit_days", services), kind="line",
              note="Over the completed journeys of containers on the trains that departed that month."),
    ]
    table_rows = [[_month(r["month"]), r["service_code"], _num(r["trains"]), _num(r["containers"]),
                   _num(r["containers_per_train"], 1), _num(r["median_transit_days"], 1)] for r in reversed(rows)]
    table = _table(["month", "service", "trains", "containers", "containers per train", "median transit, days"],
                   table_rows, numeric_from=2)
    return "".join(c.html() for c in charts) + table, [c.key for c in charts]


def _adherence_section(monthly: list[dict[str, Any]], total: list[dict[str, Any]],
                       label: Callable[[date], str]) -> tuple[str, list[str]]:
    months = _months(monthly)
    labels = [label(m) for m in months]
    pairs = [(r["operator_code"], r["kind"]) for r in total]
    series = {f"{o} {k.lower()}": [next((r["on_time_pct"] for r in monthly if r["month"] == m
                                        and r["operator_code"] == o and r["kind"] == k), None) for m in months]
              for o, k in pairs}
    overall = Chart("on-time-overall", "On time, over the whole window, by operator and kind", "%",
                    [f"{r['operator_code']} {r['kind'].lower()}" for r in total],
                    {"on time": [r["on_time_pct"] for r in total]}, height=260,
                    note="A train stop arriving no later than planned + 60 min, a vessel call no later than its ETA "
                         "+ 3 h; early counts as on time; share of the observed arrivals.")
    by_month = Chart("on-time-monthly", "On time by month of the planned arrival", "%", labels, series, kind="line")
    table_rows = [[r["operator_name"] or r["operator_code"], r["kind"].lower(), _num(r["planned"]), _num(r["observed"]),
                   _num(r["on_time"]), _pct(r["on_time_pct"]), _num(r["mean_delay_hours"], 2)] for r in total]
    table = _table(["operator", "kind", "planned", "observed", "on time", "on time %", "mean delay, h"], table_rows,
                   numeric_from=2)
    return overall.html() + by_month.html() + table, [overall.key, by_month.key]


def _dwell_section(rows: list[dict[str, Any]], label: Callable[[date], str]) -> tuple[str, list[str]]:
    months = _months(rows)
    labels = [label(m) for m in months]
    order = ("KZAAU", "AZBAK")  # westbound: Aktau, then Baku
    ports = sorted(dict.fromkeys((r["port_unlocode"], r["port_name"]) for r in rows),
                   key=lambda p: (order.index(p[0]) if p[0] in order else len(order), p[0]))
    ports = ports or [("KZAAU", "Aktau"), ("AZBAK", "Baku")]
    body, keys = [], []
    for code, name in ports:
        series: dict[str, list[float | None]] = {}
        dashed = set()
        for kind in ("CONTAINER", "WAGON"):
            port_rows = [r for r in rows if r["port_unlocode"] == code and r["equipment_kind"] == kind]
            if not port_rows:
                continue
            series[f"{kind.lower()} median"] = [next((r["median_dwell_hours"] for r in port_rows if r["month"] == m),
                                                     None) for m in months]
            series[f"{kind.lower()} p90"] = [next((r["p90_dwell_hours"] for r in port_rows if r["month"] == m), None)
                                             for m in months]
            dashed.add(f"{kind.lower()} p90")
        colours = {f"{kind} {stat}": PALETTE[i * 2] for i, kind in enumerate(("container", "wagon"))
                   for stat in ("median", "p90")}
        chart = Chart(f"dwell-{code.lower()}", f"Dwell at {name} · {code}, by month the equipment left", "hours",
                      labels, series, kind="line", dashed=frozenset(dashed), colors=colours, height=260,
                      note="A visit runs from the first arrival at the port to the first departure after it; "
                           "solid: median, dashed: 90th percentile.")
        body.append(chart.html())
        keys.append(chart.key)
    table_rows = []
    for code, name in ports:
        for kind in ("CONTAINER", "WAGON"):
            port_rows = [r for r in rows if r["port_unlocode"] == code and r["equipment_kind"] == kind]
            if not port_rows:
                continue
            last = port_rows[-1]
            table_rows.append([f"{name} · {code}", kind.lower(), _num(sum(r["moves"] or 0 for r in port_rows)),
                               _month(last["month"]), _num(last["median_dwell_hours"], 1), _num(last["p90_dwell_hours"], 1)])
    body.append(_table(["port", "equipment", "visits", "latest month", "median, h", "p90, h"], table_rows,
                       numeric_from=2))
    return "".join(body), keys


def _reconciliation_section(rows: list[dict[str, Any]]) -> tuple[str, list[str]]:
    issues = ["MISSING_AT_KTZ", "MISSING_AT_ADY", "WEIGHT_MISMATCH"]
    issues += [r["issue"] for r in rows if r["issue"] not in issues]
    counts = {r["issue"]: r["waybills"] for r in rows}
    chart = Chart("reconciliation", "Waybills the sources disagree on, by issue", "waybills", issues,
                  {"waybills": [counts.get(i, 0) for i in issues]}, height=240,
                  note="Reported by one railway's cargo feed and not the other's after 10 days, or a weight more than "
                       "1 % from the accepting railway's.")
    table = _table(["issue", "waybills"], [[i, _num(counts.get(i, 0))] for i in issues])
    return chart.html() + table, [chart.key]


def _status_section(rows: list[dict[str, Any]]) -> tuple[str, list[str]]:
    stages = list(STAGES) + [r["stage"] for r in rows if r["stage"] not in STAGES]
    counts = {r["stage"]: r for r in rows}
    chart = Chart("container-stages", "Containers by current stage", "containers", stages,
                  {"containers": [counts[s]["containers"] if s in counts else 0 for s in stages]}, height=240,
                  note="As of each container's latest event (marts.container_status).")
    table = _table(["stage", "containers", "with an ETA", "latest event"],
                   [[s, _num(counts[s]["containers"] if s in counts else 0),
                     _num(counts[s]["with_eta"] if s in counts else 0),
                     _instant(counts[s]["last_event_utc"] if s in counts else None)] for s in stages])
    return chart.html() + table, [chart.key]


STYLE = """
:root { color-scheme: light; --ink: #111827; --muted: #6b7280; --line: #e5e7eb; --panel: #f9fafb; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: #fff; }
header { padding: 24px 40px 16px; border-bottom: 1px solid var(--line); background: var(--panel); }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 2px 0; color: var(--muted); }
main { padding: 8px 40px 40px; max-width: 1240px; }
section { margin-top: 28px; }
h2 { font-size: 18px; margin: 0 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 12px; margin-top: 20px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fff; }
.tile .label { color: var(--muted); font-size: 12px; }
.tile .value { font-size: 22px; font-weight: 600; }
.tile .detail { color: var(--muted); font-size: 12px; }
figure { margin: 14px 0 6px; }
figcaption { font-weight: 600; margin-bottom: 2px; }
svg.chart { display: block; max-width: 1100px; height: auto; }
svg.chart text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
svg.chart text.axis { fill: var(--muted); }
svg.chart text.empty { font-size: 14px; fill: var(--muted); }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
svg.chart .baseline { stroke: #9ca3af; stroke-width: 1; }
.note { color: var(--muted); font-size: 12px; margin: 2px 0 0; }
table { border-collapse: collapse; margin: 10px 0 4px; font-size: 12.5px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
footer { color: var(--muted); font-size: 12px; padding: 0 40px 32px; }
"""


def render_report(con, written_utc: datetime, source: Path) -> tuple[str, list[str]]:
    """The report's HTML and the keys of the charts in it, from a connection to the analysts' database."""
    tables = {r["table_name"] for r in _rows(con, "report_tables.sql")}
    window = _rows(con, "report_window.sql")[0]
    volume = _rows(con, "report_corridor_volume.sql")
    trains = _rows(con, "report_train_service.sql")
    adherence_monthly = _rows(con, "report_schedule_adherence_monthly.sql")
    adherence_total = _rows(con, "report_schedule_adherence_total.sql")
    dwell = _rows(con, "report_port_dwell.sql")
    issues = _rows(con, "report_reconciliation_issues.sql")
    statuses = _rows(con, "report_container_status.sql") if "marts.container_status" in tables else None

    first = window["first_event_utc"] or window["first_accepted_utc"]
    last = max((t for t in (window["last_event_utc"], window["last_accepted_utc"]) if t is not None), default=None)
    partial = (date(last.year, last.month, 1) if last is not None
               and last.day < calendar.monthrange(last.year, last.month)[1] else None)

    def label(month: date) -> str:
        return _short_month(month) + ("*" if month == partial else "")

    sections = [
        ("volume", "Corridor volume", _volume_section(volume, label)),
        ("trains", "Trains and transit", _train_section(trains, label)),
        ("adherence", "Schedule adherence", _adherence_section(adherence_monthly, adherence_total, label)),
        ("dwell", "Port dwell", _dwell_section(dwell, label)),
        ("reconciliation", "Reconciliation", _reconciliation_section(issues)),
    ]
    if statuses is not None:
        sections.append(("status", "Track and Trace", _status_section(statuses)))

    # Headline tiles.
    months = [m for m in _months(volume) if m != partial]  # the tile shows the latest complete month
    last_month = months[-1] if months else None
    last_volume = [r for r in volume if r["month"] == last_month]
    total_t = sum(r["gross_weight_t"] or 0 for r in volume)
    xb = [r for r in trains if r["service_code"] == "XIAN-BAKU"]
    total_trains = sum(r["trains"] or 0 for r in xb)
    total_containers = sum(r["containers"] or 0 for r in xb)
    vessel = next((r for r in _group(adherence_total, "kind") if r["kind"] == "VESSEL"), None)
    train = next((r for r in _group(adherence_total, "kind") if r["kind"] == "TRAIN"), None)
    tiles = [
        _tile("Cargo KTZ ↔ ADY, whole window", _num(total_t, suffix=" t"),
              f"{_num(sum(r['consignments'] or 0 for r in volume))} consignments"),
        _tile(f"Cargo in {_month(last_month)}" if last_month else "Cargo, latest month",
              _num(sum(r["gross_weight_t"] or 0 for r in last_volume), suffix=" t"),
              " · ".join(f"{r['direction'].lower()} {_pct(r['yoy_pct'], signed=True)} YoY" for r in last_volume)),
        _tile("XIAN-BAKU trains", _num(total_trains),
              f"{_num(total_containers / total_trains, 1)} containers per train" if total_trains else ""),
        _tile("Train stops on time", _pct(_get(train, "on_time_pct")),
              f"of {_num(train['observed'])} observed" if train else ""),
        _tile("Vessel calls on time", _pct(_get(vessel, "on_time_pct")),
              f"of {_num(vessel['observed'])} observed" if vessel else ""),
        _tile("Waybills the sources disagree on", _num(sum(r["waybills"] for r in issues)),
              " · ".join(f"{r['issue'].lower().replace('_', ' ')} {r['waybills']:,}" for r in issues)),
    ]

    span = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" if first and last else "nothing loaded yet"
    keys = [k for _, _, (_, ks) in sections for k in ks]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>Middle Corridor report, {_e(span)}</title>",
        f"<style>{STYLE}</style></head><body>",
        "<header><h1>Middle Corridor: KTZ · Aktau · Baku · ADY</h1>",
        f'<p class="window">Data from <b>{_e(span)}</b> (UTC, events and acceptances loaded)'
        f"{f'; * marks {_month(partial)}, a partial month' if partial else ''}.</p>",
        f'<p class="written">Last load finished {_e(_instant(window["last_load_utc"]))}'
        f" ({_num(window['loads'])} loads) · report written {_e(_instant(written_utc))} from {_e(source.name)}.</p>",
        "</header><main>",
        f'<div class="tiles">{"".join(tiles)}</div>',
    ]
    for anchor, title, (body, _) in sections:
        parts.append(f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>')
    parts.append("</main><footer>Figures from the marts of the Corridor warehouse (docs: warehouse.md). "
                 "This page is self-contained: it loads nothing.</footer></body></html>")
    return "\n".join(parts), keys


def _group(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Operator × kind totals folded into one row per `key` (on-time % of all observed arrivals)."""
    folded: dict[Any, dict[str, Any]] = {}
    for r in rows:
        f = folded.setdefault(r[key], {key: r[key], "observed": 0, "on_time": 0})
        f["observed"] += r["observed"] or 0
        f["on_time"] += r["on_time"] or 0
    for f in folded.values():
        f["on_time_pct"] = 100.0 * f["on_time"] / f["observed"] if f["observed"] else None
    return list(folded.values())


def write_report(settings: Settings, out: Path | None = None) -> Path:
    """Write the corridor report to `out` (default: report.html beside the warehouse); returns its path."""
    from corridor.reading import analyst_database, connect_for_reading

    target = Path(out) if out is not None else settings.warehouse.parent / "report.html"
    source = analyst_database(settings)
    with connect_for_reading(settings) as con:
        text, _ = render_report(con, utcnow(), source)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the report (default: report.html beside the warehouse).")
def report(out: Path | None) -> None:
    """Write the corridor report: one self-contained HTML file of the KPIs from the marts, with charts.

    It reads the analysts' snapshot (the warehouse while there is none) and loads nothing from the network:
    charts are inline SVG, there is no script and no external font or stylesheet.
    """
    from corridor.reading import NothingToRead

    try:
        path = write_report(Settings(), out)
    except NothingToRead as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"report written to {path}")
