"""Word lists of the compare stage (data files in ``manysides/data``) and the matchers on them.

``loaded_terms(text)`` finds loaded language (pejorative labels, euphemisms, intensifiers,
hedges, subjective adverbs, loaded verbs) in any text; the summary verifier and the evaluation
reuse it.  ``TermMatcher`` turns a list of terms ("propagand*", "so-called") into one regex.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

log = logging.getLogger(__name__)

SCARE_QUOTE = "scare_quote"


@dataclass(frozen=True)
class LoadedHit:
    """One loaded term found in a text: the words as written, the category, char offsets."""

    term: str
    category: str
    start: int
    end: int


@cache
def load_data(name: str) -> dict[str, Any]:
    """The TOML file ``manysides/data/<name>.toml`` as a dict (read once per process)."""
    ref = resources.files("manysides") / "data" / f"{name}.toml"
    with ref.open("rb") as fh:
        return tomllib.load(fh)


def _term_pattern(term: str) -> str:
    """Regex for one lexicon term: words joined by any whitespace, trailing "*" = any ending."""
    term = term.strip()
    wildcard = term.endswith("*")
    words = term.rstrip("*").split()
    body = r"\s+".join(re.escape(w).replace(r"\-", r"[-\u2010-\u2015]?") for w in words)
    body = body.replace(r"\*", r"\w*")  # an inner "*" ("henchm*n")
    if wildcard:
        body += r"[\w-]*"
    left = r"(?<![\w-])" if term[:1].isalnum() else ""
    right = r"(?![\w-])" if (wildcard or term[-1:].isalnum()) else ""
    return left + body + right


class TermMatcher:
    """Finds any of a list of terms (see ``_term_pattern``) in text, longest match first."""

    def __init__(self, terms: list[str]) -> None:
        unique = sorted({t.strip().lower() for t in terms if t.strip()}, key=len, reverse=True)
        self.terms = unique
        self.regex = re.compile("|".join(_term_pattern(t) for t in unique), re.IGNORECASE)

    def finditer(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, matched text) for each non-overlapping hit."""
        if not self.terms:
            return []
        return [(m.start(), m.end(), m.group(0)) for m in self.regex.finditer(text)]

    def search(self, text: str) -> bool:
        """Whether any term occurs in ``text``."""
        return bool(self.terms) and self.regex.search(text) is not None


@cache
def matcher(file: str, section: str, key: str) -> TermMatcher:
    """A cached ``TermMatcher`` over the list ``[section].key`` of data file ``file``."""
    return TermMatcher(list(load_data(file).get(section, {}).get(key, [])))


@cache
def _loaded_matchers() -> list[tuple[str, TermMatcher]]:
    data = load_data("loaded_terms")
    return [(cat, TermMatcher(list(spec.get("terms", [])))) for cat, spec in data.items()]


def lexicon_categories() -> dict[str, str]:
    """Category -> rationale of the loaded-language lexicon (for documentation and the UI)."""
    data = load_data("loaded_terms")
    return {cat: spec.get("rationale", "").strip() for cat, spec in data.items()}


def loaded_terms(
    text: str, quote_spans: list[tuple[int, int]] | None = None
) -> list[LoadedHit]:
    """Loaded-language hits in ``text``, in text order.

    Where two categories match overlapping words the longer match wins (then the category
    listed first in ``loaded_terms.toml``).  Hits inside any of ``quote_spans`` (char offsets
    of quotations in ``text``) are left out: those are someone else's words.
    """
    spans = sorted(quote_spans or [])
    candidates: list[tuple[int, int, int, str, str]] = []
    for rank, (category, m) in enumerate(_loaded_matchers()):
        for start, end, found in m.finditer(text):
            candidates.append((start, end, rank, category, found))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    taken: list[tuple[int, int]] = []
    hits: list[LoadedHit] = []
    for start, end, _rank, category, found in candidates:
        if any(start < e and s < end for s, e in taken):
            continue
        if any(s <= start and end <= e for s, e in spans):
            continue
        taken.append((start, end))
        hits.append(LoadedHit(term=found, category=category, start=start, end=end))
    hits.sort(key=lambda h: h.start)
    return hits
