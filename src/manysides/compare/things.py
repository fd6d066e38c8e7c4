"""The story's things and what is done to them, named by common nouns: "the lawsuit" /
"the suit", "the investigation into Michael Flynn" / "the Flynn investigation", "suspend all
nuclear tests" / "the suspension of nuclear and missile tests".

A thing is a lowercase noun (or a group of near-synonyms, ``naming.toml`` [things]) heading
noun phrases in two or more outlets of the story, the head-match rule of rule-based
coreference; names and years among its modifiers or after it tell things apart.  An action
is a verb or deverbal noun on a thing's phrase.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from manysides.analyze.entities import ROLE_DOMINANCE, knowledge, norm
from manysides.compare.naming_text import (
    DEMONYM,
    INITIALS,
    MAX_LABEL_WORDS,
    PHRASE_END_WORDS,
    POSSESSIVE,
    PREFIXES,
    SPACES,
    most_named_first,
    place_forms,
    stopwords,
    terms_by_outlet,
)
from manysides.datafiles import load_data
from manysides.lexicons import literal_alternation
from manysides.models import Article, Naming

_DETERMINER = re.compile(r"(?i:the|a|an|this|that|these|those|his|her|its|their|our|any|no)")

# Any noun phrase a lowercase noun ends, after a determiner or a name's possessive and at most
# two modifiers ("the potential summit is", "Mueller's investigation into", "a direct
# hotline between"): how often a story uses a noun as a thing.  Not a past participle ("that
# he felt obstructed in") nor a modifier before "and" ("its nuclear and missile tests").
_THING_NP = (
    rf"(?:\b{_DETERMINER.pattern}|\b(?!(?:It|That|There|He|She|What|Here|Who)['\u2019]s)"
    rf"[A-Z][\w.-]*['\u2019]s)(?:\s+(?!(?:{{stop}})\b)[\w-]+){{{{0,2}}}}?"
    rf"\s+(?P<head>(?![a-z]+ed\b)[a-z][a-z-]{{{{2,}}}})"
    rf"(?=[,.;:!?)\u201d\"]|\s*$|\s+(?:{PHRASE_END_WORDS.replace('and|or|', '')}"
    rf"|into|between|about|over)\b)")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
# The endings of nouns made from verbs ("suspension", "closure", "removal", "payment").
_DEVERBAL = re.compile(r"(?:tion|sion|ment|ance|ence|ure|al|ing|age)$")
_INFLECTION = re.compile(r"(?:ations?|itions?|sions?|tions?|ions?|ures?|ments?|ings?|ed|es|s|e)$")
# The prepositions of a head noun's post-modifier ("the investigation into Flynn"), and the
# capitalised words of dates, which tell when rather than what ("the meeting on Friday").
_PREPOSITION = re.compile(r"\s+(?:of|into|between|with|by|against|over|on|in|about|from|to)\s+")
_TIME_WORDS = frozenset({
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"})
_NP_TOKEN = re.compile(r"[\w][\w.'\u2019-]*|[^\w\s]")


def thing_heads(articles: list[Article], outlets: dict[str, str]) -> dict[str, str]:
    """Head nouns of the story's things (``naming.toml`` [things]) -> the head naming their
    referent: itself, or the first of its synonyms ("probe" -> "investigation"); "memo" and
    "memos" apart ("the agreement" is not "these agreements")."""
    cfg = load_data("naming")
    kb = knowledge()
    skip = set(cfg["things"]["not_heads"]) | set(cfg["events"]["heads"]) \
        | set(cfg["relations"]["heads"]) | set(cfg["groups"]["heads"]) | stopwords() \
        | {f for r in kb.roles for f in r.forms} | set(kb.person_nouns) | set(kb.title_words)
    synonym = _synonyms()
    uses: Counter[str] = Counter()
    outlets_of: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        for m in _thing_np().finditer(a.text):
            if (word := m.group("head")) not in skip:
                uses[synonym.get(word, word)] += 1
                outlets_of[synonym.get(word, word)].add(outlets[a.id])
    kept = {word for word, n in uses.items()
            if n >= cfg["things"]["min_uses"] and len(outlets_of[word]) >= 2}
    return {word: word for word in kept} | {w: c for w, c in synonym.items() if c in kept}


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    """Each word of a ``naming.toml`` [things] synonym group -> the group's first word."""
    return {w: group[0] for group in load_data("naming")["things"]["synonyms"] for w in group}


