"""SQLModel descriptions of the warehouse contract tables (warehouse.md): names, types, meanings.

The DDL lives in `warehouse/migrations`; a test proves these models and the live warehouse agree,
and the bootstrap writes the descriptions into the warehouse as DuckDB column comments.
"""
from corridor.models.contract import CONTRACT_MODELS, column_comments

__all__ = ["CONTRACT_MODELS", "column_comments"]
