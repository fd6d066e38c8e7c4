"""The candidate index over stories: ANN over centroids plus an inverted index of names.

Assigning an article must not look at every story.  ``StoryIndex`` answers two cheap queries,
each returning a bounded number of stories however many the store holds:

* ``nearest(vector, k)``: the ``k`` stories whose centroid is closest (hnswlib HNSW graph,
  inner product on unit vectors);
* ``sharing(keys)``: stories that name the article's rarest named entities (an inverted index
  entity key -> stories, the most recent ``MAX_POSTING`` per key), so a story told in words
  like a hundred others (every flood report reads alike) is still found by its names.

It lives in memory, one per ``Store`` object per process, and beside a SQLite file store it is
persisted as two files, ``<db>.stories.hnsw`` (the graph) and ``<db>.stories.json`` (story ids,
spans, counts, entity keys); for PostgreSQL they go to the cache directory that
``Store.sidecar_path`` names.  On first use the files are checked against the store's story list
(same ids, article counts and last publication); when missing or stale the index is rebuilt from
``Store.story_candidates`` (all stories).  One writer process at a time is assumed: a second
process that changed the stories meanwhile makes the files stale, which the check catches.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from manysides.cluster.features import published_day
from manysides.store import Store

log = logging.getLogger(__name__)

INDEX_VERSION = 1
_SAVE_EVERY_S = 30.0
# Saving writes every story (O(stories)): wait at least this many times as long as the last
# save took, so that saving stays a small share of the work however large the index grows.
_SAVE_SPACING = 20
MAX_POSTING = 1024  # stories remembered per entity key (the most recent ones)
# A story's vector in the HNSW graph is rewritten only when its centroid has moved this far
# (cosine below): the graph only recalls candidates, which are then scored on the exact
# centroid, and rewriting a graph node on every article that joins was most of the cost of
# assigning one.  At 0.95 a story's second article usually moves it past the mark, later ones
# rarely (bench/compare.py --scale: 13% less time than at 0.98, the same B-cubed scores).
REINDEX_COSINE = 0.95


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

    def gap_days(self, day: int | None) -> int:
        """Days between ``day`` and this story's span (0 inside it or when either is unknown)."""
        if day is None or self.first_day is None or self.last_day is None:
            return 0
        if day < self.first_day:
            return self.first_day - day
        if day > self.last_day:
            return day - self.last_day
        return 0


