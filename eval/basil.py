"""BASIL (same-event article triples) through the real pipeline: stories, loaded wording, quotes.

The articles go in as manysides' JSONL input through ``manysides.pipeline.run`` into a fresh
store; the scores read what the pipeline stored (stories, quotes) and what the loaded-language
detector finds in the stored text.  Gold: ``dev_gold.json`` (``triplet`` per article; ``lex``
and quote spans with their speakers).
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from metrics import bcubed, find_span, names_match, normalise_text, overlaps
from scipy.cluster.hierarchy import fcluster, linkage

log = logging.getLogger(__name__)

# TF-IDF baseline: average-linkage clusters are cut where the mean cosine similarity between
# two clusters drops below 0.2, a usual value for same-event news with raw TF-IDF (fixed in
# advance, not tuned on this data).
TFIDF_MIN_SIMILARITY = 0.2
_TOKEN = re.compile(r"[a-z][a-z'-]{2,}")
_STOPWORDS = frozenset(
    """the and for that with this from have has had was were are been will would could should
    said says about into over after before their there they them than then what when which while
    who whom his her its our your not but all any can may also more most other some such only
    just very out off one two new first last year years time mr mrs ms""".split()
)
_GENERIC_SPEAKERS = re.compile(r"^other(_|$)")
# Words that make a BASIL speaker label a group rather than one person.
_GROUP_WORDS = frozenset(
    """party lawmakers democrats republicans officials campaign companies catholics protestors
    plaintiffs department house senate administration committee white""".split()
)


# Words of a group label that name its members, not their party or organisation
# ("Democratic Lawmakers" ~ affiliation "Democratic"), and plurals written as the adjective.
_MEMBER_WORDS = frozenset(
    """lawmakers officials members leaders legislators senators representatives staff
    supporters party""".split()
)
_CHAMBERS = frozenset("senate house congressional state".split())
_PARTY_FORMS = {"democrats": "democratic", "democrat": "democratic", "republicans": "republican",
                "gop": "republican"}


def affiliation_matches(label: str, affiliation: str | None) -> bool:
    """Whether a group label ("Democratic Lawmakers", "Obama campaign", "Nebraska and Oklahoma
    officials") names the quote's extracted affiliation ("Democratic", "Obama campaign",
    "Nebraska"): every word of one of its parts, member nouns (and a chamber before a party)
    left out, is a word of the affiliation."""
    if not affiliation:
        return False
    have = {_PARTY_FORMS.get(w, w) for w in normalise_text(affiliation).split()}
    for part in normalise_text(label).split(" and "):
        words = [_PARTY_FORMS.get(w, w) for w in part.split() if w not in _MEMBER_WORDS]
        if {"democratic", "republican"} & set(words):
            words = [w for w in words if w not in _CHAMBERS]
        if words and set(words) <= have:
            return True
    return False


@dataclass
class Gold:
    """BASIL gold: article rows by URL (with their triplet), phrases (``article`` = the URL)."""

    articles: dict[str, dict[str, Any]]
    phrases: list[dict[str, Any]]
    rows: list[dict[str, Any]] = field(default_factory=list)  # the JSONL input lines


def load(root: Path, limit: int | None = None) -> Gold:
    """``basil/`` folder -> Gold for the first ``limit`` triplets (by id order), all if None.

    Articles are keyed by URL: a few gold rows share the placeholder id "empty", so a phrase
    whose article id is not unique goes to the article of that id whose text contains it.
    """
    gold = json.loads((root / "dev_gold.json").read_text(encoding="utf-8"))
    keep = set(sorted({a["triplet"] for a in gold["articles"]})[:limit])
    articles = {a["url"]: a for a in gold["articles"] if a["triplet"] in keep}
    rows = []
    for line in (root / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if row.get("url") in articles:
                rows.append(row)
    text_of = {r["url"]: r["text"] for r in rows}
    urls_of_id: dict[str, list[str]] = {}
    for url, article in articles.items():
        urls_of_id.setdefault(article["id"], []).append(url)
    phrases = []
    for phrase in gold["phrases"]:
        urls = urls_of_id.get(phrase["article"], [])
        if len(urls) > 1:
            urls = [u for u in urls if find_span(text_of.get(u, ""), phrase["txt"])][:1]
        if urls:
            phrases.append({**phrase, "article": urls[0]})
    return Gold(articles=articles, phrases=phrases, rows=rows)


def match_articles(gold: Gold, ours: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Gold article id -> our stored article (JSON contract dict), matched by URL, then title."""
    by_url = {a.get("url"): a for a in ours if a.get("url")}
    by_title = {(a.get("title") or "").strip().lower(): a for a in ours if a.get("title")}
    matched = {}
    for gid, g in gold.articles.items():
        ours_a = by_url.get(g["url"]) or by_title.get(g["title"].strip().lower())
        if ours_a is not None:
            matched[gid] = ours_a
    return matched


