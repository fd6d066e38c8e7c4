"""Framing of a story across outlets: loaded terms, whom each outlet quotes, tone.

``naming`` lives in ``compare.naming``.  Everything here is counted per article and per
outlet and returned as plain JSON-ready dicts, so the numbers can be checked by hand.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from typing import Any

from manysides.compare.claims import speaker_category
from manysides.datafiles import load_data
from manysides.lexicons import SCARE_QUOTE, loaded_terms, matcher
from manysides.models import Article, LoadedTerm
from manysides.outlets import get_profile
from manysides.text import sentence_index_at

log = logging.getLogger(__name__)

_WORDS = re.compile(r"\b\w[\w'\u2019-]*\b")
ISO_COUNTRIES = {
    "CN": "China", "HK": "China", "RU": "Russia", "US": "United States", "UA": "Ukraine",
    "JP": "Japan", "GB": "United Kingdom", "UK": "United Kingdom", "TW": "Taiwan",
}


def word_count(text: str) -> int:
    """Number of words in ``text``."""
    return len(_WORDS.findall(text))


NAME_TYPES = {"ORG", "FAC", "LOC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT", "GPE"}


def article_loaded_terms(article: Article) -> list[LoadedTerm]:
    """Loaded-term hits of one article (direct quotes excluded; scare quotes included).

    Words inside the name of an organisation, place or work ("People's Liberation Army",
    "Pacific Fleet") are names, not word choices, and are skipped.
    """
    analysis = article.analysis
    quotes = analysis.quotes if analysis else []
    spans = [(q.start, q.end) for q in quotes if q.kind == "direct"]
    if analysis:
        types = {e.key: e.type for e in analysis.entities}
        spans += [(m.start, m.end) for m in analysis.mentions if types.get(m.entity) in NAME_TYPES]
    sentences = analysis.sentences if analysis else []
    hits = [
        LoadedTerm(article.id, h.term, h.category, sentence_index_at(sentences, h.start))
        for h in loaded_terms(article.text, spans)
    ]
    for q in quotes:
        if q.kind == "scare":
            sentence = q.sentence if q.sentence is not None \
                else sentence_index_at(sentences, q.start)
            hits.append(LoadedTerm(article.id, q.text, SCARE_QUOTE, sentence))
    return hits


def loaded_term_rates(
    articles: list[Article], outlets: dict[str, str], hits: list[LoadedTerm]
) -> dict[str, Any]:
    """Hits per 1,000 words by article and by outlet, overall and per category."""
    per_article: dict[str, Counter[str]] = defaultdict(Counter)
    for h in hits:
        per_article[h.article][h.category] += 1
    by_article: dict[str, Any] = {}
    outlet_words: Counter[str] = Counter()
    outlet_hits: dict[str, Counter[str]] = defaultdict(Counter)
    for a in articles:
        words = word_count(a.text)
        cats = per_article.get(a.id, Counter())
        total = sum(cats.values())
        by_article[a.id] = {
            "outlet": outlets[a.id],
            "words": words,
            "hits": total,
            "per_1000": round(1000 * total / words, 2) if words else 0.0,
            "by_category": dict(sorted(cats.items())),
        }
        outlet_words[outlets[a.id]] += words
        outlet_hits[outlets[a.id]].update(cats)
    by_outlet = {}
    for outlet, words in sorted(outlet_words.items()):
        cats = outlet_hits[outlet]
        total = sum(cats.values())
        by_outlet[outlet] = {
            "words": words,
            "hits": total,
            "per_1000": round(1000 * total / words, 2) if words else 0.0,
            "by_category": {
                c: round(1000 * n / words, 2) if words else 0.0 for c, n in sorted(cats.items())
            },
        }
    return {"by_article": by_article, "by_outlet": by_outlet}


def speaker_country(*texts: str | None) -> str | None:
    """The country a speaker is tied to by its name or descriptor ("Chinese analyst" -> China)."""
    text = " ".join(t for t in texts if t)
    if not text:
        return None
    # the last country named wins: affiliations come last ("a fellow at the Institute of
    # Russian Studies of the Chinese Academy of Social Sciences" -> China)
    best: tuple[int, str] | None = None
    for country in load_data("compare")["countries"]:
        for start, _end, _ in matcher("compare", "countries", country).finditer(text):
            if best is None or start > best[0]:
                best = (start, country)
    return best[1] if best else None


def _majority_country(descriptors: list[str]) -> str | None:
    """The country most of a speaker's descriptors name (ties: the first descriptor's)."""
    found = [c for d in descriptors if (c := speaker_country(d))]
    if not found:
        return None
    votes = Counter(found)
    return max(votes, key=lambda c: (votes[c], -found.index(c)))


def outlet_country(outlet: str) -> str | None:
    try:
        profile = get_profile(outlet)
    except Exception:  # profiles are an aid only
        return None
    code = getattr(profile, "country", None) if profile else None
    return ISO_COUNTRIES.get(code.upper(), code) if code else None


def _shares(counts: Counter[str], total: int) -> dict[str, dict[str, Any]]:
    """Each value's count and share of ``total``, most frequent first."""
    return {c: {"count": n, "share": round(n / total, 3)} for c, n in counts.most_common()}


