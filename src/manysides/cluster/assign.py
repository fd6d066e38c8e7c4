"""Incremental story assignment and full re-clustering.

``assign_stories(store, ids, settings=...)`` takes analysed, non-duplicate articles that have
no story yet, in publication order (dated ones oldest first, then undated ones, so that an
undated article meets the stories its dated neighbours formed), and for each one:

1. gathers candidate stories from the ``StoryIndex``: the ANN neighbours of its doc embedding
   and the stories naming its rarest named entities (a bounded number, however many stories
   the store holds or a busy week adds);
2. scores each candidate (``cluster.toml``): centroid cosine, the share of the article's
   named-entity weight the story also names, a penalty growing with the days between the
   article and the story's span; candidates further than ``max_gap_days`` are excluded, which
   keeps two events with the same actors weeks apart in two stories, and so are stories that
   share too little of the article's named entities, which keeps two like events with other
   actors (two floods, two summits in the same week) apart;
3. joins the best candidate whose score passes the threshold, else founds a new story
   (id = a hash of the founding article's id, so the same data gives the same ids).

The index is updated after every article; at the end of the call (or every
``MAX_PENDING_STORIES`` stories in a long one) each touched story is rebuilt from its members and
saved once (title, outlets, span, date anchor, centroid = normalised mean doc vector, entity
keys = the top keys by summed weight; see ``story``).  Nothing is ever compared with every
story, and the index holds only the stories of the last few weeks of news (see ``index``): an
article published long before the newest first has the stories it could join loaded from the
store.

``recluster`` forgets every story and assigns all articles again in publication order: the
same greedy pass as incremental assignment, so both give the same grouping on the same data.
"""

from __future__ import annotations

import hashlib
import logging
import weakref
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from manysides.cluster.anchor import choose_anchor
from manysides.cluster.features import (
    ArticleFeatures,
    article_features,
    load_config,
    published_day,
)
from manysides.cluster.index import StoryEntry, StoryIndex, reset_index, story_index
from manysides.cluster.story import MemberInfo, build_story, member_info, sort_key
from manysides.models import Article
from manysides.settings import Settings
from manysides.store import Store

log = logging.getLogger(__name__)

CHUNK = 256
# Stories placed but not yet saved are held in the index whatever their age; a long run (a
# re-clustering) saves them whenever this many are pending, so the index stays bounded.
MAX_PENDING_STORIES = 4096


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


def score_candidates(
    feats: ArticleFeatures, index: StoryIndex, config: dict[str, Any]
) -> list[tuple[float, float, str]]:
    """(score, cosine, story id) of every admissible candidate story, best first.

    Candidates: the ANN neighbours and the stories naming the article's rarest entities.
    Stories too far in time or sharing too few of the article's names are dropped; of the rest
    only the ``max_scored`` closest by centroid are scored.
    """
    sc, tc, cc = config["score"], config["time"], config["candidates"]
    gap_max = tc["max_gap_days"]
    ids = set(index.nearest(feats.vector, cc["ann_k"]))
    ids |= index.sharing(list(feats.entities), per_key=cc["per_entity"],
                         max_keys=cc["entities"])
    total = sum(feats.entities.values())
    named = total >= sc["min_entity_weight"]
    kept: list[tuple[StoryEntry, int, float]] = []
    for sid in ids:
        entry = index.entries[sid]
        gap = entry.gap_days(feats.day)
        if gap > gap_max:
            continue
        shared = sum(w for k, w in feats.entities.items() if k in entry.keys)
        ent = shared / total if total else 0.0
        if named and entry.keys and ent < sc["min_entity_share"]:
            continue  # other people and places: another event, however alike the wording
        kept.append((entry, gap, ent))
    if not kept:
        return []
    cosines = np.stack([e.centroid for e, _, _ in kept]) @ feats.vector
    order = np.argsort(-cosines, kind="stable")[: cc["max_scored"]]
    out: list[tuple[float, float, str]] = []
    for i in order:
        entry, gap, ent = kept[int(i)]
        cos = float(cosines[int(i)])
        score = sc["w_cosine"] * cos + sc["w_entities"] * ent - sc["time_penalty"] * gap / gap_max
        out.append((score, cos, entry.id))
    out.sort(key=lambda t: (-t[0], t[2]))
    return out


def best_story(feats: ArticleFeatures, index: StoryIndex, config: dict[str, Any]) -> str | None:
    """The story ``feats`` should join, or None (it founds a new one)."""
    sc = config["score"]
    scored = score_candidates(feats, index, config)
    log.debug("article %s: candidates %s", feats.id[:10],
              [(round(s, 3), round(c, 3), sid[:8]) for s, c, sid in scored[:3]])
    for score, cos, sid in scored:
        if score >= sc["join_threshold"] and cos >= sc["min_cosine"]:
            return sid
        # candidates are sorted by score: the first failing the threshold ends the search
        if score < sc["join_threshold"]:
            break
    return None


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


def assign_stories(
    store: Store, article_ids: list[str], *, settings: Settings | None = None
) -> list[str]:
    """Put each given article (analysed, not a duplicate, not yet in a story) into a story.

    Returns the ids of the stories created or changed, in the order first touched.  Articles
    without an analysis or a "doc" embedding are left out (logged), never an error.
    """
    del settings  # clustering has no user settings yet; thresholds live in cluster.toml
    config = load_config()
    index = story_index(store)
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
            index.cover(store, feats.day)
            sid = best_story(feats, index, config)
            if sid is None:
                sid = story_id_for(aid)
                index.upsert(sid, feats.vector, feats.entities,
                             first_published=art.published if feats.dated else None,
                             last_published=art.published if feats.dated else None, count=1)
            else:
                _absorb(index, sid, feats)
            cache.add(sid, member_info(art, config))
            pending.setdefault(sid, []).append(aid)
            touched[sid] = None
        if len(pending) >= MAX_PENDING_STORIES:
            _save_touched(store, index, pending, cache, config)
            pending = {}
        cache.forget(index.expire(keep=pending))
    if skipped:
        log.info("%d article(s) left out of clustering: no analysis or no doc embedding", skipped)
    _save_touched(store, index, pending, cache, config)
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
) -> None:
    """Rebuild each touched story from all its members, save it, refresh its index entry.

    Stories are done ``CHUNK`` at a time.  Analyses are loaded only for members not in
    ``cache`` and, for the date anchor, for the members of stories that mix dated and undated
    articles.
    """
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
            anchor = _anchor(story_infos, analysed)
            story, centroid, keys = build_story(sid, story_infos, vectors, config,
                                                previous=previous[sid], anchor=anchor)
            store.save_story(story, centroid=centroid, entity_keys=list(keys))
            index.upsert(sid, centroid, keys, first_published=story.first_published,
                         last_published=story.last_published, count=len(story.articles))


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
    n = entry.count
    centroid = entry.centroid * n + feats.vector
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    keys = dict(entry.keys)
    for key, w in feats.entities.items():
        keys[key] = keys.get(key, 0.0) + w
    first, last = _span_with(entry.first_day, entry.last_day, feats)
    index.upsert(sid, centroid, keys, first_published=first, last_published=last, count=n + 1)


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
