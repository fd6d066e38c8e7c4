"""Plain data objects that flow through the pipeline.

ingest -> clean -> analyze -> cluster -> compare -> report, each stage a function
from these objects to these objects.  Dates are ISO 8601 strings ("2023-04-17T21:43:00+08:00"
or date-only "2023-04-17"), ``None`` when unknown, so every object serialises to JSON as is.
``to_dict``/``from_dict`` give the JSON contract of ``manysides analyze --json``.
"""

from __future__ import annotations

import copy
import functools
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal, TypeVar

T = TypeVar("T")

QuoteKind = Literal["direct", "reported", "scare"]
SpeakerType = Literal["person", "group", "organization", "outlet", "unnamed"]
ClaimKind = Literal["fact", "quote", "opinion"]
ClaimStatus = Literal["corroborated", "single_source", "contested"]


@dataclass
class RemovedLine:
    """A line the cleaner took out of an article, kept so the cleaning can be audited."""

    line: str
    reason: str


@dataclass
class Sentence:
    """One sentence of an article's clean text; ``start``/``end`` are character offsets."""

    index: int
    start: int
    end: int
    text: str
    paragraph: int = 0


@dataclass
class Mention:
    """One mention of an entity in an article: offsets, the sentence it is in, the entity key."""

    entity: str
    text: str
    start: int
    end: int
    sentence: int


@dataclass
class Entity:
    """A real-world referent with its aliases merged (``key`` is stable across the corpus)."""

    key: str
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    mentions: int = 0
    descriptors: list[str] = field(default_factory=list)


@dataclass
class Quote:
    """A quotation (direct, reported or scare) and whom it is attributed to."""

    text: str
    kind: QuoteKind
    speaker: str | None
    speaker_type: SpeakerType | None
    descriptor: str | None
    cue: str | None
    medium: str | None
    start: int
    end: int
    sentence: int | None = None
    speaker_entity: str | None = None  # the speaker's entity key, where it is an entity
    affiliation: str | None = None  # the speaker's party or organisation, as the text says it


@dataclass
class DateMention:
    """A time expression and the absolute date or range ("2023-04-16/2023-04-19") it means."""

    text: str
    start: int
    end: int
    resolved: str | None
    sentence: int | None = None


@dataclass
class Quantity:
    """A number with its unit and what it counts ("13 ground phalanxes", "four-day")."""

    text: str
    value: float
    unit: str | None
    start: int
    end: int
    sentence: int | None = None


@dataclass
class ArticleAnalysis:
    """What the analyze stage notes about one article."""

    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    quantities: list[Quantity] = field(default_factory=list)
    version: str = "1"


@dataclass
class Article:
    """One news article: metadata, clean text, the raw text it came from and what was removed.

    ``id`` is a hash of the normalised clean text; ``duplicate_of`` names the article this one
    is a near-duplicate (syndicated copy, same text with other furniture) of.
    """

    id: str
    source: str
    text: str
    raw_text: str = ""
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    section: str | None = None
    byline: str | None = None
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    removed: list[RemovedLine] = field(default_factory=list)
    duplicate_of: str | None = None
    ingested_at: str | None = None
    story_id: str | None = None
    analysis: ArticleAnalysis | None = None


@dataclass
class Failure:
    """An input that could not be ingested, with the reason (shown to the user, never lost)."""

    input: str
    reason: str


OMIT_IF_NONE = {"omit_if_none": True}
"""Field metadata: ``to_dict`` leaves the field out while it is ``None`` (an optional key)."""


@dataclass
class Support:
    """Where a claim is stated: article id and sentence index; in a claim's support also the
    sentence (``text``, ``start``/``end`` offsets into the article's clean text), its outlet,
    and why the aligner put it there: ``score``, the probability that it states what the
    claim's representative sentence states, and ``features``, the pair's named features
    (``compare.grouping.FEATURES``, non-zero ones) behind that score."""

    article: str
    sentence: int
    text: str | None = field(default=None, metadata=OMIT_IF_NONE)
    start: int | None = field(default=None, metadata=OMIT_IF_NONE)
    end: int | None = field(default=None, metadata=OMIT_IF_NONE)
    outlet: str | None = field(default=None, metadata=OMIT_IF_NONE)
    score: float | None = field(default=None, metadata=OMIT_IF_NONE)
    features: dict[str, float] | None = field(default=None, metadata=OMIT_IF_NONE)


Modality = Literal["happened", "planned", "denied", "alleged"]


