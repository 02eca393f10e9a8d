"""Settings from the environment and `.env` (operations.md); secrets are SecretStr and never print.

Every value is checked when the settings are read, so that a bad one is one line naming the variable and
exit status 2 before anything runs (`describe_error`), never a traceback from deep inside a sync.
"""
from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SIMULATOR_PORT = 8700
SIMULATOR_BASE = f"http://127.0.0.1:{SIMULATOR_PORT}"

OPERATORS = ("KTZ", "ADY", "AKTAU_PORT", "BAKU_PORT")
FEEDS = ("cargo", "schedule", "tracking")

# No operator's feed reaches back before this; an earlier date is a typo (0001-01-01), and a window from
# there would be tens of thousands of requests per feed.
EARLIEST_DATE = date(2000, 1, 1)
# DuckDB cannot even bootstrap the warehouse below this (it allocates ~31 MiB blocks).
MIN_MEMORY_LIMIT_BYTES = 64 * 10**6
MAX_MEMORY_LIMIT_BYTES = 2**50
_MEMORY = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[KMGT])(?P<binary>i?)B$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

URL_FIELDS = ("ktz_url", "ady_url", "aktau_url", "baku_url")
SECRET_FIELDS = ("ktz_token", "ady_api_key", "aktau_client_secret", "baku_password")


class ConfigurationError(Exception):
    """The `.env` file cannot be read as settings; the message is one line and never holds a value from it."""


def check_env_file(env_file: Any, encoding: str | None = None) -> None:
    """Refuse a `.env` that pydantic-settings would half-read: bytes that are not text, or a line that is not
    `NAME=value` (python-dotenv would skip it with a warning, and the setting would silently keep its default)."""
    from dotenv.parser import parse_stream

    files = env_file if isinstance(env_file, list | tuple) else [env_file]
    for name in files:
        if name is None or not Path(name).is_file():
            continue
        try:
            raw = Path(name).read_bytes()
        except OSError as exc:
            raise ConfigurationError(f"the settings file {name} cannot be read ({exc.strerror})") from None
        try:
            text = raw.decode(encoding or "utf-8")
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].count(b"\n") + 1
            raise ConfigurationError(f"the settings file {name}: line {line} is not {encoding or 'UTF-8'} text") from None
        for binding in parse_stream(io.StringIO(text)):
            if binding.error:
                raise ConfigurationError(f"the settings file {name}: line {binding.original.line} is not NAME=value"
                                         " (a quote left open?)")


def _latin_1(value: str) -> None:
    """A value sent in an HTTP header (a token, an API key, Basic credentials) must be Latin-1 text."""
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError("has characters an HTTP header cannot carry (only Latin-1 text can be sent)") from None


def finite(default: float, **constraints: Any) -> Any:
    """A float setting that must be a finite number (`inf` and `nan` are refused)."""
    return Field(default=default, allow_inf_nan=False, **constraints)


