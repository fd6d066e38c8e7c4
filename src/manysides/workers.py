"""One way to spread tasks over local processes, shared by the analyze and compare steps.

Workers are spawned (no forked copies of loaded models or threads), limited to one compute
thread each, and fed at most ``2 x workers`` tasks at a time so memory stays bounded however
long the task stream is.  Results come back to the calling process, which alone writes the
store.  A worker dies with its parent (Linux ``PR_SET_PDEATHSIG``): a killed run leaves no
worker computing on, holding its models' memory.
"""

from __future__ import annotations

import concurrent.futures as cf
import ctypes
import functools
import gc
import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from threadpoolctl import ThreadpoolController, threadpool_limits

T = TypeVar("T")
R = TypeVar("R")


@functools.cache
def _blas_controller() -> ThreadpoolController:
    """The math libraries loaded at the first call (numpy's BLAS among them: the callers
    import numpy), looked up once per process."""
    return ThreadpoolController()


def one_blas_thread() -> AbstractContextManager[Any]:
    """A context in which numpy's BLAS (the BLAS libraries loaded at its first use) runs on
    one thread: a story's matrices have a few hundred rows, and a pool of threads makes their
    products slower, not faster (on two busy cores the comparison stage took 92 ms CPU per
    bench story with the pool, 38 without)."""
    limiter: AbstractContextManager[Any] = _blas_controller().limit(limits=1, user_api="blas")
    return limiter


def set_worker_threads(threads: int) -> None:
    """Limit this process's math libraries (ONNX Runtime, BLAS) to ``threads`` threads.

    The variables reach the libraries loaded later (ONNX Runtime reads its own when a model
    loads); numpy's BLAS is loaded already (unpickling a worker's task imports the package),
    so its pool is resized in place: left at one thread per core, its idle threads spin and
    every small matrix product of a story (100 x 100) took 20 times as long.
    """
    os.environ["MANYSIDES_ORT_THREADS"] = str(threads)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)
    threadpool_limits(threads)


PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): a signal sent when the parent dies


def die_with_parent(parent_pid: int) -> None:
    """Have the kernel SIGKILL this process when its parent dies (Linux; elsewhere nothing).

    If the parent ``parent_pid`` is already gone (it died while this process started), exit.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not glibc: no parent-death signal
        return
    if os.getppid() != parent_pid:
        os._exit(1)


def start_worker(threads: int, parent_pid: int) -> None:
    """A pool worker's initializer: die with the parent, limit the math libraries' threads."""
    die_with_parent(parent_pid)
    set_worker_threads(threads)


def release_memory() -> None:
    """Collect garbage and hand the C heap's free pages back to the OS (glibc ``malloc_trim``).

    A long-lived worker otherwise keeps the high-water mark of every batch it ran: with
    ``WORKER_ENV``, Ray's analyze actors end 1,500 articles about 50 MiB smaller each.
    """
    gc.collect()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)
        except (OSError, AttributeError):  # not glibc (musl): nothing to trim
            pass


# Environment for worker processes started by an engine (Ray's ``runtime_env``): glibc gives
# each thread its own heap arena, up to 8 per core, and a Ray worker runs many threads whose
# arenas keep their free pages.
WORKER_ENV = {"MALLOC_ARENA_MAX": "2"}


def map_in_processes(
    fn: Callable[[T], R], tasks: Iterable[T], *, workers: int
) -> Iterator[tuple[T, R]]:
    """``(task, fn(task))`` for every task, computed on ``workers`` spawned processes.

    ``fn`` must be picklable (a module-level function or a ``functools.partial`` of one).
    Pairs come back to this process in task order, whichever worker was faster, so what the
    caller does with one result may depend on the results before it.  An exception raised by
    ``fn`` propagates and stops the run; the pool lives while the iterator is consumed.
    """
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=start_worker,
        initargs=(1, os.getpid()),
    ) as pool:
        stream = iter(tasks)
        window: deque[tuple[cf.Future[R], T]] = deque(
            (pool.submit(fn, task), task) for task in itertools.islice(stream, 2 * workers)
        )
        while window:
            future, task = window.popleft()
            result = future.result()
            for nxt in itertools.islice(stream, 1):
                window.append((pool.submit(fn, nxt), nxt))
            yield task, result
