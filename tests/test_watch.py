"""``manysides watch``: polling feeds served by a local HTTP server that changes between polls.

Conditional GET (304), a feed that is down (refused, 503, 404) while the others go on, items
that fail and are retried then given up, a kill mid-poll and a restart that loses nothing, and
the real pipeline end to end through the CLI.
"""

from __future__ import annotations

import hashlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from manysides.cli import main
from manysides.settings import Settings
from manysides.store import Store
from manysides.watch import (
    Watcher,
    parse_interval,
    read_feeds_file,
)

FAST = Settings(http_retries=1, host_delay_s=0.0, http_timeout_s=5.0)
ARTICLES = sorted((SAMPLE / "articles").glob("*.txt"))


class FeedServer:
    """A local web server whose documents (path -> (bytes, content type)) tests change."""

    def __init__(self) -> None:
        self.docs: dict[str, tuple[bytes, str]] = {}
        self.requests: list[tuple[str, str | None, int]] = []  # path, If-None-Match, status
        self.fail: dict[str, int] = {}  # path -> error status to answer
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                inm = self.headers.get("If-None-Match")
                status = server.fail.get(self.path)
                doc = server.docs.get(self.path)
                if status is None and doc is None:
                    status = 404
                if status is not None:
                    server.requests.append((self.path, inm, status))
                    self.send_response(status)
                    self.end_headers()
                else:
                    etag = '"' + hashlib.sha1(doc[0]).hexdigest()[:16] + '"'
                    status = 304 if inm == etag else 200
                    server.requests.append((self.path, inm, status))  # before the client sees it
                    self.send_response(status)
                    self.send_header("ETag", etag)
                    if status == 200:
                        self.send_header("Content-Type", doc[1])
                        self.send_header("Content-Length", str(len(doc[0])))
                    self.end_headers()
                    if status == 200:
                        self.wfile.write(doc[0])

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def publish(self, feed_path: str, article_files: list[Path], *, broken: int = 0) -> None:
        """An RSS feed at ``feed_path`` whose items link to these articles (served as text);
        plus ``broken`` items whose links answer 404."""
        items = []
        for f in article_files:
            path = f"/articles/{f.name}"
            self.docs[path] = (f.read_bytes(), "text/plain; charset=utf-8")
            items.append(f"<item><title>{f.stem}</title><link>{self.base}{path}</link>"
                         f"<guid>{f.stem}</guid></item>")
        for k in range(broken):
            items.append(f"<item><title>gone {k}</title><link>{self.base}/gone/{k}.txt</link>"
                         "</item>")
        rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
               f"<link>{self.base}/</link>{''.join(items)}</channel></rss>")
        self.docs[feed_path] = (rss.encode(), "application/rss+xml")

    def hits(self, prefix: str) -> list[tuple[str, str | None, int]]:
        return [r for r in self.requests if r[0].startswith(prefix)]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> FeedServer:
    s = FeedServer()
    yield s
    s.close()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'watch.db'}"


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"  # nothing listens there now


def test_parse_interval_and_feeds_file(tmp_path: Path) -> None:
    assert parse_interval("10m") == 600 and parse_interval("90s") == 90
    assert parse_interval("1.5h") == 5400 and parse_interval("30") == 30
    for bad in ("", "10x", "-1m", "0", "m"):
        with pytest.raises(ValueError):
            parse_interval(bad)
    f = tmp_path / "feeds.txt"
    f.write_text("# my feeds\nhttp://a/feed.xml\n\n  http://b/rss  # inline comment\n"
                 "http://a/feed.xml\n/local/feed.xml\n")
    assert read_feeds_file(f) == ["http://a/feed.xml", "http://b/rss", "/local/feed.xml"]


def test_new_items_then_304_then_changed_feed(server: FeedServer, db: str) -> None:
    server.publish("/feed.xml", ARTICLES[:2])
    feed = server.base + "/feed.xml"
    store = Store(db)
    with Watcher(store, [feed], settings=FAST, update=None) as w:
        first = w.poll().feeds[0]
        assert first.status == "ok" and len(first.stored) == 2 and not first.failed
        assert store.count_articles() == 2
        assert {a.url for a in store.iter_articles()} == {
            f"{server.base}/articles/{f.name}" for f in ARTICLES[:2]}

        second = w.poll().feeds[0]  # unchanged: the server answers 304, no item is fetched
        assert second.status == "not_modified" and second.stored == []
        assert server.hits("/feed.xml")[-1][1] is not None
        assert server.hits("/feed.xml")[-1][2] == 304
        assert len(server.hits("/articles/")) == 2

        server.publish("/feed.xml", ARTICLES[:3])  # one new item
        third = w.poll().feeds[0]
        assert third.status == "ok" and len(third.stored) == 1 and third.skipped == 2
        assert len(server.hits("/articles/")) == 3  # only the new item's page was fetched
    assert store.count_articles() == 3
    state = store.feed_state(feed)
    assert state.etag and state.last_status == 200 and state.errors == 0


