"""Benchmark of the analyze stage: articles/s, sentences/s, peak memory; and a naive baseline.

    .venv/bin/python bench/analyze.py              # 2,000 generated articles
    .venv/bin/python bench/analyze.py --large      # 10,000
    .venv/bin/python bench/analyze.py -n 300 --baseline-n 100

The stage (``analyze_pending`` over a SQLite store: sentences, entities, quotes, dates,
quantities, embeddings; ``settings.workers`` processes) runs first; then, in the same run, the
naive baseline: the full en_core_web_sm pipeline (``nlp.pipe``, every component) plus MiniLM
over every sentence it finds, in this one process, on the first ``--baseline-n`` articles.
Peak memory: ``ru_maxrss`` of this process and of its children (the pool workers), and the
largest total PSS and RSS of the process tree sampled every 0.2 s while the stage runs (PSS
splits shared pages between the processes sharing them; the RSS sum counts them in each).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from memory import TreeSampler  # bench/memory.py (this folder)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from manysides.models import Article  # noqa: E402
from manysides.settings import Settings  # noqa: E402
from manysides.store import Store  # noqa: E402

MIB = 1024 * 1024


def load_corpus(n: int, seed: int) -> list[dict]:
    """Articles from bench/corpus.py (``generate_corpus``), cleaned like ingest cleans them."""
    from corpus import generate_corpus

    docs = generate_corpus(n, seed=seed)
    try:
        from manysides.clean import clean_text
    except ImportError:  # the cleaner is absent: analyse the raw text
        return docs
    for d in docs:
        d["text"] = clean_text(d["text"], title=d.get("title")).text
    return docs


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _load_note() -> str:
    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    except OSError:
        return "load average unknown"


def run_stage(docs: list[dict], settings: Settings) -> dict[str, float]:
    """Store the articles, run ``analyze_pending``; throughput and memory."""
    from manysides.analyze import analyze_pending

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.db")
        for i, d in enumerate(docs):
            store.add_article(Article(
                id=f"bench{i:06d}", source=d.get("url") or f"bench{i}", text=d["text"],
                title=d.get("title"), outlet=d.get("outlet"), url=d.get("url"),
                published=d.get("published"),
            ))
        sampler = TreeSampler()
        sampler.start()
        cpu0 = _cpu_seconds()
        t0 = time.perf_counter()
        last = [t0]

        def progress(done: int) -> None:
            now = time.perf_counter()
            if now - last[0] > 30:
                print(f"  ... {done} articles, {done / (now - t0):.2f}/s", flush=True)
                last[0] = now

        done = analyze_pending(store, settings=settings, progress=progress)
        elapsed = time.perf_counter() - t0
        cpu = _cpu_seconds() - cpu0
        sampler.stop()
        sentences = sum(len(a.analysis.sentences) for a in store.iter_articles(with_analysis=True)
                        if a.analysis)
        store.close()
    return {
        "articles": len(done), "sentences": sentences, "seconds": elapsed, "cpu": cpu,
        "tree_peak": sampler.peak, "tree_peak_pss": sampler.peak_pss,
        "self_maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "children_maxrss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }


def run_baseline(docs: list[dict], settings: Settings) -> dict[str, float]:
    """Naive: full spaCy pipeline over whole texts, MiniLM over each sentence, one process."""
    import spacy

    from manysides.analyze.embed import load_embedder

    nlp = spacy.load(settings.spacy_model)
    embedder = load_embedder(settings.embedding_model, settings.tokenizer)
    texts = [d["text"] for d in docs]
    cpu0 = _cpu_seconds()
    t0 = time.perf_counter()
    sentences = 0
    for doc in nlp.pipe(texts, batch_size=16):
        sents = [s.text for s in doc.sents if s.text.strip()]
        sentences += len(sents)
        embedder.encode(sents)
    return {"articles": len(docs), "sentences": sentences,
            "seconds": time.perf_counter() - t0, "cpu": _cpu_seconds() - cpu0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=2000, help="articles in the corpus (default 2000)")
    ap.add_argument("--large", action="store_true", help="10,000 articles")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed")
    ap.add_argument("--workers", type=int, default=0, help="processes (0: one per core)")
    ap.add_argument("--baseline-n", type=int, default=200,
                    help="articles for the naive baseline (0: skip it)")
    args = ap.parse_args()
    n = 10_000 if args.large else args.n
    settings = Settings(workers=args.workers)

    t = time.perf_counter()
    docs = load_corpus(n, args.seed)
    words = sum(len(d["text"].split()) for d in docs)
    print(f"corpus: {len(docs)} articles, {words / len(docs):.0f} words each on average "
          f"(generated and cleaned in {time.perf_counter() - t:.1f}s); cores: {os.cpu_count()}")

    print(f"before:   {_load_note()} (other processes share the cores: wall-clock rates drop)")
    stage = run_stage(docs, settings)
    a_s = stage["articles"] / stage["seconds"]
    cores = os.cpu_count() or 1
    print(f"stage:    {stage['articles']} articles in {stage['seconds']:.1f}s = {a_s:.2f} "
          "articles/s,"
          f" {stage['sentences'] / stage['seconds']:.1f} sentences/s,"
          f" {words / stage['seconds']:.0f} words/s")
    per_cpu = stage["articles"] / stage["cpu"]
    print(f"cpu:      {stage['cpu']:.1f} CPU-s = {per_cpu:.2f} articles per "
          f"CPU-second (x {cores} idle cores = {cores * stage['articles'] / stage['cpu']:.2f} "
          f"articles/s); after the stage: {_load_note()}")
    print(f"memory:   process tree peak {stage['tree_peak_pss'] / MIB:.0f} MiB PSS, "
          f"{stage['tree_peak'] / MIB:.0f} MiB RSS sum (sampled); "
          f"ru_maxrss self {stage['self_maxrss'] / MIB:.0f} MiB, "
          f"largest child {stage['children_maxrss'] / MIB:.0f} MiB")

    if args.baseline_n:
        base_docs = docs[: args.baseline_n]
        base = run_baseline(base_docs, settings)
        b_s = base["articles"] / base["seconds"]
        print(f"baseline: {base['articles']} articles in {base['seconds']:.1f}s = {b_s:.2f} "
              f"articles/s, {base['sentences'] / base['seconds']:.1f} sentences/s "
              f"(full en_core_web_sm nlp.pipe + MiniLM per sentence, one process)")
        b_cpu = base["articles"] / base["cpu"]
        print(f"          {base['cpu']:.1f} CPU-s = {b_cpu:.2f} articles per CPU-second")
        print(f"speed-up: {a_s / b_s:.2f}x wall-clock, "
              f"{(stage['articles'] / stage['cpu']) / b_cpu:.2f}x per CPU-second")
    print(f"peak rss after baseline (self): "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MIB:.0f} MiB")


if __name__ == "__main__":
    main()
