"""A typed KTZ tracking staging frame for the validation-layer tests (the staging contract's dtypes)."""
from __future__ import annotations

import pandas as pd

KTZ_DTYPES = {
    "_row": "int64",
    "op_id": "string",
    "revision": "Int64",
    "published_utc": "datetime64[us]",
    "op_code": "string",
    "event_time_utc": "datetime64[us]",
    "esr": "string",
    "train_no": "string",
    "wagon_no": "string",
    "container_no": "string",
    "waybill_no": "string",
    "is_laden": "boolean",
    "event_lateness_hours": "float64",
    "revision_conflict": "boolean",
}

CLEAN_KTZ = {
    "op_id": "7700012345",
    "revision": 1,
    "published_utc": pd.Timestamp("2024-03-01 05:00:03"),
    "op_code": "02",
    "event_time_utc": pd.Timestamp("2024-03-01 01:58"),
    "esr": "705509",
    "train_no": "8701",
    "wagon_no": "51234565",
    "container_no": "CSQU3054383",
    "waybill_no": "24KZ0012345",
    "is_laden": True,
    "event_lateness_hours": -3.0,
    "revision_conflict": False,
}


def ktz_frame(rows: dict[int, dict], dtypes: dict[str, str] = KTZ_DTYPES) -> pd.DataFrame:
    """Staging frame with one clean record per `_row`, overridden by that row's values."""
    records = [{"_row": row, **CLEAN_KTZ, **overrides} for row, overrides in rows.items()]
    return pd.DataFrame(records, columns=list(KTZ_DTYPES)).astype(dtypes)
