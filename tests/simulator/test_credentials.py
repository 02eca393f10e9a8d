"""The simulator's own test credentials: the product's defaults are accepted, and simulator/ never reads corridor.config."""
from __future__ import annotations

import ast
import base64
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

import corridor.simulator
from corridor.config import Settings
from corridor.simulator import Simulator, SimulatorConfig, SimulatorCredentials, ady, aktau, baku, ktz

NOW = datetime(2024, 7, 20)


@pytest.fixture
def product_defaults(monkeypatch) -> Settings:
    """The product's Settings as shipped: no CORRIDOR_* variables, no .env file."""
    for name in [n for n in os.environ if n.startswith("CORRIDOR_")]:
        monkeypatch.delenv(name)
    return Settings(_env_file=None)


def answers(sim: Simulator, ktz_token: str, ady_key: str, aktau_client: tuple[str, str], baku_user: tuple[str, str]) -> dict:
    """Status of one authenticated request per operator, made in-process through the simulator's handlers."""
    out = {"ktz": ktz.handle(sim, "GET", "/api/v2/train-schedules", {"service_date": "2024-07-03"},
                             {"Authorization": f"Bearer {ktz_token}"}).status,
           "ady": ady.handle(sim, "GET", "/export/v1/timetable.csv", {"date": "01.07.2024"}, {"X-Api-Key": ady_key}).status}
    form = f"grant_type=client_credentials&client_id={aktau_client[0]}&client_secret={aktau_client[1]}".encode()
    token = aktau.handle(sim, "POST", "/oauth/token", {}, {}, form)
    out["aktau"] = token.status
    if token.status == 200:
        bearer = {"Authorization": f"Bearer {json.loads(token.body)['access_token']}"}
        out["aktau"] = aktau.handle(sim, "GET", "/tos/v1/vessel-calls", {"from": "2024-07-01T00:00:00Z", "to": "2024-07-02T00:00:00Z"},
                                    bearer).status
    basic = base64.b64encode(":".join(baku_user).encode()).decode()
    out["baku"] = baku.handle(sim, "GET", "/edi/v1/berth-schedule", {"date": "2024-07-01"}, {"Authorization": f"Basic {basic}"}).status
    return out


def test_the_products_default_credentials_are_the_simulators(product_defaults):
    s, c = product_defaults, SimulatorCredentials()
    assert (s.ktz_token.get_secret_value(), s.ady_api_key.get_secret_value(), s.aktau_client_id, s.aktau_client_secret.get_secret_value(),
            s.baku_user, s.baku_password.get_secret_value()) == (
        c.ktz_token, c.ady_api_key, c.aktau_client_id, c.aktau_client_secret, c.baku_user, c.baku_password)


def test_the_products_default_credentials_are_accepted(product_defaults):
    s = product_defaults
    sim = Simulator(SimulatorConfig(now=NOW))
    got = answers(sim, s.ktz_token.get_secret_value(), s.ady_api_key.get_secret_value(),
                  (s.aktau_client_id, s.aktau_client_secret.get_secret_value()), (s.baku_user, s.baku_password.get_secret_value()))
    assert got == {"ktz": 200, "ady": 200, "aktau": 200, "baku": 200}


def test_configured_credentials_replace_the_defaults():
    own = SimulatorCredentials(ktz_token="t2", ady_api_key="k2", aktau_client_id="c2", aktau_client_secret="s2", baku_user="u2",
                               baku_password="p2")
    sim = Simulator(SimulatorConfig(now=NOW, credentials=own))
    assert answers(sim, "t2", "k2", ("c2", "s2"), ("u2", "p2")) == {"ktz": 200, "ady": 200, "aktau": 200, "baku": 200}
    d = SimulatorCredentials()
    refused = answers(sim, d.ktz_token, d.ady_api_key, (d.aktau_client_id, d.aktau_client_secret), (d.baku_user, d.baku_password))
    assert refused == {"ktz": 401, "ady": 401, "aktau": 401, "baku": 401}


def test_secrets_stay_out_of_the_configs_repr():
    text = repr(SimulatorConfig())
    assert "corridor-sim" in text
    assert not any(secret in text for secret in ("ktz-sim-token", "ady-sim-key", "aktau-sim-secret", "baku-sim-password"))


def test_the_simulator_does_not_import_the_products_settings():
    for path in sorted(Path(corridor.simulator.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n == "corridor.config" or n.startswith("corridor.config.") for n in names), (path.name, node.lineno)
