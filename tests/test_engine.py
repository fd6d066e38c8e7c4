"""Engines: local and Ray give the same articles and analyses; Ray stages reuse their actors.

One local Ray instance on 2 CPUs for the whole module (started once, shut down after).
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import SAMPLE
from manysides.engine import expand_inputs, get_engine
from manysides.models import Article, ArticleAnalysis, Entity, Failure, Sentence, to_dict
from manysides.settings import Settings
from manysides.store import Store

SETTINGS = Settings(workers=1)


# -- small stage functions: the mechanics without models -----------------------------------


def para_read(inputs, *, settings, manifest=None):
    """Each blank-line paragraph of a text file is an article; a missing file is a failure."""
    for name in inputs:
        path = Path(name)
        if not path.is_file():
            yield Failure(name, "no such file")
            continue
        for k, para in enumerate(p for p in path.read_text().split("\n\n") if p.strip()):
            yield Article(id=hashlib.sha1(para.encode()).hexdigest()[:32],
                          source=f"{name}#{k}", text=para.strip())


def word_analyze(articles, *, settings):
    """Sentences = lines; vectors from word lengths; the worker's pid as an entity."""
    out = []
    for art in articles:
        lines = art.text.split("\n")
        analysis = ArticleAnalysis(
            sentences=[Sentence(i, 0, len(t), t) for i, t in enumerate(lines)],
            entities=[Entity(key=f"pid:{os.getpid()}", name=str(os.getpid()), type="PID")],
        )
        sent = np.array([[len(t), t.count(" "), i, 1.0] for i, t in enumerate(lines)])
        out.append((analysis, {"sentences": sent, "doc": sent.mean(axis=0)}))
    return out


@pytest.fixture(scope="module")
def ray_instance():
    ray = pytest.importorskip("ray")
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers can't import tests
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level="WARNING", num_gpus=0)
    yield ray
    ray.shutdown()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Text files of paragraphs, some shared between files (the same article twice)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for f in range(12):
        paras = [f"File {f} paragraph {k}.\nSecond line {k * f}." for k in range(f % 4)]
        if f % 3 == 0:
            paras.append("A paragraph every third file repeats.\nSame words.")
        (folder / f"f{f:02d}.txt").write_text("\n\n".join(paras))
    (folder / ".hidden.txt").write_text("never read")
    (folder / "notes.bin").write_text("not an article file")
    return folder


def snapshot(store: Store) -> list[dict]:
    arts = store.iter_articles(with_analysis=True)
    vectors = {}
    out = []
    for art in arts:
        row = to_dict(art)
        row.pop("ingested_at")
        if row["analysis"]:
            for e in row["analysis"]["entities"]:
                e.update(key="pid", name="pid")  # differs by process, by design
        vectors = store.get_vectors([art.id], "sentences")
        row["vectors"] = vectors[art.id].tolist() if art.id in vectors else None
        out.append(row)
    return out


def run_engine(name: str, inputs: list[str], url: str, **fns) -> tuple[Store, object]:
    store = Store(url)
    with get_engine(name, **fns) as engine:
        report = engine.ingest(inputs, store, settings=SETTINGS)
        analysed = engine.analyze(store, settings=SETTINGS)
    return store, (report, analysed)


def test_expand_inputs(corpus: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    names = expand_inputs([str(corpus), "https://example.org/a", str(empty), "missing.txt"])
    assert names[:12] == [str(corpus / f"f{f:02d}.txt") for f in range(12)]
    assert names[12:] == ["https://example.org/a", str(empty), "missing.txt"]


def test_unknown_engine() -> None:
    with pytest.raises(ValueError, match="unknown engine"):
        get_engine("spark")


def test_ray_matches_local_with_small_stages(ray_instance, corpus: Path, tmp_path: Path) -> None:
    inputs = [str(corpus), str(tmp_path / "missing.txt")]
    fns = {"read_fn": para_read, "analyze_fn": word_analyze}
    local, (lrep, lids) = run_engine("local", inputs, f"sqlite:///{tmp_path}/l.db", **fns)
    ray_, (rrep, rids) = run_engine("ray", inputs, f"sqlite:///{tmp_path}/r.db", **fns)
    assert lrep.new and lrep.new == rrep.new
    assert lrep.existing == rrep.existing and len(lrep.existing) == 3  # the repeated paragraph
    assert [f.input for f in rrep.failed] == [str(tmp_path / "missing.txt")]
    assert lids == rids and sorted(lids) == sorted(lrep.new)
    assert snapshot(local) == snapshot(ray_)
    assert ray_.failures() == local.failures()


def test_ray_analyze_reuses_actors(ray_instance, tmp_path: Path) -> None:
    """Many batches, at most 2 worker processes: each actor is built once and kept."""
    store = Store(f"sqlite:///{tmp_path}/s.db")
    for i in range(200):  # 7 batches of 32
        store.add_article(Article(id=f"a{i:04d}", source="x", text=f"line {i}\nline two"))
    with get_engine("ray", analyze_fn=word_analyze) as engine:
        ids = engine.analyze(store, settings=Settings(workers=2))
    assert ids == [f"a{i:04d}" for i in range(200)]
    pids = {a.analysis.entities[0].name for a in store.iter_articles(with_analysis=True)}
    assert 1 <= len(pids) <= 2 and str(os.getpid()) not in pids


def test_ray_and_local_real_stages_on_sample_corpus(ray_instance, tmp_path: Path) -> None:
    """The real read/clean and analyze stages: same ids, texts, analyses and vectors."""
    pytest.importorskip("manysides.ingest")
    pytest.importorskip("manysides.analyze")
    inputs = [str(SAMPLE / "articles")]
    local, (lrep, lids) = run_engine("local", inputs, f"sqlite:///{tmp_path}/l.db")
    ray_, (rrep, rids) = run_engine("ray", inputs, f"sqlite:///{tmp_path}/r.db")
    assert len(lrep.new) >= 8 and lrep.new == rrep.new and lrep.duplicates == rrep.duplicates
    assert sorted(lids) == sorted(rids) and lids
    assert snapshot(local) == snapshot(ray_)
