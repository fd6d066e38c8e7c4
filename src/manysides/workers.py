"""One way to spread tasks over local processes, shared by the analyze and compare steps.

Workers are spawned (no forked copies of loaded models or threads), limited to one compute
thread each, and fed at most ``2 x workers`` tasks at a time so memory stays bounded however
long the task stream is.  Results come back to the calling process, which alone writes the
store.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def set_worker_threads(threads: int) -> None:
    """Limit this process's math libraries (ONNX Runtime, BLAS) to ``threads`` threads."""
    os.environ["MANYSIDES_ORT_THREADS"] = str(threads)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def run_in_processes(
    fn: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int,
    on_result: Callable[[T, R], None],
) -> None:
    """Call ``fn(task)`` for every task on ``workers`` spawned processes.

    ``fn`` must be picklable (a module-level function or a ``functools.partial`` of one).
    ``on_result(task, result)`` runs here, in this process, as each task finishes (not in
    task order).  An exception raised by ``fn`` propagates and stops the run.
    """
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=set_worker_threads, initargs=(1,)
    ) as pool:
        stream = iter(tasks)
        pending: dict[cf.Future[R], T] = {}

        def submit_next() -> None:
            task = next(stream, None)
            if task is not None:
                pending[pool.submit(fn, task)] = task

        for _ in range(2 * workers):
            submit_next()
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                task = pending.pop(fut)
                on_result(task, fut.result())
                submit_next()
