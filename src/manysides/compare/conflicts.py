"""Contradictions inside a claim group: a number, a date, a name, or a negation disagrees.

Every check compares *independent* witnesses only (two sentences of one outlet never contest
each other) and returns a :class:`~manysides.models.Conflict` (type, sides) or ``None``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from manysides.compare.claims import Unit
from manysides.datafiles import load_data
from manysides.lexicons import matcher
from manysides.models import Conflict, ConflictSide, Support

log = logging.getLogger(__name__)

_CONFLICTS = load_data("compare")["conflicts"]  # data/compare.toml [conflicts]
NAME_MIN_COSINE: float = _CONFLICTS["name_min_cosine"]  # near-paraphrases with differing names
DATE_MIN_COSINE: float = _CONFLICTS["date_min_cosine"]  # ... with differing dates
NEGATION_MIN_COSINE: float = _CONFLICTS["negation_min_cosine"]  # ... one denies the other
NAME_TYPES = ("PERSON", "ORG")


def _side(units: list[Unit], members: list[int], value: Any) -> ConflictSide:
    return ConflictSide(
        outlets=sorted({units[i].outlet for i in members}),
        value=value,
        support=[Support(units[i].article, units[i].sentence) for i in members],
    )


def _split_witnesses(
    sides: dict[Any, list[int]], witness: Callable[[int], str]
) -> dict[Any, list[int]] | None:
    """Keep the sides only if at least two are held by witnesses not on every side."""
    owners = {value: {witness(i) for i in members} for value, members in sides.items()}
    if len(owners) < 2:
        return None
    everywhere = set.intersection(*owners.values())
    distinct = [v for v, w in owners.items() if w - everywhere]
    if len(distinct) < 2:
        return None
    return {v: sides[v] for v in distinct}


def number_conflict(
    units: list[Unit], group: list[int], witness: Callable[[int], str]
) -> Conflict | None:
    """Numbers of the same unit (e.g. "people", "aircraft") that differ between witnesses."""
    by_unit: dict[str, dict[int, set[float]]] = defaultdict(dict)
    for i in group:
        for value, unit, _text in units[i].numbers:
            if unit:
                by_unit[unit].setdefault(i, set()).add(value)
    for unit, values in sorted(by_unit.items()):
        if len(values) < 2:
            continue
        sides: dict[Any, list[int]] = defaultdict(list)
        for i, vals in values.items():
            sides[tuple(sorted(vals))].append(i)
        if len(sides) < 2:
            continue
        # a sentence giving several values for the unit may hold the other side's too
        keys = list(sides)
        if any(set(a) & set(b) for a in keys for b in keys if a != b):
            continue
        kept = _split_witnesses(dict(sides), witness)
        if kept:
            return Conflict(
                type="number",
                unit=unit,
                sides=[
                    _side(units, m, v[0] if len(v) == 1 else list(v)) for v, m in kept.items()
                ],
            )
    return None


def date_conflict(
    units: list[Unit], group: list[int], witness: Callable[[int], str], scores: np.ndarray
) -> Conflict | None:
    """Resolved day-dates that do not overlap between witnesses of near-paraphrases."""
    days = {i: {d for d in units[i].dates if len(d) == 10} for i in group}
    dated = [i for i in group if len(days[i]) == 1]
    if len(dated) < 2:
        return None
    for a in dated:
        for b in dated:
            if a >= b or witness(a) == witness(b) or days[a] & days[b]:
                continue
            if float(units[a].vector @ units[b].vector) < DATE_MIN_COSINE:
                continue
            sides: dict[Any, list[int]] = defaultdict(list)
            for i in dated:
                if days[i] & days[a] and not days[i] & days[b]:
                    sides[min(days[a])].append(i)
                elif days[i] & days[b] and not days[i] & days[a]:
                    sides[min(days[b])].append(i)
            kept = _split_witnesses(dict(sides), witness)
            if kept:
                return Conflict("date", sides=[_side(units, m, v) for v, m in kept.items()])
    return None


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def name_conflict(
    units: list[Unit],
    group: list[int],
    witness: Callable[[int], str],
    names: dict[str, str],
) -> Conflict | None:
    """Near-paraphrases that name a different person/organisation/place in the same slot."""
    for a in group:
        for b in group:
            if a >= b or witness(a) == witness(b):
                continue
            ua, ub = units[a], units[b]
            if float(ua.vector @ ub.vector) < NAME_MIN_COSINE:
                continue
            for etype in NAME_TYPES:
                ea = {k for k, t in ua.entity_types.items() if t == etype}
                eb = {k for k, t in ub.entity_types.items() if t == etype}
                only_a, only_b = ea - eb, eb - ea
                if len(only_a) == 1 and len(only_b) == 1 and len(ea) == len(eb):
                    ka, kb = next(iter(only_a)), next(iter(only_b))
                    na, nb = names.get(ka, ka), names.get(kb, kb)
                    if _squash(na) in _squash(ub.text) or _squash(nb) in _squash(ua.text):
                        continue
                    return Conflict(
                        type="name",
                        entity_type=etype,
                        sides=[
                            _side(units, [a], names.get(ka, ka)),
                            _side(units, [b], names.get(kb, kb)),
                        ],
                    )
    return None


def negation_conflict(
    units: list[Unit], group: list[int], witness: Callable[[int], str]
) -> Conflict | None:
    """One witness negates what another affirms (the negation governs a shared content word)."""
    negated = [i for i in group if units[i].negated]
    affirmed = [i for i in group if not units[i].negated]
    if not negated or not affirmed:
        return None
    affirmed_words = set().union(*(set(units[i].words) for i in affirmed))
    real_neg = [i for i in negated if set(units[i].negation_scope) & affirmed_words]
    real_aff = [
        i
        for i in affirmed
        if any(
            set(units[i].words) & set(units[j].negation_scope)
            and float(units[i].vector @ units[j].vector) >= NEGATION_MIN_COSINE
            and witness(i) != witness(j)
            for j in real_neg
        )
    ]
    if not real_aff:
        return None
    real_neg = [
        j
        for j in real_neg
        if any(
            set(units[i].words) & set(units[j].negation_scope)
            and float(units[i].vector @ units[j].vector) >= NEGATION_MIN_COSINE
            for i in real_aff
        )
    ]
    kept = _split_witnesses({"denies": real_neg, "affirms": real_aff}, witness)
    if not kept:
        return None
    return Conflict("negation", sides=[_side(units, m, v) for v, m in kept.items()])


CROSS_NEGATION_SCORE: float = _CONFLICTS["cross_negation_score"]  # denial + assertion: disputed
CROSS_NEGATION_COSINE: float = _CONFLICTS["cross_negation_cosine"]
RARE_SHARE: float = _CONFLICTS["rare_share"]  # a word in at most this share of claims is "rare"


def denial_pairs(units: list[Unit], scores: np.ndarray, witness: Callable[[int], str]
                 ) -> list[tuple[int, int]]:
    """(denying unit, affirming unit) pairs that grouping kept apart but that dispute one thing.

    "China did not provide weapons" and "China is facing accusations of shipping weapons" are
    too unlike for grouping; they are paired when the denial has a named subject that the other
    sentence names too, a word the negation governs ("weapons") is rare in the story and also
    in the other sentence, and the two are still fairly alike.
    """
    df: dict[str, int] = defaultdict(int)
    for u in units:
        for w in set(u.words):
            df[w] += 1
    rare_max = max(2, int(RARE_SHARE * len(units)))
    pairs = []
    for i, u in enumerate(units):
        if not (u.negated and u.negation_subject and u.negation_scope):
            continue
        scope = {w for w in u.negation_scope if df[w] <= rare_max}
        if not scope:
            continue
        for j, v in enumerate(units):
            if v.negated or witness(i) == witness(j) or not scope & set(v.words):
                continue
            if u.negation_subject not in v.text:
                continue
            if scores[i, j] >= CROSS_NEGATION_SCORE and float(u.vector @ v.vector) >= (
                CROSS_NEGATION_COSINE
            ):
                pairs.append((i, j))
    return pairs


NUMBER_LINK_SCORE: float = _CONFLICTS["number_link_score"]  # two counts: one disputed claim
NUMBER_LINK_COSINE: float = _CONFLICTS["number_link_cosine"]
COUNTED_MIN_COSINE: float = _CONFLICTS["counted_min_cosine"]  # ... both count the same thing


def counted_what(text: str) -> set[str]:
    """What the counts in a sentence count: "deaths", "detained"... (``compare.toml``)."""
    return {
        name for name in load_data("compare").get("counted", {})
        if matcher("compare", "counted", name).search(text)
    }



def number_pairs(units: list[Unit], scores: np.ndarray, witness: Callable[[int], str]
                 ) -> list[tuple[int, int]]:
    """Pairs of units of different witnesses that give different counts of the same thing
    ("killing at least 15 people" / "took the lives of more than 30 people") and are alike
    enough to be about one event; neither may also give the other's figure."""
    counted = [i for i, u in enumerate(units) if any(unit for _, unit, _ in u.numbers)]
    what = {i: counted_what(units[i].text) for i in counted}
    pairs = []
    for x, i in enumerate(counted):
        vi = {(unit, v) for v, unit, _ in units[i].numbers if unit}
        for j in counted[x + 1 :]:
            if witness(i) == witness(j):
                continue
            cosine = float(units[i].vector @ units[j].vector)
            same_count = bool(what[i] & what[j]) and cosine >= COUNTED_MIN_COSINE
            if not same_count and (
                scores[i, j] < NUMBER_LINK_SCORE or cosine < NUMBER_LINK_COSINE
            ):
                continue
            vj = {(unit, v) for v, unit, _ in units[j].numbers if unit}
            shared_units = {u for u, _ in vi} & {u for u, _ in vj}
            for unit in shared_units:
                a = {v for u, v in vi if u == unit}
                b = {v for u, v in vj if u == unit}
                if a.isdisjoint(b):
                    pairs.append((i, j))
                    break
    return pairs


def find_conflict(
    units: list[Unit],
    group: list[int],
    witness: Callable[[int], str],
    scores: np.ndarray,
    names: dict[str, str],
) -> Conflict | None:
    """The first contradiction found in a group (number, date, name, negation), or ``None``."""
    if len({witness(i) for i in group}) < 2:
        return None
    return (
        number_conflict(units, group, witness)
        or date_conflict(units, group, witness, scores)
        or name_conflict(units, group, witness, names)
        or negation_conflict(units, group, witness)
    )
