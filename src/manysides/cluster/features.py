"""What the clusterer knows about one article: meaning, named entities, day.

``article_features(article, doc_vector, config)`` turns a stored, analysed article into an
``ArticleFeatures``: the unit "doc" embedding (title + lead, from the analyze stage), the
weights of its event-identifying named entities, and its day: the publication date, else an
estimate from dates written out in full in the text ("April 16, 2023"), else unknown.
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
    )
