"""Stories on every development set: B-cubed of manysides' stories beside the TF-IDF baseline.

Sets (``../shared/eval/<name>/dev.jsonl`` + ``dev_gold.json``, see its README): ``basil``
(gold story: the triplet), ``ecbplus`` (the sub-topic: two incidents of one kind of event are
two stories), ``newswcl50`` (the event) and ``allsides`` (the AllSides story).  ``load(name,
root, limit)`` gives a ``StorySet``: the JSONL rows in file order and the gold story of each.

The articles are ingested and analysed once into a SQLite store cached under ``/tmp`` (keyed
by the rows and the source of the stages before clustering, so it is rebuilt only when those
change), then each run copies it and assigns stories *incrementally*, as the product does: the
dated articles one publication day at a time in date order, then the undated ones in small
batches in input order, each batch through ``manysides.cluster.assign_stories``.  An article in
no story is a singleton; a near-duplicate is in its original's story.

    .venv/bin/python eval/stories.py                       # every set
    .venv/bin/python eval/stories.py --sets ecbplus --limit 6   # 6 topics of ECB+, quick
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from basil import tfidf_clusters
from metrics import bcubed

log = logging.getLogger("eval.stories")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SETS = ("basil", "ecbplus", "newswcl50", "allsides")
CACHE = Path(tempfile.gettempdir()) / "manysides-eval-stories"
UNDATED_BATCH = 16
# Source folders whose code decides what the store holds before clustering (the cache key),
# and the data files of clustering, which do not.
_ANALYSIS_CODE = ("ingest", "clean", "analyze")
_CLUSTER_DATA = ("cluster.toml", "story_model.toml",
                 "compare.toml", "alignment.toml", "report.toml")  # + later stages


@dataclass
class StorySet:
    """One development set: its JSONL rows (file order) and the gold story of each row."""

    name: str
    rows: list[dict[str, Any]]
    labels: list[str]
    baseline_texts: list[str]

    @property
    def n_stories(self) -> int:
        """Number of gold stories."""
        return len(set(self.labels))


def _read(root: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = [json.loads(line) for line in
            (root / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = json.loads((root / "dev_gold.json").read_text(encoding="utf-8"))["articles"]
    return rows, gold


def _subset(
    name: str, rows: list[dict[str, Any]], labels: list[str], groups: list[str],
    limit: int | None, text: Callable[[dict[str, Any]], str],
) -> StorySet:
    """Keep the rows of the first ``limit`` groups (sorted; all if None)."""
    keep = set(sorted(set(groups))[:limit]) if limit else set(groups)
    idx = [i for i, g in enumerate(groups) if g in keep]
    kept = [rows[i] for i in idx]
    return StorySet(name, kept, [labels[i] for i in idx], [text(r) for r in kept])


def _title_and_text(row: dict[str, Any]) -> str:
    return f"{row.get('title') or ''}\n{row['text']}"


def load_basil(root: Path, limit: int | None = None) -> StorySet:
    """BASIL triples: story = ``triplet`` (matched by URL); ``limit`` triplets."""
    rows, gold = _read(root)
    by_url = {a["url"]: a["triplet"] for a in gold}
    labels = [str(by_url[r["url"]]) for r in rows]
    return _subset("basil", rows, labels, labels, limit, lambda r: r["text"])


def load_ecbplus(root: Path, limit: int | None = None) -> StorySet:
    """ECB+: story = ``subtopic``; ``limit`` topics (each with both its sub-topics)."""
    rows, gold = _read(root)
    by_line = {a["line"]: a for a in gold}
    arts = [by_line[i + 1] for i in range(len(rows))]  # 1-based lines
    return _subset("ecbplus", rows, [str(a["subtopic"]) for a in arts],
                   [str(a["topic"]) for a in arts], limit, _title_and_text)


def load_newswcl50(root: Path, limit: int | None = None) -> StorySet:
    """NewsWCL50: story = ``event``; ``limit`` events."""
    rows, gold = _read(root)
    by_line = {a["line"]: str(a["event"]) for a in gold}
    labels = [by_line[i + 1] for i in range(len(rows))]  # 1-based lines
    return _subset("newswcl50", rows, labels, labels, limit, _title_and_text)


def load_allsides(root: Path, limit: int | None = None) -> StorySet:
    """AllSides: story = the AllSides ``story`` id; ``limit`` stories."""
    rows, gold = _read(root)
    by_line = {a["line"]: str(a["story"]) for a in gold}
    labels = [by_line[i + 1] for i in range(len(rows))]  # 1-based lines
    return _subset("allsides", rows, labels, labels, limit, lambda r: r["text"])


LOADERS: dict[str, Callable[[Path, int | None], StorySet]] = {
    "basil": load_basil, "ecbplus": load_ecbplus, "newswcl50": load_newswcl50,
    "allsides": load_allsides,
}


def load(name: str, shared_eval: Path, limit: int | None = None) -> StorySet:
    """The set ``name`` from ``shared_eval/<name>/``."""
    return LOADERS[name](shared_eval / name, limit)


# --- the analysed store (cached) ------------------------------------------------------------


def _cache_key(story_set: StorySet) -> str:
    digest = hashlib.sha256()
    for row in story_set.rows:
        digest.update(json.dumps(row, sort_keys=True).encode())
    src = REPO / "src" / "manysides"
    for folder in _ANALYSIS_CODE:
        for path in sorted((src / folder).rglob("*.py")):
            digest.update(path.read_bytes())
    for path in sorted((src / "data").glob("*.toml")):
        if path.name not in _CLUSTER_DATA:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def analysed_db(story_set: StorySet, cache: Path = CACHE) -> Path:
    """A SQLite file with ``story_set`` ingested and analysed, no stories (built once)."""
    from manysides.analyze import analyze_pending
    from manysides.ingest import ingest
    from manysides.settings import Settings
    from manysides.store import Store

    path = cache / f"{story_set.name}-{len(story_set.rows)}-{_cache_key(story_set)}.db"
    if path.exists():
        return path
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="manysides-eval-") as tmp:
        jsonl = Path(tmp) / "input.jsonl"
        jsonl.write_text("".join(json.dumps(r) + "\n" for r in story_set.rows), encoding="utf-8")
        db = Path(tmp) / "analysed.db"
        store = Store(f"sqlite:///{db}")
        try:
            settings = Settings()
            ingest([str(jsonl)], store, settings=settings)
            analyze_pending(store, settings=settings)
        finally:
            store.close()
        shutil.move(str(db), path)
    log.info("%s: ingested and analysed %d rows in %.0f s -> %s", story_set.name,
             len(story_set.rows), time.perf_counter() - started, path)
    return path


@contextmanager
def fresh_copy(db: Path) -> Iterator[Any]:
    """A Store on a temporary copy of ``db`` (closed and removed afterwards)."""
    from manysides.store import Store

    with tempfile.TemporaryDirectory(prefix="manysides-eval-") as tmp:
        copy = Path(tmp) / "eval.db"
        shutil.copy(db, copy)
        store = Store(f"sqlite:///{copy}")
        try:
            yield store
        finally:
            store.close()


def row_articles(store: Any) -> dict[int, Any]:
    """Row index (0-based JSONL line) -> the stored article (light) it became."""
    out = {}
    for art in store.iter_articles():
        line = art.source.rsplit(":", 1)[-1]
        if line.isdigit():
            out[int(line) - 1] = art
    return out


def arrival_batches(articles: list[Any]) -> list[list[str]]:
    """Article ids in the batches a live system would receive them: one batch per publication
    day (oldest first), then the undated ones ``UNDATED_BATCH`` at a time in input order."""
    from manysides.cluster.features import published_day

    by_day: dict[int, list[str]] = {}
    undated: list[str] = []
    for art in articles:
        day = published_day(art.published)
        if day is None:
            undated.append(art.id)
        else:
            by_day.setdefault(day, []).append(art.id)
    batches = [by_day[d] for d in sorted(by_day)]
    batches += [undated[i : i + UNDATED_BATCH] for i in range(0, len(undated), UNDATED_BATCH)]
    return batches


def assign_incrementally(store: Any, only: set[str] | None = None) -> dict[str, str]:
    """Assign stories batch by batch (``arrival_batches``) -> article id -> story id.
    With ``only``, just those articles are assigned (the others stay out of every story).

    Articles are taken in input (JSONL row) order: the store lists them by ingest time, and
    ingest stores a batch in chunks whose boundaries vary from run to run, so that order
    would make the undated articles' batches, and the scores, differ between runs."""
    from manysides.cluster import assign_stories

    row_of = {a.id: row for row, a in row_articles(store).items()}
    arts = sorted((a for a in store.iter_articles() if a.duplicate_of is None
                   and (only is None or a.id in only)),
                  key=lambda a: (row_of.get(a.id, len(row_of)), a.id))
    for batch in arrival_batches(arts):
        assign_stories(store, batch)
    return {a.id: a.story_id for a in store.iter_articles() if a.story_id}


