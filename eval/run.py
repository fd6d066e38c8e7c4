"""``make eval``: manysides on real gold data, next to simple baselines run on the same data.

Reads ../shared/eval/ (article-extraction benchmark pages, BASIL triples, PolNeAR attributions,
NewsWCL50 naming chains) and ../shared/seeds/,
runs the real library (ingest's HTML path and ``extract_html`` alone for the pages;
``manysides.pipeline.run`` into a fresh store for BASIL and the seeds; stories assigned
incrementally on BASIL, ECB+, NewsWCL50 and AllSides, see ``stories.py``), prints one table and
writes it to eval/RESULTS.md with the date and the git commit.  Exits 1 when a goal is missed
(a stage that is not available misses its goal).

    .venv/bin/python eval/run.py                    # everything, writes eval/RESULTS.md
    .venv/bin/python eval/run.py --limit 5          # 5 pages and 5 triples, quick, no file
    .venv/bin/python eval/run.py --only seeds --json-dir /tmp/ms   # keep the analysis JSON
    .venv/bin/python eval/run.py --only polnear --polnear-split train --limit 150  # develop
    .venv/bin/python eval/run.py --only ecbplus_alignment --limit 3   # 3 ECB+ topics
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import alignment
import basil
import extraction
import naming
import polnear
import seeds
import stories as story_sets
from metrics import page_scores

log = logging.getLogger("eval")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"
SECTIONS = ("html", "basil", "stories", "seeds", "polnear", "naming", "ecbplus_alignment")

STORY_F1_GOAL = 0.90
# Stories on every development set (``stories``): F1 at least this, above the TF-IDF baseline,
# and precision at least STORY_PRECISION_GOAL.
STORIES_F1_GOAL = 0.95
STORY_PRECISION_GOAL = 0.97
QUOTE_GOAL = 0.85
BASIL_LABEL_GOAL = 0.85
POLNEAR_GOAL = 0.90
NAMING_ACTOR_GOAL = 0.60
NAMING_MEAN_GOAL = 0.30
NAMING_PRECISION_GOAL = 0.90
ALIGNMENT_MARGIN = 0.15  # F1 of the claim groups' alignment above the TF-IDF baseline


@dataclass
class Row:
    """One line of the results table; ``ok`` is None where the line carries no goal."""

    what: str
    metric: str
    ours: str
    baseline: str = ""
    ok: bool | None = None


@dataclass
class Report:
    """Rows of the table and notes (misses, counts) printed under it."""

    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def unavailable(self, what: str, metric: str, reason: str) -> None:
        """A row whose stage could not run: shown as such and counted as a missed goal."""
        self.rows.append(Row(what, metric, f"not available: {reason}", "", False))

    @property
    def missed(self) -> list[Row]:
        """Rows whose goal was missed."""
        return [r for r in self.rows if r.ok is False]


def _f(x: float) -> str:
    return f"{x:.3f}"


class StageMissing(RuntimeError):
    """A pipeline run that stored nothing to measure; the message says which stage and why."""


def _reason(exc: BaseException) -> str:
    """A short one-line reason for a table cell: no file paths, no pipes."""
    text = str(exc) if isinstance(exc, StageMissing) else f"{type(exc).__name__}: {exc}"
    text = re.sub(r"\s*\((/[^)]*)\)", "", text).replace("|", "/").replace("\n", " ")
    return text[:140]


# --- HTML cleaning --------------------------------------------------------------------------


def eval_html(report: Report, root: Path, limit: int | None) -> None:
    """Shingle F1/precision/recall of ingest's HTML path and of extract_html vs trafilatura."""
    pages = extraction.load_pages(root, limit)
    base = extraction.score(pages, extraction.baseline)
    alone = extraction.score(pages, extraction.ours)
    what = f"HTML cleaning ({len(pages)} pages)"
    try:
        ours = extraction.score(pages, extraction.ingested, raise_errors=True)
    except Exception as exc:
        report.unavailable(what + ", as ingested", "F1 (goal: > baseline)", _reason(exc))
        ours = None
    if ours is not None:
        beat = ours.scores["f1"] > base.scores["f1"]
        report.rows.append(Row(what + ", as ingested", "F1, 4-gram shingles (goal: > baseline)",
                               _f(ours.scores["f1"]), _f(base.scores["f1"]), beat))
        for metric in ("precision", "recall"):
            report.rows.append(Row(what + ", as ingested", metric, _f(ours.scores[metric]),
                                   _f(base.scores[metric])))
    for metric in ("F1", "precision", "recall"):
        report.rows.append(Row(what + ", extract_html alone", metric,
                               _f(alone.scores[metric.lower()]), _f(base.scores[metric.lower()])))
    if ours is not None:
        by_type = extraction.scores_by_type(pages, ours)
        base_by_type = extraction.scores_by_type(pages, base)
        for kind, sc in by_type.items():
            b = base_by_type[kind]
            report.rows.append(Row(f"HTML cleaning, as ingested: {kind} pages ({sc['n']})",
                                   "precision / recall / F1", f"{_f(sc['precision'])} / "
                                   f"{_f(sc['recall'])} / {_f(sc['f1'])}",
                                   f"{_f(b['precision'])} / {_f(b['recall'])} / {_f(b['f1'])}"))
    for name, result in (("as ingested", ours), ("extract_html", alone)):
        if result is not None and result.failures:
            report.notes.append(f"HTML pages that raised ({name}): {result.failures}")
    if ours is None:
        ours = alone
    for metric in ("precision", "recall"):
        worst = extraction.worst_pages(ours, metric, 3)
        shown = ", ".join(f"{k[:10]} {v:.2f}" for k, v in worst)
        report.notes.append(f"HTML lowest {metric} pages: {shown}")
    worse = [
        k for k, c in ours.counts.items()
        if page_scores(c)["f1"] < page_scores(base.counts[k])["f1"] - 0.02
    ]
    report.notes.append(
        f"HTML pages where manysides is >0.02 F1 below the baseline: {[k[:10] for k in worse]}"
    )
    if ours is not alone:
        lost = extraction.removed_in_gold(pages)
        report.notes.append(
            "HTML as ingested: lines the cleaners removed that the gold body has, by reason: "
            f"{dict(lost.most_common())}"
        )


