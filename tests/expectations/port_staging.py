"""Typed Port of Aktau / Port of Baku staging frames for the validation-layer tests (dtypes from the Feeds)."""
from __future__ import annotations

import pandas as pd

from corridor.connectors.base import Feed


def staging_dtypes(feed: Feed) -> dict[str, str]:
    """The frame the pipeline validates: `_row`, the feed's typed columns, its derived columns."""
    dtypes = {"_row": "int64", **feed.columns}
    if feed.business_time_column:
        dtypes["event_lateness_hours"] = "float64"
    dtypes["revision_conflict"] = "boolean"
    return dtypes


def staging_frame(feed: Feed, clean: dict, rows: dict[int, dict]) -> pd.DataFrame:
    """One clean record per `_row`, overridden by that row's values."""
    dtypes = staging_dtypes(feed)
    records = [{"_row": row, **clean, **overrides} for row, overrides in rows.items()]
    return pd.DataFrame(records, columns=list(dtypes)).astype(dtypes)
