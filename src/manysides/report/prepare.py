"""Turning an article sentence into a summary-ready sentence, and knowing what backs it.

``StoryText`` indexes a story's articles once; ``StoryText.prepare(article_id, index)`` gives a
``Prepared`` sentence: the text with its relative dates made absolute ("on Sunday" ->
"on 16 April 2023") and a leading "He"/"She" replaced by the person the analysis last named,
optionally with attribution clutter stripped, together with the ``Evidence`` the verifier
checks it against.  ``loaded_outside_quotes`` finds loaded terms a summary must not use.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from manysides.models import Article, DateMention, Sentence
from manysides.report.verify import Evidence, rules
from manysides.text import sentence_index_at

log = logging.getLogger(__name__)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE_DAY_WORDS = ("today", "yesterday", "tomorrow", "tonight", "this morning",
                      "this afternoon", "this evening", "last night")
QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("‘", "’"))
# An attribution cue that makes a quoted loaded term someone's words, not ours.
ATTRIBUTION_CUE = re.compile(
    r"\b(?:said|says|say|told|tells|writes|wrote|called|calls|described|according to|"
    r"reports|reported|stated|added)\b",
    re.IGNORECASE,
)
# Single-word intensifiers / judging adverbs a compressed sentence can drop without changing
# what it states ("greatly", "clearly"): removed instead of rejecting the sentence.
DROPPABLE_CATEGORIES = ("intensifier", "subjective_adverb")
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:])")
_YEAR = re.compile(r"\b\d{4}\b")
_ENDS_WITH_ON = re.compile(r"(?:^|\s)on$")

LoadedFn = Callable[..., list[Any]]


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the quotations (“...”, "...", ‘...’) in ``text``, marks included."""
    spans: list[tuple[int, int]] = []
    for left, right in QUOTE_PAIRS:
        i = 0
        while True:
            a = text.find(left, i)
            if a < 0:
                break
            b = text.find(right, a + 1)
            if b < 0:
                break
            if left == "‘" and b + 1 < len(text) and text[b + 1].isalpha():  # it’s: apostrophe
                i = b + 1
                continue
            spans.append((a, b + 1))
            i = b + 1
    return sorted(spans)


def loaded_outside_quotes(text: str, loaded: LoadedFn | None) -> list[Any]:
    """Loaded-term hits in ``text`` not inside an attributed quotation."""
    if loaded is None:
        return []
    spans = quote_spans(text) if ATTRIBUTION_CUE.search(text) else []
    return list(loaded(text, spans))


def drop_adverbs(text: str, loaded: LoadedFn | None) -> str:
    """``text`` without the single-word intensifiers/judging adverbs (outside quotes)."""
    hits = [
        h for h in loaded_outside_quotes(text, loaded)
        if h.category in DROPPABLE_CATEGORIES and " " not in h.term
        and h.term.lower().endswith("ly")
    ]
    for h in sorted(hits, key=lambda h: -h.start):
        before, after = text[: h.start], text[h.end :]
        if before.endswith(" ") and after.startswith(" "):
            before = before[:-1]
        elif before.endswith(" ") and after.startswith(","):
            before, after = before[:-1], after[1:]
        text = before + after
    return _tidy(text)


