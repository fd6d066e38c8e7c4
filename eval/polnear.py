"""Quotes and speakers against PolNeAR's gold attributions (political news of 7 US outlets).

Each article's text goes through manysides' analyze stage as it is (``analyze_batch``, no
cleaning, so the gold character offsets hold).  Scores, as ../shared/eval/README.md defines
them:

- quote recall: a gold attribution is found when one manysides quote overlapping its content
  holds >= 60% of the content's word tokens (lowercase ``\\w+``, counted with multiplicity).
  PolNeAR's content of a quotation split by its own cue ("“A,” she said. “B.”") joins both
  parts; manysides gives two quotes of one speaker there, so the "pooled" figure also counts
  the tokens of the quotes with one speaker inside the content together (the strict figure
  is reported beside it);
- speaker accuracy, over the found attributions whose gold source is *named*: the source's
  head (the words before its first comma or relative clause, parentheses dropped: "Geoff
  Garin, a Democratic pollster who ..." -> "Geoff Garin") ends in a capitalised word that is
  not a pronoun; right when that last word (possessive dropped) is a word of the speaker of
  the quote that holds most of the content.

Baselines in the same run: quote marks only (every quote-marked span is a quote) for recall,
and the nearest person the entity step found in the content's sentence (outside the content)
for the speaker.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RECALL_SHARE = 0.6
MAX_MISSES = 25  # examples of misses kept for the notes
_TOKEN = re.compile(r"\w+")
_PRONOUNS = frozenset("i he she it we they you who him her them me us this that".split())
_HEAD_END = re.compile(r",|\s(?:who|which|whose|that)\s")
_POSSESSIVE = re.compile(r"['’]s?$")
_PARENS = re.compile(r"\([^)]*\)")


@dataclass
class Gold:
    """PolNeAR articles: stem -> text, stem -> outlet, stem -> attributions."""

    texts: dict[str, str]
    outlets: dict[str, str]
    attributions: dict[str, list[dict[str, Any]]]

    @property
    def count(self) -> int:
        """How many gold attributions."""
        return sum(len(v) for v in self.attributions.values())


@dataclass
class Scores:
    """Counts and the scores made of them, with examples of misses."""

    counts: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    def share(self, part: str, whole: str) -> float:
        """``counts[part] / counts[whole]`` (0 when there is nothing to count)."""
        return self.counts[part] / self.counts[whole] if self.counts[whole] else 0.0


def load(root: Path, limit: int | None = None) -> Gold:
    """``polnear/`` (or ``polnear/train/``): gold.json and text/STEM.txt -> ``Gold``.

    With ``limit`` only the first ``limit`` articles in stem order (a quick subset).
    """
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    stems = sorted(gold)[:limit]
    return Gold(
        texts={s: (root / "text" / f"{s}.txt").read_text(encoding="utf-8") for s in stems},
        outlets={s: gold[s]["outlet"] for s in stems},
        attributions={s: gold[s]["attributions"] for s in stems},
    )


def analyse(gold: Gold) -> dict[str, Any]:
    """Each article through ``analyze_batch`` -> stem -> ``ArticleAnalysis``."""
    from manysides.analyze import analyze_batch
    from manysides.models import Article
    from manysides.settings import Settings

    stems = list(gold.texts)
    articles = [Article(id=s, source=s, text=gold.texts[s], outlet=gold.outlets[s])
                for s in stems]
    settings = Settings()
    out: dict[str, Any] = {}
    for i in range(0, len(articles), 32):
        batch = articles[i : i + 32]
        for art, (analysis, _) in zip(batch, analyze_batch(batch, settings=settings),
                                      strict=True):
            out[art.id] = analysis
    return out


def source_last_word(source: str) -> str | None:
    """The last word of a named gold source's head, or None when the source is not named."""
    bare = _PARENS.sub(" ", source)  # "John Kasich (R-OH)"
    head = _HEAD_END.split(" " + bare.strip() + " ", maxsplit=1)[0].strip()
    words = [w.strip(".,;:\"'“”‘’()") for w in head.split()]
    words = [w for w in words if w]
    if not words:
        return None
    last = _POSSESSIVE.sub("", words[-1])
    if not last[:1].isupper() or last.lower() in _PRONOUNS:
        return None
    return last


def _tokens(text: str, start: int, end: int) -> list[tuple[int, str]]:
    return [(start + m.start(), m.group(0).lower()) for m in _TOKEN.finditer(text[start:end])]


