"""Crash safety (issue 15, item 5 and part of 8): a run killed while comparing is repaired by
the next run, pool workers die with their parent, concurrent analyze runs divide the work."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, SAMPLE
from manysides import pipeline
from manysides.analyze import runner
from manysides.models import Article, ArticleAnalysis
from manysides.settings import Settings
from manysides.store import Store


class Killed(BaseException):
    """Stands for ``kill -9``: nothing after it runs, no handler sees it."""


def test_comparison_killed_midway_is_redone_by_the_next_run(
    fresh_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.compare_and_summarize
    calls = []

    def dies_on_the_second(task, *, settings):
        calls.append(task[0].id)
        if len(calls) == 2:
            raise Killed
        return real(task, settings=settings)

    monkeypatch.setattr(pipeline, "compare_and_summarize", dies_on_the_second)
    with pytest.raises(Killed):
        pipeline.run([str(SAMPLE / "articles")], fresh_store, settings=Settings(workers=1))
    multi = [s for s in (fresh_store.get_story(st.id) for st in fresh_store.list_stories())
             if s and len(s.articles) > 1]
    assert len(multi) >= 2
    assert any(not s.claims for s in multi)  # the kill left stories without a comparison

    monkeypatch.setattr(pipeline, "compare_and_summarize", real)
    _, repaired = pipeline.update(fresh_store, settings=Settings(workers=1))
    assert repaired  # the rerun finds the stories the kill left behind
    for story in (fresh_store.get_story(s.id) for s in multi):
        assert story.claims and story.summary, story.id
    assert pipeline.stories_to_compare(fresh_store) == []
    assert pipeline.update(fresh_store, settings=Settings(workers=1))[1] == []


PARENT = """
import os, sys, threading, time
from manysides.workers import map_in_processes

def kill_self():
    time.sleep(float(sys.argv[1]))
    kids = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children") as fh:
            kids.update(fh.read().split())
    print(" ".join(sorted(kids)), flush=True)
    os.kill(os.getpid(), 9)

threading.Thread(target=kill_self, daemon=True).start()
for _ in map_in_processes(time.sleep, [60.0] * 4, workers=2):
    pass
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_pool_workers_die_with_their_parent(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    out = subprocess.run([sys.executable, "-c", PARENT, "6"], capture_output=True, text=True,
                         env=env, timeout=60)
    kids = [int(p) for p in out.stdout.split()]
    assert kids, out.stderr
    deadline = time.monotonic() + 10
    while any(_alive(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [k for k in kids if _alive(k)]
    for k in alive:  # do not leave them behind (the old code's behaviour)
        os.kill(k, 9)
    assert not alive


def _fake_analyze(seen: list[str], lock: threading.Lock):
    def analyze_each(articles, *, settings):
        with lock:
            seen.extend(a.id for a in articles)
        time.sleep(0.02)
        return [(ArticleAnalysis(sentences=[], version=runner.ANALYSIS_VERSION),
                 {"doc": np.zeros(384, dtype=np.float32)}) for _ in articles]
    return analyze_each


def test_concurrent_analyze_runs_divide_the_work(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    store = Store(url)
    for i in range(320):
        store.add_article(Article(id=f"{i:016x}", source=f"a{i}.txt", text=f"Article {i}."))
    store.close()
    seen: list[str] = []
    monkeypatch.setattr(runner, "analyze_each", _fake_analyze(seen, threading.Lock()))
    done: list[list[str]] = []

    def one_run() -> None:
        s = Store(url)
        done.append(runner.analyze_pending(s, settings=Settings(workers=1)))
        s.close()

    threads = [threading.Thread(target=one_run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(seen) == 320 and len(set(seen)) == 320  # each article analysed once
    assert all(done) and sum(len(d) for d in done) == 320  # and both runs did a share


def test_an_expired_claim_is_taken_over(fresh_store: Store) -> None:
    fresh_store.add_article(Article(id="00000000000000aa", source="a.txt", text="A."))
    v = runner.ANALYSIS_VERSION
    assert fresh_store.claim_pending_analysis(["00000000000000aa"], v, "run-1", 60) == [
        "00000000000000aa"]
    assert fresh_store.claim_pending_analysis(["00000000000000aa"], v, "run-2", 60) == []
    fresh_store.release_claims(["00000000000000aa"], "run-1")
    assert fresh_store.claim_pending_analysis(["00000000000000aa"], v, "run-2", -1) == [
        "00000000000000aa"]
    assert fresh_store.claim_pending_analysis(["00000000000000aa"], v, "run-3", 60) == [
        "00000000000000aa"]  # run-2's claim had expired
