"""The local engine: this process, or a pool of ``settings.workers`` processes (no Ray).

Reading/cleaning spreads the input files over the pool in order (``Executor.map`` keeps it);
analysis is the analyze stage's own ``analyze_pending`` (which has its own pool).  The store
is written by this process only.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from manysides.analyze import analyze_pending
from manysides.engine.base import (
    AnalyzeFn,
    Engine,
    ReadFn,
    check_manifest,
    default_read_fn,
    expand_inputs,
    pending_batches,
    save_results,
)
from manysides.models import Article, Failure
from manysides.settings import Settings
from manysides.store import Store
from manysides.workers import start_worker

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

READ_CHUNK = 16  # input files per read task in the pool
POOL_MIN_INPUTS = 4 * READ_CHUNK  # below this, starting a pool costs more than it saves


def _read_chunk(
    read_fn: ReadFn, names: list[str], settings: Settings, manifest: str | None
) -> list[Article | Failure]:
    return list(read_fn(names, settings=settings, manifest=manifest))


class LocalEngine(Engine):
    """Runs the stages in this process or a local process pool (``settings.workers``)."""

    name = "local"

    def __init__(self, *, read_fn: ReadFn | None = None, analyze_fn: AnalyzeFn | None = None):
        self.read_fn = read_fn
        self.analyze_fn = analyze_fn

    def close(self) -> None:
        """Nothing to release: pools live only as long as one call."""

    def read(
        self, inputs: Sequence[str], *, settings: Settings, manifest: str | None = None
    ) -> Iterator[Article | Failure]:
        """Articles and failures of ``inputs``, in input order (no store)."""
        read_fn = self.read_fn or default_read_fn()
        manifest, failure = check_manifest(manifest) if self.read_fn is None else (manifest, None)
        if failure is not None:
            yield failure
        workers = settings.workers or os.cpu_count() or 1
        names = expand_inputs(inputs)
        if workers == 1 or len(names) < POOL_MIN_INPUTS:
            yield from read_fn(names, settings=settings, manifest=manifest)
            return
        chunks = [names[i : i + READ_CHUNK] for i in range(0, len(names), READ_CHUNK)]
        ctx = multiprocessing.get_context("spawn")
        worker_settings = replace(settings, workers=1)
        with cf.ProcessPoolExecutor(
            max_workers=min(workers, len(chunks)), mp_context=ctx,
            initializer=start_worker, initargs=(1, os.getpid()),
        ) as pool:
            todo = iter(chunks)
            window: deque[cf.Future] = deque(
                pool.submit(_read_chunk, read_fn, c, worker_settings, manifest)
                for c in itertools.islice(todo, 2 * workers)
            )
            while window:  # in order, at most 2 tasks per worker in flight
                items = window.popleft().result()
                nxt = next(todo, None)
                if nxt is not None:
                    window.append(pool.submit(_read_chunk, read_fn, nxt, worker_settings, manifest))
                yield from items

    def analyze(
        self, store: Store, *, settings: Settings, progress: Callable[[int], None] | None = None
    ) -> list[str]:
        """Analyse every stored article lacking an analysis; returns the ids analysed."""
        if self.analyze_fn is None:
            return analyze_pending(store, settings=settings, progress=progress)
        fn = self.analyze_fn
        batches = ((b, fn(b, settings=settings)) for b in pending_batches(store))
        return save_results(store, batches, progress)