def format_day(iso: str) -> str | None:
    """"2023-04-16" -> "16 April 2023"; ``None`` unless a full date."""
    try:
        d = date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _tidy(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?”\"’":
        text += "."
    return text


@dataclass
class Prepared:
    """A sentence made ready for the summary, and the evidence that backs it."""

    text: str
    evidence: Evidence
    words: int = 0
    names: list[str] = field(default_factory=list)
    # Resolved dates whose mention is still in ``text`` (not cut with the attribution clutter).
    dates: list[str] = field(default_factory=list)


class StoryText:
    """A story's articles indexed for sentence look-ups (sentences, dates, mentions)."""

    def __init__(self, articles: Sequence[Article], *, date_anchor: str | None = None) -> None:
        self.articles = {a.id: a for a in articles}
        self.date_anchor = date_anchor
        self._dates: dict[str, dict[int, list[DateMention]]] = {}
        self._names: dict[str, dict[int, list[str]]] = {}
        self._persons: dict[str, list[tuple[int, str]]] = {}
        self._prepared: dict[tuple[str, int, bool], Prepared | None] = {}
        for a in articles:
            self._index(a)

    def _index(self, article: Article) -> None:
        analysis = article.analysis
        dates: dict[int, list[DateMention]] = {}
        names: dict[int, list[str]] = {}
        persons: list[tuple[int, str]] = []
        if analysis is not None:
            sentences = analysis.sentences
            for d in analysis.dates:
                idx = d.sentence if d.sentence is not None \
                    else sentence_index_at(sentences, d.start)
                if idx is not None:
                    dates.setdefault(idx, []).append(d)
            entities = {e.key: e for e in analysis.entities}
            for m in analysis.mentions:
                ent = entities.get(m.entity)
                if ent is None:
                    continue
                names.setdefault(m.sentence, []).extend([ent.name, *ent.aliases])
                if ent.type == "PERSON":
                    persons.append((m.start, ent.name))
        self._dates[article.id] = dates
        self._names[article.id] = names
        self._persons[article.id] = sorted(persons)

    def outlet(self, article_id: str) -> str:
        """The outlet of an article, or its source file name when the outlet is unknown."""
        a = self.articles.get(article_id)
        if a is None:
            return "unknown outlet"
        return a.outlet or a.source.rsplit("/", 1)[-1]

    def published(self, article_id: str) -> str | None:
        """The article's publication date, or the story's date anchor when it has none."""
        a = self.articles.get(article_id)
        return (a.published if a else None) or self.date_anchor

    def sentence(self, article_id: str, index: int) -> Sentence | None:
        """Sentence ``index`` of an article (``None`` when absent)."""
        a = self.articles.get(article_id)
        if a is None or a.analysis is None:
            return None
        sents = a.analysis.sentences
        if 0 <= index < len(sents) and sents[index].index == index:
            return sents[index]
        return next((s for s in sents if s.index == index), None)

    def dates_in(self, article_id: str, index: int) -> list[DateMention]:
        """Date mentions the analysis found in one sentence."""
        return self._dates.get(article_id, {}).get(index, [])

    def evidence(self, article_id: str, index: int) -> Evidence | None:
        """The ``Evidence`` (text, resolved dates, entity names) of one sentence."""
        sent = self.sentence(article_id, index)
        if sent is None:
            return None
        return Evidence(
            article=article_id,
            sentence=index,
            text=sent.text,
            outlet=self.outlet(article_id),
            dates=[d.resolved for d in self.dates_in(article_id, index) if d.resolved],
            names=list(dict.fromkeys(self._names.get(article_id, {}).get(index, []))),
        )

    def prepare(self, article_id: str, index: int, *, strip_attribution: bool) -> Prepared | None:
        """Sentence ``index`` of an article made summary-ready (see the module docstring).

        Computed once per sentence: repeated calls return the same object (do not change it).
        """
        key = (article_id, index, strip_attribution)
        if key not in self._prepared:
            self._prepared[key] = self._prepare(article_id, index, strip_attribution)
        return self._prepared[key]

    def _prepare(self, article_id: str, index: int, strip_attribution: bool) -> Prepared | None:
        sent = self.sentence(article_id, index)
        ev = self.evidence(article_id, index)
        if sent is None or ev is None:
            return None
        text = self._absolute_dates(sent, self.dates_in(article_id, index))
        text, resolved = self._resolve_pronoun(article_id, sent, text)
        if resolved:
            ev.names.append(resolved)
        if strip_attribution:
            text = strip_attribution_clutter(text)
        text = _tidy(text)
        kept = [d.resolved for d in self.dates_in(article_id, index)
                if d.resolved and _still_there(d, text)]
        return Prepared(text=text, evidence=ev, words=len(text.split()), dates=kept)

    @staticmethod
    def _absolute_dates(sent: Sentence, dates: list[DateMention]) -> str:
        text = sent.text
        for d in sorted(dates, key=lambda d: -d.start):
            if not d.resolved:
                continue
            a, b = d.start - sent.start, d.end - sent.start
            if a < 0 or b > len(text) or text[a:b] != d.text:
                continue
            after = text[b:]
            if after[:2] in ("’s", "'s") and _weekday(d.text) and "/" not in d.resolved:
                day = format_day(d.resolved)
                if day:  # "Sunday's meeting" -> "the 16 April 2023 meeting"
                    text = text[:a] + f"the {day}" + after[2:]
                continue
            new = _absolute_phrase(d.text, d.resolved, text[:a])
            if new:
                text = text[:a] + new + after
        return text

    def _resolve_pronoun(
        self, article_id: str, sent: Sentence, text: str
    ) -> tuple[str, str | None]:
        first = text.split(" ", 1)[0]
        if first not in rules()["pronouns"]["subject"]:
            return text, None
        before = [name for start, name in self._persons.get(article_id, []) if start < sent.start]
        if not before:
            return text, None
        name = before[-1]
        return name + text[len(first):], name


def _absolute_phrase(mention: str, resolved: str, before: str) -> str | None:
    """The words replacing a relative date mention, or ``None`` to keep it."""
    low = mention.lower().strip()
    if _YEAR.search(mention):
        return None  # already absolute
    if "/" in resolved:
        lo, hi = (format_day(p) for p in resolved.split("/", 1))
        if lo and hi and low.startswith("from "):
            return f"from {lo} to {hi}"
        return None
    day = format_day(resolved)
    if day is None:
        return None
    if _weekday(mention):
        if low.startswith("on ") or _ENDS_WITH_ON.search(before.rstrip().lower()):
            return ("on " if low.startswith("on ") else "") + day
        return f"{mention} ({day})"
    if low in RELATIVE_DAY_WORDS:
        return f"on {day}"
    return None


def _still_there(d: DateMention, text: str) -> bool:
    if d.text in text:
        return True
    days = [format_day(p) for p in (d.resolved or "").split("/")]
    return any(day and day in text for day in days)


def _weekday(mention: str) -> bool:
    low = mention.lower().strip()
    for prefix in ("on ", "last ", "this ", "next "):
        low = low.removeprefix(prefix)
    return low in WEEKDAYS


def quotes_balanced(text: str) -> bool:
    """Whether every opening quotation mark in ``text`` is closed (no sentence cut mid-quote)."""
    return text.count("“") == text.count("”") and text.count('"') % 2 == 0


def strip_attribution_clutter(text: str) -> str:
    """``text`` without reporting frames ("..., X said on Friday.", "According to X, ...").

    Leaves the sentence unchanged when stripping would leave too few words.
    """
    least = int(rules()["attribution"]["min_words_left"])
    trailing, leading = _attribution_patterns()
    body = text.strip()
    if not body.endswith("."):
        return text
    for pattern in trailing:
        new = pattern.sub("", body, count=1)
        if new != body and len(new.split()) >= least and quotes_balanced(new):
            body = new
            break
    for pattern in leading:
        new = pattern.sub("", body, count=1)
        if new != body and len(new.split()) >= least:
            body = new[0].upper() + new[1:]
            break
    return body


@lru_cache(maxsize=1)
def _attribution_patterns() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """The compiled trailing (case-insensitive) and leading patterns of ``[attribution]``."""
    patterns = rules()["attribution"]
    return ([re.compile(p, re.IGNORECASE) for p in patterns["trailing"]],
            [re.compile(p) for p in patterns["leading"]])
