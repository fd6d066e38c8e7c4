"""Sentence splitting for news prose, with character offsets into the article text.

Line breaks split first, so headlines, captions and bullet points never merge into the next
sentence.  Within a line a rule-based splitter breaks after ``.``, ``!``, ``?`` (closing quotes
and brackets stay with the sentence), and not after abbreviations ("U.S. officials",
"Apr. 17", "Mr. Li"), initials ("J. Smith") or before a lowercase word (``"Why?" he asked``).
The rules are data: ``src/manysides/data/sentences.toml``.

Bounded by design: a sentence is at most ``MAX_SENTENCE_CHARS`` long (a longer run, such as a
page with no line breaks or no capitalised sentence starts, is cut at its last clause break or
space within the limit), and the work per boundary looks back at most ``MAX_WORD_CHARS``, so
splitting is linear in the text and no later step (the parser) sees an unbounded sentence.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass

from manysides.datafiles import load_data
from manysides.models import Sentence

log = logging.getLogger(__name__)

# A candidate boundary: terminal punctuation, closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s+)")
_WORD_BEFORE = re.compile(r"([\w.\-]+)$")
_NEXT_WORD = re.compile(r"\s+([\"'\u201c\u2018(\[]*)(\S*)")
# Where an over-long sentence is cut, best first: after clause punctuation, a comma, a space.
_CUT_AT = (re.compile(r"[.!?;:\u2026][\"'\u201d\u2019)\]]*\s"), re.compile(r",\s"),
           re.compile(r"\s"))
MAX_SENTENCE_CHARS = 2000  # news sentences are far shorter; the parser's cost grows with length
MAX_WORD_CHARS = 64  # how far back a boundary looks for the word before it (abbreviations)


@dataclass(frozen=True)
class _Rules:
    never_final: frozenset[str]
    maybe_final: frozenset[str]
    openers: frozenset[str]


@functools.cache
def _rules() -> _Rules:
    data = load_data("sentences")
    abbr = data["abbreviations"]
    return _Rules(
        never_final=frozenset(a.lower() for a in abbr["never_final"]),
        maybe_final=frozenset(a.lower() for a in abbr["maybe_final"]),
        openers=frozenset(data["openers"]["words"]),
    )


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences: ``Sentence(index, start, end, text, paragraph)``.

    ``start``/``end`` are character offsets into ``text`` (``text[start:end] == s.text``);
    ``paragraph`` counts non-empty lines.  Whitespace-only lines produce nothing.
    """
    out: list[Sentence] = []
    paragraph = -1
    pos = 0
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        paragraph += 1
        for start, end in _split_line(line):
            out.append(
                Sentence(
                    index=len(out),
                    start=line_start + start,
                    end=line_start + end,
                    text=line[start:end],
                    paragraph=paragraph,
                )
            )
    return out


def _split_line(line: str) -> list[tuple[int, int]]:
    """Spans (start, end) of the sentences of one line, stripped of surrounding whitespace."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(line):
        if _is_boundary(line, m):
            spans.append((start, m.end()))
            start = m.end()
    spans.append((start, len(line)))
    stripped: list[tuple[int, int]] = []
    for s, e in (piece for span in spans for piece in _bounded(line, *span)):
        chunk = line[s:e]
        if not chunk.strip():
            continue
        s += len(chunk) - len(chunk.lstrip())
        e -= len(chunk) - len(chunk.rstrip())
        stripped.append((s, e))
    return stripped


def _bounded(line: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span ``[start, end)`` cut into pieces of at most ``MAX_SENTENCE_CHARS``: each at the
    last sentence or clause punctuation in the window, else the last comma, else the last
    space, else (a run with no space at all) exactly at the limit."""
    pieces: list[tuple[int, int]] = []
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = limit
        for pattern in _CUT_AT:
            found = [m.end() for m in pattern.finditer(line, start + MAX_SENTENCE_CHARS // 4,
                                                       limit)]
            if found:
                cut = found[-1]
                break
        pieces.append((start, cut))
        start = cut
    pieces.append((start, end))
    return pieces


def _is_boundary(line: str, m: re.Match[str]) -> bool:
    rules = _rules()
    nxt = _NEXT_WORD.match(line, m.end())
    if nxt is None:
        return False
    opening, word = nxt.group(1), nxt.group(2)
    if not word and not opening:
        return False
    first = (word or opening)[0]
    if first.islower():  # "Why?" he asked. / "U.S. officials"
        return False
    punct = m.group(0)
    if not punct.startswith("."):
        return True  # ! and ? end a sentence before anything but a lowercase word
    before = _WORD_BEFORE.search(line, max(0, m.start() - MAX_WORD_CHARS), m.start())
    if before is None:
        return True
    token = before.group(1).lower().strip("-")
    if len(token) == 1 and token.isalpha() and before.group(1).isupper():
        return False  # an initial: "J. Smith"
    if token in rules.never_final:
        return False
    if token in rules.maybe_final or re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
        return not opening and word in rules.openers
    if first.isdigit() and token in {"no", "art", "sec"}:
        return False
    return True
