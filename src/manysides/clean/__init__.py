"""Cleaning: take page furniture out of raw article text (plain text and HTML).

:func:`clean_text` turns a bare-text page (as copied from a browser: headline, date line, ads,
captions and promos left in) into the article body, every removed line kept with its reason,
and the metadata the removed header lines told (headline, section, dates, byline).
HTML pages go through :func:`manysides.clean.html.extract_html` first.

Reasons recorded: "ad", "promo", "caption", "credit" (reporting credits such as "Additional
reporting by Associated Press"), "video", "nav", "share", "number", "duplicate", "dateline",
"section", "title", "standfirst" (the subtitle and summary bullets under a headline),
"subhead" (cross-heads between paragraphs), "byline", "signoff", plus any reason an outlet
profile names for its own furniture.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from manysides.clean.furniture import classify_lines, is_menu, removed_lines
from manysides.clean.meta import dateline_agency, detect_language
from manysides.models import RemovedLine
from manysides.outlets import OutletProfile, detect_outlet

logger = logging.getLogger(__name__)

_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

__all__ = ["CleanMeta", "CleanResult", "clean_text", "normalise_raw"]


@dataclass
class CleanMeta:
    """Metadata a page's own text told: headline, section, dates (ISO), byline, agency."""

    title: str | None = None
    section: str | None = None
    published: str | None = None
    updated: str | None = None
    byline: str | None = None
    agency: str | None = None
    outlet: str | None = None
    language: str | None = None
    standfirst: list[str] = field(default_factory=list)


@dataclass
class CleanResult:
    """The clean body text (paragraphs separated by blank lines), removed lines, metadata."""

    text: str
    removed: list[RemovedLine]
    meta: CleanMeta

    @property
    def title(self) -> str | None:
        return self.meta.title

    @property
    def section(self) -> str | None:
        return self.meta.section

    @property
    def published(self) -> str | None:
        return self.meta.published

    @property
    def updated(self) -> str | None:
        return self.meta.updated

    @property
    def byline(self) -> str | None:
        return self.meta.byline

    @property
    def agency(self) -> str | None:
        return self.meta.agency


def _raw_lines(raw: str) -> list[str]:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE.sub("", raw).split("\n")


def normalise_raw(raw: str) -> list[str]:
    """Raw text -> stripped lines: newlines unified, zero-width characters and runs of spaces
    (no-break spaces included) reduced to one space."""
    return [line.strip() for line in _INLINE_SPACE.sub(" ", "\n".join(_raw_lines(raw))).split("\n")]


def clean_text(
    raw: str,
    *,
    profile: OutletProfile | None = None,
    title: str | None = None,
    detect: bool = True,
    extracted: bool = False,
) -> CleanResult:
    """Raw article text -> :class:`CleanResult` (body, removed lines with reasons, metadata).

    ``profile``: the outlet's profile (its furniture patterns, its time zone); when ``None``
    and ``detect`` is true it is detected from the text's signatures.  ``title``: a headline
    known from elsewhere; the line repeating it is removed and no other line is taken for it.
    ``extracted``: the text comes from an HTML extractor (headings, lists and repeated lines
    are content there): only pattern furniture, date/byline lines and immediate repeats go.
    Every line that is not furniture stays, in order; each non-empty kept line is a paragraph.
    """
    if profile is None and detect:
        profile = detect_outlet(raw)
    raw_lines = _raw_lines(raw)
    menus = [is_menu(line.replace("\u00a0", " ")) for line in raw_lines]
    lines = [line.strip() for line in _INLINE_SPACE.sub(" ", "\n".join(raw_lines)).split("\n")]
    reasons, header = classify_lines(lines, profile=profile, title_hint=title, menus=menus,
                                     structural=not extracted)
    body = [line for line, reason in zip(lines, reasons, strict=True) if line and reason is None]
    text = "\n\n".join(body)
    meta = CleanMeta(
        title=header.title,
        section=header.section,
        published=header.published,
        updated=header.updated,
        byline=header.byline,
        agency=dateline_agency(body[0]) if body else None,
        outlet=profile.name if profile else None,
        language=detect_language(text),
        standfirst=header.standfirst,
    )
    removed = removed_lines(lines, reasons)
    logger.debug("cleaned %d lines: %d kept, %d removed", len(lines), len(body), len(removed))
    return CleanResult(text=text, removed=removed, meta=meta)
