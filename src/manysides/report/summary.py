"""The neutral, cited summary of a story, built from its claim groups.

Order: corroborated claims (time order), then contested claims with both sides attributed
("Outlet A reports that X; Outlet B reports that Y."), then a few notable single-source claims
marked as such ("Only Outlet C reports that X.").  Each sentence is the most central supporting
sentence of its claim, compressed (attribution clutter stripped from facts, relative dates
made absolute, a leading pronoun replaced by the person's name), and it must pass the verifier
(``verify.verify``) against every sentence it cites and hold no loaded term of the framing
lexicon outside an attributed quotation.  A claim none of whose sentences passes is stated as
an attributed quotation of its source, or left out; no sentence is ever shown uncited.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from manysides.compare import support_rule
from manysides.compare.grouping import SentenceAligner
from manysides.compare.slots import slots_agree
from manysides.lexicons import loaded_terms
from manysides.models import Article, Claim, Story, SummarySentence, Support
from manysides.report.llm import LLMConfig, rewrite_summary
from manysides.report.prepare import (
    LoadedFn,
    Prepared,
    StoryText,
    drop_adverbs,
    loaded_outside_quotes,
    quotes_balanced,
)
from manysides.report.timeline import build_timeline
from manysides.report.verify import Evidence, Similarity, load_similarity, rules, verify
from manysides.settings import Settings
from manysides.workers import one_blas_thread

log = logging.getLogger(__name__)

LOWER_FIRST_WORDS = {"The", "A", "An", "This", "That", "These", "Those", "It", "Its", "Their",
                     "There", "Both", "Some", "Many", "Two", "Three", "Four", "In", "On", "At",
                     "During", "After", "Before", "While", "Last", "Next", "Earlier", "Later",
                     "Over", "Since", "When", "As", "Following", "Such", "Several", "Most",
                     "All", "Each", "According"}


@dataclass
class Part:
    """A verified piece of a summary sentence: its text and the sentences it cites."""

    text: str
    evidence: list[Evidence]
    similarity: float


def summarize(
    story: Story,
    articles: Sequence[Article],
    *,
    settings: Settings,
    similarity: Similarity | None = None,
    loaded: LoadedFn | None = None,
) -> Story:
    """Fill ``story.summary`` and ``story.timeline`` from its claims and its articles' analyses.

    Of a story compared on some of its articles (``story.compared_articles``), only those
    are read.  ``similarity`` defaults to the sentence embedder (``load_similarity``);
    ``loaded`` to the framing lexicon (``manysides.lexicons.loaded_terms``).  Returns the same
    ``story``.
    """
    similarity = similarity or load_similarity(settings)
    loaded = loaded if loaded is not None else loaded_terms
    if story.compared_articles is not None:  # a large story: what its comparison read
        compared = set(story.compared_articles)
        articles = [a for a in articles if a.id in compared]
    with one_blas_thread():  # a story's matrices are small
        text = StoryText([a for a in articles if a.duplicate_of is None] or list(articles),
                         date_anchor=story.date_anchor)
        builder = SummaryBuilder(text, similarity, loaded)
        story.summary = builder.build(story.claims)
        config = LLMConfig.from_settings(settings)
        if config is not None and story.summary:
            story.summary = rewrite_summary(story.summary, text, similarity, loaded, config)
        story.timeline = build_timeline(text, similarity, loaded)
    log.info("story %s: %d summary sentences, %d timeline events", story.id,
             len(story.summary), len(story.timeline))
    return story


class SummaryBuilder:
    """Chooses, compresses and verifies the sentences of one story's summary."""

    def __init__(self, text: StoryText, similarity: Similarity, loaded: LoadedFn | None) -> None:
        self.text = text
        self.similarity = similarity
        self.loaded = loaded
        self.cfg = rules()["summary"]
        self.aligner = SentenceAligner(list(text.articles.values()))
        self.support = support_rule()
        self.names = {e.key: [e.name, *e.aliases] for a in text.articles.values()
                      if a.analysis for e in a.analysis.entities}

    # -- the three sections -----------------------------------------------------------------

    def build(self, claims: Sequence[Claim]) -> list[SummarySentence]:
        """The summary sentences for ``claims`` (corroborated, contested, single-source)."""
        chosen: list[tuple[SummarySentence, str]] = []  # (sentence, text used for de-duplication)
        corroborated = [c for c in claims if c.status == "corroborated" and self._supports(c)]
        corroborated.sort(key=lambda c: -len({s.article for s in c.support}))
        corroborated = corroborated[: int(self.cfg["max_corroborated"])]
        corroborated.sort(key=self._time_key)
        for claim in corroborated:
            self._add(chosen, self._corroborated(claim))
        done: set[str] = set()
        contested = 0
        for claim in sorted((c for c in claims if c.status == "contested"), key=self._time_key):
            if claim.id in done or contested >= int(self.cfg["max_contested"]):
                continue
            done.add(claim.id)
            if self._add(chosen, self._contested(claim)):
                contested += 1
        singles = [c for c in claims if c.status == "single_source" and self._supports(c)]
        singles.sort(key=self._notability, reverse=True)
        added = 0
        for claim in singles:
            if added >= int(self.cfg["max_single_source"]):
                break
            if self._add(chosen, self._single(claim)):
                added += 1
        return [s for s, _ in chosen]

    def _add(self, chosen: list[tuple[SummarySentence, str]],
             item: tuple[SummarySentence, str] | None) -> bool:
        if item is None:
            return False
        sentence, body = item
        if chosen:
            scores = self.similarity.scores(body, [b for _, b in chosen])
            if max(scores) >= float(self.cfg["duplicate_similarity"]):
                return False
        chosen.append((sentence, body))
        return True

    def _corroborated(self, claim: Claim) -> tuple[SummarySentence, str] | None:
        part = self.best_part(claim, claim.support)
        if part is None:
            part = self.quoted_part(claim.support)
        if part is None:
            return None
        return _sentence(part.text, claim.status, part.evidence), part.text

    def _single(self, claim: Claim) -> tuple[SummarySentence, str] | None:
        part = self.best_part(claim, claim.support, max_words=int(self.cfg["max_words_single"]))
        if part is None:
            return None  # a single-source claim is not worth quoting whole
        outlet = self.text.outlet(claim.support[0].article)
        text = f"Only {outlet} reports that {_lower_first(part.text)}"
        return _sentence(text, claim.status, part.evidence), part.text

    def _contested(self, claim: Claim) -> tuple[SummarySentence, str] | None:
        sides = _sides(claim, self.text)
        if len(sides) < 2:
            return None
        parts: list[tuple[str, Part]] = []
        for outlets, support in sides[:3]:
            part = self.best_part(claim, support) or self.quoted_part(support)
            if part is None:
                return None
            cited = [ev.outlet or "" for ev in part.evidence]  # the outlets still cited
            parts.append((" and ".join(dict.fromkeys(cited or outlets)), part))
        clauses = [
            f"{who} {'report' if ' and ' in who else 'reports'} that "
            f"{_lower_first(p.text).rstrip('.')}"
            for who, p in parts
        ]
        text = "; ".join(clauses) + "."
        evidence = [ev for _, p in parts for ev in p.evidence]
        return _sentence(text, "contested", evidence), " ".join(p.text for _, p in parts)

    # -- choosing and checking one sentence -------------------------------------------------

    def best_part(
        self, claim: Claim, support: Sequence[Support], *, max_words: int | None = None
    ) -> Part | None:
        """The supporting sentence that passes the checks, compressed, and that most outlets
        are cited for, of the ``wordings_tried`` most central that pass (the most central on a
        tie), or None."""
        strip = claim.kind == "fact"
        max_words = max_words or int(self.cfg["max_words"])
        candidates: list[Prepared] = []
        for s in _unique(support):
            prepared = self.text.prepare(s.article, s.sentence, strip_attribution=strip)
            if prepared is not None and 4 <= prepared.words:
                candidates.append(prepared)
        if not candidates:
            return None
        evidence = [c.evidence for c in candidates]
        bodies = {id(c): self._body(c, max_words) for c in candidates}
        usable = sum(body is not None for body in bodies.values())
        # centrality only orders the usable candidates: with one or none it is not needed
        order = self._by_centrality(candidates) if usable > 1 else candidates
        best: Part | None = None
        tried = 0
        for cand in order:
            body = bodies[id(cand)]
            if body is None:
                continue
            verdict = verify(body, evidence, self.similarity, closest=cand.evidence)
            if not verdict.ok:
                log.debug("rejected %r: %s", body, "; ".join(verdict.reasons))
                continue
            cited = [ev for ev in evidence if ev is cand.evidence
                     or self._states(body, ev, cand.evidence)]
            if best is None or _outlets(cited) > _outlets(best.evidence):
                best = Part(body, cited, verdict.similarity)
            tried += 1
            if tried >= int(self.cfg["wordings_tried"]) or _outlets(cited) == _outlets(evidence):
                break
        return best

    def _states(self, body: str, ev: Evidence, source: Evidence) -> bool:
        """Whether the cited sentence ``ev`` states ``body`` (written from ``source``), checked
        on its own: the verifier passes on it alone (its numbers, dates, and a meaning close
        enough: ``citation_min_similarity``; names may be worded otherwise), and the claim
        aligner puts it in one claim with ``source`` (pair probability and slots by the rule
        of ``compare.toml`` [support], the embedding cosine that of ``body`` and ``ev``), as
        the comparison would; where ``body`` names the person whose words ``source`` gives,
        ``ev`` must give that person's words too).  Or, a meaning less close
        (``citation_slot_similarity``), the two state one event by their slots: the actors
        ``body`` names, the day, a related predicate, modality and polarity
        (``compare.slots.slots_agree``): wordings of one event the embedding puts apart."""
        verdict = verify(body, [ev], self.similarity, names=False,
                         min_similarity=float(self.cfg["citation_slot_similarity"]))
        if not verdict.ok:
            return False
        a, b = (source.article, source.sentence), (ev.article, ev.sentence)
        if verdict.similarity >= float(self.cfg["citation_min_similarity"]) and \
                self.aligner.same_claim(a, b, verdict.similarity, link=self.support.link,
                                        conflicting=self.support.conflicting, text=body):
            return True
        ua, ub = self.aligner.unit(a), self.aligner.unit(b)
        return ua is not None and ub is not None and slots_agree(ua, ub, body, self.names)

    def _body(self, cand: Prepared, max_words: int) -> str | None:
        """``cand`` without droppable adverbs, or None when it fails a check that needs no
        verifier: too long, cut mid-quote, or a loaded term outside quotes."""
        if cand.words > max_words or not quotes_balanced(cand.text):
            return None
        body = _without_connective(drop_adverbs(cand.text, self.loaded),
                                   self.cfg["connectives"])
        if loaded_outside_quotes(body, self.loaded):
            return None
        return body

    def quoted_part(self, support: Sequence[Support]) -> Part | None:
        """A supporting sentence quoted whole and attributed to its outlet ("X writes: “…”")."""
        for s in _unique(support):
            ev = self.text.evidence(s.article, s.sentence)
            if ev is None or len(ev.text.split()) > int(self.cfg["max_words"]) \
                    or not quotes_balanced(ev.text):
                continue
            quoted = ev.text.strip().replace("“", "‘").replace("”", "’")
            text = f"{ev.outlet} writes: “{quoted}”"
            if loaded_outside_quotes(text, self.loaded):
                continue
            return Part(text, [ev], 1.0)
        return None

    def _by_centrality(self, candidates: list[Prepared]) -> list[Prepared]:
        """Candidates, most central first (those opening with "This ..." etc. last)."""
        if len(candidates) == 1:
            return candidates
        texts = [c.text for c in candidates]
        central = []
        for i, c in enumerate(candidates):
            others = texts[:i] + texts[i + 1 :]
            scores = self.similarity.scores(c.text, others)
            central.append(sum(scores) / len(scores))
        anaphoric = tuple(f"{w} " for w in self.cfg["anaphoric_starts"])
        order = sorted(range(len(candidates)), key=lambda i: (
            candidates[i].text.startswith(anaphoric), -round(central[i], 2), candidates[i].words))
        return [candidates[i] for i in order]

    def _supports(self, claim: Claim) -> bool:
        return any(self.text.sentence(s.article, s.sentence) for s in claim.support)

    def _time_key(self, claim: Claim) -> tuple[str, float]:
        days = [d.resolved for s in claim.support
                for d in self.text.dates_in(s.article, s.sentence)
                if d.resolved and len(d.resolved) == 10]  # single days, not ranges
        published = [p[:10] for p in (self.text.published(s.article) for s in claim.support) if p]
        when = min(days) if days else (min(published) if published else "9999")
        position = sum(s.sentence for s in claim.support) / max(1, len(claim.support))
        return when, position

    def _notability(self, claim: Claim) -> float:
        best = 0.0
        for s in claim.support:
            ev = self.text.evidence(s.article, s.sentence)
            if ev is None:
                continue
            score = len(set(ev.names)) + 0.5 * len(ev.dates) + 2.0 / (1 + s.sentence)
            score += 1.0 if claim.kind == "fact" else 0.0
            best = max(best, score)
        return best


