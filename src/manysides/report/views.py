"""View models of a story for the HTML report and the web UI (plain data, no markup).

``story_view(story, articles)`` gathers what the story page shows: the cited summary with the
source sentence of each citation, the claims x outlets matrix, contradictions side by side, the
quote table, framing charts (naming choices, loaded-term rates, whom each outlet quotes), the
timeline, and each article split into sentences and highlighted spans for the reading view.
Markup is left to the (autoescaping) templates, so no article text is ever trusted as HTML.
"""

from __future__ import annotations

import bisect
import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from manysides.compare.independence import Witnesses
from manysides.models import Article, Claim, Framing, Slots, Story, SummarySentence, Support

# Outlet badge colours: 12 hues readable with white text (WCAG AA on the badge).
PALETTE = ("#1f5f99", "#a3361f", "#2e7d32", "#6a3d9a", "#8a5a00", "#00727a",
           "#b0306e", "#4e5d6c", "#7a4b2a", "#c2410c", "#5b7d1a", "#4338ca")
# Colours of the "whom each outlet quotes" categories, in order of overall frequency.
CATEGORY_COLOURS = ("#1f5f99", "#c0632b", "#6a3d9a", "#00727a", "#8a8f2a", "#9aa3ad",
                    "#b0306e", "#4e5d6c")


