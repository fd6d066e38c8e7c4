"""Benchmark: story clustering (and the per-story comparison) on the synthetic corpus.

Two parts, each printing throughput and peak memory (ru_maxrss):

1. ``--real N`` (default 1000): the real stages on ``N`` articles of ``bench/corpus.py``:
   ingest (JSONL) -> analyze (spaCy + MiniLM) -> ``recluster`` (timed: stories/s and
   per-article assignment time; clustering quality against the generator's stories as
   B-cubed precision/recall) -> ``compare_story`` on every story (claims/s) when
   ``manysides.compare`` is installed.
2. ``--scale 1000,10000,100000``: clustering cost as the collection grows.  Running the NLP on
   100,000 articles is out of a benchmark's reach, so this part SYNTHESISES the analyses: each
   generated story gets a topic-plus-story doc vector and a set of named entities, each article
   a noisy copy (the output says so).  Articles are assigned incrementally in chunks of 1,000,
   in publication order (as a news stream arrives), and the time per article is printed per
   chunk: it should stay flat as the number of stories grows (candidates come from the index,
   never from every story).

    python bench/compare.py --real 1000 --scale 1000,10000
    python bench/compare.py --real 0 --scale 1000,10000,100000
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate_corpus, write_jsonl  # noqa: E402

from manysides.cluster import assign_stories, recluster  # noqa: E402
from manysides.models import Article, ArticleAnalysis, Entity  # noqa: E402
from manysides.settings import Settings  # noqa: E402
from manysides.store import Store  # noqa: E402

DIM = 384


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bcubed(truth: dict[str, str], found: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of clustering ``found`` (item -> cluster) vs ``truth``."""
    items = [i for i in truth if i in found]
    by_found: dict[str, set[str]] = defaultdict(set)
    by_truth: dict[str, set[str]] = defaultdict(set)
    for i in items:
        by_found[found[i]].add(i)
        by_truth[truth[i]].add(i)
    if not items:
        return 0.0, 0.0
    p = r = 0.0
    for i in items:
        same = by_found[found[i]] & by_truth[truth[i]]
        p += len(same) / len(by_found[found[i]])
        r += len(same) / len(by_truth[truth[i]])
    return p / len(items), r / len(items)


def stories_of(store: Store) -> dict[str, str]:
    """Article id -> story id of every stored article in a story (duplicates left out)."""
    return {a.id: a.story_id for a in store.iter_articles(include_duplicates=False) if a.story_id}


# -- part 1: the real stages --------------------------------------------------------------------


def bench_real(n: int, workdir: Path) -> None:
    """Ingest, analyse, cluster and compare ``n`` generated articles with the real stages."""
    from manysides.analyze import analyze_pending
    from manysides.ingest import ingest

    print(f"\n== real stages on {n} generated articles ==")
    articles = generate_corpus(n, seed=1)
    truth_by_url = {a["url"]: a["story"] for a in articles}
    jsonl = workdir / f"corpus{n}.jsonl"
    write_jsonl(articles, jsonl)
    db = workdir / f"real{n}.db"
    reuse = db.exists()
    store = Store(str(db))
    settings = Settings()
    if reuse and store.count_articles():
        analysed = [a.id for a in store.iter_articles(include_duplicates=False)]
        print(f"reusing the ingested and analysed {len(analysed)} articles in {db}")
    else:
        t0 = time.perf_counter()
        report = ingest([str(jsonl)], store, settings=settings)
        t_ingest = time.perf_counter() - t0
        print(f"ingest: {len(report.new)} new, {len(report.duplicates)} duplicates, "
              f"{len(report.failed)} failed in {t_ingest:.1f}s ({n / t_ingest:,.0f} articles/s)")
        t0 = time.perf_counter()
        analysed = analyze_pending(store, settings=settings)
        t_an = time.perf_counter() - t0
        print(f"analyze: {len(analysed)} articles in {t_an:.1f}s "
              f"({len(analysed) / t_an:.1f} articles/s)")

    t0 = time.perf_counter()
    story_ids = recluster(store, settings=settings)
    t_cl = time.perf_counter() - t0
    print(f"cluster (recluster): {len(analysed)} articles -> {len(story_ids)} stories in "
          f"{t_cl:.2f}s: {len(story_ids) / t_cl:,.1f} stories/s, "
          f"{1000 * t_cl / max(1, len(analysed)):.2f} ms per article")
    truth = {a.id: truth_by_url.get(a.url or "", "?")
             for a in store.iter_articles(include_duplicates=False)}
    p, r = bcubed(truth, stories_of(store))
    print(f"cluster quality vs generated stories: B-cubed precision {p:.3f}, recall {r:.3f} "
          f"({len(set(truth.values()))} true stories among the non-duplicate articles)")

    try:
        from manysides.compare import compare_story, sentence_vectors
    except ImportError:
        print("compare: manysides.compare not available, skipped")
        return
    t0 = time.perf_counter()
    claims = 0
    for sid in story_ids:
        story = store.get_story(sid)
        if story is None:
            continue
        arts = [a for a in store.iter_articles(ids=story.articles, with_analysis=True)
                if a.analysis is not None]
        # sentence vectors as the pipeline makes them: only for stories of 2+ articles
        vectors = sentence_vectors(arts, settings) if len(arts) > 1 else {}
        story = compare_story(story, arts, vectors, settings=settings)
        claims += len(story.claims)
    t_cmp = time.perf_counter() - t0
    print(f"compare: {len(story_ids)} stories, {claims} claims in {t_cmp:.1f}s: "
          f"{len(story_ids) / t_cmp:,.1f} stories/s, {claims / t_cmp:,.1f} claims/s")
    print(f"peak memory so far: {peak_mb():,.0f} MiB")
    store.close()


