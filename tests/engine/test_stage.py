"""The stage half runs without the warehouse: fetch → parse → validate → Parquet batches, no database."""
from datetime import datetime

import pyarrow.parquet as pq
import pytest

from corridor.config import Settings
from corridor.connectors import Window, feed_registry
from corridor.engine import new_load_id, stage_feed
from corridor.warehouse import Warehouse
from corridor.warehouse.staging import arrow_schema

WINDOW = Window(datetime(2024, 3, 1), datetime(2024, 3, 2))


def test_a_feed_stages_with_the_warehouse_file_absent(sim_env, monkeypatch):
    def no_warehouse(*args, **kwargs):
        raise AssertionError("stage opened the warehouse")

    monkeypatch.setattr(Warehouse, "__init__", no_warehouse)
    settings = Settings()
    feed = feed_registry()[("KTZ", "tracking")]
    staged = stage_feed(settings, feed, WINDOW, new_load_id(feed, datetime(2024, 3, 2)))

    assert staged.error is None and not sim_env.exists() and not sim_env.with_name(sim_env.name + ".wal").exists()
    assert len(staged.batches) == 1 and staged.received > 100
    [batch] = staged.batches
    records = pq.read_table(batch.path("records"))
    rows = pq.read_table(batch.path("rows"))
    quarantined = pq.read_table(batch.path("quarantined"))
    assert records.num_rows == staged.received
    # Every record is a typed row with the staging table's exact schema, or a quarantine verdict.
    assert rows.schema.remove(rows.schema.get_field_index("_record")) == arrow_schema(feed.staging_table)
    assert set(rows.column("_record").to_pylist()) | set(quarantined.column("_record").to_pylist()) \
        <= set(records.column("_record").to_pylist())
    assert all(reasons for reasons in quarantined.column("reasons").to_pylist())
    staged.remove()
    assert not (settings.spool_folder / staged.load_id).exists()


@pytest.mark.parametrize("key", list(feed_registry()), ids=lambda k: f"{k[0]}-{k[1]}")
def test_parse_of_a_real_record_yields_exactly_the_staging_columns(sim_env, key):
    """The staging DDL is the one declaration: what a parser fills is exactly its table's columns, in order."""
    from corridor.connectors import OPERATOR_MODULES, HttpClient

    feed = feed_registry()[key]
    http = HttpClient(f"{key[0]} {key[1]}")
    client = OPERATOR_MODULES[key[0]].CLIENT(Settings(), http)
    try:
        page = next(p for p in feed.fetch(client, WINDOW) if any(not r.refused for r in p.records))
    finally:
        http.close()
    sample = next(r for r in page.records if not r.refused)
    rows = feed.parse(sample.data)
    assert rows and all(list(row) == list(feed.columns) for row in rows)
    assert list(feed.columns) == [c for c in arrow_schema(feed.staging_table).names if c not in ("record_hash", "load_id")]
