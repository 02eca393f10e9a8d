"""Connectors: one module per operator (endpoints, auth, paging, parsing), one HTTP boundary."""
from __future__ import annotations

from corridor.connectors import ady, aktau, baku, ktz
from corridor.connectors.base import Feed, Page, RawRecord, Window
from corridor.connectors.http import CredentialsRefused, FeedError, HttpClient, RetryPolicy

__all__ = ["Feed", "Page", "RawRecord", "Window", "FeedError", "CredentialsRefused", "HttpClient", "RetryPolicy",
           "OPERATOR_MODULES", "feed_registry"]

OPERATOR_MODULES = {m.OPERATOR: m for m in (ktz, ady, aktau, baku)}


def feed_registry() -> dict[tuple[str, str], Feed]:
    """Every implemented (operator, feed) → its Feed definition."""
    return {(m.OPERATOR, name): feed for m in OPERATOR_MODULES.values() for name, feed in m.FEEDS.items()}
