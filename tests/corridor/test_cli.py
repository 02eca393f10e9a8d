import subprocess
import sys

import pytest

from corridor.cli import main


@pytest.mark.parametrize(
    "argv, message",
    [
        (["sync", "--from", "2024-13-01", "--to", "2024-03-02"], "'--from'"),
        (["sync", "--from", "2024-03-01"], "--from and --to go together"),
        (["sync", "--from", "2024-03-02", "--to", "2024-03-01"], "--to must be after --from"),
        (["sync", "--source", "NOPE", "--from", "2024-03-01", "--to", "2024-03-02"], "'--source'"),
        (["sync", "--feed", "weather"], "'--feed'"),
        (["sync", "--bogus"], "No such option"),
        (["launch"], "No such command"),
        (["feeds", "serve", "--port", "99999"], "'--port'"),
        (["query"], "Missing argument"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("corridor: error:") and message in err


def test_help_on_every_subcommand(capsys):
    for argv in (["--help"], ["sync", "--help"], ["demo", "--help"], ["feeds", "serve", "--help"], ["query", "--help"]):
        assert main(argv) == 0
        assert "Usage:" in capsys.readouterr().out


def test_every_command_of_operations_md_is_listed(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    for command in ("demo", "sync", "feeds", "report", "track", "query", "deploy"):
        assert f"  {command} " in out, command


def test_query_without_warehouse_is_a_usage_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert main(["query", "SELECT 1"]) == 2
    assert "no warehouse" in capsys.readouterr().err


def test_installed_command_exit_status():
    done = subprocess.run([sys.executable, "-m", "corridor.cli", "sync", "--to", "x"], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_query_prints_table_csv_and_json_and_refuses_writes(tmp_path, monkeypatch, capsys):
    from corridor.warehouse import Warehouse

    path = tmp_path / "w.duckdb"
    with Warehouse(path) as wh:
        wh.bootstrap()
    monkeypatch.setenv("CORRIDOR_WAREHOUSE", str(path))
    sql = "SELECT operator_code, operator_type FROM core.dim_operator WHERE operator_code = 'KTZ'"
    assert main(["query", sql]) == 0
    assert capsys.readouterr().out.splitlines()[2].split() == ["KTZ", "RAIL"]
    assert main(["query", sql, "--format", "csv"]) == 0
    assert capsys.readouterr().out == "operator_code,operator_type\nKTZ,RAIL\n"
    assert main(["query", sql, "--format", "json"]) == 0
    assert capsys.readouterr().out.strip() == '[{"operator_code": "KTZ", "operator_type": "RAIL"}]'
    with pytest.raises(SystemExit) as refused:
        main(["query", "DELETE FROM core.dim_operator"])
    assert refused.value.code == 2 and "read-only" in capsys.readouterr().err.lower()
