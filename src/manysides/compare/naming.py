"""How outlets name the same referent: a person ("dictator Xi Jinping" / "President Xi"),
an event tied to a place ("invasion of Ukraine" / "Ukraine crisis"), a relationship between
two places ("China-Russia relations" / "Sino-Russian ties").

Referents come from the analysis, not from a list: persons and organisations are entity keys
(aliases already merged); events and relationships are noun phrases whose head is an event or
relation noun (``naming.toml``) attached to the story's places (its GPE entities and their
demonyms) by a modifier ("Ukraine crisis", "China-Russia relations") or a preposition ("war in
Ukraine").  A bare head later in the same article ("the invasion") co-refers with the last
anchored phrase of that head.

Entity referents join mentions by reference across the story's outlets (``entity_referents``):
surnames and names differing by initials to the full name, nationalities and short forms to
their country ("Syrian", "the North"), role nouns an article leaves unresolved to the person
the story's titles give that office, a leader's government ("the Trump administration") to
the country, a seat of government ("the Kremlin") to the country.  The story's things and
the actions on them ("the lawsuit", "suspend all nuclear tests") are ``compare.things``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from functools import lru_cache

from manysides.analyze.entities import (
    PRONOUN_DETERMINERS,
    ROLE_DOMINANCE,
    knowledge,
    norm,
    slug,
)
from manysides.compare.framing import outlet_country
from manysides.compare.naming_text import (
    DEMONYM,
    INITIALS,
    MAX_LABEL_WORDS,
    PHRASE_END_WORDS,
    POSSESSIVE,
    PREFIXES,
    SPACES,
    demonyms,
    most_named_first,
    place_forms,
    stopwords,
    terms_by_outlet,
)
from manysides.compare.things import action_referents, thing_heads, thing_referents
from manysides.datafiles import load_data
from manysides.lexicons import literal_alternation
from manysides.models import Article, Naming

log = logging.getLogger(__name__)

# Entity types whose mentions make naming referents (people, organisations, countries,
# nationalities and political groups).
REFERENT_TYPES = ("PERSON", "ORG", "GPE", "NORP")
PRONOUNS = {"he", "she", "him", "her", "his", "hers", "it", "its", "they", "them", "their",
            "we", "us", "our", "i", "me", "my", "who", "whom", "whose"}
_TOKEN = re.compile(r"[A-Za-z][\w.'\u2019-]*|\S")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_THE_BEFORE = re.compile(r"(?:^|\s)the\s$", re.IGNORECASE)
# "President Moon Jae-in of South Korea": the country after a titled name is part of its term.
_OF_PLACE = re.compile(r" of (?:the )?(?P<place>[A-Z][\w.]*(?: [A-Z][\w.]*){0,2})")
_GROUP_HEAD = re.compile(r" (?P<word>[a-z][a-z-]{2,})\b")
_NOT_NOUN = re.compile(r"^(?:is|was|has|does|says|was|its|this|thus|always|perhaps)$")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# After a place name: the end of its noun phrase (punctuation or a function word) ...
_ENDS_PHRASE = re.compile(rf"(?:\s*[,.;:!?)\u201d\"]|\s*$|\s+(?:{PHRASE_END_WORDS})\b)")
# ... unless it modifies a compound ("the U.S.-led forces").
_COMPOUND = re.compile(r"[-\u2013/]")
_HYPHEN_TAIL = re.compile(r"-[a-z]{1,4}$")
# A leader's government after the name ("the Trump administration", "Abe's government"), and
# "the administration" alone; the offices of a head of state or government.
_GOVERNMENT = re.compile(r"(?:['\u2019]s)?\s+(?:administration|government|regime|cabinet)\b")
_PAST_TITLE = re.compile(r"\b(?i:former|then|ex)\b")
_THE_GOVERNMENT = re.compile(r"\b[Tt]he\s+administration\b")
_HEAD_ROLES = frozenset({"president", "prime minister", "chancellor", "leader", "dictator"})



def _phrase_regex(heads: list[str], places: dict[str, str], preps: list[str]) -> re.Pattern[str]:
    return _compiled_phrase_regex(tuple(heads), tuple(places), tuple(preps))


@lru_cache(maxsize=8)
def _head_regex(heads: tuple[str, ...]) -> re.Pattern[str]:
    """Any of a kind's heads as a word: a text without one has no phrase of that kind."""
    return re.compile(rf"\b(?:{literal_alternation(sorted(heads, key=len, reverse=True))})\b")


