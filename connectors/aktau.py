"""Port of Aktau: TOS JSON API, OAuth2 client credentials, numbered pages, UTC `Z` times."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, NamedTuple

from pydantic import SecretStr

from corridor.config import Settings
from corridor.connectors import normalize as n
from corridor.connectors.base import Feed, Page, RawRecord, Window
from corridor.connectors.http import CredentialsRefused, FeedError, Fetched, HttpClient
from corridor.timeutil import format_instant

OPERATOR = "AKTAU_PORT"
PAGE_SIZE = 500
# Refresh a token this long before the source says it expires (saves a 401 round trip per expiry).
TOKEN_MARGIN_SECONDS = 30.0


class AktauClient:
    """Endpoints, OAuth2 token handling and page-number paging of the Aktau TOS API.

    The access token lives only in memory (as a SecretStr) for reuse across requests: it is sent as a
    header, never put in a URL, a log line, an exception or a raw record.
    """

    def __init__(self, settings: Settings, http: HttpClient):
        self.base = settings.aktau_url.rstrip("/")
        self._client_id = settings.aktau_client_id
        self._client_secret = settings.aktau_client_secret
        self.http = http.bind(settings, self.base, {"CORRIDOR_AKTAU_CLIENT_SECRET": self._client_secret.get_secret_value()})
        self._token: SecretStr | None = None
        self._token_good_until = 0.0  # time.monotonic() deadline

    # -- auth ------------------------------------------------------------------------------------

    def _new_token(self) -> SecretStr:
        fetched = self.http.request(
            "POST", f"{self.base}/oauth/token",
            data={"grant_type": "client_credentials", "client_id": self._client_id,
                  "client_secret": self._client_secret.get_secret_value()},
        )
        try:
            body = json.loads(fetched.content)
            token = body["access_token"]
            expires_in = float(body.get("expires_in") or 300)
        except (KeyError, TypeError, ValueError, AttributeError):
            # Never quote the body: it may hold a token.
            raise FeedError(f"{self.http.label}: unexpected token response shape") from None
        if not isinstance(token, str) or not token:
            raise FeedError(f"{self.http.label}: the token response carries no access_token")
        self.http.secret("the access token the source issued", token)
        self._token = SecretStr(token)
        self._token_good_until = time.monotonic() + max(0.0, expires_in - TOKEN_MARGIN_SECONDS)
        return self._token

    def _current_token(self) -> SecretStr:
        if self._token is None or time.monotonic() >= self._token_good_until:
            return self._new_token()
        return self._token

    def _get(self, path: str, params: dict[str, Any]) -> Fetched:
        """GET with the bearer token; an expired token is renewed and the request repeated once."""
        for attempt in (1, 2):
            token = self._current_token()
            fetched = self.http.request(
                "GET", f"{self.base}{path}", params=params,
                headers={"Authorization": f"Bearer {token.get_secret_value()}"},
                ok_statuses=frozenset({200, 401}),
            )
            if fetched.status == 200:
                return fetched
            self._token = None
            if attempt == 1 and _is_token_expired(fetched.content):
                continue
            break
        raise CredentialsRefused(f"{self.http.label}: the source refused the credentials (HTTP 401)")

    # -- paging ----------------------------------------------------------------------------------

    def _pages(self, path: str, window: Window) -> Iterator[Page]:
        for part in window.split(MOVES.max_window):
            paging = self.http.paging(path)
            page, total_pages = 1, 1
            while page <= total_pages:
                paging.page()
                params = {"from": format_instant(part.start), "to": format_instant(part.end),
                          "page": page, "pageSize": PAGE_SIZE}
                fetched = self._get(path, params)
                try:
                    body = json.loads(n.decoded(fetched.content))
                    items, declared = body["items"], body.get("totalPages")
                    records = [self._record(item, f"{path}/{params['from']}/page{page}/item{i}")
                               for i, item in enumerate(items, start=1)]
                except (KeyError, TypeError, ValueError, AttributeError) as exc:
                    raise FeedError(f"AKTAU_PORT {path}: unexpected response shape ({exc})") from None
                total_pages = paging.total(declared, "totalPages")
                if not records and page < total_pages:
                    raise paging.empty_before_last(page, total_pages)
                yield Page(fetched, records)
                page += 1

    def _record(self, data: Any, record_id: str) -> RawRecord:
        return n.json_record(data, self.http.limits.max_record_bytes, record_id)

    def fetch_moves(self, window: Window) -> Iterator[Page]:
        yield from self._pages("/tos/v1/moves", window)

    def fetch_vessel_calls(self, window: Window) -> Iterator[Page]:
        yield from self._pages("/tos/v1/vessel-calls", window)

    def fetch_manifests(self, window: Window) -> Iterator[Page]:
        yield from self._pages("/tos/v1/manifests", window)


def _is_token_expired(content: bytes) -> bool:
    try:
        body = json.loads(content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("error") == "token_expired"


# -- private quirk helpers ---------------------------------------------------------------------------


# How many of each unit make a tonne. Which units a record may use is the suites' rule (weight_unit_known).
UNITS_PER_TONNE = {"T": 1.0, "KG": 1000.0}


class Weight(NamedTuple):
    """A record's gross weight in tonnes, and the unit it came in ('' for a weight given without one)."""

    tonnes: float | None
    unit: str | None