class StoryIndex:
    """Stories by centroid (HNSW) and by the names they carry; see the module docstring."""

    def __init__(self, dim: int | None = None, *, path: Path | None = None):
        self.dim = dim
        self.path = path
        self.entries: dict[str, StoryEntry] = {}
        self.by_label: dict[int, str] = {}
        self.postings: dict[str, list[str]] = {}  # entity key -> stories naming it (recent last)
        self._hnsw: Any = None
        self._next_label = 0
        self.dirty = False
        self._saved_at = time.monotonic()
        self._save_seconds = 0.0

    def __len__(self) -> int:
        return len(self.entries)

    # -- updates ------------------------------------------------------------------------------

    def _ensure_hnsw(self, dim: int) -> None:
        import hnswlib

        if self._hnsw is None:
            self.dim = dim
            self._hnsw = hnswlib.Index(space="ip", dim=dim)
            self._hnsw.init_index(max_elements=1024, ef_construction=100, M=16)
            self._hnsw.set_ef(64)
        elif self._hnsw.get_current_count() + 1 > self._hnsw.get_max_elements():
            self._hnsw.resize_index(self._hnsw.get_max_elements() * 2)

    def upsert(
        self,
        story_id: str,
        centroid: np.ndarray,
        keys: dict[str, float],
        *,
        first_published: str | None,
        last_published: str | None,
        count: int,
    ) -> StoryEntry:
        """Add a story or replace what the index holds about it."""
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
            self._hnsw.add_items(vec[None, :], np.array([entry.label]))
            entry.indexed = vec
        for key in keys:
            if key not in entry.keys:
                self._post(key, story_id)
        entry.keys = dict(keys)
        entry.first_day = published_day(first_published)
        entry.last_day = published_day(last_published)
        entry.count = count
        entry.last_published = last_published
        self.dirty = True
        return entry

    def _post(self, key: str, story_id: str) -> None:
        posting = self.postings.setdefault(key, [])
        posting.append(story_id)
        if len(posting) > 2 * MAX_POSTING:
            del posting[:-MAX_POSTING]

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
        labels, _ = self._hnsw.knn_query(np.asarray(vector, dtype=np.float32)[None, :], k=k)
        return [self.by_label[int(label)] for label in labels[0] if int(label) in self.by_label]

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
            "stories": [
                [e.id, e.label, e.count, e.last_published,
                 e.first_day, e.last_day, list(e.keys)]
                for e in self.entries.values()
            ],
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
        missed save only costs a rebuild, as the next process checks them against the store.)"""
        wait = max(_SAVE_EVERY_S, _SAVE_SPACING * self._save_seconds)
        if force or time.monotonic() - self._saved_at > wait:
            self.save()

    @classmethod
    def load(cls, path: Path) -> StoryIndex | None:
        """The index saved at ``path`` (without suffix), or None when absent or unreadable."""
        import hnswlib

        graph, meta = _file(path, ".hnsw"), _file(path, ".json")
        if not graph.exists() or not meta.exists():
            return None
        try:
            doc = json.loads(meta.read_text(encoding="utf-8"))
            if doc.get("version") != INDEX_VERSION:
                return None
            index = cls(doc["dim"], path=path)
            hnsw = hnswlib.Index(space="ip", dim=doc["dim"])
            hnsw.load_index(str(graph), max_elements=max(1024, 2 * len(doc["stories"])))
            hnsw.set_ef(64)
            index._hnsw = hnsw
            labels = [row[1] for row in doc["stories"]]
            vectors = hnsw.get_items(labels, return_type="numpy") if labels else []
            for row, vec in zip(doc["stories"], vectors, strict=True):
                sid, label, count, last_pub, first_day, last_day, keys = row
                vec = np.asarray(vec, dtype=np.float32)
                entry = StoryEntry(sid, label, vec, {k: 1.0 for k in keys}, first_day,
                                   last_day, count, last_pub, indexed=vec)
                index.entries[sid] = entry
                index.by_label[label] = sid
                for key in keys:
                    index._post(key, sid)
            index._next_label = max(labels, default=-1) + 1
            return index
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            log.warning("story index %s unreadable (%s): rebuilding it", path, exc)
            return None

    def matches(self, store: Store) -> bool:
        """Whether this index holds exactly the store's stories (ids, counts, last dates)."""
        stories = store.list_stories()
        if len(stories) != len(self.entries):
            return False
        for story in stories:
            entry = self.entries.get(story.id)
            if entry is None or entry.count != len(story.articles):
                return False
            if entry.last_published != story.last_published:
                return False
        return True

    @classmethod
    def build(cls, store: Store, *, path: Path | None = None) -> StoryIndex:
        """A fresh index of every story in ``store`` (centroids, spans, entity keys)."""
        index = cls(path=path)
        counts = {s.id: len(s.articles) for s in store.list_stories()}
        for sid, centroid, keys, first, last in store.story_candidates(start=None, end=None):
            if centroid is None:
                continue
            index.upsert(sid, centroid, {k: 1.0 for k in keys}, first_published=first,
                         last_published=last, count=counts.get(sid, 0))
        log.info("story index built from the store: %d stories", len(index))
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
    """The index of ``store``'s stories: cached in this process, else loaded, else rebuilt."""
    index = _INDEXES.get(store)
    if index is not None:
        return index
    path = index_path(store)
    if path is not None:
        index = StoryIndex.load(path)
        if index is not None and not index.matches(store):
            log.info("story index %s is stale: rebuilding it", path)
            index = None
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