@lru_cache(maxsize=1024)
def _compiled_phrase_regex(
    heads: tuple[str, ...], places: tuple[str, ...], preps: tuple[str, ...]
) -> re.Pattern[str]:
    """The event/relationship phrase regex (cached: compiling it costs milliseconds; room for
    a story compared again after a pass over many others)."""
    place = literal_alternation(sorted(places, key=len, reverse=True))
    head = literal_alternation(sorted(heads, key=len, reverse=True))
    mod = rf"(?:{place})(?:(?:[-\u2013/]|\s+and\s+)(?:{place}))*(?:['\u2019]s)?"
    prep = "|".join(preps)
    stop = literal_alternation(sorted(stopwords()))
    adj = rf"(?:\b(?!(?:{stop})\b)(?![a-z]+ed\b)(?!began\b)[a-z][\w-]+\s+)"
    return re.compile(
        rf"(?P<mod>\b{mod}\s+)?(?P<adj>{adj}{{0,2}}?)(?P<head>\b(?:{head})\b)"
        rf"(?P<pp>\s+(?:{prep}|between)\s+(?:the\s+)?(?:{mod}))?",
    )


def _phrase_matches(
    articles: list[Article], heads: list[str], places: dict[str, str], preps: list[str]
) -> list[tuple[Article, list[re.Match[str]]]]:
    """Each article that names one of ``heads``, with its phrase matches (the phrase regex is
    compiled only when some article does)."""
    with_head = [a for a in articles if _head_regex(tuple(heads)).search(a.text)]
    if not with_head:
        return []
    regex = _phrase_regex(heads, places, preps)
    return [(a, list(regex.finditer(a.text))) for a in with_head]


def _places_in(text: str, places: dict[str, str]) -> list[str]:
    found = []
    for form in sorted(places, key=len, reverse=True):
        if places[form] not in found and _form_regex(form).search(text):
            found.append(places[form])
    return found


@lru_cache(maxsize=256)
def _bare_head_regex(head: str) -> re.Pattern[str]:
    """A bare head pointing back to an anchored phrase ("the invasion", "this war")."""
    return re.compile(rf"\b(?:the|this|that)\s+{re.escape(head)}\b")


@lru_cache(maxsize=4096)
def _form_regex(form: str) -> re.Pattern[str]:
    """A place form as a whole word ("Russia" not in "Russian")."""
    return re.compile(rf"(?<![\w]){re.escape(form)}(?![a-z])")


