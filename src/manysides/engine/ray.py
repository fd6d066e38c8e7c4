"""The Ray engine: read/clean and analyze as Ray Data batch stages.

``ray.data.from_items(...)`` of the work, then ``map_batches(CleanStage | AnalyzeStage,
compute=ActorPoolStrategy(size=N), batch_size=...)`` (``concurrency=N`` before Ray 2.51): the
stages are callable classes, so each actor of the pool loads its models once and keeps them.
Rows carry pickled dataclasses (any Ray version, any nesting); the dataset keeps its order, and
the driver (this process) writes every result to the store in that order, exactly as the local
engine does, so both give the same ids and analyses.

Ray is imported only when this engine is made; ``address=None`` starts a local instance on
``num_cpus`` CPUs (default: all), ``address="auto"`` or ``"ray://host:10001"`` joins a cluster.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from manysides.engine.base import (
    AnalyzeFn,
    Engine,
    ReadFn,
    check_manifest,
    default_analyze_fn,
    default_read_fn,
    expand_inputs,
    pending_batches,
    save_results,
)
from manysides.errors import ConfigError
from manysides.models import Article, Failure
from manysides.settings import Settings
from manysides.store import Store
from manysides.workers import WORKER_ENV, release_memory, set_worker_threads

if TYPE_CHECKING:
    import numpy as np


log = logging.getLogger(__name__)

READ_BATCH = 8  # input files per CleanStage call
ANALYZE_WINDOW = 64  # analyze batches per dataset: actors (models) load per window, which bounds
# their growth (spaCy vocabulary, heap): at 128 a 10,000-article Ray run peaked at 2.02 GiB PSS


class CleanStage:
    """Ray Data stage: input names -> pickled articles/failures (one row per item found)."""

    def __init__(self, read_fn: ReadFn, settings: Settings, manifest: str | None) -> None:
        set_worker_threads(1)
        self.read_fn = read_fn
        self.settings = settings
        self.manifest = manifest

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"i": [], "last": [], "item": []}
        for i, name in zip(batch["i"], batch["input"], strict=True):
            try:
                items = [pickle.dumps(item) for item in self.read_fn(
                    [str(name)], settings=self.settings, manifest=self.manifest)]
            except Exception as exc:  # a stage bug must not lose the rest of the batch
                log.exception("reading %s failed", name)
                items = [pickle.dumps(Failure(str(name), f"internal error while reading: {exc}"))]
            for j, item in enumerate(items or [b""]):  # b"": the input held nothing
                out["i"].append(int(i))
                out["last"].append(j == max(len(items) - 1, 0))
                out["item"].append(item)
        return out


class AnalyzeStage:
    """Ray Data stage: one pickled batch of articles per row -> its pickled analysis results."""

    def __init__(self, analyze_fn: AnalyzeFn, settings: Settings) -> None:
        set_worker_threads(1)
        self.analyze_fn = analyze_fn
        self.settings = settings

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {"i": [], "results": []}
        for i, payload in zip(batch["i"], batch["articles"], strict=True):
            articles = pickle.loads(payload)
            out["i"].append(int(i))
            out["results"].append(pickle.dumps(self.analyze_fn(articles, settings=self.settings)))
        release_memory()
        return out


class RayEngine(Engine):
    """Runs the per-article stages on Ray (a local instance or a cluster at ``address``)."""

    name = "ray"

    def __init__(
        self,
        *,
        address: str | None = None,
        num_cpus: int | None = None,
        read_fn: ReadFn | None = None,
        analyze_fn: AnalyzeFn | None = None,
    ) -> None:
        try:
            import ray  # optional and heavy: only the ray engine needs it
        except ImportError as exc:
            raise ConfigError(
                "the ray engine needs Ray: pip install 'manysides[ray]'"
            ) from exc
        self._ray = ray
        self.read_fn = read_fn
        self.analyze_fn = analyze_fn
        self._owns_ray = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "logging_level": logging.WARNING,
                                      "runtime_env": {"env_vars": dict(WORKER_ENV)}}
            if address:
                kwargs["address"] = address
            else:
                kwargs["num_cpus"] = num_cpus or os.cpu_count() or 1
            ray.init(**kwargs)
            self._owns_ray = True
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False
        self.cpus = max(1, int(ray.available_resources().get("CPU", 1)))

    def close(self) -> None:
        """Shut Ray down if this engine started it (a shared instance is left running)."""
        if self._owns_ray and self._ray.is_initialized():
            self._ray.shutdown()
        self._owns_ray = False

    def _actors(self, settings: Settings, tasks: int) -> Any:
        """An actor pool of ``settings.workers`` (0: one per CPU) actors, no more than tasks
        (``concurrency=N`` in Ray Data's older spelling)."""
        size = max(1, min(settings.workers or self.cpus, self.cpus, tasks))
        return self._ray.data.ActorPoolStrategy(size=size)

    def read(
        self, inputs: Sequence[str], *, settings: Settings, manifest: str | None = None
    ) -> Iterator[Article | Failure]:
        """Articles and failures of ``inputs`` in input order, read by a pool of Ray actors."""
        names = expand_inputs(inputs)
        manifest, failure = check_manifest(manifest) if self.read_fn is None else (manifest, None)
        if failure is not None:
            yield failure
        if not names:
            return
        ds: Any = self._ray.data.from_items([{"i": i, "input": n} for i, n in enumerate(names)])
        ds = ds.map_batches(
            CleanStage,
            fn_constructor_kwargs={"read_fn": self.read_fn or default_read_fn(),
                                   "settings": settings, "manifest": manifest},
            batch_size=READ_BATCH,
            compute=self._actors(settings, -(-len(names) // READ_BATCH)),
            batch_format="numpy",
        )
        rows = ((int(r["i"]), r["item"], bool(r["last"])) for r in ds.iter_rows())
        for _, item in _in_order(rows):
            if item:
                yield pickle.loads(item)

    def analyze(
        self, store: Store, *, settings: Settings, progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Analyse every stored article lacking an analysis on Ray; the driver saves them."""
        return save_results(store, self._analyzed(store, settings), progress)

    def _analyzed(
        self, store: Store, settings: Settings
    ) -> Iterator[tuple[list[Article], list[Any]]]:
        fn = self.analyze_fn or default_analyze_fn()
        batches = pending_batches(store)
        while True:
            window = [b for _, b in zip(range(ANALYZE_WINDOW), batches, strict=False)]
            if not window:
                return
            ds: Any = self._ray.data.from_items(
                [{"i": i, "articles": pickle.dumps(b)} for i, b in enumerate(window)]
            )
            ds = ds.map_batches(
                AnalyzeStage,
                fn_constructor_kwargs={"analyze_fn": fn, "settings": settings},
                batch_size=1,
                compute=self._actors(settings, len(window)),
                batch_format="numpy",
            )
            rows = ((int(r["i"]), r["results"], True) for r in ds.iter_rows())
            for i, results in _in_order(rows):
                yield window[i], pickle.loads(results)


def _in_order(rows: Iterable[tuple[int, Any, bool]]) -> Iterator[tuple[int, Any]]:
    """``(i, payload)`` in order of ``i`` = 0, 1, 2, ... from rows ``(i, payload, last)`` that
    may come out of order (several rows per ``i``, the final one flagged ``last``).

    Ray keeps the order (``preserve_order``), so the buffer stays empty; this makes sure.
    """
    pending: dict[int, list[Any]] = {}
    complete: set[int] = set()
    nxt = 0
    for i, payload, last in rows:
        pending.setdefault(i, []).append(payload)
        if last:
            complete.add(i)
        while nxt in complete:
            complete.discard(nxt)
            for p in pending.pop(nxt):
                yield nxt, p
            nxt += 1
    for i in sorted(pending):  # rows of inputs never flagged complete (should not happen)
        for p in pending[i]:
            yield i, p
