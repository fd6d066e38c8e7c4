"""Named entities with their aliases merged, per article and across the corpus.

Input: the article text, its sentences and the raw entity spans of spaCy's NER.  Output:
``Entity`` objects (one per real-world referent, ``key`` = slug of the canonical name, stable
across the corpus) and ``Mention`` objects (every name, role noun and pronoun that refers to
one, with character offsets).  Steps, each a function below:

1. clean the spans (strip "the", possessive "'s", punctuation, titles before names; drop junk);
2. group them: alias table, acronyms written out in the text, capitals used for governments,
   surnames to the full name seen in the article;
3. learn titles and descriptors of people ("Russian President Vladimir Putin",
   "Zhuo Hua, an international affairs expert at ...");
4. resolve role nouns ("the Russian leader") to the person holding that title;
5. resolve third-person pronouns to the most recent person;
6. across articles (``link_across``): a surname-only person goes to the unique full name
   with that surname in the articles published within a week of it (every full name is
   indexed before any surname is looked up, so the order of the articles does not matter).

The knowledge (aliases, metonyms, demonyms, roles, junk) is data:
``src/manysides/data/entities.toml``.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from manysides.datafiles import load_data
from manysides.models import ArticleAnalysis, Entity, Mention, Sentence

log = logging.getLogger(__name__)

# spaCy labels kept as entities; dates, times and numbers go to the date/quantity extractors.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "LAW", "WORK_OF_ART",
     "LANGUAGE"}
)
_LIMITS = load_data("entities")["limits"]  # what each number does: data/entities.toml [limits]
MAX_NAME_TOKENS: int = _LIMITS["max_name_tokens"]
LINK_WINDOW_DAYS: int = _LIMITS["link_window_days"]
ROLE_DOMINANCE: int = _LIMITS["role_dominance"]  # a shared role: most named person
OTHER_PERSON_USES: int = _LIMITS["other_person_uses"]  # then a full name: someone else

_APOS = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_STRIP_CHARS = " \t\"'\u201c\u201d\u2018\u2019,;:!?()[]{}-\u2013\u2014*\u2022|/"
_POSSESSIVE = re.compile(r"(?:['\u2019]s|s['\u2019])$")
_ABBREV_TAIL = re.compile(r"(?:\b[A-Za-z]\.)+$")
_WORD = re.compile(r"[\w'\u2019.\-]+|[^\s\w]")
_ACRONYM_DEF = re.compile(r"\s*\(([A-Z][A-Za-z]{1,7})\)")
_APPOSITION = re.compile(
    r",\s+((?:a|an|the)\s+[^,;()\n\"\u201c\u201d]{3,160}?)(?=\s*(?:,|;|\)|\.\s|\.$|$|\n))"
)
_DASH_APPOSITION = re.compile(
    r"\s*[\u2013\u2014-]\s+((?:a|an|the)\s+[^\u2013\u2014\n]{3,160}?)\s*[\u2013\u2014]"
)
_HYPHEN_TAIL = re.compile(r"-[a-z]{1,4}\b")
PRONOUN_DETERMINERS = frozenset({"his", "her", "their"})
# A first name coordinated before a full name ("Malia and Sasha Obama"): relatives who share
# the surname, never the title holder of "President Obama".
_COORDINATED_FIRST = re.compile(r"\b[A-Z][a-z]+ and $")
_OF_PLACE = re.compile(r" of (?:the )?[A-Z][\w.]*(?: [A-Z][\w.]*){0,2}")
_COURTESY = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr", "Miss"})
_CONNECTORS = frozenset({"of", "and", "for", "the"})
# A nickname in quote marks inside a person's name ('William "Bo" Hale', "Ann ‘Dee’ Ray"): the
# NER often cuts the name at a mark; the person is the first name with the surname.
_NICKNAMED = re.compile(r"\b([A-Z][a-z]+(?: [A-Z]\.)?) [\"\u201c\u2018']([A-Z][\w.'\u2019-]*)"
                        r"[\"\u201d\u2019'] ([A-Z][a-z][\w'\u2019-]*)\b")
_VOWELS = frozenset("aeiouy")


# -- knowledge --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Role:
    key: str
    forms: tuple[str, ...]
    refers_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Knowledge:
    """The contents of ``entities.toml``, indexed for lookups."""

    aliases: dict[str, tuple[str, str]]  # norm(form) -> (canonical name, type)
    metonyms: dict[str, str]  # capital -> country name
    place_before: tuple[str, ...]
    place_after: tuple[str, ...]
    demonyms: dict[str, str]  # norm(adjective) -> country name
    country_names: dict[str, str]  # norm(country name) -> country name
    roles: tuple[Role, ...]
    role_pattern: re.Pattern[str]
    title_words: frozenset[str]
    person_nouns: frozenset[str]
    person_prefixes: frozenset[str]
    junk: frozenset[str]
    pronouns: frozenset[str]
    place_words: frozenset[str]
    org_words: frozenset[str]
    title_pattern: re.Pattern[str]

    def roles_in(self, phrase: str) -> set[str]:
        """Role keys whose forms occur (as whole words) in ``phrase``."""
        low = " " + norm(phrase) + " "
        found = {r.key for r in self.roles for f in r.forms if f" {f} " in low}
        if "defense minister" in found or "foreign minister" in found or "prime minister" in found:
            found.discard("minister")
        return found

    def matching_roles(self, role: str) -> set[str]:
        """Role keys a mention of ``role`` may refer to (itself plus ``refers_to``)."""
        for r in self.roles:
            if r.key == role:
                return {role, *r.refers_to}
        return {role}

    def countries_in(self, phrase: str) -> set[str]:
        """Countries named or implied (demonym, "China's") in ``phrase``; names of several
        words are read whole ("North Korean" is North Korea, not Korea)."""
        out: set[str] = set()
        toks = _WORD.findall(phrase)
        i = 0
        while i < len(toks):
            for n in (3, 2, 1):
                if (country := self._country(toks[i : i + n])) is not None:
                    out.add(country)
                    i += n
                    break
            else:
                i += 1
        return out

    def _country(self, toks: list[str]) -> str | None:
        """The country the tokens name or imply as a whole, or None."""
        t = norm(" ".join(toks[:-1] + [_POSSESSIVE.sub("", toks[-1])]))
        if t in self.demonyms:
            return self.demonyms[t]
        if t in self.country_names:
            return self.country_names[t]
        if t in self.aliases and self.aliases[t][1] == "GPE":
            return self.aliases[t][0]
        return None


def norm(text: str) -> str:
    """Comparison form of a name: straight apostrophes, no periods, lowercase, no leading "the"."""
    t = text.translate(_APOS).replace(".", "").strip().lower()
    t = re.sub(r"\s+", " ", t)
    if t.startswith("the "):
        t = t[4:]
    return t


def slug(name: str) -> str:
    """Corpus-wide key of a canonical name ("People's Liberation Army": peoples-liberation-army)."""
    t = unicodedata.normalize("NFKD", name.translate(_APOS)).encode("ascii", "ignore").decode()
    t = t.lower().replace("'", "").replace(".", "")
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "x"


@functools.cache
def knowledge() -> Knowledge:
    """Load ``entities.toml`` once per process."""
    raw = load_data("entities")
    aliases: dict[str, tuple[str, str]] = {}
    for group in raw["alias"]:
        for form in [group["name"], *group["forms"]]:
            aliases[norm(form)] = (group["name"], group["type"])
    demonyms = {norm(k): v for k, v in raw["demonyms"].items()}
    roles = tuple(
        Role(r["key"], tuple(norm(f) for f in r["forms"]), tuple(r.get("refers_to", ())))
        for r in raw["role"]
    )
    forms = sorted({f for r in roles for f in r.forms}, key=len, reverse=True)
    role_pattern = re.compile(
        r"\b(?P<det>[Tt]he|[Hh]is|[Hh]er|[Tt]heir|(?-i:[A-Z][\w.]*\s+)?[A-Z][\w.]*['\u2019]s)\s+"
        r"(?P<mods>(?:[\w.\-]+\s+){0,3}?)"
        r"(?P<role>" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms) + r")\b",
        re.IGNORECASE,
    )
    # A capitalised title right before a name the model missed ("Minister of National
    # Defense Li Shangfu"): 1-3 capitalised words after a role form or a person prefix.
    triggers = sorted(
        {f for r in roles for f in r.forms} | {p.lower() for p in raw["titles"]["person_prefixes"]
                                               if p.endswith(".") or p in ("Sir", "Dame")},
        key=len, reverse=True,
    )
    title_pattern = re.compile(
        r"\b(?i:" + "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in triggers) + r")"
        r"(?<=[\w.])[ \t]+(?P<name>[A-Z][a-z'\u2019\-]+(?:[ \t]+[A-Z][a-z'\u2019\-]+){0,2})\b"
    )
    cues = raw["metonym_cues"]
    return Knowledge(
        aliases=aliases,
        metonyms={k: v for k, v in raw["metonyms"].items()},
        place_before=tuple(c.lower() for c in cues["place_before"]),
        place_after=tuple(cues["place_after"]),
        demonyms=demonyms,
        country_names={norm(c): c for c in demonyms.values()},
        roles=roles,
        role_pattern=role_pattern,
        title_words=frozenset(w.lower() for w in raw["titles"]["lowercase_words"]),
        person_nouns=frozenset(w.lower() for w in raw["titles"]["person_nouns"]),
        person_prefixes=frozenset(raw["titles"]["person_prefixes"]),
        junk=frozenset(norm(j) for j in raw["junk"]["spans"]),
        pronouns=frozenset(raw["junk"]["pronouns"]),
        place_words=frozenset(raw["junk"]["place_words"]),
        org_words=frozenset(raw["junk"]["org_words"]),
        title_pattern=title_pattern,
    )


# -- spans ------------------------------------------------------------------------------------


@dataclass
class Span:
    """An entity span of the NER (or one we made), with character offsets into the article."""

    text: str
    label: str
    start: int
    end: int


@dataclass
class _Group:
    name: str
    type: str
    spans: list[Span] = field(default_factory=list)
    extra: list[tuple[str, int, int]] = field(default_factory=list)  # role mentions
    descriptors: list[str] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    bare_roles: set[str] = field(default_factory=set)  # roles of a title naming no country
    countries: set[str] = field(default_factory=set)
    fixed_name: bool = False


def clean_span(text: str, span: Span, kb: Knowledge | None = None) -> Span | None:  # noqa: C901
    """Trim a raw NER span ("the", "'s", punctuation, titles before names); None if junk.

    Kept whole: one trimming rule per branch, applied in order to the same span.
    """
    kb = kb or knowledge()
    if span.label not in ENTITY_LABELS:
        return None
    s, e = span.start, span.end
    nl = text.find("\n", s, e)
    if nl != -1:
        e = nl
    while True:
        before = (s, e)
        while s < e and text[s] in _STRIP_CHARS:
            s += 1
        while e > s and text[e - 1] in _STRIP_CHARS:
            e -= 1
        m = _POSSESSIVE.search(text, s, e)
        if m and e - s > 3:
            e = m.start()
        if text[s:e].lower().startswith("the "):
            s += 4
        if e > s and text[e - 1] == "." and not _ABBREV_TAIL.search(text, s, e):
            e -= 1
        words = text[s:e].split(" ")
        if len(words) > 1 and words[-1].lower() in _CONNECTORS:
            e -= len(words[-1]) + 1
        if span.label == "PERSON":
            if len(words) >= 2 and words[0] in kb.person_prefixes:
                s += len(words[0]) + 1
            inner = re.search(r"['\u2019]s\s", text[s:e])
            if inner:
                e = s + inner.start()
        else:  # "Academy's museum": the owner is the name, not what it owns
            inner = re.search(r"['\u2019]s\s+(?=[a-z])", text[s:e])
            if inner:
                e = s + inner.start()
        if (s, e) == before:
            break
    if span.label == "PERSON" and (tail := _HYPHEN_TAIL.match(text, e)):
        e = tail.end()  # "Moon Jae" of "Moon Jae-in": the model stopped at the hyphen
    t = text[s:e]
    if len(t) < 2 or not any(c.isupper() for c in t) or not any(c.isalpha() for c in t):
        return None
    if norm(t) in kb.junk or len(t.split()) > MAX_NAME_TOKENS:
        return None
    if t.isupper() and len(t) > 12:  # shouted headline fragments
        return None
    label = span.label
    if label == "PERSON":
        tokens = set(t.split())
        if tokens & kb.place_words:
            label = "GPE"
        elif tokens & kb.org_words:
            label = "ORG"
    return Span(t, label, s, e)


def rescue_names(text: str, spans: list[Span], kb: Knowledge | None = None) -> list[Span]:
    """PERSON spans for names right after a capitalised title that the NER missed.

    "Minister of National Defense Li Shangfu" -> "Li Shangfu"; only where no span covers it.
    """
    kb = kb or knowledge()
    covered = sorted((sp.start, sp.end) for sp in spans)
    out: list[Span] = []
    for m in kb.title_pattern.finditer(text):
        if not m.group(0)[0].isupper():
            continue
        words = m.group("name").split()
        keep: list[str] = []
        for w in words:
            if w in kb.person_prefixes or w in kb.org_words or w in kb.place_words or (
                    norm(w) in kb.demonyms or norm(w) in kb.title_words):
                break
            keep.append(w)
        if not keep:
            continue
        s = m.start("name")
        e = s + len(" ".join(keep)) if "\n" not in m.group("name") else s + len(keep[0])
        if any(a < e and s < b for a, b in covered):
            continue
        if norm(text[s:e]) in kb.aliases:
            continue
        out.append(Span(text[s:e], "PERSON", s, e))
    return out


def _is_place_use(text: str, span: Span, kb: Knowledge) -> bool:
    before = text[max(0, span.start - 40) : span.start].lower().rstrip()
    words = before.split()
    if words and any(before.endswith(" " + c) or before == c for c in kb.place_before):
        return True
    after = text[span.end : span.end + 20]
    after = after.lstrip(", ").split(" ", 1)[0] if after.strip() else ""
    return after.rstrip(".,") in {a.rstrip(".") for a in kb.place_after}


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", _POSSESSIVE.sub("", name.translate(_APOS)))
             if w and w.lower() not in _CONNECTORS]
    return "".join(w[0] for w in words if w[0].isupper())


# -- resolution within one article --------------------------------------------------------


def resolve_entities(  # noqa: C901
    text: str, sentences: list[Sentence], spans: Iterable[Span]
) -> tuple[list[Entity], list[Mention]]:
    """Merge one article's NER spans into entities and mentions (see the module docstring).

    ``spans`` are raw NER spans with offsets into ``text``; returns entities (most mentioned
    first) and mentions (in text order, pronouns included with their antecedent's key).

    Kept whole: the merge passes (aliases, surnames, roles, pronouns) share the tables built at
    its top and run in order.
    """
    kb = knowledge()
    starts = [s.start for s in sentences]

    def sentence_of(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    cleaned = [c for sp in spans if (c := clean_span(text, sp, kb)) is not None]
    cleaned = _join_nicknames(text, cleaned)
    cleaned += rescue_names(text, cleaned, kb)
    cleaned.sort(key=lambda sp: sp.start)

    # Full person names (two or more tokens) and the tokens that may stand for them.
    persons: dict[str, str] = {}  # norm(full name) -> display name
    for sp in cleaned:
        if sp.label == "PERSON" and len(sp.text.split()) >= 2 and norm(sp.text) not in kb.aliases:
            persons.setdefault(norm(sp.text), sp.text)
    person_tokens: dict[str, list[str]] = defaultdict(list)
    for key in persons:
        toks = key.split()
        for tok in (toks[-1], toks[0]):
            if key not in person_tokens[tok]:
                person_tokens[tok].append(key)

    # Headline title case makes spans like "Putin Welcomes China": keep the person's name.
    fixed: list[Span] = []
    for sp in cleaned:
        first = sp.text.split()[0]
        if (sp.label != "PERSON" and len(sp.text.split()) >= 2 and norm(first) in person_tokens
                and norm(sp.text) not in kb.aliases):
            fixed.append(Span(first, "PERSON", sp.start, sp.start + len(first)))
        else:
            fixed.append(sp)
    cleaned = fixed

    # Bare surnames the model missed ("Brandt later flew home."), once the full name is known.
    cleaned += _bare_name_spans(text, cleaned, person_tokens, kb)
    cleaned.sort(key=lambda sp: sp.start)

    # Acronyms written out in the text: "the People's Liberation Army (PLA)".
    acronyms: dict[str, str] = {}
    for sp in cleaned:
        m = _ACRONYM_DEF.match(text, sp.end)
        if m and len(sp.text.split()) >= 2:
            acronyms[norm(m.group(1))] = sp.text

    # "Mr. Trump" used again and again before "Melania Trump" is named, or once in the
    # sentence that names her ("President Trump and Melania Trump"): someone else.
    first_full: dict[str, int] = {}
    for sp in cleaned:
        first_full.setdefault(norm(sp.text), sp.start)
    before_full: Counter[tuple[str, str]] = Counter()
    for sp in cleaned:
        normed = norm(sp.text)
        for full in person_tokens.get(normed, []) if " " not in normed else []:
            if sp.start < first_full.get(full, 0):
                same = sentence_of(sp.start) == sentence_of(first_full[full])
                before_full[(normed, full)] += OTHER_PERSON_USES if same else 1

    # Full names the text introduces as relatives sharing a surname ("Malia and Sasha Obama").
    relatives = {norm(sp.text) for sp in cleaned if sp.label == "PERSON" and " " in sp.text
                 and _COORDINATED_FIRST.search(text[max(0, sp.start - 40):sp.start])}

    def titled(sp: Span) -> bool:
        """Whether an office title stands right before the name ("President Obama")."""
        return _title_before(text, starts[sentence_of(sp.start)] if starts else 0, sp.start,
                             kb, set()) is not None

    def other_person(sp: Span, full: str) -> bool:
        """A titled one-word name ("President Dahl") is not a relative sharing the surname."""
        return full in relatives and titled(sp)

    groups: dict[str, _Group] = {}
    person_last_seen: dict[str, int] = {}

    def group_for(name: str, typ: str, fixed_name: bool = False) -> _Group:
        k = norm(name)
        g = groups.get(k)
        if g is None:
            g = groups[k] = _Group(name=name, type=typ, fixed_name=fixed_name)
        return g

    for sp in cleaned:
        n = norm(sp.text)
        if n in acronyms:  # "PLA" after "the People's Liberation Army (PLA)"
            long_form = acronyms[n]
            if norm(long_form) in kb.aliases:
                name, typ = kb.aliases[norm(long_form)]
                group_for(name, typ, fixed_name=True).spans.append(sp)
            else:
                group_for(long_form, "ORG").spans.append(sp)
            continue
        if n in kb.aliases:
            name, typ = kb.aliases[n]
            if sp.text in kb.metonyms and _is_place_use(text, sp, kb):
                group_for(sp.text, "GPE").spans.append(sp)
            else:
                group_for(name, typ, fixed_name=True).spans.append(sp)
        elif sp.text in kb.metonyms and sp.label in ("GPE", "LOC", "ORG"):
            if _is_place_use(text, sp, kb):
                group_for(sp.text, "GPE").spans.append(sp)
            else:
                country = kb.metonyms[sp.text]
                typ = kb.aliases.get(norm(country), (country, "GPE"))[1]
                group_for(country, typ, fixed_name=True).spans.append(sp)
        elif n in persons:
            group_for(persons[n], "PERSON").spans.append(sp)
            person_last_seen[n] = sp.start
        elif len(n.split()) == 1 and (surname := _known_surname(n, person_tokens)) \
                in person_tokens and surname not in kb.demonyms and (
                cands := [c for c in person_tokens[surname]
                          if before_full[(surname, c)] < OTHER_PERSON_USES
                          and not other_person(sp, c)]):
            # prefer a surname (last-token) match, then the full form seen most recently
            last = [c for c in cands if c.split()[-1] == surname] or cands
            seen = [c for c in last if c in person_last_seen]
            best = max(seen, key=person_last_seen.__getitem__) if seen else last[0]
            group_for(persons[best], "PERSON").spans.append(sp)
        elif sp.text.replace(".", "").isupper() and len(n) <= 6 and sp.label in ("ORG", "GPE"):
            target = next(
                (o.text for o in cleaned
                 if len(o.text.split()) >= 2 and _initials(o.text) == sp.text and o.label == "ORG"),
                None,
            )
            group_for(target or sp.text, "ORG").spans.append(sp)
        else:
            group_for(sp.text, sp.label).spans.append(sp)

    _set_types_and_names(groups)
    person_groups = [g for g in groups.values() if g.type == "PERSON"]
    _learn_titles(text, sentences, person_groups, kb)
    taken = {(sp.start, sp.end) for g in person_groups for sp in g.spans}
    _resolve_roles(text, sentences, person_groups, taken, kb)

    entities: list[Entity] = []
    mentions: list[Mention] = []
    used_keys: set[str] = set()
    for g in groups.values():
        key = slug(g.name)
        if key in used_keys:  # two groups whose names slug alike: the type tells them apart
            key = key + "-" + slug(g.type)
        used_keys.add(key)
        forms: list[tuple[str, int, int]] = [(sp.text, sp.start, sp.end) for sp in g.spans]
        forms += g.extra
        forms.sort(key=lambda f: f[1])
        aliases: list[str] = []
        for form, s, e in forms:
            if form not in aliases:
                aliases.append(form)
            mentions.append(Mention(entity=key, text=form, start=s, end=e, sentence=sentence_of(s)))
        entities.append(
            Entity(key=key, name=g.name, type=g.type, aliases=aliases, mentions=len(forms),
                   descriptors=list(dict.fromkeys(g.descriptors)))
        )
    mentions.sort(key=lambda m: m.start)
    person_keys = {e.key for e in entities if e.type == "PERSON"}
    mentions = _add_pronouns(text, sentences, mentions, person_keys, kb)
    entities.sort(key=lambda e: (-e.mentions, e.key))
    return entities, mentions


def _join_nicknames(text: str, spans: list[Span]) -> list[Span]:
    """A person's name written with a nickname in quote marks ('William "Bo" Hale') -> one
    PERSON span over all of it, named "William Hale", in place of the pieces the NER made
    of it ('William "Bo', "Hale"); other spans are kept."""
    joined: list[Span] = []
    for m in _NICKNAMED.finditer(text):
        if any(sp.label == "PERSON" and sp.start < m.end() and m.start() < sp.end
               for sp in spans):
            joined.append(Span(f"{m.group(1)} {m.group(3)}", "PERSON", m.start(), m.end()))
    if not joined:
        return spans
    kept = [sp for sp in spans if not any(j.start < sp.end and sp.start < j.end for j in joined)]
    return sorted(kept + joined, key=lambda sp: sp.start)


def _known_surname(token: str, person_tokens: dict[str, list[str]]) -> str:
    """A one-word name that misspells a known person's surname by one vowel ("Harlen" for
    "Harlan", five letters or more; the NER may call it anything): that surname, where
    exactly one is so near; else ``token`` itself."""
    if token in person_tokens or len(token) < 5:
        return token
    near = {t for t, keys in person_tokens.items() if len(t) == len(token)
            and any(k.split()[-1] == t for k in keys)
            and sum(a != b for a, b in zip(t, token, strict=True)) == 1
            and all(a == b or {a, b} <= _VOWELS for a, b in zip(t, token, strict=True))}
    return near.pop() if len(near) == 1 else token


def _bare_name_spans(
    text: str, spans: list[Span], person_tokens: dict[str, list[str]], kb: Knowledge
) -> list[Span]:
    # surnames (last tokens) and any token the model itself tagged alone as a person ("Li")
    alone = {norm(sp.text) for sp in spans if sp.label == "PERSON" and " " not in sp.text}
    tokens = [t for t, keys in person_tokens.items()
              if (t in alone or any(k.split()[-1] == t for k in keys))
              and len(t) >= 2 and t not in kb.aliases and t not in kb.demonyms
              and t not in kb.title_words]
    if not tokens:
        return []
    covered = sorted((sp.start, sp.end) for sp in spans)
    starts = [a for a, _ in covered]
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in tokens) + r")\b", re.IGNORECASE)
    out: list[Span] = []
    for m in pattern.finditer(text):
        word = m.group(0)
        if not word[0].isupper() or word.isupper() and len(word) > 2:
            continue
        j = bisect.bisect_right(starts, m.start()) - 1
        if j >= 0 and covered[j][1] > m.start():
            continue
        if j + 1 < len(covered) and covered[j + 1][0] < m.end():
            continue
        out.append(Span(word, "PERSON", m.start(), m.end()))
    return out


def _set_types_and_names(groups: dict[str, _Group]) -> None:
    for g in groups.values():
        if not g.fixed_name and g.spans:
            labels = Counter(sp.label for sp in g.spans)
            if g.type != "PERSON":
                g.type = labels.most_common(1)[0][0]
            forms = Counter(sp.text for sp in g.spans)
            if g.type == "PERSON":
                g.name = max(forms, key=lambda f: (len(f.split()), not f.isupper(), forms[f],
                                                   len(f)))
            else:  # "PORT CALDERA" (a dateline) only when no other spelling is seen
                g.name = max(forms, key=lambda f: (not (f.isupper() and len(f) > 4), forms[f],
                                                   len(f)))


def _title_before(
    text: str, sent_start: int, pos: int, kb: Knowledge, names: set[str]
) -> str | None:
    """The title right before a name ("Chinese Defense Minister"), or None."""
    window = text[max(sent_start, pos - 120) : pos]
    toks = _WORD.findall(window)
    picked: list[str] = []
    for tok in reversed(toks):
        bare = tok.rstrip(".")
        if not bare or not (bare[0].isalpha()) or norm(bare) in names:
            break
        if bare[0].isupper() or bare.lower() in kb.title_words:
            picked.append(tok)
            continue
        break
    while picked and picked[-1].lower() in _CONNECTORS:
        picked.pop()
    while picked and picked[0].lower() in _CONNECTORS:
        picked.pop(0)
    if not picked:
        return None
    picked = [p for p in picked if p not in _COURTESY]  # "Mr." is no title
    title = " ".join(reversed(picked))
    if kb.roles_in(title) or any(p in kb.person_prefixes for p in picked):
        return title
    return None


def _learn_titles(
    text: str, sentences: list[Sentence], persons: list[_Group], kb: Knowledge
) -> None:
    starts = [s.start for s in sentences]
    names = {norm(tok) for g in persons for sp in g.spans for tok in sp.text.split()}
    for g in persons:
        for sp in g.spans:
            i = max(0, bisect.bisect_right(starts, sp.start) - 1)
            sent_start = sentences[i].start if sentences else 0
            title = _title_before(text, sent_start, sp.start, kb, names)
            if title:
                g.descriptors.append(title)
                of_place = _OF_PLACE.match(text, sp.end)  # "President Emmanuel Macron of France"
                _note_role(g, title + (of_place.group(0) if of_place else ""), kb)
            m = _APPOSITION.match(text, sp.end) or _DASH_APPOSITION.match(text, sp.end)
            if m and kb.person_nouns & {w.lower() for w in _WORD.findall(m.group(1))}:
                desc = m.group(1).strip()
                g.descriptors.append(desc)
                _note_role(g, desc, kb)


def _note_role(g: _Group, phrase: str, kb: Knowledge) -> None:
    roles = kb.roles_in(phrase)
    if roles:
        g.roles |= roles
        countries = kb.countries_in(phrase)
        g.countries |= countries
        if not countries:
            g.bare_roles |= roles


def _resolve_roles(
    text: str,
    sentences: list[Sentence],
    persons: list[_Group],
    taken: set[tuple[int, int]],
    kb: Knowledge,
) -> None:
    """Role nouns ("the Russian leader") -> the person of the article holding that title."""
    if not persons:
        return
    starts = sorted((sp.start, sp.end, g) for g in persons for sp in g.spans)
    start_pos = [s for s, _, _ in starts]
    for sent in sentences:
        for m in kb.role_pattern.finditer(sent.text):
            s, e = sent.start + m.start(), sent.start + m.end()
            if any(a < e and s < b for a, b in taken):
                continue
            phrase = m.group(0)
            mods = m.group("mods").split()
            if any(not (w[0].isupper() or norm(w) in kb.title_words or norm(w) in kb.demonyms)
                   for w in mods):
                continue
            # "Russia's defense minister, Sergei Shoigu, said": a title, not a separate mention
            after = re.match(r",?\s+", text[e : e + 3])
            nxt = e + (after.end() if after else 0)
            j = bisect.bisect_left(start_pos, nxt)
            if j < len(starts) and start_pos[j] == nxt:
                follow = text[starts[j][1] : starts[j][1] + 1]
                if not after or "," not in after.group(0) or follow in (",", ")", "") or (
                    follow == "." and text[starts[j][1] :].strip() == "."
                ):
                    g = starts[j][2]
                    g.descriptors.append(phrase)
                    _note_role(g, phrase, kb)
                    continue
            role = kb.roles_in(m.group("role"))
            wanted = set().union(*(kb.matching_roles(r) for r in role)) if role else set()
            countries = kb.countries_in(m.group("det") + " " + m.group("mods"))
            if not countries and m.group("det").lower() in PRONOUN_DETERMINERS:
                continue  # "his adviser" is anyone's; "his Japanese counterpart" is Japan's
            of_place = _OF_PLACE.match(text, e)  # "the leader of Japan", not "of Japan's ally"
            if of_place and text[of_place.end() : of_place.end() + 1] not in ("'", "\u2019") \
                    and (of_countries := kb.countries_in(of_place.group(0))):
                countries |= of_countries
                phrase, e = phrase + of_place.group(0), of_place.end()
            cands = [g for g in persons if g.roles & wanted]
            if countries:  # "the North Korean leader": not the plain "President Trump"
                cands = [g for g in cands if g.countries & countries]
            # the title itself before a role it may stand for ("the dictator": the one
            # called dictator, not any president)
            cands = [g for g in cands if g.roles & role] or cands
            if not countries:  # "the president": who is plain "President", not "French ..."
                cands = [g for g in cands if g.bare_roles & wanted] or cands
            if len(cands) > 1:  # "the president": the one the article is about, if clear
                ranked = sorted(cands, key=lambda g: -len(g.spans))
                if len(ranked[0].spans) >= ROLE_DOMINANCE * len(ranked[1].spans):
                    cands = ranked[:1]
            if len(cands) == 1:
                cands[0].extra.append((phrase, s, e))


def _add_pronouns(
    text: str,
    sentences: list[Sentence],
    mentions: list[Mention],
    person_keys: set[str],
    kb: Knowledge,
) -> list[Mention]:
    """Third-person pronouns -> the latest person mentioned in this or the 2 sentences before."""
    people = [m for m in mentions if m.entity in person_keys]
    if not people:
        return mentions
    ends = [m.end for m in people]
    pattern = re.compile(r"\b(" + "|".join(sorted(kb.pronouns)) + r")\b", re.IGNORECASE)
    out = list(mentions)
    for sent in sentences:
        for pm in pattern.finditer(sent.text):
            s = sent.start + pm.start()
            j = bisect.bisect_right(ends, s) - 1
            if j < 0:
                continue
            ante = people[j]
            if sent.index - ante.sentence > 2:
                continue
            out.append(Mention(entity=ante.entity, text=pm.group(0), start=s,
                               end=sent.start + pm.end(), sentence=sent.index))
    out.sort(key=lambda m: m.start)
    return out


# -- across articles --------------------------------------------------------------------------


# An indexed full person name: (name token, entity key, name, ISO day of the article or None).
NameRow = tuple[str, str, str, str | None]


def person_name_rows(analysis: ArticleAnalysis, published: str | None) -> list[NameRow]:
    """The full person names (2+ words) of one analysed article, by first and last word."""
    day = _day(published)
    iso = day.isoformat() if day else None
    rows: list[NameRow] = []
    for ent in analysis.entities:
        toks = ent.name.split()
        if ent.type == "PERSON" and len(toks) >= 2:
            rows += [(tok, ent.key, ent.name, iso) for tok in sorted({norm(toks[0]),
                                                                       norm(toks[-1])})]
    return rows


def surname_tokens(analysis: ArticleAnalysis) -> set[str]:
    """Tokens of the surname-only people of ``analysis`` ("Baxter"), empty if none."""
    return {norm(e.name) for e in analysis.entities
            if e.type == "PERSON" and len(e.name.split()) == 1}


@dataclass
class NameIndex:
    """Full person names seen in a run, by name token, with the dates of their articles."""

    by_token: dict[str, dict[str, tuple[str, list[date | None]]]] = field(
        default_factory=lambda: defaultdict(dict)
    )

    def add(self, analysis: ArticleAnalysis, published: str | None) -> None:
        """Index the full person names of one analysed article."""
        self.add_rows(person_name_rows(analysis, published))

    def add_rows(self, rows: Iterable[NameRow]) -> None:
        """Index rows of ``person_name_rows`` (one per article, token and name)."""
        for tok, key, name, day in rows:
            entry = self.by_token[tok].setdefault(key, (name, []))
            entry[1].append(_day(day))

    def lookup(self, token: str, published: str | None) -> tuple[str, str] | None:
        """The unique (key, name) with this name token seen within the window, or None."""
        day = _day(published)
        found = []
        for key, (name, days) in self.by_token.get(norm(token), {}).items():
            if day is None or any(d is None or abs((d - day).days) <= LINK_WINDOW_DAYS
                                  for d in days):
                found.append((key, name))
        return found[0] if len(found) == 1 else None


def _day(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        return None


def link_surnames(analysis: ArticleAnalysis, published: str | None, index: NameIndex) -> bool:
    """Give a surname-only person of ``analysis`` the key of the full name found in ``index``.

    Changes ``analysis`` in place (entity key/name/aliases, mention keys); returns whether
    anything changed.
    """
    changed = False
    by_key = {e.key: e for e in analysis.entities}
    for ent in list(analysis.entities):
        if ent.type != "PERSON" or len(ent.name.split()) != 1:
            continue
        hit = index.lookup(ent.name, published)
        if hit is None or hit[0] == ent.key:
            continue
        new_key, new_name = hit
        old_key, old_name = ent.key, ent.name
        target = by_key.get(new_key)
        if target is not None:  # the article already has the full name: merge into it
            target.aliases += [a for a in ent.aliases if a not in target.aliases]
            target.mentions += ent.mentions
            target.descriptors += [d for d in ent.descriptors if d not in target.descriptors]
            analysis.entities.remove(ent)
        else:
            ent.key, ent.name = new_key, new_name
            by_key[new_key] = ent
        for m in analysis.mentions:
            if m.entity == old_key:
                m.entity = new_key
        for q in analysis.quotes:  # quotes name their speaker by its display name
            if q.speaker_entity == old_key or (q.speaker == old_name
                                                and q.speaker_type == "person"):
                q.speaker, q.speaker_entity = new_name, new_key
        changed = True
    return changed


def link_across(items: Iterable[tuple[ArticleAnalysis, str | None]]) -> list[int]:
    """Link surname-only people across ``(analysis, published)`` pairs; returns the positions
    of the analyses changed (in place).

    Every full name of every pair is indexed before any surname is looked up, so the outcome
    does not depend on the pairs' order: "Karic" goes to "Zoran Karic" only if no other
    "... Karic" appears within the window anywhere in ``items``.
    """
    pairs = list(items)
    index = NameIndex()
    for analysis, published in pairs:
        index.add(analysis, published)
    return [i for i, (analysis, published) in enumerate(pairs)
            if link_surnames(analysis, published, index)]