def phrase_referents(
    articles: list[Article], outlets: dict[str, str]
) -> list[Naming]:
    """Event and relationship referents with each outlet's terms (see module docstring).

    Kept whole: collecting and tabulating the phrases share the per-story counters.
    """
    places = place_forms(articles)
    if not places:
        return []
    cfg = load_data("naming")
    groups = {
        "event": (cfg["events"]["heads"], cfg["events"]["prepositions"]),
        "relationship": (cfg["relations"]["heads"], cfg["relations"]["prepositions"]
                         if "prepositions" in cfg["relations"] else ["between", "with"]),
    }
    pair_markers = [m.lower() for m in cfg["relations"].get("pair_markers", [])]
    raw: list[tuple[str, str, str, str, tuple[str, ...]]] = []
    for kind, (heads, preps) in groups.items():
        for a, matches in _phrase_matches(articles, heads, places, preps):
            last_by_head: dict[str, tuple[str, ...]] = {}
            for m in matches:
                head = m.group("head").lower()
                anchored = (m.group("mod") or "") + " " + (m.group("pp") or "")
                pl = tuple(_places_in(anchored, places))
                if kind == "relationship":
                    if len(pl) < 2:
                        before = a.text[max(0, m.start() - 30) : m.start()].lower()
                        after = a.text[m.end() : m.end() + 30].lower()
                        if any(p in before or p in after for p in pair_markers) or (
                            m.group("adj") and "bilateral" in m.group("adj")
                        ):
                            pl = ("*pair*",)
                        else:
                            continue
                    else:
                        pl = tuple(sorted(pl))
                term = SPACES.sub(" ", m.group(0)).strip()
                if pl:
                    last_by_head[head] = pl
                    raw.append((kind, a.id, term, head, pl))
                elif head in last_by_head and _bare_head_regex(head).search(
                    a.text[m.start() - 6 : m.end()]
                ):
                    raw.append((kind, a.id, head, head, last_by_head[head]))
    # an event referent is its most frequent place; "Russia-Ukraine conflict" joins "Ukraine"
    place_freq = Counter(p for kind, _, _, _, pl in raw if kind == "event" for p in pl)
    pair_freq = Counter(pl for kind, _, _, _, pl in raw if kind == "relationship"
                        and pl != ("*pair*",))
    top_pair = pair_freq.most_common(1)[0][0] if pair_freq else None
    table: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    heads_of: dict[tuple[str, str], dict[str, Counter[str]]] = defaultdict(
        lambda: defaultdict(Counter)
    )
    for kind, article_id, term, head, pl in raw:
        if kind == "event":
            label = f"event: {max(pl, key=lambda p: (place_freq[p], p))}"
        else:
            pair = top_pair if pl == ("*pair*",) else pl
            if pair is None:
                continue
            label = f"relationship: {'-'.join(pair)}"
        table[(kind, label)][outlets[article_id]][term] += 1
        heads_of[(kind, label)][outlets[article_id]][head] += 1
    out = []
    for (kind, label), by_outlet in table.items():
        if len(by_outlet) < 2:
            continue
        out.append(Naming(
            referent=label,
            kind=kind,
            by_outlet=terms_by_outlet(by_outlet),
            heads={o: dict(h.most_common()) for o, h in sorted(heads_of[(kind, label)].items())},
        ))
    return most_named_first(out)


def _label(text: str, start: int, titles: set[str], stop: set[str]) -> str:
    """The label words right before a name ("dictator", "Chinese President", "Mr.")."""
    kb = knowledge()
    tokens = [t.group(0) for t in _TOKEN.finditer(text[max(0, start - 120) : start])]
    words: list[str] = []
    for pos in range(len(tokens) - 1, -1, -1):
        w = tokens[pos]
        lw = w.lower().strip(".")
        if len(words) >= MAX_LABEL_WORDS or not w[0].isalpha():
            break
        if w.endswith(".") and not (w in PREFIXES or INITIALS.fullmatch(w)):
            break  # "AP." ends the sentence before: no label
        if lw in titles or DEMONYM.match(w) or w in ("U.S.", "US", "UK") or w in PREFIXES \
                or (lw.split("-")[0] in titles and (lw.split("-")[-1] in titles
                                                    or DEMONYM.match(w.split("-")[-1]))) \
                or (w[0].isupper() and POSSESSIVE.search(w)
                    and kb.countries_in(" ".join(tokens[max(0, pos - 1) : pos + 1]))):
            words.insert(0, w)
        elif words and w.islower() and "-" in w.strip("-") and words[0].lower() in titles:
            words.insert(0, w)  # "newly-minted President", "long-serving Prime Minister"
        elif words and w[0].isupper() and lw not in stop:
            words.insert(0, w)  # "Minister of National Defense": capitalised parts of a title
        elif words and lw == "of" and pos > 0 and tokens[pos - 1][:1].isupper():
            words.insert(0, w)
        else:
            break
    while words and (words[0].lower() in ("of", "and") or words[0].lower() in stop):
        words.pop(0)
    return " ".join(words)