# --- the pipeline on a set of inputs ----------------------------------------------------------


def run_pipeline(
    inputs: list[str], workdir: Path, notes: list[str], *, name: str, json_dir: Path | None
) -> dict[str, Any]:
    """Run manysides on ``inputs`` into a fresh SQLite store -> the ``analyze --json`` document.

    ``manysides.pipeline.run`` is tried first; where it fails (a stage not written yet), the
    stages run one by one so that the rows of the stages that work are still measured.
    Entities carry their ``key`` (the JSON contract leaves it out) for the seed checks.
    With ``json_dir`` the document is also written there as ``<name>.json``.
    """
    from manysides.settings import Settings
    from manysides.store import Store

    settings = Settings()
    store = Store(f"sqlite:///{workdir / 'eval.db'}")
    try:
        doc = _pipeline_document(inputs, store, settings, notes)
    finally:
        store.close()
    if json_dir is not None:
        json_dir.mkdir(parents=True, exist_ok=True)
        (json_dir / f"{name}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return doc


def run_pipeline_on_rows(
    rows: list[dict[str, Any]], notes: list[str], *, name: str, json_dir: Path | None
) -> dict[str, Any]:
    """Run manysides on JSONL ``rows`` (written to a temporary ``<name>.jsonl``) -> its document."""
    with tempfile.TemporaryDirectory(prefix="manysides-eval-") as tmp:
        path = Path(tmp) / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return run_pipeline([str(path)], Path(tmp), notes, name=name, json_dir=json_dir)


def _pipeline_document(
    inputs: list[str], store: Any, settings: Any, notes: list[str]
) -> dict[str, Any]:
    """The pipeline over ``inputs`` into ``store`` -> its analysis JSON (entities keyed)."""
    from manysides.pipeline import analysis_json

    started = time.perf_counter()
    ids: list[str] | None = None
    failed: list[Any] = []
    try:
        from manysides.pipeline import run

        result = run(inputs, store, settings=settings)
        ids, failed = result.article_ids, result.failed
    except Exception as exc:
        log.warning("pipeline.run failed (%s); running the stages one by one", _reason(exc))
        notes.append(f"pipeline.run failed ({_reason(exc)}); stages run one by one")
        ids, failed = _run_stages(inputs, store, settings, notes)
    notes.append(f"pipeline on {len(inputs)} input(s): {time.perf_counter() - started:.1f} s")
    for failure in failed:
        notes.append(f"input failed: {failure.input}: {failure.reason}")
    doc = analysis_json(store, article_ids=ids, failed=failed)
    if not doc["articles"]:
        reasons = "; ".join(f"{f.input}: {f.reason}" for f in failed[:3])
        raise StageMissing(f"no article was stored ({reasons or 'no failure recorded'})")
    keys = {}
    for article in store.iter_articles(ids=ids, with_analysis=True):
        keys[article.id] = [e.key for e in (article.analysis.entities if article.analysis else [])]
    for article in doc["articles"]:
        for entity, key in zip(article["entities"], keys.get(article["id"], []), strict=False):
            entity["key"] = key
    return doc


def _run_stages(inputs: list[str], store: Any, settings: Any, notes: list[str]) -> Any:
    """ingest, analyze, cluster, compare one after the other (the fallback of ``run``).

    Each stage that fails is noted as "<stage> failed: <reason>" and the next one still runs
    on what is in the store, so a broken stage costs only its own rows.
    """
    try:
        from manysides.ingest import ingest

        rep = ingest(list(inputs), store, settings=settings)
    except Exception as exc:
        raise StageMissing(f"ingest: {_reason(exc)}") from exc
    ids = list(dict.fromkeys(rep.new + rep.existing + [d for d, _ in rep.duplicates]))
    try:
        from manysides.analyze import analyze_pending

        analyze_pending(store, settings=settings)
    except Exception as exc:
        notes.append(f"analyze failed: {_reason(exc)}")
    story_ids: list[str] = []
    try:
        from manysides.cluster import assign_stories

        loose = [a.id for a in store.iter_articles(ids=ids, with_analysis=True)
                 if a.analysis is not None and not a.story_id]
        story_ids = assign_stories(store, loose, settings=settings) if loose else []
    except Exception as exc:
        notes.append(f"cluster failed: {_reason(exc)}")
    try:
        from manysides.pipeline import refresh_stories

        refresh_stories(store, story_ids, settings=settings)
    except Exception as exc:
        notes.append(f"compare/summary failed: {_reason(exc)}")
    return ids, list(rep.failed)


# --- BASIL --------------------------------------------------------------------------------------


def eval_basil(
    report: Report, root: Path, limit: int | None, json_dir: Path | None = None
) -> None:
    """Stories (B-cubed), loaded wording (lex spans) and quotes (spans, speakers) on BASIL."""
    gold = basil.load(root, limit)
    n_triples = len({a["triplet"] for a in gold.articles.values()})
    what_s = f"Stories (BASIL, {len(gold.articles)} articles, {n_triples} events)"
    what_l = "Loaded wording (BASIL lex spans outside quotes)"
    what_q = "Quotes (BASIL quote spans)"
    single, tfidf = basil.one_per_article(gold), basil.tfidf_baseline(gold)
    try:
        doc = run_pipeline_on_rows(gold.rows, report.notes, name="basil", json_dir=json_dir)
    except Exception as exc:
        reason = _reason(exc)
        report.unavailable(what_s, "B-cubed F1", reason)
        report.unavailable(what_l, "recall", reason)
        report.unavailable(what_q, "share found", reason)
        return
    matched = basil.match_articles(gold, doc["articles"])
    report.notes.append(f"BASIL: {len(matched)}/{len(gold.articles)} articles stored and matched")

    # Stories
    if not any(a.get("story_id") for a in matched.values()):
        failures = [n for n in report.notes if "failed" in n and "cluster" in n]
        report.unavailable(what_s, "B-cubed F1", "no article was assigned a story"
                           + (f" ({failures[-1]})" if failures else ""))
    else:
        ours = basil.story_scores(gold, matched)
        report.rows.append(
            Row(what_s, f"B-cubed F1 (goal >= {STORY_F1_GOAL}; baseline: TF-IDF / one per article)",
                _f(ours["f1"]), f"{_f(tfidf['f1'])} / {_f(single['f1'])}",
                ours["f1"] >= STORY_F1_GOAL)
        )
        for metric in ("precision", "recall"):
            report.rows.append(Row(what_s, f"B-cubed {metric}", _f(ours[metric]),
                                   f"{_f(tfidf[metric])} / {_f(single[metric])}"))
        report.notes.extend(_story_misses(gold, matched))

    # Loaded wording
    try:
        loaded_terms = _loaded_terms()
    except Exception as exc:
        report.unavailable(what_l, "recall", f"loaded_terms: {_reason(exc)}")
    else:
        lex = basil.loaded_scores(gold, matched, loaded_terms)
        report.rows.append(Row(what_l, f"recall ({lex.counts['spans']} spans)",
                               _f(lex.scores["recall"]), ""))
        report.rows.append(Row(what_l, "precision vs all lex spans (BASIL labels few words)",
                               _f(lex.scores["precision"]), ""))
        report.rows.append(Row(what_l, "detector hits per 1,000 words",
                               f"{lex.scores['per_1000_words']:.1f}", ""))
        report.notes.append(f"Loaded wording counts: {lex.counts}")
        report.notes.append(f"Loaded wording missed spans (examples): {lex.misses}")

    # Quotes
    if not any(a.get("quotes") for a in matched.values()):
        report.unavailable(what_q, "share found", "no quotes in the analyses (analyze stage)")
    else:
        q = basil.quote_scores(gold, matched)
        report.rows.append(Row(what_q, f"share found as quotes ({q.counts['spans']} spans; "
                               f"goal >= {QUOTE_GOAL})", _f(q.scores["found"]), "",
                               q.scores["found"] >= QUOTE_GOAL))
        report.rows.append(Row(what_q, f"speaker accuracy, named persons ({q.counts['persons']};"
                               f" goal >= {QUOTE_GOAL})", _f(q.scores["speaker"]), "",
                               q.scores["speaker"] >= QUOTE_GOAL))
        report.rows.append(Row(what_q, f"speaker accuracy, all named labels incl. groups "
                               f"({q.counts['labels']}; name or descriptor; goal >= "
                               f"{BASIL_LABEL_GOAL})", _f(q.scores["speaker_any"]), "",
                               q.scores["speaker_any"] >= BASIL_LABEL_GOAL))
        report.rows.append(Row(what_q, f"speaker accuracy, all named labels incl. groups "
                               f"({q.counts['labels']}; name, descriptor or the speaker's "
                               f"affiliation read from the text; goal >= {BASIL_LABEL_GOAL})",
                               _f(q.scores["speaker_affiliation"]), "",
                               q.scores["speaker_affiliation"] >= BASIL_LABEL_GOAL))
        report.notes.append(f"Quote counts: {q.counts}")
        report.notes.append(f"Quote misses (examples): {q.misses}")


def _loaded_terms() -> Any:
    try:
        from manysides.compare import loaded_terms
    except ImportError:
        from manysides.lexicons import loaded_terms
    return loaded_terms


def _story_misses(gold: basil.Gold, matched: dict[str, dict[str, Any]]) -> list[str]:
    """Events split over several stories and stories mixing events, for the notes."""
    notes = []
    by_triplet: dict[str, set[str]] = {}
    by_story: dict[str, set[str]] = {}
    for url, article in matched.items():
        triplet = gold.articles[url]["triplet"]
        story = article.get("story_id") or f"none:{url}"
        by_triplet.setdefault(triplet, set()).add(story)
        by_story.setdefault(story, set()).add(triplet)
    events = {a["triplet"]: a["event"] for a in gold.articles.values()}
    split = []
    for triplet, stories in by_triplet.items():
        if len(stories) > 1:
            parts = [
                sorted(gold.articles[u]["outlet"] for u, a in matched.items()
                       if gold.articles[u]["triplet"] == triplet
                       and (a.get("story_id") or f"none:{u}") == story)
                for story in sorted(stories)
            ]
            split.append(f"{events[triplet]!r} -> {parts}")
    mixed = [[events[t] for t in ts] for ts in by_story.values() if len(ts) > 1]
    notes.append(f"Stories: {len(split)} events split over several stories: {split[:6]}")
    notes.append(f"Stories: {len(mixed)} stories mixing events: {mixed[:4]}")
    return notes


# --- PolNeAR -----------------------------------------------------------------------------------

DEV_NOTE = ("PolNeAR: the attribution rules and word lists were developed on the train split "
            "only (--polnear-split train); these dev figures were taken once the rules were final")


def eval_polnear(report: Report, root: Path, limit: int | None, split: str = "dev") -> None:
    """Quote recall and speaker accuracy on PolNeAR's attributions, beside the baselines."""
    folder = root / "train" if split == "train" else root
    gold = polnear.load(folder, limit)
    what = f"Attributions (PolNeAR {split}, {len(gold.texts)} articles, {gold.count})"
    try:
        ours, base = polnear.score(gold, polnear.analyse(gold))
    except Exception as exc:
        report.unavailable(what, "quote recall", _reason(exc))
        return
    recall = ours.share("found", "gold")
    report.rows.append(Row(what, f"quote recall, >= 60% of the content's tokens (goal >= "
                           f"{POLNEAR_GOAL}; baseline: quote marks only)", _f(recall),
                           _f(base.share("found", "gold")), recall >= POLNEAR_GOAL))
    report.rows.append(Row(what, "quote recall, one quote alone (no pooling of the parts "
                           "split by the cue)", _f(ours.share("found_strict", "gold")), ""))
    speaker = ours.share("right", "named")
    report.rows.append(Row(what, f"speaker accuracy, named sources of found quotes "
                           f"({ours.counts['named']}; goal >= {POLNEAR_GOAL}; baseline: nearest "
                           "person in the sentence, all named)", _f(speaker),
                           _f(base.share("right", "named")), speaker >= POLNEAR_GOAL))
    report.rows.append(Row(what, f"speaker right, every named source ({ours.counts['named_all']};"
                           " a missed quote counts as wrong)",
                           _f(ours.share("right_all", "named_all")),
                           _f(base.share("right_all", "named_all"))))
    if split == "dev":
        report.notes.append(DEV_NOTE)
    report.notes.append(f"PolNeAR {split} counts: {dict(ours.counts)}")
    report.notes.append(f"PolNeAR {split} misses (examples): {ours.misses[:12]}")


# --- NewsWCL50 naming ---------------------------------------------------------------------------


def eval_naming(report: Report, root: Path, json_dir: Path | None = None) -> None:
    """Naming alignment of the framing view against NewsWCL50's chains."""
    gold = naming.load(root)
    what = f"Naming (NewsWCL50 dev, {len(gold.rows)} articles)"
    try:
        doc = run_pipeline_on_rows(gold.rows, report.notes, name="newswcl50", json_dir=json_dir)
    except Exception as exc:
        report.unavailable(what, "naming recall, ACTOR chains", _reason(exc))
        return
    sc = naming.score(gold, doc)
    report.rows.append(Row(what, f"naming recall, ACTOR chains, pooled (goal >= "
                           f"{NAMING_ACTOR_GOAL})", _f(sc["recall_actor"]), "",
                           sc["recall_actor"] >= NAMING_ACTOR_GOAL))
    report.rows.append(Row(what, f"naming recall, mean per chain (goal >= {NAMING_MEAN_GOAL})",
                           _f(sc["recall_mean"]), "", sc["recall_mean"] >= NAMING_MEAN_GOAL))
    report.rows.append(Row(what, "naming recall, all chains pooled", _f(sc["recall"]), ""))
    report.rows.append(Row(what, f"naming precision (goal >= {NAMING_PRECISION_GOAL})",
                           _f(sc["precision"]), "", sc["precision"] >= NAMING_PRECISION_GOAL))
    report.notes.append(f"Naming counts: {sc['counts']}")


# --- stories on every development set --------------------------------------------------------


def eval_stories(report: Report, shared_eval: Path, limit: int | None) -> None:
    """B-cubed of stories assigned incrementally on each set, beside TF-IDF (``stories``)."""
    for name in story_sets.SETS:
        if not (shared_eval / name).exists():
            report.unavailable(f"Stories ({name})", "B-cubed F1", "set absent")
            continue
        try:
            res = story_sets.evaluate(story_sets.load(name, shared_eval, limit))
        except Exception as exc:
            report.unavailable(f"Stories ({name})", "B-cubed F1", _reason(exc))
            continue
        ours, base = res.ours, res.baseline
        what = (f"Stories, incremental ({name}, {len(res.story_set.rows)} articles, "
                f"{res.story_set.n_stories} stories)")
        ok = (ours["f1"] >= STORIES_F1_GOAL and ours["f1"] > base["f1"]
              and ours["precision"] >= STORY_PRECISION_GOAL)
        report.rows.append(Row(what, f"B-cubed F1 (goal >= {STORIES_F1_GOAL}, > TF-IDF, "
                               f"precision >= {STORY_PRECISION_GOAL})", _f(ours["f1"]),
                               _f(base["f1"]), ok))
        for metric in ("precision", "recall"):
            report.rows.append(Row(what, f"B-cubed {metric}", _f(ours[metric]),
                                   _f(base[metric])))
        report.notes.extend(res.notes)


# --- ECB+ alignment -------------------------------------------------------------------------


def eval_alignment(report: Report, root: Path, limit: int | None) -> None:
    """Cross-document sentence alignment on ECB+ dev (``alignment``): ours, TF-IDF, all pairs."""
    what = "Claim alignment (ECB+ dev{})"
    try:
        res = alignment.evaluate(root, limit)
    except Exception as exc:
        report.unavailable(what.format(""), "pairwise F1", _reason(exc))
        return
    report.notes.append(
        f"ECB+ alignment: {res['topics']} topics, {res['articles']} articles, {res['sentences']} "
        f"gold sentences located ({res['missed']} not found in our split), {res['pairs']} pairs"
    )
    parts = (("all", ""), ("fit", ", fitting topics"), ("held_out", ", held-out topics"))
    for part, label in parts:
        if part not in res:
            continue
        r = res[part]
        ours, tfidf, every = r["ours"], r["tfidf"], r["all_positive"]
        name = what.format(f"{label}, {ours['tp'] + ours['fn']} positive pairs")
        base = f"{_f(tfidf['f1'])} TF-IDF at {tfidf['threshold']} / {_f(every['f1'])} all pairs"
        goal = ours["f1"] >= tfidf["f1"] + ALIGNMENT_MARGIN if part == "all" else None
        report.rows.append(Row(name, f"pairwise F1 (goal >= TF-IDF + {ALIGNMENT_MARGIN})"
                               if part == "all" else "pairwise F1", _f(ours["f1"]), base, goal))
        for metric in ("precision", "recall"):
            report.rows.append(Row(name, f"pairwise {metric}", _f(ours[metric]),
                                   f"{_f(tfidf[metric])} / {_f(every[metric])}"))


# --- seeds --------------------------------------------------------------------------------------


def eval_seeds(report: Report, seeds_dir: Path, json_dir: Path | None = None) -> None:
    """The seed checks, one row each, after the pipeline ran on the five seeds."""
    inputs = [str(p) for p in sorted(seeds_dir.glob("*.txt"))]
    try:
        with tempfile.TemporaryDirectory(prefix="manysides-eval-") as tmp:
            doc = run_pipeline(inputs, Path(tmp), report.notes, name="seeds",
                               json_dir=json_dir)
    except Exception as exc:
        for name, _check in seeds.CHECKS:
            report.unavailable("Seeds", name, _reason(exc))
        return
    for name, ok, detail in seeds.run_checks(doc):
        report.rows.append(Row("Seeds", name, "pass" if ok else f"FAIL ({detail})", "", ok))


# --- output -------------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    """The rows as one Markdown table (a missed goal marked with ✗)."""
    lines = ["| what | metric | manysides | baseline in the same run |", "|---|---|---|---|"]
    for r in rows:
        mark = " ✗" if r.ok is False and not r.ours.startswith(("FAIL", "not available")) else ""
        lines.append(f"| {r.what} | {r.metric} | {r.ours}{mark} | {r.baseline} |")
    return "\n".join(lines)


def commit() -> str:
    """The short git commit of the working tree, "unknown" outside a git checkout."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def render(report: Report, args: argparse.Namespace, seconds: float) -> str:
    """The results document: header, table, goals missed, notes."""
    now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    scope = f"--limit {args.limit}" if args.limit else "full dev splits"
    parts = [
        "# manysides evaluation results",
        "",
        f"Run {now}, commit `{commit()}`, {scope}, {seconds:.0f} s "
        "(`make eval`, i.e. `.venv/bin/python eval/run.py`).",
        "Data: ../shared/eval/ (article-extraction benchmark pages, BASIL dev triples, PolNeAR "
        "dev attributions, NewsWCL50 dev events; BASIL, ECB+, NewsWCL50 and AllSides dev "
        "splits for stories) and ../shared/seeds/.",
        "",
        table(report.rows),
        "",
    ]
    missed = report.missed
    parts.append(f"Goals missed: {len(missed)}" + (":" if missed else "."))
    parts += [f"- {r.what}: {r.metric}: {r.ours}" for r in missed]
    parts += ["", "## Notes", ""] + [f"- {n}" for n in report.notes]
    return "\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation; 0 when every goal is met, 1 otherwise."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None,
                        help="At most this many HTML pages, BASIL triples and ECB+ topics (quick "
                        "runs).")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"Comma-separated sections to run, of {', '.join(SECTIONS)}.")
    parser.add_argument("--shared", type=Path, default=SHARED,
                        help="Folder with eval/ and seeds/ (default: ../shared).")
    parser.add_argument("--json-dir", type=Path, default=None,
                        help="Also write the analysis JSON of each pipeline run here "
                        "(basil.json, seeds.json), to look into misses.")
    parser.add_argument("--polnear-split", choices=("dev", "train"), default="dev",
                        help="PolNeAR split to score (develop on train; --limit takes a subset).")
    parser.add_argument("--results", type=Path, default=None,
                        help="Where to write the results (default: eval/RESULTS.md on full runs, "
                        "nowhere with --limit or --only).")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if not (args.shared / "eval").exists():
        print(f"{args.shared / 'eval'} is absent: the evaluation reads the shared gold data",
              file=sys.stderr)
        return 2

    started = time.perf_counter()
    report = Report()
    if "html" in only:
        eval_html(report, args.shared / "eval" / "extraction", args.limit)
    if "basil" in only:
        eval_basil(report, args.shared / "eval" / "basil", args.limit, args.json_dir)
    if "stories" in only:
        eval_stories(report, args.shared / "eval", args.limit)
    if "seeds" in only:
        eval_seeds(report, args.shared / "seeds", args.json_dir)
    if "polnear" in only:
        eval_polnear(report, args.shared / "eval" / "polnear", args.limit, args.polnear_split)
    if "naming" in only:
        eval_naming(report, args.shared / "eval" / "newswcl50", args.json_dir)
    if "ecbplus_alignment" in only:
        eval_alignment(report, args.shared / "eval" / "ecbplus", args.limit)
    text = render(report, args, time.perf_counter() - started)
    print(text)
    full_run = not args.limit and only == set(SECTIONS)
    results = args.results or (HERE / "RESULTS.md" if full_run else None)
    if results is not None:
        results.write_text(text, encoding="utf-8")
    return 1 if report.missed else 0


if __name__ == "__main__":
    sys.exit(main())
