"""`corridor report`: one self-contained HTML file of the marts' KPIs, its Vega-Lite charts inline SVG, loading nothing.

The page is opened in headless Chromium (Debian's `chromium`; CI installs it with
`apt-get update && apt-get install -y chromium`), with every host name unresolvable: every chart must lay out
with its marks drawn, and the page must fetch nothing.
"""
import html
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from corridor.config import Settings
from corridor.engine.snapshot import write_snapshot
from corridor.report import report, write_report

from fixtures.warehouse import fresh_warehouse, insert_rows

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND"]
HOSTILE = "<img src=x onerror=alert(1)>"
SCRIPT_WAYBILL = "<script>alert(1)</script>"
FORMULA_WAYBILL = "=cmd|' /C calc'!A0"
MONTHS = ["2023-01-01", "2023-02-01", "2023-03-01", "2024-01-01", "2024-02-01", "2024-03-01"]
RECENT = MONTHS[2:]
ADHERENCE = [("KTZ", "TRAIN"), ("ADY", "TRAIN"), ("AKTAU_PORT", "VESSEL"), ("BAKU_PORT", "VESSEL")]
STAGES = ["KZ_RAIL", "AKTAU_PORT", "AT_SEA", "BAKU_PORT", "AZ_RAIL", "DELIVERED"]


def _fill(con, has_status: bool) -> None:
    """A few months of mart rows, as a sync would leave them (values chosen to be easy to check)."""
    insert_rows(con, "marts.corridor_volume_monthly", [
        {"month": m, "direction": d, "consignments": 100 + i, "containers": 10, "wagons": 90 + i, "teu": 20.5,
         "gross_weight_t": str(5000 + 100 * i + (2000 if d == "WESTBOUND" else 0)),
         "prev_year_gross_weight_t": str(4800 + 100 * i) if m >= "2024-02-01" else None,
         "yoy_pct": (4.2 if d == "WESTBOUND" else -3.1) if m >= "2024-02-01" else None}
        for i, m in enumerate(MONTHS) for d in ("WESTBOUND", "EASTBOUND")])
    insert_rows(con, "marts.train_service_monthly", [
        {"month": m, "service_code": "XIAN-BAKU", "trains": 4 + i, "containers": 61 * (4 + i),
         "containers_per_train": 61.0, "median_transit_days": 10.5 + i / 4} for i, m in enumerate(RECENT)])
    insert_rows(con, "marts.schedule_adherence_monthly", [
        {"month": m, "operator_code": o, "kind": k, "planned": 20, "observed": 18, "on_time": 9 + i + j,
         "on_time_pct": 100 * (9 + i + j) / 18, "mean_delay_hours": 1.5 - i / 4}
        for i, m in enumerate(RECENT) for j, (o, k) in enumerate(ADHERENCE)])
    insert_rows(con, "marts.port_dwell_monthly", [
        {"month": m, "port_unlocode": p, "equipment_kind": e, "moves": 50 + i, "median_dwell_hours": 3.0 + i + j,
         "p90_dwell_hours": 8.0 + i + j}
        for i, m in enumerate(RECENT) for j, (p, e) in enumerate(
            [("KZAAU", "CONTAINER"), ("KZAAU", "WAGON"), ("AZBAK", "CONTAINER"), ("AZBAK", "WAGON")])])
    insert_rows(con, "marts.waybill_reconciliation", [
        {"waybill_no": f"KZ{n:06d}", "issue": issue, "ktz_weight_t": "20.000", "ady_weight_t": "21.000"}
        for n, issue in enumerate(["WEIGHT_MISMATCH"] * 3 + ["MISSING_AT_ADY"] * 2 + [HOSTILE])])
    insert_rows(con, "marts.waybill_reconciliation", [
        {"waybill_no": w, "issue": "WEIGHT_MISMATCH", "ktz_weight_t": "20.000", "baku_weight_t": "25.000"}
        for w in (SCRIPT_WAYBILL, FORMULA_WAYBILL)])
    # Completed journeys of 10 to 13 days (the legs add up), and one in progress.
    insert_rows(con, "marts.container_transit", [
        {"container_no": f"MSCU{n:07d}", "waybill_no": f"24KZ{n:07d}", "train_no": "X1",
         "departed_utc": f"2024-02-{1 + n % 20:02d} 00:00", "arrived_utc": f"2024-02-{1 + n % 20 + 10 + n % 4:02d} 00:00",
         "transit_days": 10.0 + n % 4, "kz_rail_hours": 150.0, "aktau_dwell_hours": 20.0, "sea_hours": 24.0 + 24 * (n % 4),
         "baku_dwell_hours": 12.0, "az_rail_hours": 34.0} for n in range(12)])
    insert_rows(con, "meta.load", [
        {"load_id": f"N{n}{op}", "operator_code": op, "feed": feed, "status": "FAILED" if n == 1 and op == "ADY"
         else "SUCCEEDED", "window_from_utc": f"2024-03-{10 + n:02d} 00:00", "window_to_utc": f"2024-03-{11 + n:02d} 00:00",
         "records_received": 1000 + n, "records_loaded": 995 + n, "records_quarantined": 5,
         "started_utc": f"2024-03-{11 + n:02d} 21:00", "finished_utc": f"2024-03-{11 + n:02d} 21:05"}
        for n in range(3) for op, feed in (("KTZ", "cargo"), ("ADY", "tracking"))])
    insert_rows(con, "core.fact_equipment_event", [
        {"event_id": f"E{n}", "operator_code": "KTZ", "source_record_id": f"R{n}", "source_revision": 1,
         "equipment_kind": "WAGON", "wagon_no": "52345674", "event_type": "DEPARTED", "transport_mode": "RAIL",
         "event_time_utc": t, "published_utc": t, "location_code": "ESR705509", "load_id": "L1"}
        for n, t in enumerate(["2023-02-01 00:10", "2024-03-14 22:00"])])
    insert_rows(con, "meta.load", [{"load_id": "L1", "operator_code": "KTZ", "feed": "tracking", "status": "SUCCEEDED",
                                    "started_utc": "2024-03-15 02:00", "finished_utc": "2024-03-15 02:05"}])
    if has_status:
        insert_rows(con, "marts.container_status", [
            {"container_no": f"MSCU{n:07d}", "last_event_type": "DEPARTED", "last_transport_mode": "RAIL",
             "waybill_no": SCRIPT_WAYBILL if n == 0 else FORMULA_WAYBILL if n == 1 else f"24KZ{n:07d}",
             "last_event_utc": "2024-03-14 10:00", "last_location_code": "ESR705509", "last_operator_code": "KTZ",
             "stage": stage, "eta_utc": f"2024-03-{16 + n % 5} 10:00" if stage != "DELIVERED" else None,
             "eta_basis": 12 if stage != "DELIVERED" else None}
            for n, stage in enumerate(s for i, s in enumerate(STAGES) for _ in range(i + 1))])


