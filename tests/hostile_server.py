"""A scripted web server on 127.0.0.1 for hostile-input tests: each path answers with a fixed
status, headers and body, optionally dripping its bytes slowly; every request is counted.

Started by the test itself on an ephemeral port, in a daemon thread, stopped on close (a
dripping answer stops at once when the server closes).
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Route:
    """What one path answers: ``status``, ``headers``, ``body``; ``drip_s`` > 0 sends the
    whole answer (status line and headers too) one byte every ``drip_s`` seconds;
    ``fail_first`` answers 503 (with ``fail_headers``) that many times before the real
    answer."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    drip_s: float = 0.0
    fail_first: int = 0
    fail_headers: dict[str, str] = field(default_factory=dict)


class HostileServer:
    """``server.routes[path] = Route(...)``; ``server.url(path)``; ``server.hits[path]``;
    ``server.arrivals``: when each request came."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.arrivals: list[float] = []  # time.monotonic() of each request, in order
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(32)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = b""
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    chunk = conn.recv(4096)
                    if not chunk:
                        return
                    request += chunk
                path = request.split(b" ", 2)[1].decode("latin-1")
                self.hits[path] += 1
                self.arrivals.append(time.monotonic())
                route = self.routes.get(path, Route(b"not found", 404))
                if self.hits[path] <= route.fail_first:
                    route = Route(b"try later", 503, route.fail_headers)
                head = [f"HTTP/1.1 {route.status} X", f"Content-Length: {len(route.body)}",
                        "Connection: close", *(f"{k}: {v}" for k, v in route.headers.items())]
                data = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + route.body
                if route.drip_s <= 0:
                    conn.sendall(data)
                    return
                for i in range(len(data)):
                    if self._stop.wait(route.drip_s):
                        return
                    conn.sendall(data[i:i + 1])
            except OSError:  # the client hung up
                return


def rss(items: list[tuple[str, str]], title: str = "Hostile Wire") -> bytes:
    """An RSS document whose items are (title, link)."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"{body}</channel></rss>").encode()


def article_text(n: int) -> bytes:
    """A plain news-like article, distinct per ``n``."""
    return (f"Harbour board number {n} approves the new ferry terminal\n\n"
            f"The harbour board voted {n + 3} to 2 on Tuesday to approve the terminal, its chair "
            f"said. Work on the {n + 10}-berth site begins in spring and should end by 2027, "
            "according to the council's plan. Residents raised concerns about traffic on "
            "the coast road during construction.\n").encode()


__all__ = ["HostileServer", "Route", "article_text", "rss"]

def one_line(chars: int, seed: int = 0) -> str:
    """News-like words with no line break and no capital after a full stop (``seed`` draws
    the words, so two such files are not near-duplicates)."""
    words = ("the council said on monday that harbour ferry plans would cost more than "
             "expected according to officials in kessel while residents").split()
    rng = random.Random(seed)
    out, size = [], 0
    while size < chars:
        word = rng.choice(words) + ("." if rng.random() < 0.06 else "")
        out.append(word)
        size += len(word) + 1
    return "Harbour plan " + " ".join(out)
