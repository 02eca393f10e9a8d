"""Validation-layer test fixtures: one GX context for the whole session."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def gx_context():
    """The process-wide GX context (created once: importing GX costs seconds)."""
    from corridor.expectations.context import get_context

    return get_context()
