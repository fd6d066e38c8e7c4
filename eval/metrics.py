"""Scores used by the evaluation: shingle F1 (article extraction), B-cubed (clustering), spans.

The shingle metric follows scrapinghub/article-extraction-benchmark's ``evaluate.py``: the text is
split into ``\\w+`` tokens, 4-token shingles are counted, tp/fp/fn are normalised per page (so long
pages weigh no more than short ones), and precision and recall are averaged over the pages that
define them; F1 is taken from the two averages.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence

TpFpFn = tuple[float, float, float]

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Text -> counts of its ``n``-token shingles (a text shorter than ``n`` is one shingle)."""
    tokens = _TOKEN.findall(text or "")
    grams = (tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))
    return Counter(g for g in grams if g)


def shingle_match(true: str, pred: str, n: int = 4) -> TpFpFn:
    """Gold text and predicted text -> (tp, fp, fn) over shingles, normalised to sum to 1."""
    t, p = shingles(true, n), shingles(pred, n)
    tp = fp = fn = 0.0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_scores(counts: TpFpFn) -> dict[str, float]:
    """One page's (tp, fp, fn) -> its precision, recall and F1."""
    p, r = _precision(*counts), _recall(*counts)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def extraction_scores(counts: Sequence[TpFpFn]) -> dict[str, float]:
    """Per-page (tp, fp, fn) -> precision and recall averaged over pages, and their F1."""
    precisions = [_precision(*c) for c in counts if c[0] + c[1] > 0]
    recalls = [_recall(*c) for c in counts if c[0] + c[2] > 0]
    precision = statistics.mean(precisions) if precisions else 0.0
    recall = statistics.mean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall}


def bcubed(
    gold: Mapping[Hashable, Hashable], pred: Mapping[Hashable, Hashable],
    scored: Collection[Hashable] | None = None,
) -> dict[str, float]:
    """Item -> gold cluster and item -> predicted cluster -> B-cubed precision, recall, F1.

    Items missing from ``pred`` count as singletons (a lost article is its own cluster).  With
    ``scored``, only those items are averaged, their clusters still being those of every item
    of ``gold`` (a part of a set scored as clustered with the rest: an item of the part merged
    with one outside it loses precision).
    """
    items = list(gold)
    averaged = items if scored is None else [i for i in items if i in scored]
    if not averaged:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    pred_full = {i: pred.get(i, ("__single__", i)) for i in items}
    gold_members: dict[Hashable, set[Hashable]] = {}
    pred_members: dict[Hashable, set[Hashable]] = {}
    for i in items:
        gold_members.setdefault(gold[i], set()).add(i)
        pred_members.setdefault(pred_full[i], set()).add(i)
    precision = recall = 0.0
    for i in averaged:
        g, p = gold_members[gold[i]], pred_members[pred_full[i]]
        both = len(g & p)
        precision += both / len(p)
        recall += both / len(g)
    precision /= len(averaged)
    recall /= len(averaged)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def normalise_text(text: str) -> str:
    """Text -> lower-case words separated by single spaces (quotes, dashes, accents folded)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_TOKEN.findall(text.lower()))


def find_span(text: str, phrase: str) -> tuple[int, int] | None:
    """Character span of ``phrase`` in ``text``, tolerant of whitespace and quote-mark changes."""
    idx = text.find(phrase)
    if idx >= 0:
        return idx, idx + len(phrase)
    words = _TOKEN.findall(phrase)
    if not words:
        return None
    pattern = r"\W+".join(re.escape(w) for w in words)
    match = re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two half-open character spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def names_match(gold: str | None, pred: str | None) -> bool:
    """Whether a predicted speaker names the gold speaker (full name, or the same surname)."""
    if not gold or not pred:
        return False
    g, p = normalise_text(gold), normalise_text(pred)
    if not g or not p:
        return False
    if g == p or g in p or p in g:
        return True
    g_words, p_words = g.split(), p.split()
    return g_words[-1] == p_words[-1] or g_words[-1] in p_words or p_words[-1] in g_words


def mean(values: Iterable[float]) -> float:
    """Mean of the values, 0.0 for none."""
    values = list(values)
    return sum(values) / len(values) if values else 0.0