@dataclass
class Slots:
    """The checkable parts of a claim (of its representative clause).

    ``actors``: entity keys of the persons and organisations it names; ``time``: the event's
    resolved date or span ("2023-04-16/2023-04-19"; a "four-day visit" that starts on a
    resolved day is that span); ``place``: entity keys of places; ``quantities``: "value unit";
    ``polarity``: "negative" when the main clause is negated; ``modality``: happened, planned
    (or expected), denied or alleged; ``asserted_by``: None for the outlet's own voice, else
    the quoted or reported source.
    """

    actors: list[str] = field(default_factory=list)
    time: str | None = None
    place: list[str] = field(default_factory=list)
    quantities: list[str] = field(default_factory=list)
    polarity: Literal["positive", "negative"] = "positive"
    modality: Modality = "happened"
    asserted_by: str | None = None


@dataclass
class ConflictSide:
    """One side of a contradiction: the outlets that hold ``value`` and where they state it."""

    outlets: list[str]
    value: Any  # a number, a list of numbers, a date, a name, "affirms"/"denies"
    support: list[Support] = field(default_factory=list)


@dataclass
class Conflict:
    """What the outlets of a contested claim disagree on (``type``: number, date, name,
    negation), side by side.  ``kind``: the slot that differs (number, date, place, negation,
    actor) or ``framing`` (an allegation or denial against a plain statement: a contrast of
    framing, not a contradiction of fact).  ``unit``: what a disputed number counts;
    ``entity_type``: the kind of name in a name conflict."""

    type: str
    kind: str | None = field(default=None, metadata=OMIT_IF_NONE)
    unit: str | None = field(default=None, metadata=OMIT_IF_NONE)
    entity_type: str | None = field(default=None, metadata=OMIT_IF_NONE)
    sides: list[ConflictSide] = field(default_factory=list)


@dataclass
class Claim:
    """A group of sentences across articles that state the same thing.  ``event``: shared by
    the claims the aligner found to be about one event and cut apart because their sentences
    do not state one fact (None when the claim is its event's only one)."""

    id: str
    text: str
    status: ClaimStatus
    kind: ClaimKind
    outlets: list[str]
    support: list[Support]
    conflict: Conflict | None = None
    slots: Slots | None = field(default=None, metadata=OMIT_IF_NONE)
    event: str | None = None


@dataclass
class SummarySentence:
    """One sentence of a story's neutral summary with the articles that support it."""

    text: str
    citations: list[str]
    status: str
    # The cited sentences themselves (article id, sentence index), for links to the source.
    support: list[Support] = field(default_factory=list)


@dataclass
class TimelineEvent:
    """A dated event of a story with the articles that report it."""

    date: str
    text: str
    articles: list[str]
    # The sentences that report it (article id, sentence index), for links to the source.
    support: list[Support] = field(default_factory=list)


@dataclass
class NamingTerm:
    """One way an outlet names a referent, and how often it does."""

    term: str
    count: int


@dataclass
class Naming:
    """How each outlet names one referent (an event, a relationship, a person or group).

    ``entity``: the entity key of a named referent; ``heads``: the head nouns of a phrase
    referent per outlet ("visit", "trip").
    """

    referent: str
    kind: str
    entity: str | None = field(default=None, metadata=OMIT_IF_NONE)
    by_outlet: dict[str, list[NamingTerm]] = field(default_factory=dict)
    heads: dict[str, dict[str, int]] | None = field(default=None, metadata=OMIT_IF_NONE)


@dataclass
class LoadedTerm:
    """A loaded word (or scare quote) in one article, with the sentence it is in."""

    article: str
    term: str
    category: str
    sentence: int | None


@dataclass
class ToneFigure:
    """The mean tone (VADER compound, -1..+1) of an outlet's sentences naming an entity, with
    a bootstrap interval (``low``..``high``) and the number of sentences ``n``."""

    mean: float | None = None
    low: float | None = None
    high: float | None = None
    n: int = 0


@dataclass
class EntityTone:
    """How each outlet's sentences naming one of a story's main entities sound."""

    name: str
    by_outlet: dict[str, ToneFigure] = field(default_factory=dict)


