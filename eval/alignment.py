"""ECB+ dev: cross-document sentence alignment of the claim groups, pairwise P/R/F1.

The articles go in as manysides' JSONL input (ingest, analyze and sentence embeddings by the
real stages, into the analysed store that ``stories`` caches); then each ECB+ *topic* (both its
sub-topics, so the other incident of the same event type supplies hard negatives) is compared
as one story by ``compare_story``.  Gold, as ../shared/eval/README.md defines it: every pair of
validated body sentences in different documents of one topic is positive when their ``events``
intersect; predicted positive when the support of one event (``claim_groups``) holds both.
A gold sentence is the sentence of manysides' own split of the clean text holding >= 80% of
its lowercase word tokens.  Beside it, in the same run: a TF-IDF cosine between the two
sentences at the best of the thresholds 0.2-0.5, and the "every pair positive" reference.

Topics are split by number for the learned aligner (``eval/train_alignment.py``): the fitting
part and the held-out part (``HELD_OUT``) are reported separately as well.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import stories
from basil import tfidf_matrix

log = logging.getLogger(__name__)

TFIDF_THRESHOLDS = (0.2, 0.3, 0.4, 0.5)
GOLD_TOKEN_SHARE = 0.8
_TOKENS = re.compile(r"\w+")


def held_out(topic: int) -> bool:
    """Topics kept out of fitting the aligner's weights (every fourth topic)."""
    return topic % 4 == 0


Key = tuple[str, int]  # (article id, sentence index in manysides' split)


@dataclass
class Topic:
    """One ECB+ topic: its analysed articles and the gold sentences found in them."""

    topic: int
    articles: list[Any]  # manysides.models.Article with analysis
    vectors: dict[str, np.ndarray]
    gold: dict[Key, frozenset[str]] = field(default_factory=dict)  # sentence -> event ids
    gold_text: dict[Key, str] = field(default_factory=dict)
    doc_of: dict[str, str] = field(default_factory=dict)  # article id -> ECB+ doc
    missed: int = 0  # gold sentences with no sentence of ours holding 80% of their tokens

    def pairs(self) -> list[tuple[Key, Key, bool]]:
        """Every cross-document pair of gold sentences with its gold label."""
        keys = sorted(self.gold)
        out = []
        for n, a in enumerate(keys):
            for b in keys[n + 1 :]:
                if self.doc_of[a[0]] != self.doc_of[b[0]]:
                    out.append((a, b, bool(self.gold[a] & self.gold[b])))
        return out


def _tokens(text: str) -> list[str]:
    return _TOKENS.findall(text.lower())


def _find_sentence(sentences: list[Any], text: str) -> int | None:
    """Index of the sentence holding >= 80% of ``text``'s lowercase word tokens (the best)."""
    want = _tokens(text)
    if not want:
        return None
    best, best_share = None, GOLD_TOKEN_SHARE
    for s in sentences:
        have = set(_tokens(s.text))
        share = sum(1 for t in want if t in have) / len(want)
        if share >= best_share:
            best, best_share = s.index, share
    return best


def _vectors(db: Path, articles: list[Any]) -> dict[str, np.ndarray]:
    """Sentence vectors of ``articles``, embedded once and kept beside the cached store."""
    from manysides.compare import sentence_vectors
    from manysides.settings import Settings

    path = db.with_suffix(".vectors.npz")
    if path.exists():
        with np.load(path) as stored:
            vectors = {k: stored[k] for k in stored.files}
        if all(k.id in vectors for k in articles):
            return vectors
    vectors = sentence_vectors(articles, Settings())
    np.savez(path, **vectors)
    return vectors


