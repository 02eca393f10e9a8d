"""Settings from the environment and `.env` (operations.md); secrets are SecretStr and never print."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

SIMULATOR_PORT = 8700
SIMULATOR_BASE = f"http://127.0.0.1:{SIMULATOR_PORT}"

OPERATORS = ("KTZ", "ADY", "AKTAU_PORT", "BAKU_PORT")
FEEDS = ("cargo", "schedule", "tracking")


class Settings(BaseSettings):
    """Everything configurable; URL and credential defaults are the simulator's documented test values."""

    model_config = SettingsConfigDict(env_prefix="CORRIDOR_", env_file=".env", extra="ignore")

    warehouse: Path = Path("data/corridor.duckdb")
    snapshot: Path | None = Field(default=None, description="the analysts' snapshot; default snapshot.duckdb beside the warehouse")
    start: date | None = Field(default=None, description="first sync date on a warehouse without a watermark")
    lookback_minutes: int = Field(default=60, ge=0)
    max_defect_share: float = Field(default=0.05, ge=0, le=1)
    batch_records: int = Field(default=20_000, ge=1)
    write_wait_minutes: float = Field(default=60, ge=0)
    duckdb_memory_limit: str = Field(default="256MB", pattern=r"^\d+(\.\d+)?\s*[KMGT]i?B$")
    # Limits at the HTTP boundary against a hostile or broken source (docs/reliability.md).
    http_request_deadline_seconds: float = Field(default=300, gt=0, description="one request attempt, body included")
    http_feed_deadline_seconds: float = Field(default=14_400, gt=0, description="one feed's whole fetch")
    http_max_body_bytes: int = Field(default=256 * 2**20, ge=1024, description="one response body")
    max_record_bytes: int = Field(default=4 * 2**20, ge=1024, description="one record's raw text; larger is quarantined")
    max_pages_per_window: int = Field(default=10_000, ge=1, description="pages (or parts) of one paging loop")

    ktz_url: str = f"{SIMULATOR_BASE}/ktz"
    ktz_token: SecretStr = SecretStr("ktz-sim-token")
    ady_url: str = f"{SIMULATOR_BASE}/ady"
    ady_api_key: SecretStr = SecretStr("ady-sim-key")
    aktau_url: str = f"{SIMULATOR_BASE}/aktau"
    aktau_client_id: str = "corridor-sim"
    aktau_client_secret: SecretStr = SecretStr("aktau-sim-secret")
    baku_url: str = f"{SIMULATOR_BASE}/baku"
    baku_user: str = "corridor-sim"
    baku_password: SecretStr = SecretStr("baku-sim-password")

    @property
    def snapshot_path(self) -> Path:
        """Where analysts read: `CORRIDOR_SNAPSHOT`, else `snapshot.duckdb` beside the warehouse file."""
        return self.snapshot or self.warehouse.parent / "snapshot.duckdb"

    @property
    def docs_folder(self) -> Path:
        """Data Docs live beside the warehouse file."""
        return self.warehouse.parent / "docs"

    @property
    def spool_folder(self) -> Path:
        """Staged batches wait here, beside the warehouse file, until published."""
        return self.warehouse.parent / "spool"

    def start_date(self, today: date) -> date:
        return self.start or today - timedelta(days=7)

    def with_simulator(self, base_url: str) -> Settings:
        """The same settings pointed at a simulator listening at `base_url`."""
        return self.model_copy(update={f"{op}_url": f"{base_url}/{op}" for op in ("ktz", "ady", "aktau", "baku")})


def describe_error(exc: ValidationError) -> str:
    """A configuration error in one line naming the variable and what is wrong (never a secret's value)."""
    problems = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error.get("loc") else "?"
        secret = Settings.model_fields.get(field) is not None and Settings.model_fields[field].annotation is SecretStr
        value = "" if secret or "input" not in error else f" (got {str(error['input'])[:60]!r})"
        problems.append(f"CORRIDOR_{field.upper()}: {error['msg']}{value}")
    return "; ".join(problems)
