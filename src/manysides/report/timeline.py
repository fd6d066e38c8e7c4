"""The story's timeline: dated events from every article's resolved date mentions.

Each date mention the analysis resolved to an absolute date (or range) gives an event: that
date and its sentence (relative dates made absolute, pronoun resolved), unless the date is
background to the sentence: in a clause or phrase that places something before or after the
sentence's own event ("since Russia began its invasion last year", ``in_background_clause``).
Events of the same date whose sentences say the same thing (embedding similarity above
``timeline.merge_similarity``) merge into one event with several sources.  Sorted by date,
then by how many articles report it.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, field

from manysides.analyze.dates import CLAUSE_BREAK_RE
from manysides.models import Support, TimelineEvent
from manysides.report.prepare import (
    LoadedFn,
    Prepared,
    StoryText,
    drop_adverbs,
    loaded_outside_quotes,
    quotes_balanced,
)
from manysides.report.verify import Similarity, rules
from manysides.text import sentence_index_at

log = logging.getLogger(__name__)


@dataclass
class _Event:
    date: str
    items: list[Prepared] = field(default_factory=list)


def build_timeline(
    text: StoryText, similarity: Similarity, loaded: LoadedFn | None
) -> list[TimelineEvent]:
    """Timeline events of the story whose articles ``text`` indexes (see the module docstring)."""
    cfg = rules()["timeline"]
    by_date: dict[str, list[Prepared]] = {}
    for article_id, article in text.articles.items():
        if article.analysis is None:
            continue
        seen: set[tuple[str, int]] = set()
        for d in article.analysis.dates:
            if not d.resolved or not _plausible(d.resolved):
                continue
            index = d.sentence
            if index is None:
                index = sentence_index_at(article.analysis.sentences, d.start)
            if index is None or (d.resolved, index) in seen:
                continue
            seen.add((d.resolved, index))
            sentence = text.sentence(article_id, index)
            if sentence is None or in_background_clause(sentence.text, d.start - sentence.start):
                continue
            prepared = text.prepare(article_id, index, strip_attribution=True)
            if prepared is None or not 4 <= prepared.words <= int(cfg["max_words"]) \
                    or d.resolved not in prepared.dates or not quotes_balanced(prepared.text):
                continue  # too long or short, cut mid-quote, or the date was the attribution's
            by_date.setdefault(display_date(d.resolved), []).append(prepared)
    events: list[_Event] = []
    threshold = float(cfg["merge_similarity"])
    for day, items in by_date.items():
        groups: list[_Event] = []
        for item in items:
            for group in groups:
                scores = similarity.scores(item.text, [g.text for g in group.items])
                if max(scores) >= threshold:
                    group.items.append(item)
                    break
            else:
                groups.append(_Event(day, [item]))
        events.extend(groups)
    out = [_to_event(e, text, loaded) for e in events]
    out.sort(key=lambda e: (e.date.split("/")[0], e.date, -len(e.articles), e.text))
    return out


_WORD = re.compile(r"[A-Za-z]+")


def in_background_clause(sentence: str, offset: int) -> bool:
    """Whether the date mention at ``offset`` of ``sentence`` dates something other than the
    sentence's own event: it comes, in the same clause, after an opener of
    ``timeline.background_openers`` with a word between them that is not of the date's own
    day (``same_day_words``): "since Russia began its invasion last year", not "since March"
    or "shortly before midnight on Tuesday".  A relative clause's date ("Li, who arrived on
    Sunday, met ...") stays: in news it is most often the main clause's day too."""
    cfg = rules()["timeline"]
    head = sentence[:offset]
    cut = max((m.end() for m in CLAUSE_BREAK_RE.finditer(head)), default=0)
    words = [w.lower() for w in _WORD.findall(head[cut:])]
    openers = set(cfg["background_openers"])
    same_day = set(cfg["same_day_words"])
    return any(w in openers and not set(words[i + 1:]) <= same_day
               for i, w in enumerate(words))


def display_date(resolved: str) -> str:
    """A range covering a whole year or month as that year or month ("2018", "2023-03")."""
    if "/" not in resolved:
        return resolved
    lo, hi = resolved.split("/", 1)
    if len(lo) == len(hi) == 10 and lo[:4] == hi[:4]:
        if lo[5:] == "01-01" and hi[5:] == "12-31":
            return lo[:4]
        if lo[:7] == hi[:7] and lo[8:] == "01":
            last = calendar.monthrange(int(lo[:4]), int(lo[5:7]))[1]
            if int(hi[8:]) == last:
                return lo[:7]
    return resolved


def _plausible(resolved: str) -> bool:
    """A date worth a timeline entry: a year, month, day or range of them (not a time alone)."""
    head = resolved.split("/")[0]
    return len(head) >= 4 and head[:4].isdigit()


def _to_event(event: _Event, text: StoryText, loaded: LoadedFn | None) -> TimelineEvent:
    items = sorted(event.items, key=lambda p: (len(loaded_outside_quotes(p.text, loaded)) > 0,
                                               p.words))
    best = items[0]
    body = drop_adverbs(best.text, loaded)
    if loaded_outside_quotes(body, loaded):
        quoted = best.evidence.text.strip().replace("“", "‘").replace("”", "’")
        body = f"{best.evidence.outlet} writes: “{quoted}”"
    articles = list(dict.fromkeys(p.evidence.article for p in items))
    support = [Support(p.evidence.article, p.evidence.sentence) for p in items]
    return TimelineEvent(date=event.date, text=body, articles=articles, support=support)
