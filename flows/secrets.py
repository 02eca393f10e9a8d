"""Secrets on a Prefect worker: the environment (or `.env`) first, else the Prefect `Secret` block of the same secret."""
from __future__ import annotations

import os

from pydantic import SecretStr

from corridor.config import Settings

# Settings field → the Secret block that may hold it (operations.md, Configuration).
SECRET_BLOCKS = {
    "ktz_token": "corridor-ktz-token",
    "ady_api_key": "corridor-ady-api-key",
    "aktau_client_secret": "corridor-aktau-client-secret",
    "baku_password": "corridor-baku-password",
}


def runtime_settings() -> Settings:
    """The settings where a secret is used: an environment variable wins; under a server, a Secret block fills in."""
    settings = Settings()
    if not os.environ.get("PREFECT_API_URL"):
        return settings
    from prefect.blocks.system import Secret

    updates = {}
    for field, block in SECRET_BLOCKS.items():
        if field in settings.model_fields_set:  # set by the environment or .env
            continue
        try:
            updates[field] = SecretStr(Secret.load(block).get())
        except ValueError:  # no such block: the default stands
            continue
    return settings.model_copy(update=updates) if updates else settings