def outlet_colour(outlet: str | None) -> str:
    """A colour for an outlet's badge, the same for the same name in every page and run."""
    digest = hashlib.sha1((outlet or "").strip().lower().encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def safe_url(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) link, else ``None`` (no ``javascript:`` in an href)."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def anchor(article_id: str, sentence: int | None = None) -> str:
    """The HTML id of an article (or of one of its sentences) in the reading view."""
    base = f"a-{article_id[:12]}"
    return base if sentence is None else f"{base}-s{sentence}"


@dataclass
class Segment:
    """A run of article text with the highlight classes it carries ("ent PERSON", "quote")."""

    text: str
    classes: str = ""
    title: str = ""


@dataclass
class SentenceView:
    index: int
    anchor: str
    segments: list[Segment]


@dataclass
class ArticleView:
    id: str
    anchor: str
    outlet: str
    colour: str
    title: str
    source: str
    url: str | None
    published: str | None
    paragraphs: list[list[SentenceView]]
    removed: list[dict[str, str]]
    words: int
    duplicate_of: str | None


@dataclass
class Citation:
    number: int
    article: str
    outlet: str
    colour: str
    href: str
    sentence: int | None
    text: str


@dataclass
class StoryView:
    story: Story
    outlets: list[tuple[str, str]]  # (outlet, colour)
    summary: list[dict[str, Any]] = field(default_factory=list)
    matrix: list[dict[str, Any]] = field(default_factory=list)
    contradictions: list[dict[str, Any]] = field(default_factory=list)
    # contested claims whose conflict is a contrast of framing (an allegation or a denial
    # against a plain statement), shown apart: the outlets do not contradict each other
    framed: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    naming: list[dict[str, Any]] = field(default_factory=list)
    loaded_rates: list[dict[str, Any]] = field(default_factory=list)
    quoted_whom: list[dict[str, Any]] = field(default_factory=list)
    quoted_categories: list[dict[str, str]] = field(default_factory=list)
    tone: list[dict[str, Any]] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    articles: list[ArticleView] = field(default_factory=list)
    sources: list[Citation] = field(default_factory=list)


def _outlet(a: Article | None) -> str:
    if a is None:
        return "unknown"
    return a.outlet or a.source.rsplit("/", 1)[-1]


def _sentence_text(a: Article | None, index: int | None) -> str:
    if a is None or a.analysis is None or index is None:
        return ""
    sents = a.analysis.sentences
    if 0 <= index < len(sents) and sents[index].index == index:
        return sents[index].text
    return next((s.text for s in sents if s.index == index), "")


def story_view(story: Story, articles: Sequence[Article], *, href_prefix: str = "") -> StoryView:
    """Everything the story page and the HTML report show, as plain data."""
    by_id = {a.id: a for a in articles}
    outlets = list(dict.fromkeys([*story.outlets, *(_outlet(a) for a in articles)]))
    view = StoryView(story=story, outlets=[(o, outlet_colour(o)) for o in outlets])
    numbers: dict[str, int] = {}
    for a in articles:
        numbers.setdefault(a.id, len(numbers) + 1)
        view.sources.append(Citation(numbers[a.id], a.id, _outlet(a), outlet_colour(_outlet(a)),
                                     f"{href_prefix}#{anchor(a.id)}", None, a.title or a.source))

    def cite(s: Support | str) -> Citation:
        art_id, idx = (s, None) if isinstance(s, str) else (s.article, s.sentence)
        a = by_id.get(art_id)
        n = numbers.setdefault(art_id, len(numbers) + 1)
        href = f"{href_prefix}#{anchor(art_id, idx)}"
        return Citation(n, art_id, _outlet(a), outlet_colour(_outlet(a)), href, idx,
                        _sentence_text(a, idx))

    framed = framed_sentences(story)
    for s in story.summary:
        cites = [cite(x) for x in s.support] if s.support else [cite(c) for c in s.citations]
        label = summary_label(s, framed)
        # one citation per article: the first sentence cited from it
        view.summary.append({"text": s.text, "status": s.status, "citations": _dedupe(cites),
                             "label": label, "tag": "framed" if label == FRAMED else s.status})
    _claims(view, story, by_id, outlets, cite)
    view.matrix.sort(key=lambda row: (STATUS_ORDER.get(row["status"], 3),
                                      -sum(c["state"] == "reports" for c in row["cells"])))
    _quotes(view, articles)
    _framing(view, story, articles, outlets)
    for ev in story.timeline:
        cites = [cite(x) for x in ev.support] if ev.support else [cite(a) for a in ev.articles]
        view.timeline.append({"date": ev.date, "text": ev.text, "citations": _dedupe(cites)})
    view.articles = [article_view(a) for a in articles]
    return view


def _claims(view: StoryView, story: Story, by_id: dict[str, Article], outlets: list[str],
            cite: Any) -> None:
    notes = witness_notes(story, list(by_id.values()))
    omitted: dict[str, set[str]] = defaultdict(set)  # claim id -> outlets omitting it
    for key, values in (story.omissions or {}).items():
        for v in values or []:
            if key in outlets:  # {outlet: [claim ids]}
                omitted[str(v)].add(key)
            else:  # {claim id: [outlets]}
                omitted[key].add(str(v))
    for claim in story.claims:
        sides = claim.conflict.sides if claim.conflict else []
        framing = is_framing(claim)
        contradicting: set[str] = set()
        if claim.status == "contested" and len(sides) >= 2 and not framing:
            for side in sides[1:]:
                contradicting.update(side.outlets)
        cells = []
        for o in outlets:
            if o in contradicting:
                state = "contradicts"
            elif o in claim.outlets:
                state = "reports"
            elif o in omitted.get(claim.id, set()):
                state = "omits"
            else:
                state = ""
            cells.append({"outlet": o, "state": state})
        view.matrix.append({"id": claim.id, "text": claim.text, "status": claim.status,
                            "label": claim_label(claim),
                            "tag": "framed" if framing else claim.status,
                            "kind": claim.kind, "cells": cells,
                            "witness_note": notes.get(claim.id, ""),
                            "citations": _dedupe([cite(s) for s in claim.support]),
                            "slots": _slot_line(claim.slots), "aligned": _aligned(claim)})
        if claim.conflict and claim.status == "contested" and len(sides) >= 2:
            (view.framed if framing else view.contradictions).append({
                "claim": claim.text,
                "type": claim.conflict.kind or claim.conflict.type,
                "sides": [{"outlets": side.outlets,
                           "value": side.value,
                           "citations": _dedupe([cite(s) for s in side.support],
                                                by_sentence=True)}
                          for side in sides],
            })


def framed_sentences(story: Story) -> set[tuple[str, int]]:
    """(article, sentence) of every sentence of the story's framing contrasts."""
    return {(x.article, x.sentence) for c in story.claims if is_framing(c) for x in c.support}


def summary_label(sentence: SummarySentence, framed: set[tuple[str, int]]) -> str:
    """The tag a summary sentence is shown with: "" (corroborated), "single source",
    "contested", or "framed differently" for a contested sentence written from a framing
    contrast (all its cited sentences in ``framed``, ``framed_sentences``)."""
    if sentence.status == "corroborated":
        return ""
    keys = {(x.article, x.sentence) for x in sentence.support}
    if sentence.status == "contested" and keys and keys <= framed:
        return FRAMED
    return sentence.status.replace("_", " ")


FRAMED = "framed differently"  # how a contested claim of a framing contrast is shown


def claim_label(claim: Claim) -> str:
    """How a claim's status is shown: "corroborated", "single source", "contested", or
    "framed differently" for a contrast of framing (``is_framing``)."""
    return FRAMED if is_framing(claim) else claim.status.replace("_", " ")


def is_framing(claim: Claim) -> bool:
    """Whether a claim is contested only by a contrast of framing (``Conflict.kind``
    "framing"): one side alleges or denies what the other states plainly."""
    return claim.status == "contested" and claim.conflict is not None \
        and claim.conflict.kind == "framing"


# Why outlets count as one witness (the prefix of their shared ``Witnesses`` key).
_ONE_WITNESS = {"owner": "have one owner", "wire": "carry one agency's copy"}


def witness_notes(story: Story, articles: Sequence[Article]) -> dict[str, str]:
    """Claim id -> why the claim's outlets are fewer independent witnesses than outlets, in
    words ("Breitbart and Global Times run the same words; South China Morning Post states it
    as a plan"), for the claims where they are (``Framing.witnesses`` lists each
    claim's witnesses as their outlets; the articles' witness keys tell one owner or one
    agency's copy apart from a verbatim copy across owners)."""
    witnesses = Witnesses(articles)
    keys_of: dict[str, set[str]] = defaultdict(set)  # outlet -> its articles' witness keys
    for article_id, outlet in witnesses.outlet.items():
        keys_of[outlet].add(witnesses.of(article_id))
    notes = {}
    for claim in story.claims:
        counted = story.framing.witnesses.get(claim.id)
        note = _witness_note(claim, counted, keys_of) if counted is not None else ""
        if note:
            notes[claim.id] = note
    return notes


def _witness_note(claim: Claim, counted: list[list[str]], keys_of: dict[str, set[str]]) -> str:
    parts = []
    for outlets in counted:
        if len(outlets) < 2:
            continue
        shared = set.intersection(*(keys_of.get(o, set()) for o in outlets))
        kind = min(shared).split(":")[0] if shared else ""
        parts.append(f"{' and '.join(outlets)} {_ONE_WITNESS.get(kind, 'run the same words')}")
    others = [o for o in claim.outlets if all(o not in outlets for outlets in counted)]
    if others and claim.slots is not None:  # only a plan and what happened exclude each other
        as_what = "as a plan" if claim.slots.modality == "happened" else "as done"
        verb = "states" if len(others) == 1 else "state"
        parts.append(f"{' and '.join(others)} {verb} it {as_what}")
    return "; ".join(parts)


def _slot_line(slots: Slots | None) -> str:
    """A claim's slots in one short line ("when 2023-04-16/2023-04-19 · planned · ...")."""
    if slots is None:
        return ""
    parts = [f"when {slots.time}"] if slots.time else []
    parts += [f"{len(slots.actors)} actor{'s' * (len(slots.actors) != 1)}"] if slots.actors else []
    parts += [", ".join(slots.quantities)] if slots.quantities else []
    parts += [slots.modality] if slots.modality != "happened" else []
    parts += ["negated"] if slots.polarity == "negative" else []
    parts += [f"asserted by {slots.asserted_by}"] if slots.asserted_by else []
    return " · ".join(parts)


def _aligned(claim: Claim) -> list[dict[str, Any]]:
    """Why each sentence beside the representative was aligned: its score and features."""
    return [{"outlet": s.outlet, "score": f"{s.score:.2f}",
             "why": ", ".join(f"{k} {v:g}" for k, v in (s.features or {}).items())}
            for s in claim.support if s.score is not None and s.score < 1.0]


STATUS_ORDER = {"contested": 0, "corroborated": 1, "single_source": 2}


def _dedupe(cites: list[Citation], *, by_sentence: bool = False) -> list[Citation]:
    seen: dict[Any, Citation] = {}
    for c in cites:
        seen.setdefault((c.article, c.sentence) if by_sentence else c.article, c)
    return sorted(seen.values(), key=lambda c: c.number)


def _quotes(view: StoryView, articles: Sequence[Article]) -> None:
    for a in articles:
        if a.analysis is None:
            continue
        for q in a.analysis.quotes:
            sent = q.sentence
            view.quotes.append({
                "speaker": q.speaker or "", "descriptor": q.descriptor or "",
                "affiliation": q.affiliation or "",
                "speaker_type": q.speaker_type or "", "outlet": _outlet(a),
                "colour": outlet_colour(_outlet(a)), "text": q.text, "kind": q.kind,
                "href": f"#{anchor(a.id, sent) if sent is not None else anchor(a.id)}",
            })


def _framing(view: StoryView, story: Story, articles: Sequence[Article],
             outlets: list[str]) -> None:
    """Framing charts from the compare stage's ``story.framing`` (whom each outlet quotes is
    counted from the analyses where it lacks it; naming and loaded terms are never recounted
    at request time)."""
    framing = story.framing
    outlet_of = {a.id: _outlet(a) for a in articles}
    _loaded_rates(view, framing, articles, outlets, outlet_of)
    _quoted_whom(view, framing, articles, outlets)
    _naming(view, framing, outlets)
    _tone(view, framing, outlets)


def _loaded_rates(view: StoryView, framing: Framing, articles: Sequence[Article],
                  outlets: list[str], outlet_of: dict[str, str]) -> None:
    by_outlet = framing.loaded_term_rates.get("by_outlet") or {}
    terms: dict[str, Counter[str]] = defaultdict(Counter)
    for hit in framing.loaded_terms:
        if hit.article in outlet_of:
            terms[outlet_of[hit.article]][hit.term.lower()] += 1
    rates: dict[str, float] = {}
    for o in outlets:
        info = by_outlet.get(o)
        if isinstance(info, dict) and "per_1000" in info:
            rates[o] = float(info["per_1000"])
    top = max(rates.values(), default=0.0) or 1.0
    view.loaded_rates = [
        {"outlet": o, "colour": outlet_colour(o), "rate": round(rates[o], 1),
         "width": round(100 * rates[o] / top, 1),
         "terms": [t for t, _ in terms[o].most_common(8)]}
        for o in outlets if o in rates
    ]


def _quoted_whom(view: StoryView, framing: Framing, articles: Sequence[Article],
                 outlets: list[str]) -> None:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    affiliations: dict[str, Counter[str]] = defaultdict(Counter)
    sources = framing.sources_quoted
    if sources:
        for o, info in sources.items():
            for cat, v in ((info or {}).get("by_category") or {}).items():
                counts[o][cat] += int(v.get("count", 0) if isinstance(v, dict) else v)
            for aff, v in ((info or {}).get("by_affiliation") or {}).items():
                if aff != "unknown":
                    affiliations[o][aff] += int(v.get("count", 0))
    else:
        for a in articles:
            for q in (a.analysis.quotes if a.analysis else []):
                counts[_outlet(a)][q.speaker_type or "unnamed"] += 1
    totals: Counter[str] = Counter()
    for c in counts.values():
        totals.update(c)
    categories = [c for c, _ in totals.most_common()]
    view.quoted_categories = [{"name": c.replace("_", " "), "colour": _category_colour(i)}
                              for i, c in enumerate(categories)]
    for o in outlets:
        c = counts.get(o, Counter())
        total = sum(c.values())
        view.quoted_whom.append({
            "outlet": o, "colour": outlet_colour(o), "total": total,
            "parts": [{"type": cat.replace("_", " "), "count": c[cat],
                       "colour": _category_colour(i),
                       "width": round(100 * c[cat] / total, 1) if total else 0}
                      for i, cat in enumerate(categories) if c.get(cat)],
            "affiliations": [{"name": aff, "count": n}
                             for aff, n in affiliations.get(o, Counter()).most_common(6)],
        })


def _category_colour(i: int) -> str:
    return CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]


