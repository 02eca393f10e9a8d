"""Fixtures for the simulator tests (helpers live in sim_support)."""
from sim_support import base  # noqa: F401  (session fixture: one embedded simulator)
