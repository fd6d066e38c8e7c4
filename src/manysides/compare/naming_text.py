"""Text helpers the naming referents share (``naming`` and ``things``): stopwords, the
story's place forms, the patterns of names and noun phrases, and the per-outlet tables."""

from __future__ import annotations

import re
from collections import Counter

from manysides.datafiles import load_data
from manysides.models import Article, Naming, NamingTerm

MAX_LABEL_WORDS = 8
DEMONYM = re.compile(r"^[A-Z][a-z]+(?:an|ese|ish|ian|i)$")
PLACE_NAME = re.compile(r"[A-Z][\w.-]+(?: [A-Z][\w.-]+)?")
SPACES = re.compile(r"\s+")
INITIALS = re.compile(r"(?:[A-Z]\.)+")
# Courtesy titles and short forms that stand before a name ("Mr. Trump", "Gov. Kasich").
PREFIXES = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Gov.", "Sen.", "Rep.", "Gen.", "Col.",
                      "Adm.", "Lt.", "Sgt.", "Rev.", "Mr", "Mrs", "Ms", "Dr"})
POSSESSIVE = re.compile(r"['\u2019]s$")
# The function words that end a noun phrase ("the memos and ...", "the lawsuit said").
PHRASE_END_WORDS = (
    "and|or|is|was|has|had|have|will|would|could|should|may|might|must|can|to|in|on|of|for|"
    "with|by|from|at|as|that|which|who|said|says|did|does|are|were|be|been")


def demonyms(name: str) -> list[str]:
    """Adjectives of a place name: Russia -> Russian, Ukraine -> Ukrainian, China -> Chinese."""
    forms = {name}
    if name.endswith("ia"):
        forms.add(name + "n")
    if name.endswith("a"):
        forms |= {name[:-1] + "ese", name + "n"}
    if name.endswith("e"):
        forms |= {name[:-1] + "ian"}
    forms |= {name + "ian", name + "ese", name + "an"}
    if name == "China":
        forms |= {"Sino", "Chinese"}
    return sorted(forms, key=len, reverse=True)


def place_forms(articles: list[Article]) -> dict[str, str]:
    """Surface form (name, alias or demonym) -> canonical place name, over the story's GPEs."""
    forms: dict[str, str] = {}
    for a in articles:
        for e in a.analysis.entities if a.analysis else []:
            if e.type != "GPE":
                continue
            canonical = e.name
            for alias in {e.name, *e.aliases}:
                if not PLACE_NAME.fullmatch(alias):
                    continue
                for form in demonyms(alias) if " " not in alias else [alias]:
                    forms.setdefault(form, canonical)
    return forms


def stopwords() -> set[str]:
    """The stopwords of ``compare.toml`` but "first" and "last" (they tell things apart)."""
    return set(load_data("compare")["stopwords"]["words"]) - {"first", "last"}


def terms_by_outlet(by_outlet: dict[str, Counter[str]]) -> dict[str, list[NamingTerm]]:
    """Each outlet's terms for a referent, most used first (outlets in name order)."""
    return {o: [NamingTerm(t, n) for t, n in terms.most_common()]
            for o, terms in sorted(by_outlet.items())}


def most_named_first(referents: list[Naming]) -> list[Naming]:
    """``referents`` sorted by how often they are named in all (stable on ties)."""
    return sorted(referents, key=lambda r: -sum(t.count for v in r.by_outlet.values() for t in v))
