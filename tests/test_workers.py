"""The process pool shared by the analyze and compare steps."""

from __future__ import annotations

import math

from manysides.workers import run_in_processes


def test_results_arrive_in_task_order_even_when_a_later_task_finishes_first() -> None:
    # The first task is slow (a large factorial), the others instant: a pool that reported
    # results as they finish would hand 5, 6, 7 over first.  The analyze stage links surnames
    # to the names seen so far, so the order must be the tasks' order.
    seen: list[tuple[int, int]] = []
    run_in_processes(math.factorial, [120_000, 5, 6, 7, 8], workers=2,
                     on_result=lambda task, result: seen.append((task, result % 1_000_003)))
    assert [task for task, _ in seen] == [120_000, 5, 6, 7, 8]
    assert dict(seen)[6] == 720


def test_an_empty_task_stream_runs_nothing() -> None:
    seen: list[int] = []
    run_in_processes(math.factorial, [], workers=2, on_result=lambda t, r: seen.append(t))
    assert seen == []
