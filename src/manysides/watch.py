"""Continuous feeds: poll RSS/Atom feeds, ingest their new items, keep stories up to date.

``manysides watch FEEDS_FILE --interval 10m`` (one feed URL or path per line, ``#`` comments):
each poll fetches every feed with a conditional GET (ETag / Last-Modified kept in the store), reads
the items not seen before, stores their articles, then analyses them and assigns them to stories.

Guarantees:

- a feed that is down (refused, time-out, error status, not a feed) is logged and recorded in
  its feed state; the next feed goes on;
- an item is recorded as seen only after its article is committed, and a feed's validators only
  after all its items are handled, so a kill at any moment loses nothing: on restart the feed is
  fetched again and the items not recorded are read again (their article ids make that
  harmless);
- an item that fails (its page is down) is retried on the next polls, up to
  ``Settings.feed_item_attempts`` times, then given up (the failure is in ``manysides failures``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from manysides import pipeline
from manysides.analyze import ANALYSIS_VERSION
from manysides.errors import FetchError, InputError
from manysides.ingest import sources, store_articles
from manysides.ingest.feeds import parse_feed
from manysides.ingest.fetch import Fetcher, is_web_url
from manysides.models import Failure
from manysides.settings import Settings
from manysides.store import Store

log = logging.getLogger(__name__)

FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.8"
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.IGNORECASE)
_UNIT_S = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}

UpdateFn = Callable[[Store, Settings], list[str]]
"""After a poll that stored articles: analyse, assign to stories; returns story ids touched."""


@dataclass
class FeedPoll:
    """What one poll of one feed did."""

    feed: str
    status: str  # "ok", "not_modified" or "error"
    stored: list[str] = field(default_factory=list)  # article ids of newly handled items
    failed: list[Failure] = field(default_factory=list)
    skipped: int = 0  # items seen in an earlier poll
    error: str | None = None


@dataclass
class PollSummary:
    """One poll over every feed, then the stories brought up to date."""

    feeds: list[FeedPoll]
    stories: list[str] = field(default_factory=list)

    @property
    def stored(self) -> list[str]:
        return [a for f in self.feeds for a in f.stored]


def parse_interval(text: str) -> float:
    """``"10m"`` -> 600.0 seconds; units s, m, h, d (none: seconds)."""
    match = _INTERVAL.match(text or "")
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"not an interval: {text!r} (examples: 90s, 10m, 1h)")
    return float(match.group(1)) * _UNIT_S[match.group(2).lower()]


def read_feeds_file(path: str | Path) -> list[str]:
    """Feed URLs or paths in a file: one per line; blank lines and ``#`` comments skipped."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the feeds file ({exc.strerror or exc})") from exc
    feeds = []
    for line in lines:
        line = line.split(" #", 1)[0].strip()
        if line and not line.startswith("#"):
            feeds.append(line)
    return list(dict.fromkeys(feeds))


def update_stories(store: Store, settings: Settings) -> list[str]:
    """Analyse pending articles, assign every analysed article without a story, refresh the
    stories touched (``manysides.pipeline.update``).  Returns the story ids touched."""
    return pipeline.update(store, settings=settings)[1]


