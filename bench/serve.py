"""Benchmark: story-page latency of ``manysides serve`` with many stories in SQLite.

The stories are SYNTHESISED directly through ``Store.add_article`` / ``Store.save_story`` (not
by running the pipeline): each has 3 analysed articles (~20 sentences, entities, mentions,
quotes, dates) and a realistic comparison payload (12 claims, one contested, omissions, framing
in the compare stage's shape, a 6-sentence cited summary and a timeline).  The server runs with
uvicorn in a subprocess on 127.0.0.1; requests are sequential httpx GETs on random stories.

    .venv/bin/python bench/serve.py                     # 10,000 stories, 500 requests per page
    .venv/bin/python bench/serve.py --stories 1000 --requests 200

Prints p50/p95/p99/max latency per page kind, throughput, and peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from manysides.models import (
    Article,
    ArticleAnalysis,
    Claim,
    Conflict,
    ConflictSide,
    DateMention,
    Entity,
    Framing,
    Mention,
    Quote,
    RemovedLine,
    Sentence,
    Story,
    SummarySentence,
    Support,
    TimelineEvent,
    from_dict,
)
from manysides.store import Store

OUTLETS = ["Harbor Times", "Northern Ledger", "Daily Gazette", "Coastal Courier", "Metro Wire",
           "Valley Post", "The Observer Desk", "Capital Report"]
PEOPLE = ["Lena Ostrova", "Tomas Brandt", "Aiko Tanaka", "Rafael Moreno", "Grace Okafor",
          "Samuel Idris", "Hanna Lind", "Marco Bellini"]
PLACES = ["Kessel", "Avaria", "Borland", "Port Elm", "Northgate", "Lowmarsh"]
VERBS = ["met", "called", "visited", "criticised", "praised", "questioned"]
TOPICS = ["the budget", "a new trade agreement", "flood defences", "the port expansion",
          "military training", "a water treaty", "rail links", "school funding"]


def _sentence(rng: random.Random, i: int) -> str:
    who, other = rng.sample(PEOPLE, 2)
    place = rng.choice(PLACES)
    n = rng.randint(2, 400)
    return (f"{who} {rng.choice(VERBS)} {other} in {place} on Monday to discuss "
            f"{rng.choice(TOPICS)}, and officials said {n} people attended session {i}.")


def make_article(rng: random.Random, sid: int, k: int, outlet: str) -> Article:
    """One synthetic analysed article of story ``sid``."""
    sents_text = [_sentence(rng, i) for i in range(20)]
    quote_text = "\u201cWe will keep talking until it is settled,\u201d"
    sents_text[3] = f"{quote_text} {rng.choice(PEOPLE)} said after the meeting."
    text = " ".join(sents_text)
    sents, mentions, dates, pos = [], [], [], 0
    for i, s in enumerate(sents_text):
        sents.append(Sentence(i, pos, pos + len(s), s, paragraph=i // 3))
        for name in PEOPLE + PLACES:
            j = s.find(name)
            if j >= 0:
                key = name.lower().replace(" ", "-")
                mentions.append(Mention(key, name, pos + j, pos + j + len(name), i))
        j = s.find("on Monday")
        if j >= 0:
            dates.append(DateMention("on Monday", pos + j, pos + j + 9, "2024-03-11", i))
        pos += len(s) + 1
    entities = [Entity(n.lower().replace(" ", "-"), n, "PERSON" if n in PEOPLE else "GPE", [],
                       sum(m.text == n for m in mentions)) for n in PEOPLE + PLACES]
    qs = sents[3].start
    quotes = [Quote(quote_text, "direct", "Lena Ostrova", "person", "the minister", "said", None,
                    qs, qs + len(quote_text), 3)]
    return Article(
        id=f"b{sid:07d}{k:02d}", source=f"bench/{sid}/{k}.txt", text=text,
        title=f"Story {sid}: talks in {rng.choice(PLACES)} ({outlet})", outlet=outlet,
        published=f"2024-03-{1 + sid % 28:02d}T{8 + k:02d}:00:00+00:00", language="en",
        removed=[RemovedLine("Subscribe to our newsletter", "promo")],
        analysis=ArticleAnalysis(sentences=sents, entities=entities, mentions=mentions,
                                 quotes=quotes, dates=dates),
    )


def make_story(rng: random.Random, sid: int, articles: list[Article]) -> Story:
    """A story with a comparison payload shaped like the compare and report stages' output."""
    ids = [a.id for a in articles]
    outlets = [a.outlet or "" for a in articles]
    claims = []
    for c in range(12):
        n_support = 3 if c < 4 else 1
        chosen = rng.sample(range(len(articles)), n_support)
        support = [Support(ids[j], rng.randrange(20)) for j in chosen]
        claims.append(Claim(
            f"c{sid}-{c}", articles[chosen[0]].analysis.sentences[support[0].sentence].text,
            "corroborated" if n_support > 1 else "single_source", "fact",
            [outlets[j] for j in chosen], support))
    claims[4].status = "contested"
    claims[4].support.append(Support(ids[1], 5))
    claims[4].outlets.append(outlets[1])
    claims[4].conflict = Conflict("number", sides=[
        ConflictSide([outlets[0]], 40, [claims[4].support[0]]),
        ConflictSide([outlets[1]], 45, [Support(ids[1], 5)])])
    framing = from_dict(Framing, {
        "naming": [{"referent": p, "kind": "entity", "by_outlet": {
            o: [{"term": p, "count": 3}, {"term": p.split()[-1], "count": 2}] for o in outlets}}
            for p in PEOPLE[:3]],
        "loaded_terms": [{"article": ids[0], "term": "massive", "category": "intensifier",
                          "sentence": 2}],
        "loaded_term_rates": {"by_outlet": {o: {"words": 600, "hits": i + 1,
                                                "per_1000": round((i + 1) * 1.7, 2)}
                                            for i, o in enumerate(outlets)}},
        "sources_quoted": {o: {"total": 5, "by_category": {
            "official": {"count": 3, "share": 0.6}, "analyst": {"count": 2, "share": 0.4}}}
            for o in outlets},
        "tone": {p.lower(): {"name": p, "by_outlet": {o: {"mean": rng.uniform(-0.5, 0.5),
                                                           "n": 5} for o in outlets}}
                 for p in PEOPLE[:3]},
    })
    summary = [SummarySentence(cl.text, list(dict.fromkeys(s.article for s in cl.support)),
                               cl.status, list(cl.support)) for cl in claims[:6]]
    timeline = [TimelineEvent("2024-03-11", claims[0].text, ids, list(claims[0].support))]
    return Story(
        id=f"s{sid:07d}", title=f"Talks in {rng.choice(PLACES)} on {rng.choice(TOPICS)} #{sid}",
        articles=ids, outlets=list(dict.fromkeys(outlets)),
        first_published=articles[0].published, last_published=articles[-1].published,
        date_anchor=(articles[0].published or "")[:10], claims=claims,
        omissions={outlets[2]: [claims[0].id]}, framing=framing, summary=summary,
        timeline=timeline,
    )


