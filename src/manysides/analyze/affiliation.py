"""Speaker affiliation: the party or organisation a quote's speaker belongs to, as the article
itself says it (``Quote.affiliation``).

Read off the text around each mention of the speaker, first finding wins, in text order:

- a party: AP letters after the name ("Ann Lee (D-Ore.)", "Lee, R-Texas,"), a party word
  before it with only titles between ("Democratic Sen. Ann Lee"), an apposition ("Lee, a
  Republican from Ohio"), a group that lists members ("Republican lawmakers such as Lee");
- an organisation or place: before the name with only titles between, where the article's
  entity step found an organisation or place there ("Nebraska Attorney General Ann Lee", "Acme
  spokesman Bo Ray"), or a named organisation with its noun ("Hale campaign spokesman Bo Ray");
  an apposition's "for/of/at" organisation ("Bo Ray, a spokesman for the Hale campaign") or
  the organisation the article named before ("Bo Ray, the campaign's press secretary");
  "Bo Ray of Acme";
- for unnamed speakers and documents: the organisation in the speaker's words ("an Acme
  spokesperson"), or the author the article names with the document ("the Hale campaign's new
  ad ... the advertisement says").

No knowledge base: only general word lists (``data/affiliation.toml``) and the article.
Regexes over a few hundred characters per speaker: no parse, no model call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from manysides.datafiles import load_data
from manysides.models import Entity, Mention, Quote

_DATA = load_data("affiliation")
PARTY_WORDS: dict[str, str] = _DATA["parties"]["words"]
PARTY_LETTERS: dict[str, str] = _DATA["parties"]["letters"]
PARTIES = frozenset(PARTY_WORDS.values())
TITLES = frozenset(_DATA["roles"]["titles"])
MEMBERS = frozenset(_DATA["roles"]["members"])
ORG_NOUNS = frozenset(_DATA["organisations"]["nouns"])
PORTFOLIOS = frozenset(_DATA["organisations"]["portfolios"])
DOC_KINDS: list[frozenset[str]] = [frozenset(k) for k in _DATA["documents"]["kinds"]]
MEASUREMENTS = frozenset(_DATA["documents"]["measurements"])
PLACE_OR_ORG = frozenset({"ORG", "GPE", "NORP", "LOC", "FAC"})
PLACES = frozenset({"GPE", "LOC"})
WINDOW = 160  # characters looked at before and after a mention

# Capitalised words that open a clause, never an organisation's name.
_FUNCTION_CAPS = frozenset(
    "the a an but and or so yet in on at of for by with from to as if when while after before "
    "then meanwhile however also still last next this that these those his her their its "
    "our my".split())

_CAP = r"[A-Z][\w&.'’-]*"
_NAME = rf"{_CAP}(?:\s+(?:of\s+|for\s+|&\s+)?{_CAP})*"
_ORG_NOUN = "|".join(sorted(ORG_NOUNS, key=len, reverse=True))
_PARTY = "|".join(sorted(PARTY_WORDS, key=len, reverse=True))
_LINKS = "|".join(_DATA["organisations"]["links"])
_DOC_WORDS = "|".join(sorted({w for k in DOC_KINDS for w in k}, key=len, reverse=True))
_VERBS = "|".join(_DATA["documents"]["verbs"])

_LETTERS_AFTER = re.compile(r"^\s*\(([DRIL])(?:\s*[-–]\s*[^)]{1,24})?\)"
                            r"|^,\s*([DRIL])\s*[-–]\s*[A-Z][\w.]*(?:\s[A-Z][\w.]*)?,")
_APPOSITION = re.compile(r"^,\s+(?:(?:a|an|the|one)\s+)?([^,;:()“”\"\n]{1,100})")
_PARTY_WORD = re.compile(rf"\b({_PARTY})\b", re.IGNORECASE)
_LINKED_ORG = re.compile(
    rf"(\S*)\s+(?:{_LINKS})\s+(?:the\s+)?({_NAME}(?:['’]s)?(?:\s+(?:{_ORG_NOUN}))?)\b")
_NOUN_POSSESSIVE = re.compile(rf"^(?:the\s+)?({_ORG_NOUN})['’]s\b", re.IGNORECASE)
_NAME_POSSESSIVE = re.compile(rf"^({_NAME})['’]s\s+({_ORG_NOUN})\b")
_OF_AFTER = re.compile(rf"^(?:\s+of|,\s+(?:of|in|from))\s+(?:(?:the|[a-z]+ern|central|rural)\s+)?"
                       rf"({_NAME})")
_MEMBERS_BEFORE = re.compile(
    rf"\b({_PARTY})(?:\s+(?:{'|'.join(MEMBERS)}))?\s*,?\s+(?:such\s+as|including|like|led\s+by|"
    rf"among\s+them)\s+(?:[^.;:()]{{0,80}}?(?:,|\band)\s+)?$", re.IGNORECASE)
_NAMED_ORG = re.compile(rf"\b(?:the\s+)?({_NAME})(?:['’]s)?\s+({_ORG_NOUN})\b")
_UNNAMED = re.compile(rf"^(?:a|an|the|one)\s+({_NAME})\s+((?:[\w.-]+\s+)*[\w.-]+)$")
_DOC_SPEAKER = re.compile(rf"\b({_DOC_WORDS})$", re.IGNORECASE)
_AUTHOR_POSSESSIVE = re.compile(
    rf"(?:the\s+)?({_NAME}(?:\s+(?:{_ORG_NOUN}))?|(?:the\s+)?(?:{_ORG_NOUN}))['’]s\s+"
    rf"(?:[\w-]+\s+){{0,3}}?({_DOC_WORDS})\b")
_AUTHOR_BY = re.compile(rf"\b({_DOC_WORDS})\s+(?:[\w-]+\s+){{0,2}}?(?:from|by)\s+(?:the\s+)?"
                        rf"({_NAME}(?:\s+and\s+(?:the\s+)?{_NAME})?(?:['’]s)?"
                        rf"(?:\s+(?:{_ORG_NOUN}))?)")
_AUTHOR_VERB = re.compile(
    rf"(?:the\s+)?({_NAME}(?:\s+(?:{_ORG_NOUN}))?|(?:[Tt]he\s+)?(?:{_ORG_NOUN}))\s+"
    rf"(?:has\s+|have\s+|had\s+)?(?:{_VERBS}|[a-z]+(?:\s+[\w-]+){{0,3}}?\s+with)\s+"
    rf"(?:a|an|the|its|their|his|her)\s+(?:[\w-]+\s+){{0,4}}?({_DOC_WORDS})\b")
# A title in the possessive before the name, set off by a comma ("Hale's campaign press
# secretary, Bo Ray"; "Nebraska's attorney general, Ann Lee").
_POSSESSIVE_TITLE = re.compile(rf"(?:the\s+)?({_NAME})['’]s\s+((?:[\w.-]+\s+){{0,4}}[\w.-]+),\s*$")
_TITLE_FILLERS = frozenset({"current", "new", "longtime", "top", "own", "former"})


class Speaker(NamedTuple):
    """Whose affiliation is looked for: the name as written, its entity key, its descriptor."""

    speaker: str | None
    speaker_entity: str | None
    descriptor: str | None


def speaker_affiliations(text: str, quotes: list[Quote], entities: list[Entity],
                         mentions: list[Mention]) -> None:
    """Set each attributed quote's ``affiliation`` ("Democratic", "Hale campaign", "Acme")
    from what ``text`` says about its speaker; None where it says nothing."""
    orgs = _named_organisations(text, mentions)
    types = {e.key: e.type for e in entities}
    kinds = {m.start: types.get(m.entity, "") for m in mentions}  # mention offset -> type
    found: dict[str, str | None] = {}
    for q in quotes:
        if q.kind == "scare" or not q.speaker or q.affiliation:
            continue
        if _DOC_SPEAKER.search(q.speaker) and not q.speaker_entity:
            author = _document_author(text, q, orgs)
            q.affiliation = PARTY_WORDS.get(author.lower(), author) if author else None
            continue
        key = q.speaker_entity or q.speaker
        if key not in found:
            speaker = Speaker(q.speaker, q.speaker_entity, q.descriptor)
            found[key] = _in_region(text, _affiliation(text, speaker, mentions, kinds, orgs),
                                    speaker, mentions, kinds)
        q.affiliation = found[key]
    for q in quotes:  # "Republicans" written as the party's adjective
        if q.affiliation:
            q.affiliation = PARTY_WORDS.get(q.affiliation.lower(), q.affiliation)


def document_speakers(text: str, quotes: list[Quote], entities: list[Entity],
                      mentions: list[Mention]) -> None:
    """A document as a quote's speaker ("the resolution said", "the letter says") -> the
    author the article names with it ("The Acme League adopted a resolution", "a letter from
    Ann Lee") as the speaker; the document stays the ``descriptor`` and the ``medium``.  An
    organisation or party author is also the quote's ``affiliation`` (the words are its own).
    Documents with no author named, and polls and studies (``MEASUREMENTS``: they measure,
    their author does not speak), stay the speaker."""
    orgs = _named_organisations(text, mentions)
    persons = {e.name for e in entities if e.type == "PERSON"}
    for q in quotes:
        word = _DOC_SPEAKER.search(q.speaker or "")
        if q.kind == "scare" or q.speaker_type is not None or q.speaker_entity \
                or not word or word.group(1).lower() in MEASUREMENTS:
            continue
        author = _document_author(text, q, orgs)
        if not author:
            continue
        document = q.speaker
        person = next((p for p in persons  # "Sen. Ann Lee" / "Lee" -> the person Ann Lee
                       if author == p or author.endswith(" " + p) or author in p.split()), None)
        q.speaker = person or author
        q.descriptor = q.descriptor or document
        q.medium = q.medium or document
        if person:
            q.speaker_type = "person"
            continue
        party = PARTY_WORDS.get(author.lower())
        q.speaker_type = "group" if party else "organization"
        q.affiliation = party or author


def _named_organisations(text: str, mentions: list[Mention]) -> list[tuple[int, str, str]]:
    """(offset, noun, name) of each organisation named with its noun ("the Hale campaign",
    "Hale's campaign" -> "Hale campaign"), where the name is one the entity step found."""
    starts = {m.start for m in mentions}
    out = []
    for m in _NAMED_ORG.finditer(text):
        name = _trim(m.group(1))
        if name and text.find(name, m.start(1)) in starts:
            out.append((m.start(), m.group(2).lower(), f"{name} {m.group(2).lower()}"))
    return out


def _trim(name: str) -> str:
    """A capitalised chunk without the clause-opening words before it ("But Acme" -> "Acme")."""
    words = name.split()
    while words and words[0].lower() in _FUNCTION_CAPS:
        words.pop(0)
    return " ".join(words)


def _spans(text: str, q: Speaker, mentions: list[Mention]) -> Iterator[tuple[int, int]]:
    """Where the article names the quote's speaker: its entity's mentions, else the words."""
    if q.speaker_entity:
        for m in mentions:
            if m.entity == q.speaker_entity:
                yield m.start, m.end
    elif q.speaker:
        for found in re.finditer(re.escape(q.speaker), text):
            yield found.start(), found.end()


def _affiliation(text: str, q: Speaker, mentions: list[Mention], kinds: dict[int, str],
                 orgs: list[tuple[int, str, str]], depth: int = 0) -> str | None:
    if q.descriptor:  # the quote's own descriptor, read as an apposition and as a title
        hit = _after(", " + q.descriptor, 0, orgs) or _before_words(q.descriptor.split(), {}, -1)
        if hit:
            return _person_free(hit, text, mentions, kinds, orgs, depth)
    if not q.speaker_entity and q.speaker:
        linked = _linked(q.speaker)
        if linked and q.speaker.split()[0].lower() in ("a", "an", "one", "the"):
            return _person_free(linked, text, mentions, kinds, orgs, depth)
        unnamed = _UNNAMED.match(q.speaker)
        if unnamed and all(w.lower().rstrip(".") in TITLES or w.lower() in ORG_NOUNS
                           for w in unnamed.group(2).split()):
            name = _trim(unnamed.group(1))
            return PARTY_WORDS.get(name.lower()) or name or None
    hits = []
    for start, end in _spans(text, q, mentions):
        hit = (_letters(text[end:end + 40]) or _before(text, start, kinds)
               or _possessive_title(text, start, kinds)
               or _after(_whole_words(text, end), start, orgs) or _of_after(text, end, kinds)
               or _members(text[max(0, start - WINDOW):start]))
        if hit:
            hit = _person_free(hit, text, mentions, kinds, orgs, depth)
        if hit and not depth:
            return hit
        if hit:
            hits.append(hit)
    # the one an aide speaks for ("a spokesman for Ann Lee"): the party, where the text says it
    return next((h for h in hits if h in PARTIES), hits[0] if hits else None)


def _in_region(text: str, hit: str | None, q: Speaker, mentions: list[Mention],
               kinds: dict[int, str]) -> str | None:
    """A place found as the affiliation with the larger place the text puts the speaker in
    right after the name ("Ash County Sheriff Bo Ray, in western Nebraska," -> "Ash County,
    Nebraska"); any other affiliation as it is."""
    if not hit or not any(kinds.get(m.start, "") in (*PLACES, "FAC") and m.text.startswith(hit)
                          for m in mentions):  # the NER may take "Ash County Sheriff" whole
        return hit
    for _, end in _spans(text, q, mentions):
        m = _OF_AFTER.match(text[end:end + WINDOW])
        if m and kinds.get(end + m.start(1), "") in PLACES and m.group(1) not in hit:
            return f"{hit}, {m.group(1)}"
    return hit


def _person_free(hit: str, text: str, mentions: list[Mention], kinds: dict[int, str],
                 orgs: list[tuple[int, str, str]], depth: int) -> str | None:
    """A person found where an organisation was looked for ("a spokesman for Senate Leader
    Ann Lee"): that person's own affiliation, looked up once; else the organisation."""
    last = hit.split()[-1]
    person = next((m for m in mentions if kinds.get(m.start) == "PERSON"
                   and m.text.split()[-1] == last), None)
    if person is None or hit in PARTIES:
        return hit
    if depth:
        return None
    return _affiliation(text, Speaker(person.text, person.entity, None), mentions, kinds, orgs,
                        depth + 1)


def _possessive_title(text: str, start: int, kinds: dict[int, str]) -> str | None:
    """"Hale's campaign press secretary, Bo Ray" -> "Hale campaign"; "Nebraska's attorney
    general, Ann Lee" -> "Nebraska" (an organisation or place the entity step found)."""
    m = _POSSESSIVE_TITLE.search(text, max(0, start - 100), start)
    if not m:
        return None
    words = [w.lower().rstrip(".") for w in m.group(2).split()]
    if not all(w in TITLES or w in ORG_NOUNS or w in _TITLE_FILLERS for w in words):
        return None
    name = _trim(m.group(1))
    noun = next((w for w in words if w in ORG_NOUNS and w not in ("staff", "office")), None)
    if noun:
        return f"{name} {noun}"
    return name if kinds.get(text.find(name, m.start(1)), "") in PLACE_OR_ORG else None


def _whole_words(text: str, end: int) -> str:
    """The ``WINDOW`` characters after ``end``, a word cut at the window's end left out."""
    after = text[end:end + WINDOW]
    return after if end + WINDOW >= len(text) else after.rsplit(None, 1)[0]


def _letters(after: str) -> str | None:
    m = _LETTERS_AFTER.match(after)
    return PARTY_LETTERS[m.group(1) or m.group(2)] if m else None


def _before(text: str, start: int, kinds: dict[int, str]) -> str | None:
    """A party, organisation or place before the name with only titles between."""
    before = text[max(0, start - WINDOW):start]
    cut = max(before.rfind(c) for c in ",;:()\"“”\n")
    words = before[cut + 1:].split()
    offsets: dict[int, int] = {}  # word index -> offset in text
    pos = start - len(before) + cut + 1
    for i, w in enumerate(words):
        pos = text.index(w, pos)
        offsets[i] = pos
        pos += len(w)
    return _before_words(words, kinds, len(words) - 1, offsets)


def _before_words(words: list[str], kinds: dict[int, str], last: int,
                  offsets: dict[int, int] | None = None) -> str | None:
    """Walk back from ``words[last]`` over titles to a party word or a named organisation.

    With ``offsets`` (word index -> text offset) a capitalised name must be a mention of an
    organisation or place; without them (a descriptor's words) it must come with its noun.
    """
    i = last if last >= 0 else len(words) - 1
    top = i
    while i >= 0:
        w = words[i].lower().rstrip(".,")
        if w in PARTY_WORDS:
            return PARTY_WORDS[w]
        if w not in TITLES and w not in ORG_NOUNS:
            break
        i -= 1
    if i < 0 or i == top or not words[i][:1].isupper() or words[i].endswith("."):
        return None
    j = i
    while j > 0 and words[j - 1][:1].isupper() and not words[j - 1].endswith("."):
        j -= 1
    name = _clean_org(" ".join(words[j:i + 1]))
    if not name:
        return None
    noun = words[i + 1].rstrip(".,")
    if noun.lower() in ORG_NOUNS:
        return f"{name} {noun}"  # as written: "Hale campaign", "Tarvel Institute"
    first = i + 1 - len(name.split())  # the name's first word, clause openers trimmed
    if offsets is not None and kinds.get(offsets.get(first, -1), "") in PLACE_OR_ORG:
        return name
    return None


def _after(after: str, start: int, orgs: list[tuple[int, str, str]]) -> str | None:
    """An apposition after the name: its party, its "for/of/at" organisation, or "the
    campaign's" organisation as the article named it before ``start``."""
    m = _APPOSITION.match(after)
    if not m:
        return None
    phrase = m.group(1)
    party = _PARTY_WORD.search(phrase)
    if party:
        return PARTY_WORDS[party.group(1).lower()]
    owned = _NOUN_POSSESSIVE.match(phrase)
    if owned:
        return _resolve(owned.group(1).lower(), start, orgs)
    named = _NAME_POSSESSIVE.match(phrase)
    if named:
        return f"{_trim(named.group(1))} {named.group(2).lower()}"
    return _linked(phrase)


def _linked(phrase: str) -> str | None:
    """The organisation of "a spokesman for the Hale campaign", "director of Acme"; not the
    portfolio of "Minister of Defense"."""
    for m in _LINKED_ORG.finditer(phrase):
        if m.group(1).lower() not in PORTFOLIOS:
            return _clean_org(m.group(2)) or None
    return None


def _clean_org(name: str) -> str:
    """"Hale's campaign" -> "Hale campaign"; "the Acme" -> "Acme"."""
    return _trim(re.sub(r"['’]s\b", "", name))


def _resolve(noun: str, start: int, orgs: list[tuple[int, str, str]]) -> str | None:
    """The organisation with this noun that the article named last before ``start``."""
    before = [name for pos, n, name in orgs if n == noun and pos < start]
    return before[-1] if before else None


def _of_after(text: str, end: int, kinds: dict[int, str]) -> str | None:
    """"Bo Ray of Acme", "Bo Ray, in western Nebraska,": an organisation or place the entity
    step found."""
    m = _OF_AFTER.match(text[end:end + WINDOW])
    if not m:
        return None
    return m.group(1) if kinds.get(end + m.start(1), "") in PLACE_OR_ORG else None


def _members(before: str) -> str | None:
    """"Republican lawmakers such as Ann Lee" -> "Republican"."""
    cut = max(before.rfind(c) for c in ".;:\n")
    m = _MEMBERS_BEFORE.search(before[cut + 1:])
    return PARTY_WORDS[m.group(1).lower()] if m else None


def _document_author(text: str, q: Quote, orgs: list[tuple[int, str, str]]) -> str | None:
    """The author the article names with the document quoted ("the advertisement says"): the
    nearest mention before the quote of a document of the same kind with its author, as
    written ("Republicans", "Hale campaign")."""
    own = _AUTHOR_POSSESSIVE.search(q.speaker or "")
    if own and own.group(1)[:1].isupper():
        return _clean_org(own.group(1)) or None
    word = _DOC_SPEAKER.search(q.speaker or "")
    kind = next((k for k in DOC_KINDS if word and word.group(1).lower() in k), frozenset())
    best: tuple[int, str] | None = None
    for pattern, author_group, doc_group in ((_AUTHOR_POSSESSIVE, 1, 2), (_AUTHOR_BY, 2, 1),
                                            (_AUTHOR_VERB, 1, 2)):
        for m in pattern.finditer(text, 0, q.start):
            if m.group(doc_group).lower() not in kind:
                continue
            author = m.group(author_group)
            if author.lower().removeprefix("the ").strip() in ORG_NOUNS:
                author = _resolve(author.lower().removeprefix("the ").strip(), m.start(), orgs)
            else:
                author = _clean_org(author)
            if author and (best is None or m.start() > best[0]):
                best = (m.start(), author)
    return best[1] if best else None