def predicted(story_set: StorySet, store: Any, story_of: dict[str, str]) -> dict[int, str]:
    """Row index -> predicted story (duplicates take their original's; none: a singleton)."""
    pred = {}
    for row, art in row_articles(store).items():
        story = story_of.get(art.duplicate_of or art.id)
        pred[row] = story if story else f"single:{row}"
    return pred


@dataclass
class SetResult:
    """Scores of one set: ours, the TF-IDF baseline, and what went wrong (notes)."""

    story_set: StorySet
    ours: dict[str, float]
    baseline: dict[str, float]
    notes: list[str]
    seconds: float


def predict(
    story_set: StorySet, cache: Path = CACHE, rows: set[int] | None = None
) -> dict[int, str]:
    """Row index -> predicted story of ``story_set`` assigned incrementally; with ``rows``,
    only those rows are assigned (the others are left out)."""
    keep = set(rows) if rows is not None else set(range(len(story_set.rows)))
    db = analysed_db(story_set, cache)
    with fresh_copy(db) as store:
        by_row = row_articles(store)
        only = None if rows is None else {
            by_row[i].duplicate_of or by_row[i].id for i in keep if i in by_row}
        pred = predicted(story_set, store, assign_incrementally(store, only))
    return {i: p for i, p in pred.items() if i in keep}


