"""RSS and Atom feeds: the items of a feed, each with its link and metadata.

Item links may be web URLs, ``file://`` URLs, or paths relative to the feed file (the bundled
sample feed uses relative paths so the demo runs offline).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser

from manysides.errors import InputError

logger = logging.getLogger(__name__)


@dataclass
class FeedItem:
    """One feed item: where its article is (URL or local path) and what the feed says of it."""

    link: str | None
    title: str | None = None
    published: str | None = None
    outlet: str | None = None
    author: str | None = None
    content_html: str | None = None


def looks_like_feed(data: bytes) -> bool:
    """True when the bytes open like an RSS or Atom document."""
    head = data[:2048].lstrip().lower()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def parse_feed(data: bytes, *, base: str) -> tuple[str | None, list[FeedItem]]:
    """Feed bytes -> (feed title, items); ``base`` (the feed's URL or path) resolves links.

    Raises :class:`InputError` when the bytes are not an RSS/Atom feed.
    """
    parsed = feedparser.parse(data)
    if not parsed.get("version") and not parsed.entries:
        detail = parsed.get("bozo_exception")
        raise InputError(f"not a valid RSS/Atom feed{f' ({detail})' if detail else ''}")
    feed_title = (parsed.feed.get("title") or "").strip() or None
    items = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip() or None
        content = None
        if entry.get("content"):
            content = entry.content[0].get("value")
        source = entry.get("source") or {}
        items.append(
            FeedItem(
                link=resolve_link(link, base) if link else None,
                title=(entry.get("title") or "").strip() or None,
                published=_entry_date(entry),
                outlet=(source.get("title") or entry.get("publisher") or "").strip() or None,
                author=(entry.get("author") or "").strip() or None,
                content_html=content,
            )
        )
    logger.info("feed %s: %d items", base, len(items))
    return feed_title, items


def _entry_date(entry: feedparser.FeedParserDict) -> str | None:
    raw = entry.get("published") or entry.get("updated")
    if raw:
        return str(raw)
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", parsed)
    return None


def resolve_link(link: str, base: str) -> str:
    """An item link made absolute: a URL, or a local path resolved against the feed's folder."""
    scheme = urlsplit(link).scheme.lower()
    if scheme in ("http", "https"):
        return link
    if scheme == "file":
        return link
    base_scheme = urlsplit(base).scheme.lower()
    if base_scheme in ("http", "https", "file"):
        return urljoin(base, link)
    return str((Path(base).parent / unquote(link)).resolve())
