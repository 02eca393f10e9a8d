"""docs/warehouse.md is the data dictionary generated from the models, and the committed copy is current."""
from pathlib import Path

from corridor.models import contract_tables, qualified_name
from corridor.models.dictionary import COMMAND, render

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


def test_the_committed_dictionary_is_current():
    assert COMMITTED.exists() and COMMITTED.read_text(encoding="utf-8") == render(), (
        f"docs/warehouse.md is not what the models say: regenerate it with `.venv/bin/{COMMAND}`"
        " from the repository root")


def test_the_dictionary_lists_every_table_grain_and_column():
    page = render()
    for table in contract_tables():
        section = page.split(f"### `{qualified_name(table)}`\n", 1)[1].split("\n### ", 1)[0]
        assert "\nGrain: one row per " in section
        for column in table.columns:
            nullable = "yes" if column.nullable else "no"
            assert f"| `{column.name}` | `{column.info['duckdb_type']}` | {nullable} | " in section


def test_the_command_writes_the_page(tmp_path):
    from corridor.models.dictionary import main

    assert main([str(tmp_path / "docs" / "w.md")]) == 0
    assert (tmp_path / "docs" / "w.md").read_text(encoding="utf-8") == render()
