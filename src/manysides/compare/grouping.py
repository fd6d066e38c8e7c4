"""Group claim units that state the same thing, across articles.

Pair score = the probability that two units state one fact, by a logistic regression over
named features of the pair (``FEATURES``): meaning similarity (cosine of the embeddings),
shared content words and shared entities (both weighted by how rare they are in the story, so
"China" and "Li" weigh little), agreement and disagreement of the slots: the day (or two spans
over a common day), the numbers,
the quoted speaker, the modality (a plan is not the event) and the polarity, and who did what
to whom by the slots (``same_event``: a related predicate and two named actors in common,
however far apart the wordings' embeddings).  The weights are
plain numbers in ``data/alignment.toml``, learned on ECB+ development topics by
``eval/train_alignment.py``; nothing is fitted at run time.

Only candidate pairs are scored (``candidates``): for each unit its nearest units of other
articles by cosine, and the units sharing a rare entity or word with it; every other pair
scores 0.  Grouping is agglomerative with average linkage: pairs are merged best first while
the pair scores at least ``link`` and the mean score between the two groups at least
``average`` (both from the data file).
"""

from __future__ import annotations

import functools
import logging
import math
import re
import tomllib
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, field
from importlib import resources

import numpy as np

from manysides.compare.claims import ACTOR_TYPES, PLACE_TYPES, Unit, article_units
from manysides.compare.slots import MIN_SHARED_ACTORS, NAMED_TYPES, predicates
from manysides.datafiles import load_data
from manysides.models import Article

log = logging.getLogger(__name__)

FEATURES = (
    "cosine", "words", "entities", "same_day", "other_day", "same_number", "other_number",
    "other_speaker", "other_modality", "other_polarity", "same_place", "other_place",
    "other_actor", "same_event",
)
# Pair features the scorer does not weigh, read by rules after it (compare.toml [support]
# conflicting): ``other_predicate``, both sentences name kinds of event, none the same;
# ``undated_plan``, one states a plan and the other what happened, on no common day.
SLOT_CHECKS = ("other_predicate", "undated_plan")

# nearest units of other articles each unit is compared with: data/compare.toml [grouping]
NEIGHBOURS: int = load_data("compare")["grouping"]["neighbours"]


@dataclass(frozen=True)
class Weights:
    """The learned scorer: one weight per feature, the intercept and the grouping cuts."""

    weights: dict[str, float]
    intercept: float
    link: float
    average: float


@functools.cache
def weights() -> Weights:
    """The weights of ``data/alignment.toml`` (read once per process)."""
    ref = resources.files("manysides") / "data" / "alignment.toml"
    with ref.open("rb") as fh:
        data = tomllib.load(fh)
    missing = set(FEATURES) - set(data["weights"])
    if missing:
        raise ValueError(f"data/alignment.toml: no weight for {sorted(missing)}")
    return Weights({k: float(data["weights"][k]) for k in FEATURES}, float(data["intercept"]),
                   float(data["link"]), float(data["average"]))


def _idf(bags: list[set[str]]) -> dict[str, float]:
    df = Counter(x for bag in bags for x in bag)
    n = len(bags) + 1
    return {x: math.log(n / (c + 0.5)) for x, c in df.items()}


def _incidence(bags: Sequence[Set[str]], weights: dict[str, float]) -> np.ndarray:
    vocab = {x: i for i, x in enumerate(sorted(weights))}
    mat = np.zeros((len(bags), max(1, len(vocab))), dtype=np.float32)
    for row, bag in enumerate(bags):
        for x in bag:
            mat[row, vocab[x]] = max(weights[x], 0.0)
    return mat


