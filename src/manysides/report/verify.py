"""The verifier: does a summary sentence say only what the sentences it cites say?

A sentence passes when every name, number and date in it appears in its cited sentences
(dates also through their resolved ISO form, so "on 16 April 2023" is backed by a cited
"on Sunday" that the analysis resolved to 2023-04-16) and its meaning is close to at least
one cited sentence (cosine of sentence embeddings above a threshold).

``EmbeddingSimilarity`` (all-MiniLM-L6-v2 through ``manysides.analyze.embed``) is what the
product uses.  ``TokenOverlapSimilarity`` exists for unit tests that must not load a model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from manysides.analyze.embed import load_embedder
from manysides.compare.claims import day_keys_of
from manysides.datafiles import load_data
from manysides.errors import ModelError
from manysides.settings import Settings

log = logging.getLogger(__name__)

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_MONTH_RE = "|".join(m.capitalize() for m in MONTHS)
# "16 April 2023", "April 16, 2023", "16 April", "April 16", "April 2023", "2023-04-16"
DATE_RE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}}) (?P<m1>{_MONTH_RE})(?: (?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_MONTH_RE}) (?P<d2>\d{{1,2}})(?:, (?P<y2>\d{{4}}))?"
    rf"|(?P<m3>{_MONTH_RE}) (?P<y3>\d{{4}})"
    r"|(?P<iso>\d{4}-\d{2}(?:-\d{2})?))\b"
)
NUMBER_RE = re.compile(r"\b\d+(?:[.,]\d+)*\b")
NUMBER_WORDS = {
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "thousand", "million",
    "billion", "dozen", "dozens", "hundreds", "thousands", "millions",
}
# How far above ``min_similarity`` a shortcut score must be (see ``verify(closest=...)``): a
# cosine of float32 unit vectors differs by < 1e-5 with the rows it is computed together with.
SIMILARITY_MARGIN = 1e-3
NAME_RE = re.compile(r"\b[A-Z][\w'’\-]*[\w]")
_LETTERS = re.compile(r"[a-z]+")
_ALNUM = re.compile(r"[a-z0-9]+")
_NUMBER_WORD_RE = {w: re.compile(rf"\b{w}\b") for w in NUMBER_WORDS}


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The report rules (``src/manysides/data/report.toml``), read once."""
    return load_data("report")


@dataclass
class Evidence:
    """One cited sentence: where it is, its text, and what the analysis knows about it.

    ``dates``: resolved ISO dates (or ranges "a/b") of its date mentions; ``names``: names the
    analysis ties to it beyond its text (entity names of its mentions, a resolved pronoun).
    """

    article: str
    sentence: int
    text: str
    outlet: str | None = None
    dates: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    """The verifier's answer for one sentence: ``ok``, best similarity, reasons it failed."""

    ok: bool
    similarity: float
    reasons: list[str] = field(default_factory=list)


class Similarity(Protocol):
    """Scores how close in meaning ``text`` is to each of ``others`` (1.0 = same)."""

    def scores(self, text: str, others: Sequence[str]) -> list[float]: ...


