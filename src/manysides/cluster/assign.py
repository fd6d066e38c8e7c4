"""Incremental story assignment and full re-clustering.

``assign_stories(store, ids, settings=...)`` takes analysed, non-duplicate articles that have
no story yet, in publication order (dated ones oldest first, then undated ones, so that an
undated article meets the stories its dated neighbours formed), and for each one:

1. gathers candidate stories from the ``StoryIndex``: the ANN neighbours of its doc embedding
   and the stories naming its rarest named entities (a bounded number, however many stories
   the store holds or a busy week adds); for an article of no known day, also the stored
   stories of any day naming those entities (``StoryIndex.recall_named``);
2. drops candidates further than ``max_gap_days`` from its day (two events with the same
   actors weeks apart stay two stories; an undated article's day, estimated from the full
   dates it writes out, only bounds it from below: ``_known_day``) and compares it with the
   ``max_scored`` closest by centroid on ``FEATURES``: centroid cosine, the share of its
   named-entity weight the story names (plain and weighted by the names' idf among the
   articles seen), the tf-idf cosine of its whole text with the story's word profile (idf
   from the store), the share of the days it reports (resolved dates) that are not the
   story's, the days between them and the days the story would span with it;
   ``data/story_model.toml`` turns them into a probability (logistic regression, fitted by
   ``eval/train_stories.py``);
3. joins the most probable candidate at ``join_threshold`` or more, else founds a new story
   (id = a hash of the founding article's id, so the same data gives the same ids).

The index is updated after every article; at the end of the call (or every
``MAX_PENDING_STORIES`` stories in a long one) each touched story is rebuilt from its members and
saved once (title, outlets, span, date anchor, centroid = normalised mean doc vector, entity
keys = the top keys by summed weight; see ``story``).  Nothing is ever compared with every
story, and the index holds only the stories of the last few weeks of news (see ``index``): an
article published long before the newest first has the stories it could join loaded from the
store.

Then the stories repair themselves: a story of 4 to ``MAX_SPLIT_MEMBERS`` articles whose
members, compared two by two, form two or more groups is split (``split_story``: the group
published first keeps the id), and a touched story of 2+ articles that the model, comparing
the two stories as wholes, calls the same event as another live story at ``merge_threshold``
is merged into it (``merge_stories``: the larger keeps its id, the other's id redirects to it,
recorded in the store); else it takes in the lone-article stories near it whose article it
would now be the most probable story of (at ``lone_threshold``).

``recluster`` forgets every story and assigns all articles again in publication order: the
same greedy pass as incremental assignment, so both give the same grouping on the same data.
"""

from __future__ import annotations

import hashlib
import logging
import math
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from manysides.cluster import lexical
from manysides.cluster.anchor import choose_anchor
from manysides.cluster.features import (
    ArticleFeatures,
    article_features,
    load_config,
    load_model,
    published_day,
)
from manysides.cluster.index import StoryEntry, StoryIndex, reset_index, story_index
from manysides.cluster.lexical import Profile, TermStats, add_terms
from manysides.cluster.story import (
    MemberInfo,
    build_story,
    member_info,
    sort_key,
    story_profile,
)
from manysides.models import Article, Story
from manysides.settings import Settings
from manysides.store import Store

log = logging.getLogger(__name__)

CHUNK = 256
# Stories placed but not yet saved are held in the index whatever their age; a long run (a
# re-clustering) saves them whenever this many are pending, so the index stays bounded.
MAX_PENDING_STORIES = 4096
# Stories of more articles than this are not checked for a split (data/cluster.toml [story]).
MAX_SPLIT_MEMBERS: int = load_config()["story"]["max_split_members"]
# Lone-article stories checked for joining a touched story, per story (data/cluster.toml).
LONE_CHECKED: int = load_config()["story"]["lone_checked"]
# What "names_apart" needs (cluster.toml [entities]): names on both sides, a shared share under.
APART_NAMES: int = load_config()["entities"]["apart_names"]
APART_SHARE: float = load_config()["entities"]["apart_share"]


