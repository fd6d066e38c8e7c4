"""The candidate index over live stories: ANN over centroids plus an inverted index of names.

Assigning an article must not look at every story, nor at a number of stories that grows with
the store.  ``StoryIndex`` answers two cheap queries, each returning a bounded number:

* ``nearest(vector, k)``: the ``k`` stories whose centroid is closest (hnswlib HNSW graph,
  inner product on unit vectors);
* ``sharing(keys)``: stories that name the article's rarest named entities (an inverted index
  entity key -> stories, the most recent ``MAX_POSTING`` per key), so a story told in words
  like a hundred others (every flood report reads alike) is still found by its names.

It holds only *live* stories: those whose last article is at most ``live_days`` (3 x the
clustering's ``max_gap_days``) older than the newest publication day seen, and undated ones.
An article never joins a story more than ``max_gap_days`` from its own day, so one published up
to ``live_days - max_gap_days`` before the newest finds every story it could join in memory;
for an older one (a late feed, a backfill) ``cover`` first loads the stories it could join from
the store.  As the news moves on, ``expire`` drops the stories that fell out of the window:
their graph nodes are marked deleted and reused by new stories, so the graph, the postings and
the cost of a query stay the size of a few weeks of news however long the store's history
(plus, during a backfill, the stretch of the past being filled in, until newer news arrives).
(The window follows the newest publication date seen: an article wrongly dated years ahead
moves it, after which every article counts as late; still placed right, only slower.)  An
article with no date at all, neither published nor written in its text, meets the live stories
and, through ``recall_named``, the stored ones of any day that name its rarest names: an undated
page of a dump may report last year's news, and only its names can find that story.

Beside a SQLite file store the graph is persisted as ``<db>.stories.hnsw``, with
``<db>.stories.json`` saying which story each node holds and the window; for PostgreSQL they go
to the cache directory that ``Store.sidecar_path`` names.  On first use in a process the graph is
loaded and reconciled with the store, which is the truth: centroids, entity keys, counts and
spans are read from the store's live stories, nodes of stories it no longer lists as live are
deleted, and live stories the graph lacks (written by another process) are added.  Without the
files the index is built from the store's live stories.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import time
import weakref
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from manysides.cluster.features import load_config, published_day
from manysides.cluster.lexical import EMPTY, Profile, Terms, from_bytes
from manysides.store import Store, StoryRow

log = logging.getLogger(__name__)

INDEX_VERSION = 2
_SAVE_EVERY_S = 30.0
# Saving writes every story (O(stories)): wait at least this many times as long as the last
# save took, so that saving stays a small share of the work however large the index grows.
_SAVE_SPACING = 20
_INDEX = load_config()["index"]  # what each number does: data/cluster.toml [index]
MAX_POSTING: int = _INDEX["max_posting"]  # stories remembered per entity key (most recent)
REINDEX_COSINE: float = _INDEX["reindex_cosine"]  # a centroid moved this far is re-indexed
LIVE_GAPS: int = _INDEX["live_gaps"]  # stories within this many max_gap_days stay in memory


@dataclass
class StoryEntry:
    """What the index keeps per story (enough to score an article against it)."""

    id: str
    label: int
    centroid: np.ndarray
    keys: dict[str, float] = field(default_factory=dict)
    first_day: int | None = None
    last_day: int | None = None
    count: int = 0
    last_published: str | None = None
    indexed: np.ndarray | None = None  # the vector the HNSW graph holds for this story
    profile: Profile = field(default_factory=lambda: Profile(EMPTY))  # words (``lexical``)
    days: dict[int, float] = field(default_factory=dict)  # reported day -> mentions
    recalled: bool = False  # loaded by name for an article of no known day (``recall_named``)

    def gap_days(self, day: int | None) -> int:
        """Days between ``day`` and this story's span (0 inside it or when either is unknown)."""
        if day is None or self.first_day is None or self.last_day is None:
            return 0
        if day < self.first_day:
            return self.first_day - day
        if day > self.last_day:
            return day - self.last_day
        return 0


def _iso(day: int) -> str:
    return date.fromordinal(day).isoformat()