class Settings(BaseSettings):
    """Everything configurable; URL and credential defaults are the simulator's documented test values."""

    model_config = SettingsConfigDict(env_prefix="CORRIDOR_", env_file=".env", extra="ignore")

    warehouse: Path = Path("data/corridor.duckdb")
    snapshot: Path | None = Field(default=None, description="the analysts' snapshot; default snapshot.duckdb beside the warehouse")
    start: date | None = Field(default=None, description="first sync date on a warehouse without a watermark")
    lookback_minutes: int = Field(default=60, ge=0, le=366 * 24 * 60)
    max_defect_share: float = finite(0.05, ge=0, le=1)
    batch_records: int = Field(default=20_000, ge=1, le=10_000_000)
    write_wait_minutes: float = finite(60, ge=0, le=366 * 24 * 60)
    duckdb_memory_limit: str = Field(default="256MB", pattern=r"^\d+(\.\d+)?\s*[KMGT]i?B$")
    # Limits at the HTTP boundary against a hostile or broken source (docs/reliability.md).
    http_request_deadline_seconds: float = finite(300, gt=0, description="one request attempt, body included")
    http_feed_deadline_seconds: float = finite(14_400, gt=0, description="one feed's whole fetch")
    http_max_body_bytes: int = Field(default=256 * 2**20, ge=1024, le=2**40, description="one response body")
    max_record_bytes: int = Field(default=4 * 2**20, ge=1024, le=2**40,
                                  description="one record's raw text; larger is quarantined")
    max_pages_per_window: int = Field(default=10_000, ge=1, le=10**9, description="pages (or parts) of one paging loop")

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

    # Scale-out, both opt-in (README, "Scale out"): where the stage tasks run, and a DuckLake catalog each
    # sync also publishes to. The catalog string is a secret: a PostgreSQL one may carry a password.
    task_runner: Literal["default", "dask"] = "default"
    dask_address: str | None = Field(default=None, description="an existing Dask scheduler; none: a local cluster")
    ducklake: SecretStr | None = Field(default=None, description="a DuckLake catalog as DuckDB's ATTACH takes it")
    ducklake_data: str | None = Field(default=None, description="the DuckLake catalog's data path")

    def __init__(self, **values: Any) -> None:
        check_env_file(values.get("_env_file", self.model_config.get("env_file")),
                       values.get("_env_file_encoding", self.model_config.get("env_file_encoding")))
        super().__init__(**values)

    # -- checks ----------------------------------------------------------------------------------

    @field_validator("warehouse", "snapshot", mode="before")
    @classmethod
    def _a_file_path(cls, value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip():
                raise ValueError("is empty: give the path of a DuckDB file, e.g. data/corridor.duckdb")
            if value.endswith(("/", "\\")):
                raise ValueError("names a folder, not a file: give the path of a DuckDB file, e.g. data/corridor.duckdb")
            if _CONTROL.search(value):
                raise ValueError("contains a control character")
        return value

    @field_validator("warehouse", "snapshot")
    @classmethod
    def _not_a_folder(cls, value: Path | None) -> Path | None:
        if value is not None and value.is_dir():
            raise ValueError(f"is a folder, not a file: give the path of a DuckDB file in it, e.g. {value / 'x.duckdb'}")
        return value

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, value: date | None) -> date | None:
        if value is None:
            return value
        if value < EARLIEST_DATE:
            raise ValueError(f"is before {EARLIEST_DATE}, earlier than any operator's feed")
        latest = datetime.now(UTC).date() + timedelta(days=1)  # a day's grace for a zone ahead of UTC
        if value > latest:
            raise ValueError("is in the future: the nightly sync would start after now")
        return value

    @field_validator("duckdb_memory_limit")
    @classmethod
    def _memory_in_range(cls, value: str) -> str:
        match = _MEMORY.match(value)
        if match is None:  # the pattern has refused it already
            return value
        power = "KMGT".index(match["unit"]) + 1
        size = float(match["number"]) * (1024 if match["binary"] else 1000) ** power
        if size < MIN_MEMORY_LIMIT_BYTES:
            raise ValueError("is too little: DuckDB needs at least 64MB to build the warehouse")
        if size > MAX_MEMORY_LIMIT_BYTES:
            raise ValueError("is more than DuckDB can take")
        return value

    @field_validator(*URL_FIELDS)
    @classmethod
    def _an_http_url(cls, value: str) -> str:
        if _CONTROL.search(value) or " " in value:
            raise ValueError("contains a space or a control character; give a base URL such as https://host/path")
        try:
            parts = urlsplit(value)
            _ = parts.port  # a port that is no number, or out of range, raises
        except ValueError:
            raise ValueError("is not a URL with a valid port, e.g. https://host:8443/path") from None
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError("is not an http(s) URL with a host, e.g. https://host/path") from None
        if parts.username is not None or parts.password is not None:
            raise ValueError("carries credentials (user:password@): give them in their own settings, never in the URL")
        return value

    @field_validator(*SECRET_FIELDS)
    @classmethod
    def _secret_not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("is empty")
        return value

    @field_validator("ktz_token", "ady_api_key", "baku_password")
    @classmethod
    def _header_text(cls, value: SecretStr) -> SecretStr:
        _latin_1(value.get_secret_value())
        return value

    @field_validator("baku_user")
    @classmethod
    def _header_user(cls, value: str) -> str:
        _latin_1(value)
        return value

    @field_validator("aktau_client_id", "baku_user")
    @classmethod
    def _an_identity(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty")
        if _CONTROL.search(value):
            raise ValueError("contains a line break or another control character")
        return value

    @field_validator("baku_user")
    @classmethod
    def _no_colon(cls, value: str) -> str:
        if ":" in value:
            raise ValueError("contains ':', which Basic authentication cannot carry in a user name")
        return value

    @field_validator("dask_address")
    @classmethod
    def _a_scheduler_address(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^(tcp|tls|ucx|inproc)://[^\s/]+$", value):
            raise ValueError("is not a Dask scheduler address such as tcp://10.0.0.5:8786")
        return value

    @field_validator("ducklake")
    @classmethod
    def _a_ducklake_catalog(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.match(r"^ducklake:(sqlite|postgres|duckdb):\S", value.get_secret_value()):
            raise ValueError("is not a DuckLake catalog such as ducklake:sqlite:/srv/lake/catalog.sqlite"
                             " or ducklake:postgres:dbname=corridor host=…")
        return value

    @model_validator(mode="after")
    def _ducklake_has_its_data_path(self) -> Settings:
        if self.ducklake is not None and not (self.ducklake_data or "").strip():
            raise ValueError("CORRIDOR_DUCKLAKE is set without CORRIDOR_DUCKLAKE_DATA, the path its tables' files go to")
        return self

    @model_validator(mode="after")
    def _snapshot_is_not_the_warehouse(self) -> Settings:
        if self.snapshot_path.absolute() == self.warehouse.absolute():
            raise ValueError("CORRIDOR_SNAPSHOT is the warehouse file itself: each sync would replace the"
                             " warehouse with its snapshot; give the snapshot its own path")
        return self

    # -- derived paths ---------------------------------------------------------------------------

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


def _shown(field: str, value: Any) -> str:
    """A refused value as the error may show it: never a secret, never the user:password of a URL."""
    if field in (*SECRET_FIELDS, "ducklake") or isinstance(value, SecretStr):
        return ""
    text = str(value)
    if field in URL_FIELDS and "@" in text:
        text = re.sub(r"(?<=//)[^/@]*@", "***@", text)
    return f" (got {text[:60]!r})"


def describe_error(exc: ValidationError) -> str:
    """A configuration error in one line naming the variable and what is wrong (never a secret's value)."""
    problems = []
    for error in exc.errors():
        message = " ".join(str(error["msg"]).removeprefix("Value error, ").split())
        if not error.get("loc"):  # a check across settings: its message names them
            problems.append(message)
            continue
        field = str(error["loc"][0])
        value = "" if "input" not in error or isinstance(error["input"], dict) else _shown(field, error["input"])
        problems.append(f"CORRIDOR_{field.upper()} {message}{value}" if error["type"] == "value_error"
                        else f"CORRIDOR_{field.upper()}: {message}{value}")
    return "; ".join(problems)
