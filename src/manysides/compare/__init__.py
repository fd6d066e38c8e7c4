"""Compare one story across outlets: claims, corroboration, contradictions, omissions, framing.

``compare_story(story, articles, vectors, settings=...)`` reads as its steps:

1. split every article into claim units (``claims``): sentences labelled fact/quote/opinion;
2. group units that state the same thing (``grouping``): embeddings + entities, words,
   numbers and dates, average-linkage agglomeration; the groups are about one event (the cuts
   are fitted on ECB+ event coreference), and an uncontested one is cut into claims of one
   fact each (``fact_groups``: the same agglomeration at the stricter cuts of ``compare.toml``
   [support], pairs whose slots disagree scoring 0), which share an ``event`` id;
3. count independent witnesses per group (``independence``): one owner = one witness, wire
   copy = the wire, verbatim paragraphs = one witness;
4. keep in each group only the sentences that may support its claim (``slots``: a plan is
   not the event, an article cannot report an event dated after it was written), look for
   contradictions (``conflicts``, with the slot they are about) and set the status;
5. list each outlet's omissions of corroborated claims;
6. describe framing (``naming``, ``framing``, ``tone``).

``loaded_terms(text)`` is the loaded-language detector, reused by the summary verifier and the
evaluation.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from manysides.analyze import embed_sentences
from manysides.analyze.embed import load_embedder
from manysides.compare.claims import Unit, article_units, reads_sentence_vector
from manysides.compare.conflicts import denial_pairs, find_conflict, number_pairs
from manysides.compare.framing import article_loaded_terms, loaded_term_rates, sources_quoted
from manysides.compare.grouping import (
    FEATURES,
    SLOT_CHECKS,
    Scored,
    group_units,
    score_matrix,
    secondary_support,
)
from manysides.compare.independence import Witnesses, contributing_wires, merge_verbatim
from manysides.compare.naming import naming
from manysides.compare.slots import reported_after, same_modality, unit_slots, written_on
from manysides.compare.tone import tone
from manysides.datafiles import load_data
from manysides.lexicons import LoadedHit, lexicon_categories, loaded_terms
from manysides.models import (
    Article,
    Claim,
    ClaimKind,
    ClaimStatus,
    Conflict,
    Framing,
    Story,
    Support,
)
from manysides.settings import Settings
from manysides.workers import one_blas_thread

__all__ = ["LoadedHit", "compare_story", "compared_articles", "lexicon_categories",
           "loaded_terms", "sentence_vectors"]

log = logging.getLogger(__name__)

KIND_ORDER = {"fact": 0, "quote": 1, "opinion": 2}


def _vectors_for(article: Article, vectors: dict[str, np.ndarray]) -> np.ndarray | None:
    vec = vectors.get(article.id)
    n = len(article.analysis.sentences) if article.analysis else 0
    if vec is None or len(vec) != n:
        log.warning(
            "article %s: %s sentence vectors for %d sentences; its sentences are embedded here",
            article.id, "no" if vec is None else len(vec), n,
        )
        return None
    return np.asarray(vec, dtype=np.float32)


def sentence_vectors(articles: list[Article], settings: Settings) -> dict[str, np.ndarray]:
    """The sentence vectors ``compare_story`` reads, per article (``n x 384``, rows aligned
    with ``analysis.sentences``), embedded in one run: those of the sentences that are one
    claim unit (``claims.reads_sentence_vector``).  The rows of the others are zero: such a
    sentence gives no unit, or clauses embedded on their own, so embedding it would be wasted.
    """
    analysed = [a for a in articles if a.analysis is not None]
    matrices = embed_sentences([a.analysis for a in analysed if a.analysis], settings=settings,
                               keep=reads_sentence_vector)
    return {a.id: m for a, m in zip(analysed, matrices, strict=True)}


CLAUSE_CACHE_SIZE = 50_000  # clause texts whose embeddings are kept between stories
_clause_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()


def _embed_clauses(units: list[Unit], settings: Settings) -> bool:
    """Embed the units that are clauses (not whole sentences); False if no embedder loads.

    Embeddings are cached by (model, text), so re-comparing a story that gained an article
    only embeds the new article's clauses.
    """
    todo = [u for u in units if u.needs_vector]
    if not todo:
        return True
    model = settings.embedding_model
    missing = list(dict.fromkeys(u.text for u in todo if (model, u.text) not in _clause_cache))
    if missing:
        try:
            embedder = load_embedder(settings.embedding_model, settings.tokenizer)
            vecs = embedder.encode(missing)
        except Exception as exc:  # no model: fall back to whole sentences and their vectors
            log.warning("clause embeddings unavailable (%s); claims are whole sentences", exc)
            return False
        for text, vec in zip(missing, vecs, strict=True):
            _clause_cache[(model, text)] = np.asarray(vec, dtype=np.float32)
            if len(_clause_cache) > CLAUSE_CACHE_SIZE:
                _clause_cache.popitem(last=False)
    for u in todo:
        u.vector = _clause_cache[(model, u.text)]
        _clause_cache.move_to_end((model, u.text))
        u.needs_vector = False
    return True


def _units(
    articles: list[Article], vectors: dict[str, np.ndarray], witnesses: Witnesses,
    settings: Settings,
) -> list[Unit]:
    """Claim units of all articles: clauses where an embedder can embed them, else sentences.

    A story of one article has nothing to align across articles: its units are its sentences
    and nothing is embedded (their vectors stay zero unless stored ones are given).
    """
    if len(articles) < 2:
        units = [
            u for a in articles
            for u in article_units(a, vectors.get(a.id), witnesses.outlet[a.id], split=False)
        ]
        for u in units:
            u.needs_vector = False
        return units
    sent_vectors = {a.id: _vectors_for(a, vectors) for a in articles}
    units = [
        u for a in articles for u in article_units(a, sent_vectors[a.id], witnesses.outlet[a.id])
    ]
    if _embed_clauses(units, settings):
        return units
    return [
        u
        for a in articles
        for u in article_units(a, sent_vectors[a.id], witnesses.outlet[a.id], split=False)
    ]


def _join_disputes(
    units: list[Unit], groups: list[list[int]], scores: np.ndarray, witnesses: Witnesses
) -> list[list[int]]:
    """Merge the groups of a denial and of what it denies (``conflicts.denial_pairs``), and
    of two different counts of one thing (``conflicts.number_pairs``)."""
    witness = lambda i: witnesses.of(units[i].article)  # noqa: E731
    pairs = denial_pairs(units, scores, witness) + number_pairs(units, scores, witness)
    if not pairs:
        return groups
    owner: dict[int, int] = {}
    for g, members in enumerate(groups):
        for i in members:
            owner.setdefault(i, g)
    parent = list(range(len(groups)))

    def find(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    for i, j in pairs:
        parent[find(owner[i])] = find(owner[j])
        log.debug("dispute joins claims: %r / %r", units[i].text, units[j].text)
    merged: dict[int, set[int]] = {}
    for g, members in enumerate(groups):
        merged.setdefault(find(g), set()).update(members)
    return sorted((sorted(m) for m in merged.values()), key=lambda m: m[0])


# a fact this much less central than the medoid still speaks: data/compare.toml [claims]
REPRESENTATIVE_SLACK: float = load_data("compare")["claims"]["representative_slack"]


def _representative(units: list[Unit], group: list[int], scores: np.ndarray) -> int:
    """The group's most central member; a fact or quote is preferred over an opinion (and a
    fact over a quote) when it is nearly as central."""
    if len(group) == 1:
        return group[0]
    centrality = dict(zip(group, scores[np.ix_(group, group)].mean(axis=1).tolist(),
                          strict=True))
    best = max(centrality.values())
    near = [i for i in group if centrality[i] >= best - REPRESENTATIVE_SLACK]
    return min(near, key=lambda i: (KIND_ORDER[units[i].kind], -centrality[i], i))


def _claim_id(story_id: str, supports: list[Support]) -> str:
    key = story_id + "|" + "|".join(f"{s.article}:{s.sentence}" for s in supports)
    return "c" + hashlib.sha1(key.encode()).hexdigest()[:10]


def _conflict_kind(conflict: Conflict, units: list[Unit]) -> str:
    """The slot a conflict is about (number, date, place, actor, negation), or ``framing``
    when an allegation or a denial stands against a plain statement."""
    if conflict.type == "name":
        return "place" if conflict.entity_type in ("GPE", "LOC", "FAC") else "actor"
    if conflict.type == "negation":
        where = {(s.article, s.sentence) for side in conflict.sides for s in side.support}
        if any(u.modality in ("alleged", "denied") for u in units
               if (u.article, u.sentence) in where):
            return "framing"
    return conflict.type


def _main_modality(units: list[Unit], group: list[int], keys: dict[int, str]) -> list[int]:
    """The members of the modality most independent witnesses hold (what happened first on a
    tie): the claim speaks for them."""
    holders: dict[str, set[str]] = {}
    for i in group:
        holders.setdefault(units[i].modality, set()).add(keys[i])
    main = max(holders, key=lambda m: (len(holders[m]), m == "happened"))
    return [i for i in group if units[i].modality == main]


def _written_in_time(
    units: list[Unit], group: list[int], scores: np.ndarray, written: dict[str, Any]
) -> tuple[list[int], list[int]]:
    """(members that may state the group's claim, the others): an article cannot state an
    event dated after it was written (``slots.reported_after``), judged against the claim of
    the group's representative."""
    if len(group) == 1:
        return group, []
    claim = unit_slots(units[_representative(units, group, scores)])
    keep = [i for i in group if reported_after(claim, written[units[i].article])]
    return (keep, [i for i in group if i not in keep]) if keep else (group, [])


def _in_time(units: list[Unit], groups: list[list[int]], scores: np.ndarray,
             written: dict[str, Any]) -> list[list[int]]:
    """``groups`` with each member written before its group's event moved out, on its own
    (unless another group holds it)."""
    out: list[list[int]] = []
    for group in groups:
        keep, moved = _written_in_time(units, group, scores, written)
        out.append(keep)
        out.extend([i] for i in moved if not any(i in g for g in groups if g is not group))
    return out


def _support(
    units: list[Unit], members: list[int], rep: int, scored: Scored,
    sentences: dict[tuple[str, int], Any],
) -> tuple[list[Support], list[int]]:
    """One support item per sentence of ``members`` (where it is, its score against the
    representative ``rep``), and the unit it stands for: the best-scoring unit of the
    sentence against the representative.  Why it was aligned is added by ``_name_features``."""
    scores = scored.score
    best: dict[tuple[str, int], int] = {}
    for i in members:
        key = (units[i].article, units[i].sentence)
        if key not in best or scores[rep, i] > scores[rep, best[key]]:
            best[key] = i
    out = []
    for (article, index), i in best.items():
        sent = sentences[(article, index)]
        out.append(Support(article=article, sentence=index, text=sent.text, start=sent.start,
                           end=sent.end, outlet=units[i].outlet,
                           score=round(float(scores[rep, i]), 3)))
    return out, list(best.values())


def _name_features(scored: Scored, pending: list[tuple[Support, int, int]]) -> None:
    """Fill ``features`` of each (support item, representative, unit) of a story: the pair's
    non-zero features, none for the representative itself; all pairs in one pass."""
    if not pending:
        return
    feats = scored.features(np.array([rep for _, rep, _ in pending], dtype=np.int64),
                            np.array([i for _, _, i in pending], dtype=np.int64))
    for k, (support, rep, i) in enumerate(pending):
        support.features = {} if i == rep else {
            f: round(float(feats[f][k]), 3) for f in FEATURES if feats[f][k]
        }


@dataclass(frozen=True)
class SupportRule:
    """Which sentences of a claim group support its claim (``compare.toml`` [support])."""

    link: float
    average: float
    conflicting: tuple[str, ...]


def support_rule() -> SupportRule:
    """The [support] rule of ``data/compare.toml``."""
    data = load_data("compare")["support"]
    unknown = set(data["conflicting"]) - set(FEATURES) - set(SLOT_CHECKS)
    if unknown:
        raise ValueError(f"data/compare.toml [support]: unknown features {sorted(unknown)}")
    return SupportRule(float(data["link"]), float(data["average"]), tuple(data["conflicting"]))


def fact_groups(units: list[Unit], group: list[int], scored: Scored,
                rule: SupportRule) -> list[list[int]]:
    """``group`` cut into claims whose sentences state one fact: the group is grouped again
    (``grouping.group_units``) at the stricter cuts of ``rule``, pairs whose slots disagree
    (any of ``rule.conflicting`` set) scoring 0; the mean between two parts is over their
    pairs of different articles (two sentences of one article are never compared)."""
    if len(group) < 2:
        return [group]
    idx = np.ix_(group, group)
    sub = scored.score[idx].copy()
    sub[scored.clashes(rule.conflicting)[idx]] = 0.0
    parts = group_units([units[i] for i in group], sub, link=rule.link, average=rule.average,
                        cross_only=True)
    return [[group[k] for k in part] for part in parts]


def _claim(
    story_id: str, units: list[Unit], group: list[int], keys: dict[int, str],
    conflict: Conflict | None, scored: Scored, sentences: dict[tuple[str, int], Any],
    order: dict[str, int], pending: list[tuple[Support, int, int]],
) -> tuple[tuple[Any, ...], Claim, list[list[str]]]:
    """(sort key, claim, its witnesses' outlets) of one group of units; its support items,
    with their representative and unit, are added to ``pending`` (``_name_features``)."""
    scores = scored.score
    rep = _representative(units, _main_modality(units, group, keys), scores)
    slots = unit_slots(units[rep])
    # witnesses of the claim itself: a plan does not corroborate the event (nor back)
    independent = sorted({keys[i] for i in group if same_modality(slots, units[i])})
    status: ClaimStatus
    if conflict:
        status = "contested"
    elif len(independent) >= 2:
        status = "corroborated"
    else:
        status = "single_source"
    kind = cast(ClaimKind, min((units[i].kind for i in group), key=KIND_ORDER.__getitem__))
    members = sorted(group, key=lambda i: (order[units[i].article], units[i].sentence))
    support, chosen = _support(units, members, rep, scored, sentences)
    pending.extend((item, rep, i) for item, i in zip(support, chosen, strict=True))
    outlets = sorted({units[i].outlet for i in group})
    claim = Claim(
        id=_claim_id(story_id, support),
        text=units[rep].text,
        status=status,
        kind=kind,
        outlets=outlets,
        support=support,
        conflict=conflict,
        slots=slots,
    )
    witness_outlets = [
        sorted({units[i].outlet for i in group if keys[i] == w}) for w in independent
    ]
    sort_key = (-len(independent), -len(outlets), KIND_ORDER[kind], members[0])
    return sort_key, claim, witness_outlets


MAX_COMPARED: int = load_data("compare")["story"]["max_compared"]


def compared_articles(articles: list[Article], limit: int | None = None) -> list[Article]:
    """The articles a story is compared on: all of them up to ``limit`` (default: ``compare.toml``
    [story] max_compared), else ``limit`` of them, every outlet in turn (the outlets with most
    articles first), each outlet's picks spread evenly over its articles in publication order
    (its first and latest report kept).  The result keeps the input order."""
    limit = MAX_COMPARED if limit is None else limit
    if len(articles) <= limit:
        return list(articles)
    by_outlet: dict[str, list[Article]] = {}
    for a in articles:
        by_outlet.setdefault(a.outlet or a.id, []).append(a)
    outlets = sorted(by_outlet, key=lambda o: (-len(by_outlet[o]), o))
    quota = dict.fromkeys(outlets, 0)
    left = limit
    while left:  # one more article per outlet per round, while the outlet has one
        for o in outlets:
            if left and quota[o] < len(by_outlet[o]):
                quota[o] += 1
                left -= 1
    chosen: set[str] = set()
    for o, k in quota.items():
        ordered = sorted(by_outlet[o], key=lambda a: (a.published is None, a.published or "", a.id))
        step = (len(ordered) - 1) / (k - 1) if k > 1 else 0.0
        chosen.update(ordered[round(i * step)].id for i in range(k))
    return [a for a in articles if a.id in chosen]


def build_claims(
    story: Story, articles: list[Article], vectors: dict[str, np.ndarray], settings: Settings
) -> tuple[list[Claim], dict[str, list[list[str]]]]:
    """Claims of a story (grouped, with slots, status and conflicts) and each claim's witnesses."""
    witnesses = Witnesses(articles)
    units = _units(articles, vectors, witnesses, settings)
    scored = score_matrix(units)
    scores = scored.score
    groups = group_units(units, scores)
    groups = [
        sorted(set(g) | set(x)) for g, x in zip(groups, secondary_support(units, groups, scores),
                                                strict=True)
    ]
    groups = _join_disputes(units, groups, scores, witnesses)
    groups = _in_time(units, groups, scores, {a.id: written_on(a) for a in articles})
    analysed = [(a.id, a.analysis) for a in articles if a.analysis]
    names = {e.key: e.name for _, an in reversed(analysed) for e in an.entities}
    sentences = {(i, s.index): s for i, an in analysed for s in an.sentences}
    built: list[tuple[tuple[Any, ...], Claim, list[list[str]]]] = []
    order = {a.id: n for n, a in enumerate(articles)}
    rule = support_rule()
    pending: list[tuple[Support, int, int]] = []
    for whole in groups:
        keys = merge_verbatim(units, whole, witnesses)
        conflict = find_conflict(units, whole, keys.__getitem__, scores, names)
        if conflict is not None:
            conflict.kind = _conflict_kind(conflict, units)
            parts = [whole]
        else:
            parts = fact_groups(units, whole, scored, rule)
        event = None if len(parts) == 1 else "e" + _claim_id(story.id, [
            Support(article=units[i].article, sentence=units[i].sentence) for i in whole
        ])[1:]
        for group in parts:
            if group is not whole:
                keys = merge_verbatim(units, group, witnesses)
            sort_key, claim, witness_outlets = _claim(story.id, units, group, keys, conflict,
                                                      scored, sentences, order, pending)
            claim.event = event
            built.append((sort_key, claim, witness_outlets))
    _name_features(scored, pending)
    built.sort(key=lambda b: b[0])
    return [c for _, c, _ in built], {c.id: w for _, c, w in built}


def omissions(story_outlets: list[str], claims: list[Claim]) -> dict[str, list[str]]:
    """For each outlet, the ids of corroborated claims it does not report."""
    return {
        outlet: [c.id for c in claims if c.status == "corroborated" and outlet not in c.outlets]
        for outlet in story_outlets
    }


def compare_story(
    story: Story,
    articles: list[Article],
    vectors: dict[str, np.ndarray],
    *,
    settings: Settings | None = None,
) -> Story:
    """Fill ``story.claims``, ``story.omissions`` and ``story.framing`` from its articles.

    ``articles`` carry their ``analysis``; ``vectors`` maps article id -> sentence embeddings
    (rows aligned with ``analysis.sentences``).  Articles without analysis are skipped with a
    warning.  Returns the same ``story`` object, updated.
    """
    settings = settings or Settings()
    started = time.perf_counter()
    usable = [a for a in articles if a.analysis is not None]
    for a in articles:
        if a.analysis is None:
            log.warning("story %s: article %s has no analysis; left out", story.id, a.id)
    compared = compared_articles(usable)
    story.compared_articles = [a.id for a in compared] if len(compared) < len(usable) else None
    if story.compared_articles:
        log.info("story %s: %d articles, compared on %d of them", story.id, len(usable),
                 len(compared))
    usable = compared
    with one_blas_thread():  # a story's matrices are small
        claims, witnesses = build_claims(story, usable, vectors, settings)
    outlets_by_article = Witnesses(usable).outlet
    story_outlets = sorted(set(outlets_by_article.values())) or list(story.outlets)
    story.claims = claims
    story.omissions = omissions(story_outlets, claims)
    hits = [h for a in usable for h in article_loaded_terms(a)]
    story.framing = Framing(
        naming=naming(usable, outlets_by_article),
        loaded_terms=hits,
        loaded_term_rates=loaded_term_rates(usable, outlets_by_article, hits),
        sources_quoted=sources_quoted(usable, outlets_by_article),
        tone=tone(usable, outlets_by_article),
        witnesses=witnesses,
        wire_credits={a.id: wires for a in usable if (wires := contributing_wires(a))},
    )
    elapsed = time.perf_counter() - started
    log.info(
        "story %s: %d claims from %d articles in %.2fs", story.id, len(claims), len(usable), elapsed
    )
    return story
