"""The hand-written suites in `suites/<operator>_<feed>.json`, loaded into GX without network or disk writes."""
from __future__ import annotations

import functools
import json
import threading
from importlib import resources
from typing import Any

from corridor.expectations.context import get_context

ROW_RULE_KEY = "rule"

_loading = threading.Lock()
_loaded: dict[str, Any] = {}


class SuiteError(ValueError):
    """A suite file that the engine cannot turn into a sound row split."""


def _suite_files() -> dict[str, Any]:
    folder = resources.files("corridor.expectations").joinpath("suites")
    return {f.name.removesuffix(".json"): f for f in folder.iterdir() if f.name.endswith(".json")}


def suite_names() -> list[str]:
    """Names of the available suites, e.g. `ktz_tracking` (no GX import needed)."""
    return sorted(_suite_files())


def read_suite(name: str) -> dict[str, Any]:
    """The suite's JSON document."""
    files = _suite_files()
    if name not in files:
        raise KeyError(f"unknown suite {name!r}; known: {', '.join(sorted(files))}")
    return json.loads(files[name].read_text(encoding="utf-8"))


@functools.cache
def suite_columns(name: str) -> tuple[str, ...] | None:
    """Every column the suite's expectations read (their column kwargs and row conditions), or None if unknown.

    Validation hands GX only these (and `_row`): GX hashes and copies the whole frame it is given.
    """
    columns: dict[str, None] = {}

    def condition_columns(condition: Any) -> bool:
        if isinstance(condition, dict):
            column = condition.get("column")
            if isinstance(column, dict) and isinstance(column.get("name"), str):
                columns[column["name"]] = None
            elif isinstance(column, str):
                columns[column] = None
            return all(condition_columns(part) for part in condition.get("conditions", ()))
        return False  # a string (pandas query) condition: its columns can't be known without parsing it

    for spec in read_suite(name)["expectations"]:
        kwargs = spec.get("kwargs") or {}
        for key in ("column", "column_A", "column_B"):
            if isinstance(kwargs.get(key), str):
                columns[kwargs[key]] = None
        columns.update(dict.fromkeys(kwargs.get("column_list") or ()))
        if kwargs.get("row_condition") is not None and not condition_columns(kwargs["row_condition"]):
            return None
    return tuple(columns)


def load_suite(name: str) -> Any:
    """The suite as a GX `ExpectationSuite`, checked and added to the shared context (once per process)."""
    with _loading:  # two threads adding one suite: GX refuses the second
        if name not in _loaded:
            _loaded[name] = _add_suite(name)
        return _loaded[name]


def _add_suite(name: str) -> Any:
    context = get_context()  # imports GX whole and registers the custom expectations before their names are used
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    doc = read_suite(name)
    if doc.get("name") != name:
        raise SuiteError(f"suite file {name}.json is named {doc.get('name')!r}")
    expectations = []
    for i, spec in enumerate(doc["expectations"]):
        where = f"{name} expectation #{i} ({spec.get('type')})"
        rule = (spec.get("meta") or {}).get(ROW_RULE_KEY)
        if not isinstance(rule, str) or not rule:
            raise SuiteError(f"{where}: meta.rule is missing")
        # Built one by one because ExpectationSuite(...) only logs and drops an invalid expectation.
        expectation = ExpectationConfiguration(**spec).to_domain_obj()
        # Only map expectations report the failing rows; anything else could not be split by row.
        if not isinstance(expectation, (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)):
            raise SuiteError(f"{where}: not a row-level (map) expectation")
        if getattr(expectation, "mostly", 1) != 1:
            raise SuiteError(f"{where}: `mostly` would let failing rows pass the suite")
        expectations.append(expectation)
    suite = ExpectationSuite(name=name, expectations=expectations, meta=doc.get("meta"), notes=doc.get("notes"))
    if len(suite.expectations) != len(doc["expectations"]):
        raise SuiteError(f"{name}: GX dropped {len(doc['expectations']) - len(suite.expectations)} expectation(s)")
    return context.suites.add(suite)
