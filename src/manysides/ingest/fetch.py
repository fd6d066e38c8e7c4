"""Polite HTTP fetching for ingest: timeouts, retries with back-off, a User-Agent, and a
delay between two requests to the same host.

:class:`Fetcher` wraps one ``httpx.Client``; every failure becomes a :class:`FetchError` whose
message names the reason ("timed out after 15.0 s", "HTTP 404 Not Found").
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import httpx

from manysides.errors import FetchError
from manysides.settings import Settings

logger = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
BACKOFF_BASE_S = 0.5  # waits 0.5 s, 1 s, 2 s, ... between tries
BACKOFF_MAX_S = 30.0


@dataclass
class Fetched:
    """A fetched resource: final URL (after redirects), body bytes, content type."""

    url: str
    content: bytes
    content_type: str
    encoding: str | None = None


class Fetcher:
    """Fetch URLs politely; use as a context manager (``with Fetcher(settings) as f:``)."""

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout_s),
            headers={"User-Agent": settings.user_agent, "Accept": "*/*"},
            follow_redirects=True,
            transport=transport,
        )
        self._last_request: dict[str, float] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def _wait_for_host(self, host: str) -> None:
        """Sleep until ``host_delay_s`` has passed since the last request to ``host``."""
        with self._lock:
            last = self._last_request.get(host)
            now = time.monotonic()
            wait = 0.0 if last is None else self.settings.host_delay_s - (now - last)
            self._last_request[host] = now + max(wait, 0.0)
        if wait > 0:
            logger.debug("waiting %.2f s before the next request to %s", wait, host)
            time.sleep(wait)

    def get(self, url: str) -> Fetched:
        """GET ``url``: the body, or :class:`FetchError` after the retries are spent.

        Retried: time-outs, connection errors and statuses 408/425/429/5xx (``Retry-After``
        honoured up to 30 s).  Not retried: other 4xx.  A body over ``max_file_bytes`` fails.
        """
        host = urlsplit(url).netloc
        tries = max(1, self.settings.http_retries + 1)
        last_error = "no attempt made"
        for attempt in range(tries):
            self._wait_for_host(host)
            retry_after: float | None = None
            try:
                return self._get_once(url)
            except httpx.TimeoutException:
                last_error = f"timed out after {self.settings.http_timeout_s:g} s"
            except httpx.TransportError as exc:
                last_error = f"connection failed: {exc or type(exc).__name__}"
            except _RetryableStatus as exc:
                last_error, retry_after = str(exc), exc.retry_after
            if attempt + 1 < tries:
                delay = min(BACKOFF_BASE_S * 2**attempt, BACKOFF_MAX_S)
                if retry_after is not None:
                    delay = min(max(delay, retry_after), BACKOFF_MAX_S)
                logger.info("%s: %s; retry %d/%d in %.1f s", url, last_error, attempt + 1,
                            tries - 1, delay)
                time.sleep(delay)
        suffix = f" ({tries} tries)" if tries > 1 else ""
        raise FetchError(last_error + suffix)

    def _get_once(self, url: str) -> Fetched:
        limit = self.settings.max_file_bytes
        with self._client.stream("GET", url) as response:
            status = response.status_code
            if status in RETRY_STATUS:
                raise _RetryableStatus(
                    f"HTTP {status} {response.reason_phrase}".strip(),
                    _retry_after(response.headers.get("retry-after")),
                )
            if status >= 400:
                raise FetchError(f"HTTP {status} {response.reason_phrase}".strip())
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(f"response is {int(declared)} bytes, over the limit of {limit}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"response is over the limit of {limit} bytes")
                chunks.append(chunk)
            return Fetched(
                url=str(response.url),
                content=b"".join(chunks),
                content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                encoding=response.charset_encoding,
            )


class _RetryableStatus(Exception):
    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