# -- part 2: clustering cost at scale (synthetic analyses) ------------------------------------


Synthetic = list[tuple[Article, ArticleAnalysis, np.ndarray]]


def _synthetic(articles: list[dict], seed: int) -> Synthetic:
    """Analyses and doc vectors for generated articles: story vector = topic + story part."""
    rng = np.random.default_rng(seed)
    topics = {t: rng.normal(size=DIM) for t in ("orven-dam", "sarnow-summit", "tessel-pipeline")}
    stories: dict[str, tuple[np.ndarray, list[str]]] = {}
    out = []
    for rec in articles:
        sid = rec["story"]
        if sid not in stories:
            topic = topics[sid.split("-", 1)[1]]
            base = topic / np.linalg.norm(topic) + 1.1 * _unit(rng.normal(size=DIM))
            names = [f"person-{rng.integers(0, 30000)}" for _ in range(4)]
            names += [f"place-{rng.integers(0, 3000)}" for _ in range(3)]
            stories[sid] = (_unit(base), names)
        base, names = stories[sid]
        vec = _unit(base + 0.55 * _unit(rng.normal(size=DIM)))
        picked = [names[i] for i in sorted(rng.choice(len(names), size=5, replace=False))]
        ents = [Entity(key=k, name=k, type="PERSON" if k.startswith("person") else "GPE",
                       mentions=int(rng.integers(1, 5))) for k in picked]
        ents.append(Entity(key=f"person-{rng.integers(0, 30000)}", name="x", type="PERSON",
                           mentions=1))
        aid = hashlib.sha1(rec["url"].encode()).hexdigest()[:16]
        art = Article(id=aid, source=rec["url"], url=rec["url"], text=rec["text"],
                      title=rec["title"], outlet=rec["outlet"], published=rec["published"])
        out.append((art, ArticleAnalysis(entities=ents), vec))
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def synthetic_store(n: int, db: Path, seed: int = 2) -> tuple[Store, list[str], dict[str, str]]:
    """A store at ``db`` with ``n`` generated articles and their SYNTHESISED analyses: the
    store, the article ids in arrival order and each article's generated story (the gold)."""
    articles = generate_corpus(n, seed=seed)
    rows = _synthetic(articles, seed=seed)
    truth = {art.id: rec["story"] for (art, _, _), rec in zip(rows, articles, strict=True)}
    store = Store(str(db))
    for art, analysis, vec in rows:
        store.add_article(art)
        store.save_analysis(art.id, analysis, {"doc": vec})
    # Articles arrive as news does: in publication order (an undated one on its story's day,
    # which the generated URL carries).
    def arrival(item: tuple[Article, ArticleAnalysis, np.ndarray]) -> str:
        art = item[0]
        return (art.published or "")[:10] or "-".join(art.url.split("/")[3:6])

    return store, [art.id for art, _, _ in sorted(rows, key=arrival)], truth


def bench_scale(n: int, workdir: Path, chunk: int = 1000) -> None:
    """Incremental assignment of ``n`` articles with synthesised analyses, timed per chunk."""
    print(f"\n== clustering {n:,} articles (SYNTHESISED analyses and doc vectors) ==")
    t0 = time.perf_counter()
    # Only the store holds the articles once built: 100,000 synthetic analyses kept alive in
    # this process would make every garbage collection during assignment scan them.
    store, ids, truth = synthetic_store(n, workdir / f"scale{n}.db")
    print(f"setup (generate + store {n:,} articles): {time.perf_counter() - t0:.1f}s")
    total = 0.0
    per_chunk: list[tuple[int, float]] = []
    settings = Settings()
    for start in range(0, n, chunk):
        t1 = time.perf_counter()
        assign_stories(store, ids[start : start + chunk], settings=settings)
        dt = time.perf_counter() - t1
        total += dt
        per_chunk.append((start + chunk, 1000 * dt / len(ids[start : start + chunk])))
    stories = len(set(stories_of(store).values()))
    # Mean of the chunks in each tenth of the run: a single chunk can hold an index save
    # (saves come every 30 s or more and cost O(stories)), which sampled chunks over-weigh.
    tenth = max(1, len(per_chunk) // 10)
    means = [(per_chunk[min(i + tenth, len(per_chunk)) - 1][0],
              sum(ms for _, ms in per_chunk[i : i + tenth]) / len(per_chunk[i : i + tenth]))
             for i in range(0, len(per_chunk), tenth)]
    print("ms per article, mean per tenth of the run (up to N articles assigned): "
          + ", ".join(f"{k:,}: {ms:.2f}" for k, ms in means))
    print(f"clustered {n:,} articles into {stories:,} stories in {total:.1f}s: "
          f"{1000 * total / n:.2f} ms per article, {stories / total:,.0f} stories/s")
    p, r = bcubed(truth, stories_of(store))
    print(f"quality vs generated stories: B-cubed precision {p:.3f}, recall {r:.3f} "
          f"({len(set(truth.values())):,} true stories)")
    print(f"peak memory so far: {peak_mb():,.0f} MiB")
    store.close()


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python bench/compare.py [--real N] [--scale N1,N2,...] [--workdir DIR]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", type=int, default=1000,
                    help="articles for the real-stage run (0 skips it)")
    ap.add_argument("--scale", default="1000,10000",
                    help="comma-separated corpus sizes for the clustering scaling run ('' skips)")
    ap.add_argument("--workdir", type=Path, default=None,
                    help="where the SQLite files go (default: a temporary directory); an "
                         "analysed real<N>.db already there is reused (no ingest/analyze)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="manysides-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.real:
            bench_real(args.real, workdir)
        for size in [int(s) for s in args.scale.split(",") if s.strip()]:
            bench_scale(size, workdir)
    print(f"\npeak memory: {peak_mb():,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
