"""HTML article extraction: the article body and its metadata out of a web page.

Steps, in order:

1. ``_extract``: trafilatura in precision mode (comments excluded, tables kept); where that
   finds no article, trafilatura's default mode, which keeps more of the page.
2. ``filter_lines``: a precision pass over the extracted lines that drops the page furniture
   trafilatura keeps inside the content block: the headline repeated above the text, share and
   newsletter prompts, "related" link boxes and their lists, captions and credits, copyright
   and dateline lines, and lines without words.
   Every dropped line is kept in ``removed`` with its reason, in the vocabulary the text
   cleaner uses ("title", "share", "promo", "nav", "caption", "credit", "dateline", "byline",
   plus "copyright" and "separator"), so the cleaning can be audited.

The patterns are data: ``src/manysides/data/html_furniture.toml``.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from dateutil.parser import isoparse

from manysides.datafiles import load_data
from manysides.errors import InputError
from manysides.models import RemovedLine

log = logging.getLogger(__name__)

_LIMITS = load_data("html_furniture")["limits"]  # sizes in words, see data/html_furniture.toml
MIN_ARTICLE_WORDS: int = _LIMITS["min_article_words"]
MAX_FURNITURE_WORDS: int = _LIMITS["max_furniture_words"]
LIST_ITEM = "- "  # how trafilatura writes list items in plain text

MAX_META_CHARS = 300_000  # page metadata is read from this much of the page's start
# Metadata keys that state the publication time, most trusted first.
_PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "article.published",
    "parsely-pub-date", "pubdate", "publishdate", "publish-date", "publish_date",
    "dcterms.created", "dc.date.issued", "dc.date", "sailthru.date",
)
_META_TAG = re.compile(r"<(?:meta|time|span|div)\b[^>]*?(?:property|name|itemprop)\s*=[^>]*>", re.I)
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*[\"']([^\"']*)[\"']")
_JSON_LD_DATE = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]{8,40})\"")
_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"  # asked of htmldate; midnight without zone = date only
_WORD = re.compile(r"\w+")
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)
_TITLE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")  # "Headline | Site name"


@dataclass
class ExtractedPage:
    """An article taken out of an HTML page: clean text, metadata, and the lines dropped."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    sitename: str | None = None
    language: str | None = None
    url: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)


@dataclass(frozen=True)
class FurnitureRule:
    """One furniture pattern: the reason recorded, the regex, whether a link list follows."""

    reason: str
    pattern: re.Pattern[str]
    starts_list: bool = False


@functools.cache
def load_furniture() -> tuple[FurnitureRule, ...]:
    """The furniture patterns of ``data/html_furniture.toml``, in file order."""
    data = load_data("html_furniture")
    return tuple(
        FurnitureRule(group["reason"], re.compile(pattern, re.IGNORECASE),
                      bool(group.get("starts_list", False)))
        for group in data["group"]
        for pattern in group["patterns"]
    )


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """HTML page (and its URL if known) -> ExtractedPage; InputError when no article is found."""
    if not html or not html.strip():
        raise InputError("no article text found in HTML")
    doc = _extract(html, url)
    if doc is None:
        raise InputError("no article text found in HTML")
    title = doc.title or None
    text, removed = filter_lines(doc.text or "", title=title)
    if _word_count(text) < MIN_ARTICLE_WORDS:
        raise InputError("no article text found in HTML")
    match = _HTML_LANG.search(html[:5000])
    language = doc.language or (match.group(1).lower() if match else None)
    return ExtractedPage(
        text=text,
        title=title,
        author=doc.author or None,
        published=published_date(html, iso_date(doc.date)),
        sitename=doc.sitename or None,
        language=language,
        url=url or doc.url or None,
        removed=removed,
    )


def _extract(html: str, url: str | None) -> Any:
    """trafilatura's Document for the page: precision mode first, default mode as a fallback."""
    # heavy (lxml, courlan, htmldate: about 0.2 s): loaded only when an HTML page is read
    import trafilatura
    from trafilatura.settings import set_date_params

    doc: Any = None  # trafilatura's Document
    for favor_precision in (True, False):
        try:
            doc = trafilatura.bare_extraction(
                html,
                url=url,
                favor_precision=favor_precision,
                include_comments=False,
                include_tables=True,
                with_metadata=True,
                date_extraction_params={**set_date_params(), "outputformat": _DATE_FORMAT},
            )
        except Exception as exc:  # trafilatura/lxml raise many types on broken markup
            raise InputError(f"HTML could not be parsed: {exc}") from exc
        if doc is not None and _word_count(doc.text or "") >= MIN_ARTICLE_WORDS:
            return doc
    return doc


