"""Faults on demand: transient HTTP errors, slow answers, dropped connections, expired tokens, bad Baku parts."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from .draws import unit

TRANSIENT = ("429", "500", "502", "503", "slow", "drop", "token-expired")
CONTENT = ("baku-malformed", "baku-doctype")
KINDS = TRANSIENT + CONTENT


@dataclass(frozen=True)
class Fault:
    """A share (`rate`) of requests fail their first `attempts` tries; content faults hit Baku parts for good.

    `target` narrows the fault: a path prefix after the port (`ktz`, `aktau/tos/v1/moves`) for transient
    kinds, or `endpoint/date/part` (`terminal-events/2024-03-01/2`) for Baku content faults.
    `seconds` is the Retry-After of a 429 or the delay of a slow answer.
    """

    kind: str
    rate: float = 1.0
    attempts: int = 1
    seconds: float | None = None
    target: str | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; one of {', '.join(KINDS)}")
        if not 0 <= self.rate <= 1 or self.attempts < 1:
            raise ValueError("fault rate must be in [0, 1] and attempts at least 1")


def parse_fault(text: str) -> Fault:
    """`KIND[:RATE[:ATTEMPTS[:SECONDS]]][@TARGET]`, or `baku-doctype:ENDPOINT/DATE/PART` (e.g. `429:0.1`)."""
    text = text.strip()
    target = None
    if "@" in text:
        text, target = text.split("@", 1)
    kind, _, rest = text.partition(":")
    if kind in CONTENT and "/" in rest:
        return Fault(kind=kind, target=rest.strip("/"))
    parts = [p for p in rest.split(":") if p] if rest else []
    try:
        rate = float(parts[0]) if parts else 1.0
        attempts = int(parts[1]) if len(parts) > 1 else 1
        seconds = float(parts[2]) if len(parts) > 2 else None
    except ValueError:
        raise ValueError(f"bad fault spec {text!r}: expected KIND[:RATE[:ATTEMPTS[:SECONDS]]]") from None
    return Fault(kind=kind, rate=rate, attempts=attempts, seconds=seconds, target=target and target.strip("/"))


class FaultState:
    """Counts attempts per request so that a faulty request eventually succeeds."""

    def __init__(self, faults: tuple[Fault, ...], seed: int):
        self.faults, self.seed = tuple(faults), seed
        self.seen: dict[tuple[int, str], int] = {}
        self.lock = threading.Lock()

    def transient(self, path: str, request_key: str) -> Fault | None:
        """The fault to apply to this attempt of a request (path without leading slash), if any."""
        for i, f in enumerate(self.faults):
            if f.kind not in TRANSIENT or (f.target and not path.startswith(f.target)):
                continue
            if unit(self.seed, "fault", i, f.kind, request_key) >= f.rate:
                continue
            with self.lock:
                n = self.seen.get((i, request_key), 0)
                if n < f.attempts:
                    self.seen[(i, request_key)] = n + 1
                    return f
        return None

    def baku_part(self, endpoint: str, day: str, part: int) -> str | None:
        """`baku-malformed` or `baku-doctype` when that part is to be served broken."""
        ident = f"{endpoint}/{day}/{part}"
        for i, f in enumerate(self.faults):
            if f.kind not in CONTENT:
                continue
            if f.target is not None:
                if f.target in (ident, f"{endpoint}/{day}/part{part}"):
                    return f.kind
            elif unit(self.seed, "bakufault", i, ident) < f.rate:
                return f.kind
        return None
