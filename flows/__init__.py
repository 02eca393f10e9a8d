"""Prefect flows: the sync of the operators' feeds into the warehouse (Prefect code only; the engine is `corridor.engine`)."""
import os

# The product talks to nothing but its sources: no telemetry from the Prefect server it may start.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# A loaded machine can take longer than Prefect's default 20 s to start its temporary API server.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
