"""The one HTTP fetcher of manysides (ingest and ``watch`` alike): only ``http``/``https``,
retries with capped back-off and ``Retry-After``, a total deadline per request, a body size
limit, a User-Agent, and a delay between two requests to the same host.

:class:`Fetcher` wraps one ``httpx.Client``; every failure (error status, time-out, refused
connection, redirect loop, redirect to a ``file://`` URL, a server that drips its answer) becomes
a :class:`FetchError` whose message names the reason ("HTTP 404 Not Found", "no complete answer
within 60 s").  Redirects are followed here, one hop at a time, so each hop's scheme is checked.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from manysides.errors import FetchError
from manysides.settings import Settings

logger = logging.getLogger(__name__)

WEB_SCHEMES = frozenset({"http", "https"})
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})


@dataclass
class Fetched:
    """A fetched resource: final URL (after redirects), body bytes, content type; ``status``
    304 (empty body) answers a conditional GET whose validators still match."""

    url: str
    content: bytes
    content_type: str
    encoding: str | None = None
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None


def is_web_url(url: str) -> bool:
    """True for ``http://`` and ``https://`` URLs: all a remote document may point to."""
    return urlsplit(url).scheme.lower() in WEB_SCHEMES


class Fetcher:
    """Fetch URLs politely; use as a context manager (``with Fetcher(settings) as f:``).

    One fetcher shared by every request of a run keeps the per-host delay across feeds and
    their articles.  Thread-safe.
    """

    def __init__(self, settings: Settings, *, transport: httpx.BaseTransport | None = None,
                 accept: str = "*/*") -> None:
        self.settings = settings
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.http_timeout_s),
            headers={"User-Agent": settings.user_agent, "Accept": accept},
            follow_redirects=False,  # followed in _get_once, each hop checked
            # a fresh connection per request, so the deadline watchdog sees its socket
            limits=httpx.Limits(max_keepalive_connections=0),
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

    def get(self, url: str, *, headers: dict[str, str] | None = None) -> Fetched:
        """GET ``url``: the body, or :class:`FetchError` after the retries are spent.

        Retried: time-outs, connection errors and statuses 408/425/429/5xx (``Retry-After``
        honoured, every wait capped at 30 s).  Not retried: other 4xx, a body over
        ``max_file_bytes``, a redirect loop or one to a non-web URL, a request past its total
        deadline (``http_deadline_s``: connect, redirects and every read together).
        """
        if not is_web_url(url):
            raise FetchError(f"not an http(s) URL: {url[:200]}")
        tries = max(1, self.settings.http_retries + 1)
        last_error = "no attempt made"
        for attempt in range(tries):
            retry_after: float | None = None
            try:
                return self._get_once(url, headers or {})
            except _Retryable as exc:
                last_error, retry_after = str(exc), exc.retry_after
            if attempt + 1 < tries:
                delay = self.settings.http_backoff_base_s * 2**attempt
                if retry_after is not None:
                    delay = max(delay, retry_after)
                delay = min(delay, self.settings.http_backoff_max_s)
                logger.info("%s: %s; retry %d/%d in %.1f s", url, last_error, attempt + 1,
                            tries - 1, delay)
                time.sleep(delay)
        suffix = f" ({tries} tries)" if tries > 1 else ""
        raise FetchError(last_error + suffix)

    def _get_once(self, url: str, headers: dict[str, str]) -> Fetched:
        """One try: follow up to ``http_max_redirects`` redirects within one deadline."""
        deadline_s = self.settings.http_deadline_s
        watchdog = _Watchdog(deadline_s)
        seen = {url}
        try:
            for _hop in range(self.settings.http_max_redirects + 1):
                self._wait_for_host(urlsplit(url).netloc)
                try:
                    result = self._request(url, headers, watchdog)
                except httpx.TimeoutException as exc:
                    if watchdog.fired:
                        raise _deadline_error(deadline_s) from exc
                    raise _Retryable(f"timed out after {self.settings.http_timeout_s:g} s",
                                     None) from exc
                except httpx.TransportError as exc:
                    if watchdog.fired:
                        raise _deadline_error(deadline_s) from exc
                    raise _Retryable(f"connection failed: {exc or type(exc).__name__}",
                                     None) from exc
                except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
                    raise FetchError(f"request failed: {exc or type(exc).__name__}") from exc
                if isinstance(result, Fetched):
                    return result
                target = urljoin(url, result)
                if not is_web_url(target):
                    raise FetchError(f"redirect to a non-web URL refused: {target[:200]}")
                if target in seen:
                    raise FetchError(f"redirect loop ({url} -> {target})")
                seen.add(target)
                url = target
            raise FetchError(f"too many redirects (over {self.settings.http_max_redirects})")
        finally:
            watchdog.cancel()

    def _request(self, url: str, headers: dict[str, str], watchdog: _Watchdog) -> Fetched | str:
        """The answer at ``url``, or the ``Location`` it redirects to."""
        limit = self.settings.max_file_bytes
        with self._client.stream("GET", url, headers=headers,
                                 extensions={"trace": watchdog.trace}) as response:
            status = response.status_code
            if status in REDIRECT_STATUS and response.headers.get("location"):
                return response.headers["location"]
            if status in RETRY_STATUS:
                raise _Retryable(f"HTTP {status} {response.reason_phrase}".strip(),
                                 _retry_after(response.headers.get("retry-after")))
            if status >= 400 or status in REDIRECT_STATUS:
                raise FetchError(f"HTTP {status} {response.reason_phrase}".strip(), status=status)
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise FetchError(f"response is {int(declared)} bytes, over the limit of {limit}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    raise FetchError(f"response is over the limit of {limit} bytes")
                if watchdog.expired():
                    raise _deadline_error(self.settings.http_deadline_s)
                chunks.append(chunk)
            return Fetched(
                url=str(response.url),
                content=b"".join(chunks),
                content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                encoding=response.charset_encoding,
                status=status,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )


class _Watchdog:
    """Ends a request at its deadline, whatever it waits for: at ``seconds`` after creation it
    shuts the sockets the request opened (seen through httpcore's ``trace`` extension), so a
    server that drips its headers or body a byte at a time cannot hold a read open."""

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._end = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def expired(self) -> bool:
        return self.fired or time.monotonic() >= self._end

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event not in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            fired = self.fired
        if fired:
            _shutdown(sock)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shutdown(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


def _deadline_error(seconds: float) -> FetchError:
    return FetchError(f"no complete answer within {seconds:g} s (total deadline)")


class _Retryable(Exception):
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
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())