def evaluate(
    story_set: StorySet, cache: Path = CACHE, rows: set[int] | None = None
) -> SetResult:
    """Stories of ``story_set`` assigned incrementally, scored beside the TF-IDF baseline;
    with ``rows``, only those rows (a held-out part) are assigned and scored."""
    keep = sorted(rows) if rows is not None else list(range(len(story_set.rows)))
    truth = {i: story_set.labels[i] for i in keep}
    labels = tfidf_clusters([story_set.baseline_texts[i] for i in keep])
    baseline = bcubed(truth, dict(zip(keep, labels, strict=True)))
    started = time.perf_counter()
    pred = predict(story_set, cache, rows)
    seconds = time.perf_counter() - started
    ours = bcubed(truth, pred)
    return SetResult(story_set, ours, baseline, misses(story_set, pred, keep), seconds)


def misses(story_set: StorySet, pred: dict[int, str], rows: list[int]) -> list[str]:
    """Counts of gold stories split over several of ours and of our stories mixing gold ones."""
    ours_of: dict[str, set[str]] = {}
    gold_of: dict[str, set[str]] = {}
    for row in rows:
        label = story_set.labels[row]
        story = pred.get(row, f"single:{row}")
        ours_of.setdefault(label, set()).add(story)
        gold_of.setdefault(story, set()).add(label)
    split = sum(1 for s in ours_of.values() if len(s) > 1)
    mixed = [len(g) for g in gold_of.values() if len(g) > 1]
    stored = len(pred)
    return [f"{story_set.name}: {stored}/{len(rows)} rows stored; "
            f"{split}/{len(ours_of)} gold stories split; {len(mixed)} of our stories mix gold "
            f"stories (largest mixes {max(mixed, default=0)})"]


def main(argv: list[str] | None = None) -> int:
    """Print the scores of each set (ours and baseline)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--limit", type=int, default=None,
                        help="Only the first N gold stories (ECB+: topics) of each set.")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for quiet in ("alembic", "manysides"):
        logging.getLogger(quiet).setLevel(logging.WARNING)
    for name in args.sets.split(","):
        res = evaluate(load(name, args.shared / "eval", args.limit))
        o, b = res.ours, res.baseline
        print(f"{name:10s} n={len(res.story_set.rows):4d} stories={res.story_set.n_stories:3d}  "
              f"ours P {o['precision']:.3f} R {o['recall']:.3f} F1 {o['f1']:.3f}  |  "
              f"tfidf P {b['precision']:.3f} R {b['recall']:.3f} F1 {b['f1']:.3f}  "
              f"({res.seconds:.1f} s)")
        for note in res.notes:
            print("   ", note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
