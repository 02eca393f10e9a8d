"""The four real connectors pointed at a hostile server: settings, well-formed answers, and a fetch."""
from __future__ import annotations

import json
from datetime import datetime

from hostile_server import reply

from corridor.config import Settings
from corridor.connectors import OPERATOR_MODULES, HttpClient, RetryPolicy, Window

OPERATORS = ("KTZ", "ADY", "AKTAU_PORT", "BAKU_PORT")
URL_SETTING = {"KTZ": "ktz_url", "ADY": "ady_url", "AKTAU_PORT": "aktau_url", "BAKU_PORT": "baku_url"}
PREFIX = {"KTZ": "/ktz", "ADY": "/ady", "AKTAU_PORT": "/aktau", "BAKU_PORT": "/baku"}
DATA_PATH = {"KTZ": "/ktz/api/v2/operations", "ADY": "/ady/export/v1/operations.csv",
             "AKTAU_PORT": "/aktau/tos/v1/moves", "BAKU_PORT": "/baku/edi/v1/terminal-events"}

# Secrets with characters that change under URL and JSON encoding, so that every encoded echo is checked too.
SECRETS = {"ktz_token": "ktz-T0ken+/zz9", "ady_api_key": "ady-K3y+/=q7", "aktau_client_secret": "akt-S3cr3t+/&=x",
           "baku_password": "bak-P4ss+/w0rd"}
ISSUED_TOKEN = "akt-issued-T0k3n-5f1c"
WINDOW = Window(datetime(2024, 3, 1), datetime(2024, 3, 1, 6))  # one Baku local date, one sub-window each
FAST = RetryPolicy(attempts=2, base_seconds=0.01, max_wait_seconds=0.05, connect_timeout=2.0, read_timeout=5.0)

KTZ_OP = {"op_id": "7700012345", "revision": 1, "updated_at": "2024-03-01T06:00:03+05:00", "op_code": "02",
          "op_time": "2024-03-01T05:58:00+05:00", "esr": "663109", "train_no": "8701", "wagon_no": "51234565",
          "container_no": "CSQU3054383", "waybill_no": "24KZ0012345", "laden": True}
ADY_HEADER = "emeliyyat_id;versiya;ixrac_tarixi;emeliyyat_kodu;tarix;stansiya;qatar_no;vaqon_no;konteyner_no;qaime_no;yuklu"
ADY_ROW = "500001234503;1;01.03.2024 06:10:05;GLS;01.03.2024 05:58;552508;5701;51234565;-;;1"
AKTAU_MOVE = {"moveId": "3f1c0a52-9d1e-4c4e-a0a3-1d6c1f1a2b77", "recordedAt": "2024-03-01T04:05:11Z",
              "moveTime": "2024-03-01T03:58:00Z", "moveType": "RAIL_DISCHARGE",
              "equipment": {"type": "CONTAINER", "number": "CSQU3054383", "isoType": "45G1", "fullEmpty": "F"},
              "carrier": {"mode": "RAIL", "ref": "8701"}, "wagonNo": "51234565", "callId": None, "grossWeightKg": 24500}
BAKU_EVENT = ('<Event id="BK-E-0001234" rev="1" recorded="2024-03-01T08:15:00+04:00"><Type>DISC</Type>'
              '<Time>2024-03-01T07:50:00</Time><Equipment kind="CONTAINER" number="CSQU3054383" iso="45G1" full="true"/>'
              '<Transport mode="VESSEL" imo="9187655" voyage="24A031"/><Weight unit="KG">24500</Weight>'
              '<Facility>ALAT-MT</Facility></Event>')


def settings(operator: str, base: str, **overrides) -> Settings:
    return Settings(**{**SECRETS, URL_SETTING[operator]: base + PREFIX[operator], **overrides})


def connect(operator: str, base: str, **overrides):
    """(client, tracking feed) of the real connector, its HttpClient as `stage_feed` makes it."""
    module = OPERATOR_MODULES[operator]
    return module.CLIENT(settings(operator, base, **overrides), HttpClient(f"{operator} tracking", FAST)), \
        module.FEEDS["tracking"]


def fetch(operator: str, base: str, **overrides):
    client, feed = connect(operator, base, **overrides)
    try:
        return list(feed.fetch(client, WINDOW))
    finally:
        client.http.close()


# -- well-formed documents ---------------------------------------------------------------------------


def ktz_page(items, cursor=None) -> bytes:
    return json.dumps({"data": items, "meta": {"next_cursor": cursor, "count": len(items)}}).encode()


def ady_csv(*rows, header=ADY_HEADER) -> bytes:
    return ("\ufeff" + header + "\r\n" + "".join(row + "\r\n" for row in rows)).encode()


def aktau_page(items, page=1, total=1) -> bytes:
    return json.dumps({"page": page, "pageSize": 500, "totalPages": total, "totalItems": len(items),
                       "items": items}).encode()


def baku_doc(*events, parts=1, part=1) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><TerminalEvents xmlns="urn:bistp:terminal:1" date="2024-03-01" '
            f'part="{part}" parts="{parts}">' + "".join(events) + "</TerminalEvents>").encode()


def token_answer(h, token=ISSUED_TOKEN):
    reply(h, 200, json.dumps({"access_token": token, "token_type": "Bearer", "expires_in": 300}).encode(),
          {"Content-Type": "application/json"})


def one_page(operator: str) -> tuple[bytes, dict[str, str]]:
    """A one-page answer with one good record, and its headers."""
    return {
        "KTZ": (ktz_page([KTZ_OP]), {"Content-Type": "application/json"}),
        "ADY": (ady_csv(ADY_ROW), {"Content-Type": "text/csv", "X-Total-Pages": "1"}),
        "AKTAU_PORT": (aktau_page([AKTAU_MOVE]), {"Content-Type": "application/json"}),
        "BAKU_PORT": (baku_doc(BAKU_EVENT), {"Content-Type": "application/xml"}),
    }[operator]


def normal(operator: str, body: bytes | None = None, headers: dict[str, str] | None = None):
    """An answer function: the token for Aktau, `body` (default one good page) for the data path."""
    default_body, default_headers = one_page(operator)

    def answer(h, seen):
        if seen.path.endswith("/oauth/token"):
            return token_answer(h)
        if seen.path == DATA_PATH[operator]:
            return reply(h, 200, default_body if body is None else body, headers or default_headers)
        reply(h, 404, b'{"error": "not found"}')

    return answer
