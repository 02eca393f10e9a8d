"""The SQLModel contract models and the live warehouse agree on tables, columns and types."""
from sqlalchemy import ARRAY, BigInteger, Boolean, Date, DateTime, Double, Integer, Numeric, String

from corridor.models import CONTRACT_MODELS
from corridor.warehouse import Warehouse


def _duckdb_type(sa_type) -> str:
    if isinstance(sa_type, ARRAY):
        return "VARCHAR[]"
    if isinstance(sa_type, Numeric) and not isinstance(sa_type, Double):
        return f"DECIMAL({sa_type.precision},{sa_type.scale})"
    for cls, name in ((BigInteger, "BIGINT"), (Integer, "INTEGER"), (Double, "DOUBLE"), (Boolean, "BOOLEAN"),
                      (DateTime, "TIMESTAMP"), (Date, "DATE"), (String, "VARCHAR")):
        if isinstance(sa_type, cls):
            return name
    raise AssertionError(f"unmapped type {sa_type!r}")


def test_models_and_warehouse_agree(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        con = wh.cursor()
        for model in CONTRACT_MODELS:
            table = model.__table__
            live = con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?"
                " ORDER BY column_index", [table.schema, table.name]
            ).fetchall()
            expected = [(c.name, _duckdb_type(c.type)) for c in table.columns]
            assert live == expected, f"{table.schema}.{table.name}"


def test_every_contract_table_is_modelled(tmp_path):
    with Warehouse(tmp_path / "w.duckdb") as wh:
        wh.bootstrap()
        live = {
            f"{s}.{t}" for s, t in wh.cursor().execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('core', 'marts')"
                " OR (schema_name, table_name) IN (('quality', 'quarantine'), ('quality', 'validation_run'), ('meta', 'load'))"
            ).fetchall()
        }
    modelled = {f"{m.__table__.schema}.{m.__table__.name}" for m in CONTRACT_MODELS}
    assert live - {"core.map_event_type"} == modelled