def _cosine_rows(mat: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit = mat / norms
    return unit @ unit.T


def _binary(bags: Sequence[Set[str]]) -> np.ndarray:
    """n x items incidence (0/1) of ``bags``."""
    return (_incidence(bags, {x: 1.0 for b in bags for x in b}) > 0).astype(np.float32)


def _share(m: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Per pair (i[k], j[k]): 1 where the two rows of incidence ``m`` share an item."""
    return ((m[i] * m[j]).sum(axis=1) > 0).astype(np.float32)


@dataclass
class Scored:
    """The aligner's scores of a story's units (``score``: n x n, diagonal 1, 0 where not a
    candidate) and the ``unit_tables`` that ``features`` names any pair's features from."""

    score: np.ndarray
    tables: dict[str, np.ndarray]
    _clashes: dict[tuple[str, ...], np.ndarray] = field(default_factory=dict, repr=False)

    def features(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """Each feature of ``FEATURES`` and ``SLOT_CHECKS`` for the pairs (i[k], j[k])."""
        return pair_features(self.tables, i, j)

    def clashes(self, names: tuple[str, ...]) -> np.ndarray:
        """n x n bool, symmetric: the pairs scoring above 0 (the diagonal left out) that have
        any of the features ``names`` set; computed once per set of names, over all pairs
        at once (a story's claims are cut by one rule)."""
        if names not in self._clashes:
            n = len(self.score)
            out = np.zeros((n, n), dtype=bool)
            a, b = np.nonzero(np.triu(self.score > 0, k=1))
            if len(a) and names:
                feats = self.features(a, b)
                hit = np.zeros(len(a), dtype=bool)
                for name in names:
                    hit |= feats[name] != 0
                out[a[hit], b[hit]] = True
                out[b[hit], a[hit]] = True
            self._clashes[names] = out
        return self._clashes[names]


def unit_tables(units: list[Unit]) -> dict[str, np.ndarray]:
    """Per-unit tables the pair features are read from, computed once per story: the n x n
    cosine, words and entities (the candidates are found by them), slot incidences and codes."""
    vecs = np.stack([u.vector for u in units]).astype(np.float32)
    word_bags = [set(u.words) for u in units]
    ent_bags = [set(u.entities) for u in units]
    keys = [_speaker_key(u.person_speaker) for u in units]
    codes = {k: c for c, k in enumerate(sorted({k for k in keys if k}), start=1)}
    return {
        "cosine": vecs @ vecs.T,
        "words": _cosine_rows(_incidence(word_bags, _idf(word_bags))),
        "entities": _cosine_rows(_incidence(ent_bags, _idf(ent_bags))),
        "days": _binary([set(u.day_keys) for u in units]),
        "period": np.array([u.period for u in units], dtype=bool),
        "predicates": _binary([predicates(u.text) for u in units]),
        "named": _binary([{e for e in u.entities if u.entity_types.get(e) in NAMED_TYPES}
                          for u in units]),
        "spans": _binary([set(u.span_keys) for u in units]),
        "numbers": _binary([{f"{v:g}|{unit}" for v, unit, _ in u.numbers} for u in units]),
        "counted": _binary([{unit for _, unit, _ in u.numbers if unit} for u in units]),
        "places": _binary([{e for e in u.entities if u.entity_types.get(e) in PLACE_TYPES}
                           for u in units]),
        "actors": _binary([{e for e in u.entities if u.entity_types.get(e) in ACTOR_TYPES}
                           for u in units]),
        "speaker": np.array([codes.get(k, 0) if k else 0 for k in keys]),
        "modality": np.array([u.modality for u in units]),
        "negated": np.array([u.negated for u in units]),
    }


def pair_features(t: dict[str, np.ndarray], i: np.ndarray,
                  j: np.ndarray) -> dict[str, np.ndarray]:
    """Each feature of ``FEATURES`` and ``SLOT_CHECKS`` for the pairs (i[k], j[k]) (1-D
    float32 arrays), from the story's ``unit_tables``."""

    def both(m: np.ndarray) -> np.ndarray:
        has = m.sum(axis=1) > 0
        return (has[i] & has[j]).astype(np.float32)

    # one day named by both, or two spans over a common day ("April 16 to 19" / "a four-day
    # visit from Sunday"); other days: both name days, none the same (a span says nothing
    # against a day: "arrived on Sunday for a two-day summit" is not Monday's signing)
    named_day = _share(t["days"], i, j)
    # a day against a stretch of past time named without one ("met on Tuesday" / "ties have
    # grown in recent years"): other days too
    dated = t["days"].sum(axis=1) > 0
    vague = t["period"] & ~dated
    other_day = np.maximum(both(t["days"]) * (1 - named_day),
                           ((vague[i] & dated[j]) | (dated[i] & vague[j])).astype(np.float32))
    same_day = np.maximum(named_day, _share(t["spans"], i, j))
    same_number = _share(t["numbers"], i, j)
    same_place = _share(t["places"], i, j)
    same_predicate = _share(t["predicates"], i, j)
    shared_actors = (t["named"][i] * t["named"][j]).sum(axis=1)
    spoken = t["speaker"]
    other_modality = (t["modality"][i] != t["modality"][j]).astype(np.float32)
    return {
        "cosine": t["cosine"][i, j],
        "words": t["words"][i, j],
        "entities": t["entities"][i, j],
        "same_day": same_day,
        "other_day": other_day,
        "same_number": same_number,
        "other_number": _share(t["counted"], i, j) * (1 - same_number),
        "other_speaker": ((spoken[i] > 0) & (spoken[j] > 0)
                          & (spoken[i] != spoken[j])).astype(np.float32),
        "other_modality": other_modality,
        "other_polarity": (t["negated"][i] != t["negated"][j]).astype(np.float32),
        "same_place": same_place,
        "other_place": both(t["places"]) * (1 - same_place),
        "other_actor": both(t["actors"]) * (1 - _share(t["actors"], i, j)),
        # who did what to whom by the slots (as compare.slots.slots_agree): one kind of event
        # however worded ("met" / "held talks"; compare.toml [predicates]), two named persons
        # or organisations in common, one modality and polarity, no day named against it
        "same_event": same_predicate * (shared_actors >= MIN_SHARED_ACTORS)
        * (t["modality"][i] == t["modality"][j]) * (t["negated"][i] == t["negated"][j])
        * (1 - other_day),
        # both name kinds of event, none the same ("welcomed" / "will pay a visit"): one
        # event's two facts at most (a SLOT_CHECKS feature: compare.toml [support])
        "other_predicate": both(t["predicates"]) * (1 - same_predicate),
        # a plan and what happened, no day or span in common ("will regularly hold joint
        # exercises" / "held joint drills"): two facts; a preview and the report of its
        # event name the event's day ("is to start a four-day visit on Sunday" / "arrived on
        # Sunday"), and a plan corroborates only the plan (compare.slots.same_modality)
        "undated_plan": other_modality * (1 - same_day),
    }


def candidates(units: list[Unit], cosine: np.ndarray, words: np.ndarray,
               entities: np.ndarray) -> np.ndarray:
    """n x n bool: the pairs worth scoring (never all pairs of a large story).

    A unit's ``NEIGHBOURS`` nearest units of other articles by cosine, and those sharing
    rare words or entities with it (word cosine or entity overlap at least 0.5); symmetric.
    """
    n = len(units)
    article = np.array([u.article for u in units])
    other = article[:, None] != article[None, :]
    keep = other & ((words >= 0.5) | (entities >= 0.5))
    if n > NEIGHBOURS:
        masked = np.where(other, cosine, -np.inf)
        nearest = np.argpartition(-masked, NEIGHBOURS - 1, axis=1)[:, :NEIGHBOURS]
        rows = np.repeat(np.arange(n), NEIGHBOURS)
        keep[rows, nearest.ravel()] = True
    else:
        keep |= other
    keep &= other
    return keep | keep.T


def probability(feats: dict[str, np.ndarray], w: Weights) -> np.ndarray:
    """The logistic regression's probability for pairs with these features."""
    logit = np.full(len(feats["cosine"]), w.intercept, dtype=np.float32)
    for name in FEATURES:
        logit += np.float32(w.weights[name]) * feats[name]
    return (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)


def score_matrix(units: list[Unit], w: Weights | None = None) -> Scored:
    """Probability that two units state one fact (n x n, symmetric, diagonal 1; pairs that
    are not candidates, and pairs of one article, score 0); features only for candidates."""
    n = len(units)
    if n == 0:
        return Scored(np.zeros((0, 0), dtype=np.float32), {})
    tables = unit_tables(units)
    i, j = np.nonzero(np.triu(candidates(units, tables["cosine"], tables["words"],
                                         tables["entities"]), k=1))
    score = np.zeros((n, n), dtype=np.float32)
    if len(i):
        p = probability(pair_features(tables, i, j), w or weights())
        score[i, j] = p
        score[j, i] = p
    np.fill_diagonal(score, 1.0)
    return Scored(score, tables)


class SentenceAligner:
    """The aligner's pair probability between two whole sentences of a story, for checks made
    after the comparison (a summary citation): the features of ``pair_features`` over the
    story's sentence units (rarity of words and entities counted over the story), the cosine
    given by the caller's own embedding of the two texts."""

    def __init__(self, articles: list[Article]) -> None:
        units = [u for a in articles
                 for u in article_units(a, None, a.outlet or a.id, split=False)]
        self.units = units
        self.index = {(u.article, u.sentence): k for k, u in enumerate(units)}
        self.tables = unit_tables(units) if units else {}
        self.speakers = [set(_NAME_WORD.findall(u.person_speaker.lower()))
                         if u.person_speaker and _speaker_key(u.person_speaker) else set()
                         for u in units]

    def unit(self, key: tuple[str, int]) -> Unit | None:
        """The sentence unit of ``key`` ((article id, sentence index)); None if not a claim."""
        k = self.index.get(key)
        return None if k is None else self.units[k]

    def same_claim(self, a: tuple[str, int], b: tuple[str, int], cosine: float, *,
                   link: float, conflicting: tuple[str, ...], text: str = "") -> bool:
        """Whether sentences ``a`` and ``b`` ((article id, sentence index)), their embedding
        cosine being ``cosine``, state one fact by the rule that makes sentences one claim's
        support: pair probability at least ``link``, none of the ``conflicting`` features
        set.  When ``text`` (what is stated from ``a``, as a summary words it) names the
        person whose words ``a`` gives, ``b`` must give that person's words too: a sentence
        in the outlet's own voice does not state what the person said (who asserts a claim
        is one of its slots).  False for a sentence that is not a claim unit (too short)."""
        if a not in self.index or b not in self.index:
            return False
        ia, ib = self.index[a], self.index[b]
        spoken = self.tables["speaker"]
        if self.speakers[ia] & set(_NAME_WORD.findall(text.lower())) and spoken[ib] != spoken[ia]:
            return False
        feats = pair_features(self.tables, np.array([ia]), np.array([ib]))
        feats["cosine"] = np.array([cosine], dtype=np.float32)
        if any(feats[name][0] for name in conflicting):
            return False
        return float(probability(feats, weights())[0]) >= link


_NAME_WORD = re.compile(r"\w+")
_GENERIC_SPEAKERS = {"analysts", "experts", "observers", "officials", "sources", "critics"}


def _speaker_key(speaker: str | None) -> str | None:
    """A comparable form of a quoted speaker's name (its last word); None for groups."""
    if not speaker:
        return None
    last = speaker.lower().split()[-1].strip(".,")
    return None if last in _GENERIC_SPEAKERS else last


def group_units(
    units: list[Unit], scores: np.ndarray, *, link: float | None = None,
    average: float | None = None, cross_only: bool = False,
) -> list[list[int]]:
    """Indices of ``units`` grouped by average-linkage agglomeration over ``scores``.

    With ``cross_only`` the mean between two groups is taken over their pairs of different
    articles: a pair of one article is never scored (0), so it says nothing against a merge.
    """
    link = weights().link if link is None else link
    average = weights().average if average is None else average
    n = len(units)
    article = np.array([u.article for u in units])
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    iu, ju = np.triu_indices(n, k=1)
    if n > 1:
        vals = scores[iu, ju]
        keep = vals >= link
        order = np.argsort(-vals[keep], kind="stable")
        pairs = list(zip(iu[keep][order].tolist(), ju[keep][order].tolist(), strict=True))
    else:
        pairs = []
    for i, j in pairs:
        a, b = owner[i], owner[j]
        if a == b:
            continue
        ga, gb = members[a], members[b]
        block = scores[np.ix_(ga, gb)]
        if cross_only:
            block = block[article[ga][:, None] != article[gb][None, :]]
        if float(block.mean()) < average:
            continue
        if len(gb) > len(ga):
            a, b, ga, gb = b, a, gb, ga
        ga.extend(gb)
        for k in gb:
            owner[k] = a
        del members[b]
    groups = [sorted(g) for g in members.values()]
    groups.sort(key=lambda g: g[0])
    log.debug("grouped %d units into %d groups", n, len(groups))
    return groups


def secondary_support(
    units: list[Unit], groups: list[list[int]], scores: np.ndarray,
    *, link: float | None = None, average: float | None = None,
) -> list[list[int]]:
    """Per group, units of other groups that would also have joined it.

    A sentence often states several things ("Putin welcomed Li to Moscow on Sunday for a
    four-day visit"); grouping gives each unit one group, this adds it as support to any other
    group of another article whose members it matches as well as a merge would require.
    """
    link = weights().link if link is None else link
    average = weights().average if average is None else average
    extra: list[list[int]] = []
    for group in groups:
        articles = {units[i].article for i in group}
        found = []
        for u in np.where(scores[:, group].max(axis=1) >= link)[0].tolist():
            if u in group or units[u].article in articles:
                continue
            if float(scores[u, group].mean()) >= average:
                found.append(u)
        extra.append(found)
    return extra