def story_id_for(article_id: str) -> str:
    """The id of a story founded by ``article_id`` (stable: a hash of the article id)."""
    return hashlib.sha1(f"story:{article_id}".encode()).hexdigest()[:16]


def publication_order(articles: Iterable[Article]) -> list[str]:
    """Article ids, dated ones by publication time (then id), then undated ones as given."""
    never = datetime.max.replace(tzinfo=UTC)
    dated: list[tuple[datetime, str]] = []
    undated: list[str] = []
    for art in articles:
        key = sort_key(art.published)
        if key != never:
            dated.append((key, art.id))
        else:
            undated.append(art.id)
    return [i for _, i in sorted(dated)] + undated


FEATURES = ("cosine", "entities", "rare_entities", "lexical", "other_days", "gap", "span",
            "names_apart", "time_unknown", "past_window")
"""What an article is compared with a candidate story on (``pair_features``), in the order of
the learned weights in ``data/story_model.toml``."""


@dataclass
class Query:
    """An article (or a story, when two stories are compared) as assignment compares it."""

    feats: ArticleFeatures
    weights: np.ndarray  # tf-idf of ``feats.terms``, unit length
    rare: dict[str, float]  # entity weights times their idf among the articles seen
    entity_total: float
    rare_total: float

    @classmethod
    def of(cls, feats: ArticleFeatures, stats: TermStats) -> Query:
        """``feats`` with its tf-idf weights and name idfs under ``stats``."""
        weights = stats.weighted(feats.terms)
        norm = float(np.linalg.norm(weights))
        rare = {k: w * stats.name_idf(k) for k, w in feats.entities.items()}
        return cls(feats, weights / norm if norm else weights, rare,
                   sum(feats.entities.values()), sum(rare.values()))

    def rarest(self, n: int) -> list[str]:
        """The ``n`` entity keys of the most weight times idf (ties: by key)."""
        return [k for k, _ in sorted(self.rare.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def _share_of_days(days: dict[int, float], other: dict[int, float]) -> float:
    """Share of the mentions in ``days`` that fall within a day of one in ``other``."""
    total = sum(days.values())
    near = sum(n for d, n in days.items() if d in other or d - 1 in other or d + 1 in other)
    return near / total if total else 0.0


def pair_features(
    query: Query, entry: StoryEntry, cos: float, gap: int, index: StoryIndex,
    stats: TermStats, gap_max: int,
) -> np.ndarray:
    """The ``FEATURES`` of an article (``query``) against one candidate story."""
    feats = query.feats
    keys = entry.keys
    named = named_in(feats.entities, keys)
    shared = sum(w for k, w in feats.entities.items() if k in named)
    rare_shared = sum(w for k, w in query.rare.items() if k in named)
    # Reporting the same days is what all news of a week does; reporting other days is
    # evidence of another event (the same kind of incident a year later), so only that counts.
    other = 1.0 - _share_of_days(feats.days, entry.days) if feats.days and entry.days else 0.0
    rare_share = rare_shared / query.rare_total if query.rare_total else 0.0
    return np.array([
        cos,
        shared / query.entity_total if query.entity_total else 0.0,
        rare_share,
        lexical.cosine(feats.terms[0], query.weights, entry.profile, stats),
        other,
        gap / gap_max,
        _span_days(_known_day(feats, entry), entry) / gap_max,
        float(_names_apart(rare_share, len(feats.entities), len(keys))),
        _time_unknown(feats, entry),
        _past_window(feats, entry),
    ], dtype=np.float64)


def named_in(names: dict[str, float], keys: dict[str, float]) -> set[str]:
    """The keys of ``names`` that ``keys`` holds, as they are or as a variant of the same name:
    outlets spell one person "Dana Holloway" or "Dana K. Holloway", so a key of two words or
    more whose words are all words of the other's, ending in the same word (the surname),
    counts, and so does one spelt the same without its hyphens ("o-brien", "obrien").  A
    surname alone does not (two people of one story's news may share it)."""
    found = {k for k in names if k in keys}
    if len(found) == len(names):
        return found
    by_last: dict[str, list[frozenset[str]]] = {}
    joined = set()
    for key in keys:
        words = key.split("-")
        by_last.setdefault(words[-1], []).append(frozenset(words))
        joined.add(key.replace("-", ""))
    for key in names:
        if key in found:
            continue
        words = key.split("-")
        mine = frozenset(words)
        if key.replace("-", "") in joined or any(
                min(len(mine), len(other)) >= 2 and (mine <= other or other <= mine)
                for other in by_last.get(words[-1], ())):
            found.add(key)
    return found


def _known_day(feats: ArticleFeatures, entry: StoryEntry) -> int | None:
    """The article's day as evidence against ``entry``.  A publication date is; so is an
    undated article's estimate (the latest full date it writes out, ``text_day``) for a
    story before it.  That estimate is only a lower bound, though: an undated report written
    after the day it recalls ("the memo of January 27, 2017") can belong to a story of any
    later day, so against a story that begins after it the day is unknown (``None``)."""
    if (not feats.dated and feats.day is not None and entry.first_day is not None
            and entry.first_day > feats.day):
        return None
    return feats.day


def _time_unknown(feats: ArticleFeatures, entry: StoryEntry) -> float:
    """1.0 when the article's day or the story's is unknown (an undated article, as far as
    ``_known_day`` tells, or a story of such articles only): nothing in time then speaks for
    the join, and the same kind of event a year or five earlier or later reads alike (another
    quake, another patch for the same software), so the words and names must carry it alone.
    Both ways: were a story without a day exempt, undated articles that fall short of their
    dated story would gather in one timeless story of every like event."""
    return float(entry.first_day is None or _known_day(feats, entry) is None)


def _past_window(feats: ArticleFeatures, entry: StoryEntry) -> float:
    """1.0 when nothing dates the article against ``entry`` (``_known_day``) and the story
    had left the live window (``StoryIndex.recall_named`` loaded it by name): an undated page
    is more often today's news than a report of an old story with the same names (the same
    kind of event again: another patch of the same browser, another firing by one team)."""
    return float(entry.recalled and _known_day(feats, entry) is None)


def _gap(feats: ArticleFeatures, entry: StoryEntry) -> int:
    """Days between the article and the story's span as far as known (``_known_day``)."""
    return entry.gap_days(_known_day(feats, entry))


def _names_apart(rare_share: float, names: int, story_names: int) -> bool:
    """Whether an article and a story that both name enough entities share almost none of
    the article's rare ones (``APART_NAMES``, ``APART_SHARE``): reports of like events
    elsewhere read alike, their names do not.  Few names on either side (a short item, a
    story of one brief) say nothing either way."""
    return min(names, story_names) >= APART_NAMES and rare_share < APART_SHARE


def _span_days(day: int | None, entry: StoryEntry) -> int:
    """Days the story would span with an article of ``day`` in it (0 when either is unknown):
    one event's coverage spans a few days, a story that keeps growing chains several."""
    if day is None or entry.first_day is None or entry.last_day is None:
        return 0
    return max(entry.last_day, day) - min(entry.first_day, day)


def join_probability(features: np.ndarray, model: dict[str, Any]) -> float:
    """The model's probability that the article belongs to the story (logistic regression)."""
    z = float(np.dot(model["weights"], features)) + float(model["bias"])
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def candidate_features(
    query: Query, index: StoryIndex, stats: TermStats, config: dict[str, Any],
    *, exclude: str | None = None, recalled: dict[str, StoryEntry] | None = None,
) -> list[tuple[str, np.ndarray]]:
    """(story id, ``FEATURES``) of every admissible candidate story.

    Candidates: the ANN neighbours, the stories naming the article's rarest entities and
    the ``recalled`` ones (``StoryIndex.recall_named``).  Stories more than ``max_gap_days``
    away are dropped; of the rest only the ``max_scored`` closest by centroid are compared in
    full.
    """
    recalled = recalled or {}
    feats = query.feats
    tc, cc = config["time"], config["candidates"]
    gap_max = tc["max_gap_days"]
    ids = set(index.nearest(feats.vector, cc["ann_k"]))
    ids |= index.sharing(list(feats.entities), per_key=cc["per_entity"],
                         max_keys=cc["entities"])
    ids.discard(exclude or "")
    entries = [index.entries[sid] if sid in index.entries else recalled[sid]
               for sid in sorted(ids | recalled.keys())]
    kept = [(e, _gap(feats, e)) for e in entries]
    kept = [(e, g) for e, g in kept if g <= gap_max]
    if not kept:
        return []
    cosines = np.stack([e.centroid for e, _ in kept]) @ feats.vector
    order = np.argsort(-cosines, kind="stable")[: cc["max_scored"]]
    return [(kept[int(i)][0].id,
             pair_features(query, kept[int(i)][0], float(cosines[int(i)]), kept[int(i)][1],
                           index, stats, gap_max))
            for i in order]


def best_story(
    query: Query, index: StoryIndex, stats: TermStats, config: dict[str, Any],
    model: dict[str, Any], *, threshold: float | None = None, exclude: str | None = None,
    recalled: dict[str, StoryEntry] | None = None,
) -> tuple[str | None, float]:
    """The story ``query`` should join (None: it founds a new one) and its probability."""
    best: tuple[float, str] | None = None
    for sid, row in candidate_features(query, index, stats, config, exclude=exclude,
                                       recalled=recalled):
        p = join_probability(row, model)
        if best is None or (p, sid) > best:
            best = (p, sid)
    limit = model["join_threshold"] if threshold is None else threshold
    if best is None or best[0] < limit:
        return None, best[0] if best else 0.0
    return best[1], best[0]


# The members of stories still in the index: a story receiving articles is a recent one, and
# a cache that grew with the store would make every garbage collection slower.  The limit
# bounds it when the live window holds more (hundreds of thousands of articles a day).
MAX_CACHED_MEMBERS = 50_000


class MemberCache:
    """What the clusterer keeps of the members of recently touched stories (no analyses): the
    stories that leave the index's live window are forgotten, and beyond ``limit`` members the
    least recently touched ones."""

    def __init__(self, limit: int = MAX_CACHED_MEMBERS):
        self.limit = limit
        self._stories: dict[str, dict[str, MemberInfo]] = {}  # least recently touched first
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def of(self, story_id: str) -> dict[str, MemberInfo]:
        """The cached members of a story (article id -> info); marks the story as touched.
        Add to it only through ``add``."""
        members = self._stories.pop(story_id, {})
        self._stories[story_id] = members
        return members

    def add(self, story_id: str, info: MemberInfo) -> None:
        """Remember ``info`` as a member of ``story_id``."""
        members = self.of(story_id)
        self._size += info.id not in members
        members[info.id] = info

    def forget(self, story_ids: Iterable[str]) -> None:
        """Drop what is cached for these stories."""
        for sid in story_ids:
            self._size -= len(self._stories.pop(sid, {}))

    def trim(self) -> None:
        """Forget the least recently touched stories until at most ``limit`` members remain."""
        while self._size > self.limit and len(self._stories) > 1:
            self.forget([next(iter(self._stories))])


_MEMBERS: weakref.WeakKeyDictionary[Store, MemberCache] = weakref.WeakKeyDictionary()
_STATS: weakref.WeakKeyDictionary[Store, TermStats] = weakref.WeakKeyDictionary()


def term_stats(store: Store) -> TermStats:
    """The document frequencies of terms over ``store``'s clustered articles (cached)."""
    stats = _STATS.get(store)
    if stats is None:
        stats = _STATS[store] = TermStats.from_bytes(store.get_state(lexical.STATE_NAME))
    return stats


def place(index: StoryIndex, sid: str, feats: ArticleFeatures) -> None:
    """Put ``feats`` into story ``sid`` in the index (a new story if it holds none)."""
    if sid in index.entries:
        _absorb(index, sid, feats)
        return
    published = feats.published if feats.dated else None
    index.upsert(sid, feats.vector, feats.entities, first_published=published,
                 last_published=published, count=1, terms=feats.terms, days=feats.days)


def _story_for(
    store: Store, index: StoryIndex, feats: ArticleFeatures, stats: TermStats,
    config: dict[str, Any], model: dict[str, Any],
) -> str:
    """The story an article joins, or the id of the one it founds.  The stories it could
    join that the index does not hold come from the store: those of its days (a late
    article), or for an article of no known day those naming its rarest names (held only
    if it joins one)."""
    index.cover(store, feats.day)
    query = Query.of(feats, stats)
    recalled = {} if feats.day is not None else index.recall_named(
        store, query.rarest(config["candidates"]["entities"]),
        per_key=config["candidates"]["recalled_per_entity"],
        most=config["candidates"]["recalled_stories"])
    found, _ = best_story(query, index, stats, config, model, recalled=recalled)
    if found in recalled:
        index.adopt(recalled[found])
    return found or story_id_for(feats.id)


def assign_stories(
    store: Store, article_ids: list[str], *, settings: Settings | None = None
) -> list[str]:
    """Put each given article (analysed, not a duplicate, not yet in a story) into a story,
    then repair the stories touched (``split_story``, ``merge_stories``).

    Returns the ids of the stories created or changed, in the order first touched (a story
    merged into another is left out; the one it went into is in).  Articles without an
    analysis or a "doc" embedding are left out (logged), never an error.
    """
    del settings  # clustering has no user settings yet; thresholds live in cluster.toml
    config, model = load_config(), load_model()
    index = story_index(store)
    stats = term_stats(store)
    cache = _MEMBERS.setdefault(store, MemberCache())
    wanted = list(dict.fromkeys(article_ids))
    light = [a for a in store.iter_articles(ids=wanted)
             if a.duplicate_of is None and a.story_id is None]
    order = publication_order(light)
    touched: dict[str, None] = {}
    pending: dict[str, list[str]] = {}  # story -> members placed and not yet saved
    skipped = 0
    for start in range(0, len(order), CHUNK):
        chunk = order[start : start + CHUNK]
        arts = {a.id: a for a in store.iter_articles(ids=chunk, with_analysis=True)}
        vectors = store.get_vectors(chunk, "doc")
        for aid in chunk:
            art = arts.get(aid)
            if art is None or art.analysis is None or aid not in vectors:
                skipped += 1
                continue
            feats = article_features(art, vectors[aid], config)
            stats.add(feats.terms, feats.entities)
            sid = _story_for(store, index, feats, stats, config, model)
            place(index, sid, feats)
            cache.add(sid, member_info(art, config, feats))
            pending.setdefault(sid, []).append(aid)
            touched[sid] = None
        if len(pending) >= MAX_PENDING_STORIES:
            touched.update(_save_touched(store, index, pending, cache, config, stats))
            pending = {}
        cache.forget(index.expire(keep=pending))
    if skipped:
        log.info("%d article(s) left out of clustering: no analysis or no doc embedding", skipped)
    touched.update(_save_touched(store, index, pending, cache, config, stats))
    for gone, into in merge_stories(store, index, list(touched), cache, config, stats, model):
        touched.pop(gone, None)
        touched[into] = None
    if stats.dirty:
        store.put_state(lexical.STATE_NAME, stats.to_bytes())
        stats.dirty = False
    cache.forget(index.expire())
    cache.trim()
    index.maybe_save()
    return list(touched)


def _save_touched(
    store: Store,
    index: StoryIndex,
    new_members: dict[str, list[str]],
    cache: MemberCache,
    config: dict[str, Any],
    stats: TermStats,
) -> dict[str, None]:
    """Rebuild each touched story from all its members, split it when it holds two events
    (``split_story``), save it, refresh its index entry; returns the ids of the stories split
    off.

    Stories are done ``CHUNK`` at a time.  Analyses are loaded only for members not in
    ``cache`` and, for the date anchor, for the members of stories that mix dated and undated
    articles.
    """
    model = load_model()
    split_off: dict[str, None] = {}
    sids = list(new_members)
    for start in range(0, len(sids), CHUNK):
        batch = sids[start : start + CHUNK]
        previous = {sid: store.get_story(sid) for sid in batch}
        members = {
            sid: list(dict.fromkeys([*(prev.articles if prev else []), *new_members[sid]]))
            for sid, prev in previous.items()
        }
        all_ids = [aid for ids in members.values() for aid in ids]
        story_of = {aid: sid for sid, ids in members.items() for aid in ids}
        analysed: dict[str, Article] = {}
        cached = {sid: cache.of(sid) for sid in members}
        missing = [aid for sid, ids in members.items() for aid in ids if aid not in cached[sid]]
        for art in store.iter_articles(ids=missing, with_analysis=True):
            analysed[art.id] = art
            cache.add(story_of[art.id], member_info(art, config))
        infos = {sid: [cached[sid][a] for a in ids if a in cached[sid]]
                 for sid, ids in members.items()}
        mixed = [aid for sid, ids in members.items() if _is_mixed(infos[sid])
                 for aid in ids if aid not in analysed]
        for art in store.iter_articles(ids=mixed, with_analysis=True):
            analysed[art.id] = art
        vectors = {k: v.reshape(-1) for k, v in store.get_vectors(all_ids, "doc").items()}
        for sid, story_infos in infos.items():
            if not story_infos:
                continue
            parts = split_story(story_infos, vectors, index, stats, config, model)
            if len(parts) > 1:
                log.info("story %s holds %d events: split", sid[:10], len(parts))
            for n, part in enumerate(parts):
                part_id = sid if n == 0 else story_id_for(part[0].id)
                if n:
                    split_off[part_id] = None
                    cache.forget([part_id])
                    for m in part:
                        cache.add(part_id, m)
                        cached[sid].pop(m.id, None)
                _save_one(store, index, part_id, part, vectors, config,
                          previous[sid] if n == 0 else None, _anchor(part, analysed))
    return split_off


def _save_one(
    store: Store, index: StoryIndex, sid: str, infos: list[MemberInfo],
    vectors: dict[str, np.ndarray], config: dict[str, Any], previous: Story | None,
    anchor: str | None,
) -> None:
    story, centroid, keys = build_story(sid, infos, vectors, config, previous=previous,
                                        anchor=anchor)
    terms, days = story_profile(infos)
    store.save_story(story, centroid=centroid, entity_keys=list(keys),
                     terms=lexical.to_bytes(terms),
                     event_days={date.fromordinal(d).isoformat(): n for d, n in days.items()})
    index.upsert(sid, centroid, keys, first_published=story.first_published,
                 last_published=story.last_published, count=len(story.articles),
                 terms=terms, days=days)


def _member_entry(m: MemberInfo, vector: np.ndarray) -> StoryEntry:
    """A one-article story made of member ``m`` (for comparing members with each other)."""
    day = published_day(m.published) if m.dated else m.text_day
    return StoryEntry(id=m.id, label=-1, centroid=vector, keys=m.entities, first_day=day,
                      last_day=day, count=1, profile=Profile(m.terms), days=m.days)


def _member_query(m: MemberInfo, vector: np.ndarray, stats: TermStats) -> Query:
    day = published_day(m.published) if m.dated else m.text_day
    feats = ArticleFeatures(id=m.id, vector=vector, entities=m.entities, day=day,
                            dated=m.dated, published=m.published, terms=m.terms, days=m.days)
    return Query.of(feats, stats)


def split_story(
    infos: list[MemberInfo], vectors: dict[str, np.ndarray], index: StoryIndex,
    stats: TermStats, config: dict[str, Any], model: dict[str, Any],
) -> list[list[MemberInfo]]:
    """The story's members as one group, or as several when it holds several events.

    Members are linked when the model, comparing the two articles alone, gives at least
    ``split_link``; a story of at most ``MAX_SPLIT_MEMBERS`` splits into the connected groups
    of two or more articles when there are several (an article linked to no one stays with
    the group it is closest to).  Groups are ordered by their first member (publication
    order): the first keeps the story's id.
    """
    ordered = sorted(infos, key=lambda m: (sort_key(m.published), m.id))
    usable = [m for m in ordered if m.id in vectors]
    if not 4 <= len(usable) <= MAX_SPLIT_MEMBERS:
        return [ordered]
    gap_max = config["time"]["max_gap_days"]
    n = len(usable)
    entries = [_member_entry(m, vectors[m.id]) for m in usable]
    probs = np.zeros((n, n))
    for i in range(n):
        query = _member_query(usable[i], vectors[usable[i].id], stats)
        for j in range(i + 1, n):
            cos = float(entries[i].centroid @ entries[j].centroid)
            gap = entries[j].gap_days(entries[i].first_day)
            row = pair_features(query, entries[j], cos, gap, index, stats, gap_max)
            probs[i, j] = probs[j, i] = join_probability(row, model)
    group = list(range(n))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if probs[i, j] >= model["split_link"]:
                group[root(i)] = root(j)
    comps: dict[int, list[int]] = {}
    for i in range(n):
        comps.setdefault(root(i), []).append(i)
    big = [c for c in comps.values() if len(c) >= 2]
    if len(big) < 2:
        return [ordered]
    parts = [list(c) for c in big]
    for c in comps.values():
        if len(c) == 1:
            best = max(range(len(parts)), key=lambda k: float(probs[c[0], parts[k]].mean()))
            parts[best].append(c[0])
    groups = [[usable[i] for i in sorted(p)] for p in parts]
    rest = [m for m in ordered if m.id not in vectors]
    groups[0].extend(rest)
    return sorted(groups, key=lambda g: (sort_key(g[0].published), g[0].id))


def merge_stories(
    store: Store, index: StoryIndex, story_ids: list[str], cache: MemberCache,
    config: dict[str, Any], stats: TermStats, model: dict[str, Any],
) -> list[tuple[str, str]]:
    """Merge each of ``story_ids`` (of 2+ articles) with the live story the model says is the
    same event (at least ``merge_threshold``), else take in the lone-article stories among its
    ``LONE_CHECKED`` closest candidates whose article would now join it first (at
    ``lone_threshold``: the story has grown since that article was placed, and an article
    whose most probable story it now is needs less than a join to go there).  The story with
    more articles (ties: the older) keeps its id, the other's id redirects to it
    (``Store.merge_story``).  Returns (merged id, kept id)."""
    merged: list[tuple[str, str]] = []
    for sid in story_ids:
        entry = index.entries.get(sid)
        if entry is None or entry.count < 2:
            continue  # a lone article that founded a story was just compared with the others
        rows = candidate_features(_story_query(entry, stats), index, stats, config,
                                  exclude=sid)
        p, found = max(((join_probability(row, model), cid) for cid, row in rows),
                       default=(0.0, ""))
        if p >= model["merge_threshold"]:
            other = index.entries[found]
            keep, gone = (other, entry) if _outranks(other, entry) else (entry, other)
            pairs = [(gone.id, keep.id)]
        else:
            pairs = [(cid, sid) for cid in _lone_joining(sid, rows, index, stats, config, model)]
        for gone_id, keep_id in pairs:
            log.info("stories %s and %s are one event: merged into %s", gone_id[:10],
                     keep_id[:10], keep_id[:10])
            store.merge_story(gone_id, keep_id)
            index.remove(gone_id)
            cache.forget([gone_id, keep_id])
            merged.append((gone_id, keep_id))
        if pairs:
            _save_touched(store, index, {pairs[0][1]: []}, cache, config, stats)
    return merged


def _lone_joining(
    sid: str, rows: list[tuple[str, np.ndarray]], index: StoryIndex, stats: TermStats,
    config: dict[str, Any], model: dict[str, Any],
) -> list[str]:
    """The lone-article stories among the ``LONE_CHECKED`` first of ``rows`` (candidates of
    story ``sid``, closest first) whose article's best story is now ``sid``, at
    ``lone_threshold`` or more."""
    lone = [cid for cid, _ in rows if index.entries[cid].count == 1][:LONE_CHECKED]
    return [cid for cid in lone
            if best_story(_story_query(index.entries[cid], stats), index, stats, config,
                          model, threshold=model["lone_threshold"], exclude=cid)[0] == sid]


def _outranks(a: StoryEntry, b: StoryEntry) -> bool:
    """Whether story ``a`` keeps its id when merged with ``b``: more articles, then older."""
    return (a.count, -(a.first_day or 0), b.id) > (b.count, -(b.first_day or 0), a.id)


def _story_query(entry: StoryEntry, stats: TermStats) -> Query:
    """A story as the query side of a comparison (its centroid, names, words and days)."""
    feats = ArticleFeatures(id=entry.id, vector=entry.centroid, entities=entry.keys,
                            day=entry.last_day, dated=entry.last_day is not None,
                            terms=entry.profile.terms, days=entry.days)
    return Query.of(feats, stats)


def _is_mixed(infos: list[MemberInfo]) -> bool:
    dated = [m.dated for m in infos]
    return any(dated) and not all(dated)


def _anchor(infos: list[MemberInfo], analysed: dict[str, Article]) -> str | None:
    """The story's date anchor: see ``anchor.choose_anchor`` (analyses needed only if mixed)."""
    dated_days = [published_day(m.published) for m in infos if m.dated]
    if not dated_days:
        days = [m.text_day for m in infos if m.text_day is not None]
        return date.fromordinal(min(days)).isoformat() if days else None
    if not _is_mixed(infos):
        return date.fromordinal(min(d for d in dated_days if d is not None)).isoformat()
    return choose_anchor([analysed[m.id] for m in infos if m.id in analysed])


def _absorb(index: StoryIndex, sid: str, feats: ArticleFeatures) -> None:
    """Update a story's index entry at once for a joining article (exact rebuild follows)."""
    entry = index.entries[sid]
    days = dict(entry.days)
    for d, count in feats.days.items():
        days[d] = days.get(d, 0.0) + count
    n = entry.count
    centroid = entry.centroid * n + feats.vector
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    keys = dict(entry.keys)
    for key, w in feats.entities.items():
        keys[key] = keys.get(key, 0.0) + w
    first, last = _span_with(entry.first_day, entry.last_day, feats)
    index.upsert(sid, centroid, keys, first_published=first, last_published=last, count=n + 1,
                 terms=add_terms([entry.profile.terms, feats.terms]), days=days)


def _span_with(
    first_day: int | None, last_day: int | None, feats: ArticleFeatures
) -> tuple[str | None, str | None]:
    days = [d for d in (first_day, last_day) if d is not None]
    if feats.dated and feats.day is not None:
        days.append(feats.day)
    if not days:
        return None, None
    return date.fromordinal(min(days)).isoformat(), date.fromordinal(max(days)).isoformat()


def recluster(store: Store, *, settings: Settings | None = None) -> list[str]:
    """Forget every story and assign all stored articles again, in publication order.

    Returns the ids of the stories formed.
    """
    store.delete_stories()
    reset_index(store)
    _MEMBERS.pop(store, None)
    ids = [a.id for a in store.iter_articles(include_duplicates=False)]
    story_ids = assign_stories(store, ids, settings=settings)
    story_index(store).maybe_save(force=True)
    return story_ids
