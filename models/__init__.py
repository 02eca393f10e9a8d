"""The warehouse contract (warehouse.md), declared once as SQLModel classes: columns, exact types,
nullability, descriptions with units, and each table's grain.

The DDL lives in the hand-written `warehouse/migrations`; `corridor.models.compare` proves a freshly
migrated warehouse equals these models, the bootstrap writes the descriptions as DuckDB comments,
`corridor.warehouse.checks` generates the unique-key checks from the grains, and
`python -m corridor.models.dictionary` writes the data dictionary `docs/warehouse.md`.
"""
from corridor.models.contract import (
    CONTRACT_MODELS,
    INTERNAL_TABLES,
    KINDS,
    WHOLLY_CONTRACT_SCHEMAS,
    column_comments,
    comments,
    contract_tables,
    duckdb_type,
    grain,
    grain_text,
    qualified_name,
    table_comment,
)

__all__ = [
    "CONTRACT_MODELS", "INTERNAL_TABLES", "KINDS", "WHOLLY_CONTRACT_SCHEMAS", "column_comments", "comments",
    "contract_tables", "duckdb_type", "grain", "grain_text", "qualified_name", "table_comment",
]
