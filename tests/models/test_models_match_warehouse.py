"""The contract test: a freshly migrated warehouse equals the models exactly, and the comparison that says so
reports a planted disagreement of type, nullability or key."""
import pytest
from sqlalchemy import MetaData

from corridor.models import contract_tables, qualified_name
from corridor.models.compare import contract_differences
from corridor.models.contract import DimLocation, DimOperator, FactConsignment
from corridor.warehouse import Warehouse
from corridor.warehouse.checks import run_warehouse_checks, unique_check_name, unique_checks_sql


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """One freshly bootstrapped warehouse for the module; tests that alter it do so in a rolled-back transaction."""
    path = tmp_path_factory.mktemp("contract") / "w.duckdb"
    with Warehouse(path) as wh:
        wh.bootstrap()
        yield wh


@pytest.fixture
def planted(migrated):
    """A cursor in a transaction that is rolled back afterwards: plant DDL changes in it freely."""
    con = migrated.cursor()
    con.begin()
    yield con
    con.rollback()
    con.close()


def test_a_freshly_migrated_warehouse_equals_the_models(migrated):
    assert contract_differences(migrated.cursor()) == []


def test_every_grain_without_a_ddl_key_is_checked_by_its_generated_check(migrated):
    # The fact and mart tables declare no PRIMARY KEY in their migrations, by design: a duplicate is reported by
    # the generated unique check after every sync (failing the run, keeping the rows) rather than aborting a
    # load's or rebuild's transaction half-way; quality.quarantine cannot declare one (nullable grain members).
    # quality.validation_run is the checks' own log and is not checked at run time; its check is run here.
    con = migrated.cursor()
    unkeyed = [t for t in contract_tables() if not t.info["ddl_key"]]
    assert con.execute(unique_checks_sql(unkeyed)).fetchall() == sorted((unique_check_name(t), 0, 0) for t in unkeyed)
    run_time = {name for name, _, _ in run_warehouse_checks(con)}
    assert {unique_check_name(t) for t in unkeyed if qualified_name(t) != "quality.validation_run"} <= run_time


def test_a_planted_type_is_reported(planted):
    planted.execute("ALTER TABLE marts.port_dwell_monthly ALTER COLUMN moves SET DATA TYPE INTEGER")
    assert contract_differences(planted) == [
        "marts.port_dwell_monthly.moves: type INTEGER in the warehouse, BIGINT in the models"]


def test_a_planted_nullability_is_reported_either_way(planted):
    planted.execute("ALTER TABLE quality.quarantine ALTER COLUMN source_record_id SET NOT NULL")
    planted.execute("ALTER TABLE marts.container_transit ALTER COLUMN departed_utc DROP NOT NULL")  # as before 013
    assert contract_differences(planted) == [
        "marts.container_transit.departed_utc: nullable in the warehouse, NOT NULL in the models",
        "quality.quarantine.source_record_id: NOT NULL in the warehouse, nullable in the models",
    ]


def test_a_planted_key_is_reported(planted):
    planted.execute("ALTER TABLE core.fact_vessel_call_version ADD PRIMARY KEY (call_id)")
    planted.execute("DROP TABLE core.dim_operator")
    planted.execute("CREATE TABLE core.dim_operator (operator_code VARCHAR NOT NULL, name VARCHAR NOT NULL,"
                    " country_code VARCHAR NOT NULL, operator_type VARCHAR NOT NULL, PRIMARY KEY (operator_code, name))")
    assert contract_differences(planted) == [
        "core.dim_operator: PRIMARY KEY (operator_code, name) in the warehouse, PRIMARY KEY (operator_code) in the models",
        "core.fact_vessel_call_version: PRIMARY KEY (call_id) in the warehouse, no primary key in the models"
        " (grain not declared as the DDL's key)",
    ]


def test_a_missing_or_reordered_column_and_an_unmodelled_table_are_reported(planted):
    planted.execute("ALTER TABLE meta.load DROP COLUMN error")
    planted.execute("DROP TABLE core.dim_operator")
    planted.execute("CREATE TABLE core.dim_operator (name VARCHAR NOT NULL, operator_code VARCHAR PRIMARY KEY,"
                    " country_code VARCHAR NOT NULL, operator_type VARCHAR NOT NULL)")
    planted.execute("CREATE TABLE marts.unmodelled_example (container_no VARCHAR)")
    assert contract_differences(planted) == [
        "marts.unmodelled_example: in the warehouse, not in the models",
        "core.dim_operator: column order (name, operator_code, country_code, operator_type) in the warehouse,"
        " (operator_code, name, country_code, operator_type) in the models",
        "meta.load.error: in the models, not in the warehouse",
    ]


def _model_copy(model):
    """A detached copy of a model's table, to alter without touching the models."""
    return model.__table__.to_metadata(MetaData())


def test_an_altered_model_copy_is_reported(migrated):
    location = _model_copy(DimLocation)
    location.c.name.info = {**location.c.name.info, "duckdb_type": "VARCHAR[]"}
    location.c.esr_code.nullable = False
    operator = _model_copy(DimOperator)
    operator.info = {**operator.info, "ddl_key": False}
    consignment = _model_copy(FactConsignment)
    consignment.info = {**consignment.info, "ddl_key": True}
    assert contract_differences(migrated.cursor(), [location, operator, consignment]) == [
        "core.dim_location.name: type VARCHAR in the warehouse, VARCHAR[] in the models",
        "core.dim_location.esr_code: nullable in the warehouse, NOT NULL in the models",
        "core.dim_operator: PRIMARY KEY (operator_code) in the warehouse, no primary key in the models"
        " (grain not declared as the DDL's key)",
        "core.fact_consignment: no primary key in the warehouse, PRIMARY KEY (waybill_no) in the models",
    ]
