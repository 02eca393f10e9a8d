"""Shared simulator fixtures: one embedded server per module, a fixed clock, a high defect rate to count."""
from __future__ import annotations

from datetime import datetime

import pytest
import requests

from corridor.simulator import SimulatorConfig, run_embedded

NOW = datetime(2024, 7, 20)
CONFIG = SimulatorConfig(now=NOW, defect_rate=0.05)
KTZ = {"Authorization": "Bearer ktz-sim-token"}
ADY = {"X-Api-Key": "ady-sim-key"}
BAKU_AUTH = ("corridor-sim", "baku-sim-password")


def aktau_token(base: str) -> dict:
    resp = requests.post(f"{base}/aktau/oauth/token", data={"grant_type": "client_credentials", "client_id": "corridor-sim",
                                                            "client_secret": "aktau-sim-secret"}, timeout=10)
    resp.raise_for_status()
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


@pytest.fixture(scope="session")
def base():
    with run_embedded(CONFIG) as url:
        yield url
