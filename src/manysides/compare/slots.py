"""The slots of a claim unit and the rules that decide which sentences may support a claim.

``unit_slots`` reads them off what the analysis already found in the clause: entity mentions
(actors: persons and organisations; place: places), resolved dates, quantities, negation,
modality and the quoted speaker.  The event time is one resolved day or span; a duration
("a four-day visit") that starts on a resolved day is the span it covers.

The status rules: a plan corroborates a plan and never the event, nor the other way round
(``same_modality``), and an article cannot support an event dated after its own publication
(``reported_after``; an undated article: after the latest day it reports).
"""

from __future__ import annotations

from datetime import date, timedelta

from manysides.compare.claims import ACTOR_TYPES, PLACE_TYPES, Unit
from manysides.models import Article, Slots

DAY_UNITS = frozenset({"day", "days"})


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
