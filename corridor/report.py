"""`corridor report`: the corridor's KPIs from the marts as one self-contained HTML file (operations.md).

The charts are Altair (Vega-Lite) specifications rendered to SVG while the report is built, by
`vl-convert-python` (which bundles the Vega engine, so it works offline), and inlined: the page itself
has no script and loads nothing, and a Content-Security-Policy forbids any fetch. Source values reach the
page only as escaped text (tables through `html.escape`, charts through Vega's SVG writer), so a waybill
that reads `<script>` or `=cmd|…` shows as just that. The report reads what analysts read
(`corridor.reading.connect_for_reading`: the snapshot, else the warehouse).
"""
from __future__ import annotations

import calendar
import html
import math
import os
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from corridor.config import Settings
from corridor.timeutil import utcnow
from corridor.warehouse.sql import execute

__all__ = ["report", "write_report", "render_report"]

PALETTE = ["#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777"]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STAGES = ("KZ_RAIL", "AKTAU_PORT", "AT_SEA", "BAKU_PORT", "AZ_RAIL", "DELIVERED")
LEGS = (("kz_rail_days", "KZ rail"), ("aktau_dwell_days", "Aktau dwell"), ("sea_days", "Caspian crossing"),
        ("baku_dwell_days", "Baku dwell"), ("az_rail_days", "AZ rail"))
OPERATORS = ("KTZ", "AKTAU_PORT", "BAKU_PORT", "ADY")
PLANNED_TRAINS_A_MONTH = 10  # world.md: Xi'an – Baku container trains planned from 2024
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
FONT = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif"
WIDTH = 1040  # of a chart's plot, in CSS pixels (the page is 1240 wide at most)

# -- formatting ----------------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _num(value: float | int | None, digits: int = 0, suffix: str = "") -> str:
    return "–" if _missing(value) else f"{value:,.{digits}f}{suffix}"


def _pct(value: float | None, digits: int = 1, signed: bool = False) -> str:
    if _missing(value):
        return "–"
    return f"{value:+.{digits}f} %" if signed else f"{value:.{digits}f} %"


def _month(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def _short_month(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year % 100:02d}"


def _instant(value: datetime | None) -> str:
    return "–" if value is None else f"{value:%Y-%m-%d %H:%M} UTC"


def _iso(value: datetime | date) -> str:
    """An instant as Vega parses it unambiguously: ISO 8601 with an explicit UTC offset."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def _feed(operator: str, feed: str) -> str:
    return f"{operator} {feed}"


# -- charts: Altair specs rendered to SVG at build time ------------------------------------------------------


def _alt() -> Any:
    import altair as alt  # imported here: `corridor --help` need not pay for it

    return alt


def _svg(spec: dict[str, Any]) -> str:
    """A Vega-Lite spec as an SVG element for inlining in HTML: no XML prolog, no namespace URLs."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg, count=2)
    return svg


class Chart:
    """One chart of the report: its key, title, note, and the Altair chart (None when there is nothing to draw)."""

    def __init__(self, key: str, title: str, chart: Any | None, note: str = "") -> None:
        self.key, self.title, self.chart, self.note = key, title, chart, note

    def html(self) -> str:
        note = f'<p class="note">{_e(self.note)}</p>' if self.note else ""
        if self.chart is None:
            body = '<p class="empty">no data yet</p>'
        else:
            spec = self.chart.configure(font=FONT, background="white").configure_view(stroke=None) \
                .configure_axis(labelColor="#4b5563", titleColor="#374151", gridColor="#e5e7eb",
                                domainColor="#9ca3af", tickColor="#9ca3af") \
                .configure_legend(orient="top", title=None, labelLimit=260).to_dict()
            svg = _svg(spec)
            body = re.sub(r"^<svg\b", f'<svg data-chart="{_e(self.key)}" role="img" aria-label="{_e(self.title)}"',
                          svg, count=1).replace('class="marks"', 'class="marks chart"', 1)
        return (f'<figure class="figure" id="chart-{_e(self.key)}"><figcaption>{_e(self.title)}</figcaption>'
                f"{body}{note}</figure>")

    @property
    def drawn(self) -> bool:
        return self.chart is not None


def _data(rows: Sequence[dict[str, Any]]) -> Any:
    """Rows as inline Vega data: dates and instants as ISO text, decimals as floats."""
    def cell(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return _iso(value)
        if value is None or isinstance(value, bool | int | float | str):
            return None if _missing(value) else value
        return float(value)
    return _alt().Data(values=[{k: cell(v) for k, v in r.items()} for r in rows])


def _month_axis(field: str, labels: Sequence[str], title: str | None = None, room: int = WIDTH) -> Any:
    """An x axis of month labels in their order, upright while they fit, slanted when they would not."""
    alt = _alt()
    angle = 0 if len(labels) * 48 <= room else -45
    return alt.X(f"{field}:O", sort=list(labels), title=title, axis=alt.Axis(labelAngle=angle))


# -- the sections --------------------------------------------------------------------------------------------


def _rows(con, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    cursor = execute(con, name, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, r)) for r in cursor.fetchall()]


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], numeric_from: int = 1) -> str:
    if not rows:
        return ""
    head = "".join(f'<th{" class=num" if i >= numeric_from else ""}>{_e(h)}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i >= numeric_from else ""}>{_e(v)}</td>' for i, v in enumerate(r))
        + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tile(label: str, value: str, period: str, comparison: str = "") -> str:
    compare = f'<div class="detail">{_e(comparison)}</div>' if comparison else ""
    return (f'<div class="tile"><div class="label">{_e(label)}</div><div class="value">{_e(value)}</div>'
            f'<div class="period">{_e(period)}</div>{compare}</div>')