def _term(text: str, start: int, mention: str, titles: set[str], stop: set[str],
          places: set[int], kind: str = "PERSON") -> str:
    """How the article names the referent at a mention: its label words, the name, the "the"
    before them and a place after a titled name ("the former FBI director James Comey",
    "Mr. Trump", "the DNC", "President Moon Jae-in of South Korea"; ``places`` are the
    offsets where the article names a place); a role mention keeps its own article ("the
    president").  A nationality (``kind`` NORP) takes the noun it qualifies ("the Syrian regime",
    "Russian officials"): how an outlet labels a people or a government."""
    if _ARTICLE.match(mention):
        return SPACES.sub(" ", mention)
    end = start + len(mention)
    owner = kind == "GPE" and text[end : end + 2] in ("'s", "\u2019s")  # "Iran's leaders"
    compound = start > 0 and _COMPOUND.match(text, start - 1)  # "China-Russia military ties"
    head = _GROUP_HEAD.match(text, end + 2 * owner) \
        if kind in ("NORP", "GPE") and not compound else None
    if head and (owner or not mention.endswith("s")) and _is_group_noun(head.group("word"),
                                                                         kind == "GPE"):
        # "the Syrian regime", "Russian officials", "U.S. troops", "Iran's leaders"
        mention = text[start : head.end()]
    # "the U.S." ends its phrase or is an abbreviation that takes "the": the "the" before it
    # is its own (not in "the U.S.-led forces", "the China-Russia talks")
    whole = (bool(_ENDS_PHRASE.match(text, end)) or mention.replace(".", "").isupper()) \
        and not _COMPOUND.match(text, end)
    label = _label(text, start, titles, stop) or _title_apposed(text, start, end)
    term = f"{label} {mention}" if label else mention
    place = _OF_PLACE.match(text, start + len(mention))
    if label and place and place.start("place") in places:
        term += place.group(0)
    first = start - len(label) - (1 if label else 0)
    the = _THE_BEFORE.search(text[max(0, first - 4) : first])
    if the and (label or " " in mention or kind != "GPE" or whole):
        term = "the " + term
    return SPACES.sub(" ", term)


def _title_apposed(text: str, start: int, end: int) -> str:
    """A role phrase set off by commas right before a name ("North Korea's leader, Kim
    Jong-un, said"), with its comma, else "" (not "After talks with the president, Li
    said": the name must close the apposition)."""
    if text[max(0, start - 2) : start] != ", " or text[end : end + 1] not in (",", ")"):
        return ""
    window = text[max(0, start - 80) : start - 2]
    found = list(knowledge().role_pattern.finditer(window))
    return found[-1].group(0) + "," if found and found[-1].end() == len(window) else ""


def _is_group_noun(word: str, after_noun: bool = False) -> bool:
    """A collective noun of ``naming.toml`` or a plural ("officials", not "invasion"); after
    a noun (a place name: "Russia supports" is a verb) only plurals of person nouns
    ("Iran's leaders", "U.S. officials")."""
    if word in _group_heads():
        return True
    if after_noun:
        return word.endswith("s") and word[:-1] in knowledge().person_nouns
    return word.endswith("s") and not word.endswith(("ss", "us", "is")) \
        and not _NOT_NOUN.search(word)


@lru_cache(maxsize=1)
def _group_heads() -> frozenset[str]:
    return frozenset(load_data("naming")["groups"]["heads"])


