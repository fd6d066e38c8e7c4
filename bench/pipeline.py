"""End-to-end benchmark: ingest -> analyze -> stories -> compare + summary on a generated corpus.

    .venv/bin/python bench/pipeline.py                 # 10,000 articles, local and Ray engines
    .venv/bin/python bench/pipeline.py --large         # 100,000
    .venv/bin/python bench/pipeline.py --n 500 --engines local

The corpus (``bench/corpus.py``: fictional stories mutated from the sample corpus, 3-5 articles
each) is written once as .txt files plus a manifest; each engine then runs the whole pipeline
in a fresh process on a fresh SQLite store (``--db`` for another database, emptied first is up
to you), and a plain script (full spaCy pipeline + MiniLM over every sentence, one process) does
the per-article NLP work on the first ``--baseline-n`` articles as the baseline.

Printed per engine: articles/s end to end (engine start included), seconds per stage, story
assignment cost in ms per article for each tenth of the corpus (flat = no growth with the number
of stories), and peak memory: ``ru_maxrss`` of the run's process and of its largest child, and
the largest total of its whole process tree (pool workers, Ray workers) sampled every 0.2 s, as
PSS (shared pages split between the processes sharing them: what the tree really occupies)
and as an RSS sum (which counts a shared page once per process).
Targets (issue 6): >= 4 articles/s end to end on 2 cores, peak <= 2 GiB, Ray within 20% of local.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from memory import TreeSampler  # bench/memory.py (this folder)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

GIB = 1024**3
ASSIGN_SLICES = 10  # story assignment is timed per tenth of the corpus


# -- memory ----------------------------------------------------------------------------------


def maxrss_bytes(who: int) -> int:
    return resource.getrusage(who).ru_maxrss * 1024  # Linux reports KiB


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its finished (reaped) descendants."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# -- one engine, in its own process ------------------------------------------------------------


def run_pipeline(engine_name: str, corpus: Path, db: str, cpus: int) -> dict[str, Any]:
    """The whole pipeline with one engine; returns counts, stage seconds and memory."""
    from manysides.cluster import assign_stories
    from manysides.engine import get_engine
    from manysides.pipeline import refresh_stories
    from manysides.settings import Settings
    from manysides.store import Store

    settings = Settings(workers=cpus)
    sampler = TreeSampler()
    sampler.start()
    seconds: dict[str, float] = {}
    t_all = time.perf_counter()
    cpu_start = cpu_seconds()
    store = Store(db)

    t = time.perf_counter()
    engine = get_engine(engine_name, num_cpus=cpus)
    seconds["engine start"] = time.perf_counter() - t
    try:
        t = time.perf_counter()
        report = engine.ingest([str(corpus)], store, settings=settings,
                               manifest=str(corpus / "manifest.csv"))
        seconds["ingest"] = time.perf_counter() - t

        t = time.perf_counter()
        analysed = engine.analyze(store, settings=settings)
        seconds["analyze"] = time.perf_counter() - t
    finally:
        engine.close()

    t = time.perf_counter()
    pending = store.article_ids_without_story()
    step = max(1, -(-len(pending) // ASSIGN_SLICES))
    story_ids: list[str] = []
    assign_ms: list[float] = []
    for i in range(0, len(pending), step):
        chunk = pending[i : i + step]
        t_chunk = time.perf_counter()
        story_ids += assign_stories(store, chunk, settings=settings)
        assign_ms.append(1000 * (time.perf_counter() - t_chunk) / len(chunk))
    story_ids = list(dict.fromkeys(story_ids))
    seconds["stories"] = time.perf_counter() - t

    t = time.perf_counter()
    refresh_stories(store, story_ids, settings=settings)
    seconds["compare+summary"] = time.perf_counter() - t
    total = time.perf_counter() - t_all
    cpu = cpu_seconds() - cpu_start
    store.close()
    return {
        "engine": engine_name,
        "articles": len(report.new) + len(report.duplicates),
        "new": len(report.new), "duplicates": len(report.duplicates),
        "failed": len(report.failed), "analysed": len(analysed), "stories": len(story_ids),
        "seconds": seconds, "total_s": total, "cpu_s": cpu,
        "load_avg": os.getloadavg()[0],
        "assign_ms_per_article": assign_ms,
        "rss_self": maxrss_bytes(resource.RUSAGE_SELF),
        "rss_child": maxrss_bytes(resource.RUSAGE_CHILDREN),
        "rss_tree": sampler.stop(), "pss_tree": sampler.peak_pss,
    }


def run_baseline_script(corpus: Path, n: int) -> dict[str, Any]:
    """Plain script: full spaCy pipeline over each text, MiniLM over every sentence."""
    import spacy

    from manysides.analyze.embed import load_embedder
    from manysides.settings import Settings

    settings = Settings()
    texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))[:n]]
    sampler = TreeSampler()
    sampler.start()
    t = time.perf_counter()
    nlp = spacy.load(settings.spacy_model)
    embedder = load_embedder(settings.embedding_model, settings.tokenizer)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    sentences = 0
    cpu_start = cpu_seconds()
    for doc in nlp.pipe(texts, batch_size=16):
        sents = [s.text for s in doc.sents if s.text.strip()]
        sentences += len(sents)
        embedder.encode(sents)
    work_s = time.perf_counter() - t
    return {"engine": "baseline", "articles": len(texts), "sentences": sentences,
            "seconds": {"model load": load_s, "spaCy+MiniLM": work_s},
            "total_s": load_s + work_s, "cpu_s": cpu_seconds() - cpu_start,
            "load_avg": os.getloadavg()[0], "rss_self": maxrss_bytes(resource.RUSAGE_SELF),
            "rss_child": maxrss_bytes(resource.RUSAGE_CHILDREN), "rss_tree": sampler.stop(),
            "pss_tree": sampler.peak_pss}


# -- the driver ------------------------------------------------------------------------------


def _child(args: list[str]) -> dict[str, Any]:
    """Run this script with ``args`` in a fresh process; its last stdout line is JSON."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-4000:])
        return {"error": f"exit status {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt_gib(n: int) -> str:
    return f"{n / GIB:.2f} GiB"


def report(results: list[dict[str, Any]], n: int, cpus: int) -> None:
    """Print the side-by-side table and the targets."""
    print(f"\nmanysides pipeline benchmark: {n} generated articles, {cpus} CPUs "
          f"({os.cpu_count()} on this machine)\n")
    ok = [r for r in results if "error" not in r]
    for r in results:
        if "error" in r:
            print(f"{r.get('engine', '?')}: FAILED ({r['error']})")
    stages = list(dict.fromkeys(s for r in ok for s in r["seconds"]))
    width = 22
    print(f"{'':{width}}" + "".join(f"{r['engine']:>16}" for r in ok))
    for stage in stages:
        cells = "".join(f"{r['seconds'][stage]:>15.1f}s" if stage in r["seconds"]
                        else f"{'-':>16}" for r in ok)
        print(f"{stage:{width}}{cells}")
    print(f"{'total':{width}}" + "".join(f"{r['total_s']:>15.1f}s" for r in ok))
    print(f"{'articles':{width}}" + "".join(f"{r['articles']:>16}" for r in ok))
    rates = {r["engine"]: r["articles"] / r["total_s"] for r in ok if r["total_s"]}
    print(f"{'articles/s':{width}}" + "".join(f"{rates[r['engine']]:>16.2f}" for r in ok))
    print(f"{'CPU s/article':{width}}"
          + "".join(f"{r['cpu_s'] / max(r['articles'], 1):>16.3f}" for r in ok))
    print(f"{'load average (1 min)':{width}}" + "".join(f"{r['load_avg']:>16.1f}" for r in ok))
    for key, label in (("rss_self", "peak RSS process"), ("rss_child", "peak RSS child"),
                       ("rss_tree", "peak RSS tree"), ("pss_tree", "peak PSS tree")):
        print(f"{label:{width}}" + "".join(f"{_fmt_gib(r[key]):>16}" for r in ok))
    for r in ok:
        if r.get("assign_ms_per_article"):
            ms = r["assign_ms_per_article"]
            print(f"\n{r['engine']}: story assignment ms/article per tenth of the corpus: "
                  + " ".join(f"{x:.1f}" for x in ms)
                  + f"  (last/first: {ms[-1] / ms[0]:.2f}x)")
    print("(CPU s/article counts this process and its reaped children: pool workers; Ray's "
          "workers only as far as Ray reaps them.  A load average above the CPU count means "
          "other work shared the machine: wall-clock rates are then lower than on an idle one.)")
    print()
    local, ray, base = rates.get("local"), rates.get("ray"), rates.get("baseline")
    if local:
        print(f"target >= 4 articles/s end to end: local {local:.2f} "
              f"{'OK' if local >= 4 else 'MISSED'}")
    if local and ray:
        print(f"target Ray within 20% of local: ray/local = {ray / local:.2f} "
              f"{'OK' if ray >= 0.8 * local else 'MISSED'}")
    for r in ok:
        if r["engine"] != "baseline":
            print(f"target peak <= 2 GiB ({r['engine']}, process tree PSS): "
                  f"{_fmt_gib(r['pss_tree'])} {'OK' if r['pss_tree'] <= 2 * GIB else 'MISSED'} "
                  f"(RSS sum, shared pages counted per process: {_fmt_gib(r['rss_tree'])})")
    if base and local:
        print(f"baseline (spaCy + MiniLM only, no storage): {base:.2f} articles/s; "
              f"local end to end / baseline = {local / base:.2f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="articles to generate (10000)")
    ap.add_argument("--large", action="store_true", help="100,000 articles")
    ap.add_argument("--engines", default="local,ray", help="comma-separated (local,ray)")
    ap.add_argument("--cpus", type=int, default=os.cpu_count() or 1,
                    help="worker processes / Ray CPUs (default: all)")
    ap.add_argument("--baseline-n", type=int, default=1000,
                    help="articles for the baseline script (0: skip)")
    ap.add_argument("--db", default=None, help="database URL (default: a fresh SQLite file)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    # internal: one measured run in a child process
    ap.add_argument("--run", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.run == "baseline":
        print(json.dumps(run_baseline_script(args.corpus, args.baseline_n)))
        return 0
    if args.run:
        print(json.dumps(run_pipeline(args.run, args.corpus, args.db, args.cpus)))
        return 0

    from corpus import generate_corpus, write_corpus

    n = 100_000 if args.large else args.n
    with tempfile.TemporaryDirectory(prefix="manysides-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        t = time.perf_counter()
        write_corpus(generate_corpus(n, seed=args.seed), corpus)
        print(f"corpus: {n} articles in {time.perf_counter() - t:.1f}s -> {corpus}",
              file=sys.stderr)
        results = []
        for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
            db = args.db or f"sqlite:///{tmp}/{engine}.db"
            print(f"running the pipeline with the {engine} engine ...", file=sys.stderr)
            results.append(_child(["--run", engine, "--corpus", str(corpus), "--db", db,
                                   "--cpus", str(args.cpus)]) | {"engine": engine})
        if args.baseline_n:
            print(f"running the baseline script on {min(n, args.baseline_n)} articles ...",
                  file=sys.stderr)
            results.append(_child(["--run", "baseline", "--corpus", str(corpus),
                                   "--baseline-n", str(args.baseline_n)]) | {"engine": "baseline"})
    report(results, n, args.cpus)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
