"""One shared, ephemeral GX context per process (importing GX costs ~3.5 s; nothing is written to disk).

GX's modules import each other circularly: a thread importing one of them while another thread is still
importing GX can find it half-initialised. So `get_context` imports every part of GX this package uses,
under its lock, and the other modules call it before their own (then free) GX imports.
"""
from __future__ import annotations

import os
import threading
from typing import Any

_lock = threading.Lock()
_context: Any = None
_batch_definitions: dict[str, Any] = {}

DATASOURCE = "corridor_staging"


def get_context() -> Any:
    """The process-wide `EphemeralDataContext`, created on first use with Corridor's expectations registered."""
    global _context
    with _lock:
        if _context is None:
            # Belt and braces: GX 1.24 ships no usage-statistics sender, but older/newer builds read this.
            os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
            import great_expectations as gx
            import great_expectations.core.expectation_suite
            import great_expectations.expectations.expectation
            import great_expectations.expectations.expectation_configuration
            import great_expectations.render
            import great_expectations.render.renderer
            import great_expectations.render.view  # noqa: F401  (see the module's docstring)
            from great_expectations.data_context.types.base import (
                DataContextConfig,
                InMemoryStoreBackendDefaults,
                ProgressBarsConfig,
            )

            from corridor.expectations import custom  # noqa: F401  (registers the custom expectations)

            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                analytics_enabled=False,
                progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            )
            context = gx.get_context(mode="ephemeral", project_config=config)
            context.data_sources.add_pandas(DATASOURCE)
            _context = context
        return _context


def batch_definition(suite: str) -> Any:
    """Whole-DataFrame batch definition of the asset named after `suite` (so results name their feed)."""
    context = get_context()
    with _lock:
        if suite not in _batch_definitions:
            asset = context.data_sources.get(DATASOURCE).add_dataframe_asset(suite)
            _batch_definitions[suite] = asset.add_batch_definition_whole_dataframe("whole")
        return _batch_definitions[suite]