@pytest.fixture
def warehouse(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("CORRIDOR_SNAPSHOT", raising=False)
    with fresh_warehouse(tmp_path) as wh:
        con = wh.cursor()
        has_status = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'"
                                 " AND table_name = 'container_status'").fetchone()[0] == 1
        _fill(con, has_status)
        write_snapshot(con, tmp_path / "snapshot.duckdb")
        # Only the warehouse has this month: the report reads the snapshot, so it must not show it.
        insert_rows(con, "marts.corridor_volume_monthly", [{"month": "2024-04-01", "direction": "WESTBOUND",
                                                            "gross_weight_t": "1.000", "consignments": 1}])
        wh.has_status = has_status
        yield wh


def _expected_charts(has_status):
    """Each chart's key and the fewest marks drawn (bars, lines, points, rules) the data above gives it."""
    charts = {
        "interchange-tonnage": 2 * len(MONTHS) + 1 + 2,  # bars by direction, the year-before line and its points
        "trains-monthly": len(RECENT) + 1,  # and the plan's rule
        "transit-distribution": 4 + 4 * 5,  # journeys in 4 day bins, and 5 legs stacked in each
        "adherence-operator": len(ADHERENCE),
        "adherence-monthly": len(ADHERENCE) * (1 + len(RECENT)),
        "port-dwell": 2 * 4 * (1 + len(RECENT)),  # two ports: container and wagon, median and p90, lines and points
    }
    if has_status:
        charts["container-stages"] = len(STAGES)
        charts["container-etas"] = 5
    charts["data-quality"] = 3 * 3 * 2  # 3 nights × received, loaded, quarantined × 2 feeds
    charts["feed-freshness"] = 2 * 2  # the span and its end for 2 feeds with a loaded window
    charts["reconciliation"] = 3  # MISSING_AT_KTZ is 0: MISSING_AT_ADY, WEIGHT_MISMATCH and the odd one
    return charts


def _tags(text):
    """(tag, attribute names) of every element of an HTML text."""
    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, {name for name, _ in attrs}))

    found = []
    Collector().feed(text)
    return found


def _chromium(*args, timeout=120):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"headless Chromium is needed to check the report's charts and was not found at {CHROMIUM}: "
                    "install it with `apt-get update && apt-get install -y chromium`")
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, *args], capture_output=True, text=True, timeout=timeout)