class EmbeddingSimilarity:
    """Cosine similarity of sentence embeddings from an embedder (``encode(texts) -> n x d``)."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self._cache: dict[str, np.ndarray] = {}

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length embeddings of ``texts`` (rows), computed once per distinct text."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            matrix: np.ndarray = np.atleast_2d(
                np.asarray(_encode(self.embedder, missing), dtype=np.float32))
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            matrix = matrix / np.where(norms == 0, 1.0, norms)
            for text, row in zip(missing, matrix, strict=True):
                self._cache[text] = row
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])

    def scores(self, text: str, others: Sequence[str]) -> list[float]:
        if not others:
            return []
        m = self.vectors([text, *others])
        return [float(x) for x in m[1:] @ m[0]]


class TokenOverlapSimilarity:
    """Jaccard overlap of lower-cased word sets.  For unit tests only, not for the product."""

    def scores(self, text: str, others: Sequence[str]) -> list[float]:
        a = _words(text)
        out = []
        for other in others:
            b = _words(other)
            out.append(len(a & b) / len(a | b) if a and b else 0.0)
        return out


def load_similarity(settings: Settings) -> EmbeddingSimilarity:
    """The product's similarity: the sentence embedder of ``manysides.analyze.embed``.

    Raises ``ModelError`` when the embedder cannot be loaded (no silent fallback).
    """
    return EmbeddingSimilarity(load_embedder(settings.embedding_model, settings.tokenizer))


def _encode(embedder: Any, texts: list[str]) -> np.ndarray:
    for name in ("encode", "embed"):
        method = getattr(embedder, name, None)
        if callable(method):
            return method(texts)
    if callable(embedder):
        return embedder(texts)
    raise ModelError(f"embedder {embedder!r} has no encode(texts) method")


def _words(text: str) -> set[str]:
    return {w for w in _ALNUM.findall(text.lower()) if len(w) > 2}


def _is_word(ch: str) -> bool:
    """Whether ``re`` counts ``ch`` as a word character (``\\w``)."""
    return ch.isalnum() or ch == "_"


def _word_start_in(needle: str, text: str) -> bool:
    """``re.search(r"\\b" + re.escape(needle), text)`` without compiling a regex per needle."""
    word = _is_word(needle[:1])
    i = text.find(needle)
    while i >= 0:
        if (i > 0 and _is_word(text[i - 1])) != word:
            return True
        i = text.find(needle, i + 1)
    return False


def date_spans(text: str) -> list[tuple[int, int, str]]:
    """Absolute dates written in ``text``: (start, end, ISO or partial ISO "2023-04"/"--04-16")."""
    out = []
    for m in DATE_RE.finditer(text):
        g = m.groupdict()
        if g["iso"]:
            out.append((m.start(), m.end(), g["iso"]))
            continue
        month = g["m1"] or g["m2"] or g["m3"]
        day = g["d1"] or g["d2"]
        year = g["y1"] or g["y2"] or g["y3"]
        mm = f"{MONTHS.index(month.lower()) + 1:02d}"
        if day and not 1 <= int(day) <= 31:
            continue
        if year and day:
            iso = f"{year}-{mm}-{int(day):02d}"
        elif year:
            iso = f"{year}-{mm}"
        else:
            iso = f"--{mm}-{int(day):02d}"
        out.append((m.start(), m.end(), iso))
    return out


def _date_backed(iso: str, literal: str, evidence: Sequence[Evidence]) -> bool:
    """Whether a cited sentence states the date ``iso`` (written ``literal``): the same words,
    a resolved date or range holding it, or, in a sentence whose dates could not be resolved
    (an undated article's "on Sunday"), the name of its weekday, the day keys by which the
    comparison matches two mentions of one day (``compare.claims.day_keys_of``)."""
    weekday = day_keys_of("", iso) - {iso} if len(iso) == 10 else set()
    for ev in evidence:
        if literal.lower() in ev.text.lower():
            return True
        if weekday and not ev.dates and weekday & day_keys_of(ev.text, None):
            return True
        for resolved in ev.dates:
            for part in resolved.split("/"):
                if iso.startswith("--"):
                    if part[4:10] == iso[1:]:
                        return True
                elif part.startswith(iso) or iso.startswith(part) and len(part) >= 10:
                    return True
            if "/" in resolved and len(iso) == 10:
                lo, hi = resolved.split("/", 1)
                if lo[:10] <= iso <= hi[:10]:
                    return True
    return False


def verify(
    text: str,
    evidence: Sequence[Evidence],
    similarity: Similarity,
    *,
    min_similarity: float | None = None,
    closest: Evidence | None = None,
    names: bool = True,
) -> Verdict:
    """Check ``text`` against the sentences it cites; returns a ``Verdict``.

    Fails when it cites nothing, names a name / number / date the evidence lacks, or is not
    close enough in meaning to any cited sentence.

    ``closest``: the cited sentence ``text`` was made from, if any.  When it alone is close
    enough with room to spare (``SIMILARITY_MARGIN``, far above rounding error) the other
    cited sentences are not embedded: the verdict is the same, and ``Verdict.similarity`` is
    that sentence's score rather than the best one.  ``names=False``: names are not checked.
    """
    if min_similarity is None:
        min_similarity = float(rules()["verify"]["min_similarity"])
    if not evidence:
        return Verdict(False, 0.0, ["no cited sentence"])
    reasons: list[str] = []
    joined = " ".join(ev.text for ev in evidence)
    joined_low = joined.lower()
    names_low = " ".join([*(n for ev in evidence for n in ev.names),
                          *(ev.outlet or "" for ev in evidence)]).lower()
    masked = text
    for start, end, iso in date_spans(text):
        literal = text[start:end]
        if not _date_backed(iso, literal, evidence):
            reasons.append(f"date {literal!r} not in cited sentences")
        masked = masked[:start] + " " * (end - start) + masked[end:]
    evidence_numbers = {n.replace(",", "") for n in NUMBER_RE.findall(joined)}
    for num in NUMBER_RE.findall(masked):
        if num.replace(",", "") not in evidence_numbers:
            reasons.append(f"number {num!r} not in cited sentences")
    for word in _LETTERS.findall(masked.lower()):
        if word in NUMBER_WORDS and not _NUMBER_WORD_RE[word].search(joined_low):
            reasons.append(f"number {word!r} not in cited sentences")
    skip = set(rules()["verify"]["not_names"])
    for m in NAME_RE.finditer(masked if names else ""):
        name = m.group(0).rstrip("’'s") if m.group(0).endswith(("’s", "'s")) else m.group(0)
        if name in skip or not name:
            continue
        low = name.lower()
        if not _word_start_in(low, joined_low) and not _word_start_in(low, names_low):
            reasons.append(f"name {name!r} not in cited sentences")
    if closest is not None:
        first = similarity.scores(text, [closest.text])
        if first and first[0] >= min_similarity + SIMILARITY_MARGIN:
            return Verdict(not reasons, first[0], reasons)
    scores = similarity.scores(text, [ev.text for ev in evidence])
    best = max(scores) if scores else 0.0
    if best < min_similarity:
        reasons.append(f"similarity {best:.2f} below {min_similarity:.2f}")
    return Verdict(not reasons, best, reasons)
