"""Fixtures for the simulator tests (helpers live in tests/fixtures/simulator.py)."""
from fixtures.simulator import base  # noqa: F401  (session fixture: one embedded simulator)
