"""The process pool shared by the analyze and compare steps."""

from __future__ import annotations

import math

from manysides.workers import map_in_processes


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
