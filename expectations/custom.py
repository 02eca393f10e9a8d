"""Corridor's custom GX expectations: identifier check digits and reference-data membership.

Each is a `ColumnMapExpectation` backed by a pandas `column_condition_partial` metric; importing this
module registers them with GX. Nulls are never checked here (presence is a separate rule).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from corridor import checkdigits, reference

Rule = Callable[[pd.Series], pd.Series]


def each(check: Callable[[object], bool]) -> Rule:
    """A scalar check applied per value, evaluated once per distinct value (identifiers repeat a lot)."""

    def rule(column: pd.Series) -> pd.Series:
        verdicts = {value: bool(check(value)) for value in pd.unique(column)}
        return column.map(verdicts)

    return rule


def member_of(keys: Callable[[], object]) -> Rule:
    """Membership in a reference key set, looked up when validating (the sets are cached by their owners)."""
    return lambda column: column.isin(list(keys()))


def _column_rule(name: str, metric: str, rule: Rule, doc: str) -> type[ColumnMapExpectation]:
    """Define and register a metric + expectation pair named `name` for one rule."""

    def _pandas(cls, column, **kwargs):
        # GX negates this with `~`: it must be a plain bool Series (`~` on object dtype gives -1/-2).
        return pd.Series(np.asarray(rule(column), dtype=bool), index=column.index)

    type(
        f"{name}Metric",
        (ColumnMapMetricProvider,),
        {
            "__module__": __name__,
            "condition_metric_name": metric,
            "_pandas": column_condition_partial(engine=PandasExecutionEngine)(_pandas),
        },
    )
    return type(name, (ColumnMapExpectation,), {"__module__": __name__, "__doc__": doc, "map_metric": metric})


ExpectColumnValuesToBeValidContainerNumber = _column_rule(
    "ExpectColumnValuesToBeValidContainerNumber",
    "column_values.corridor.valid_container_number",
    each(checkdigits.is_valid_container),
    "Container number in ISO 6346 form with a correct check digit.",
)
ExpectColumnValuesToBeValidWagonNumber = _column_rule(
    "ExpectColumnValuesToBeValidWagonNumber",
    "column_values.corridor.valid_wagon_number",
    each(checkdigits.is_valid_wagon),
    "8-digit 1520 mm wagon number with a correct check digit.",
)
ExpectColumnValuesToBeValidImoNumber = _column_rule(
    "ExpectColumnValuesToBeValidImoNumber",
    "column_values.corridor.valid_imo_number",
    each(checkdigits.is_valid_imo),
    "IMO vessel number (`IMO9187655` or `9187655`) with a correct check digit.",
)
ExpectColumnValuesToBeValidEsrCode = _column_rule(
    "ExpectColumnValuesToBeValidEsrCode",
    "column_values.corridor.valid_esr_code",
    each(checkdigits.is_valid_esr),
    "6-digit ESR station code with a correct check digit.",
)
ExpectColumnValuesToBeKnownEsrCode = _column_rule(
    "ExpectColumnValuesToBeKnownEsrCode",
    "column_values.corridor.known_esr_code",
    member_of(reference.location_by_esr),
    "ESR station code of a known corridor location.",
)
ExpectColumnValuesToBeKnownUnlocode = _column_rule(
    "ExpectColumnValuesToBeKnownUnlocode",
    "column_values.corridor.known_unlocode",
    member_of(reference.location_by_unlocode),
    "UN/LOCODE (or an operator's alias of one) of a known corridor location.",
)
ExpectColumnValuesToBeKnownIsoSizeType = _column_rule(
    "ExpectColumnValuesToBeKnownIsoSizeType",
    "column_values.corridor.known_iso_size_type",
    member_of(checkdigits.SIZE_TYPE_TEU.keys),
    "ISO 6346 size-type code the product knows (keys of `SIZE_TYPE_TEU`).",
)
