"""Shared test set-up: a non-UTC host zone (results must not depend on it) and one Prefect harness."""
import os
import time

# Results must never depend on the host's zone; run the suite in one that is not UTC by default.
os.environ.setdefault("TZ", "Asia/Almaty")
time.tzset()

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect API for the whole session (starting one costs ~10 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
