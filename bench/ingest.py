"""Benchmark: ingest N generated text articles (.txt files) into a SQLite file, on one core.

Prints articles/second for the whole run and for its two steps (read+clean, store with
near-duplicate lookup), by wall clock and by this process's CPU time (the figure to trust on a
busy machine), and peak memory (ru_maxrss).

    python bench/ingest.py                       # 10,000 articles, database in the temp dir
    python bench/ingest.py --db-dir /dev/shm     # database on tmpfs: no disk in the figures
    python bench/ingest.py 2000 --profile        # smaller run, top functions by time
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate_corpus  # noqa: E402  (bench/corpus.py, a sibling script)

from manysides.ingest import read_inputs, store_articles  # noqa: E402
from manysides.settings import Settings  # noqa: E402
from manysides.store import Store  # noqa: E402


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> int:
    """Generate, write, ingest; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=10_000, help="articles to ingest")
    parser.add_argument("--seed", type=int, default=0, help="corpus generator seed")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument("--db-dir", default=None,
                        help="folder for the SQLite file (default: the temporary folder)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    corpus = generate_corpus(args.n, seed=args.seed)
    with tempfile.TemporaryDirectory(prefix="manysides-bench-") as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        for i, art in enumerate(corpus):
            (folder / f"{i:06d}.txt").write_text(art["text"], encoding="utf-8")
        del corpus
        print(f"generated and wrote {args.n} .txt files in {time.perf_counter() - t0:.1f} s; "
              f"peak memory so far {_peak_mb():.0f} MB")

        db_dir = Path(args.db_dir) if args.db_dir else Path(tmp)
        db_file = db_dir / f"manysides-bench-{time.time_ns()}.db"
        store = Store(f"sqlite:///{db_file}")
        settings = Settings()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        t_read = cpu_read = 0.0
        t_start, cpu_start = time.perf_counter(), time.process_time()

        def timed_reads():  # read+clean time, measured apart from the store step
            nonlocal t_read, cpu_read
            it = read_inputs([str(folder)], settings=settings)
            while True:
                t, c = time.perf_counter(), time.process_time()
                try:
                    item = next(it)
                except StopIteration:
                    return
                finally:
                    t_read += time.perf_counter() - t
                    cpu_read += time.process_time() - c
                yield item

        report = store_articles(timed_reads(), store)
        elapsed = time.perf_counter() - t_start
        cpu = time.process_time() - cpu_start
        if profiler:
            profiler.disable()
        store.close()
        t_store, cpu_store = elapsed - t_read, cpu - cpu_read
        total = len(report.new) + len(report.existing) + len(report.duplicates)
        print(f"ingested {total} articles in {elapsed:.1f} s: {total / elapsed:.0f} articles/s "
              f"wall clock, {total / cpu:.0f} articles/s of CPU time ({cpu:.1f} s) "
              f"(new {len(report.new)}, near-duplicates {len(report.duplicates)}, "
              f"already stored {len(report.existing)}, failed {len(report.failed)})")
        print(f"  read+clean  {t_read:.1f} s wall ({total / t_read:.0f}/s), "
              f"{cpu_read:.1f} s CPU ({total / cpu_read:.0f}/s)")
        print(f"  store+dedup {t_store:.1f} s wall ({total / t_store:.0f}/s), "
              f"{cpu_store:.1f} s CPU ({total / cpu_store:.0f}/s)")
        print(f"  database {db_file} {db_file.stat().st_size / 1e6:.1f} MB; "
              f"peak memory {_peak_mb():.0f} MB (ru_maxrss); load average "
              f"{os.getloadavg()[0]:.1f}")
        for path in db_dir.glob(db_file.name + "*"):
            path.unlink()
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
