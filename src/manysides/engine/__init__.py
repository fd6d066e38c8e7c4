"""Engines: where the per-article stages (read + clean, analyze) run.

Two engines share one small protocol, :class:`Engine`:

- ``local`` (default): this process, or a process pool of ``settings.workers`` (no Ray needed);
- ``ray``: Ray Data batch stages on a local Ray instance or a cluster (``address=``), with
  callable stage classes so each worker loads its models once.

Either way the driver (this process) writes to the store, in input order, so both engines give
the same article ids, texts and analyses.  ``get_engine("ray")`` imports Ray only then.

>>> with get_engine("local") as engine:
...     report = engine.ingest(["news/"], store, settings=settings)
...     analysed = engine.analyze(store, settings=settings)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from manysides.models import Article, ArticleAnalysis, Failure
from manysides.settings import Settings
from manysides.store import Store

if TYPE_CHECKING:
    import numpy as np

    from manysides.ingest import IngestReport

log = logging.getLogger(__name__)

ENGINES = ("local", "ray")
Result = tuple[ArticleAnalysis, dict[str, "np.ndarray"]]
ReadFn = Callable[..., Iterable[Article | Failure]]
"""``read_inputs(inputs, *, settings, manifest=None)``-shaped: inputs -> articles/failures."""
AnalyzeFn = Callable[..., list["Result | str"]]
"""``analyze_each(articles, *, settings)``-shaped: articles -> (analysis, vectors) each, or
the reason (a string) an article's analysis failed."""
Progress = Callable[[str], None]


class Engine(Protocol):
    """Runs the per-article stages; the caller's store is written by the engine's driver."""

    name: str

    def ingest(
        self,
        inputs: Sequence[str],
        store: Store,
        *,
        settings: Settings,
        manifest: str | None = None,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Read, clean and store ``inputs``; returns the ingest report (failures recorded)."""
        ...

    def analyze(
        self, store: Store, *, settings: Settings, progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Analyse the stored articles lacking an analysis; returns their ids."""
        ...

    def close(self) -> None:
        """Release workers (a Ray connection this engine opened)."""
        ...

    def __enter__(self) -> Engine: ...

    def __exit__(self, *exc: object) -> None: ...


class ReadAndStore:
    """What both engines share: ``ingest`` = the engine's own ``read`` (parse and clean, where
    the engine runs it) followed by the store step in this process (near-duplicate linking
    needs one view of the store)."""

    def read(
        self, inputs: Sequence[str], *, settings: Settings, manifest: str | None = None
    ) -> Iterator[Article | Failure]:
        raise NotImplementedError

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
        from manysides.ingest import store_articles

        items = self.read(inputs, settings=settings, manifest=manifest)
        return store_articles(items, store, progress=progress)


def get_engine(
    name: str = "local",
    *,
    address: str | None = None,
    num_cpus: int | None = None,
    read_fn: ReadFn | None = None,
    analyze_fn: AnalyzeFn | None = None,
) -> Engine:
    """The engine called ``name`` ("local" or "ray"); ``address``: a Ray cluster to join.

    ``read_fn``/``analyze_fn`` replace the stage functions (default: ``manysides.ingest.
    read_inputs`` and ``manysides.analyze.analyze_each``); tests use small ones.
    """
    if name == "local":
        from manysides.engine.local import LocalEngine

        return LocalEngine(read_fn=read_fn, analyze_fn=analyze_fn)
    if name == "ray":
        from manysides.engine.ray import RayEngine

        return RayEngine(address=address, num_cpus=num_cpus, read_fn=read_fn,
                         analyze_fn=analyze_fn)
    raise ValueError(f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")


# -- helpers shared by the engines ------------------------------------------------------------


def default_read_fn() -> ReadFn:
    from manysides.ingest import read_inputs

    return read_inputs


def default_analyze_fn() -> AnalyzeFn:
    from manysides.analyze import analyze_each

    return analyze_each


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Inputs with folders replaced by their article files (sorted, hidden ones left out), so
    the files can be spread over workers; URLs, files and empty folders pass through as is."""
    from manysides.ingest.sources import ARTICLE_SUFFIXES, is_url

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
    from manysides.errors import InputError
    from manysides.ingest.sources import load_manifest

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
    try:
        from manysides.analyze import ANALYSIS_VERSION
    except ImportError:  # pragma: no cover - the analyze stage is part of the package
        return "1"
    return ANALYSIS_VERSION


def analyze_batch_size() -> int:
    """Articles per analyze task: the analyze stage's own batch size (the embedding model's
    int8 activations are quantised per batch, so equal batches give equal vectors)."""
    try:
        from manysides.analyze.runner import BATCH_SIZE
    except ImportError:  # pragma: no cover
        return 32
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
    from manysides.analyze.runner import AnalysisSaver

    saver = AnalysisSaver(store, progress)
    for batch, outcome in batches:
        saver.add(batch, outcome)
    return saver.finish()
