"""Checks on the five seed articles (../shared/seeds/) after the real pipeline has run on them.

Each check reads the ``manysides analyze --json`` document of the run (articles and stories)
and returns (passed, detail).  The seeds are named by their number: the first three characters
of the file name ("000" ... "004").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from metrics import names_match, normalise_text

Doc = dict[str, Any]
# Words that make a claim naming Putin and Li about their meeting (in the Kremlin, on Sunday).
_MEETING_WORDS = frozenset(
    "kremlin met meets meeting talks welcomed welcomes greeted received hosted".split()
)
Check = Callable[[Doc], tuple[bool, str]]


def seed_number(article: dict[str, Any]) -> str:
    """The seed number ("000") of an article, from its source path."""
    return Path(str(article.get("source") or "")).name[:3]


def _seed(doc: Doc, number: str) -> dict[str, Any] | None:
    for article in doc["articles"]:
        if seed_number(article) == number:
            return article
    return None


def _outlet(number: str, *names: str) -> Check:
    def check(doc: Doc) -> tuple[bool, str]:
        article = _seed(doc, number)
        if article is None:
            return False, "article missing"
        outlet = article.get("outlet") or ""
        ok = any(normalise_text(n) in normalise_text(outlet) for n in names) if outlet else False
        return ok, f"outlet={outlet!r}"

    return check


def _published(number: str, prefix: str) -> Check:
    def check(doc: Doc) -> tuple[bool, str]:
        article = _seed(doc, number)
        published = (article or {}).get("published") or ""
        return published.startswith(prefix), f"published={published!r}"

    return check


def _quote(number: str, speaker: str, kinds: tuple[str, ...], text: str | None = None) -> Check:
    def check(doc: Doc) -> tuple[bool, str]:
        article = _seed(doc, number)
        if article is None:
            return False, "article missing"
        quotes = article.get("quotes", [])
        for q in quotes:
            if q.get("kind") not in kinds:
                continue
            if text is not None and normalise_text(text) not in normalise_text(q.get("text", "")):
                continue
            if speaker and not names_match(speaker, q.get("speaker")):
                continue
            return True, f"{q.get('kind')} quote by {q.get('speaker')!r}"
        said = sorted({f"{q.get('kind')}:{q.get('speaker')}" for q in quotes})
        return False, f"{len(quotes)} quotes, none matches; kinds:speakers={said[:8]}"

    return check


def _date(number: str, words: str, resolved: str) -> Check:
    def check(doc: Doc) -> tuple[bool, str]:
        article = _seed(doc, number)
        dates = (article or {}).get("dates", [])
        hits = [d for d in dates if normalise_text(words) in normalise_text(d.get("text", ""))]
        ok = any((d.get("resolved") or "").startswith(resolved) for d in hits)
        return ok, f"{words!r} -> {[d.get('resolved') for d in hits][:4]}"

    return check


def _one_entity(name: str) -> Check:
    def check(doc: Doc) -> tuple[bool, str]:
        target = normalise_text(name)
        keys_per_article = []
        for article in doc["articles"]:
            keys = {
                e.get("key") or e.get("name")
                for e in article.get("entities", [])
                if target in {normalise_text(a) for a in [e.get("name", "")] + e.get("aliases", [])}
            }
            keys_per_article.append(keys)
        names = set().union(*keys_per_article) if keys_per_article else set()
        every = all(len(k) == 1 for k in keys_per_article) and len(keys_per_article) == 5
        found_in = sum(map(bool, keys_per_article))
        return every and len(names) == 1, f"{len(names)} entities, in {found_in}/5 articles"

    return check


def _one_story(doc: Doc) -> tuple[bool, str]:
    ids = [a.get("story_id") for a in doc["articles"]]
    return len(ids) == 5 and len(set(ids)) == 1 and ids[0] is not None, f"{len(set(ids))} stories"


def _corroborated_meeting(doc: Doc) -> tuple[bool, str]:
    best = 0
    for story in doc["stories"]:
        for claim in story.get("claims", []):
            text = normalise_text(claim.get("text", ""))
            words = set(text.split())
            both = "putin" in words and bool(words & {"li", "shangfu"})
            meeting = both and bool(words & _MEETING_WORDS)
            if meeting and claim.get("status") == "corroborated":
                best = max(best, len(set(claim.get("outlets", []))))
    return best >= 3, f"best corroborated Putin-Li meeting claim: {best} outlets"


def _summary_cites(doc: Doc) -> tuple[bool, str]:
    for story in doc["stories"]:
        summary = story.get("summary", [])
        if not summary:
            continue
        articles = set(story.get("articles", []))
        cited = [s for s in summary if s.get("citations") and set(s["citations"]) <= articles]
        return len(cited) == len(summary), f"{len(cited)}/{len(summary)} sentences cite articles"
    return False, "no story has a summary"


CHECKS: list[tuple[str, Check]] = [
    ("000 outlet Global Times", _outlet("000", "Global Times")),
    ("001 outlet Global Times", _outlet("001", "Global Times")),
    ("002 outlet South China Morning Post", _outlet("002", "South China Morning Post", "SCMP")),
    ("003 outlet Global Times", _outlet("003", "Global Times")),
    ("004 outlet Breitbart", _outlet("004", "Breitbart")),
    ("001 published 2023-04-17 21:43", _published("001", "2023-04-17T21:43")),
    ("004 direct quote by Putin", _quote("004", "Vladimir Putin", ("direct",))),
    ("002 quote by Li Shangfu", _quote("002", "Li Shangfu", ("direct", "reported"))),
    ("000 reported speech by Zhuo Hua", _quote("000", "Zhuo Hua", ("reported",))),
    ("003 quote by Zhang Hong", _quote("003", "Zhang Hong", ("direct", "reported"))),
    ("002 scare quote \"no limits\"", _quote("002", "", ("scare",), text="no limits")),
    ("001 \"on Sunday\" -> 2023-04-16", _date("001", "Sunday", "2023-04-16")),
    ("Li Shangfu one entity across five", _one_entity("Li Shangfu")),
    ("five seeds one story", _one_story),
    ("corroborated Kremlin meeting, 3 outlets", _corroborated_meeting),
    ("summary sentences cite articles", _summary_cites),
]


def run_checks(doc: Doc) -> list[tuple[str, bool, str]]:
    """The analysis JSON of the seeds run -> (check, passed, detail) for every check."""
    results = []
    for name, check in CHECKS:
        try:
            ok, detail = check(doc)
        except Exception as exc:  # a broken check is a failed check, not a crashed evaluation
            ok, detail = False, f"check raised {type(exc).__name__}: {exc}"
        results.append((name, ok, detail))
    return results
