"""Data Docs of one sync run: GX's own validation-result pages, an index of the run, and an index of runs.

    <folder>/index.html                       every run, newest first
    <folder>/<run_id>/index.html              the run: one row per validation, linking its page
    <folder>/<run_id>/001-<load_id>-<suite>.html  GX's ValidationResultsPageRenderer page, numbered
                                              in the order given (a load validates one batch per
                                              ~50k records, so load id and suite repeat)
    <folder>/<run_id>/run.json                the run's totals, read back to rebuild <folder>/index.html

Nothing is fetched while rendering, and nothing from settings is written. The validation pages are
GX's page template, which links Bootstrap, jQuery, Vega and Font Awesome from public CDNs: a browser
fetches them when the page is *viewed* (offline the page is unstyled but complete: its tables are
plain HTML). Corridor's own index pages are self-contained. GX's navbar (a logo fetched from GX's S3
bucket with a timestamp query) and newsletter footer are replaced; see `_TEMPLATE_OVERRIDES`.
"""
from __future__ import annotations

import datetime
import html
import json
import os
import re
import shutil
import threading
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corridor.expectations.context import get_context
from corridor.expectations.engine import ValidationOutcome
from corridor.expectations.suites import ROW_RULE_KEY

INDEX = "index.html"
MANIFEST = "run.json"
# A run id becomes a directory name and a link: no separators, no leading dot (reserved for temporaries).
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Serialises the swap of a run's folder and the rewrite of the top index within this process.
_lock = threading.Lock()

# Templates found before GX's own (same names): a navbar linking Corridor's indexes instead of GX's
# logo beacon (`add_data_context_id_to_url` appends the render time), no favicon (GX's points into a
# site layout we don't have), no newsletter footer. Values are escaped: GX's templates don't autoescape.
_TEMPLATE_OVERRIDES = {
    "top_navbar.j2": (
        '<nav class="navbar sticky-top border-bottom bg-light">'
        '<ol class="breadcrumb bg-light m-0 p-1">'
        '<li class="breadcrumb-item"><a href="../index.html">Runs</a></li>'
        '<li class="breadcrumb-item"><a href="index.html">{{ corridor_run_id | e }}</a></li>'
        '<li class="breadcrumb-item active" aria-current="page">{{ page_title | e }}</li>'
        "</ol></nav>"
    ),
    "favicon.j2": "",
    "cloud-footer.j2": "",
}

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
    "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}"
    "td.n{text-align:right}tr.failed td{background:#fdecea}tfoot td{font-weight:bold}"
)


def write_data_docs(
    folder: Path, run_id: str, validations: Sequence[tuple[str, str, ValidationOutcome]]
) -> Path:
    """Render one Data Docs page per (load_id, suite, outcome) into `folder/run_id/`; returns the run's index.

    Writing the same `run_id` again replaces that run's folder as a whole. Pages are rendered into a
    temporary folder first, so a reader (or a failed call) never sees a half-written run.
    """
    folder = Path(folder)
    if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id) or run_id == INDEX:
        raise ValueError(f"run_id must match {_RUN_ID.pattern}, not {run_id!r}")
    validations = list(validations)
    for i, (load_id, suite, outcome) in enumerate(validations):
        if getattr(outcome, "results", None) is None:
            raise ValueError(f"validation #{i} ({load_id}, {suite}) carries no GX result to render")
    folder.mkdir(parents=True, exist_ok=True)

    staging = folder / f".{run_id}.{uuid.uuid4().hex}.tmp"
    staging.mkdir()
    try:
        entries = _write_pages(staging, run_id, validations)
        totals = _totals(run_id, entries)
        _write_text(staging / INDEX, _run_index(run_id, totals, entries))
        _write_text(staging / MANIFEST, json.dumps(totals, indent=2, sort_keys=True))
        with _lock:
            _swap_in(staging, folder / run_id)
            _write_atomically(folder / INDEX, _runs_index(_read_manifests(folder)))
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already unless something failed
    return folder / run_id / INDEX


def page_name(number: int, load_id: str, suite: str) -> str:
    """File name of the `number`-th (from 1) validation page of a run."""
    return f"{number:03d}-{_slug(load_id)}-{_slug(suite)}.html"


def _write_pages(staging: Path, run_id: str, validations: list[tuple[str, str, ValidationOutcome]]) -> list[dict]:
    renderer, view = _gx_renderer_and_view()
    entries = []
    for number, (load_id, suite, outcome) in enumerate(validations, start=1):
        name = page_name(number, load_id, suite)
        document = renderer.render(outcome.results)
        document.page_title = f"{suite} / {load_id}"
        document.sections.insert(0, _corridor_section(run_id, load_id, suite, outcome))
        _write_text(staging / name, view.render(document, corridor_run_id=run_id, show_how_to_buttons=False))
        entries.append({
            "page": name, "load_id": load_id, "suite": suite, "records": int(outcome.records),
            "passed": int(outcome.passed), "quarantined": int(outcome.quarantined), "success": bool(outcome.success),
        })
    return entries


def _gx_renderer_and_view() -> tuple[Any, Any]:
    """GX's validation-result page renderer and its Jinja page view, with Corridor's template overrides."""
    get_context()  # GX imported whole first (context.py)
    from great_expectations.render.renderer import ValidationResultsPageRenderer
    from great_expectations.render.view import DefaultJinjaPageView
    from jinja2 import ChoiceLoader, DictLoader

    view = DefaultJinjaPageView()
    view.env.loader = ChoiceLoader([DictLoader(_TEMPLATE_OVERRIDES), view.env.loader])
    return ValidationResultsPageRenderer(), view