def _held(gold_tokens: Counter[str], text: str, spans: list[tuple[int, int]]) -> float:
    """Share of ``gold_tokens`` found among the tokens of ``spans`` of ``text``."""
    have: Counter[str] = Counter()
    for s, e in spans:
        have.update(t for _, t in _tokens(text, s, e))
    total = sum(gold_tokens.values())
    return sum((gold_tokens & have).values()) / total if total else 0.0


def _speaker_right(last: str, speaker: str | None) -> bool:
    if not speaker:
        return False
    words = {_POSSESSIVE.sub("", w).lower() for w in re.findall(r"[\w'’.-]+", speaker)}
    return last.lower().strip(".") in {w.strip(".") for w in words}


def score(gold: Gold, analyses: dict[str, Any]) -> tuple[Scores, Scores]:
    """manysides' scores and the baselines' (quote marks only; nearest person in the sentence).

    Counts: ``gold``, ``found`` (pooled), ``found_strict``, ``named`` (found and named),
    ``right``; ``named_all`` / ``right_all`` count every named attribution, found or not.
    """
    from manysides.analyze.quotes import find_quote_spans

    ours, base = Scores(), Scores()
    for stem, atts in gold.attributions.items():
        text, analysis = gold.texts[stem], analyses[stem]
        marks = find_quote_spans(text)
        persons = {e.key for e in analysis.entities if e.type == "PERSON"}
        names = {e.key: e.name for e in analysis.entities}
        person_mentions = [m for m in analysis.mentions if m.entity in persons]
        for att in atts:
            c0, c1 = att["content_start"], att["content_end"]
            want = Counter(t for _, t in _tokens(att["content"], 0, len(att["content"])))
            if not want:
                continue
            last = source_last_word(att["source"])
            for sc in (ours, base):
                sc.counts["gold"] += 1
                if last:
                    sc.counts["named_all"] += 1
            # manysides
            near = [q for q in analysis.quotes if q.start < c1 and c0 < q.end]
            best = max(near, key=lambda q: _held(want, text, [(q.start, q.end)]), default=None)
            strict = best is not None and _held(want, text, [(best.start, best.end)]) \
                >= RECALL_SHARE
            by_speaker: dict[str, list[tuple[int, int]]] = {}
            for q in near:
                by_speaker.setdefault(q.speaker or "", []).append((q.start, q.end))
            pooled = max(((k, _held(want, text, v)) for k, v in by_speaker.items() if k),
                         key=lambda kv: kv[1], default=("", 0.0))
            found = strict or pooled[1] >= RECALL_SHARE
            ours.counts["found_strict"] += strict
            ours.counts["found"] += found
            speaker = best.speaker if strict and best is not None else pooled[0] or None
            if not found and len(ours.misses) < MAX_MISSES:
                got = "; ".join(f"{q.kind}:{text[q.start:q.end][:30]!r}" for q in near[:2])
                ours.misses.append(f"missed ({att['cue']}, {att['source'][:25]!r}): "
                                   f"{att['content'][:60]!r} got [{got}]")
            if found and last:
                ours.counts["named"] += 1
                right = _speaker_right(last, speaker)
                ours.counts["right"] += right
                ours.counts["right_all"] += right
                if not right and len(ours.misses) < 2 * MAX_MISSES:
                    ours.misses.append(f"speaker {att['source'][:30]!r} ({att['cue']}), got "
                                       f"{speaker!r}: {att['content'][:50]!r}")
            # baselines
            in_marks = any(_held(want, text, [(s, e)]) >= RECALL_SHARE
                           for s, e in marks if s < c1 and c0 < e)
            base.counts["found"] += in_marks
            if last:
                base.counts["named"] += 1
                guess = _nearest_person(analysis, person_mentions, c0, c1)
                right = _speaker_right(last, names.get(guess) if guess else None)
                base.counts["right"] += right
                base.counts["right_all"] += right
    return ours, base


def _nearest_person(analysis: Any, mentions: list[Any], c0: int, c1: int) -> str | None:
    """The entity key of the person mention nearest the content in its sentence(s)."""
    sents = [s for s in analysis.sentences if s.start < c1 and c0 < s.end]
    if not sents:
        return None
    lo, hi = sents[0].start, sents[-1].end
    best: tuple[int, str] | None = None
    for m in mentions:
        if lo <= m.start < hi and not (c0 <= m.start < c1):
            dist = c0 - m.end if m.end <= c0 else m.start - c1
            if best is None or dist < best[0]:
                best = (dist, m.entity)
    return best[1] if best else None
