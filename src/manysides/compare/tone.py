"""Tone toward a story's main entities per outlet: VADER over the sentences naming them.

Shown as a mean compound score with a bootstrap 90% interval and the number of sentences,
a figure with its uncertainty, not a verdict.  VADER (Hutto & Gilbert 2014) is a lexicon and
rule model tuned on social media; on news it mostly picks up evaluative words.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from functools import cache, lru_cache

import numpy as np

from manysides.datafiles import load_data
from manysides.models import Article, EntityTone, ToneFigure

log = logging.getLogger(__name__)

_TONE = load_data("compare")["tone"]  # data/compare.toml [tone]
MAIN_ENTITIES: int = _TONE["main_entities"]
MAIN_TYPES = ("PERSON", "GPE", "ORG", "NORP")
BOOTSTRAP_SAMPLES: int = _TONE["bootstrap_samples"]
INTERVAL: float = _TONE["interval"]
SEED = 20230416


@cache
def _analyzer():  # -> SentimentIntensityAnalyzer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=8192)  # a sentence naming several main entities is scored once
def compound(text: str) -> float:
    """VADER compound score of ``text`` (-1 very negative .. +1 very positive)."""
    return float(_analyzer().polarity_scores(text)["compound"])


def bootstrap(values: list[float], *, samples: int = BOOTSTRAP_SAMPLES) -> ToneFigure:
    """Mean of ``values`` with a percentile bootstrap ``INTERVAL`` interval and n."""
    arr = np.asarray(values, dtype=float)
    n = len(arr)
    if n == 0:
        return ToneFigure()
    mean = float(arr.mean())
    if n == 1:
        return ToneFigure(round(mean, 3), round(mean, 3), round(mean, 3), 1)
    rng = np.random.default_rng(SEED)
    means = arr[rng.integers(0, n, size=(samples, n))].mean(axis=1)
    tail = (1 - INTERVAL) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return ToneFigure(round(mean, 3), round(float(low), 3), round(float(high), 3), n)


def main_entities(articles: list[Article], outlets: dict[str, str]) -> list[tuple[str, str]]:
    """(key, name) of the entities named by most outlets, then most often, in the story."""
    by_outlets: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for a in articles:
        if not a.analysis:
            continue
        types = {e.key: e for e in a.analysis.entities}
        for m in a.analysis.mentions:
            ent = types.get(m.entity)
            if ent is None or ent.type not in MAIN_TYPES:
                continue
            by_outlets[m.entity].add(outlets[a.id])
            counts[m.entity] += 1
            names.setdefault(m.entity, ent.name)
    ranked = sorted(counts, key=lambda k: (-len(by_outlets[k]), -counts[k], k))
    return [(k, names[k]) for k in ranked[:MAIN_ENTITIES]]


def tone(articles: list[Article], outlets: dict[str, str]) -> dict[str, EntityTone]:
    """Entity key -> the tone of each outlet's sentences naming it (main entities only)."""
    result: dict[str, EntityTone] = {}
    for key, name in main_entities(articles, outlets):
        scores: dict[str, list[float]] = defaultdict(list)
        for a in articles:
            if not a.analysis:
                continue
            sents = {m.sentence for m in a.analysis.mentions if m.entity == key}
            for s in a.analysis.sentences:
                if s.index in sents:
                    scores[outlets[a.id]].append(compound(s.text))
        result[key] = EntityTone(name, {o: bootstrap(v) for o, v in sorted(scores.items())})
    return result
