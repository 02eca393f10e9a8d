"""Reliability tests run the real connectors against hostile loopback servers of their own (`hostile_server`)."""
import pytest
from hostile_server import Hostile


@pytest.fixture
def hostile():
    """A factory: `hostile()` is a new running server, stopped at the end of the test."""
    servers = []

    def start():
        servers.append(Hostile())
        return servers[-1]

    yield start
    for server in servers:
        server.close()