def story_scores(gold: Gold, matched: dict[str, dict[str, Any]]) -> dict[str, float]:
    """B-cubed of our stories against the triplets (an unmatched article is a singleton)."""
    truth = {gid: g["triplet"] for gid, g in gold.articles.items()}
    pred = {gid: a["story_id"] for gid, a in matched.items() if a.get("story_id")}
    return bcubed(truth, pred)


def one_per_article(gold: Gold) -> dict[str, float]:
    """Baseline: every article its own story."""
    truth = {gid: g["triplet"] for gid, g in gold.articles.items()}
    return bcubed(truth, {gid: gid for gid in truth})


def tfidf_matrix(texts: list[str]) -> np.ndarray:
    """Texts -> L2-normalised TF-IDF rows (sublinear tf, smooth idf) over their own vocabulary."""
    docs = [Counter(w for w in _TOKEN.findall(t.lower()) if w not in _STOPWORDS) for t in texts]
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    mat = np.zeros((len(docs), max(1, len(vocab))))
    for row, doc in enumerate(docs):
        for word, count in doc.items():
            mat[row, vocab[word]] = 1.0 + np.log(count)
    df = (mat > 0).sum(axis=0)
    mat *= np.log((1 + len(docs)) / (1 + df)) + 1.0
    norms = np.linalg.norm(mat, axis=1, keepdims=True)
    return mat / np.where(norms == 0, 1.0, norms)


def tfidf_clusters(texts: list[str], min_similarity: float = TFIDF_MIN_SIMILARITY) -> list[int]:
    """Texts -> cluster labels: TF-IDF (sublinear tf, smooth idf), cosine, average linkage."""
    if len(texts) < 2:
        return [1] * len(texts)
    tree = linkage(tfidf_matrix(texts), method="average", metric="cosine")
    return [int(x) for x in fcluster(tree, t=1.0 - min_similarity, criterion="distance")]


def tfidf_baseline(gold: Gold) -> dict[str, float]:
    """Baseline: TF-IDF average-linkage clustering of the input texts."""
    by_url = {r["url"]: r for r in gold.rows}
    ids = [gid for gid, g in gold.articles.items() if g["url"] in by_url]
    texts = [by_url[gold.articles[gid]["url"]]["text"] for gid in ids]
    labels = tfidf_clusters(texts)
    truth = {gid: g["triplet"] for gid, g in gold.articles.items()}
    return bcubed(truth, dict(zip(ids, labels, strict=True)))


@dataclass
class SpanScores:
    """Counts and scores for span-based checks, with examples of misses."""

    scores: dict[str, float]
    counts: dict[str, int]
    misses: list[str] = field(default_factory=list)


def loaded_scores(gold: Gold, matched: dict[str, dict[str, Any]], loaded_terms: Any) -> SpanScores:
    """Recall of ``lex`` spans outside quotes by ``loaded_terms``; its precision and hit rate."""
    found = total = lost = 0
    hits_total = hits_on_spans = words = 0
    misses: list[str] = []
    lex = [p for p in gold.phrases if p["bias"] == "lex"]
    for gid, article in matched.items():
        text = article["text"]
        hits = [(h.start, h.end) for h in loaded_terms(text)]
        words += len(text.split())
        spans = [find_span(text, p["txt"]) for p in lex if p["article"] == gid]
        hits_total += len(hits)
        hits_on_spans += sum(1 for h in hits if any(s and overlaps(h, s) for s in spans))
        for phrase, span in zip([p for p in lex if p["article"] == gid], spans, strict=True):
            if phrase["quote"] != "no":
                continue
            total += 1
            if span is None:
                lost += 1
                continue
            if any(overlaps(h, span) for h in hits):
                found += 1
            elif len(misses) < 12:
                misses.append(phrase["txt"])
    recall = found / total if total else 0.0
    precision = hits_on_spans / hits_total if hits_total else 0.0
    return SpanScores(
        scores={
            "recall": recall,
            "precision": precision,
            "per_1000_words": 1000 * hits_total / words if words else 0.0,
        },
        counts={"spans": total, "found": found, "not_in_text": lost, "hits": hits_total},
        misses=misses,
    )


