"""Near-duplicate detection: MinHash signatures of word 5-shingles, banded for LSH lookup.

An article's signature (128 permutations, datasketch) is cut into 16 bands of 8 rows; each
band hashes to a key stored with the article (``Store.add_article(article, bands)``).  Two
texts with Jaccard similarity 0.8 share at least one band with probability ~0.95, texts at 0.5
with ~0.06; candidates are then confirmed on their exact shingle Jaccard (>= 0.8).
"""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from manysides.datafiles import load_data
from manysides.store import Store

if TYPE_CHECKING:
    from datasketch import MinHash

_DEDUP = load_data("ingest")["dedup"]  # data/ingest.toml [dedup]
NUM_PERM: int = _DEDUP["num_perm"]
BANDS: int = _DEDUP["bands"]
ROWS = NUM_PERM // BANDS
SHINGLE_WORDS: int = _DEDUP["shingle_words"]
DUPLICATE_JACCARD: float = _DEDUP["duplicate_jaccard"]
ESTIMATE_MARGIN: float = _DEDUP["estimate_margin"]  # candidates within this of the bar: confirmed
SHINGLE_CACHE = 256  # stored candidates whose shingles stay in memory
SEED = 1  # fixed: band keys must be identical across processes and runs
SCHEME = "affine32"  # datasketch >= 2.0 default; named so stored bands never change silently