@dataclass
class Framing:
    """How the outlets of a story frame it (the compare stage's ``framing``).

    ``loaded_term_rates`` and ``sources_quoted`` are per-outlet tables (see
    ``schema/analysis.schema.json``); ``tone``: entity key -> its tone per outlet;
    ``witnesses``: claim id -> the independent witness groups (outlets) behind it;
    ``wire_credits``: article id -> the wire agencies it credits.
    """

    naming: list[Naming] = field(default_factory=list)
    loaded_terms: list[LoadedTerm] = field(default_factory=list)
    loaded_term_rates: dict[str, Any] = field(default_factory=dict)
    sources_quoted: dict[str, Any] = field(default_factory=dict)
    tone: dict[str, EntityTone] = field(default_factory=dict)
    witnesses: dict[str, list[list[str]]] = field(default_factory=dict)
    wire_credits: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Story:
    """Articles about one real-world event, and the comparison of how outlets report it."""

    id: str
    title: str
    articles: list[str]
    outlets: list[str]
    first_published: str | None = None
    last_published: str | None = None
    date_anchor: str | None = None
    claims: list[Claim] = field(default_factory=list)
    omissions: dict[str, list[str]] = field(default_factory=dict)
    framing: Framing = field(default_factory=Framing)
    summary: list[SummarySentence] = field(default_factory=list)
    timeline: list[TimelineEvent] = field(default_factory=list)
    # The articles the comparison and summary read, when the story had more than they take
    # (``compare.compared_articles``); None: all of them.
    compared_articles: list[str] | None = None


def to_dict(obj: Any) -> dict[str, Any]:
    """Dataclass -> plain JSON-ready dict (nested dataclasses included).

    The same result as ``dataclasses.asdict`` (less the optional fields that are ``None``, see
    ``OMIT_IF_NONE``), several times faster: strings and numbers are
    shared instead of passed through ``copy.deepcopy`` and each class's fields are looked up
    once.
    """
    cls: Any = type(obj)
    if _field_names(cls) is None:
        raise TypeError("to_dict() should be called on dataclass instances")
    out: dict[str, Any] = _plain(obj)
    return out


_ATOMIC = frozenset({str, int, float, bool, type(None)})  # immutable: deepcopy returns them


@functools.cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The field names of a dataclass type, ``None`` for any other type."""
    if not is_dataclass(cls):
        return None
    return tuple(f.name for f in fields(cls))


@functools.cache
def _optional_names(cls: type) -> frozenset[str]:
    """The fields of a dataclass type that ``to_dict`` leaves out while ``None``."""
    return frozenset(f.name for f in fields(cls) if f.metadata.get("omit_if_none"))


def _plain(obj: Any) -> Any:
    """``dataclasses._asdict_inner`` with fast paths for the common types."""
    cls: Any = type(obj)
    if cls in _ATOMIC:
        return obj
    if cls is list:
        return [v if type(v) in _ATOMIC else _plain(v) for v in obj]
    if cls is dict:
        return {
            k if type(k) in _ATOMIC else _plain(k): v if type(v) in _ATOMIC else _plain(v)
            for k, v in obj.items()
        }
    names = _field_names(cls)
    if names is not None:
        out = {}
        optional = _optional_names(cls)
        for name in names:
            v = getattr(obj, name)
            if v is None and name in optional:
                continue
            out[name] = v if type(v) in _ATOMIC else _plain(v)
        return out
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple
        return cls(*[_plain(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return cls(_plain(v) for v in obj)
    if isinstance(obj, dict):
        return cls((_plain(k), _plain(v)) for k, v in obj.items())
    return copy.deepcopy(obj)


def from_dict(cls: type[T], data: dict[str, Any]) -> T:
    """Plain dict (as written by ``to_dict``) -> dataclass ``cls``, nested types rebuilt."""
    key: Any = cls  # a class is hashable (the cache's key)
    hints = _type_hints(key)
    kwargs: dict[str, Any] = {}
    for f in fields(cls):  # type: ignore[arg-type]
        if f.name not in data:
            continue
        kwargs[f.name] = _rebuild(hints[f.name], data[f.name])
    return cls(**kwargs)


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    """``typing.get_type_hints(cls)``, computed once per class (it dominates ``from_dict``)."""
    return typing.get_type_hints(cls)


@functools.cache
def _shape(hint: Any) -> tuple[Any, tuple[Any, ...], bool]:
    """(origin, args, is a dataclass) of a type hint, computed once per hint."""
    return typing.get_origin(hint), typing.get_args(hint), is_dataclass(hint)


def _rebuild(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin, args, hint_is_dataclass = _shape(hint)
    if origin in (list, tuple) and args:
        return [_rebuild(args[0], v) for v in value]
    if origin is dict and len(args) == 2:
        return {k: _rebuild(args[1], v) for k, v in value.items()}
    if args and origin is not Literal:  # Optional / Union: take the dataclass member if any
        for arg in args:
            if isinstance(arg, type) and is_dataclass(arg) and isinstance(value, dict):
                return from_dict(arg, value)
        return value
    if hint_is_dataclass and isinstance(value, dict):
        return from_dict(hint, value)
    return value
