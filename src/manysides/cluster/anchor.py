"""A story's date anchor: the day its undated articles' relative dates are resolved against.

An article with no publication date says "on Sunday" and means a Sunday near the story's
event.  The anchor chosen is the day that *best explains* those relative expressions:

1. the dated articles vote for the days they mention (their own "on Sunday", resolved against
   their own publication date by the analyze stage, and full dates);
2. each candidate anchor (the voted days and the dated articles' publication days, within two
   weeks before the first publication) re-resolves the undated articles' relative expressions
   ("on Sunday", "yesterday", "on Tuesday night"), and scores one point per expression that
   lands on a voted day;
3. the best score wins; ties go to the earliest dated publication day, then to the closest
   day to it.  Without undated articles (or without any relative expression) the anchor is
   the earliest dated publication day; a story with no dated article anchors on the earliest
   date written out in full in its articles, else has none.

So a preview published before the event ("is scheduled to start ... on Sunday") and reports
published after it ("welcomed ... on Sunday") agree on the same Sunday, which no single
publication date achieves.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import date

from manysides.analyze.dates import extract_dates
from manysides.cluster.features import load_config, published_day, text_day
from manysides.models import Article

log = logging.getLogger(__name__)

_RELATIVE = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|"
    r"tonight)\b", re.I)
_HAS_YEAR_OR_MONTH = re.compile(
    r"\b(?:19|20)\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d",
    re.I)
_ANCHOR = load_config()["anchor"]  # see data/cluster.toml [anchor]
MAX_CANDIDATES: int = _ANCHOR["max_candidates"]
LOOKBACK_DAYS: int = _ANCHOR["lookback_days"]


def _single_day(resolved: str | None) -> int | None:
    if not resolved or "/" in resolved:
        return None
    try:
        return date.fromisoformat(resolved).toordinal()
    except ValueError:
        return None


def choose_anchor(articles: list[Article]) -> str | None:
    """The date anchor (ISO day) for a story made of ``articles``; see the module docstring."""
    dated = [(d, a) for a in articles if a.published
             if (d := published_day(a.published)) is not None]
    if not dated:
        days = [d for d in (text_day(a) for a in articles) if d is not None]
        return date.fromordinal(min(days)).isoformat() if days else None
    first = min(d for d, _ in dated)
    last = max(d for d, _ in dated)
    undated = [a for a in articles if not a.published and a.analysis is not None]
    if not undated:
        return date.fromordinal(first).isoformat()

    votes: Counter[int] = Counter()
    for _, art in dated:
        for mention in art.analysis.dates if art.analysis else []:
            day = _single_day(mention.resolved)
            if day is not None and first - LOOKBACK_DAYS <= day <= last:
                votes[day] += 1
    candidates = {first, *(d for d, _ in dated)}
    candidates.update(d for d, _ in votes.most_common(MAX_CANDIDATES))
    if not votes:
        return date.fromordinal(first).isoformat()

    def score(candidate: int) -> tuple[int, int, int, int]:
        anchor = date.fromordinal(candidate).isoformat()
        points = 0
        for art in undated:
            sentences = art.analysis.sentences if art.analysis else []
            for mention in extract_dates(art.text, sentences, anchor, anchor_is_story=True):
                if not _RELATIVE.search(mention.text) or _HAS_YEAR_OR_MONTH.search(mention.text):
                    continue
                day = _single_day(mention.resolved)
                if day is not None and votes.get(day):
                    points += 1
        return (points, candidate == first, -abs(candidate - first), -candidate)

    best = max(sorted(candidates), key=score)
    log.debug("date anchor %s (first dated publication %s)", date.fromordinal(best),
              date.fromordinal(first))
    return date.fromordinal(best).isoformat()
