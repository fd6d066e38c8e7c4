"""Group claim units that state the same thing, across articles.

Pair score = a weighted mix of meaning similarity (cosine of the sentence embeddings) and
agreement of what the sentences are about: shared content words and shared entities (both
weighted by how rare they are in the story, so "China" and "Li" weigh little), plus small
bonuses for a shared resolved date or a shared number.  Disagreeing numbers or dates do not
lower the score: claims that disagree must land in one group for the conflict to be seen.

Grouping is agglomerative with average linkage: pairs are merged best first while the pair
scores at least ``LINK`` and the mean score between the two groups at least ``AVERAGE``.
"""

from __future__ import annotations

import logging
import math
from collections import Counter

import numpy as np

from manysides.compare.claims import Unit

log = logging.getLogger(__name__)

W_COSINE = 1.0
W_WORDS = 0.2
W_ENTITIES = 0.15
BONUS_DATE = 0.1  # both name the same single day
BONUS_NUMBER = 0.05  # both give the same number of the same thing
PENALTY_SPEAKER = 0.15  # both report what a named person said, but not the same person
LINK = 0.82  # a pair at least this similar may join two groups
AVERAGE = 0.76  # ... if the groups' mean pair score is at least this


def _idf(bags: list[set[str]]) -> dict[str, float]:
    df = Counter(x for bag in bags for x in bag)
    n = len(bags) + 1
    return {x: math.log(n / (c + 0.5)) for x, c in df.items()}


def _incidence(bags: list[set[str]], weights: dict[str, float]) -> np.ndarray:
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


def _overlap_coefficient(mat: np.ndarray, floor: float) -> np.ndarray:
    """Weighted |A ∩ B| / max(min(|A|, |B|), floor) for rows of a weighted incidence matrix.

    The floor keeps two sentences that share only common items ("China", "Russia") low.
    """
    binary = (mat > 0).astype(np.float32)
    shared = mat @ binary.T  # weight of A's items also in B
    sums = mat.sum(axis=1)
    denom = np.maximum(np.minimum(sums[:, None], sums[None, :]), floor)
    return np.minimum(shared, shared.T) / denom


def _day(resolved: str) -> set[str]:
    """Days a resolved date covers as comparable strings (a range gives its two ends)."""
    parts = resolved.split("/")
    return {p[:10] for p in parts if len(p) >= 10}


def score_matrix(units: list[Unit]) -> np.ndarray:
    """Pairwise similarity of claim units (n x n, symmetric, diagonal 1)."""
    n = len(units)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    vecs = np.stack([u.vector for u in units]).astype(np.float32)
    cos = vecs @ vecs.T
    word_bags = [set(u.words) for u in units]
    words = _cosine_rows(_incidence(word_bags, _idf(word_bags)))
    ent_bags = [set(u.entities) for u in units]
    ent_idf = _idf(ent_bags)
    floor = 2 * math.log(len(units) + 1) if units else 1.0  # two entities named once each
    ents = _overlap_coefficient(_incidence(ent_bags, ent_idf), floor)
    score = W_COSINE * cos + W_WORDS * words + W_ENTITIES * ents
    date_bags = [set(u.day_keys) for u in units]
    if any(date_bags):
        dm = (_incidence(date_bags, {d: 1.0 for b in date_bags for d in b}) > 0).astype(
            np.float32
        )
        score += BONUS_DATE * ((dm @ dm.T) > 0)
    num_bags = [{f"{v:g}|{unit}" for v, unit, _ in u.numbers} for u in units]
    if any(num_bags):
        nm = (_incidence(num_bags, {x: 1.0 for b in num_bags for x in b}) > 0).astype(
            np.float32
        )
        score += BONUS_NUMBER * ((nm @ nm.T) > 0)
    keys = [_speaker_key(u.person_speaker) for u in units]
    codes = {k: c for c, k in enumerate(sorted({k for k in keys if k}), start=1)}
    spoken = np.array([codes.get(k, 0) if k else 0 for k in keys])
    both = (spoken[:, None] > 0) & (spoken[None, :] > 0)
    score -= PENALTY_SPEAKER * (both & (spoken[:, None] != spoken[None, :]))
    np.fill_diagonal(score, 1.0)
    return score.astype(np.float32)


_GENERIC_SPEAKERS = {"analysts", "experts", "observers", "officials", "sources", "critics"}


def _speaker_key(speaker: str | None) -> str | None:
    """A comparable form of a quoted speaker's name (its last word); None for groups."""
    if not speaker:
        return None
    last = speaker.lower().split()[-1].strip(".,")
    return None if last in _GENERIC_SPEAKERS else last


def group_units(
    units: list[Unit], scores: np.ndarray, *, link: float = LINK, average: float = AVERAGE
) -> list[list[int]]:
    """Indices of ``units`` grouped by average-linkage agglomeration over ``scores``."""
    n = len(units)
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
        if float(scores[np.ix_(ga, gb)].mean()) < average:
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
    *, link: float = LINK, average: float = AVERAGE,
) -> list[list[int]]:
    """Per group, units of other groups that would also have joined it.

    A sentence often states several things ("Putin welcomed Li to Moscow on Sunday for a
    four-day visit"); grouping gives each unit one group, this adds it as support to any other
    group of another article whose members it matches as well as a merge would require.
    """
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
