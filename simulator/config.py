"""The simulator's configuration: the world it simulates, its clock, defects, faults, and the credentials it accepts."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from .faults import Fault


@dataclass(frozen=True)
class SimulatorCredentials:
    """What each operator's API accepts; the defaults are the documented test values (the product's defaults too)."""

    ktz_token: str = field(default="ktz-sim-token", repr=False)
    ady_api_key: str = field(default="ady-sim-key", repr=False)
    aktau_client_id: str = "corridor-sim"
    aktau_client_secret: str = field(default="aktau-sim-secret", repr=False)
    baku_user: str = "corridor-sim"
    baku_password: str = field(default="baku-sim-password", repr=False)


@dataclass(frozen=True)
class SimulatorConfig:
    """How the simulated world behaves: seed, wagonload scale, clock (naive UTC; None = real), defects, faults."""

    seed: int = 7
    scale: float = 1.0
    now: datetime | None = None
    defect_rate: float = 0.005
    faults: tuple[Fault, ...] = field(default_factory=tuple)
    token_ttl: int = 300  # Aktau OAuth tokens, seconds of real time
    baku_part_size: int = 200  # records per Baku XML part
    cache_records: int = 3_000_000  # budget of the per-day record cache
    credentials: SimulatorCredentials = SimulatorCredentials()
    request_log: str | None = None  # a file to append one line per request to ("GET /ktz/api/v2/operations?…")