def _weight(record: dict[str, Any]) -> Weight:
    """The weight from either shape, decided by the field the record carries (never by date or header):
    v1.1 `grossWeight {value, unit}`, v1.0 `grossWeightKg`. An unknown unit, or none, gives no tonnes."""
    if record.get("grossWeight") is None:
        kg = n.number(record.get("grossWeightKg"))
        return Weight(None, None) if kg is None else Weight(kg / UNITS_PER_TONNE["KG"], "KG")
    shaped = n.obj(record["grossWeight"])  # a bare number here is a weight without a unit
    value = n.number(shaped.get("value"))
    unit: str | None = (n.text(shaped.get("unit")) or "").upper()
    if not unit and isinstance(record["grossWeight"], dict) and shaped.get("value") is None:
        unit = None  # neither a value nor a unit: no weight at all
    per_tonne = UNITS_PER_TONNE.get(unit or "")
    return Weight(None if value is None or per_tonne is None else value / per_tonne, unit)


def _laden(full_empty: Any) -> bool | None:
    """`F` full, `E` empty; anything else is None (laden_known quarantines it)."""
    return {"F": True, "E": False}.get((n.text(full_empty) or "").upper())


def _equipment(record: dict[str, Any]) -> dict[str, Any]:
    """Equipment columns: a container's number, or a wagon's (`wagonNo`, else the equipment number of a WAGON)."""
    equipment = n.obj(record.get("equipment"))
    kind = n.text(equipment.get("type"))
    number = n.text(equipment.get("number"))
    kind_upper = (kind or "").upper()
    wagon = n.text(record.get("wagonNo"))
    if wagon is None and kind_upper == "WAGON":
        wagon = number
    return {
        "equipment_kind": kind,
        "equipment_no": number,
        "container_no": number if kind_upper == "CONTAINER" else None,
        "wagon_no": wagon,
        "iso_size_type": n.text(equipment.get("isoType")),
        "is_laden": _laden(equipment.get("fullEmpty")),
    }


# -- parsers ---------------------------------------------------------------------------------------


def parse_move(record: dict[str, Any]) -> list[dict[str, Any]]:
    """An Aktau move → its typed staging row (no revision at the source: 1)."""
    carrier = n.obj(record.get("carrier"))
    mode = n.text(carrier.get("mode"))
    ref = n.text(carrier.get("ref"))
    mode_upper = (mode or "").upper()
    weight = _weight(record)
    return [{
        "move_id": n.text(record.get("moveId")),
        "revision": 1,
        "published_utc": n.instant(record.get("recordedAt")),
        "move_type": n.text(record.get("moveType")),
        "event_time_utc": n.instant(record.get("moveTime")),
        **_equipment(record),
        "carrier_mode": mode,
        "carrier_ref": ref,
        "train_no": ref if mode_upper == "RAIL" else None,
        "vessel_imo": n.imo(ref) if mode_upper == "VESSEL" else None,
        "call_id": n.text(record.get("callId")),
        "gross_weight_t": weight.tonnes,
        "weight_unit": weight.unit,
    }]