def thing_referents(articles: list[Article], outlets: dict[str, str],
                    heads: dict[str, str] | None = None) -> list[Naming]:
    """The story's things ("the lawsuit", "the memos"; see ``thing_heads``) with each
    outlet's noun phrases for them (``_noun_phrase``: "the Iran nuclear deal", "Comey's
    memos", "the investigation into Michael Flynn").  A name or number among the modifiers, or
    the first name of the prepositional phrase after the head, tells things apart ("the Trump
    campaign" is not "the 2016 campaign"); a phrase without one ("the campaign") is the thing
    of that head last named so in the article, else the story's most named one where it is
    named ``ROLE_DOMINANCE`` times as often as the next.  An indefinite phrase ("a sweeping
    lawsuit") is a term only as the article's first phrase of its head, and not with a
    modifier that makes it another one ("a new lawsuit", ``naming.toml`` [things]).

    Kept whole: collecting and tabulating the phrases share the per-story counters.
    """
    heads = thing_heads(articles, outlets) if heads is None else heads
    if not heads:
        return []
    pattern = re.compile(rf"\b(?:{literal_alternation(sorted(heads, key=len, reverse=True))})\b")
    stop = stopwords()
    others = set(load_data("naming")["things"]["other_markers"])
    places = place_forms(articles)  # "Russian" and "Russia" anchor one thing
    # "a new deal", "another lawsuit": the story's other thing of a head, one referent
    another: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    markers: dict[str, Counter[str]] = defaultdict(Counter)
    # article id, head, phrase, anchor, whether the anchor is after the head
    found: list[tuple[str, str, str, str | None, bool]] = []
    for a in articles:
        seen: set[str] = set()
        for m in pattern.finditer(a.text):
            phrase, after, indefinite = _noun_phrase(a.text, m, stop)
            head = heads[m.group(0)]
            first = head not in seen
            seen.add(head)
            if indefinite and (marker := others & {w.lower() for w in phrase.split()}):
                another[head][outlets[a.id]][phrase + after] += 1  # "a new deal"
                markers[head][min(marker)] += 1
                continue
            if indefinite and not first:
                continue
            before = _anchors(" ".join(phrase.split()[:-1]))
            anchors = before or _first_name(after)
            anchor = places.get(anchors[-1], anchors[-1]) if anchors else None
            found.append((a.id, head, phrase + after, anchor, not before))
    named_by: dict[tuple[str, str], set[str]] = defaultdict(set)
    for article_id, head, _, anchor, _ in found:
        if anchor:
            named_by[(head, norm(anchor))].add(outlets[article_id])
    # a name after the head that one outlet alone gives ("a summit in the Demilitarized
    # Zone") tells no thing apart across outlets: its phrase is a bare one
    found = [(i, h, p, None if a and after and len(named_by[(h, norm(a))]) < 2 else a, after)
             for i, h, p, a, after in found]
    most: dict[str, Counter[str]] = defaultdict(Counter)
    shown: dict[str, str] = {}  # norm(anchor) -> as first written
    for _, head, _, anchor, _ in found:
        if anchor:
            most[head][norm(anchor)] += 1
            shown.setdefault(norm(anchor), anchor)
    table: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    last: dict[tuple[str, str], str] = {}
    for article_id, head, phrase, anchor, _ in found:
        if anchor:
            anchor = norm(anchor)
            if len(named_by[(head, anchor)]) >= 2:  # "the Mar-a-Lago summit" alone: no lead
                last[(article_id, head)] = anchor
        else:
            anchor = last.get((article_id, head)) or _dominant(most[head])
        table[f"{shown.get(anchor, '')} {head}".strip()][outlets[article_id]][phrase] += 1
    for head, by_outlet in another.items():
        table[f"{markers[head].most_common(1)[0][0]} {head}"] = by_outlet
    return most_named_first([
        Naming(referent=f"thing: {label}", kind="thing", by_outlet=terms_by_outlet(by_outlet))
        for label, by_outlet in table.items() if len(by_outlet) >= 2])


def _dominant(counts: Counter[str]) -> str:
    """The most counted key if counted ``ROLE_DOMINANCE`` times as often as the next, else ""."""
    ranked = counts.most_common(2)
    if ranked and (len(ranked) == 1 or ranked[0][1] >= ROLE_DOMINANCE * ranked[1][1]):
        return ranked[0][0]
    return ""


@lru_cache(maxsize=1)
def _thing_np() -> re.Pattern[str]:
    """``_THING_NP`` with the stopwords (no modifier is one)."""
    return re.compile(_THING_NP.format(stop=literal_alternation(sorted(stopwords()))))


