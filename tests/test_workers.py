"""The process pool shared by the analyze and compare steps."""

from __future__ import annotations

import math

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from manysides.workers import map_in_processes, one_blas_thread


def test_results_arrive_in_task_order_even_when_a_later_task_finishes_first() -> None:
    # The first task is slow (a large factorial), the others instant: a pool that reported
    # results as they finish would hand 5, 6, 7 over first; the store would then be written
    # in an order that depends on which worker was faster.
    seen = [(task, result % 1_000_003) for task, result in
            map_in_processes(math.factorial, [120_000, 5, 6, 7, 8], workers=2)]
    assert [task for task, _ in seen] == [120_000, 5, 6, 7, 8]
    assert dict(seen)[6] == 720


def test_an_empty_task_stream_runs_nothing() -> None:
    assert list(map_in_processes(math.factorial, [], workers=2)) == []


def _numpy_blas_threads() -> list[int]:
    """Threads of numpy's own BLAS (another package may bring a BLAS of its own)."""
    return [lib["num_threads"] for lib in threadpool_info()
            if lib["user_api"] == "blas" and "/numpy" in lib["filepath"]]


def test_one_blas_thread_holds_numpy_blas_to_one_thread_and_gives_the_pool_back() -> None:
    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's BLAS is loaded
    with threadpool_limits(limits=2, user_api="blas"):
        before = _numpy_blas_threads()
        with one_blas_thread():
            assert set(_numpy_blas_threads()) <= {1}
        assert _numpy_blas_threads() == before
