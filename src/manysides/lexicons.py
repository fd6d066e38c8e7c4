"""Word lists (data files in ``manysides/data``) and the matchers on them: part of the floor.

``loaded_terms(text)`` finds loaded language (pejorative labels, euphemisms, intensifiers,
hedges, subjective adverbs, loaded verbs) in any text: the compare stage's framing, the story
titles of the cluster stage, the summary verifier and the evaluation use it.
``TermMatcher`` turns a list of terms ("propagand*", "so-called") into one regex.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from manysides.datafiles import load_data

log = logging.getLogger(__name__)

SCARE_QUOTE = "scare_quote"
LOADED_CACHE_SIZE = 4096  # texts whose loaded-term candidates are kept per process


@dataclass(frozen=True)
class LoadedHit:
    """One loaded term found in a text: the words as written, the category, char offsets."""

    term: str
    category: str
    start: int
    end: int


HYPHEN = r"[-\u2010-\u2015]?"  # "-" in a term: any dash or none ("long-range", "longrange")
LEFT = r"(?<![\w-])"
RIGHT = r"(?![\w-])"


def _term_atoms(term: str) -> list[str]:
    """The regex of one lexicon term as a list of pieces, one per character or boundary.

    Words are joined by any whitespace, a "-" matches any dash or none, an inner "*" any word
    characters, a trailing "*" any ending.  ``"".join(atoms)`` is the term's regex.
    """
    term = term.strip()
    wildcard = term.endswith("*")
    atoms = [LEFT] if term[:1].isalnum() else []
    for i, word in enumerate(term.rstrip("*").split()):
        if i:
            atoms.append(r"\s+")
        for ch in word:
            atoms.append(HYPHEN if ch == "-" else r"\w*" if ch == "*" else re.escape(ch))
    if wildcard:
        atoms.append(r"[\w-]*")
    if wildcard or term[-1:].isalnum():
        atoms.append(RIGHT)
    return atoms


def _term_pattern(term: str) -> str:
    """Regex for one lexicon term (see ``_term_atoms``)."""
    return "".join(_term_atoms(term))


@cache
def _literal(atom: str | None) -> str | None:
    """The ASCII character an atom matches literally (``"a"``, ``"\\."``), else ``None``."""
    if atom is None:
        return None
    if len(atom) == 2 and atom[0] == "\\" and not atom[1].isalnum():
        ch = atom[1]  # escaped punctuation
    elif len(atom) == 1 and atom not in ".^$*+?{}[]|()\\":
        ch = atom
    else:
        return None
    return ch.lower() if ch.isascii() else None


def _alternation(branches: list[list[str]]) -> str:
    """``"|".join`` of the branches with shared leading atoms factored out (a trie).

    Python's ``re`` takes the first alternative that matches, so the order of the branches is
    kept wherever it could matter: a branch joins an earlier group with the same leading atom
    only when every group in between starts with a different literal character (so could not
    have matched where it does).  The regex finds exactly what the flat alternation finds,
    without trying every term at every position.
    """
    return "|".join(_trie_parts(branches))


def _trie_parts(branches: list[list[str]]) -> list[str]:
    """The alternatives of ``_alternation``, one string each."""
    groups: list[tuple[str | None, list[list[str]]]] = []
    last_of: dict[str | None, int] = {}  # leading atom -> its last group
    last_char: dict[str, int] = {}  # literal character -> last group starting with it
    barrier = -1  # last group whose leading atom is not a literal character
    for atoms in branches:
        key = atoms[0] if atoms else None
        char = _literal(key)
        i = last_of.get(key, -1) if key is not None else -1
        # join group i only if every later group starts with a different literal character
        if i >= 0 and (i == len(groups) - 1 or (char is not None and barrier < i
                                                 and last_char[char] == i)):
            groups[i][1].append(atoms)
            continue
        last_of[key] = len(groups)
        if char is None:
            barrier = len(groups)
        else:
            last_char[char] = len(groups)
        groups.append((key, [atoms]))
    parts = []
    for key, members in groups:
        if key is None:
            parts.append("")
        elif len(members) == 1:
            parts.append("".join(members[0]))
        else:
            inner = _trie_parts([m[1:] for m in members])
            parts.append(key + (inner[0] if len(inner) == 1 else f"(?:{'|'.join(inner)})"))
    return parts


def literal_alternation(words: list[str]) -> str:
    """A regex matching any of ``words`` literally, as ``"|".join(map(re.escape, words))`` does.

    Same matches, tried in the same order, but with shared prefixes factored out: faster to
    match when the words are many.
    """
    return _literal_alternation(tuple(words))


@lru_cache(maxsize=1024)
def _literal_alternation(words: tuple[str, ...]) -> str:
    return _alternation([[re.escape(ch) for ch in w] for w in words])


class TermMatcher:
    """Finds any of a list of terms (see ``_term_pattern``) in text, longest match first."""

    def __init__(self, terms: list[str]) -> None:
        # longest first; equal lengths alphabetically, so every process tries them alike
        unique = sorted({t.strip().lower() for t in terms if t.strip()}, key=lambda t: (-len(t), t))
        self.terms = unique
        self.regex = re.compile(_alternation([_term_atoms(t) for t in unique]), re.IGNORECASE)

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


@lru_cache(maxsize=LOADED_CACHE_SIZE)
def _loaded_candidates(text: str) -> tuple[tuple[int, int, int, str, str], ...]:
    """Every category's hits in ``text`` as (start, end, rank, category, words), best first.

    Cached: the summary and the timeline check the same sentences again and again.
    """
    candidates: list[tuple[int, int, int, str, str]] = []
    for rank, (category, m) in enumerate(_loaded_matchers()):
        for start, end, found in m.finditer(text):
            candidates.append((start, end, rank, category, found))
    candidates.sort(key=lambda c: (-(c[1] - c[0]), c[2], c[0]))
    return tuple(candidates)


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
    taken: list[tuple[int, int]] = []
    hits: list[LoadedHit] = []
    for start, end, _rank, category, found in _loaded_candidates(text):
        if any(start < e and s < end for s, e in taken):
            continue
        if any(s <= start and end <= e for s, e in spans):
            continue
        taken.append((start, end))
        hits.append(LoadedHit(term=found, category=category, start=start, end=end))
    hits.sort(key=lambda h: h.start)
    return hits