def _noun_phrase(text: str, head: re.Match[str], stop: set[str]) -> tuple[str, str, bool]:
    """The noun phrase ``head`` ends: back to its determiner over at most three modifiers,
    or to the name owning it ("Kim's dramatic announcement"), or, with neither that close,
    the names right before the head ("DNC lawsuit");
    then the prepositional phrase after it that names someone (``_post_modifier``) and
    whether the phrase is indefinite ("a new deal")."""
    window = text[max(0, head.start() - 80) : head.start()]
    after = _post_modifier(text, head.end())
    words: list[str] = []
    for tok in reversed([t.group(0) for t in _NP_TOKEN.finditer(window)][-4:]):
        if _DETERMINER.fullmatch(tok):
            phrase = " ".join([tok.lower() if tok.istitle() else tok, *words, head.group(0)])
            return phrase, after, tok.lower() in ("a", "an")
        if not tok[0].isalnum() or tok.lower() in stop:
            break
        words.insert(0, tok)
    owners = [i for i, w in enumerate(words) if w[0].isupper() and POSSESSIVE.search(w)]
    if owners:  # "Kim's dramatic announcement": the owner's name is its determiner
        start = owners[-1]
        while start > 0 and words[start - 1][0].isupper():
            start -= 1
        return " ".join([*words[start:], head.group(0)]), after, False
    names: list[str] = []
    for word in reversed(words):
        if not word[0].isupper():
            break
        names.insert(0, word)
    return " ".join([*names, head.group(0)]), after, False


def _post_modifier(text: str, end: int) -> str:
    """The prepositional phrase right after a head noun when it names someone or a year
    ("into Michael T. Flynn", "between Kim and Moon", "in the 2016 election"): up to
    ``MAX_LABEL_WORDS`` words, to the first punctuation or function word, else ""."""
    prep = _PREPOSITION.match(text, end)
    if not prep:
        return ""
    stop = stopwords()
    titles = _title_words()
    words: list[str] = []
    for tok in _NP_TOKEN.finditer(text, prep.end(), min(len(text), prep.end() + 120)):
        w = tok.group(0)
        if len(words) >= MAX_LABEL_WORDS or not w[0].isalnum() or w.rstrip(".") in _TIME_WORDS \
                or w.lower() in stop and w.lower() not in ("the", "and") \
                or _YEAR.fullmatch(w) and words[-1:] != ["the"]:
            break  # "in 2019" is when; "in the 2016 election" is which
        if w[0].islower() and w not in ("the", "and") and w not in titles and not (
                words and (_YEAR.fullmatch(words[-1]) or DEMONYM.match(words[-1])
                           or POSSESSIVE.search(words[-1]))):
            break  # only "the 2016 election", "Russian meddling", "former adviser Flynn"
        if w.endswith(".") and not (w in PREFIXES or INITIALS.fullmatch(w)):
            words.append(w[:-1])  # the sentence ends ("into Flynn. The memos")
            break
        words.append(w)
    while words and words[-1].lower() in ("the", "and"):
        words.pop()
    return prep.group(0) + " ".join(words) if _anchors(" ".join(words)) else ""


def _first_name(words: str) -> list[str]:
    """The last word of the first name among ``words`` ("Michael T. Flynn and ..." ->
    ["Flynn"]), or []."""
    run: list[str] = []
    for w in words.split():
        if _anchors(w):
            run.append(POSSESSIVE.sub("", w))
        elif run:
            break
    return run[-1:]


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    return frozenset(w.lower() for w in load_data("naming")["titles"]["words"])


def _anchors(words: str) -> list[str]:
    """The names and years among ``words`` (courtesy titles, determiners and dates left
    out: "Friday's announcement" is the announcement)."""
    return [POSSESSIVE.sub("", w) for w in words.split()
            if (w[0].isupper() or _YEAR.fullmatch(w)) and w not in PREFIXES
            and not _DETERMINER.fullmatch(w) and POSSESSIVE.sub("", w) not in _TIME_WORDS]


