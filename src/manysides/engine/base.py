"""What the engines share: the :class:`Engine` protocol, the read-then-store step, the
default stage functions and the helpers that split inputs and save analyses in order."""

from __future__ import annotations

import abc
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Self

from manysides.analyze import ANALYSIS_VERSION, analyze_each
from manysides.analyze.runner import BATCH_SIZE, AnalysisSaver
from manysides.errors import InputError
from manysides.ingest import IngestReport, read_inputs, store_articles
from manysides.ingest.sources import ARTICLE_SUFFIXES, is_url, load_manifest
from manysides.models import Article, ArticleAnalysis, Failure
from manysides.settings import Settings
from manysides.store import Store

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
Result = tuple[ArticleAnalysis, dict[str, "np.ndarray"]]
ReadFn = Callable[..., Iterable[Article | Failure]]
"""``read_inputs(inputs, *, settings, manifest=None)``-shaped: inputs -> articles/failures."""
AnalyzeFn = Callable[..., list["Result | str"]]
"""``analyze_each(articles, *, settings)``-shaped: articles -> (analysis, vectors) each, or
the reason (a string) an article's analysis failed."""
Progress = Callable[[str], None]


class Engine(abc.ABC):
    """Runs the per-article stages; the caller's store is written by the engine's driver.

    ``ingest`` is the engine's own ``read`` (parse and clean, where the engine runs it)
    followed by the store step in this process (near-duplicate linking needs one view of the
    store).  An engine is a context manager: leaving the block calls ``close``.
    """

    name: str

    @abc.abstractmethod
    def read(
        self, inputs: Sequence[str], *, settings: Settings, manifest: str | None = None
    ) -> Iterator[Article | Failure]:
        """Read and clean ``inputs``: one article or failure each, in input order."""

    @abc.abstractmethod
    def analyze(
        self, store: Store, *, settings: Settings, progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Analyse the stored articles lacking an analysis; returns their ids."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release workers (a Ray connection this engine opened)."""

    def ingest(
        self,
        inputs: Sequence[str],
        store: Store,
        *,
        settings: Settings,
        manifest: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read, clean and store ``inputs`` (see :func:`manysides.ingest.store_articles`)."""
        items = self.read(inputs, settings=settings, manifest=manifest)
        return store_articles(items, store, progress=progress)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- helpers shared by the engines ------------------------------------------------------------


def default_read_fn() -> ReadFn:
    """The ingest stage's reader (``manysides.ingest.read_inputs``)."""
    return read_inputs


def default_analyze_fn() -> AnalyzeFn:
    """The analyze stage's per-article function (``manysides.analyze.analyze_each``)."""
    return analyze_each


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Inputs with folders replaced by their article files (sorted, hidden ones left out), so
    the files can be spread over workers; URLs, files and empty folders pass through as is."""
    out: list[str] = []
    for name in inputs:
        path = Path(name).expanduser()
        if is_url(name) or not path.is_dir():
            out.append(name)
            continue
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            and _article_suffix(p) in ARTICLE_SUFFIXES
        )
        out.extend(str(p) for p in files) if files else out.append(name)
    return out


def check_manifest(manifest: str | None) -> tuple[str | None, Failure | None]:
    """Load ``manifest`` once in the driver: (manifest to pass to the workers, or ``None`` with
    the failure to report once), so a bad manifest is not reported by every worker."""
    if not manifest:
        return None, None
    try:
        load_manifest(manifest)
    except InputError as exc:
        return None, Failure(manifest, str(exc) or type(exc).__name__)
    return manifest, None


def _article_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def analysis_version() -> str:
    """The analysis version the analyze stage writes (articles below it are pending)."""
    return ANALYSIS_VERSION


def analyze_batch_size() -> int:
    """Articles per analyze task: the analyze stage's own batch size (the embedding model's
    int8 activations are quantised per batch, so equal batches give equal vectors)."""
    return BATCH_SIZE


def pending_batches(store: Store, size: int | None = None) -> Iterator[list[Article]]:
    """The stored articles lacking an analysis, in batches of ``size`` (oldest first)."""
    size = size or analyze_batch_size()
    ids = store.article_ids_without_analysis(analysis_version())
    for i in range(0, len(ids), size):
        yield list(store.iter_articles(ids=ids[i : i + size]))


def save_results(
    store: Store,
    batches: Iterable[tuple[list[Article], list[Result | str]]],
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Save analysed batches in order, as ``analyze_pending`` does (``AnalysisSaver``: failures
    recorded, surname-only people linked across the run at the end).  Returns the ids saved."""
    saver = AnalysisSaver(store, progress)
    for batch, outcome in batches:
        saver.add(batch, outcome)
    return saver.finish()