def test_the_report_is_one_file_that_loads_nothing(warehouse, tmp_path):
    path = write_report(Settings(), None)
    assert path == tmp_path / "report.html" and path.exists()
    text = path.read_text(encoding="utf-8")
    assert "://" not in text, "no URL at all: nothing to load, not even an SVG namespace"
    tags = _tags(text)
    assert not {attr for _, attrs in tags for attr in attrs} & {"src", "href", "srcset", "poster", "action", "data",
                                                                 "xlink:href", "background", "formaction"}
    assert not {tag for tag, _ in tags} & {"script", "link", "img", "image", "iframe", "object", "embed", "base",
                                           "use", "video", "audio", "source", "form", "foreignobject"}
    assert "@import" not in text and "url(" not in text
    assert "default-src 'none'" in html.unescape(text)  # and the browser is told to fetch nothing anyway
    for value in (HOSTILE, SCRIPT_WAYBILL, FORMULA_WAYBILL):
        assert value not in text and html.escape(value) in text, f"data values are escaped: {value}"
    assert "<script" not in text.lower()
    # Header: the data's window and when it was written; the figures from the snapshot, not the warehouse.
    assert "2023-02-01 to 2024-03-14" in text and "report written" in text and "snapshot.duckdb" in text
    assert "Apr 24" not in text and "Mar 24*" in text
    assert "Track and Trace" in text if warehouse.has_status else "Track and Trace" not in text
    assert re.findall(r'<svg data-chart="([^"]+)"', text) == list(_expected_charts(warehouse.has_status))
    # The headline KPIs name their period and what they compare with.
    assert "Jan–Feb 2024" in text and "on Jan–Feb 2023" in text and "XIAN-BAKU trains a month" in text
    assert "Containers a train" in text and "Xi&#x27;an → Absheron, median door to door" in text
    # Nothing left beside it.
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")]


def test_the_command_writes_where_told(warehouse, tmp_path):
    out = tmp_path / "elsewhere" / "corridor.html"
    from click.testing import CliRunner

    result = CliRunner().invoke(report, ["--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and str(out) in result.output


PROBE = """
<pre id="probe"></pre>
<script>
(() => {
  const charts = [...document.querySelectorAll("svg[data-chart]")].map(svg => {
    const box = svg.getBoundingClientRect();
    const marks = [...svg.querySelectorAll("g.role-mark > *")];
    const drawn = marks.filter(m => {
      const b = m.getBBox(), style = getComputedStyle(m);
      return (b.width > 0 || b.height > 0) && style.visibility !== "hidden" && style.display !== "none";
    });
    return {key: svg.dataset.chart, width: box.width, height: box.height, marks: marks.length, drawn: drawn.length,
            texts: svg.querySelectorAll("text").length};
  });
  const resources = performance.getEntriesByType("resource").map(r => r.name);
  const cells = [...document.querySelectorAll("td")].map(td => td.textContent);
  const labels = [...document.querySelectorAll("svg text")].map(t => t.textContent);
  const elements = [...document.querySelectorAll("script, img, iframe, object, embed")].length;
  document.getElementById("probe").textContent = JSON.stringify({charts, resources, cells, labels, elements});
})();
</script>
"""


@pytest.mark.integration  # a real browser
def test_every_chart_renders_in_headless_chromium(warehouse, tmp_path):
    path = write_report(Settings(), tmp_path / "report.html")
    # A copy with a measuring script (the report itself has none, and its CSP would forbid one).
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    done = _chromium(f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1280,2400", "--dump-dom",
                     probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found and found.group(1), f"the page did not run its probe: {done.stdout[:500]}"
    measured = json.loads(html.unescape(found.group(1)))
    assert measured["resources"] == [], "the page fetched something"
    charts = {c["key"]: c for c in measured["charts"]}
    expected = _expected_charts(warehouse.has_status)
    assert list(charts) == list(expected)
    for key, marks in expected.items():
        chart = charts[key]
        assert chart["width"] > 600 and chart["height"] > 60, chart
        assert chart["drawn"] >= marks, chart
        assert chart["texts"] >= 5, chart  # ticks, labels, legend
    # Hostile source values are text on the page, in tables and in charts, and nothing they hold ran.
    assert SCRIPT_WAYBILL in measured["cells"] and FORMULA_WAYBILL in measured["cells"]
    assert HOSTILE in measured["labels"] and HOSTILE in measured["cells"]
    assert measured["elements"] == 1, "no element but the probe's own script"

    # And a picture of the real page (CSP and all), for people.
    shot = tmp_path / "report.png"
    done = _chromium(f"--user-data-dir={tmp_path / 'chromium2'}", f"--screenshot={shot}", "--window-size=1280,2400",
                     path.as_uri())
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000, "a blank page would be a few kB"


def test_a_warehouse_with_no_marts_yet_still_gives_a_report(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("CORRIDOR_SNAPSHOT", raising=False)
    with fresh_warehouse(tmp_path):
        pass
    text = write_report(Settings(), None).read_text(encoding="utf-8")
    assert "nothing loaded yet" in text and "no data yet" in text and "://" not in text
    assert "<svg" not in text, "no chart is drawn from no data"


def test_no_warehouse_is_one_line_and_exit_2(tmp_path, monkeypatch):
    from click.testing import CliRunner

    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(tmp_path / "none.duckdb"))
    monkeypatch.delenv("CORRIDOR_SNAPSHOT", raising=False)
    result = CliRunner().invoke(report, [])
    assert result.exit_code == 2 and "no warehouse" in result.output