class Report:
    """Everything read from the analysts' database, and the sections built from it."""

    def __init__(self, con) -> None:
        self.con = con
        self.tables = {r["table_name"] for r in _rows(con, "report_tables.sql")}
        self.window = _rows(con, "report_window.sql")[0]
        first = self.window["first_event_utc"] or self.window["first_accepted_utc"]
        last = max((t for t in (self.window["last_event_utc"], self.window["last_accepted_utc"]) if t is not None),
                   default=None)
        self.first, self.last = first, last
        # The month the data ends in is partial unless it runs to the month's last day.
        self.partial = (date(last.year, last.month, 1) if last is not None
                        and last.day < calendar.monthrange(last.year, last.month)[1] else None)
        # ... and so is the month it starts in, unless it starts on the first.
        self.partials = {m for m in (self.partial, date(first.year, first.month, 1) if first is not None
                                     and first.day != 1 else None) if m}
        self.volume = _rows(con, "report_corridor_volume.sql")
        self.trains = _rows(con, "report_train_service.sql")
        self.transit = _rows(con, "report_transit_distribution.sql")
        self.adherence_monthly = _rows(con, "report_schedule_adherence_monthly.sql")
        self.adherence_total = _rows(con, "report_schedule_adherence_total.sql")
        self.dwell = _rows(con, "report_port_dwell.sql")
        self.issues = _rows(con, "report_reconciliation_issues.sql")
        self.disagreements = _rows(con, "report_reconciliation_sample.sql")
        self.quality = _rows(con, "report_load_quality.sql")
        self.freshness = _rows(con, "report_feed_freshness.sql")
        self.has_status = "marts.container_status" in self.tables
        self.statuses = _rows(con, "report_container_status.sql") if self.has_status else []
        self.etas = _rows(con, "report_container_eta.sql") if self.has_status else []
        self.next_arrivals = _rows(con, "report_container_next.sql") if self.has_status else []

    def label(self, month: date) -> str:
        return _short_month(month) + ("*" if month in self.partials else "")

    @property
    def complete_months(self) -> list[date]:
        months = sorted({r["month"] for r in self.volume} | {r["month"] for r in self.trains})
        return [m for m in months if m not in self.partials]

    # -- headline ------------------------------------------------------------------------------------------

    def tiles(self) -> list[str]:
        tiles = []
        by_month: dict[date, dict[str, float | None]] = {}
        for r in self.volume:
            cell = by_month.setdefault(r["month"], {"t": 0.0, "prev": 0.0, "prev_known": 0.0})
            cell["t"] = (cell["t"] or 0.0) + (r["gross_weight_t"] or 0.0)
            if r["prev_year_gross_weight_t"] is not None:
                cell["prev"] = (cell["prev"] or 0.0) + r["prev_year_gross_weight_t"]
                cell["prev_known"] = 1.0
        # The corridor's public figure: January–February tonnage between the railways and its growth.
        years = sorted({m.year for m in by_month if m.month == 2 and date(m.year, 1, 1) in by_month
                        and not {m, date(m.year, 1, 1)} & self.partials}, reverse=True)
        if years:
            year = years[0]
            now = sum(by_month[date(year, m, 1)]["t"] or 0.0 for m in (1, 2))
            before = [by_month.get(date(year - 1, m, 1)) for m in (1, 2)]
            prev = sum((b or {}).get("t") or 0.0 for b in before) if all(before) else None
            growth = 100.0 * (now - prev) / prev if prev else None
            tiles.append(_tile("Cargo between KTZ and ADY, January–February", _num(now, suffix=" t"),
                               f"Jan–Feb {year}, both directions",
                               f"{_pct(growth, signed=True)} on Jan–Feb {year - 1} ({_num(prev, suffix=' t')})"
                               if prev else f"Jan–Feb {year - 1} not loaded"))
        months = [m for m in self.complete_months if m in by_month]
        if months:
            m = months[-1]
            cell = by_month[m]
            yoy = (100.0 * ((cell["t"] or 0.0) - (cell["prev"] or 0.0)) / cell["prev"]
                   if cell["prev_known"] and cell["prev"] else None)
            tiles.append(_tile("Cargo between KTZ and ADY, latest month", _num(cell["t"], suffix=" t"), _month(m),
                               f"{_pct(yoy, signed=True)} on {_month(date(m.year - 1, m.month, 1))}" if yoy is not None
                               else f"{_month(date(m.year - 1, m.month, 1))} not loaded"))
        xb = {r["month"]: r for r in self.trains if r["service_code"] == "XIAN-BAKU"}
        months = [m for m in self.complete_months if m in xb]
        if months:
            m = months[-1]
            row, month_before = xb[m], xb.get(_add_months(m, -1))
            tiles.append(_tile("XIAN-BAKU trains a month", _num(row["trains"]), f"departed in {_month(m)}",
                               f"plan {PLANNED_TRAINS_A_MONTH} · {_month(_add_months(m, -1))}: "
                               f"{_num(month_before['trains']) if month_before else '–'}"))
            trains = sum(r["trains"] or 0 for k, r in xb.items() if k in months)
            containers = sum(r["containers"] or 0 for k, r in xb.items() if k in months)
            tiles.append(_tile("Containers a train", _num(row["containers_per_train"], 1), f"XIAN-BAKU, {_month(m)}",
                               f"{_num(containers / trains, 1) if trains else '–'} over "
                               f"{_month(months[0])}–{_month(m)} · public figure 61"))
            here = _rows(self.con, "report_transit_median.sql",
                         {"from_utc": datetime(m.year, m.month, 1), "to_utc": _datetime(_add_months(m, 1))})[0]
            earlier = _rows(self.con, "report_transit_median.sql",
                            {"from_utc": _datetime(_add_months(m, -1)), "to_utc": datetime(m.year, m.month, 1)})[0]
            tiles.append(_tile("Xi'an → Absheron, median door to door", _num(here["median_transit_days"], 1, " days"),
                               f"{_num(here['journeys'])} journeys arriving in {_month(m)}",
                               f"{_month(_add_months(m, -1))}: {_num(earlier['median_transit_days'], 1, ' days')}"
                               " · public figure 11 days"))
        for kind, label in (("TRAIN", "Train stops on time"), ("VESSEL", "Vessel calls on time")):
            rows = [r for r in self.adherence_total if r["kind"] == kind]
            observed = sum(r["observed"] or 0 for r in rows)
            on_time = sum(r["on_time"] or 0 for r in rows)
            if not rows:
                continue
            tiles.append(_tile(label, _pct(100.0 * on_time / observed if observed else None), "whole window",
                               f"of {_num(observed)} observed arrivals"
                               + (" · within 60 min of plan" if kind == "TRAIN" else " · within 3 h of the ETA")))
        if self.has_status:
            moving = sum(r["containers"] for r in self.statuses if r["stage"] != "DELIVERED")
            with_eta = sum(r["with_eta"] for r in self.statuses)
            tiles.append(_tile("Containers in the corridor now", _num(moving),
                               f"as of {_instant(max((r['last_event_utc'] for r in self.statuses), default=None))}",
                               f"{_num(with_eta)} with an ETA"))
        loads = [r for r in self.quality]
        received = sum(r["received"] for r in loads)
        quarantined = sum(r["quarantined"] for r in loads)
        if loads:
            tiles.append(_tile("Records quarantined", _pct(100.0 * quarantined / received if received else None, 2),
                               "every load in the window", f"{_num(quarantined)} of {_num(received)} received"))
        return tiles

    # -- sections ------------------------------------------------------------------------------------------

    def volume_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        months = sorted({r["month"] for r in self.volume})
        labels = [self.label(m) for m in months]
        rows = [{"month": self.label(r["month"]), "direction": r["direction"].lower(), "tonnes": r["gross_weight_t"],
                 "prev": r["prev_year_gross_weight_t"]} for r in self.volume]
        previous: dict[str, float] = {}
        for r in rows:
            if r["prev"] is not None:
                previous[r["month"]] = previous.get(r["month"], 0.0) + r["prev"]
        prev_rows = [{"month": m, "tonnes": t, "series": "same month a year earlier"} for m, t in previous.items()]
        chart = None
        if rows:
            bars = alt.Chart(_data(rows)).mark_bar().encode(
                x=_month_axis("month", labels), y=alt.Y("sum(tonnes):Q", title="tonnes", stack="zero"),
                color=alt.Color("direction:N", scale=alt.Scale(domain=["westbound", "eastbound"],
                                                                 range=PALETTE[:2])),
                order=alt.Order("direction:N", sort="descending"))
            layers = [bars]
            if prev_rows:
                layers.append(alt.Chart(_data(prev_rows)).mark_line(point=True, strokeDash=[6, 4], color="#111827")
                              .encode(x=_month_axis("month", labels), y="tonnes:Q",
                                      shape=alt.Shape("series:N", legend=alt.Legend(title=None))))
            chart = alt.layer(*layers).properties(width=WIDTH, height=260)
        figure = Chart("interchange-tonnage", "Cargo carried between KTZ and ADY, by month, against the year before",
                       chart, "Bars: gross tonnes by direction (consignments both railways reported, cancelled ones "
                              "excluded; months restated as late reports arrive). Dashed: the same month a year "
                              "earlier, where it is loaded.")
        table_rows = []
        for m in reversed(months):
            cells: list[Any] = [_month(m) + ("*" if m in self.partials else "")]
            for d in ("WESTBOUND", "EASTBOUND"):
                found: dict[str, Any] | None = next(
                    (x for x in self.volume if x["month"] == m and x["direction"] == d), None)
                cells += ([_num(found["consignments"]), _num(found["teu"], 1), _num(found["gross_weight_t"]),
                           _pct(found["yoy_pct"], signed=True)] if found else ["–"] * 4)
            table_rows.append(cells)
        headers = ["month"] + [f"{d} {c}" for d in ("westbound", "eastbound") for c in ("consignments", "TEU", "t",
                                                                                          "YoY")]
        return figure.html() + _table(headers, table_rows), [figure]

    def trains_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        months = sorted({r["month"] for r in self.trains})
        labels = [self.label(m) for m in months]
        rows = [{"month": self.label(r["month"]), "service": r["service_code"], "trains": r["trains"]}
                for r in self.trains]
        chart = None
        if rows:
            bars = alt.Chart(_data(rows)).mark_bar().encode(
                x=_month_axis("month", labels), y=alt.Y("trains:Q", title="trains departed"),
                xOffset="service:N", color=alt.Color("service:N", scale=alt.Scale(range=PALETTE[2:])))
            plan = alt.Chart(_data([{"plan": PLANNED_TRAINS_A_MONTH, "what": f"plan: {PLANNED_TRAINS_A_MONTH} a month"}
                                    ])).mark_rule(strokeDash=[4, 3], color="#dc2626").encode(
                y="plan:Q", strokeDash=alt.StrokeDash("what:N", scale=alt.Scale(range=[[4, 3]]),
                                                  legend=alt.Legend(title=None)))
            chart = alt.layer(bars, plan).properties(width=WIDTH, height=200)
        figure = Chart("trains-monthly", "Trains departed each month, by service", chart,
                       "Trains departing their service's origin; the plan is the corridor's 10 Xi'an – Baku trains "
                       "a month from 2024.")
        table_rows = [[_month(r["month"]) + ("*" if r["month"] in self.partials else ""), r["service_code"],
                       _num(r["trains"]), _num(r["containers"]), _num(r["containers_per_train"], 1),
                       _num(r["median_transit_days"], 1)] for r in reversed(self.trains)]
        table = _table(["month", "service", "trains", "containers", "containers a train", "median transit, days"],
                       table_rows, numeric_from=2)
        return figure.html() + table, [figure]

    def transit_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        rows = self.transit
        chart = None
        if rows:
            days = list(range(min(r["transit_day"] for r in rows), max(r["transit_day"] for r in rows) + 1))
            bins = [f"{d}–{d + 1}" for d in days]
            counts = [{"bin": f"{r['transit_day']}–{r['transit_day'] + 1}", "journeys": r["journeys"]} for r in rows]
            legs = [{"bin": f"{r['transit_day']}–{r['transit_day'] + 1}", "leg": name, "order": i, "days": r[key]}
                    for r in rows for i, (key, name) in enumerate(LEGS) if r[key] is not None]

            def x(title: str | None) -> Any:
                return alt.X("bin:O", sort=bins, scale=alt.Scale(domain=bins), title=title,
                             axis=alt.Axis(labelAngle=0))
            histogram = alt.Chart(_data(counts)).mark_bar(color="#374151").encode(
                x=x(None), y=alt.Y("journeys:Q", title="journeys")).properties(width=WIDTH, height=150)
            stacked = alt.Chart(_data(legs)).mark_bar().encode(
                x=x("transit days, door to door"), y=alt.Y("days:Q", title="mean days per leg", stack="zero"),
                color=alt.Color("leg:N", sort=[n for _, n in LEGS], scale=alt.Scale(domain=[n for _, n in LEGS],
                                                                                  range=PALETTE[:5])),
                order=alt.Order("order:Q")).properties(width=WIDTH, height=200)
            chart = alt.vconcat(histogram, stacked, spacing=8)
        figure = Chart("transit-distribution", "Xi'an → Absheron transit: how long the journeys took, and where",
                       chart, "Completed XIAN-BAKU container journeys by whole days from departure at Xi'an to arrival "
                              "at Absheron (top), and the mean of each leg for the journeys in each bin (bottom): the "
                              "tail is where the Caspian holds them.")
        return figure.html(), [figure]

    def adherence_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        total = self.adherence_total
        months = sorted({r["month"] for r in self.adherence_monthly})
        labels = [self.label(m) for m in months]
        overall = monthly = None
        if total:
            rows = [{"who": f"{r['operator_code']} {r['kind'].lower()}", "on_time": r["on_time_pct"],
                     "kind": r["kind"].lower()} for r in total if r["on_time_pct"] is not None]
            if rows:
                overall = alt.Chart(_data(rows)).mark_bar().encode(
                    y=alt.Y("who:N", sort=[x["who"] for x in rows], title=None),
                    x=alt.X("on_time:Q", title="on time, % of observed arrivals", scale=alt.Scale(domain=[0, 100])),
                    color=alt.Color("kind:N", scale=alt.Scale(domain=["train", "vessel"], range=PALETTE[2:4]))
                ).properties(width=WIDTH - 120, height=28 * len(rows))
        rows = [{"month": self.label(r["month"]), "who": f"{r['operator_code']} {r['kind'].lower()}",
                 "on_time": r["on_time_pct"]} for r in self.adherence_monthly if r["on_time_pct"] is not None]
        if rows:
            monthly = alt.Chart(_data(rows)).mark_line(point=True).encode(
                x=_month_axis("month", labels), y=alt.Y("on_time:Q", title="on time, %",
                                                        scale=alt.Scale(domain=[0, 100])),
                color=alt.Color("who:N", scale=alt.Scale(range=PALETTE))).properties(width=WIDTH, height=220)
        note = ("A train stop is on time arriving no later than planned + 60 min, a vessel call no later than its "
                "ETA + 3 h (the ETA of its last version before it arrived); early counts as on time.")
        figures = [Chart("adherence-operator", "On time over the whole window, by operator", overall, note),
                   Chart("adherence-monthly", "On time by month of the planned arrival", monthly)]
        table_rows = [[r["operator_name"] or r["operator_code"], r["kind"].lower(), _num(r["planned"]),
                       _num(r["observed"]), _num(r["on_time"]), _pct(r["on_time_pct"]),
                       _num(r["mean_delay_hours"], 2)] for r in total]
        table = _table(["operator", "kind", "planned", "observed", "on time", "on time %", "mean delay, h"],
                       table_rows, numeric_from=2)
        return "".join(f.html() for f in figures) + table, figures

    def dwell_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        months = sorted({r["month"] for r in self.dwell})
        labels = [self.label(m) for m in months]
        rows = [{"month": self.label(r["month"]), "port": f"{r['port_name']} · {r['port_unlocode']}",
                 "equipment": r["equipment_kind"].lower(), "measure": measure, "hours": r[key]}
                for r in self.dwell for key, measure in (("median_dwell_hours", "median"), ("p90_dwell_hours", "p90"))
                if r[key] is not None]
        order = {"KZAAU": 0, "AZBAK": 1}
        ports = [f"{r['port_name']} · {r['port_unlocode']}" for r in
                 sorted({(r["port_unlocode"], r["port_name"]): r for r in self.dwell}.values(),
                        key=lambda r: (order.get(r["port_unlocode"], 9), r["port_unlocode"]))]
        chart = None
        room = (WIDTH - 40) // max(len(ports), 1)
        if rows:
            chart = alt.Chart(_data(rows)).mark_line(point=True).encode(
                x=_month_axis("month", labels, room=room), y=alt.Y("hours:Q", title="hours in port"),
                color=alt.Color("equipment:N", scale=alt.Scale(domain=["container", "wagon"], range=PALETTE[:2])),
                strokeDash=alt.StrokeDash("measure:N", scale=alt.Scale(domain=["median", "p90"],
                                                                       range=[[1, 0], [6, 4]])),
            ).properties(width=room, height=220).facet(
                column=alt.Column("port:N", sort=ports, title=None, header=alt.Header(labelFontSize=13)))
        figure = Chart("port-dwell", "Dwell in port, by month the equipment left", chart,
                       "A visit runs from the first arrival at the port to the first departure after it; solid: median,"
                       " dashed: 90th percentile.")
        table_rows = []
        for port in ports:
            for kind in ("CONTAINER", "WAGON"):
                port_rows = [r for r in self.dwell if f"{r['port_name']} · {r['port_unlocode']}" == port
                             and r["equipment_kind"] == kind]
                if port_rows:
                    last = port_rows[-1]
                    table_rows.append([port, kind.lower(), _num(sum(r["moves"] or 0 for r in port_rows)),
                                       _month(last["month"]), _num(last["median_dwell_hours"], 1),
                                       _num(last["p90_dwell_hours"], 1)])
        table = _table(["port", "equipment", "visits", "latest month", "median, h", "p90, h"], table_rows,
                       numeric_from=2)
        return figure.html() + table, [figure]

    def status_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        stages = list(STAGES) + [r["stage"] for r in self.statuses if r["stage"] not in STAGES]
        rows = [{"stage": r["stage"], "eta": what, "containers": n} for r in self.statuses
                for what, n in (("with an ETA", r["with_eta"]), ("no ETA", r["containers"] - r["with_eta"])) if n]
        stage_chart = eta_chart = None
        if rows:
            stage_chart = alt.Chart(_data(rows)).mark_bar().encode(
                x=alt.X("stage:N", sort=stages, scale=alt.Scale(domain=stages), title=None,
                        axis=alt.Axis(labelAngle=0)),
                y=alt.Y("containers:Q", title="containers", stack="zero"),
                color=alt.Color("eta:N", scale=alt.Scale(domain=["with an ETA", "no ETA"],
                                                         range=[PALETTE[0], "#9ca3af"])),
            ).properties(width=WIDTH, height=200)
        if self.etas:
            rows = [{"day": r["eta_day"], "stage": r["stage"], "containers": r["containers"]} for r in self.etas]
            eta_chart = alt.Chart(_data(rows)).mark_bar().encode(
                x=alt.X("day:T", timeUnit="utcyearmonthdate", title="ETA at Absheron (UTC day)",
                        axis=alt.Axis(format="%d %b", labelAngle=0)),
                y=alt.Y("containers:Q", stack="zero", title="containers"),
                color=alt.Color("stage:N", sort=stages, scale=alt.Scale(domain=stages, range=PALETTE[:len(stages)])),
            ).properties(width=WIDTH, height=180)
        figures = [Chart("container-stages", "Containers now in each stage", stage_chart,
                         "As of each container's latest event (marts.container_status)."),
                   Chart("container-etas", "When the containers in progress arrive", eta_chart,
                         "ETA: the journey's latest milestone plus the median hours from it to arrival over the "
                         "journeys completed that departed in the 90 days before.")]
        table = _table(["container", "waybill", "stage", "latest event", "at", "where", "ETA", "based on journeys"],
                       [[r["container_no"], r["waybill_no"] or "–", r["stage"], r["last_event_type"],
                         _instant(r["last_event_utc"]), r["last_location"] or "–", _instant(r["eta_utc"]),
                         _num(r["eta_basis"])] for r in self.next_arrivals], numeric_from=7)
        heading = '<h3>Next arrivals</h3>' if table else ""
        return "".join(f.html() for f in figures) + heading + table, figures

    def quality_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        feeds = [_feed(o, f) for o in OPERATORS for f in ("cargo", "schedule", "tracking")]
        feeds += sorted({_feed(r["operator_code"], r["feed"]) for r in self.quality} - set(feeds))
        present = [f for f in feeds if any(_feed(r["operator_code"], r["feed"]) == f for r in self.quality)]
        rows = [{"night": r["night"], "feed": _feed(r["operator_code"], r["feed"]), "measure": measure,
                 "records": r[measure]} for r in self.quality for measure in ("received", "loaded", "quarantined")]
        chart = None
        if rows:
            nights = sorted({r["night"] for r in self.quality})
            night_labels = [f"{n:%d %b %y}" for n in nights]
            for r in rows:
                r["night"] = f"{r['night']:%d %b %y}"
            chart = alt.Chart(_data(rows)).mark_bar().encode(
                x=alt.X("night:O", sort=night_labels, title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
                xOffset=alt.XOffset("measure:N", sort=["received", "loaded", "quarantined"]),
                y=alt.Y("records:Q", title="records (log)", scale=alt.Scale(type="symlog"),
                        axis=alt.Axis(values=[0, 10, 100, 1_000, 10_000, 100_000, 1_000_000],
                                      labelExpr="datum.value >= 1e6 ? datum.value / 1e6 + 'M' : datum.value >= 1e3 "
                                                "? datum.value / 1e3 + 'k' : datum.value")),
                color=alt.Color("measure:N", sort=["received", "loaded", "quarantined"],
                                scale=alt.Scale(domain=["received", "loaded", "quarantined"],
                                                range=["#9ca3af", PALETTE[2], PALETTE[4]])),
            ).properties(width=max(120, min(230, 60 * len(nights))), height=120).facet(
                facet=alt.Facet("feed:N", sort=present, title=None), columns=4)
        figure = Chart("data-quality", "Records received, loaded and quarantined per feed and night", chart,
                       "From meta.load, by the UTC day each load started (a backfill's chunks add up in the night "
                       "it ran); log scale, so a handful of quarantined records shows beside thousands loaded.")
        totals: dict[str, dict[str, int]] = {}
        for r in self.quality:
            t = totals.setdefault(_feed(r["operator_code"], r["feed"]),
                                  {"loads": 0, "failed": 0, "received": 0, "loaded": 0, "quarantined": 0})
            for k in t:
                t[k] += r[k]
        table = _table(["feed", "loads", "failed", "received", "loaded", "quarantined", "quarantined %"],
                       [[f, _num(t["loads"]), _num(t["failed"]), _num(t["received"]), _num(t["loaded"]),
                         _num(t["quarantined"]), _pct(100.0 * t["quarantined"] / t["received"] if t["received"]
                                                      else None, 2)]
                        for f, t in sorted(totals.items(), key=lambda kv: feeds.index(kv[0]))])
        return figure.html() + table, [figure]

    def freshness_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        loaded = [r for r in self.freshness if r["loaded_to_utc"] is not None]
        chart = None
        if loaded:
            rows = [{"feed": _feed(r["operator_code"], r["feed"]), "from": r["covered_from_utc"],
                     "to": r["loaded_to_utc"]} for r in loaded]
            order = [x["feed"] for x in rows]
            y = alt.Y("feed:N", sort=order, title=None)
            scale = alt.Scale(type="utc")
            span = alt.Chart(_data(rows)).mark_bar(color="#bfdbfe", height=12).encode(
                y=y, x=alt.X("from:T", scale=scale, title="publications loaded (UTC)",
                             axis=alt.Axis(format="%d %b %Y", tickCount=6, labelOverlap=True)), x2="to:T")
            end = alt.Chart(_data(rows)).mark_point(filled=True, size=60, color=PALETTE[0]).encode(
                y=y, x=alt.X("to:T", scale=scale))
            chart = alt.layer(span, end).properties(width=WIDTH - 140, height=22 * len(rows))
        figure = Chart("feed-freshness", "Each feed's loaded publications, up to the newest", chart,
                       "Per feed, from the earliest window start to the newest window end of its SUCCEEDED loads "
                       "(meta.load): everything the source published before the dot is loaded.")
        newest = max((r["loaded_to_utc"] for r in loaded), default=None)
        table = _table(["feed", "loaded up to", "behind the newest feed, h", "newest publication in core",
                        "last loaded", "last failed"],
                       [[_feed(r["operator_code"], r["feed"]), _instant(r["loaded_to_utc"]),
                         _num((newest - r["loaded_to_utc"]).total_seconds() / 3600, 1)
                         if newest and r["loaded_to_utc"] else "–",
                         _instant(r["newest_published_utc"]), _instant(r["last_success_utc"]),
                         _instant(r["last_failure_utc"])] for r in self.freshness], numeric_from=2)
        return figure.html() + table, [figure]

    def reconciliation_section(self) -> tuple[str, list[Chart]]:
        alt = _alt()
        issues = ["MISSING_AT_KTZ", "MISSING_AT_ADY", "WEIGHT_MISMATCH"]
        issues += [r["issue"] for r in self.issues if r["issue"] not in issues]
        counts = {r["issue"]: r["waybills"] for r in self.issues}
        chart = None
        if self.issues:
            chart = alt.Chart(_data([{"issue": i, "waybills": counts.get(i, 0)} for i in issues])).mark_bar(
                color=PALETTE[3]).encode(y=alt.Y("issue:N", sort=issues, title=None),
                                         x=alt.X("waybills:Q", title="waybills")).properties(width=WIDTH - 160,
                                                                                             height=26 * len(issues))
        figure = Chart("reconciliation", "Waybills the sources disagree on, by issue", chart,
                       "Reported by one railway's cargo feed and not the other's after 10 days, or a weight more "
                       "than 1 % from the accepting railway's.")
        table = _table(["waybill", "issue", "KTZ t", "ADY t", "Aktau t", "Baku t"],
                       [[r["waybill_no"], r["issue"], _num(r["ktz_weight_t"], 3), _num(r["ady_weight_t"], 3),
                         _num(r["aktau_weight_t"], 3), _num(r["baku_weight_t"], 3)] for r in self.disagreements],
                       numeric_from=2)
        return figure.html() + table, [figure]


def _datetime(value: date) -> datetime:
    return datetime(value.year, value.month, value.day)


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
h3 { font-size: 14px; margin: 16px 0 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin-top: 20px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fff; }
.tile .label { color: var(--muted); font-size: 12px; }
.tile .value { font-size: 22px; font-weight: 600; }
.tile .period { font-size: 12px; }
.tile .detail { color: var(--muted); font-size: 12px; }
figure { margin: 14px 0 6px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; max-width: 100%; height: auto; }
.empty { color: var(--muted); font-style: italic; margin: 6px 0; }
.note { color: var(--muted); font-size: 12px; margin: 2px 0 0; max-width: 1100px; }
table { border-collapse: collapse; margin: 10px 0 4px; font-size: 12.5px; }
th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
footer { color: var(--muted); font-size: 12px; padding: 0 40px 32px; }
"""


def render_report(con, written_utc: datetime, source: Path) -> tuple[str, list[str]]:
    """The report's HTML and the keys of the charts drawn in it, from a connection to the analysts' database."""
    data = Report(con)
    sections = [
        ("volume", "Corridor volume", data.volume_section()),
        ("trains", "Trains", data.trains_section()),
        ("transit", "Transit time", data.transit_section()),
        ("adherence", "Schedule adherence", data.adherence_section()),
        ("dwell", "Port dwell", data.dwell_section()),
    ]
    if data.has_status:
        sections.append(("status", "Track and Trace", data.status_section()))
    sections += [
        ("quality", "Data quality", data.quality_section()),
        ("freshness", "Freshness", data.freshness_section()),
        ("reconciliation", "Reconciliation", data.reconciliation_section()),
    ]
    first, last, partials = data.first, data.last, sorted(data.partials)
    span = f"{first:%Y-%m-%d} to {last:%Y-%m-%d}" if first and last else "nothing loaded yet"
    keys = [f.key for _, _, (_, figures) in sections for f in figures if f.drawn]
    window = data.window
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
        f"{_e('; * marks a partial month: ' + ', '.join(_month(m) for m in partials)) if partials else ''}.</p>",
        f'<p class="written">Last load finished {_e(_instant(window["last_load_utc"]))}'
        f" ({_num(window['loads'])} loads) · report written {_e(_instant(written_utc))} from {_e(source.name)}.</p>",
        "</header><main>",
        f'<div class="tiles">{"".join(data.tiles())}</div>',
    ]
    for anchor, title, (body, _) in sections:
        parts.append(f'<section id="{anchor}"><h2>{_e(title)}</h2>{body}</section>')
    parts.append("<footer>Figures from the marts of the Corridor warehouse (docs/warehouse.md); charts drawn with "
                 "Vega-Lite when the report was written. This page is self-contained: it loads nothing.</footer>"
                 "</body></html>")
    return "\n".join(parts), keys


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
    the charts (Vega-Lite, drawn when the report is written) are inline SVG, and the page has no script and no
    external font or stylesheet.
    """
    from corridor.reading import NothingToRead

    try:
        path = write_report(Settings(), out)
    except NothingToRead as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"report written to {path}")