def _referent_keys(articles: list[Article]) -> dict[str, str]:
    """Entity key -> the key of its referent in the story.

    A surname-only person ("Trump") joins the full name of the story ending in that surname
    ("Donald Trump"; the most named when several do); a nationality ("Chinese", "Iranians",
    "Syrian") joins its country where the story names the country; "the North" joins the
    one country of the story whose name it begins ("North Korea").
    """
    kb = knowledge()
    named: Counter[str] = Counter()
    people: dict[str, str] = {}
    places: dict[str, str] = {}  # GPE key -> name
    others: dict[str, str] = {}  # NORP and LOC keys -> name
    for a in articles:
        for e in a.analysis.entities if a.analysis else []:
            named[e.key] += e.mentions
            if e.type == "PERSON":
                people[e.key] = e.name
            elif e.type == "GPE":
                places[e.key] = e.name
            elif e.type in ("NORP", "LOC"):
                others[e.key] = e.name
    adjectives = {norm(f): slug(c) for f, c in kb.demonyms.items()}
    adjectives |= {norm(f): key for key, name in places.items() if " " not in name
                   for f in demonyms(name) if f != name}  # Syria -> Syrian
    countries = [(norm(name).split()[0], key) for key, name in places.items()
                 if " " in name and norm(name) in kb.country_names]
    nationalities: dict[str, str] = {}
    for key, name in (others | places).items():
        n = norm(name)
        if key in others and (country := adjectives.get(n) or adjectives.get(n.removesuffix("s"))):
            nationalities[key] = country
        elif len(hits := [c for w, c in countries if w == n]) == 1 and len(n) > 3:
            nationalities[key] = hits[0]  # "the North"
    # full names alike but for middle initials and a given name's hyphen tail ("Michael T.
    # Flynn" / "Michael Flynn", "Moon Jae-in" / "Moon Jae"): one person, the most named key
    by_core: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, name in people.items():
        if core := _name_core(name):
            by_core[core].append(key)
    out: dict[str, str] = {}
    for keys in by_core.values():
        top = max(keys, key=lambda k: (named[k], k))
        out.update({k: top for k in keys if k != top})
    by_surname: dict[str, set[str]] = defaultdict(set)
    for core, keys in by_core.items():
        by_surname[core[1]].add(out.get(keys[0], keys[0]))
    for key, name in people.items():
        if len(name.split()) == 1 and by_surname.get(norm(name)):
            out[key] = max(by_surname[norm(name)], key=lambda k: (named[k], k))
    out.update({k: c for k, c in nationalities.items() if c in places and k != c})
    out.update({k: c for k, c in _seats(articles).items() if c in places and k != c})
    return out


def _seats(articles: list[Article]) -> dict[str, str]:
    """Entity key of a seat of government ("the Kremlin", ``naming.toml`` [seats]) -> the key
    of its country."""
    seat_of = {norm(seat): slug(country) for seat, country in load_data("naming")["seats"].items()}
    return {e.key: seat_of[norm(_ARTICLE.sub("", e.name))] for a in articles
            for e in (a.analysis.entities if a.analysis else [])
            if norm(_ARTICLE.sub("", e.name)) in seat_of}


# A person's titles in the story: roles, countries and the words of the titles.
Held = dict[str, tuple[set[str], set[str], set[str]]]


def _titles_held(articles: list[Article], joined: dict[str, str]) -> Held:
    """Person referent key -> the roles, countries and words of the titles the story's
    articles give that person ("former FBI director", "U.S. President")."""
    kb = knowledge()
    held: Held = {}
    for a in articles:
        for e in a.analysis.entities if a.analysis else []:
            if e.type != "PERSON" or not e.descriptors:
                continue
            roles, countries, words = held.setdefault(joined.get(e.key, e.key),
                                                      (set(), set(), set()))
            for desc in e.descriptors:
                if found := kb.roles_in(desc):
                    roles |= found
                    countries |= kb.countries_in(desc)
                    words |= {norm(w) for w in desc.split()}
    return held


