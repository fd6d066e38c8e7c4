"""Pydantic response models of the JSON API (they document ``/openapi.json`` and ``/docs``).

They mirror ``schema/analysis.schema.json`` (``manysides.contract.SCHEMA_VERSION``): an article
with its analysis, a story with its claims, omissions, framing, summary and timeline.  The JSON
itself is written by ``manysides.contract``; ``tests/test_contract.py`` checks that these models
have exactly its fields.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class RemovedLineOut(BaseModel):
    line: str
    reason: str


class EntityOut(BaseModel):
    name: str
    type: str
    aliases: list[str] = []
    mentions: int = 0
    descriptors: list[str] = []


class QuoteOut(BaseModel):
    text: str
    kind: Literal["direct", "reported", "scare"]
    speaker: str | None = None
    speaker_type: str | None = None
    descriptor: str | None = None
    cue: str | None = None
    medium: str | None = None
    start: int
    end: int
    speaker_entity: str | None = None
    affiliation: str | None = None


class DateOut(BaseModel):
    text: str
    start: int
    end: int
    resolved: str | None = None


class QuantityOut(BaseModel):
    text: str
    value: float
    unit: str | None = None
    start: int
    end: int
    sentence: int | None = None


class SentenceOut(BaseModel):
    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


class ArticleOut(BaseModel):
    """One article: metadata, clean text, removed furniture and its analysis."""

    id: str
    source: str
    outlet: str | None = None
    title: str | None = None
    section: str | None = None
    url: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    text: str
    removed: list[RemovedLineOut] = []
    duplicate_of: str | None = None
    story_id: str | None = None
    entities: list[EntityOut] = []
    quotes: list[QuoteOut] = []
    dates: list[DateOut] = []
    quantities: list[QuantityOut] = []
    sentences: list[SentenceOut] = []


class SupportOut(BaseModel):
    article: str
    sentence: int


class ClaimSupportOut(SupportOut):
    """A sentence of a claim's support, and why the aligner put it there (``compare`` always
    fills these; claims made by hand may leave them out)."""

    text: str | None = None
    start: int | None = None
    end: int | None = None
    outlet: str | None = None
    score: float | None = Field(None, description="probability that it states the claim's "
                                "representative sentence (1 for the representative)")
    features: dict[str, float] | None = Field(None, description="the pair's non-zero features")


class SlotsOut(BaseModel):
    actors: list[str]
    time: str | None
    place: list[str]
    quantities: list[str]
    polarity: Literal["positive", "negative"]
    modality: Literal["happened", "planned", "denied", "alleged"]
    asserted_by: str | None


class ClaimOut(BaseModel):
    id: str
    text: str
    status: Literal["corroborated", "single_source", "contested"]
    kind: str
    outlets: list[str]
    support: list[ClaimSupportOut]
    conflict: dict[str, Any] | None = None
    slots: SlotsOut | None = None
    event: str | None = None


class SummarySentenceOut(BaseModel):
    text: str
    citations: list[str] = Field(description="ids of the articles that support the sentence")
    status: str
    support: list[SupportOut] = []


class TimelineEventOut(BaseModel):
    date: str = Field(description="ISO date, or a range 'start/end'")
    text: str
    articles: list[str]
    support: list[SupportOut] = []


class StoryListItem(BaseModel):
    """A story as listed: title, outlets, article count, time span."""

    id: str
    title: str
    outlets: list[str]
    article_count: int
    first_published: str | None = None
    last_published: str | None = None
    url: str


class StoryOut(BaseModel):
    """A story with its comparison (claims, omissions, framing), summary and timeline."""

    id: str
    title: str
    articles: list[str]
    outlets: list[str]
    first_published: str | None = None
    last_published: str | None = None
    date_anchor: str | None = None
    claims: list[ClaimOut] = []
    omissions: dict[str, list[str]] = {}
    framing: dict[str, Any] = {}
    summary: list[SummarySentenceOut] = []
    timeline: list[TimelineEventOut] = []
    compared_articles: list[str] | None = Field(
        default=None, description="the articles the comparison read, when not all of them")


class StoryPage(BaseModel):
    stories: list[StoryListItem]
    offset: int
    limit: int
    more: bool = Field(description="whether more stories follow this page")


class SearchHitOut(BaseModel):
    article_id: str
    story_id: str | None = None
    title: str | None = None
    outlet: str | None = None
    snippet: str
    rank: float
    highlights: list[list[int]] = Field(
        default_factory=list, description="[start, end) offsets of the matches in snippet")


class SearchResult(BaseModel):
    query: str
    stories: list[StoryListItem]
    articles: list[SearchHitOut]


class ErrorOut(BaseModel):
    detail: str