def is_person_label(label: str) -> bool:
    """Whether a BASIL speaker label names one person ("Rick_Perry"), not a group
    ("Tea_Party", "Republican_Lawmakers", "NAACP", "Obama_campaign", "other_anti")."""
    words = label.replace("_", " ").split()
    return (
        2 <= len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and not {w.lower() for w in words} & _GROUP_WORDS
    )


def quote_scores(gold: Gold, matched: dict[str, dict[str, Any]]) -> SpanScores:
    """Share of gold quote spans our quotes overlap, and speaker accuracy on those found.

    ``speaker``: gold quotes by a named person, right when one overlapping quote's speaker
    names that person (full name or surname).  ``speaker_any``: every named gold label,
    groups included ("Tea_Party"), right when the label is in the speaker or its descriptor
    ("St. Louis Tea Party organizer").  ``speaker_affiliation``: the same, also right when a
    group label names the speaker's extracted affiliation ("Democratic Lawmakers" for a quote
    by a Democrat).  BASIL's generic labels ("other_anti") are left out.
    """
    counts = Counter(spans=0, found=0, not_in_text=0, persons=0, right=0, labels=0, right_any=0,
                     right_affiliation=0)
    misses: list[str] = []
    for phrase in gold.phrases:
        if phrase["quote"] != "yes":
            continue
        article = matched.get(phrase["article"])
        counts["spans"] += 1
        span = find_span(article["text"], phrase["txt"]) if article else None
        if span is None:
            counts["not_in_text"] += 1
            continue
        quotes = [q for q in article.get("quotes", []) if overlaps((q["start"], q["end"]), span)]
        if not quotes:
            if len(misses) < 10:
                misses.append(f"not found: {phrase['txt'][:80]!r}")
            continue
        counts["found"] += 1
        label = phrase.get("speaker") or ""
        if not label or _GENERIC_SPEAKERS.match(label):
            continue
        name = label.replace("_", " ")
        counts["labels"] += 1
        by_name = any(names_match(name, q.get("speaker")) for q in quotes)
        in_descriptor = any(
            normalise_text(name) in normalise_text(f"{q.get('speaker')} {q.get('descriptor')}")
            for q in quotes
        )
        counts["right_any"] += by_name or in_descriptor
        by_affiliation = not is_person_label(label) and any(
            affiliation_matches(name, q.get("affiliation")) for q in quotes)
        counts["right_affiliation"] += by_name or in_descriptor or by_affiliation
        if not is_person_label(label):
            if not (by_name or in_descriptor or by_affiliation) and len(misses) < 45:
                said = "; ".join(f"{q.get('kind')} by {q.get('speaker')!r} "
                                 f"({q.get('affiliation')})" for q in quotes)
                misses.append(f"label {name!r}, got {said}: {phrase['txt'][:40]!r}")
            continue
        counts["persons"] += 1
        counts["right"] += by_name
        if not by_name and len(misses) < 30:
            said = "; ".join(f"{q.get('kind')} by {q.get('speaker')!r}" for q in quotes)
            misses.append(f"speaker {name!r}, got {said}: {phrase['txt'][:50]!r}")
    return SpanScores(
        scores={
            "found": counts["found"] / counts["spans"] if counts["spans"] else 0.0,
            "speaker": counts["right"] / counts["persons"] if counts["persons"] else 0.0,
            "speaker_any": counts["right_any"] / counts["labels"] if counts["labels"] else 0.0,
            "speaker_affiliation": (counts["right_affiliation"] / counts["labels"]
                                    if counts["labels"] else 0.0),
        },
        counts=dict(counts),
        misses=misses,
    )
