from corridor.warehouse import Warehouse


def test_bootstrap_is_idempotent_and_recorded(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        first = wh.bootstrap()
        assert first[0] == "001_contract.sql"
        assert wh.bootstrap() == []
        con = wh.cursor()
        versions = [r[0] for r in con.execute("SELECT version FROM meta.schema_migration ORDER BY 1").fetchall()]
        assert versions == [int(name.split("_")[0]) for name in first]
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
        assert {"raw", "staging", "core", "marts", "quality", "meta"} <= schemas


def test_seeds_fill_the_reference_dimensions(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        wh.bootstrap()  # seeds are refreshed, never doubled
        con = wh.cursor()
        assert con.execute("SELECT count(*) FROM core.dim_location").fetchone()[0] == 20
        assert con.execute("SELECT count(*) FROM core.dim_operator").fetchone()[0] == 4
        baku = con.execute("SELECT aliases, timezone FROM core.dim_location WHERE location_code = 'AZBAK'").fetchone()
        assert baku == (["AZALA"], "Asia/Baku")
        altynkol = con.execute("SELECT location_code, esr_code, unlocode FROM core.dim_location WHERE esr_code = '705509'").fetchone()
        assert altynkol == ("ESR705509", "705509", None)


def test_contract_columns_carry_descriptions(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        missing = wh.cursor().execute(
            "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns()"
            " WHERE schema_name IN ('core', 'marts') AND table_name NOT LIKE 'map_%' AND comment IS NULL"
        ).fetchall()
        assert missing == []
