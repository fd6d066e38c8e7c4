"""Who is an independent witness: outlets of one owner count once, wire copy counts as the wire.

``Witnesses`` maps each article to a witness key:

- an article whose credit/byline gives a news agency as its sole source ("By Associated Press",
  "(Reuters)") is the agency's witness, not its publisher's;
- an article stored as ``duplicate_of`` another is that article's witness;
- otherwise the key is the outlet's owner from the outlet profiles (the three Global Times
  articles, or two papers of one group, are one witness), or the outlet's name.

Inside a claim group, sentences of different outlets that are the same words (a syndicated
paragraph) are merged into one witness as well (``merge_verbatim``).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable

import numpy as np

from manysides.compare.claims import Unit
from manysides.datafiles import load_data
from manysides.models import Article
from manysides.outlets import OutletProfile, load_profiles

log = logging.getLogger(__name__)

_VERBATIM = load_data("compare")["verbatim"]  # data/compare.toml [verbatim]
VERBATIM_SHINGLES: float = _VERBATIM["shingle_share"]  # shorter text's 4-grams in the other
VERBATIM_COSINE: float = _VERBATIM["min_cosine"]
_ADDITIONAL = re.compile(r"\b(additional|also|contributed|contributing)\b", re.IGNORECASE)


def outlet_name(article: Article) -> str:
    """The outlet an article is shown under: its outlet, else its URL's host, else its source."""
    if article.outlet:
        return article.outlet
    if article.url:
        host = re.sub(r"^https?://(www\.)?", "", article.url).split("/")[0]
        if host:
            return host
    return "unknown source"


@functools.cache
def _profiles() -> dict[str, OutletProfile]:
    try:
        profiles = load_profiles()
    except Exception as exc:  # profiles are an aid; comparison works on names without them
        log.warning("outlet profiles unavailable (%s); outlets count by name", exc)
        return {}
    out: dict[str, OutletProfile] = {}
    for p in profiles:
        for name in (p.name, *getattr(p, "aliases", ())):
            out[name.lower()] = p
    return out


def wire_names() -> list[str]:
    """News agencies: the list in ``compare.toml`` plus outlet profiles of kind "wire"."""
    names = list(load_data("compare")["wires"]["names"])
    for profile in {id(p): p for p in _profiles().values()}.values():
        if getattr(profile, "kind", None) == "wire" and profile.name not in names:
            names.append(profile.name)
    return names


def wire_credit(article: Article) -> str | None:
    """The news agency an article is wholly credited to (credit line or byline), if any."""
    wires = wire_names()
    lines = [r.line for r in article.removed if r.reason == "credit"]
    if article.byline:
        lines.append(article.byline)
    for line in lines:
        text = line.strip()
        if _ADDITIONAL.search(text):
            continue
        for wire in wires:
            if re.fullmatch(
                rf"[\(\[]?\s*(?:by|source|from|via|copyright|\u00a9)?\s*:?\s*(?:the\s+)?"
                rf"{re.escape(wire)}\s*[\)\]]?\.?",
                text,
                re.IGNORECASE,
            ):
                return wire
    return None


def contributing_wires(article: Article) -> list[str]:
    """Agencies credited for part of an article ("Additional reporting by Associated Press")."""
    wires = wire_names()
    found = []
    lines = [r.line for r in article.removed if r.reason == "credit"]
    lines += [ln for ln in article.text.splitlines()[-5:] if _ADDITIONAL.search(ln)]
    for line in lines:
        for wire in wires:
            if re.search(rf"\b{re.escape(wire)}\b", line) and wire not in found:
                found.append(wire)
    return found


class Witnesses:
    """Witness keys of a story's articles (see the module docstring)."""

    def __init__(self, articles: Iterable[Article]) -> None:
        articles = list(articles)
        profiles = _profiles()
        by_id = {a.id: a for a in articles}
        self.key: dict[str, str] = {}
        self.outlet: dict[str, str] = {a.id: outlet_name(a) for a in articles}
        for a in articles:
            origin = a
            seen = {a.id}
            while origin.duplicate_of and origin.duplicate_of in by_id:
                if origin.duplicate_of in seen:
                    break
                seen.add(origin.duplicate_of)
                origin = by_id[origin.duplicate_of]
            wire = wire_credit(origin)
            if wire:
                self.key[a.id] = f"wire:{wire.lower()}"
                continue
            name = outlet_name(origin)
            profile = profiles.get(name.lower())
            owner = getattr(profile, "owner", None) if profile else None
            if profile is not None and getattr(profile, "kind", None) == "wire":
                self.key[a.id] = f"wire:{profile.name.lower()}"
            else:
                self.key[a.id] = f"owner:{owner.lower()}" if owner else f"outlet:{name.lower()}"

    def of(self, article_id: str) -> str:
        """Witness key of an article."""
        return self.key.get(article_id, f"article:{article_id}")


def _shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def verbatim(a: str, b: str) -> bool:
    """Whether one text is (nearly) contained word for word in the other."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return False
    small, large = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    return len(small & large) / len(small) >= VERBATIM_SHINGLES


def merge_verbatim(units: list[Unit], group: list[int], witnesses: Witnesses) -> dict[int, str]:
    """Witness key per unit of ``group``, with verbatim copies across outlets merged."""
    parent = {i: i for i in group}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for x, a in enumerate(group):
        for b in group[x + 1 :]:
            ua, ub = units[a], units[b]
            if witnesses.of(ua.article) == witnesses.of(ub.article):
                continue
            if float(np.dot(ua.vector, ub.vector)) < VERBATIM_COSINE:
                continue
            if verbatim(ua.text, ub.text):
                parent[find(a)] = find(b)
    # every unit whose root shares a witness with it joins that witness's key
    root_key: dict[int, str] = {}
    for i in group:
        root = find(i)
        key = witnesses.of(units[i].article)
        root_key[root] = min(root_key.get(root, key), key)
    # union the witness keys themselves: a syndicated sentence makes its outlets one witness
    alias: dict[str, str] = {}
    for i in group:
        key = witnesses.of(units[i].article)
        alias[key] = min(alias.get(key, key), root_key[find(i)])
    return {i: alias[witnesses.of(units[i].article)] for i in group}