def _without_connective(text: str, connectives: Sequence[str]) -> str:
    """``text`` without a leading connective that ties it to a sentence the summary does not
    show ("Similarly, Li noted ..." -> "Li noted ...")."""
    for word in connectives:
        if text.startswith(word) and text[len(word) : len(word) + 2] in (", ", " "):
            rest = text[len(word) :].lstrip(", ")
            return rest[:1].upper() + rest[1:] if rest else text
    return text


def _sentence(text: str, status: str, evidence: Sequence[Evidence]) -> SummarySentence:
    """A summary sentence citing ``evidence``; a corroborated claim whose citations that
    passed come from one outlet only is shown as single-source (it never overstates)."""
    if status == "corroborated" and len({ev.outlet for ev in evidence}) < 2:
        status = "single_source"
    citations = list(dict.fromkeys(ev.article for ev in evidence))
    support = [Support(ev.article, ev.sentence) for ev in evidence]
    return SummarySentence(text=text, citations=citations, status=status, support=support)


def _outlets(evidence: Sequence[Evidence]) -> int:
    """How many outlets ``evidence`` cites."""
    return len({ev.outlet for ev in evidence})


def _unique(support: Sequence[Support]) -> list[Support]:
    seen: set[tuple[str, int]] = set()
    out = []
    for s in support:
        if (s.article, s.sentence) not in seen:
            seen.add((s.article, s.sentence))
            out.append(s)
    return out


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first in LOWER_FIRST_WORDS:
        return text[0].lower() + text[1:]
    return text


def _sides(claim: Claim, text: StoryText) -> list[tuple[list[str], list[Support]]]:
    """The sides of a contest: (outlets, their supporting sentences), largest side first."""
    groups: list[list[Support]] = []
    if claim.conflict is not None:
        groups = [list(side.support) for side in claim.conflict.sides]
    else:  # one claim whose outlets disagree: one side per outlet
        per_outlet: dict[str, list[Support]] = {}
        for s in claim.support:
            per_outlet.setdefault(text.outlet(s.article), []).append(s)
        groups = list(per_outlet.values())
    sides = []
    for group in groups:
        group = [s for s in group if text.sentence(s.article, s.sentence) is not None]
        if group:
            outlets = list(dict.fromkeys(text.outlet(s.article) for s in group))
            sides.append((outlets, group))
    sides.sort(key=lambda side: -len(side[1]))
    return sides
