"""Fit the story-assignment weights (``src/manysides/data/story_model.toml``) on real gold.

Data: the BASIL and ECB+ development sets (``stories.load``), each split by gold group (BASIL
triplet, ECB+ topic: both its sub-topics stay on one side) into a fitting part (even positions
of the sorted groups) and a held-out part (odd positions).

1. Teacher-forced pass over the fitting part, in arrival order (``stories.arrival_batches``):
   each article is compared with the candidate stories the live index offers
   (``cluster.assign.candidate_features``), labelled 1 for its gold story, then placed in its
   gold story.  Logistic regression (scikit-learn) on those rows, each set weighing the same,
   gives the weights.
2. The join threshold, then the merge threshold, then the split link are chosen one after the
   other on the fitting part's B-cubed F1 from the real incremental assignment (less twice
   any precision short of 0.97).
3. The model is written with the held-out scores (and NewsWCL50, AllSides: never fitted on).

    .venv/bin/python eval/train_stories.py
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

import numpy as np
import stories
from sklearn.linear_model import LogisticRegression

from manysides.cluster import assign
from manysides.cluster.features import article_features, load_config, load_model
from manysides.cluster.index import StoryIndex
from manysides.cluster.lexical import TermStats
from manysides.cluster.story import sort_key
from manysides.datafiles import load_data

log = logging.getLogger("train_stories")

MODEL = stories.REPO / "src" / "manysides" / "data" / "story_model.toml"
FIT_SETS = ("basil", "ecbplus")
GROUP_OF = {"basil": lambda s, i: s.labels[i], "ecbplus": lambda s, i: s.labels[i][:-3]
            if s.labels[i].endswith("ecb") else s.labels[i][:-7]}
JOIN = (0.4, 0.5, 0.6, 0.7, 0.8)
MERGE = (0.9, 0.95, 0.98, 1.01)
SPLIT = (0.0, 0.05, 0.1, 0.2)
PRECISION_GOAL = 0.97  # a threshold is chosen on F1 less twice the shortfall below this


def parts(story_set: stories.StorySet) -> tuple[set[int], set[int]]:
    """(fitting rows, held-out rows): gold groups alternately, in sorted order."""
    group = GROUP_OF[story_set.name]
    groups = sorted({group(story_set, i) for i in range(len(story_set.rows))})
    fit_groups = set(groups[::2])
    fit = {i for i in range(len(story_set.rows)) if group(story_set, i) in fit_groups}
    return fit, set(range(len(story_set.rows))) - fit


def teacher_rows(story_set: stories.StorySet, rows: set[int]) -> tuple[np.ndarray, np.ndarray]:
    """Candidate features and labels of a teacher-forced incremental pass over ``rows``."""
    config = load_config()
    db = stories.analysed_db(story_set)
    features: list[np.ndarray] = []
    labels: list[int] = []
    with stories.fresh_copy(db) as store:
        by_row = stories.row_articles(store)
        gold = {by_row[i].id: story_set.labels[i] for i in rows
                if i in by_row and by_row[i].duplicate_of is None}
        index, stats = StoryIndex(path=None), TermStats()
        arts = [a for a in store.iter_articles() if a.id in gold]
        for batch in stories.arrival_batches(arts):
            full = {a.id: a for a in store.iter_articles(ids=batch, with_analysis=True)}
            vectors = store.get_vectors(batch, "doc")
            for aid in sorted(batch, key=lambda a: (sort_key(full[a].published), a)):
                if aid not in vectors or full[aid].analysis is None:
                    continue
                feats = article_features(full[aid], vectors[aid], config)
                stats.add(feats.terms)
                query = assign.Query.of(feats, stats, index)
                for sid, row in assign.candidate_features(query, index, stats, config):
                    features.append(row)
                    labels.append(int(sid == gold[aid]))
                assign.place(index, gold[aid], feats)
    return np.array(features), np.array(labels)


def _toml(value: Any) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value)  # strings, numbers: TOML spells them as JSON does


def write_model(model: dict[str, Any]) -> None:
    """Write the model file (the header comment of the current one kept) and make the
    running process use it."""
    header = [line for line in MODEL.read_text(encoding="utf-8").splitlines()
              if line.startswith("#")]
    lines = [f"{k} = {_toml(v)}" for k, v in model.items() if k != "scores"]
    if "scores" in model:
        lines += ["", "[scores]"] + [f'"{k}" = {_toml(v)}' for k, v in model["scores"].items()]
    MODEL.write_text("\n".join([*header, *lines]) + "\n", encoding="utf-8")
    load_data.cache_clear()
    load_model.cache_clear()


def objective(sets: list[tuple[stories.StorySet, set[int]]]) -> float:
    """Mean over (set, rows) of the B-cubed F1 of the real incremental assignment, less twice
    the precision missing to ``PRECISION_GOAL`` (a merged blob is worse than a split)."""
    scores = [stories.evaluate(s, rows=r).ours for s, r in sets]
    return float(np.mean([o["f1"] - 2 * max(0.0, PRECISION_GOAL - o["precision"])
                          for o in scores]))


def main(argv: list[str] | None = None) -> int:
    """Fit, choose thresholds, write the model with its scores."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=stories.REPO.parent / "shared")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for quiet in ("alembic", "manysides"):
        logging.getLogger(quiet).setLevel(logging.WARNING)
    loaded = {name: stories.load(name, args.shared / "eval") for name in FIT_SETS}
    split = {name: parts(s) for name, s in loaded.items()}
    xs, ys = zip(*(teacher_rows(loaded[n], split[n][0]) for n in FIT_SETS), strict=True)
    x, y = np.vstack(xs), np.concatenate(ys)
    # each set weighs the same, however many candidate rows it gives
    weight = np.concatenate([np.full(len(part), len(y) / (len(ys) * len(part))) for part in ys])
    log.info("teacher-forced rows: %d (%d positive)", len(y), int(y.sum()))
    clf = LogisticRegression(C=1.0, max_iter=2000).fit(x, y, sample_weight=weight)
    model: dict[str, Any] = {
        "about": "Story assignment: logistic regression over FEATURES (cluster/assign.py), "
                 "fitted by eval/train_stories.py on the fitting halves of BASIL and ECB+ dev.",
        "data": "BASIL dev (even triplets) + ECB+ dev (even topics)",
        "features": list(assign.FEATURES),
        "weights": [round(float(w), 4) for w in clf.coef_[0]],
        "bias": round(float(clf.intercept_[0]), 4),
        "join_threshold": 0.5, "merge_threshold": 1.01, "split_link": 0.0,
    }
    fit = [(loaded[n], split[n][0]) for n in FIT_SETS]
    for key, grid in (("join_threshold", JOIN), ("merge_threshold", MERGE),
                      ("split_link", SPLIT)):
        scores = {}
        for value in grid:
            write_model({**model, key: value})
            scores[value] = objective(fit)
        model[key] = max(grid, key=lambda v: (scores[v], -abs(v - grid[len(grid) // 2])))
        log.info("%s: %s -> %s", key, {k: round(v, 4) for k, v in scores.items()}, model[key])
    write_model(model)
    held: dict[str, dict[str, float]] = {}
    for name in FIT_SETS:
        res = stories.evaluate(loaded[name], rows=split[name][1])
        held[f"{name} held-out"] = {k: round(v, 4) for k, v in res.ours.items()}
        held[f"{name} held-out TF-IDF"] = {k: round(v, 4) for k, v in res.baseline.items()}
    for name in ("newswcl50", "allsides"):
        res = stories.evaluate(stories.load(name, args.shared / "eval"))
        held[f"{name} (not fitted)"] = {k: round(v, 4) for k, v in res.ours.items()}
        held[f"{name} TF-IDF"] = {k: round(v, 4) for k, v in res.baseline.items()}
    model["scores"] = held
    write_model(model)
    print(MODEL.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