def topics(root: Path, limit: int | None = None) -> list[Topic]:
    """The ECB+ dev topics (the first ``limit`` as ``stories.load_ecbplus`` counts them),
    analysed by the real stages (the cached store of ``stories.analysed_db``), with their gold
    sentences located in our split."""
    story_set = stories.load_ecbplus(root, limit)
    gold = json.loads((root / "dev_gold.json").read_text(encoding="utf-8"))["articles"]
    all_rows = (root / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    line_of = {json.dumps(json.loads(r), sort_keys=True): n for n, r in enumerate(all_rows, 1)}
    gold_of_line = {g["line"]: g for g in gold}
    db = stories.analysed_db(story_set)
    with stories.fresh_copy(db) as store:
        by_row = stories.row_articles(store)
        articles = {row: store.get_article(a.id) for row, a in by_row.items()}
    analysed = [a for a in articles.values() if a.analysis is not None]
    vectors = _vectors(db, analysed)
    out: dict[int, Topic] = {}
    seen: set[str] = set()
    for row, article in sorted(articles.items()):
        g = gold_of_line[line_of[json.dumps(story_set.rows[row], sort_keys=True)]]
        if article.id in seen or article.analysis is None:  # a duplicate text: counted once
            continue
        seen.add(article.id)
        topic = out.setdefault(g["topic"], Topic(g["topic"], [], {}))
        article.outlet = article.outlet or f"doc {g['doc']}"  # ECB+ names no outlet
        topic.articles.append(article)
        topic.vectors[article.id] = vectors[article.id]
        topic.doc_of[article.id] = g["doc"]
        for s in g["sentences"]:
            if s["title"]:
                continue
            index = _find_sentence(article.analysis.sentences, s["text"])
            if index is None:
                topic.missed += 1
                continue
            k = (article.id, index)
            topic.gold[k] = topic.gold.get(k, frozenset()) | frozenset(s["events"])
            topic.gold_text[k] = s["text"]
    return [out[t] for t in sorted(out)]


def predicted_by_groups(groups: Iterable[Iterable[Key]]) -> set[frozenset[Key]]:
    """Pairs of sentences that one group's support holds."""
    pairs: set[frozenset[Key]] = set()
    for group in groups:
        keys = sorted(set(group))
        for n, a in enumerate(keys):
            for b in keys[n + 1 :]:
                pairs.add(frozenset((a, b)))
    return pairs


def claim_groups(topic: Topic) -> list[list[Key]]:
    """``compare_story`` on the topic's articles as one story -> the support of each event
    (ECB+ gold is event coreference): of the claims sharing an ``event`` id together, of any
    other claim its own."""
    from manysides.compare import compare_story
    from manysides.models import Story

    story = Story(id=f"ecb{topic.topic}", title="", articles=[a.id for a in topic.articles],
                  outlets=[])
    compare_story(story, topic.articles, topic.vectors)
    events: dict[str, list[Key]] = {}
    for c in story.claims:
        events.setdefault(c.event or c.id, []).extend((s.article, s.sentence) for s in c.support)
    return list(events.values())


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "tp": tp, "fp": fp, "fn": fn}


def score(topics_: list[Topic], predicted: dict[int, set[frozenset[Key]]]) -> dict[str, float]:
    """Pairwise P/R/F1 over the gold pairs of ``topics_``."""
    tp = fp = fn = 0
    for t in topics_:
        pred = predicted[t.topic]
        for a, b, positive in t.pairs():
            hit = frozenset((a, b)) in pred
            tp += hit and positive
            fp += hit and not positive
            fn += positive and not hit
    return prf(tp, fp, fn)


def tfidf_predictions(topics_: list[Topic], threshold: float) -> dict[int, set[frozenset[Key]]]:
    """Pairs whose TF-IDF cosine (vocabulary and idf of the topic's gold sentences) >= t."""
    out = {}
    for t in topics_:
        keys = sorted(t.gold)
        mat = tfidf_matrix([t.gold_text[k] for k in keys])
        sims = mat @ mat.T
        out[t.topic] = {
            frozenset((keys[i], keys[j]))
            for i in range(len(keys)) for j in range(i + 1, len(keys)) if sims[i, j] >= threshold
        }
    return out


def all_positive(topics_: list[Topic]) -> dict[str, float]:
    """The "every pair positive" reference."""
    pos = sum(p for t in topics_ for _, _, p in t.pairs())
    neg = sum(not p for t in topics_ for _, _, p in t.pairs())
    return prf(pos, neg, 0)


def evaluate(root: Path, limit: int | None = None) -> dict[str, Any]:
    """Ours, the TF-IDF baseline (best threshold, chosen on the same part) and all-positive,
    on all topics and on the fitting / held-out parts."""
    data = topics(root, limit)
    ours = {t.topic: predicted_by_groups(claim_groups(t)) for t in data}
    tfidf = {th: tfidf_predictions(data, th) for th in TFIDF_THRESHOLDS}
    parts = {
        "all": data,
        "fit": [t for t in data if not held_out(t.topic)],
        "held_out": [t for t in data if held_out(t.topic)],
    }
    result: dict[str, Any] = {
        "topics": len(data),
        "articles": sum(len(t.articles) for t in data),
        "sentences": sum(len(t.gold) for t in data),
        "missed": sum(t.missed for t in data),
        "pairs": sum(len(t.pairs()) for t in data),
    }
    for name, part in parts.items():
        if not part:
            continue
        by_threshold = {th: score(part, tfidf[th]) for th in TFIDF_THRESHOLDS}
        best = max(by_threshold, key=lambda th: by_threshold[th]["f1"])
        result[name] = {
            "ours": score(part, ours),
            "tfidf": {**by_threshold[best], "threshold": best},
            "all_positive": all_positive(part),
        }
    return result
