"""Benchmark of ``compare_story`` on one story: claims/s, sentences/s and peak memory.

    .venv/bin/python bench/compare_story.py                 # the five seeds (../shared/seeds)
    .venv/bin/python bench/compare_story.py --copies 8      # + a story of 8 x the seed articles
    .venv/bin/python bench/compare_story.py --repeat 3
    .venv/bin/python bench/compare_story.py --corpus 600 --cache /tmp/bench600.pkl

The seed articles are ingested and analysed by the real stages first (not timed here; see
bench/analyze.py); then ``compare_story`` runs ``--repeat`` times on them as one story (the
first run includes loading the sentence encoder for clause embeddings).  ``--copies N`` builds
a larger story from N copies of each analysed article, each copy under another fictional outlet
name, to show how the pairwise grouping scales with the number of sentences.  ``--corpus N``
compares the stories of the first N articles of the bench corpus (``bench/corpus.py``, its
generated stories as they are, no clustering): claims/s and stories/s of the comparison stage
alone; ``--cache`` keeps the analysed articles so two versions can be timed on the same input.
"""

from __future__ import annotations

import argparse
import copy
import pickle
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux ru_maxrss is KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def analysed_seeds(settings):  # -> (articles, vectors)
    from manysides.analyze import analyze_batch
    from manysides.compare import sentence_vectors
    from manysides.ingest import ingest
    from manysides.store import Store

    store = Store.memory()
    report = ingest([str(p) for p in sorted(SEEDS.glob("*.txt"))], store, settings=settings)
    articles = [store.get_article(i) for i in report.new]
    for article, (analysis, _) in zip(
        articles, analyze_batch(articles, settings=settings), strict=True
    ):
        article.analysis = analysis
    vectors = sentence_vectors(articles, settings)
    return articles, vectors


def run(articles, vectors, settings, repeat: int, label: str) -> None:
    from manysides.compare import compare_story
    from manysides.models import Story

    sentences = sum(len(a.analysis.sentences) for a in articles)
    for i in range(repeat):
        story = Story(id=label, title=label, articles=[a.id for a in articles], outlets=[])
        started = time.perf_counter()
        compare_story(story, articles, vectors, settings=settings)
        elapsed = time.perf_counter() - started
        groups = len(story.claims)
        multi = sum(1 for c in story.claims if len({s.article for s in c.support}) > 1)
        print(
            f"{label} run {i + 1}: {len(articles)} articles, {sentences} sentences -> "
            f"{groups} claim groups ({multi} across articles) in {elapsed:.2f} s: "
            f"{groups / elapsed:.1f} claims/s, {sentences / elapsed:.1f} sentences/s, "
            f"peak {peak_mb():.0f} MiB"
        )


def corpus_stories(n: int, cache: Path | None, settings):  # -> [(articles, vectors)]
    """The first ``n`` bench-corpus articles, analysed, grouped by their generated story."""
    if cache is not None and cache.exists():
        with cache.open("rb") as fh:
            return pickle.load(fh)
    import tempfile

    from corpus import generate_corpus, write_jsonl

    from manysides.analyze import analyze_batch
    from manysides.compare import sentence_vectors
    from manysides.ingest import ingest
    from manysides.store import Store

    rows = generate_corpus(n)
    store = Store.memory()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        write_jsonl(rows, path)
        ingest([str(path)], store, settings=settings)
    by_url = {r["url"]: r["story"] for r in rows}
    articles = [a for a in store.iter_articles() if a.duplicate_of is None]
    for i in range(0, len(articles), 64):
        batch = articles[i : i + 64]
        for article, (analysis, _) in zip(batch, analyze_batch(batch, settings=settings),
                                          strict=True):
            article.analysis = analysis
    vectors = sentence_vectors(articles, settings)
    groups: dict[str, list] = {}
    for a in articles:
        groups.setdefault(by_url.get(a.url, a.id), []).append(a)
    stories = [(g, {a.id: vectors[a.id] for a in g}) for g in groups.values() if len(g) > 1]
    if cache is not None:
        with cache.open("wb") as fh:
            pickle.dump(stories, fh)
    return stories


def run_corpus(stories, settings) -> None:
    """compare_story on each story: claims/s and stories/s of the comparison stage."""
    from manysides.compare import compare_story
    from manysides.models import Story

    claims = 0
    started, cpu = time.perf_counter(), time.process_time()
    for n, (articles, vectors) in enumerate(stories):
        story = Story(id=f"s{n}", title="", articles=[a.id for a in articles], outlets=[])
        compare_story(story, articles, vectors, settings=settings)
        claims += len(story.claims)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    arts = sum(len(a) for a, _ in stories)
    print(f"corpus: {len(stories)} stories, {arts} articles -> {claims} claims in {elapsed:.2f} s:"
          f" {claims / elapsed:.1f} claims/s, {len(stories) / elapsed:.2f} stories/s, "
          f"{1000 * elapsed / len(stories):.1f} ms/story, CPU {cpu:.2f} s "
          f"({1000 * cpu / len(stories):.1f} ms/story, all threads), peak {peak_mb():.0f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="runs per story")
    parser.add_argument("--copies", type=int, default=0, help="also a story of N x the seeds")
    parser.add_argument("--corpus", type=int, default=0,
                        help="only the stories of the first N bench-corpus articles")
    parser.add_argument("--cache", type=Path, default=None,
                        help="keep the analysed corpus articles in this file")
    args = parser.parse_args()
    if args.corpus:
        from manysides.settings import Settings

        sys.path.insert(0, str(REPO / "bench"))
        settings = Settings()
        stories = corpus_stories(args.corpus, args.cache, settings)
        run_corpus(stories, settings)
        run_corpus(stories, settings)  # warm: clause embeddings cached
        return 0
    if not SEEDS.exists():
        print(f"{SEEDS} is absent: this benchmark reads the shared seed articles")
        return 1
    from manysides.settings import Settings

    settings = Settings()
    started = time.perf_counter()
    articles, vectors = analysed_seeds(settings)
    print(f"ingest + analyze of {len(articles)} seeds: {time.perf_counter() - started:.1f} s "
          "(not part of the figures below)")
    run(articles, vectors, settings, args.repeat, "seeds")
    if args.copies:
        big, big_vectors = [], {}
        for n in range(args.copies):
            for a in articles:
                c = copy.deepcopy(a)
                c.id = f"{a.id}-{n}"
                c.outlet = f"{a.outlet} {n}"
                big.append(c)
                big_vectors[c.id] = vectors[a.id]
        run(big, big_vectors, settings, 1, f"seeds x{args.copies}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