def _days(event_days: dict[str, float]) -> dict[int, float]:
    """A stored story's reported days ({ISO day: mentions}) by day ordinal."""
    return {date.fromisoformat(d).toordinal(): n for d, n in event_days.items()}


class StoryIndex:
    """Live stories by centroid (HNSW) and by the names they carry; see the module docstring."""

    def __init__(
        self, dim: int | None = None, *, path: Path | None = None,
        max_gap_days: int | None = None,
    ):
        self.dim = dim
        self.path = path
        self.max_gap_days = (max_gap_days if max_gap_days is not None
                             else int(load_config()["time"]["max_gap_days"]))
        self.live_days = LIVE_GAPS * self.max_gap_days
        self.entries: dict[str, StoryEntry] = {}
        self.by_label: dict[int, str] = {}
        self.postings: dict[str, list[str]] = {}  # entity key -> stories naming it (recent last)
        self.newest_day: int | None = None  # the newest story day seen
        # Every stored story whose last day is on or after this one is held (None: every story).
        self.loaded_from: int | None = None
        # Days [lo, hi] for which ``cover`` also loaded every older story they could join.
        self._covered: tuple[int, int] | None = None
        self._swept_for: int | None = None  # the newest day when ``expire`` last completed
        self._hnsw: Any = None
        self._vacant = 0  # graph nodes marked deleted, free for new stories
        self._next_label = 0
        self.dirty = False
        self._saved_at = time.monotonic()
        self._save_seconds = 0.0

    def __len__(self) -> int:
        return len(self.entries)

    # -- updates ------------------------------------------------------------------------------

    def _ensure_hnsw(self, dim: int) -> None:
        import hnswlib  # heavy native module: loaded only when stories are assigned

        if self._hnsw is None:
            self.dim = dim
            self._hnsw = hnswlib.Index(space="ip", dim=dim)
            self._hnsw.init_index(max_elements=1024, ef_construction=100, M=16,
                                  allow_replace_deleted=True)
            self._hnsw.set_ef(64)

    def _index_vector(self, entry: StoryEntry, vec: np.ndarray) -> None:
        if entry.indexed is not None:  # rewrite the story's own node
            self._hnsw.add_items(vec[None, :], np.array([entry.label]))
        elif self._vacant:  # a new story takes the node of an expired one
            self._hnsw.add_items(vec[None, :], np.array([entry.label]), replace_deleted=True)
            self._vacant -= 1
        else:
            if self._hnsw.get_current_count() + 1 > self._hnsw.get_max_elements():
                self._hnsw.resize_index(self._hnsw.get_max_elements() * 2)
            self._hnsw.add_items(vec[None, :], np.array([entry.label]))
        entry.indexed = vec

    def upsert(
        self,
        story_id: str,
        centroid: np.ndarray,
        keys: dict[str, float],
        *,
        first_published: str | None,
        last_published: str | None,
        count: int,
        terms: Terms | None = None,
        days: dict[int, float] | None = None,
    ) -> StoryEntry:
        """Add a story or replace what the index holds about it (``terms`` and ``days`` are
        kept when not given)."""
        vec = np.asarray(centroid, dtype=np.float32).reshape(-1)
        self._ensure_hnsw(vec.shape[0])
        entry = self.entries.get(story_id)
        if entry is None:
            entry = StoryEntry(id=story_id, label=self._next_label, centroid=vec)
            self._next_label += 1
            self.entries[story_id] = entry
            self.by_label[entry.label] = story_id
        entry.centroid = vec
        if entry.indexed is None or float(entry.indexed @ vec) < REINDEX_COSINE:
            self._index_vector(entry, vec)
        for key in keys:
            if key not in entry.keys:
                self._post(key, story_id)
        for key in entry.keys:
            if key not in keys:  # no longer among the story's top keys
                self._unpost(key, {story_id})
        entry.keys = dict(keys)
        entry.first_day = published_day(first_published)
        entry.last_day = published_day(last_published)
        entry.count = count
        entry.last_published = last_published
        if terms is not None:
            entry.profile = Profile(terms)
        if days is not None:
            entry.days = dict(days)
        if entry.last_day is not None:
            self.newest_day = max(entry.last_day, self.newest_day or entry.last_day)
        self.dirty = True
        return entry

    def _upsert_row(self, row: StoryRow) -> None:
        if row.centroid is not None:
            self.upsert(row.id, row.centroid, dict.fromkeys(row.entity_keys, 1.0),
                        first_published=row.first_published,
                        last_published=row.last_published, count=row.article_count,
                        terms=from_bytes(row.terms), days=_days(row.event_days))

    def _post(self, key: str, story_id: str) -> None:
        posting = self.postings.setdefault(key, [])
        posting.append(story_id)
        if len(posting) > 2 * MAX_POSTING:
            del posting[:-MAX_POSTING]

    def _unpost(self, key: str, story_ids: set[str]) -> None:
        kept = [sid for sid in self.postings.get(key, ()) if sid not in story_ids]
        if kept:
            self.postings[key] = kept
        else:
            self.postings.pop(key, None)

    def remove(self, story_id: str) -> None:
        """Forget a story (merged into another)."""
        entry = self.entries.pop(story_id, None)
        if entry is None:
            return
        if entry.indexed is not None:
            self._hnsw.mark_deleted(entry.label)
            self._vacant += 1
        del self.by_label[entry.label]
        for key in entry.keys:
            self._unpost(key, {story_id})
        self.dirty = True

    # -- the live window ----------------------------------------------------------------------

    def cover(self, store: Store, day: int | None) -> None:
        """Make sure every stored story an article of ``day`` could join is held: stories
        older than the live window are loaded from ``store`` (late articles only)."""
        if day is None or self.loaded_from is None:
            return
        lo, hi = day - self.max_gap_days, day + self.max_gap_days
        if lo >= self.loaded_from:
            return
        if self._covered is not None and self._covered[0] <= lo and hi <= self._covered[1]:
            return
        rows = store.story_rows(last_from=_iso(lo), last_before=_iso(self.loaded_from),
                                first_before=_iso(hi + 1))
        for row in rows:
            if row.id not in self.entries:
                self._upsert_row(row)
        covered = self._covered
        if covered is not None and lo <= covered[1] + 1 and covered[0] - 1 <= hi:
            self._covered = (min(lo, covered[0]), max(hi, covered[1]))
        else:
            self._covered = (lo, hi)

    def recall_named(
        self, store: Store, keys: list[str], *, per_key: int, most: int
    ) -> dict[str, StoryEntry]:
        """The stored dated stories naming any of ``keys`` (rarest first) that the index does
        not hold, for an article of no known day: of the ``per_key`` most recent per key, the
        ``most`` naming the most keys (``Store.story_rows_naming``).  They come as entries
        apart from the index (``recalled``), so that the graph and the postings keep only the
        live window; the one the article joins goes in through ``adopt``."""
        if self.loaded_from is None or not keys:
            return {}  # nothing has left the window: every stored story is held
        return {row.id: StoryEntry(
                    id=row.id, label=-1, centroid=row.centroid, keys=dict.fromkeys(
                        row.entity_keys, 1.0), first_day=published_day(row.first_published),
                    last_day=published_day(row.last_published), count=row.article_count,
                    last_published=row.last_published, profile=Profile(from_bytes(row.terms)),
                    days=_days(row.event_days), recalled=True)
                for row in store.story_rows_naming(keys, per_key=per_key, most=most,
                                                   skip=self.entries.keys())
                if row.centroid is not None}

    def adopt(self, entry: StoryEntry) -> None:
        """Hold a story ``recall_named`` found (an article is joining it)."""
        first = None if entry.first_day is None else _iso(entry.first_day)
        self.upsert(entry.id, entry.centroid, entry.keys, first_published=first,
                    last_published=entry.last_published, count=entry.count,
                    terms=entry.profile.terms, days=entry.days).recalled = True

    def expire(self, keep: Collection[str] = ()) -> list[str]:
        """Once the newest day has moved on, drop the stories whose last day is more than
        ``live_days`` before it, except those in ``keep`` (touched and not yet saved); returns
        their ids.  Until it moves, old stories loaded by ``cover`` stay, so that a backfill
        (late articles only) loads each stretch of the past once."""
        if self.newest_day is None or self.newest_day == self._swept_for:
            return []
        horizon = self.newest_day - self.live_days
        old = [e for e in self.entries.values() if e.last_day is not None and e.last_day < horizon]
        gone = [e for e in old if e.id not in keep]
        if len(gone) == len(old):  # nothing held back: done until the newest day moves
            self._swept_for = self.newest_day
        for entry in gone:
            self._hnsw.mark_deleted(entry.label)
            del self.entries[entry.id]
            del self.by_label[entry.label]
        self._vacant += len(gone)
        gone_ids = {e.id for e in gone}
        for key in {k for e in gone for k in e.keys}:
            self._unpost(key, gone_ids)
        self.loaded_from = horizon if self.loaded_from is None else max(horizon, self.loaded_from)
        self._covered = None
        if gone:
            self.dirty = True
        return [e.id for e in gone]

    # -- queries ------------------------------------------------------------------------------

    def sharing(self, keys: list[str], *, per_key: int, max_keys: int) -> set[str]:
        """Stories naming any of the ``max_keys`` rarest of ``keys`` (entity keys), at most the
        ``per_key`` most recent per key: the stories an editor would recall by name."""
        known = sorted((len(self.postings[k]), k) for k in keys if k in self.postings)
        found: set[str] = set()
        for _, key in known[:max_keys]:
            found.update(self.postings[key][-per_key:])
        return found

    def nearest(self, vector: np.ndarray, k: int) -> list[str]:
        """Ids of up to ``k`` stories with the closest centroids."""
        if self._hnsw is None or not self.entries:
            return []
        k = min(k, len(self.entries))
        query = np.asarray(vector, dtype=np.float32)[None, :]
        try:
            labels, _ = self._hnsw.knn_query(query, k=k)
        except RuntimeError:
            # hnswlib finds fewer than k when deleted nodes (merged, expired stories) cut a
            # small graph apart; the graph is then small enough to read in full
            return self._exact_nearest(query[0], k)
        return [self.by_label[int(label)] for label in labels[0] if int(label) in self.by_label]

    def _exact_nearest(self, vector: np.ndarray, k: int) -> list[str]:
        ids = sorted(self.entries)
        cosines = np.stack([self.entries[i].centroid for i in ids]) @ vector
        return [ids[int(j)] for j in np.argsort(-cosines, kind="stable")[:k]]

    # -- persistence --------------------------------------------------------------------------

    def save(self) -> None:
        """Write the index files (when it has a path and changed since the last save)."""
        if self.path is None or not self.dirty or self._hnsw is None:
            return
        started = time.monotonic()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        graph = _file(self.path, ".hnsw.tmp")
        meta = _file(self.path, ".json.tmp")
        self._hnsw.save_index(str(graph))
        doc = {
            "version": INDEX_VERSION,
            "dim": self.dim,
            "loaded_from": self.loaded_from,
            "next_label": self._next_label,
            "labels": [[e.id, e.label] for e in self.entries.values()],
        }
        meta.write_text(json.dumps(doc), encoding="utf-8")
        os.replace(graph, _file(self.path, ".hnsw"))
        os.replace(meta, _file(self.path, ".json"))
        self.dirty = False
        self._saved_at = time.monotonic()
        self._save_seconds = self._saved_at - started
        log.info("story index saved: %d stories -> %s", len(self.entries), self.path)

    def maybe_save(self, *, force: bool = False) -> None:
        """Save if dirty and ``force``, or when the last save is older than 30 s and than 20
        times its own duration.  (The files are also written when the process exits; a
        missed save only costs work, as the next process reconciles them with the store.)"""
        wait = max(_SAVE_EVERY_S, _SAVE_SPACING * self._save_seconds)
        if force or time.monotonic() - self._saved_at > wait:
            self.save()

    @classmethod
    def load(cls, path: Path, store: Store) -> StoryIndex | None:
        """The graph saved at ``path`` (without suffix) reconciled with ``store``'s live
        stories, or None when the files are absent or unreadable."""
        import hnswlib  # heavy native module: loaded only when stories are assigned

        graph, meta = _file(path, ".hnsw"), _file(path, ".json")
        if not graph.exists() or not meta.exists():
            return None
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
            if doc.get("version") != INDEX_VERSION:
                return None
            hnsw = hnswlib.Index(space="ip", dim=doc["dim"])
            hnsw.load_index(str(graph), max_elements=0, allow_replace_deleted=True)
            labels: dict[str, int] = {sid: label for sid, label in doc["labels"]}
            loaded_from = doc["loaded_from"]
        except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
            log.warning("story index %s unreadable (%s): rebuilding it", path, exc)
            return None
        hnsw.set_ef(64)
        index = cls(doc["dim"], path=path)
        index._hnsw = hnsw
        index._next_label = doc["next_label"]
        index.loaded_from = loaded_from
        rows = store.story_rows(last_from=None if loaded_from is None else _iso(loaded_from),
                                undated=True)
        held = [r for r in rows if r.id in labels and r.centroid is not None]
        vectors = (hnsw.get_items([labels[r.id] for r in held], return_type="numpy")
                   if held else [])
        for row, vec in zip(held, vectors, strict=True):
            entry = StoryEntry(row.id, labels.pop(row.id), np.asarray(vec, dtype=np.float32),
                               indexed=np.asarray(vec, dtype=np.float32))
            index.entries[row.id] = entry
            index.by_label[entry.label] = row.id
            index._upsert_row(row)  # the store's centroid, keys, span and count
        for label in labels.values():  # stories the store no longer lists as live
            hnsw.mark_deleted(label)
        index._vacant = hnsw.get_current_count() - len(index.entries)
        added = [r for r in rows if r.id not in index.entries]
        for row in added:  # live stories another process added
            index._upsert_row(row)
        index.dirty = bool(labels or added)
        return index

    @classmethod
    def build(cls, store: Store, *, path: Path | None = None) -> StoryIndex:
        """A fresh index of ``store``'s live stories (centroids, spans, entity keys)."""
        index = cls(path=path)
        newest = published_day(store.newest_story_published())
        if newest is not None:
            index.loaded_from = newest - index.live_days
        start = None if index.loaded_from is None else _iso(index.loaded_from)
        for row in store.story_rows(last_from=start, undated=True):
            index._upsert_row(row)
        log.info("story index built from the store: %d live stories", len(index))
        return index