def filter_lines(text: str, *, title: str | None = None) -> tuple[str, list[RemovedLine]]:
    """Extracted text (and the page title) -> (text without furniture lines, lines removed).

    The text comes back as manysides' clean text: one paragraph per line, blank-line separated.
    """
    kept: list[str] = []
    removed: list[RemovedLine] = []
    in_link_list = False
    title_keys = _title_keys(title)
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped:
            continue
        rule = _furniture_rule(stripped, at_top=not kept, title_keys=title_keys)
        if rule is None and in_link_list and stripped.startswith(LIST_ITEM):
            rule = _LINK_LIST_ITEM
        if rule is not None:
            removed.append(RemovedLine(line=stripped, reason=rule.reason))
            in_link_list = in_link_list or rule.starts_list
            continue
        in_link_list = False
        kept.append(stripped)
    return "\n\n".join(kept), removed


_NO_WORDS = FurnitureRule("separator", re.compile(r"^\W*$"))
_REPEATED_TITLE = FurnitureRule("title", re.compile(""))
_LINK_LIST_ITEM = FurnitureRule("nav", re.compile(r"^- "), starts_list=True)


def _furniture_rule(line: str, *, at_top: bool, title_keys: set[str]) -> FurnitureRule | None:
    """The rule that makes ``line`` furniture, or None when it is article text."""
    key = " ".join(_WORD.findall(line.lower()))
    if not key:
        return _NO_WORDS
    if at_top and key in title_keys:
        return _REPEATED_TITLE
    if len(key.split()) > MAX_FURNITURE_WORDS:
        return None
    for rule in load_furniture():
        if rule.pattern.search(line):
            return rule
    return None


def _title_keys(title: str | None) -> set[str]:
    """Normalised forms of the page title, with and without a "| Site name" suffix."""
    if not title:
        return set()
    forms = {title, _TITLE_SUFFIX.sub("", title)}
    return {" ".join(_WORD.findall(f.lower())) for f in forms if f.strip()}


def iso_date(value: str | None) -> str | None:
    """htmldate's "2019-11-19T13:03:00+0000" -> ISO 8601 "2019-11-19T13:03:00+00:00".

    Midnight without a zone is how htmldate writes a date without a time: "2019-11-19".
    """
    if not value:
        return None
    for fmt in (_DATE_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        if parsed.tzinfo is None and parsed.time() == dt.time(0, 0):
            return parsed.date().isoformat()
        return parsed.isoformat()
    log.debug("unparsed page date %r", value)
    return None


def published_date(html: str, found: str | None) -> str | None:
    """The page's publication time from its explicit metadata, else ``found`` (htmldate's).

    htmldate prefers a date in the URL and drops the time; the page's own metadata
    (``article:published_time``, JSON-LD ``datePublished``, ...) usually has both.  A metadata
    time is taken when its day is within a day of ``found`` (time zones) or nothing was found.
    """
    for value in _metadata_times(html):
        try:
            parsed = isoparse(value.strip())
        except (ValueError, OverflowError):
            continue
        if parsed.time() == dt.time(0, 0) and parsed.tzinfo is None:
            continue  # a date without a time adds nothing to htmldate's
        if found and abs((parsed.date() - dt.date.fromisoformat(found[:10])).days) > 1:
            continue
        return parsed.replace(microsecond=0).isoformat()
    return found


def _metadata_times(html: str) -> list[str]:
    """Publication times the page states in ``<meta>``, microdata and JSON-LD, best first."""
    head = html[:MAX_META_CHARS]
    values: list[tuple[int, str]] = []
    for match in _META_TAG.finditer(head):
        attrs = dict(_ATTR.findall(match.group(0)))
        attrs = {k.lower(): v for k, v in attrs.items()}
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        value = attrs.get("content") or attrs.get("datetime")
        if key in _PUBLISHED_KEYS and value:
            values.append((_PUBLISHED_KEYS.index(key), value))
    values.extend((_PUBLISHED_KEYS.index("datepublished"), v) for v in _JSON_LD_DATE.findall(head))
    return [v for _, v in sorted(values, key=lambda kv: kv[0])]


def _word_count(text: str) -> int:
    return len(_WORD.findall(text))
