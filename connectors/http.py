"""The one HTTP boundary: deadlines, bounds, retries with backoff, one origin, errors without secrets.

Everything a hostile or broken source can do to a request is bounded here (docs/reliability.md):
every request has a total deadline and every feed's fetch one too; a body is streamed and refused at
`max_body_bytes`; credentials go only to the operator's origin (same-origin redirects are followed,
another origin fails the feed); a header value with a line break is never sent; every message this
boundary produces has each configured secret, and everything derived from one, replaced by `***`.
Operator modules declare their paging facts and check them with `HttpClient.paging`.
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, quote_plus, urljoin, urlsplit

import requests
import urllib3

from corridor.timeutil import utcnow

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
CHUNK_BYTES = 64 * 1024
REDACTED = "***"


class FeedError(Exception):
    """A feed could not be fetched; the message names the operator and feed and never a secret."""


class CredentialsRefused(FeedError):
    """The source answered 401: retrying cannot help."""


class _Retryable(Exception):
    """One attempt failed in a way another attempt may not (a dropped connection, a request deadline)."""


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


@dataclass(frozen=True)
class Limits:
    """What one request, one response, one record and one feed may take (the `CORRIDOR_*` settings)."""

    request_deadline_seconds: float = 300.0  # CORRIDOR_HTTP_REQUEST_DEADLINE_SECONDS, per attempt, body included
    feed_deadline_seconds: float = 14_400.0  # CORRIDOR_HTTP_FEED_DEADLINE_SECONDS, one feed's whole fetch
    max_body_bytes: int = 256 * 2**20  # CORRIDOR_HTTP_MAX_BODY_BYTES, one response body (decoded)
    max_record_bytes: int = 4 * 2**20  # CORRIDOR_MAX_RECORD_BYTES, one record's raw text: larger is quarantined
    max_pages_per_window: int = 10_000  # CORRIDOR_MAX_PAGES_PER_WINDOW, pages (or parts) of one paging loop

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(settings.http_request_deadline_seconds, settings.http_feed_deadline_seconds,
                   settings.http_max_body_bytes, settings.max_record_bytes, settings.max_pages_per_window)


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


def origin(url: str) -> str:
    """`scheme://host:port` of a URL (the port made explicit), the unit credentials are bound to."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return f"{parts.scheme.lower()}://{(parts.hostname or '').lower()}:{port}"


