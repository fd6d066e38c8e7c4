"""Ingest: read articles from files, folders, URLs, feeds, JSONL and manifests into the store.

Steps: :func:`read_inputs` (find, fetch, decode, parse, clean: no store, so an engine can run
it in batches anywhere), then :func:`store_articles` (idempotent insert, near-duplicates linked
to their original through MinHash bands).  :func:`ingest` does both and records failures.

>>> report = ingest(["seeds/", "https://example.org/feed.xml"], store, settings=Settings())
>>> report.new, report.existing, report.duplicates, report.failed
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from manysides.ingest.dedup import DedupIndex, signature
from manysides.ingest.sources import article_id, count_files, read_inputs
from manysides.models import Article, Failure
from manysides.settings import Settings
from manysides.store import AddResult, Store

logger = logging.getLogger(__name__)

BATCH_SIZE = 32  # articles per near-duplicate lookup query

__all__ = [
    "IngestReport", "article_id", "count_files", "ingest", "read_inputs", "store_articles",
]


@dataclass
class IngestReport:
    """What an ingest run did: ids stored as new, ids already stored, near-duplicates
    ``(id, original id)`` and inputs that failed (each with its reason)."""

    new: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every input went in."""
        return not self.failed

    def merge(self, other: IngestReport) -> IngestReport:
        """Add ``other``'s results to this report (batches of one run); returns ``self``."""
        self.new.extend(other.new)
        self.existing.extend(other.existing)
        self.duplicates.extend(other.duplicates)
        self.failed.extend(other.failed)
        return self


def store_articles(
    articles: Iterable[Article | Failure],
    store: Store,
    *,
    progress: Callable[[str], None] | None = None,
    batch_size: int = BATCH_SIZE,
    update_meta: bool = False,
) -> IngestReport:
    """Store articles (failures in the stream are recorded): a stored id is reported as
    existing and left alone, a near-duplicate is stored with ``duplicate_of`` its original.

    Articles are handled in batches of ``batch_size``: one store query per batch finds the
    stored articles sharing a MinHash band with any of them; each article is then committed
    on its own, so an interrupted run keeps what it stored.  ``ingested_at`` is set to the
    batch's store time (the same for every article of a batch, so reruns list them alike).
    ``update_meta``: an article already stored takes this run's metadata where it differs
    (``Store.update_article_meta``: a corrected manifest).
    """
    report = IngestReport()
    index = DedupIndex(store)
    batch: list[Article] = []
    try:
        for item in articles:
            if isinstance(item, Failure):
                report.failed.append(item)
                store.record_failure(item)
                logger.info("failed %s: %s", item.input, item.reason)
                if progress:
                    progress(f"failed {item.input}: {item.reason}")
                continue
            batch.append(item)
            if len(batch) >= batch_size:
                _store_batch(batch, store, index, report, progress, update_meta)
                batch = []
    finally:  # an error reading a later input must not lose the articles read before it
        if batch:
            _store_batch(batch, store, index, report, progress, update_meta)
    return report


def _store_batch(
    batch: list[Article],
    store: Store,
    index: DedupIndex,
    report: IngestReport,
    progress: Callable[[str], None] | None,
    update_meta: bool,
) -> None:
    sigs = [signature(article.text) for article in batch]
    stored = index.prefetch(sigs, {article.id for article in batch})
    now = datetime.now(UTC).isoformat(timespec="seconds")
    to_add: list[tuple[Article, Any]] = []
    adding: list[bool] = []
    for article, sig in zip(batch, sigs, strict=True):
        article.ingested_at = now  # when it entered the store (one stamp per batch)
        adding.append(not (article.id in stored or article.id in index.known))
        if not adding[-1]:
            continue
        if article.duplicate_of is None:
            found = index.original_of(article.id, sig)
            if found is not None:
                article.duplicate_of = found[0]
                logger.info("%s is a near-duplicate of %s (Jaccard %.2f)", article.id,
                            found[0], found[1])
        index.add(article.id, sig, article.duplicate_of or article.id)
        to_add.append((article, sig.bands))
    # One transaction for the batch: a crash loses at most this batch, never half an article.
    added = iter(store.add_articles(to_add))
    if update_meta:
        existing = [a for a, is_added in zip(batch, adding, strict=True) if not is_added]
        for article_id in store.update_article_meta(existing):
            logger.info("%s: stored metadata updated from the manifest", article_id)
    for article, is_added in zip(batch, adding, strict=True):
        result = next(added) if is_added else AddResult.EXISTS
        if result is AddResult.EXISTS:
            report.existing.append(article.id)
        elif result is AddResult.DUPLICATE:
            report.duplicates.append((article.id, article.duplicate_of or ""))
        else:
            report.new.append(article.id)
        if progress:
            progress(f"{result.value} {article.id} {article.source}")


def ingest(
    inputs: Sequence[str],
    store: Store,
    *,
    settings: Settings,
    manifest: str | None = None,
    progress: Callable[[str], None] | None = None,
    on_more: Callable[[int], None] | None = None,
) -> IngestReport:
    """Read, clean and store every input (files, folders, URLs, feeds, JSONL).

    Returns an :class:`IngestReport`; each failure is also recorded in the store
    (``store.record_failure``).  With a ``manifest``, articles already stored take its
    (corrected) metadata.  ``progress`` is called with one line per article or failure;
    ``on_more(n)`` when ``n`` more inputs are found (a feed's items).
    """
    report = store_articles(
        read_inputs(inputs, settings=settings, manifest=manifest, on_more=on_more), store,
        progress=progress, update_meta=manifest is not None,
    )
    logger.info(
        "ingest: %d new, %d already stored, %d near-duplicates, %d failed",
        len(report.new), len(report.existing), len(report.duplicates), len(report.failed),
    )
    return report
