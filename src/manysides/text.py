"""Text helpers shared by several stages (offsets into an article's clean text)."""

from __future__ import annotations

from collections.abc import Iterable

from manysides.models import Sentence


def sentence_at(sentences: Iterable[Sentence], offset: int) -> Sentence | None:
    """The first sentence whose ``[start, end)`` holds the character ``offset``, or ``None``."""
    return next((s for s in sentences if s.start <= offset < s.end), None)


def sentence_index_at(sentences: Iterable[Sentence], offset: int) -> int | None:
    """The index of the sentence holding ``offset`` (``sentence_at``), or ``None``."""
    found = sentence_at(sentences, offset)
    return found.index if found is not None else None