def _story_roles(articles: list[Article], joined: dict[str, str], held: Held,
                 outlets: dict[str, str]) -> dict[str, list[tuple[str, str]]]:
    """Role nouns an article left unresolved ("the former FBI director": the article never
    gives anyone that title) -> (person key, phrase), per article id: the person of the
    article whom the story's other articles give the title ("former FBI director James
    Comey"); its capitalised words ("FBI") and country must be in that title too, where a
    title naming no country is one of the outlet's own country ("President Trump" in a US
    outlet is "the American president").  Several such people: the one the article names
    most, if named ``ROLE_DOMINANCE`` times as often.
    """
    kb = knowledge()
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a in articles:
        if not a.analysis:
            continue
        home = outlet_country(outlets[a.id])
        persons = {e.key for e in a.analysis.entities if e.type == "PERSON"}
        spans = sorted((m.start, m.end) for m in a.analysis.mentions if m.entity in persons)
        named = Counter(joined.get(m.entity, m.entity) for m in a.analysis.mentions
                        if m.entity in persons)
        for m in kb.role_pattern.finditer(a.text):
            mods = m.group("mods").split()
            if any(not (w[0].isupper() or norm(w) in kb.title_words or norm(w) in kb.demonyms)
                   for w in mods) or _overlaps(spans, m.start(), m.end() + 2):
                continue  # a title right before a name is that name's, not a mention
            role = kb.roles_in(m.group("role"))
            wanted = set().union(*(kb.matching_roles(r) for r in role)) if role else set()
            det = "" if m.group("det").lower() == "the" else m.group("det")
            countries = kb.countries_in(f"{det} {m.group('mods')}")
            if not countries and det.lower() in PRONOUN_DETERMINERS:
                continue  # "his adviser" is anyone's; "his Japanese counterpart" is Japan's
            caps = {norm(POSSESSIVE.sub("", w)) for w in f"{det} {m.group('mods')}".split()
                    if w[0].isupper() and not kb.countries_in(w)}
            cands = [k for k in named if k in held and held[k][0] & wanted and (
                not countries or held[k][1] & countries or not held[k][1] and home in countries)
                and caps <= held[k][2]]
            cands = [k for k in cands if held[k][0] & role] or cands
            ranked = sorted(cands, key=lambda k: -named[k])
            if ranked and (len(ranked) == 1
                           or named[ranked[0]] >= ROLE_DOMINANCE * named[ranked[1]]):
                out[a.id].append((ranked[0], SPACES.sub(" ", m.group(0))))
    return out


def _governments(articles: list[Article], joined: dict[str, str], held: Held
                 ) -> dict[str, list[tuple[str, str]]]:
    """A leader's government ("the Trump administration", "Abe's government", "the Kim
    regime", and "the administration" alone) -> (country key, phrase), per article id: the
    country the story's titles make that person head of ("U.S. President Donald Trump");
    "the administration" alone: that of the head the article names most (``ROLE_DOMINANCE``
    times as often as the next)."""
    country_of = _heads_of_state(articles, held)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a in articles:
        if not a.analysis or not country_of:
            continue
        named: Counter[str] = Counter()
        for m in a.analysis.mentions:
            country = country_of.get(joined.get(m.entity, m.entity))
            if country is None or m.text.lower() in PRONOUNS:  # not "his government"
                continue
            named[country] += 1
            if gov := _GOVERNMENT.match(a.text, m.end):
                the = _THE_BEFORE.search(a.text[max(0, m.start - 4) : m.start])
                out[a.id].append((country, ("the " if the else "") + a.text[m.start : gov.end()]))
        ranked = named.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] >= ROLE_DOMINANCE * ranked[1][1]):
            out[a.id] += [(ranked[0][0], SPACES.sub(" ", m.group(0)).lower())
                          for m in _THE_GOVERNMENT.finditer(a.text)]
    return out