def parse_vessel_call(record: dict[str, Any]) -> list[dict[str, Any]]:
    """An Aktau vessel call version → its typed staging row, with the two derived hour columns."""
    vessel = n.obj(record.get("vessel"))
    published = n.instant(record.get("updatedAt"))
    eta, etd = n.instant(record.get("eta")), n.instant(record.get("etd"))
    ata, atd = n.instant(record.get("ata")), n.instant(record.get("atd"))
    actual = [t for t in (ata, atd) if t is not None]
    return [{
        "call_id": n.text(record.get("callId")),
        "revision": 1,
        "published_utc": published,
        "vessel_name": n.text(vessel.get("name")),
        "vessel_imo": n.imo(vessel.get("imo")),
        "voyage_in": n.text(record.get("voyageIn")),
        "voyage_out": n.text(record.get("voyageOut")),
        "berth": n.text(record.get("berth")),
        "eta_utc": eta,
        "etb_utc": n.instant(record.get("etb")),
        "etd_utc": etd,
        "ata_utc": ata,
        "atd_utc": atd,
        "status": n.text(record.get("status")),
        "next_port": n.text(record.get("nextPort")),
        "etd_minus_eta_hours": n.hours(etd, eta),
        "actual_lateness_hours": n.hours(max(actual), published) if actual else None,
    }]


def parse_manifest_line(record: dict[str, Any]) -> list[dict[str, Any]]:
    """An Aktau manifest line → its typed staging row (HS code as 6-digit text)."""
    weight = _weight(record)
    return [{
        "line_id": n.text(record.get("manifestLineId")),
        "revision": 1,
        "published_utc": n.instant(record.get("updatedAt")),
        "call_id": n.text(record.get("callId")),
        "bill_of_lading": n.text(record.get("billOfLading")),
        "waybill_no": n.text(record.get("waybillNo")),
        **_equipment(record),
        "hs_code": n.code(record.get("hsCode"), 6),
        "cargo_description": n.text(record.get("description")),
        "gross_weight_t": weight.tonnes,
        "port_of_loading": n.text(record.get("portOfLoading")),
        "port_of_discharge": n.text(record.get("portOfDischarge")),
        "weight_unit": weight.unit,
    }]


MOVES = Feed(
    operator=OPERATOR,
    feed="tracking",
    endpoint="/tos/v1/moves",
    fetch=AktauClient.fetch_moves,
    parse=parse_move,
    id_column="move_id",
    key_columns=("move_id", "published_utc"),
    staging_table="staging.aktau_move",
    core_transforms=("core_fact_equipment_event.sql",),
    business_time_column="event_time_utc",
)

VESSEL_CALLS = Feed(
    operator=OPERATOR,
    feed="schedule",
    endpoint="/tos/v1/vessel-calls",
    fetch=AktauClient.fetch_vessel_calls,
    parse=parse_vessel_call,
    id_column="call_id",
    key_columns=("call_id", "published_utc"),
    staging_table="staging.aktau_vessel_call",
    core_transforms=("core_fact_vessel_call_version.sql", "core_fact_vessel_call.sql"),
)

MANIFESTS = Feed(
    operator=OPERATOR,
    feed="cargo",
    endpoint="/tos/v1/manifests",
    fetch=AktauClient.fetch_manifests,
    parse=parse_manifest_line,
    id_column="line_id",
    key_columns=("line_id", "published_utc"),
    staging_table="staging.aktau_manifest_line",
    core_transforms=("core_fact_consignment.sql",),
)

FEEDS = {"tracking": MOVES, "schedule": VESSEL_CALLS, "cargo": MANIFESTS}
CLIENT = AktauClient