def synthesise(store: Store, n_stories: int, seed: int = 7) -> float:
    """Fill ``store`` with ``n_stories`` synthetic stories; returns seconds taken."""
    rng = random.Random(seed)
    started = time.perf_counter()
    for sid in range(n_stories):
        outs = rng.sample(OUTLETS, 3)
        articles = [make_article(rng, sid, k, o) for k, o in enumerate(outs)]
        for a in articles:
            store.add_article(a)
        store.save_story(make_story(rng, sid, articles))
        if (sid + 1) % 1000 == 0:
            print(f"  synthesised {sid + 1} stories ({time.perf_counter() - started:.0f}s)",
                  flush=True)
    return time.perf_counter() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def measure(client: httpx.Client, paths: list[str]) -> list[float]:
    """Latency in milliseconds of a GET on each path (sequential); any non-200 is fatal."""
    out = []
    for path in paths:
        t = time.perf_counter()
        r = client.get(path)
        out.append((time.perf_counter() - t) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"GET {path}: HTTP {r.status_code}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stories", type=int, default=10_000, help="stories to synthesise")
    ap.add_argument("--requests", type=int, default=500, help="requests per page kind")
    ap.add_argument("--db", default=None, help="SQLite file (default: a temporary one); "
                                               "an existing file is reused as is")
    args = ap.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="manysides-bench-")
    db_path = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    url = f"sqlite:///{db_path}"
    reuse = db_path.exists()
    store = Store(url)
    if not reuse:
        print(f"synthesising {args.stories:,} stories x 3 articles directly through "
              "Store.save_story (not the pipeline) ...", flush=True)
        seconds = synthesise(store, args.stories)
        print(f"synthesised in {seconds:.1f}s ({args.stories / seconds:.0f} stories/s); "
              f"database {db_path.stat().st_size / 1e6:.0f} MB")
    story_ids = [s.id for s in store.list_stories()]
    store.close()
    print(f"{len(story_ids):,} stories in {url}")

    port = _free_port()
    code = ("import uvicorn, sys; from manysides.web.app import create_app; "
            "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), "
            "log_level='warning')")
    server = subprocess.Popen([sys.executable, "-c", code, url, str(port)],
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/api/stories?limit=1").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.1)
            rng = random.Random(11)
            sample = [rng.choice(story_ids) for _ in range(args.requests)]
            measure(client, [f"/stories/{sid}" for sid in sample[:20]])  # warm-up
            results = {}
            t0 = time.perf_counter()
            results["story page  /stories/{id}"] = measure(client,
                                                            [f"/stories/{s}" for s in sample])
            elapsed = time.perf_counter() - t0
            results["story JSON  /api/stories/{id}"] = measure(
                client, [f"/api/stories/{s}" for s in sample])
            pages = max(1, len(story_ids) // 50)
            results["story list  /?page=N"] = measure(
                client, [f"/?page={rng.randint(1, pages)}" for _ in range(min(100, args.requests))])
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\nlatency (ms), sequential requests on 127.0.0.1, {len(story_ids):,} stories:")
    print(f"{'page':34} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}")
    for name, values in results.items():
        print(f"{name:34} {len(values):5d} {statistics.median(values):7.1f} "
              f"{_percentile(values, 95):7.1f} {_percentile(values, 99):7.1f} {max(values):7.1f}")
    print(f"story pages: {args.requests / elapsed:.0f} requests/s (one client)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): benchmark {own:.0f} MB, server {child:.0f} MB")
    p95 = _percentile(results["story page  /stories/{id}"], 95)
    print(f"target p95 < 100 ms for the story page: {'met' if p95 < 100 else 'NOT met'} "
          f"({p95:.1f} ms)")


if __name__ == "__main__":
    main()