def _heads_of_state(articles: list[Article], held: Held) -> dict[str, str]:
    """Person referent key -> the country of the story the person's titles make them head of
    ("U.S. President Donald Trump"; one country only)."""
    places = {e.key for a in articles for e in (a.analysis.entities if a.analysis else [])
              if e.type == "GPE"}
    return {key: slug(next(iter(countries))) for key, (roles, countries, _) in held.items()
            if roles & _HEAD_ROLES and len(countries) == 1
            and slug(next(iter(countries))) in places}


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether any of the sorted ``spans`` overlaps [start, end)."""
    return any(s < end and start < e for s, e in spans)


def _name_core(name: str) -> tuple[str, str] | None:
    """(first, last) word of a full person name without initials, suffixes and the hyphen
    tail of a given name; None for a one-word name."""
    words = [w for w in norm(name).split() if w not in _SUFFIXES and len(w) > 1]
    if len(words) < 2:
        return None
    return words[0], _HYPHEN_TAIL.sub("", words[-1])


def entity_referents(articles: list[Article], outlets: dict[str, str]) -> list[Naming]:
    """People, organisations, countries and groups named by 2+ outlets, with each outlet's
    terms for them: every resolved mention (name, title, role noun, nationality) but pronouns,
    joined by reference (``_referent_keys``), loaded labels ("dictator Xi Jinping") kept."""
    cfg = load_data("naming")["titles"]
    titles = {w.lower() for w in cfg["words"]}
    stop = {w.lower() for w in cfg["stop"]}
    joined = _referent_keys(articles)
    held = _titles_held(articles, joined)
    roles = _story_roles(articles, joined, held, outlets)
    for article_id, found in _governments(articles, joined, held).items():
        roles[article_id] += found
    table: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    names: dict[str, str] = {}
    shown: dict[str, str] = {}
    past: set[str] = set()  # people the story titles "former" or "then-" somewhere
    governments: list[tuple[str, str, str, str]] = []  # key, outlet, term, "administration"
    for a in articles:
        if not a.analysis:
            continue
        ents = {e.key: e for e in a.analysis.entities}
        places = {m.start for m in a.analysis.mentions
                  if m.entity in ents and ents[m.entity].type == "GPE"}
        for e in a.analysis.entities:
            if e.type in REFERENT_TYPES and e.key not in joined:
                names.setdefault(e.key, e.name)
        for m in a.analysis.mentions:
            ent = ents.get(m.entity)
            if ent is None or m.text.lower() in PRONOUNS or (
                    ent.type not in REFERENT_TYPES and m.entity not in joined):
                continue
            key = joined.get(m.entity, m.entity)
            term = _term(a.text, m.start, m.text, titles, stop, places, ent.type)
            if ent.type == "PERSON" and _PAST_TITLE.search(term):
                past.add(key)
            if ent.type == "PERSON" and (gov := _GOVERNMENT.match(a.text, m.end)):
                governments.append((key, outlets[a.id], term, a.text[m.end : gov.end()]))
                continue
            table[key][outlets[a.id]][term] += 1
            shown.setdefault(key, ent.name)  # a joined key's name if no entity has it
    for key, outlet, term, government in governments:
        # a past leader's government is his own ("the Obama administration"); a sitting
        # one's is the country's (``_governments``), the name alone his
        table[key][outlet][term + government if key in past else term] += 1
    for article_id, found in roles.items():
        for key, phrase in found:
            table[key][outlets[article_id]][phrase] += 1
    out = []
    for key, by_outlet in table.items():
        if len(by_outlet) < 2:
            continue
        out.append(Naming(referent=names.get(key) or shown[key], kind="entity", entity=key,
                          by_outlet=terms_by_outlet(by_outlet)))
    return most_named_first(out)


def naming(articles: list[Article], outlets: dict[str, str]) -> list[Naming]:
    """All naming referents: events and relationships first, then persons/organisations,
    then the story's things and the actions on them (one set of thing heads for both)."""
    heads = thing_heads(articles, outlets)
    return (phrase_referents(articles, outlets) + entity_referents(articles, outlets)
            + thing_referents(articles, outlets, heads)
            + action_referents(articles, outlets, heads))
