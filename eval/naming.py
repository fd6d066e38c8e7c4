"""Naming alignment against NewsWCL50's gold chains (one event, five outlets).

As ../shared/eval/README.md defines it: over the chains with mentions in >= 2 outlets (ACTOR-I
bins and title mentions left out), a ``framing.naming`` referent *covers* a mention of a
document of its story when one of its terms for that outlet equals the mention
(case-insensitive, whitespace-normalised) or contains it as whole words.

- recall: share of the cross-outlet pairs of distinct forms of one chain (form a in outlet X,
  form b in outlet Y != X) that one referent covers both of; pooled, its mean per chain, and
  pooled over the ACTOR chains;
- precision: of the cross-outlet pairs of distinct terms in one referent whose terms each
  match some gold mention (of that outlet, in a document of the referent's story), the share
  matching mentions of one chain.
"""

from __future__ import annotations

import itertools
import json
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SPACES = re.compile(r"\s+")


@dataclass
class Gold:
    """NewsWCL50: the JSONL rows, the articles by line and the chains."""

    rows: list[dict[str, Any]]
    articles: list[dict[str, Any]]
    chains: list[dict[str, Any]]


def load(root: Path) -> Gold:
    """``newswcl50/`` (dev.jsonl, dev_gold.json) -> ``Gold``."""
    rows = [json.loads(line) for line in
            (root / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    gold = json.loads((root / "dev_gold.json").read_text(encoding="utf-8"))
    return Gold(rows=rows, articles=gold["articles"], chains=gold["chains"])


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text).strip().lower()


def covers(term: str, mention: str) -> bool:
    """Whether a referent's ``term`` equals ``mention`` or contains it as whole words."""
    t, m = _norm(term), _norm(mention)
    if not m:
        return False
    return t == m or re.search(rf"(?<!\w){re.escape(m)}(?!\w)", t) is not None


def _chains(gold: Gold) -> list[dict[str, Any]]:
    """Chains scored: not ACTOR-I, title mentions dropped, mentions in >= 2 outlets."""
    out = []
    for chain in gold.chains:
        if chain["type"] == "ACTOR-I":
            continue
        mentions = [m for m in chain["mentions"] if not m.get("in_title")]
        if len({m["outlet"] for m in mentions}) >= 2:
            out.append({**chain, "mentions": mentions})
    return out


def _referents(doc: dict[str, Any], gold: Gold) -> list[tuple[set[str], dict[str, list[str]]]]:
    """Each naming referent of each story -> (gold docs of the story, outlet -> its terms)."""
    doc_of_url = {a["url"]: a["doc"] for a in gold.articles}
    doc_of_id = {a["id"]: doc_of_url.get(a.get("url")) for a in doc["articles"]}
    out = []
    for story in doc["stories"]:
        docs = {d for a in story["articles"] if (d := doc_of_id.get(a))}
        for ref in (story.get("framing") or {}).get("naming", []):
            terms = {o: [t["term"] for t in ts] for o, ts in ref["by_outlet"].items()}
            out.append((docs, terms))
    return out


def score(gold: Gold, doc: dict[str, Any]) -> dict[str, Any]:
    """Recall (pooled, mean per chain, ACTOR pooled) and precision of the naming referents."""
    chains = _chains(gold)
    referents = _referents(doc, gold)
    pooled = [0, 0]
    actor = [0, 0]
    per_chain: list[float] = []
    for chain in chains:
        forms = {(m["doc"], m["outlet"], _norm(m["text"])) for m in chain["mentions"]}
        pairs = [(a, b) for a, b in itertools.combinations(sorted(forms), 2)
                 if a[1] != b[1] and a[2] != b[2]]
        if not pairs:
            continue
        hit = 0
        for a, b in pairs:
            hit += any(_covers_mention(r, a) and _covers_mention(r, b) for r in referents)
        pooled[0] += hit
        pooled[1] += len(pairs)
        per_chain.append(hit / len(pairs))
        if chain["type"] == "ACTOR":
            actor[0] += hit
            actor[1] += len(pairs)
    right = total = 0
    mentions_by = defaultdict(list)  # (doc, outlet) -> [(text, chain)]
    for chain in chains:
        for m in chain["mentions"]:
            mentions_by[(m["doc"], m["outlet"])].append((m["text"], chain["chain"]))
    for docs, terms in referents:
        matched: dict[tuple[str, str], set[str]] = {}  # (outlet, term) -> chains it matches
        for outlet, ts in terms.items():
            for t in ts:
                hits = {c for d in docs for text, c in mentions_by.get((d, outlet), [])
                        if covers(t, text)}
                if hits:
                    matched[(outlet, _norm(t))] = hits
        for (o1, t1), (o2, t2) in itertools.combinations(sorted(matched), 2):
            if o1 != o2 and t1 != t2:
                total += 1
                right += bool(matched[(o1, t1)] & matched[(o2, t2)])
    return {
        "recall": pooled[0] / pooled[1] if pooled[1] else 0.0,
        "recall_mean": statistics.mean(per_chain) if per_chain else 0.0,
        "recall_actor": actor[0] / actor[1] if actor[1] else 0.0,
        "precision": right / total if total else 0.0,
        "counts": {"chains": len(per_chain), "pairs": pooled[1], "covered": pooled[0],
                   "actor_pairs": actor[1], "actor_covered": actor[0],
                   "referent_pairs": total, "referent_pairs_right": right,
                   "referents": len(referents)},
    }


def _covers_mention(ref: tuple[set[str], dict[str, list[str]]],
                    form: tuple[str, str, str]) -> bool:
    docs, terms = ref
    doc, outlet, text = form
    return doc in docs and any(covers(t, text) for t in terms.get(outlet, []))