class Watcher:
    """Polls a list of feeds into a store.  ``poll()`` once; ``run(interval)`` repeatedly."""

    def __init__(
        self,
        store: Store,
        feeds: list[str],
        *,
        settings: Settings | None = None,
        update: UpdateFn | None = update_stories,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.store = store
        self.feeds = feeds
        self.settings = settings or Settings()
        self.update = update
        # one fetcher for feeds and their items: one per-host delay, one set of limits
        self.fetcher = Fetcher(self.settings, transport=transport, accept=FEED_ACCEPT)

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> Watcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- polling ------------------------------------------------------------------------------

    def run(self, interval_s: float, *, max_polls: int | None = None,
            sleep: Callable[[float], None] = time.sleep) -> Iterator[PollSummary]:
        """Poll every ``interval_s`` seconds (from the start of one poll to the next), forever
        or ``max_polls`` times; yields each poll's summary."""
        polls = 0
        while max_polls is None or polls < max_polls:
            started = time.monotonic()
            yield self.poll()
            polls += 1
            if max_polls is not None and polls >= max_polls:
                return
            sleep(max(0.0, interval_s - (time.monotonic() - started)))

    def poll(self) -> PollSummary:
        """Poll each feed once (a failing feed is logged; the next goes on), then update the
        stories if anything new was stored."""
        results = []
        for feed in self.feeds:
            try:
                results.append(self.poll_feed(feed))
            except Exception as exc:  # a bug in one feed's items must not stop the others
                log.exception("feed %s: unexpected error", feed)
                self.store.save_feed_state(feed, status=None, error=f"internal error: {exc}")
                results.append(FeedPoll(feed, "error", error=f"internal error: {exc}"))
        summary = PollSummary(results)
        if self.update is not None and (summary.stored or self._has_unassigned()):
            try:
                summary.stories = self.update(self.store, self.settings)
            except Exception:  # the articles stay stored and pending: the next poll retries
                log.exception("updating the stories failed; will retry after the next poll")
        log.info("poll: %d feeds, %d items stored, %d stories updated", len(results),
                 len(summary.stored), len(summary.stories))
        return summary

    def _has_unassigned(self) -> bool:
        return bool(self.store.article_ids_without_analysis(ANALYSIS_VERSION)
                    or self.store.article_ids_without_story())

    def poll_feed(self, feed: str) -> FeedPoll:
        """Fetch ``feed`` (conditional GET), store the articles of its unseen items."""
        state = self.store.feed_state(feed)
        try:
            fetched = self._fetch_feed(feed, state.etag if state else None,
                                       state.last_modified if state else None)
        except (FetchError, InputError) as exc:
            log.warning("feed %s is down: %s", feed, exc)
            self.store.save_feed_state(feed, status=getattr(exc, "status", None), error=str(exc))
            return FeedPoll(feed, "error", error=str(exc))
        if fetched is None:
            log.info("feed %s: not modified", feed)
            self.store.save_feed_state(feed, status=304)
            return FeedPoll(feed, "not_modified")
        data, base, etag, last_modified = fetched
        try:
            feed_title, items = parse_feed(data, base=base)
        except InputError as exc:
            log.warning("feed %s: %s", feed, exc)
            self.store.save_feed_state(feed, status=200, error=str(exc))
            return FeedPoll(feed, "error", error=str(exc))
        result = FeedPoll(feed, "ok")
        keys = [_item_key(item) for item in items]
        seen = self.store.feed_items(feed, keys)
        reader, outlet = _item_reader(self.settings, self.fetcher, feed_title)
        local_links = not is_web_url(feed)  # a feed file the user listed may link to files
        retry = False  # an item failed and is to be tried again
        for item, key in zip(items, keys, strict=True):
            status, attempts = seen.get(key, (None, 0))
            if status in ("stored", "given_up"):
                result.skipped += 1
                continue
            retry |= self._store_item(reader, outlet, feed, item, key, attempts, result,
                                      local_links)
        # Validators last: a kill before this line makes the next poll read the feed again; so
        # does an item to retry (the feed may not change, its failed item must be read again).
        if retry:
            self.store.save_feed_state(feed, status=200)
        else:
            self.store.save_feed_state(feed, status=200, etag=etag, last_modified=last_modified)
        log.info("feed %s: %d items stored, %d failed, %d seen before", feed,
                 len(result.stored), len(result.failed), result.skipped)
        return result

    def _store_item(self, reader: Any, outlet: str | None, feed: str, item: Any, key: str,
                    attempts: int, result: FeedPoll, local_links: bool) -> bool:
        """Read and store one item's article; record the item.  True: failed, to retry."""
        items = list(reader.read_feed_item(item, outlet, feed, local_links=local_links))
        report = store_articles(items, self.store)  # commits each article; records failures
        ids = report.new + [d for d, _ in report.duplicates] + report.existing
        if report.failed and not ids:
            result.failed.extend(report.failed)
            status = "given_up" if attempts + 1 >= self.settings.feed_item_attempts else "failed"
            self.store.record_feed_item(feed, key, status=status)
            return status == "failed"
        self.store.record_feed_item(feed, key, status="stored", article_id=ids[0] if ids else None)
        result.stored.extend(report.new + [d for d, _ in report.duplicates])
        return False

    # -- HTTP -----------------------------------------------------------------------------

    def _fetch_feed(
        self, feed: str, etag: str | None, last_modified: str | None
    ) -> tuple[bytes, str, str | None, str | None] | None:
        """(body, base URL, ETag, Last-Modified), or ``None`` when not modified (304)."""
        if not is_web_url(feed):
            return _read_local_feed(feed, last_modified)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        fetched = self.fetcher.get(feed, headers=headers)
        if fetched.status == 304:
            return None
        return fetched.content, fetched.url, fetched.etag, fetched.last_modified


def watch(
    feeds: list[str],
    store: Store,
    *,
    settings: Settings | None = None,
    interval_s: float = 600.0,
    max_polls: int | None = None,
    update: UpdateFn | None = update_stories,
) -> list[PollSummary]:
    """Poll ``feeds`` into ``store`` every ``interval_s`` seconds, ``max_polls`` times (``None``:
    until interrupted); returns the summaries of the polls done."""
    summaries: list[PollSummary] = []
    with Watcher(store, feeds, settings=settings, update=update) as watcher:
        for summary in watcher.run(interval_s, max_polls=max_polls):
            summaries.append(summary)
    return summaries


# -- helpers ------------------------------------------------------------------------------


def _item_key(item: Any) -> str:
    """What identifies a feed item between polls: its link, else its title and date."""
    return item.link or f"{item.title or ''}|{item.published or ''}"


def _item_reader(settings: Settings, fetcher: Fetcher,
                 feed_title: str | None) -> tuple[Any, str | None]:
    """The ingest stage's reader for feed items, fetching through the watcher's fetcher."""
    return sources.Reader(settings, {}, fetcher=fetcher), sources.feed_outlet(feed_title)


def _read_local_feed(
    path: str, last_modified: str | None
) -> tuple[bytes, str, str | None, str | None] | None:
    """A feed file: its modification time and size play Last-Modified (same -> ``None``)."""
    p = Path(path[7:] if path.startswith("file://") else path).expanduser()
    try:
        st = p.stat()
        stamp = f"mtime_ns={st.st_mtime_ns} size={st.st_size}"
        if last_modified == stamp:
            return None
        return p.read_bytes(), str(p.resolve()), None, stamp
    except OSError as exc:
        raise InputError(f"cannot read feed file: {exc.strerror or exc}") from exc




__all__ = [
    "FeedPoll", "PollSummary", "Watcher", "parse_interval", "read_feeds_file",
    "update_stories", "watch",
]