def sources_quoted(articles: list[Article], outlets: dict[str, str]) -> dict[str, Any]:
    """Whom each outlet quotes: counts and shares by category, country and the speakers'
    affiliation (party or organisation, as the articles say it), and the speakers.

    Categories: official, foreign_government (an official of another country than the
    outlet's), state_media, agency, analyst, unnamed ("experts said"), other.
    """
    per_outlet: dict[str, list[dict[str, Any]]] = defaultdict(list)
    homes = {name: outlet_country(name) for name in set(outlets.values())}
    for a in articles:
        known: dict[str, list[str]] = {}  # speaker name -> what the article says it is
        for e in a.analysis.entities if a.analysis else []:
            for name in {e.name, *e.aliases}:
                known.setdefault(name.lower(), list(e.descriptors))
        for q in a.analysis.quotes if a.analysis else []:
            if q.kind == "scare":
                continue
            speaker = (q.speaker or "").lower()
            descriptors = [q.descriptor] if q.descriptor else known.get(speaker, [])
            category = speaker_category(q.speaker, "; ".join(descriptors) or None, q.speaker_type)
            country = _majority_country(descriptors) or speaker_country(q.speaker)
            home = homes[outlets[a.id]]
            if category == "official" and country and home and country != home:
                category = "foreign_government"
            names = {e.key: e.name for e in a.analysis.entities} if a.analysis else {}
            per_outlet[outlets[a.id]].append(
                {"speaker": names.get(q.speaker_entity or "", q.speaker) or "(unattributed)",
                 "entity": q.speaker_entity, "category": category, "country": country,
                 "affiliation": q.affiliation, "kind": q.kind, "medium": q.medium}
            )
    result: dict[str, Any] = {}
    for outlet in sorted(set(outlets.values())):
        quotes = per_outlet.get(outlet, [])
        total = len(quotes)
        cats = Counter(q["category"] for q in quotes)
        countries = Counter(q["country"] or "unknown" for q in quotes)
        affiliations = Counter(q["affiliation"] or "unknown" for q in quotes)
        known_affiliation = {(q["entity"] or q["speaker"]): q["affiliation"] for q in quotes
                             if q["affiliation"]}
        # one row per referent: "Li Shangfu" and a linked "Li" are one speaker
        speakers = Counter((q["entity"] or q["speaker"], q["category"], q["country"])
                           for q in quotes)
        shown = {q["entity"] or q["speaker"]: (q["speaker"], q["entity"]) for q in quotes}
        media = Counter(q["medium"] for q in quotes if q["medium"])
        result[outlet] = {
            "total": total,
            "by_category": _shares(cats, total),
            "by_country": _shares(countries, total),
            "by_affiliation": _shares(affiliations, total),
            "speakers": [
                {"speaker": shown[s][0], "entity": shown[s][1], "category": c, "country": k,
                 "affiliation": known_affiliation.get(s), "count": n}
                for (s, c, k), n in speakers.most_common()
            ],
            "via": dict(media.most_common()),  # documents quoted from ("a transcript")
        }
    return result