def _corridor_section(run_id: str, load_id: str, suite: str, outcome: ValidationOutcome) -> Any:
    """A first section in GX's own content blocks: the row split and the failing rows per rule."""
    from great_expectations.render import RenderedSectionContent, RenderedStringTemplateContent, RenderedTableContent

    def table(title: str, rows: list[list[Any]], header: list[str] | None = None) -> Any:
        return RenderedTableContent(
            content_block_type="table",
            header=RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={"template": title, "tag": "h6", "styling": {"classes": ["m-0"]}},
            ),
            header_row=header,
            table=[[_cell(value) for value in row] for row in rows],
            styling={
                "classes": ["col-6", "table-responsive", "mt-1", "p-1"],
                "body": {"classes": ["table", "table-sm"]},
            },
        )

    split = [
        ["Run", run_id], ["Load id", load_id], ["Suite", suite], ["Records", outcome.records],
        ["Passed", outcome.passed], ["Quarantined", outcome.quarantined], ["Success", outcome.success],
    ]
    failing = Counter(rule for rules in outcome.reasons.values() for rule in rules)
    expectations: dict[str, list[str]] = {}
    for result in outcome.results.results:
        config = result.expectation_config
        rule = str(config.meta.get(ROW_RULE_KEY))
        column = config.kwargs.get("column") or ", ".join(config.kwargs.get("column_list") or ())
        expectations.setdefault(rule, []).append(f"{config.type}({column})")
    rules = sorted(set(expectations) | set(failing), key=lambda rule: (-failing[rule], rule))
    per_rule = [[rule, failing[rule], "; ".join(expectations.get(rule, []))] for rule in rules]
    return RenderedSectionContent(
        section_name="Corridor",
        content_blocks=[
            table("Row split", split),
            table("Failing rows per rule", per_rule, header=["Rule", "Failing rows", "Expectations"]),
        ],
    )


def _cell(value: Any) -> str:
    # GX's view inserts plain-string cells as raw HTML.
    return html.escape(str(value))


def _totals(run_id: str, entries: list[dict]) -> dict:
    return {
        "run_id": run_id,
        "written_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="microseconds"),
        "validations": len(entries),
        "failed_validations": sum(not e["success"] for e in entries),
        **{key: sum(e[key] for e in entries) for key in ("records", "passed", "quarantined")},
        "success": all(e["success"] for e in entries),
    }


def _run_index(run_id: str, totals: dict, entries: list[dict]) -> str:
    rows = "".join(
        f'<tr class="{"ok" if e["success"] else "failed"}"><td class="n">{n}</td>'
        f'<td><a href="{_attr(e["page"])}">{_esc(e["suite"])}</a></td><td>{_esc(e["load_id"])}</td>'
        f'{_numbers(e)}<td>{_yes_no(e["success"])}</td></tr>'
        for n, e in enumerate(entries, start=1)
    )
    body = (
        f'<p><a href="../{INDEX}">All runs</a></p><h1>Run {_esc(run_id)}</h1>'
        f'<p>{totals["validations"]} validations, {totals["failed_validations"]} with quarantined rows; '
        f'written {_esc(totals["written_utc"])}.</p>'
        "<table><thead><tr><th>#</th><th>Suite</th><th>Load id</th><th>Records</th><th>Passed</th>"
        "<th>Quarantined</th><th>Success</th></tr></thead>"
        f"<tbody>{rows}</tbody>"
        f'<tfoot><tr><td></td><td>Total</td><td></td>{_numbers(totals)}'
        f'<td>{_yes_no(totals["success"])}</td></tr></tfoot>'
        "</table>"
    )
    return _html(f"Data Docs: run {run_id}", body)


def _runs_index(manifests: Iterable[dict]) -> str:
    ordered = sorted(manifests, key=lambda m: (str(m.get("written_utc", "")), str(m["run_id"])), reverse=True)
    rows = "".join(
        f'<tr class="{"ok" if m.get("success") else "failed"}">'
        f'<td><a href="{_attr(m["run_id"])}/{INDEX}">{_esc(m["run_id"])}</a></td>'
        f'<td>{_esc(m.get("written_utc", ""))}</td><td class="n">{_esc(m.get("validations", ""))}</td>'
        f'{_numbers(m)}<td>{_yes_no(m.get("success"))}</td></tr>'
        for m in ordered
    )
    body = (
        "<h1>Data Docs: runs</h1><table><thead><tr><th>Run</th><th>Written (UTC)</th><th>Validations</th>"
        "<th>Records</th><th>Passed</th><th>Quarantined</th><th>Success</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
    return _html("Data Docs: runs", body)


def _read_manifests(folder: Path) -> list[dict]:
    manifests = []
    for run in folder.iterdir():
        if run.name.startswith(".") or not (run / MANIFEST).is_file():
            continue
        try:
            manifest = json.loads((run / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a foreign or damaged folder: leave it out of the index rather than fail the run
        if isinstance(manifest, dict) and manifest.get("run_id") == run.name:
            manifests.append(manifest)
    return manifests


def _swap_in(staging: Path, target: Path) -> None:
    """Put `staging` at `target`, replacing a previous folder of the same run."""
    if target.exists():
        old = target.with_name(f".{target.name}.{uuid.uuid4().hex}.old")
        os.rename(target, old)
        os.rename(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, target)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    _write_text(temporary, text)
    os.replace(temporary, path)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _numbers(row: dict) -> str:
    return "".join(f'<td class="n">{_esc(row.get(key, ""))}</td>' for key in ("records", "passed", "quarantined"))


def _html(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{_esc(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )


def _yes_no(value: Any) -> str:
    return "yes" if value else "no"


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=False)


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _slug(value: str) -> str:
    return _UNSAFE.sub("_", str(value))[:80] or "_"
