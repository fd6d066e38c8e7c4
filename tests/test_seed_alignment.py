"""The claim groups and the summary of the five seeds against facts annotated by reading them.

Gold: ``tests/data/seed_facts.toml`` (facts two or more seeds state, each with short snippets
locating the sentences that state it).  Measured on the seeds compared as one story:

- recall: of the cross-article sentence pairs stating one fact, the share in one claim group;
- precision: of the cross-article sentence pairs inside claim groups, the share stating one fact;
- citations: every article a summary sentence cites states that sentence's fact.
"""

from __future__ import annotations

import re
import tomllib
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from manysides.analyze import analyze_batch
from manysides.compare import compare_story, sentence_vectors
from manysides.ingest import ingest
from manysides.models import Article, Story
from manysides.report.summary import summarize
from manysides.settings import Settings
from manysides.store import Store

GOLD = Path(__file__).parent / "data" / "seed_facts.toml"
RECALL_GOAL = 0.8  # the goals, not met yet (see the xfail test)
PRECISION_GOAL = 0.9
# What the claims reach now (recall 0.579, precision 0.887, event recall 0.695: a day and a
# stretch of past time named without one, "in recent years", are other days, compare.toml
# [time] periods; 0.579 / 0.873 before that: a plan and
# what happened on no common day are two facts, compare.toml [support] undated_plan; a
# duration ("a four-day visit") shares a span key with a span of its length ("April 16 to
# 19"), claims.duration_keys; "the reason why ... is to" is no plan; 0.579 / 0.786, event
# recall 0.653, before that: a clause given the sentence's
# subject, "Li is a Chinese official under ...", names the subject's entities, and two verb
# phrases of one subject with different modalities, "attended ... and is expected to meet
# ...", are two claims, claims._modal_split; 0.505 / 0.762 before that: two sentences naming
# different kinds of event are two facts, compare.toml [support] other_predicate; 0.505 /
# 0.738 before that: the aligner's same_event feature, who did what to whom by the slots,
# refitted on ECB+; 0.516 / 0.690 before that: a ", and" before an infinitive does not split,
# claims._INFINITIVE; 0.516 / 0.681 before that; a ", and" inside an
# absolute "with" phrase does not split, claims._ABSOLUTE, and the mean between two parts of an
# event is over their cross-article pairs; 0.463 / 0.657 before that; a participle fragment is no
# claim of its own, compare.toml [claims] min_clause_content; 0.463 / 0.647 before that; an
# event's sentences that do not state one fact are cut into claims of their own, compare.toml
# [support], two named speakers' words among them; 0.484 / 0.622 before that speaker rule; the
# event groups before that cut: 0.589 / 0.368; the hand-weighted scorer before issue 16: 0.337 /
# 0.571): a floor against regressions.  EVENT_RECALL_FLOOR: the claims of one ``event`` together.
RECALL_FLOOR = 0.57
PRECISION_FLOOR = 0.88
EVENT_RECALL_FLOOR = 0.69
# Extra citations (beside the sentence a summary sentence was written from) checked: all must
# state the sentence (the claim aligner's check, report.summary, which also wants a named
# person's words where the summary sentence names the person, or the slots: actors, day,
# related predicate); 9 now (a claim that a clause of a two-modality sentence corroborates,
# "Shoigu attended Sunday's meeting", takes a place in the summary; the whole sentence the
# citation check reads does not state it, so it stands with one citation), 10 before that
# (report.toml [summary] wordings_tried: the wording most outlets are cited for), 7 before
# that, 4 before the slot check, 13 (2 wrong) when a cosine of 0.65
# alone was checked.
CITATIONS_FLOOR = 9

Key = tuple[str, int]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'").lower())


def load_gold() -> tuple[dict[str, str], list[dict]]:
    """(seed number -> file name, facts)."""
    data = tomllib.loads(GOLD.read_text(encoding="utf-8"))
    return data["seeds"], data["fact"]


def analysed_seeds(
    seeds_dir: Path,
) -> tuple[list[Article], dict[str, Any], dict[Key, set[str]]]:
    """The five seeds analysed, their sentence vectors, and the gold facts of each sentence."""
    seeds, facts = load_gold()
    settings = Settings()
    store = Store.memory()
    articles: dict[str, Article] = {}
    for number, name in seeds.items():
        rep = ingest([str(seeds_dir / name)], store, settings=settings)
        articles[number] = store.get_article((rep.new + rep.existing)[0])
    batch = list(articles.values())
    for article, (analysis, _) in zip(batch, analyze_batch(batch, settings=settings), strict=True):
        article.analysis = analysis
    vectors = sentence_vectors(batch, settings)
    facts_of: dict[Key, set[str]] = {}
    for fact in facts:
        for number, snippet in fact["statements"]:
            article = articles[number]
            hits = [s for s in article.analysis.sentences if _norm(snippet) in _norm(s.text)]
            assert len(hits) == 1, f"{number} {snippet!r}: {len(hits)} sentences hold it"
            facts_of.setdefault((article.id, hits[0].index), set()).add(fact["id"])
    store.close()
    return batch, vectors, facts_of


