"""The one HTTP boundary: timeouts on every request, retries with backoff, errors without secrets."""
from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from corridor.timeutil import utcnow

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class FeedError(Exception):
    """A feed could not be fetched; the message names the operator and feed and never a secret."""


class CredentialsRefused(FeedError):
    """The source answered 401: retrying cannot help."""


@dataclass(frozen=True)
class RetryPolicy:
    """At least 5 attempts over at least 30 s (feeds.md), each wait ≥ the server's Retry-After."""

    attempts: int = 6
    base_seconds: float = 1.0
    max_wait_seconds: float = 60.0
    connect_timeout: float = 10.0
    read_timeout: float = 60.0

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        wait = min(self.max_wait_seconds, self.base_seconds * 2 ** (attempt - 1))
        wait *= 1 + random.random() * 0.25  # jitter, so concurrent clients don't retry in lockstep
        return max(wait, retry_after or 0.0)


@dataclass
class Fetched:
    """One HTTP response body with the request facts that raw landing records (no secrets)."""

    url: str
    params: dict[str, Any]
    status: int
    headers: Mapping[str, str]
    content: bytes
    fetched_utc: datetime
    content_hash: str = field(init=False)

    def __post_init__(self) -> None:
        self.content_hash = hashlib.sha256(self.content).hexdigest()


class HttpClient:
    """A `requests` session wrapper: every call has timeouts and the same retry policy."""

    def __init__(self, label: str, policy: RetryPolicy | None = None, session: requests.Session | None = None):
        self.label = label
        self.policy = policy or RetryPolicy()
        self.session = session or requests.Session()

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        ok_statuses: frozenset[int] = frozenset({200}),
    ) -> Fetched:
        """Send with retries; return a response whose status is in `ok_statuses`, else raise FeedError."""
        policy = self.policy
        last_problem = ""
        for attempt in range(1, policy.attempts + 1):
            retry_after: float | None = None
            try:
                response = self.session.request(
                    method, url, params=params, headers=headers, data=data, auth=auth,
                    timeout=(policy.connect_timeout, policy.read_timeout),
                )
                content = response.content  # reads the whole body: a dropped connection raises here
            except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
                last_problem = f"{type(exc).__name__}"
            else:
                status = response.status_code
                if status in ok_statuses:
                    return Fetched(url, dict(params or {}), status, response.headers, content,
                                   utcnow())
                if status == 401:
                    raise CredentialsRefused(f"{self.label}: the source refused the credentials (HTTP 401)")
                if status not in RETRYABLE_STATUS:
                    raise FeedError(f"{self.label}: HTTP {status} for {url}: {_excerpt(content)}")
                last_problem = f"HTTP {status}"
                retry_after = _retry_after(response.headers.get("Retry-After"))
            if attempt < policy.attempts:
                wait = policy.backoff(attempt, retry_after)
                log.warning("%s: %s, retry %d/%d in %.1fs", self.label, last_problem, attempt, policy.attempts - 1, wait)
                time.sleep(wait)
        raise FeedError(f"{self.label}: gave up after {policy.attempts} attempts ({last_problem}) for {url}")


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _excerpt(content: bytes, limit: int = 200) -> str:
    return content[:limit].decode("utf-8", errors="replace").replace("\n", " ")
