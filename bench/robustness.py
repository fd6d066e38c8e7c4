"""Benchmark: hostile inputs through ingest + analyze (+ stories), with time, peak memory and the
failures by reason.

Two runs, each on a fresh SQLite store in the temp folder:

1. one 2 MB text file with no line break (targets: under 60 s, under 2 GiB);
2. N articles (default 1,000) of which 10% are hostile: binary, empty, mis-encoded, over-size,
   furniture-only and markup-looking files, malformed JSONL, a corrupt gzip, an over-long
   line, and web inputs served on 127.0.0.1 by this script (a redirect loop, a redirect to
   ``file://``, a slow-drip server, a feed linking local files, a 404).  Checks that every good
   article is stored and every bad input is named among the failures.

    python bench/robustness.py              # both runs, 1,000 articles
    python bench/robustness.py --n 200      # smaller second run
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from corpus import generate_corpus  # noqa: E402  (bench/corpus.py, a sibling script)
from memory import TreeSampler  # noqa: E402

from hostile_server import (  # noqa: E402  (tests/)
    HostileServer,
    Route,
    article_text,
    one_line,
    rss,
)
from manysides import pipeline  # noqa: E402
from manysides.ingest import read_inputs  # noqa: E402
from manysides.models import Article, Failure  # noqa: E402
from manysides.settings import Settings  # noqa: E402
from manysides.store import Store  # noqa: E402

GIB = 2**30




def reason_kind(reason: str) -> str:
    """A failure reason without its numbers, paths and URLs, to count failures by kind."""
    kind = re.sub(r"(https?|file)://\S+|/\S+", "<where>", reason)
    kind = re.sub(r"\d+(\.\d+)?", "N", kind)
    return kind[:90]


def run(inputs: list[str], db: str, settings: Settings) -> tuple[float, int, list[Failure]]:
    """Ingest + analyze + stories; (seconds, peak bytes of the process tree, failures)."""
    store = Store(db)
    sampler = TreeSampler()
    sampler.start()
    start = time.perf_counter()
    pipeline.run(inputs, store, settings=settings)
    seconds = time.perf_counter() - start
    peak = sampler.stop()
    failures = store.failures()
    store.close()
    return seconds, peak, failures


def print_failures(failures: list[Failure]) -> None:
    for kind, count in Counter(reason_kind(f.reason) for f in failures).most_common():
        print(f"    {count:5d}  {kind}")


def long_line_run(tmp: Path) -> bool:
    """The 2 MB line (refused for analysis: over ``max_analysis_chars``), then a 250 KB one
    (under it: analysed, its sentences and paragraphs cut to their bounds)."""
    ok = True
    for label, chars in (("2 MB", 2_000_000), ("250 KB", 250_000)):
        path = tmp / f"one-line-{chars}.txt"
        path.write_text(one_line(chars), encoding="utf-8")
        seconds, peak, failures = run([str(path)], f"sqlite:///{tmp / f'long{chars}.db'}",
                                      Settings())
        met = seconds < 60 and peak < 2 * GIB
        ok &= met
        print(f"{label} one-line file: {seconds:.1f} s, peak {peak / GIB:.2f} GiB "
              f"(targets < 60 s, < 2 GiB: {'met' if met else 'NOT met'}); "
              f"failures: {len(failures)}")
        print_failures(failures)
    return ok


def hostile_files(folder: Path, count: int) -> list[Path]:
    """``count`` bad local inputs, of every kind in turn."""
    makers = [
        ("binary.txt", lambda n: b"\x00\x01\x02PK" * 200 + bytes([n % 256])),
        ("empty.txt", lambda n: b""),
        ("blank.txt", lambda n: b" \n\t\n" * (n + 1)),
        ("latin.txt", lambda n: bytes(range(128, 256)) * 40 + bytes([n % 128])),
        ("huge.txt", lambda n: b"word " * (2 * 2**20 // 5 + n)),  # over --max-bytes below
        ("furniture.html", lambda n: (b"<html><body><nav>Home | World | Sport</nav>"
                                      b"<footer>Cookies</footer></body></html>")),
        ("bad.jsonl", lambda n: b'{"text": 3}\n[1, 2]\n{"title": ["a"], "text": ""}\nnot json\n'),
        ("broken.txt.gz", lambda n: b"\x1f\x8b\x08\x00garbage" + bytes([n % 256])),
        ("longline.txt", lambda n: one_line(400_000, seed=n).encode()),  # over analysis limit
    ]
    paths = []
    for i in range(count):
        name, make = makers[i % len(makers)]
        p = folder / f"bad-{i:04d}-{name}"
        p.write_bytes(make(i))
        paths.append(p)
    return paths


def batch_run(tmp: Path, n: int) -> bool:
    bad_count = n // 10
    web_bad = 5
    good = generate_corpus(n - bad_count, seed=7)
    folder = tmp / "inputs"
    folder.mkdir()
    good_paths = []
    for i, art in enumerate(good):
        title = art["title"] if i % 50 else f"{art['title']} [/b] [red]x[/red]"  # markup-looking
        p = folder / f"good-{i:04d}.txt"
        p.write_text(f"{title}\n\n{art['text']}", encoding="utf-8")
        good_paths.append(p)
    bad_paths = hostile_files(folder, bad_count - web_bad)
    secret = tmp / "secret.txt"
    secret.write_text("Secret ledger\n\nEvery payment the board made, never published.\n")
    with HostileServer() as server:
        server.routes["/loop"] = Route(b"", 302, {"Location": "/loop2"})
        server.routes["/loop2"] = Route(b"", 302, {"Location": "/loop"})
        server.routes["/to-file"] = Route(b"", 302, {"Location": secret.as_uri()})
        server.routes["/drip"] = Route(article_text(1), drip_s=0.5)
        server.routes["/feed.xml"] = Route(rss([("secret", secret.as_uri())]),
                                           headers={"Content-Type": "application/rss+xml"})
        web = [server.url(p) for p in ("/loop", "/to-file", "/drip", "/feed.xml", "/gone")]
        settings = Settings(max_file_bytes=2**20, http_retries=1, http_deadline_s=5.0,
                            host_delay_s=0.0)
        inputs = [str(p) for p in good_paths + bad_paths] + web
        seconds, peak, failures = run(inputs, f"sqlite:///{tmp / 'batch.db'}", settings)
    store = Store(f"sqlite:///{tmp / 'batch.db'}")
    stored_sources = {a.source for a in store.iter_articles()}
    # a good file whose text another file already had (syndication) is stored under that one
    missing_good = [str(p) for p in good_paths if str(p) not in stored_sources and not any(
        isinstance(a, Article) and store.has_article(a.id)
        for a in read_inputs([str(p)], settings=settings))]
    store.close()
    named = {f.input.split(":")[0] if f.input.startswith("/") else f.input for f in failures}
    unnamed_bad = [b for b in [str(p) for p in bad_paths] + web[:3] + web[4:] if b not in named]
    if not any("refused in a fetched feed" in f.reason for f in failures):
        unnamed_bad.append(web[3] + " (its item linking a local file)")
    secret_read = any(s == str(secret) for s in stored_sources)
    ok = not missing_good and not unnamed_bad and not secret_read
    print(f"{n} articles, {bad_count} hostile: {seconds:.1f} s ({n / seconds:.1f} inputs/s), "
          f"peak {peak / GIB:.2f} GiB; good stored {len(good_paths) - len(missing_good)}/"
          f"{len(good_paths)}, bad named {bad_count - len(unnamed_bad)}/{bad_count}, local "
          f"file read through the web: {'YES' if secret_read else 'no'}; failures:")
    print_failures(failures)
    for what, items in (("good article not stored", missing_good),
                        ("bad input not named", unnamed_bad)):
        for item in items[:10]:
            print(f"  {what}: {item}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles in the mixed run")
    parser.add_argument("--skip-long", action="store_true", help="skip the 2 MB line run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="manysides-robust-") as tmp:
        ok = True
        if not args.skip_long:
            (Path(tmp) / "long").mkdir()
            ok &= long_line_run(Path(tmp) / "long")
        (Path(tmp) / "batch").mkdir()
        ok &= batch_run(Path(tmp) / "batch", args.n)
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