class HttpClient:
    """A `requests` session wrapper for one feed: deadlines, bounds, retries, one origin, redaction."""

    def __init__(self, label: str, policy: RetryPolicy | None = None, session: requests.Session | None = None,
                 limits: Limits | None = None):
        self.label = label
        self.policy = policy or RetryPolicy()
        self.session = session or requests.Session()
        self.limits = limits or Limits()
        self.origin: str | None = None
        self._secrets: dict[str, str] = {}  # secret value → what it is (a setting's name, never the value)
        self._started: float | None = None

    def close(self) -> None:
        self.session.close()

    # -- binding to one operator ------------------------------------------------------------------

    def bind(self, settings: Any, base_url: str, secrets: Mapping[str, str]) -> HttpClient:
        """Bind to one operator: its origin, its secrets (`CORRIDOR_…` name → value) and the configured limits."""
        self.limits = Limits.from_settings(settings)
        self.origin = origin(base_url)
        for name, value in secrets.items():
            self.secret(name, value)
        return self

    def secret(self, name: str, value: str | None) -> None:
        """Redact `value` (and its encoded forms) from every message; `name` says what it is when refused."""
        if not value:
            return
        forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1],
                 " ".join(value.splitlines())}
        forms |= {line for line in value.splitlines() if len(line) >= 4}
        for form in forms:
            if form:
                self._secrets.setdefault(form, name)

    def redact(self, text: str) -> str:
        """`text` with every secret form replaced by `***`, on one line."""
        for form in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(form, REDACTED)
        return " ".join(text.split())

    def error(self, message: str, kind: type[FeedError] = FeedError) -> FeedError:
        """A FeedError for this feed: labelled, redacted, one line."""
        return kind(self.redact(f"{self.label}: {message}"))

    def excerpt(self, content: bytes, limit: int = 200) -> str:
        """The start of a body for an error message, redacted (a secret is redacted before it is cut)."""
        return self.redact(content[:limit + 4096].decode("utf-8", errors="replace"))[:limit]

    def paging(self, what: str) -> Paging:
        """A guard for one paging loop of `what` (an endpoint): the page cap and cursors never seen twice."""
        return Paging(self, what)

    # -- requests --------------------------------------------------------------------------------

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
        """Send with retries; return a response whose status is in `ok_statuses`, else raise FeedError.

        A 200 must carry a body (every feed answers a document, even for an empty page).
        """
        self._refuse_line_breaks(headers, auth)
        allowed = self.origin or origin(url)
        if origin(url) != allowed:
            raise self.error(f"refused to send credentials to {url}; they are sent only to {allowed}")
        if auth is not None:
            self.secret("the Basic credentials", base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode())
        if self._started is None:
            self._started = time.monotonic()
        feed_deadline = self._started + self.limits.feed_deadline_seconds
        policy = self.policy
        last_problem = ""
        for attempt in range(1, policy.attempts + 1):
            retry_after: float | None = None
            now = time.monotonic()
            if now >= feed_deadline:
                raise self._feed_deadline_passed()
            deadline = min(now + self.limits.request_deadline_seconds, feed_deadline)
            try:
                status, response_headers, content = self._exchange(method, url, params, headers, data, auth,
                                                                   allowed, deadline)
            except _Retryable as exc:
                if time.monotonic() >= feed_deadline:
                    raise self._feed_deadline_passed() from None
                last_problem = str(exc)
            else:
                if status in ok_statuses:
                    if status == 200 and not content:
                        raise self.error(f"HTTP 200 with an empty body for {url}, where a document is required: "
                                         "a broken response")
                    return Fetched(url, dict(params or {}), status, response_headers, content, utcnow())
                if status == 401:
                    raise self.error("the source refused the credentials (HTTP 401)", CredentialsRefused)
                if status not in RETRYABLE_STATUS:
                    raise self.error(f"HTTP {status} for {url}: {self.excerpt(content)}")
                last_problem = f"HTTP {status}"
                retry_after = _retry_after(response_headers.get("Retry-After"))
            if attempt < policy.attempts:
                wait = policy.backoff(attempt, retry_after)
                if time.monotonic() + wait >= feed_deadline:
                    raise self._feed_deadline_passed()
                log.warning("%s: %s, retry %d/%d in %.1fs", self.label, last_problem, attempt, policy.attempts - 1, wait)
                time.sleep(wait)
        raise self.error(f"gave up after {policy.attempts} attempts ({last_problem}) for {url}")

    def _exchange(self, method: str, url: str, params: dict[str, Any] | None, headers: dict[str, str] | None,
                  data: dict[str, str] | None, auth: tuple[str, str] | None, allowed: str,
                  deadline: float) -> tuple[int, Mapping[str, str], bytes]:
        """One attempt: send, follow same-origin redirects, read the body within the deadline and the bound."""
        for _hop in range(MAX_REDIRECTS + 1):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _Retryable(f"request deadline of {self.limits.request_deadline_seconds:g} s passed")
            timeout = (min(self.policy.connect_timeout, remaining), min(self.policy.read_timeout, remaining))
            try:
                response = self.session.request(method, url, params=params, headers=headers, data=data, auth=auth,
                                                timeout=timeout, allow_redirects=False, stream=True)
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise _Retryable(type(exc).__name__) from None
            except requests.RequestException as exc:
                raise self.error(f"request failed ({type(exc).__name__})") from None
            try:
                location = response.headers.get("Location")
                if response.status_code in REDIRECT_STATUS and location:
                    target = urljoin(response.url, location)
                    if origin(target) != allowed:
                        raise self.error(f"{response.url} redirected to another origin ({target}); "
                                         f"credentials are sent only to {allowed}")
                    if response.status_code in (301, 302, 303) and method != "HEAD":
                        method, data = "GET", None  # what every client does: the redirect is fetched
                    url, params = target, None
                    continue
                return response.status_code, response.headers, self._read(response, url, deadline)
            finally:
                response.close()
        raise self.error(f"more than {MAX_REDIRECTS} redirects from {url}")

    def _read(self, response: requests.Response, url: str, deadline: float) -> bytes:
        """The body, in chunks: the deadline checked between them, refused past `max_body_bytes`."""
        limit = self.limits.max_body_bytes
        declared = (response.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise self.error(f"the response for {url} declares {int(declared)} bytes, over the bound of {limit} "
                             "(CORRIDOR_HTTP_MAX_BODY_BYTES)")
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                if time.monotonic() > deadline:
                    raise _Retryable(f"request deadline of {self.limits.request_deadline_seconds:g} s passed "
                                     "while reading the body")
                chunk = response.raw.read1(CHUNK_BYTES, decode_content=True)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > limit:
                    raise self.error(f"the response for {url} is over the bound of {limit} bytes "
                                     "(CORRIDOR_HTTP_MAX_BODY_BYTES); reading stopped there")
                chunks.append(chunk)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            # A short read against Content-Length, a dropped connection or a stalled read: another attempt may do.
            raise _Retryable(type(exc).__name__) from None

    def _refuse_line_breaks(self, headers: Mapping[str, str] | None, auth: tuple[str, str] | None) -> None:
        """A header value with CR/LF would split the request: refused before sending, naming its setting."""
        values = [(name, value) for name, value in (headers or {}).items()]
        values += [("Authorization", part) for part in auth or ()]
        for header, value in values:
            if "\r" in value or "\n" in value:
                what = next((name for form, name in self._secrets.items() if form in value or value in form),
                            f"the {header} header")
                raise self.error(f"{what} contains a line break; the request was not sent")

    def _feed_deadline_passed(self) -> FeedError:
        return self.error(f"the feed's fetch passed its deadline of {self.limits.feed_deadline_seconds:g} s "
                          "(CORRIDOR_HTTP_FEED_DEADLINE_SECONDS)")


class Paging:
    """One paging loop's guard: at most `max_pages_per_window` pages, no cursor twice, a page count required."""

    def __init__(self, http: HttpClient, what: str):
        self.http, self.what = http, what
        self.pages = 0
        self._cursors: set[str] = set()

    @property
    def cap(self) -> int:
        return self.http.limits.max_pages_per_window

    def page(self) -> None:
        """Count one more page (call before fetching it)."""
        self.pages += 1
        if self.pages > self.cap:
            raise self.broken(f"more than {self.cap} pages in one window (CORRIDOR_MAX_PAGES_PER_WINDOW)")

    def cursor(self, cursor: Any) -> None:
        """A next-page cursor; one seen before in this loop means the paging never ends."""
        key = json.dumps(cursor, sort_keys=True, default=str)
        if key in self._cursors:
            raise self.broken(f"the source repeated a cursor after {self.pages} pages: paging that never ends")
        self._cursors.add(key)

    def total(self, value: Any, source: str) -> int:
        """The page (or part) count the source declares: missing, unreadable or over the cap is a broken response."""
        total = None
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
            total = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            total = int(value.strip())
        if total is None or total < 0:
            raise self.broken(f"no readable page count ({source})")
        if total > self.cap:
            raise self.broken(f"{source} declares {total} pages, more than {self.cap} in one window "
                              "(CORRIDOR_MAX_PAGES_PER_WINDOW)")
        return total

    def empty_before_last(self, page: int, total: int) -> FeedError:
        return self.broken(f"page {page} of {total} came back empty")

    def broken(self, reason: str) -> FeedError:
        return self.http.error(f"{self.what}: {reason}; a broken response, nothing of this feed is published")


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
