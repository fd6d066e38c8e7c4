"""The words of a whole article as a sparse vector, and the document frequencies behind idf.

An article's words (title and body, lower-cased, stopwords of ``cluster.toml`` left out) are
hashed into ``BUCKETS`` term buckets (CRC-32, the same in every process) and weighted by
sublinear term frequency (1 + ln count): a ``Terms`` pair of sorted bucket ids and weights.  A
story's profile is the sum of its members' vectors, cut to its ``PROFILE_TERMS`` heaviest
buckets.  ``TermStats`` counts in how many articles each bucket occurs (kept in the store as
the ``term_df`` state), which gives the idf that ``cosine`` weighs both sides by.  The entity
keys an article names are counted in the same table, each under a bucket of its own prefixed
key (``name_bucket``): ``name_idf`` says how rare a name is among the articles seen.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable

import numpy as np

from manysides.datafiles import load_data

BUCKETS = 1 << 18
PROFILE_TERMS: int = load_data("cluster")["lexical"]["profile_terms"]  # a story profile's size
STATE_NAME = "term_df"
_TOKEN = re.compile(r"[a-z][a-z'-]{2,}")

Terms = tuple[np.ndarray, np.ndarray]
"""(sorted unique int32 bucket ids, float32 weights)."""

EMPTY: Terms = (np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32))


def term_vector(text: str, stopwords: frozenset[str]) -> Terms:
    """The sublinear term frequencies of ``text``'s words, by bucket."""
    counts = Counter(zlib.crc32(w.encode()) & (BUCKETS - 1)
                     for w in _TOKEN.findall(text.lower()) if w not in stopwords)
    if not counts:
        return EMPTY
    idx = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
    tf = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    order = np.argsort(idx)
    return idx[order], tf[order].astype(np.float32)


def name_bucket(key: str) -> int:
    """The bucket an entity key is counted under (apart from the word of the same spelling)."""
    return zlib.crc32(f"\x00{key}".encode()) & (BUCKETS - 1)


def add_terms(parts: list[Terms], limit: int = PROFILE_TERMS) -> Terms:
    """The sum of sparse vectors, cut to its ``limit`` heaviest buckets."""
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return EMPTY
    idx = np.concatenate([p[0] for p in parts])
    val = np.concatenate([p[1] for p in parts]).astype(np.float32)
    uniq, inverse = np.unique(idx, return_inverse=True)
    summed = np.zeros(len(uniq), dtype=np.float32)
    np.add.at(summed, inverse, val)
    if len(uniq) > limit:
        keep = np.sort(np.argpartition(-summed, limit)[:limit])
        uniq, summed = uniq[keep], summed[keep]
    return uniq.astype(np.int32), summed


def to_bytes(terms: Terms) -> bytes:
    """A profile as stored: int32 bucket ids, then float16 weights."""
    return terms[0].astype(np.int32).tobytes() + terms[1].astype(np.float16).tobytes()


def from_bytes(data: bytes | None) -> Terms:
    """The inverse of ``to_bytes`` (``EMPTY`` for None)."""
    if not data:
        return EMPTY
    n = len(data) // 6
    idx = np.frombuffer(data[: 4 * n], dtype=np.int32)
    val = np.frombuffer(data[4 * n :], dtype=np.float16).astype(np.float32)
    return idx, val


class TermStats:
    """Document frequency per term bucket over every article clustered so far."""

    def __init__(self, df: np.ndarray | None = None, n: int = 0):
        self.df = df if df is not None else np.zeros(BUCKETS, dtype=np.int32)
        self.n = n
        self.dirty = False

    def add(self, terms: Terms, names: Iterable[str] = ()) -> None:
        """Count one more article with these terms and these entity keys."""
        buckets = np.union1d(terms[0], np.fromiter((name_bucket(k) for k in names),
                                                   dtype=np.int32))
        self.df[buckets] += 1
        self.n += 1
        self.dirty = True

    def idf(self, idx: np.ndarray) -> np.ndarray:
        """Smoothed idf of the given buckets: ln((1 + n) / (1 + df)) + 1."""
        return np.log((1.0 + self.n) / (1.0 + self.df[idx])).astype(np.float32) + 1.0

    def name_idf(self, key: str) -> float:
        """The idf of an entity key among the articles counted: a name every article of a
        kind carries (a desk, a ministry) weighs little however few stories hold it."""
        return float(self.idf(np.array([name_bucket(key)]))[0])

    def weighted(self, terms: Terms) -> np.ndarray:
        """The tf-idf weights of ``terms`` (same order as its buckets)."""
        return terms[1] * self.idf(terms[0])

    def to_bytes(self) -> bytes:
        """As stored: the article count (int64), then the frequencies (int32)."""
        return np.int64(self.n).tobytes() + self.df.astype(np.int32).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes | None) -> TermStats:
        """The inverse of ``to_bytes``; empty stats for None or a blob of another size."""
        if not data or len(data) != 8 + 4 * BUCKETS:
            return cls()
        n = int(np.frombuffer(data[:8], dtype=np.int64)[0])
        return cls(np.frombuffer(data[8:], dtype=np.int32).copy(), n)


class Profile:
    """A story's word profile with its unit tf-idf weights, recomputed only when the article
    count behind the idf has grown by ``REWEIGH`` since (idf moves slowly)."""

    REWEIGH = 1.05

    def __init__(self, terms: Terms):
        self.terms = terms
        self._unit: np.ndarray | None = None
        self._at = 0

    def unit(self, stats: TermStats) -> np.ndarray:
        """The unit tf-idf weights of the profile under ``stats`` (cached)."""
        if self._unit is None or stats.n > self._at * self.REWEIGH:
            w = stats.weighted(self.terms)
            norm = float(np.linalg.norm(w))
            self._unit, self._at = (w / norm if norm else w), stats.n
        return self._unit


def cosine(a_idx: np.ndarray, a_unit: np.ndarray, b: Profile, stats: TermStats) -> float:
    """tf-idf cosine of an article (sorted buckets ``a_idx``, unit tf-idf weights ``a_unit``)
    and a story's profile ``b``."""
    b_idx = b.terms[0]
    if not len(a_idx) or not len(b_idx):
        return 0.0
    pos = np.minimum(np.searchsorted(a_idx, b_idx), len(a_idx) - 1)
    hit = a_idx[pos] == b_idx
    if not hit.any():
        return 0.0
    return float(a_unit[pos[hit]] @ b.unit(stats)[hit])
