"""Small HTTP helpers shared by the operator views (responses, parameter parsing)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from corridor.timeutil import parse_instant

from .clock import to_ts


@dataclass
class Response:
    status: int
    headers: dict = field(default_factory=dict)
    body: bytes = b""


def json_response(status: int, obj: object, headers: dict | None = None) -> Response:
    return Response(status, {"Content-Type": "application/json", **(headers or {})}, json.dumps(obj).encode())


def bad_request(obj: object) -> Response:
    return json_response(400, obj)


def unauthorized(obj: object, headers: dict | None = None) -> Response:
    return json_response(401, obj, headers)


def parse_instant_param(query: dict, name: str) -> int:
    """An RFC 3339 instant with offset or Z → epoch seconds; ValueError names the parameter."""
    try:
        return to_ts(parse_instant(query[name]))
    except (KeyError, ValueError, TypeError):
        raise ValueError(name) from None