@pytest.fixture(scope="module")
def seed_story(seeds_dir: Path) -> tuple[Story, list[Article], dict[Key, set[str]]]:
    """The five seeds compared as one story and summarised, and the gold facts."""
    batch, vectors, facts_of = analysed_seeds(seeds_dir)
    settings = Settings()
    story = Story(id="seeds", title="seeds", articles=[a.id for a in batch], outlets=[])
    compare_story(story, batch, vectors, settings=settings)
    summarize(story, batch, settings=settings)
    return story, batch, facts_of


def _grouped_pairs(story: Story, by_event: bool = False) -> set[frozenset[Key]]:
    groups: dict[str, set[Key]] = {}
    for claim in story.claims:
        key = (claim.event or claim.id) if by_event else claim.id
        groups.setdefault(key, set()).update((s.article, s.sentence) for s in claim.support)
    pairs: set[frozenset[Key]] = set()
    for keys in groups.values():
        pairs |= {frozenset(p) for p in combinations(sorted(keys), 2) if p[0][0] != p[1][0]}
    return pairs


def alignment_scores(story: Story, facts_of: dict[Key, set[str]],
                     by_event: bool = False) -> tuple[float, float]:
    """(recall of the gold pairs, precision of the grouped pairs), cross-article pairs only;
    ``by_event``: the claims sharing an ``event`` taken as one group."""
    gold = {
        frozenset((a, b)) for a, b in combinations(sorted(facts_of), 2)
        if a[0] != b[0] and facts_of[a] & facts_of[b]
    }
    grouped = _grouped_pairs(story, by_event)
    right = {p for p in grouped if _shares_fact(p, facts_of)}
    recall = len(gold & grouped) / len(gold)
    precision = len(right) / len(grouped) if grouped else 1.0
    return recall, precision


def _shares_fact(pair: frozenset[Key], facts_of: dict[Key, set[str]]) -> bool:
    a, b = tuple(pair)
    return bool(facts_of.get(a, set()) & facts_of.get(b, set()))


def test_snippets_are_short() -> None:
    """The gold quotes snippets, never sentences of the copyrighted seeds."""
    _, facts = load_gold()
    for fact in facts:
        for _, snippet in fact["statements"]:
            assert len(snippet.split()) <= 8, snippet


def test_claim_groups_against_the_seed_facts(seed_story) -> None:
    story, _, facts_of = seed_story
    recall, precision = alignment_scores(story, facts_of)
    print(f"seed alignment: recall {recall:.3f}, precision {precision:.3f}")
    assert recall >= RECALL_FLOOR, f"recall {recall:.3f} < {RECALL_FLOOR}"
    assert precision >= PRECISION_FLOOR, f"precision {precision:.3f} < {PRECISION_FLOOR}"


def test_claims_of_one_event_keep_the_event_recall(seed_story) -> None:
    """Cutting an event's group into claims of one fact loses no sentence of the event."""
    story, _, facts_of = seed_story
    recall, precision = alignment_scores(story, facts_of, by_event=True)
    print(f"seed events: recall {recall:.3f}, precision {precision:.3f}")
    assert recall >= EVENT_RECALL_FLOOR, f"event recall {recall:.3f} < {EVENT_RECALL_FLOOR}"


@pytest.mark.xfail(strict=True, reason="issue 16 goals (recall >= 0.8, precision >= 0.9) not met")
def test_claim_groups_reach_the_goals(seed_story) -> None:
    story, _, facts_of = seed_story
    recall, precision = alignment_scores(story, facts_of)
    assert recall >= RECALL_GOAL and precision >= PRECISION_GOAL


def citation_misses(story: Story, articles: list[Article],
                    facts_of: dict[Key, set[str]]) -> tuple[int, list[tuple[str, str]]]:
    """(citations checked, the ones whose article does not state the summary sentence).

    The fact of a summary sentence is that of the cited sentence it was written from (the one
    sharing most words with it); every other cited article must hold a cited sentence that
    shares a fact with it.
    """
    sentence_text = {(a.id, s.index): s.text for a in articles for s in a.analysis.sentences}
    checked, wrong = 0, []
    for sent in story.summary:
        if len({s.article for s in sent.support}) < 2:
            continue
        words = set(_norm(sent.text).split())
        texts = {(s.article, s.sentence): s for s in sent.support}
        source = max(texts, key=lambda k: len(words & set(_norm(sentence_text[k]).split())))
        facts = facts_of.get(source, set())
        for article in {a for a, _ in texts} - {source[0]}:
            checked += 1
            if not any(facts & facts_of.get(k, set()) for k in texts if k[0] == article):
                wrong.append((sent.text[:60], article))
    return checked, wrong


def test_every_summary_citation_states_the_sentence(seed_story) -> None:
    story, articles, facts_of = seed_story
    checked, wrong = citation_misses(story, articles, facts_of)
    assert checked >= CITATIONS_FLOOR, f"only {checked} extra citations"
    assert not wrong