def _file(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


# One index per Store object (an in-memory store's URL is the same for every instance).
_INDEXES: weakref.WeakKeyDictionary[Store, StoryIndex] = weakref.WeakKeyDictionary()


def index_path(store: Store) -> Path | None:
    """Where the index files go (``.hnsw``/``.json`` added): ``Store.sidecar_path("stories")``,
    i.e. ``news.db.stories`` beside a SQLite file, a cache-dir file for PostgreSQL, ``None`` for
    an in-memory store (the index then lives in this process only)."""
    return store.sidecar_path("stories")


def story_index(store: Store) -> StoryIndex:
    """The index of ``store``'s live stories: cached in this process, else loaded and
    reconciled with the store, else built from it."""
    index = _INDEXES.get(store)
    if index is not None:
        return index
    path = index_path(store)
    if path is not None:
        index = StoryIndex.load(path, store)
    if index is None:
        index = StoryIndex.build(store, path=path)
    _INDEXES[store] = index
    return index


def reset_index(store: Store) -> StoryIndex:
    """Forget ``store``'s index (after ``delete_stories``) and return a fresh, empty one."""
    path = index_path(store)
    if path is not None:
        for suffix in (".hnsw", ".json"):
            _file(path, suffix).unlink(missing_ok=True)
    index = StoryIndex(path=path)
    _INDEXES[store] = index
    return index


@atexit.register
def _save_all() -> None:
    for index in list(_INDEXES.values()):
        try:
            index.save()
        except OSError as exc:  # never fail an exiting process over a cache file
            log.warning("story index not saved: %s", exc)