_WORD = re.compile(r"\w+")
_POLY = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime, the multiplier of the shingle hash


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[int]:
    """The set of ``k``-word shingles of ``text`` (casefolded words), as 32-bit hashes.

    Each word is hashed with CRC-32 and each run of ``k`` word hashes is combined with a
    polynomial hash (vectorised), so no shingle string is ever built.
    """
    words = _WORD.findall(text.casefold())
    if not words:
        return set()
    ids = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64,
                      count=len(words))
    span = min(k, len(ids))
    n = len(ids) - span + 1
    h = np.zeros(n, dtype=np.uint64)
    for j in range(span):  # uint64 arithmetic wraps around: a hash modulo 2**64
        h = h * _POLY + ids[j : j + n]
    folded = (h ^ (h >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
    return set(folded.tolist())


@functools.lru_cache(maxsize=1)
def _permutations() -> np.ndarray:
    from datasketch import MinHash  # heavy (imports scipy): only when articles are stored

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def minhash(shingle_set: set[int] | frozenset[int]) -> MinHash:
    """The MinHash signature of a shingle set (``NUM_PERM`` permutations, fixed seed).

    The shingles are already 32-bit hashes (stable across processes), so datasketch takes
    them as they are; its affine32 scheme mixes them with the MurmurHash3 finalizer.
    """
    from datasketch import MinHash  # heavy (imports scipy): only when articles are stored

    m = MinHash(num_perm=NUM_PERM, seed=SEED, permutations=_permutations(), scheme=SCHEME,
                hashfunc=int)
    if shingle_set:
        m.update_batch(list(shingle_set))
    return m


def band_keys(signature: MinHash) -> list[str]:
    """LSH band keys of a signature: ``"<band>:<16 hex>"``, one per band."""
    values = np.asarray(signature.hashvalues)
    keys = []
    for b in range(BANDS):
        chunk = values[b * ROWS : (b + 1) * ROWS].tobytes()
        keys.append(f"{b:02d}:{hashlib.blake2b(chunk, digest_size=8).hexdigest()}")
    return keys


@dataclass(frozen=True)
class Signature:
    """What near-duplicate lookup needs of a text: shingles, MinHash values, LSH band keys."""

    shingles: frozenset[int]
    values: np.ndarray
    bands: tuple[str, ...]

    def estimate(self, other: Signature) -> float:
        """Jaccard similarity estimated from the two MinHash signatures."""
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)


def signature(text: str) -> Signature:
    """The :class:`Signature` of a text (no bands for a text without words)."""
    sh = shingles(text)
    if not sh:
        return Signature(frozenset(), np.zeros(NUM_PERM, dtype=np.uint32), ())
    m = minhash(sh)
    return Signature(frozenset(sh), np.asarray(m.hashvalues), tuple(band_keys(m)))


def text_bands(text: str) -> tuple[set[int], list[str]]:
    """Shingles and band keys of a text (the two things near-duplicate lookup needs)."""
    sig = signature(text)
    return set(sig.shingles), list(sig.bands)


def jaccard(a: set[int] | frozenset[int], b: set[int] | frozenset[int]) -> float:
    """Exact Jaccard similarity of two shingle sets (0.0 when both are empty)."""
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass
class _Known:
    values: np.ndarray
    root: str  # the original this article is (or duplicates)


class DedupIndex:
    """Near-duplicate lookup over a store, for one ingest run.

    Articles of this run (and stored ones met as candidates) are kept in memory as MinHash
    values and band keys; the store is asked once per batch for stored articles sharing a band,
    and a stored article's text is read only to confirm a likely duplicate.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.known: dict[str, _Known] = {}
        self.by_band: dict[str, list[str]] = {}
        self._texts: OrderedDict[str, frozenset[int]] = OrderedDict()  # recent candidates

    def _shingles_of(self, article_id: str) -> frozenset[int] | None:
        """Shingles of a stored article's text (the last ``SHINGLE_CACHE`` kept in memory)."""
        cached = self._texts.get(article_id)
        if cached is not None:
            self._texts.move_to_end(article_id)
            return cached
        art = self.store.get_article(article_id, with_analysis=False)
        if art is None:
            return None
        result = frozenset(shingles(art.text))
        self._remember(article_id, result)
        return result

    def _remember(self, article_id: str, article_shingles: frozenset[int]) -> None:
        self._texts[article_id] = article_shingles
        if len(self._texts) > SHINGLE_CACHE:
            self._texts.popitem(last=False)

    def add(self, article_id: str, sig: Signature, root: str) -> None:
        """Remember a stored article (its root: itself, or the original it duplicates)."""
        self.known[article_id] = _Known(sig.values, root)
        # Kept so that a near-duplicate later in the same batch is confirmed before the batch
        # is written to the store.
        self._remember(article_id, sig.shingles)
        for band in sig.bands:
            self.by_band.setdefault(band, []).append(article_id)

    def prefetch(self, sigs: list[Signature], ids: Collection[str] = ()) -> set[str]:
        """Ask the store which stored articles share a band with any of ``sigs``; load the
        unknown ones into the index (not those in ``ids``, the batch's own ids: a stored one
        is the same article).  Returns all the stored ids found."""
        bands = {b for sig in sigs for b in sig.bands}
        stored = set(self.store.articles_sharing_bands(bands)) if bands else set()
        for article_id in stored - self.known.keys() - set(ids):
            art = self.store.get_article(article_id, with_analysis=False)
            if art is not None:
                self.add(article_id, signature(art.text), art.duplicate_of or article_id)
        return stored

    def original_of(self, article_id: str, sig: Signature) -> tuple[str, float] | None:
        """(root id, Jaccard) of the best stored near-duplicate of a new article, or ``None``.

        Candidates share a band; those whose signatures estimate Jaccard >= 0.7 are confirmed
        on the exact shingle Jaccard (>= ``DUPLICATE_JACCARD``) against their stored text.
        """
        cands = {c for band in sig.bands for c in self.by_band.get(band, ()) if c != article_id}
        ranked = sorted(
            ((float(np.count_nonzero(sig.values == self.known[c].values)) / NUM_PERM, c)
             for c in cands),
            reverse=True,
        )
        for estimate, cand in ranked:
            if estimate < DUPLICATE_JACCARD - ESTIMATE_MARGIN:
                break
            cand_shingles = self._shingles_of(cand)
            if cand_shingles is None:
                continue
            score = jaccard(sig.shingles, cand_shingles)
            if score >= DUPLICATE_JACCARD:
                return self.known[cand].root, score
        return None
