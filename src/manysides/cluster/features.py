"""What the clusterer knows about one article: meaning, words, named entities, days.

``article_features(article, doc_vector, config)`` turns a stored, analysed article into an
``ArticleFeatures``: the unit "doc" embedding (title + lead, from the analyze stage), the words
of the whole article (``lexical.term_vector``), the weights of its event-identifying named
entities, the days it reports (resolved dates) and its day: the publication date, else an
estimate from dates written out in full in the text ("April 16, 2023"), else unknown.
``load_model()`` reads the weights that combine them (``data/story_model.toml``).
"""

from __future__ import annotations

import functools
import logging
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np

from manysides.analyze.entities import slug
from manysides.cluster.lexical import EMPTY, Terms, term_vector
from manysides.datafiles import load_data
from manysides.models import Article
from manysides.outlets import load_profiles

log = logging.getLogger(__name__)

_YEAR_IN_TEXT = re.compile(r"\b(?:19|20)\d\d\b")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@functools.cache
def load_config() -> dict[str, Any]:
    """The clustering settings in ``manysides/data/cluster.toml`` (read once per process)."""
    return load_data("cluster")


@functools.cache
def load_model() -> dict[str, Any]:
    """The story-assignment model in ``manysides/data/story_model.toml``: feature names,
    logistic-regression weights and bias, join and merge thresholds (plain numbers)."""
    return load_data("story_model")


@functools.cache
def stopwords() -> frozenset[str]:
    """Words left out of an article's term vector (``cluster.toml`` [lexical])."""
    return frozenset(load_config()["lexical"]["stopwords"].split())


@functools.cache
def outlet_keys() -> frozenset[str]:
    """Entity keys of news outlets ("told the Global Times"): sources, not actors of an event."""
    keys: set[str] = set()
    for profile in load_profiles():
        for name in (profile.name, *profile.aliases):
            keys.add(slug(name))
            keys.add(slug(name.removeprefix("The ")))
    return frozenset(keys)


@dataclass
class ArticleFeatures:
    """One article as the clusterer sees it.

    ``day`` is a proleptic ordinal (``date.toordinal()``) or ``None``; ``dated`` says whether
    it is the publication date (``False``: estimated from the text, used only to find and
    filter candidate stories, never to widen a story's span).
    """

    id: str
    vector: np.ndarray
    entities: dict[str, float] = field(default_factory=dict)
    day: int | None = None
    dated: bool = False
    published: str | None = None
    terms: Terms = EMPTY
    days: dict[int, float] = field(default_factory=dict)  # reported day -> mentions


def published_day(published: str | None) -> int | None:
    """ISO date or datetime -> day ordinal of its local calendar date, or ``None``."""
    if not published:
        return None
    text = published.strip()
    try:
        if _DAY.match(text[:10]) and len(text) == 10:
            return date.fromisoformat(text).toordinal()
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().toordinal()
    except ValueError:
        try:
            return date.fromisoformat(text[:10]).toordinal()
        except ValueError:
            log.warning("unreadable publication date %r ignored", published)
            return None


def text_day(article: Article) -> int | None:
    """The latest full date (day, month and year written out) the article mentions, or None.

    Relative dates ("on Sunday") need an anchor an undated article lacks, so only dates whose
    text carries a year count.
    """
    if article.analysis is None:
        return None
    best: int | None = None
    for mention in article.analysis.dates:
        resolved = mention.resolved
        if not resolved or not _YEAR_IN_TEXT.search(mention.text):
            continue
        first, _, last = resolved.partition("/")
        last = last or first
        if not (_DAY.match(first) and _DAY.match(last)):
            continue
        try:
            day = date.fromisoformat(last).toordinal()
            span = day - date.fromisoformat(first).toordinal()
        except ValueError:
            continue
        if span > 7:
            continue  # a day or a few days ("June 2 to June 4, 2023"), not a month or a year
        best = day if best is None else max(best, day)
    return best


def entity_weights(article: Article, config: dict[str, Any] | None = None) -> dict[str, float]:
    """Entity key -> weight (type weight x (1 + ln mentions)) for the article's top entities.

    News outlets named in the text are left out (every Global Times piece names the Global
    Times; that says nothing about which event it reports).
    """
    config = config or load_config()
    types: dict[str, float] = config["entities"]["types"]
    outlets = outlet_keys()
    weights: dict[str, float] = {}
    for ent in article.analysis.entities if article.analysis else []:
        type_weight = types.get(ent.type)
        if not type_weight or not ent.key or ent.key in outlets:
            continue
        w = type_weight * (1.0 + math.log(max(1, ent.mentions)))
        weights[ent.key] = weights.get(ent.key, 0.0) + w
    ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(ranked[: config["entities"]["per_article"]])


def article_features(
    article: Article, vector: np.ndarray, config: dict[str, Any] | None = None
) -> ArticleFeatures:
    """Features of an analysed article given its "doc" embedding (1 x d or d)."""
    vec = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(vec))
    if norm > 0:
        vec = vec / norm
    day = published_day(article.published)
    dated = day is not None
    if day is None:
        day = text_day(article)
    return ArticleFeatures(
        id=article.id,
        vector=vec,
        entities=entity_weights(article, config),
        day=day,
        dated=dated,
        published=article.published,
        terms=article_terms(article),
        days=event_days(article, day),
    )


def article_terms(article: Article) -> Terms:
    """The term vector of the article's title and body."""
    return term_vector(f"{article.title or ''}\n{article.text}", stopwords())


EVENT_DAYS = 8
_BEFORE_DAYS, _AFTER_DAYS = 60, 7


def event_days(article: Article, day: int | None) -> dict[int, float]:
    """The single days the article reports (resolved date mentions), most mentioned first.

    With a known ``day`` (publication or estimate) only days from 60 days before it to a week
    after count (a date of history or a schedule says little about which event it reports).
    """
    counts: dict[int, float] = {}
    for mention in article.analysis.dates if article.analysis else []:
        resolved = mention.resolved or ""
        if not _DAY.match(resolved):
            continue
        try:
            d = date.fromisoformat(resolved).toordinal()
        except ValueError:
            continue
        if day is not None and not day - _BEFORE_DAYS <= d <= day + _AFTER_DAYS:
            continue
        counts[d] = counts.get(d, 0.0) + 1.0
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:EVENT_DAYS]
    return dict(ranked)
