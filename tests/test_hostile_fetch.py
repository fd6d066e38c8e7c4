"""Hostile feeds and broken servers (issue 15, items 1, 3, 4 and the feed cap), each against a
server on 127.0.0.1 that the test starts and stops itself."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from hostile_server import HostileServer, Route, article_text, rss
from manysides.cli import main
from manysides.ingest import fetch, ingest
from manysides.settings import Settings
from manysides.store import Store
from manysides.watch import Watcher

FAST = Settings(http_retries=1, host_delay_s=0.0, http_timeout_s=2.0)
SECRET = "The secret ledger of the harbour board lists every payment made in 2024."


@pytest.fixture
def server() -> HostileServer:
    with HostileServer() as s:
        yield s


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    p = tmp_path / "secret.txt"
    p.write_text(f"Secret ledger\n\n{SECRET} It was never published.\n", encoding="utf-8")
    return p


def _texts(store: Store) -> str:
    return "\n".join(a.text for a in store.iter_articles())


def test_remote_feed_cannot_make_ingest_read_local_files(
    server: HostileServer, secret_file: Path, fresh_store: Store
) -> None:
    server.routes["/good.txt"] = Route(article_text(1), headers={"Content-Type": "text/plain"})
    server.routes["/to-file"] = Route(b"", 302, {"Location": secret_file.as_uri()})
    server.routes["/feed.xml"] = Route(rss([
        ("file link", secret_file.as_uri()),
        ("bare path", str(secret_file)),
        ("redirect to file", server.url("/to-file")),
        ("good", server.url("/good.txt")),
    ]), headers={"Content-Type": "application/rss+xml"})
    report = ingest([server.url("/feed.xml")], fresh_store, settings=FAST)
    assert len(report.new) == 1
    assert SECRET not in _texts(fresh_store)
    reasons = {f.input: f.reason for f in report.failed}
    assert len(reasons) == 3, reasons
    refused = [r for r in reasons.values() if "refused" in r]
    assert len(refused) == 2, reasons
    # a bare path in a fetched feed is relative to the feed's URL: asked of the server
    assert reasons[server.url(str(secret_file))] == "HTTP 404 X"
    assert server.hits["/to-file"] == 1  # a refused redirect is not retried

    # the same file named by the user on the command line is read
    mine = ingest([str(secret_file)], fresh_store, settings=FAST)
    assert len(mine.new) == 1 and SECRET in _texts(fresh_store)


def test_remote_feed_cannot_make_watch_read_local_files(
    server: HostileServer, secret_file: Path, fresh_store: Store
) -> None:
    server.routes["/feed.xml"] = Route(rss([("file link", secret_file.as_uri())]),
                                       headers={"Content-Type": "application/rss+xml"})
    with Watcher(fresh_store, [server.url("/feed.xml")], settings=FAST, update=None) as w:
        poll = w.poll().feeds[0]
    assert poll.stored == [] and "refused" in poll.failed[0].reason
    assert fresh_store.count_articles() == 0


def test_local_feed_the_user_names_may_link_local_files(
    tmp_path: Path, secret_file: Path, fresh_store: Store
) -> None:
    feed = tmp_path / "mine.xml"
    feed.write_bytes(rss([("mine", secret_file.as_uri()), ("relative", "secret.txt")]))
    report = ingest([str(feed)], fresh_store, settings=FAST)
    assert len(report.new) == 1 and not report.failed  # both items are the same article


def test_redirect_loop_and_flaky_url_do_not_lose_the_batch(
    server: HostileServer, tmp_path: Path
) -> None:
    server.routes["/loop/a"] = Route(b"", 302, {"Location": "/loop/b"})
    server.routes["/loop/b"] = Route(b"", 302, {"Location": "/loop/a"})
    server.routes["/flaky.txt"] = Route(article_text(7), fail_first=1,
                                        headers={"Content-Type": "text/plain"})
    items = [(f"item {n}", server.url(f"/a{n}.txt")) for n in range(3)]
    for n in range(3):
        server.routes[f"/a{n}.txt"] = Route(article_text(n), headers={"Content-Type": "text/plain"})
    server.routes["/feed.xml"] = Route(rss(items), headers={"Content-Type": "application/rss+xml"})
    db = f"sqlite:///{tmp_path / 'loop.db'}"
    urls = [server.url("/feed.xml"), server.url("/flaky.txt"), server.url("/loop/a"),
            "http://127.0.0.1:1/refused"]
    result = CliRunner().invoke(main, ["ingest", *urls, "--db", db])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "ingested 4" in result.output
    assert "redirect loop" in result.output and "connection failed" in result.output
    store = Store(db)
    assert store.count_articles() == 4
    failed = {f.input for f in store.failures()}
    store.close()
    assert {server.url("/loop/a"), "http://127.0.0.1:1/refused"} <= failed


def test_slow_drip_server_is_cut_off_by_the_total_deadline(
    server: HostileServer, fresh_store: Store
) -> None:
    # headers and body one byte every 0.2 s: each read is quick, the whole answer is not
    server.routes["/drip.txt"] = Route(article_text(1), drip_s=0.2)
    server.routes["/ok.txt"] = Route(article_text(2), headers={"Content-Type": "text/plain"})
    settings = Settings(http_retries=2, host_delay_s=0.0, http_timeout_s=1.0,
                        http_deadline_s=1.5)
    start = time.monotonic()
    report = ingest([server.url("/drip.txt"), server.url("/ok.txt")], fresh_store,
                    settings=settings)
    elapsed = time.monotonic() - start
    assert elapsed < 6, elapsed
    assert len(report.new) == 1
    assert "total deadline" in report.failed[0].reason
    assert server.hits["/drip.txt"] == 1  # a deadline overrun is not retried


def test_big_feed_is_capped_and_progress_learns_the_total(
    server: HostileServer, fresh_store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    items = [(f"item {n}", server.url(f"/gone/{n}")) for n in range(5000)]
    server.routes["/big.xml"] = Route(rss(items), headers={"Content-Type": "application/rss+xml"})
    more: list[int] = []
    settings = Settings(http_retries=0, host_delay_s=0.0, max_feed_items=20)
    report = ingest([server.url("/big.xml")], fresh_store, settings=settings,
                    on_more=more.append)
    assert len(report.failed) == 20  # each item's page is a 404; only 20 were asked for
    assert sum(server.hits[f"/gone/{n}"] for n in range(5000)) == 20
    assert more == [19]
    assert "5000 items: reading the first 20" in caplog.text


def test_retry_after_is_honoured_and_every_wait_capped(server: HostileServer) -> None:
    server.routes["/busy.txt"] = Route(article_text(3), fail_first=1,
                                       fail_headers={"Retry-After": "1"})
    settings = Settings(http_retries=2, host_delay_s=0.0)
    with fetch.Fetcher(settings) as fetcher:
        start = time.monotonic()
        assert fetcher.get(server.url("/busy.txt")).content == article_text(3)
        assert time.monotonic() - start >= 1.0  # waited as told, not the 0.5 s back-off
    server.routes["/later.txt"] = Route(article_text(4), fail_first=2,
                                        fail_headers={"Retry-After": "3600"})
    with fetch.Fetcher(Settings(http_retries=2, host_delay_s=0.0,
                                http_backoff_max_s=0.2)) as fetcher:
        start = time.monotonic()
        assert fetcher.get(server.url("/later.txt")).content == article_text(4)
        assert time.monotonic() - start < 5  # an hour asked for, the cap waited
    assert server.hits["/later.txt"] == 3


def test_watch_shares_one_politeness_delay_between_feed_and_articles(
    server: HostileServer, fresh_store: Store
) -> None:
    for n in range(2):
        server.routes[f"/w{n}.txt"] = Route(article_text(20 + n),
                                            headers={"Content-Type": "text/plain"})
    server.routes["/feed.xml"] = Route(rss([(f"w{n}", server.url(f"/w{n}.txt"))
                                            for n in range(2)]),
                                       headers={"Content-Type": "application/rss+xml"})
    settings = Settings(http_retries=0, host_delay_s=0.4)
    with Watcher(fresh_store, [server.url("/feed.xml")], settings=settings, update=None) as w:
        assert len(w.poll().feeds[0].stored) == 2
    gaps = [b - a for a, b in zip(server.arrivals, server.arrivals[1:], strict=False)]
    assert len(gaps) == 2 and min(gaps) >= 0.35, gaps  # feed -> item too, not only item -> item
