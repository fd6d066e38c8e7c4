"""The slots of a claim unit and the rules that decide which sentences may support a claim.

``unit_slots`` reads them off what the analysis already found in the clause: entity mentions
(actors: persons and organisations; place: places), resolved dates, quantities, negation,
modality and the quoted speaker.  The event time is one resolved day or span; a duration
("a four-day visit") that starts on a resolved day is the span it covers.

The status rules: a plan corroborates a plan and never the event, nor the other way round
(``same_modality``), and an article cannot support an event dated after its own publication
(``reported_after``; an undated article: after the latest day it reports).

``slots_agree`` recognises two wordings of one event by their slots rather than by meaning
similarity: the same actors, the same day, a related predicate (``compare.toml``
[predicates]), the same modality and polarity.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from manysides.compare.claims import ACTOR_TYPES, DAY_UNITS, PLACE_TYPES, Unit, outside_quotes
from manysides.datafiles import load_data
from manysides.lexicons import matcher
from manysides.models import Article, Slots


def _day(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


def event_time(unit: Unit) -> str | None:
    """The event's resolved date or span ("a/b"): the first resolved date of the clause; a
    single day with a duration in days ("four-day", "for three days") is the span from it."""
    if not unit.dates:
        return None
    first = unit.dates[0]
    start = _day(first) if len(first) == 10 else None
    if start is not None:
        for value, unit_name, _text in unit.numbers:
            if unit_name in DAY_UNITS and 1 < value <= 60 and value == int(value):
                end = start + timedelta(days=int(value) - 1)
                return f"{start.isoformat()}/{end.isoformat()}"
    return first


def unit_slots(unit: Unit) -> Slots:
    """The slots of one claim unit."""
    by_type = unit.entity_types
    return Slots(
        actors=sorted(e for e in unit.entities if by_type.get(e) in ACTOR_TYPES),
        time=event_time(unit),
        place=sorted(e for e in unit.entities if by_type.get(e) in PLACE_TYPES),
        quantities=[f"{value:g} {name}" if name else f"{value:g}"
                    for value, name, _text in unit.numbers],
        polarity="negative" if unit.negated else "positive",
        modality=unit.modality,  # type: ignore[arg-type]
        asserted_by=unit.speaker,
    )


def written_on(article: Article) -> date | None:
    """The day an article was written: its publication day, else the latest day it reports."""
    if article.published:
        day = _day(article.published)
        if day is not None:
            return day
    found = [_day(d.resolved) for d in (article.analysis.dates if article.analysis else [])
             if d.resolved and len(d.resolved) == 10]
    days = [d for d in found if d is not None]
    return max(days) if days else None


def time_start(time: str | None) -> date | None:
    """The first day of a resolved date or span."""
    return _day(time) if time and len(time) >= 10 else None


def same_modality(claim: Slots, unit: Unit) -> bool:
    """A plan corroborates a plan, what happened corroborates what happened (a denial or an
    allegation is a side of a dispute and may stand against either)."""
    plans = {claim.modality == "planned", unit.modality == "planned"}
    return len(plans) == 1 or "happened" not in (claim.modality, unit.modality)


def reported_after(claim: Slots, written: date | None) -> bool:
    """False when an article written on ``written`` would report the claim's event before its
    first day (it cannot state it; a plan may be written any time)."""
    start = time_start(claim.time)
    if claim.modality != "happened" or start is None or written is None:
        return True
    return written >= start


PREDICATES_CACHE_SIZE = 1 << 16  # sentences; bounded for long-running watchers


@functools.cache
def _predicate_classes() -> tuple[str, ...]:
    return tuple(load_data("compare")["predicates"])


@functools.lru_cache(maxsize=PREDICATES_CACHE_SIZE)
def predicates(text: str) -> frozenset[str]:
    """The predicate classes (``compare.toml`` [predicates]) whose words ``text`` holds, outside
    direct quotes.  Cached: the grouping and the summary's checks read the same sentences."""
    bare = outside_quotes(text)
    return frozenset(name for name in _predicate_classes()
                     if matcher("compare", "predicates", name).search(bare))


MIN_SHARED_ACTORS = 2  # who did what to whom: an actor and a target, both named
NAMED_TYPES = frozenset({"PERSON", "ORG"})  # actors a sentence names (not "Chinese", NORP)
_TOKEN = re.compile(r"[\w'\u2019-]+")
# A name right after one of these ("met in Kremlin", "at Dover Castle") says where, not who.
LOCATIVE = frozenset({"in", "at", "inside", "outside", "near"})


def _actor_words(text: str) -> set[str]:
    """The capitalised words of ``text`` (lower-cased) that may name an actor: those of a run
    of capitalised words not led by a locative preposition."""
    tokens = _TOKEN.findall(text)
    out: set[str] = set()
    run: list[str] = []
    before = ""
    for tok in [*tokens, ""]:
        if tok[:1].isupper():
            run.append(tok.lower())
            continue
        if run and before not in LOCATIVE:
            out.update(run)
        run, before = [], tok.lower()
    return out


def slots_agree(a: Unit, b: Unit, text: str, names: dict[str, list[str]]) -> bool:
    """Whether ``b`` states the event ``text`` words (written from ``a``) by the slots: every
    person or organisation of ``a`` that ``text`` names (``names``: entity key -> its name and
    aliases; a word of one capitalised in ``text``, not after ``LOCATIVE``; at least
    ``MIN_SHARED_ACTORS`` of them) is one of ``b``, the two share a resolved day, a
    predicate class, their modality and their polarity."""
    words = _actor_words(text)
    actors_b = {e for e in b.entities if b.entity_types.get(e) in NAMED_TYPES}
    named = {e for e in a.entities if a.entity_types.get(e) in NAMED_TYPES
             and any(w in words for n in names.get(e, []) for w in n.lower().split())}
    return (
        len(named) >= MIN_SHARED_ACTORS
        and named <= actors_b
        and bool(a.day_keys & b.day_keys)
        and a.modality == b.modality
        and a.negated == b.negated
        and bool(predicates(a.text) & predicates(b.text))
    )
