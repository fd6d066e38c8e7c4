"""Fit the claim aligner's weights on ECB+ dev's fitting topics -> data/alignment.toml.

    .venv/bin/python eval/train_alignment.py            # fit, report, write the data file
    .venv/bin/python eval/train_alignment.py --dry-run  # fit and report only

Each ECB+ topic's articles (analysed by the real stages, ``alignment.topics``) are split into
manysides' claim units, one per sentence; every cross-document pair of gold sentences gives one
sample: the pair's ``grouping.FEATURES`` and whether their events intersect.  A logistic
regression (scikit-learn, a development dependency only) is fitted on the topics that
``alignment.held_out`` does not keep out.  Then the grouping cuts (``link``, ``average``) are
chosen on the same fitting topics by the pairwise F1 of ``group_units`` + ``secondary_support``
over a small grid, the best F1 among the cuts of precision >= ``MIN_PRECISION``.  The file
records the data, the sample counts and the F1 on the fitting and held-out topics; run time
reads only its numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import alignment
import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = REPO / "src" / "manysides" / "data" / "alignment.toml"
ECB = REPO.parent / "shared" / "eval" / "ecbplus"
LINKS = (0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
AVERAGE_GAPS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35)  # average = link - gap
# A claim group is shown to readers as "these outlets state this": the cuts are the best F1
# among those whose pairwise precision on the fitting topics is at least this.
MIN_PRECISION = 0.8


def topic_units(topic: alignment.Topic) -> tuple[list, dict]:
    """Sentence-level claim units of a topic and gold key -> unit index.

    The stored vectors are those ``compare_story`` reads (``compare.sentence_vectors``): a
    sentence the comparison splits into clauses has a zero row.  Here every sentence is one
    unit, so those are embedded now (a zero vector would make the cosine feature noise).
    """
    from manysides.analyze.embed import load_embedder
    from manysides.compare.claims import article_units
    from manysides.settings import Settings

    units = [u for a in topic.articles
             for u in article_units(a, topic.vectors[a.id], a.outlet or a.id, split=False)]
    blank = [u for u in units if not np.any(u.vector)]
    if blank:
        settings = Settings()
        vecs = load_embedder(settings.embedding_model, settings.tokenizer).encode(
            [u.text for u in blank])
        for u, vec in zip(blank, vecs, strict=True):
            u.vector = np.asarray(vec, dtype=np.float32)
    index = {}
    for n, u in enumerate(units):
        index.setdefault((u.article, u.sentence), n)
    return units, index


def samples(data: list[alignment.Topic]) -> tuple[np.ndarray, np.ndarray, list]:
    """(features, labels, per-topic (topic, units)) over the gold pairs."""
    from manysides.compare.grouping import FEATURES, pair_features, unit_tables

    xs, ys, prepared = [], [], []
    for t in data:
        units, index = topic_units(t)
        prepared.append((t, units))
        pairs = [(index[a], index[b], positive) for a, b, positive in t.pairs()
                 if a in index and b in index]
        if not pairs:
            continue
        i, j, labels = (np.array(c) for c in zip(*pairs, strict=True))
        feats = pair_features(unit_tables(units), i, j)
        xs.append(np.stack([feats[f] for f in FEATURES], axis=1))
        ys.append(labels)
    return np.concatenate(xs), np.concatenate(ys), prepared


def grouped_f1(prepared: list, coef: np.ndarray, intercept: float, link: float,
               average: float) -> dict[str, float]:
    """Pairwise scores of sentence-level grouping with these weights over ``prepared``."""
    from manysides.compare.grouping import (
        FEATURES,
        Weights,
        group_units,
        score_matrix,
        secondary_support,
    )

    w = Weights(dict(zip(FEATURES, map(float, coef), strict=True)), intercept, link, average)
    predicted = {}
    for t, units in prepared:
        prob = score_matrix(units, w).score
        groups = group_units(units, prob, link=link, average=average)
        extra = secondary_support(units, groups, prob, link=link, average=average)
        predicted[t.topic] = alignment.predicted_by_groups(
            [[(units[i].article, units[i].sentence) for i in set(g) | set(x)]
             for g, x in zip(groups, extra, strict=True)]
        )
    return alignment.score([p[0] for p in prepared], predicted)


def main(argv: list[str] | None = None) -> int:
    """Fit, report, and (unless --dry-run) write the data file."""
    from manysides.compare.grouping import FEATURES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ecbplus", type=Path, default=ECB)
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    parser.add_argument("--min-precision", type=float, default=MIN_PRECISION,
                        help="lowest fitting-part pairwise precision a chosen cut may have")
    args = parser.parse_args(argv)
    data = alignment.topics(args.ecbplus)
    fit = [t for t in data if not alignment.held_out(t.topic)]
    held = [t for t in data if alignment.held_out(t.topic)]
    x, y, prep_fit = samples(fit)
    _, _, prep_held = samples(held)
    model = LogisticRegression(C=args.c, max_iter=2000).fit(x, y)
    coef, intercept = model.coef_[0], float(model.intercept_[0])
    print(f"{len(y)} fitting pairs ({int(y.sum())} positive) from {len(fit)} topics")
    for name, w in zip(FEATURES, coef, strict=True):
        print(f"  {name:18s} {w:+.3f}")
    print(f"  intercept          {intercept:+.3f}")
    best = None
    for link in LINKS:
        for gap in AVERAGE_GAPS:
            average = round(link - gap, 2)
            if average <= 0:
                continue
            r = grouped_f1(prep_fit, coef, intercept, link, average)
            print(f"link {link:.2f} average {average:.2f}: F1 {r['f1']:.3f} "
                  f"(P {r['precision']:.3f} R {r['recall']:.3f})")
            if r["precision"] >= args.min_precision and (best is None
                                                         or r["f1"] > best[0]["f1"]):
                best = (r, link, average)
    assert best is not None
    r_fit, link, average = best
    r_held = grouped_f1(prep_held, coef, intercept, link, average)
    print(f"chosen link {link} average {average}: fitting F1 {r_fit['f1']:.3f}, "
          f"held-out F1 {r_held['f1']:.3f} (P {r_held['precision']:.3f} "
          f"R {r_held['recall']:.3f})")
    if args.dry_run:
        return 0
    lines = [
        "# The claim aligner's weights (manysides.compare.grouping): a logistic regression over",
        "# the pair features, and the average-linkage cuts.  Written by eval/train_alignment.py",
        "# (rerun: .venv/bin/python eval/train_alignment.py); do not edit by hand.",
        f"# Data: ECB+ development topics (../shared/eval/ecbplus, CC BY 3.0), {len(fit)} fitting",
        f"# topics (held out: topic % 4 == 0, {len(held)} topics); {len(y)} cross-document pairs",
        f"# of validated sentences, {int(y.sum())} positive; L2 C = {args.c}; cuts: best F1 at",
        f"# fitting precision >= {args.min_precision}.",
        f"# Sentence-level grouping, pairwise F1: fitting {r_fit['f1']:.3f} "
        f"(P {r_fit['precision']:.3f} R {r_fit['recall']:.3f}), held-out {r_held['f1']:.3f} "
        f"(P {r_held['precision']:.3f} R {r_held['recall']:.3f}).",
        f"# Trained {dt.date.today().isoformat()}.",
        f'data = "ECB+ dev topics 1-35, fitting part ({len(fit)} topics)"',
        f"fitting_f1 = {r_fit['f1']:.4f}",
        f"held_out_f1 = {r_held['f1']:.4f}",
        f"intercept = {intercept:.4f}",
        f"link = {link}",
        f"average = {average}",
        "",
        "[weights]",
    ] + [f"{name} = {w:.4f}" for name, w in zip(FEATURES, coef, strict=True)]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