def action_referents(articles: list[Article], outlets: dict[str, str],
                     heads: dict[str, str] | None = None) -> list[Naming]:
    """What is done to a thing of the story, by verb or by deverbal noun ("suspend all
    nuclear tests" / "the suspension of nuclear and missile tests" / "suspending nuclear
    tests"; ``_actions``): one referent per (stem of the action word, thing head) that two or
    more outlets name so, its terms the phrases as written.  A noun before "of" is an action
    only with a deverbal ending ("suspension", "closure") or as the stem of a verb the story
    uses so ("the halt of" where some outlet writes "halt nuclear tests")."""
    heads = thing_heads(articles, outlets) if heads is None else heads
    if not heads:
        return []
    pattern = _action_regex(tuple(sorted(heads, key=len, reverse=True)))
    found = [(a.id, *action) for a in articles for action in _actions(a.text, pattern)]
    verbs = {_stem(act) for _, act, _, _, nominal in found if not nominal}
    table: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter))
    words: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for article_id, act, head, phrase, nominal in found:
        if nominal and not _DEVERBAL.search(act) and _stem(act) not in verbs:
            continue
        key = (_stem(act), heads[head.lower()])
        table[key][outlets[article_id]][phrase] += 1
        words[key][act] += 1
    return most_named_first([
        Naming(referent=f"action: {words[key].most_common(1)[0][0]} {key[1]}", kind="action",
               by_outlet=terms_by_outlet(by_outlet))
        for key, by_outlet in table.items() if len(by_outlet) >= 2])


def _actions(text: str, pattern: re.Pattern[str]) -> list[tuple[str, str, str, bool]]:
    """(action word, head, phrase, whether nominal) of each action phrase of ``text``: a
    noun with "of"/"on" ("the suspension of nuclear tests", "a freeze on tests"), a verb
    after "to" or a modal ("to suspend nuclear tests"), a verb before a determiner ("close its
    nuclear test site") or a gerund before a plural ("halting nuclear tests"); not a modifier
    after a determiner ("a sham lawsuit", "the ongoing probe").  Candidates overlap
    (``pattern`` looks ahead): the first of each span wins."""
    out: list[tuple[str, str, str, bool]] = []
    end = 0
    for m in pattern.finditer(text):
        if m.start() < end:
            continue
        lead, link = (m.group("lead") or "").strip().lower(), m.group("link").split()
        nominal = bool(link) and link[0] in ("of", "on")
        determiner = bool(lead) and _DETERMINER.fullmatch(lead) is not None
        gerund = m.group("act").endswith("ing") and m.group("head").endswith("s")
        if not (nominal or not determiner and (lead or link or gerund)):
            continue
        start = m.start() + (0 if nominal else len(m.group("lead") or ""))
        end = m.start() + len(m.group("all"))
        phrase = SPACES.sub(" ", text[start:end])
        first = phrase.split(" ", 1)[0]
        if _DETERMINER.fullmatch(first) and first.istitle():  # "The suspension" opens a sentence
            phrase = first.lower() + phrase[len(first):]
        out.append((m.group("act").lower(), m.group("head"), phrase, nominal))
    return out


@lru_cache(maxsize=64)
def _action_regex(heads: tuple[str, ...]) -> re.Pattern[str]:
    """``_actions``' candidates: [determiner, "to" or a modal] action word [particle] ["of" /
    "on"] [determiner] at most three modifiers and one of ``heads``; no word a stopword but
    "and" and the determiners."""
    stop = literal_alternation(sorted(stopwords()))
    det = rf"(?:{_DETERMINER.pattern}|all)"
    mods = rf"(?:(?:and|(?!(?:{stop})\b)[\w'\u2019-]+),?\s+){{0,3}}?"
    return re.compile(
        rf"(?=(?<![\w-])(?P<all>(?P<lead>(?:{det}|to|will|would|can|could|must|should|may|might)\s+)?"
        rf"(?!(?:{stop})\b)(?P<act>[a-z]{{4,}})(?:\s+(?:up|down|off|out))?"
        rf"(?P<link>\s+(?:of|on)\s+(?:{det}\s+)?|\s+{det}\s+|\s+)"
        rf"{mods}(?P<head>(?i:{literal_alternation(list(heads))}))\b))")


def _stem(word: str) -> str:
    """A crude stem that "suspend", "suspending" and "suspension" share ("suspen"), the same
    for the verbs of one ``naming.toml`` [things] action_synonyms group ("halt" -> "suspen")."""
    stem = _INFLECTION.sub("", word)[:6]
    return _action_synonyms().get(stem, stem)


@lru_cache(maxsize=1)
def _action_synonyms() -> dict[str, str]:
    """The stem of each verb of an action synonym group -> the stem of the group's first."""
    return {_INFLECTION.sub("", w)[:6]: _INFLECTION.sub("", group[0])[:6]
            for group in load_data("naming")["things"]["action_synonyms"] for w in group}