def _naming(view: StoryView, framing: Framing, outlets: list[str]) -> None:
    """The naming chart: the compare stage's referents named differently by two or more of
    the story's outlets (at most 12, most named first; nothing is recounted here)."""
    for item in framing.naming:
        forms = {o: [t.term for t in terms[:3]] for o, terms in item.by_outlet.items()
                 if o in outlets and terms}
        if len(forms) >= 2 and len({tuple(v) for v in forms.values()}) > 1:
            view.naming.append({"entity": item.referent, "forms": forms})
        if len(view.naming) >= 12:
            break


def _tone(view: StoryView, framing: Framing, outlets: list[str]) -> None:
    rows = []
    for item in framing.tone.values():
        n = sum(v.n for v in item.by_outlet.values())
        cells: list[dict[str, Any] | None] = []
        for o in outlets:
            v = item.by_outlet.get(o)
            if v is not None and v.mean is not None:
                cells.append({"outlet": o, "mean": round(v.mean, 2), "n": v.n,
                              "width": round(min(1.0, abs(v.mean)) * 50, 1),
                              "side": "pos" if v.mean >= 0 else "neg"})
            else:
                cells.append(None)
        rows.append((n, {"name": item.name, "cells": cells}))
    rows.sort(key=lambda r: -r[0])
    view.tone = [r for _, r in rows[:8]]