def test_feed_down_is_logged_and_others_go_on(server: FeedServer, db: str) -> None:
    server.publish("/good.xml", ARTICLES[:1])
    server.fail["/busy.xml"] = 503
    refused, busy, gone, good = (closed_port_url(), server.base + "/busy.xml",
                                 server.base + "/gone.xml", server.base + "/good.xml")
    store = Store(db)
    with Watcher(store, [refused, busy, gone, good], settings=FAST, update=None) as w:
        polls = {p.feed: p for p in w.poll().feeds}
    assert polls[good].status == "ok" and len(polls[good].stored) == 1
    for down in (refused, busy, gone):
        assert polls[down].status == "error" and polls[down].error
        assert store.feed_state(down).errors == 1
    assert "connection failed" in polls[refused].error
    assert "503" in polls[busy].error and len(server.hits("/busy.xml")) == 2  # retried once
    assert "404" in polls[gone].error and len(server.hits("/gone.xml")) == 1  # not retried
    assert store.count_articles() == 1


def test_failed_item_is_retried_then_given_up(server: FeedServer, db: str) -> None:
    server.publish("/feed.xml", ARTICLES[:1], broken=1)
    feed = server.base + "/feed.xml"
    store = Store(db)
    with Watcher(store, [feed], settings=FAST, update=None) as w:
        for attempt in range(1, FAST.feed_item_attempts + 2):
            poll = w.poll().feeds[0]
            gone_hits = len(server.hits("/gone/"))
            if attempt <= FAST.feed_item_attempts:  # the feed is read again for the failed item
                assert poll.status == "ok" and len(poll.failed) == 1
                assert gone_hits == attempt  # 404: the fetcher does not retry it
            else:  # given up: validators stored, the server says 304
                assert poll.status == "not_modified" and gone_hits == FAST.feed_item_attempts
    key = server.base + "/gone/0.txt"
    assert store.feed_items(feed, [key]) == {key: ("given_up", FAST.feed_item_attempts)}
    assert store.count_articles() == 1
    assert any("/gone/0.txt" in f.input for f in store.failures())


def test_kill_mid_poll_then_restart_loses_nothing(
    server: FeedServer, db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.publish("/feed.xml", ARTICLES[:4])
    feed = server.base + "/feed.xml"
    store = Store(db)
    real = Store.record_feed_item
    calls = {"n": 0}

    def killed_after_two(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # the 3rd article is committed, the process dies before its record
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "record_feed_item", killed_after_two)
    with Watcher(store, [feed], settings=FAST, update=None) as w, \
            pytest.raises(KeyboardInterrupt):
        w.poll()
    assert store.count_articles() == 3
    assert store.feed_state(feed) is None  # validators never saved: the restart reads it all
    monkeypatch.setattr(Store, "record_feed_item", real)

    restarted = Store(db)
    with Watcher(restarted, [feed], settings=FAST, update=None) as w:
        poll = w.poll().feeds[0]
    assert poll.status == "ok" and poll.skipped == 2
    assert len(poll.stored) == 1  # the 4th; the 3rd was already stored (same id), not twice
    assert restarted.count_articles() == 4
    keys = [f"{server.base}/articles/{f.name}" for f in ARTICLES[:4]]
    assert {s for s, _ in restarted.feed_items(feed, keys).values()} == {"stored"}


def test_watch_cli_once_runs_the_pipeline(server: FeedServer, tmp_path: Path, db: str) -> None:
    """Real stages: the items are stored, analysed and assigned to stories."""
    pytest.importorskip("manysides.cluster")
    server.publish("/feed.xml", [f for f in ARTICLES if f.name.startswith("tessel-pipeline")])
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test\n{server.base}/feed.xml\n{closed_port_url()}\n")
    result = CliRunner().invoke(main, ["watch", str(feeds), "--once", "--db", db])
    assert result.exit_code == 0, result.output
    assert "poll 1: 1/2 feeds read, 4 new articles" in result.output
    store = Store(db)
    arts = list(store.iter_articles(with_analysis=True))
    assert len(arts) == 4 and all(a.analysis is not None for a in arts)
    assert all(a.story_id for a in arts if not a.duplicate_of)
    assert store.list_stories()


def test_failed_update_is_retried_on_the_next_poll(server: FeedServer, db: str) -> None:
    server.publish("/feed.xml", ARTICLES[:2])
    calls: list[int] = []

    def flaky_update(store: Store, settings: Settings) -> list[str]:
        calls.append(store.count_articles())
        if len(calls) == 1:
            raise RuntimeError("model crashed")
        return ["story-x"]

    store = Store(db)
    with Watcher(store, [server.base + "/feed.xml"], settings=FAST, update=flaky_update) as w:
        first = w.poll()
        assert len(first.stored) == 2 and first.stories == []  # stored, update failed, logged
        second = w.poll()  # feed unchanged (304), but articles are still pending
    assert second.feeds[0].status == "not_modified" and second.stories == ["story-x"]
    assert calls == [2, 2]
