"""Prefect flows: the sync of the operators' feeds into the warehouse (Prefect code only; the engine is `corridor.engine`)."""
import logging
import os

# The product talks to nothing but its sources: no telemetry from the Prefect server it may start.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A loaded machine can take longer than Prefect's default 20 s to start its temporary API server.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
# The product's own loggers (HTTP retries, load failures) reach Prefect's logs and the UI.
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "corridor")
# The engine also runs outside a flow (tests, tools): its records then stay local instead of warning.
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
# Their INFO lines too (what each feed staged), not only warnings.
logging.getLogger("corridor").setLevel(logging.INFO)
