"""Shared test set-up: a non-UTC host zone, no inherited configuration, one Prefect harness, one simulator."""
import os
import time

# Results must never depend on the host's zone; run the suite in one that is not UTC by default.
os.environ.setdefault("TZ", "Asia/Almaty")
time.tzset()

import pytest  # noqa: E402

# A test that uses one of these needs the simulator over HTTP or a Prefect API: it is an integration test.
INTEGRATION_FIXTURES = {"sim_url", "sim_env", "prefect_harness", "base"}
# So is every test of these folders: the simulated world itself, and hostile servers over loopback.
INTEGRATION_FOLDERS = {"simulator", "reliability"}


def pytest_collection_modifyitems(items):
    """Mark integration tests from the fixtures they use, so `-m "not integration"` is the fast unit set."""
    for item in items:
        folder = item.path.parent.name
        if INTEGRATION_FIXTURES & set(getattr(item, "fixturenames", ())) or folder in INTEGRATION_FOLDERS:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def no_inherited_configuration(monkeypatch, tmp_path):
    """A developer's own CORRIDOR_* settings (or .env) must not leak into a test; files go to its tmp folder."""
    import os

    for name in [n for n in os.environ if n.startswith("CORRIDOR_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # a `.env` in the developer's working directory is not read either


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session (starting one costs ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


# The simulated world every integration test reads: a fixed clock, and a defect rate high enough
# that each defect kind appears in a few days of data.
SIM_NOW = __import__("datetime").datetime(2024, 3, 12)
SIM_DEFECT_RATE = 0.02


@pytest.fixture(scope="session")
def sim_config():
    from corridor.simulator import SimulatorConfig

    return SimulatorConfig(now=SIM_NOW, defect_rate=SIM_DEFECT_RATE)


@pytest.fixture(scope="session")
def sim_url(sim_config):
    """The embedded simulator on a free loopback port, for the whole session."""
    from corridor.simulator import run_embedded

    with run_embedded(sim_config) as base_url:
        yield base_url


@pytest.fixture
def sim_env(sim_url, tmp_path, monkeypatch):
    """Environment pointing every connector at the simulator and the warehouse at a fresh file."""
    for operator in ("ktz", "ady", "aktau", "baku"):
        monkeypatch.setenv(f"CORRIDOR_{operator.upper()}_URL", f"{sim_url}/{operator}")
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(tmp_path / "corridor.duckdb"))
    return tmp_path / "corridor.duckdb"
