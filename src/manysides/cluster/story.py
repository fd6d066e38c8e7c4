"""Building a ``Story`` from its member articles: title, outlets, span, centroid, entity keys.

Members are ``MemberInfo`` records (what the clusterer keeps of an article, no analysis), so a
story can be rebuilt without reloading its articles' analyses; the date anchor, which needs the
analyses of undated members, is computed by the caller (``anchor.choose_anchor``) and passed in.

Title: the title of the most *central* member (highest cosine to the centroid), adjusted so the
headline is the most neutral of the central ones: a wire service's headline gets a small bonus,
a headline with loaded language ("regime", "Sell-Out", "thugs": ``data/loaded_terms.toml``) a
penalty per hit.  Only the three most central titles are checked for loaded language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from manysides.cluster.features import (
    ArticleFeatures,
    article_terms,
    entity_weights,
    event_days,
    load_config,
    published_day,
    text_day,
)
from manysides.cluster.lexical import EMPTY, Terms, add_terms
from manysides.lexicons import loaded_terms
from manysides.models import Article, Story
from manysides.outlets import get_profile

log = logging.getLogger(__name__)

TITLE_CANDIDATES: int = load_config()["title"]["candidates"]  # data/cluster.toml [title]
STORY_DAYS: int = load_config()["story"]["days"]  # reported days kept per story (most mentioned)
_NEVER = datetime.max.replace(tzinfo=UTC)


@dataclass
class MemberInfo:
    """What the clusterer keeps of an article that belongs to a story."""

    id: str
    title: str | None
    outlet: str | None
    published: str | None
    entities: dict[str, float] = field(default_factory=dict)
    text_day: int | None = None
    fallback_title: str = ""
    title_adjust: float | None = None  # cached: wire bonus minus loaded-language penalty
    terms: Terms = EMPTY
    days: dict[int, float] = field(default_factory=dict)

    @property
    def dated(self) -> bool:
        return published_day(self.published) is not None


def member_info(
    article: Article, config: dict[str, Any], feats: ArticleFeatures | None = None
) -> MemberInfo:
    """The ``MemberInfo`` of an analysed article (its words, names and days taken from
    ``feats`` when the clusterer has them)."""
    first = article.text.strip().split("\n", 1)[0]
    fallback = first if len(first) <= 120 else first[:117].rsplit(" ", 1)[0] + "..."
    day = published_day(article.published)
    day_text = None if article.published else text_day(article)
    return MemberInfo(
        id=article.id,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        entities=feats.entities if feats else entity_weights(article, config),
        text_day=day_text,
        fallback_title=fallback,
        terms=feats.terms if feats else article_terms(article),
        days=feats.days if feats else event_days(article, day if day is not None else day_text),
    )


def story_profile(members: list[MemberInfo]) -> tuple[Terms, dict[int, float]]:
    """A story's word profile (its members' term vectors summed) and the days they report."""
    days: dict[int, float] = {}
    for m in members:
        for d, n in m.days.items():
            days[d] = days.get(d, 0.0) + n
    ranked = sorted(days.items(), key=lambda kv: (-kv[1], kv[0]))[:STORY_DAYS]
    return add_terms([m.terms for m in members]), dict(ranked)


def sort_key(published: str | None) -> datetime:
    """Publication time as an aware datetime for ordering (undated: after everything)."""
    text = (published or "").strip().replace("Z", "+00:00")
    if not text:
        return _NEVER
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return _NEVER
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _title_adjust(member: MemberInfo, config: dict[str, Any]) -> float:
    if member.title_adjust is not None:
        return member.title_adjust
    tc = config["title"]
    adjust = 0.0
    profile = get_profile(member.outlet)
    if profile is not None and profile.kind == "wire":
        adjust += tc["wire_bonus"]
    adjust -= tc["loaded_penalty"] * min(3, len(loaded_terms(member.title or "")))
    member.title_adjust = adjust
    return adjust


def choose_title(
    members: list[MemberInfo], vectors: dict[str, np.ndarray], centroid: np.ndarray,
    config: dict[str, Any],
) -> str:
    """The story title: the most central, most neutral member title (see the module doc)."""
    titled = [m for m in members if m.title]
    if not titled:
        return members[0].fallback_title if members else ""

    def cos(m: MemberInfo) -> float:
        vec = vectors.get(m.id)
        return float(np.asarray(vec).reshape(-1) @ centroid) if vec is not None else -1.0

    central = sorted(titled, key=lambda m: (-cos(m), m.id))[:TITLE_CANDIDATES]
    best = max(central, key=lambda m: (cos(m) + _title_adjust(m, config), -central.index(m)))
    return best.title or ""


def story_keys(members: list[MemberInfo], config: dict[str, Any]) -> dict[str, float]:
    """The story's top entity keys by weight summed over its members."""
    total: dict[str, float] = {}
    for m in members:
        for key, w in m.entities.items():
            total[key] = total.get(key, 0.0) + w
    ranked = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))
    return dict(ranked[: config["entities"]["per_story"]])


def build_story(
    story_id: str,
    members: list[MemberInfo],
    vectors: dict[str, np.ndarray],
    config: dict[str, Any],
    *,
    previous: Story | None = None,
    anchor: str | None = None,
) -> tuple[Story, np.ndarray, dict[str, float]]:
    """A story made of ``members``: (Story, centroid, entity key weights).

    ``vectors`` are the members' doc embeddings; the centroid is their normalised mean.  The
    comparison payload of ``previous`` (claims, summary...) is carried over until the compare
    stage refreshes it.
    """
    rows = [np.asarray(vectors[m.id], dtype=np.float32).reshape(-1) for m in members
            if m.id in vectors]
    centroid = np.mean(rows, axis=0) if rows else np.zeros(384, dtype=np.float32)
    norm = float(np.linalg.norm(centroid))
    centroid = (centroid / norm if norm > 0 else centroid).astype(np.float32)
    ordered = sorted(members, key=lambda m: (sort_key(m.published), m.id))
    dated = [m for m in ordered if sort_key(m.published) != _NEVER]
    story = previous or Story(id=story_id, title="", articles=[], outlets=[])
    story.id = story_id
    story.title = choose_title(ordered, vectors, centroid, config)
    story.articles = [m.id for m in ordered]
    story.outlets = list(dict.fromkeys(m.outlet for m in ordered if m.outlet))
    story.first_published = dated[0].published if dated else None
    story.last_published = dated[-1].published if dated else None
    story.date_anchor = anchor
    return story, centroid, story_keys(ordered, config)
