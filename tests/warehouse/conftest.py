"""Every warehouse test gets its own freshly bootstrapped warehouse file."""
import pytest

from fixtures.warehouse import fresh_warehouse


@pytest.fixture
def warehouse(tmp_path):
    with fresh_warehouse(tmp_path) as wh:
        yield wh