def article_view(a: Article) -> ArticleView:
    """An article as paragraphs of sentences of highlighted segments (entities, quotes)."""
    paragraphs: list[list[SentenceView]] = []
    if a.analysis is None or not a.analysis.sentences:
        for i, para in enumerate(p for p in a.text.split("\n") if p.strip()):
            paragraphs.append([SentenceView(-1, anchor(a.id, -1 - i), [Segment(para)])])
    else:
        spans: list[tuple[int, int, str, str]] = []
        ents = {e.key: e for e in a.analysis.entities}
        for m in a.analysis.mentions:
            e = ents.get(m.entity)
            kind = e.type if e else "ENT"
            spans.append((m.start, m.end, f"ent ent-{kind}", e.name if e else m.text))
        for q in a.analysis.quotes:
            who = q.speaker or "unattributed"
            spans.append((q.start, q.end, f"quote quote-{q.kind}", f"{q.kind} quote: {who}"))
        spans.sort()
        starts = [sp[0] for sp in spans]
        longest = max((e - s for s, e, _, _ in spans), default=0)
        current, pos = -1, 0
        for s in a.analysis.sentences:
            if s.paragraph != current or not paragraphs:
                paragraphs.append([])
                current = s.paragraph
            if a.text[pos : s.start].strip():  # text no sentence covers: shown, not lost
                paragraphs[-1].append(SentenceView(-1, "", [Segment(a.text[pos : s.start])]))
            pos = max(pos, s.end)
            # only spans that can overlap this sentence (start within [s.start - longest, s.end))
            lo = bisect.bisect_left(starts, s.start - longest)
            hi = bisect.bisect_left(starts, s.end)
            paragraphs[-1].append(SentenceView(s.index, anchor(a.id, s.index),
                                               _segments(a.text, s.start, s.end, spans[lo:hi])))
        if a.text[pos:].strip():
            paragraphs.append([SentenceView(-1, "", [Segment(a.text[pos:])])])
    return ArticleView(
        id=a.id, anchor=anchor(a.id), outlet=_outlet(a), colour=outlet_colour(_outlet(a)),
        title=a.title or a.source, source=a.source, url=safe_url(a.url), published=a.published,
        paragraphs=paragraphs, removed=[{"line": r.line, "reason": r.reason} for r in a.removed],
        words=len(a.text.split()), duplicate_of=a.duplicate_of,
    )


def _segments(
    text: str, start: int, end: int, spans: list[tuple[int, int, str, str]]
) -> list[Segment]:
    inside = [(max(s, start), min(e, end), c, t) for s, e, c, t in spans if s < end and e > start]
    cuts = sorted({start, end, *(s for s, _, _, _ in inside), *(e for _, e, _, _ in inside)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [(c, t) for s, e, c, t in inside if s <= a and b <= e]
        classes = " ".join(dict.fromkeys(c for c, _ in covering))
        title = "; ".join(dict.fromkeys(t for _, t in covering))
        out.append(Segment(text[a:b], classes, title))
    return out
