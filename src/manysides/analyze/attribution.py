"""Attribution: who is reported as saying what, read off the dependency parse of a sentence.

``read_attributions`` takes one parsed cue sentence and returns ``Attribution``s: the cue
("said", "told", "quoted ... as saying", "according to", "reads"), the speaker resolved to an
article entity, a group label ("analysts") or an outlet, the speaker's descriptor, the medium
("told the Global Times", "according to a press release from ..."), the characters of the
attribution phrase and of the reported content.  ``manysides.analyze.quotes`` puts these
together with the quote-marked spans.  Word lists: ``src/manysides/data/attribution.toml``.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from manysides.datafiles import load_data
from manysides.models import Entity, Mention, Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

log = logging.getLogger(__name__)

_LEAD_STRIP_RE = re.compile(r"^[\s,;:—–•*-]*(?:that\b)?[\s,;:]*")
_TRAIL_STRIP_RE = re.compile(r"[\s,;:—–-]*\.?$")
_DETERMINERS = {"the", "a", "an", "some", "many", "several", "most", "other", "these",
                "those", "another", "few", "more", "all"}
_ORG_HEADS = {"government", "ministry", "party", "army", "military", "navy", "company",
              "agency", "department", "court", "council", "committee", "embassy",
              "administration", "commission", "office", "institute", "university", "bank",
              "parliament", "cabinet", "campaign", "group", "union", "organization",
              "organisation", "association", "federation", "foundation", "police", "forces"}
_PERSON_SUBJ_DEPS = ("nsubj", "nsubjpass")
_COURTESY = frozenset({"Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr", "Miss"})
# Prepositions whose phrase after a speaker says whose or where the speaker is.
_COMPLEMENT_PREPS = frozenset({"of", "for", "to", "in", "at", "from", "with", "on", "inside",
                               "within", "near", "like"})
_COMPLEMENT_MAX_TOKENS: int = load_data("attribution")["limits"]["complement_max_tokens"]
_RELATIVE = frozenset({"who", "which", "that"})
_POSSESSIVE_END = re.compile(r"['’]s?$")
_BREAKS = frozenset({",", ";", ":", "(", ")", "“", "”", '"', "—", "–", "''"})
_CLOSING_MARKS = frozenset({"”", '"', "''", "’", ",", "“"})
# "Of Obama, he said": a name after a preposition is no subject (nor a pronoun's antecedent)
_PREPOSITION_END_RE = re.compile(
    r"\b(?:of|to|for|with|about|on|in|at|from|by|against|over|after|before|like)\s*$", re.I)
# "said"/"says" report speech even where the parser takes the clause for an object.
SAY_FORMS = frozenset({"say", "says", "said"})
# Cues whose noun phrase after them is the addressee ("told reporters").
_ADDRESSEE_CUES = frozenset({"tell", "tells", "told", "telling"})
# "The group has drafted ...": a definite organisation noun opening a sentence.
_GROUP_LEAD_RE = re.compile(r"\s*The\s+(?:group|organization|organisation|coalition|"
                            r"association|union|campaign|committee)\b")
_JUDGING_RE = re.compile(r"\b(?:" + "|".join(load_data("attribution")["direct"]["judging_stems"])
                         + r")\w*", re.I)
_ADJUNCT_DEPS = {"advmod", "aux", "auxpass", "neg", "prep", "npadvmod", "prt", "dative",
                 "agent", "tmod", "advcl"}


@dataclass(frozen=True)
class Rules:
    """The word lists and thresholds of ``data/attribution.toml``, with the cue regex."""

    speech: frozenset[str]
    as_saying: frozenset[str]
    needs_clause: frozenset[str]
    reads: frozenset[str]
    unnamed_plural: frozenset[str]
    unnamed_singular: frozenset[str]
    roles: frozenset[str]
    quantifiers: frozenset[str]
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    non_speakers: frozenset[str]
    outlets: dict[str, str]  # lower-case name (and "the ..." stripped) -> canonical
    agencies: tuple[str, ...]
    media_nouns: frozenset[str]
    scare_max_words: int
    continuation_min_words: int
    continuation_max_gap: int
    cue_re: re.Pattern[str]


@functools.cache
def load_rules() -> Rules:
    """Read ``data/attribution.toml`` once per process."""
    data = load_data("attribution")
    cues, groups, sources, direct = data["cues"], data["groups"], data["sources"], data["direct"]
    words = sorted({*cues["speech"], *cues["as_saying"], *cues["reads"]} - set(cues["no_trigger"]),
                   key=len, reverse=True)
    # the other forms trigger only as a quotation's trailing attribution ("“...,” the letter
    # states."; "“...,” notes Lee.")
    trailing = sorted(set(cues["no_trigger"]) & {*cues["speech"], *cues["reads"]}, key=len,
                      reverse=True)
    cue_re = re.compile(r"\b(?:according\s+to|" + "|".join(map(re.escape, words)) + r")\b"
                        r"|(?<=[,?!][”\"] )(?:[\w.'’-]+ ){0,4}?(?:"
                        + "|".join(map(re.escape, trailing)) + r")\b(?=[\s,.])", re.I)
    outlets: dict[str, str] = {}
    for name in sources["outlets"]:
        key = name.lower()
        outlets[key] = name
        if key.startswith("the "):
            outlets.setdefault(key[4:], name[4:])
    return Rules(
        speech=frozenset(cues["speech"]), as_saying=frozenset(cues["as_saying"]),
        needs_clause=frozenset(cues["needs_clause"]), reads=frozenset(cues["reads"]),
        unnamed_plural=frozenset(groups["unnamed_plural"]),
        unnamed_singular=frozenset(groups["unnamed_singular"]),
        roles=frozenset(groups["roles"]), quantifiers=frozenset(groups["quantifiers"]),
        person_pronouns=frozenset(groups["person_pronouns"]),
        group_pronouns=frozenset(groups["group_pronouns"]),
        non_speakers=frozenset(groups["non_speakers"]), outlets=outlets,
        agencies=tuple(sorted(sources["agencies"], key=len, reverse=True)),
        media_nouns=frozenset(sources["media_nouns"]),
        scare_max_words=int(direct["scare_max_words"]),
        continuation_min_words=int(direct["continuation_min_words"]),
        continuation_max_gap=int(direct["continuation_max_gap"]),
        cue_re=cue_re,
    )


@dataclass
class QuoteSpan:
    """A quote-marked span: ``open``..``close`` with the marks, ``start``..``end`` inside."""

    open: int
    start: int
    end: int
    close: int

    def words(self, text: str) -> int:
        """How many words the quotation has."""
        return len(text[self.start:self.end].split())


# ---------------------------------------------------------------- attributions


@dataclass
class Attribution:
    """A reporting cue with its speaker, medium, phrase extent and reported content."""

    cue: str
    sentence: int
    phrase: tuple[int, int]  # characters of the attribution phrase (speaker + cue + adjuncts)
    speaker_span: tuple[int, int] | None
    speaker: str | None = None
    speaker_type: str | None = None
    descriptor: str | None = None
    medium: str | None = None
    content: tuple[int, int] | None = None
    kind: str = "speech"  # speech | according | as_saying
    explicit: bool = True  # the speaker is inside the phrase (not climbed to from "declaring")
    consumed: bool = False  # its content is a quotation: no separate reported quote


class Context:
    """Per-article lookups: entities by key, person mentions in order, previous speakers."""

    def __init__(self, text: str, entities: list[Entity], mentions: list[Mention],
                 sentences: Sequence[Sentence] = (), quotes: Sequence[QuoteSpan] = ()) -> None:
        self.text = text
        self.entities = {e.key: e for e in entities}
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.persons = [m for m in self.mentions
                        if self._type(m.entity) == "PERSON"]
        self.speakers: list[tuple[int, str, str]] = []  # (position, speaker, speaker_type)
        # people named as the subject of a sentence (outside quotes): pronoun antecedents
        cue_re = load_rules().cue_re
        starts = {s.start for s in sentences}
        bounds = sorted(starts)
        self.subjects: list[Mention] = []
        # organisations named as a sentence's subject, and "the group" opening a sentence
        self.org_subjects: list[Mention] = []
        for m in self.mentions:
            typ = self._type(m.entity)
            if typ not in ("PERSON", "ORG", "NORP") \
                    or any(q.start <= m.start < q.end for q in quotes):
                continue
            i = bisect.bisect_right(bounds, m.start) - 1
            lead = text[bounds[i]:m.start] if i >= 0 else ""
            after = text[m.end:m.end + 2]
            # "He said Obama ...": a name after the cue is what is said, not who says it
            if len(lead.split()) <= 4 and after not in ("'s", "’s") \
                    and not _PREPOSITION_END_RE.search(lead) and not cue_re.search(lead):
                (self.subjects if typ == "PERSON" else self.org_subjects).append(m)

    def organisation_subject(self, start: int, end: int) -> Entity | None:
        """The organisation that is the subject of the sentence ``start``..``end`` and judges
        in it ("accusing ...", "condemning ..."; ``_JUDGING_RE``): named there, or "The group
        ..." opening it for the one named as a subject before."""
        if not _JUDGING_RE.search(self.text, start, end):
            return None
        for m in self.org_subjects:
            if start <= m.start < end:
                return self.entities.get(m.entity)
        if _GROUP_LEAD_RE.match(self.text, start):
            before = [m for m in self.org_subjects if start - 600 < m.start < start]
            return self.entities.get(before[-1].entity) if before else None
        return None

    def pronoun_antecedent(self, pos: int) -> Entity | None:
        """"he"/"she" at ``pos``: the latest person quoted or named as a sentence's subject
        before it (people named in passing - "the Obama administration" - are skipped)."""
        best: tuple[int, Entity] | None = None
        for p, name, typ in reversed(self.speakers):
            if p < pos and typ == "person":
                ent = next((e for e in self.entities.values() if e.name == name),
                           Entity(key=name, name=name, type="PERSON"))
                best = (p, ent)
                break
        for m in reversed(self.subjects):
            if m.start < pos:
                if (best is None or m.start > best[0]) and m.entity in self.entities:
                    best = (m.start, self.entities[m.entity])
                break
        return best[1] if best else self.last_person_before(pos)

    def _type(self, key: str) -> str:
        ent = self.entities.get(key)
        return ent.type if ent else ""

    def mention_at(self, start: int, end: int, head: int) -> Mention | None:
        """The mention in ``start``..``end`` that covers the character ``head``, if any."""
        for m in self.mentions:
            if m.start < end and start < m.end and m.start <= head < m.end:
                return m
        return None

    def last_person_before(self, pos: int, since: int = 0) -> Entity | None:
        """The person named last before ``pos`` (and at or after ``since``)."""
        best = None
        for m in self.persons:
            if m.start >= pos:
                break
            if m.start >= since:
                best = m
        return self.entities.get(best.entity) if best else None

    def person_by_token(self, word: str, pos: int) -> Entity | None:
        """A person whose name holds ``word`` ("Zhuo" -> "Zhuo Hua"), latest mentioned first."""
        seen: set[str] = set()
        for m in reversed(self.persons):
            if m.entity in seen:
                continue
            seen.add(m.entity)
            ent = self.entities.get(m.entity)
            if ent is None:
                continue
            names = [ent.name, *ent.aliases]
            if any(word in n.split() for n in names) and m.start < pos + 1:
                return ent
        for ent in self.entities.values():
            if ent.type == "PERSON" and word in ent.name.split():
                return ent
        return None


def _ents_label(ent: Entity, rules: Rules) -> tuple[str, str]:
    if ent.type == "PERSON":
        return ent.name, "person"
    names = [ent.name, *ent.aliases]
    if any(n.lower() in rules.outlets or n.lower().removeprefix("the ") in rules.outlets
           for n in names):
        return ent.name, "outlet"
    return ent.name, "organization"


def _strip_det(words: list[Token]) -> list[Token]:
    while words and (words[0].lower_ in _DETERMINERS or words[0].dep_ == "det"):
        words = words[1:]
    return words


def _core_tokens(tok: Token) -> list[Token]:
    """The noun phrase headed by ``tok`` without appositions, clauses and prepositions."""
    keep = {tok.i}
    stack = [tok]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ in ("compound", "amod", "det", "poss", "nmod", "nummod", "case", "flat",
                          "quantmod", "cc", "conj", "npadvmod") and c.i not in keep:
                if c.dep_ == "conj" and t.i != tok.i:
                    continue
                keep.add(c.i)
                stack.append(c)
    toks = [t for t in tok.doc if t.i in keep]
    # keep it contiguous around the head
    lo = hi = tok.i
    idx = {t.i for t in toks}
    while lo - 1 in idx:
        lo -= 1
    while hi + 1 in idx:
        hi += 1
    return [t for t in tok.doc[lo:hi + 1]]


def _span_of(tokens: list[Token], base: int) -> tuple[int, int]:
    return base + tokens[0].idx, base + tokens[-1].idx + len(tokens[-1].text)


def _sentence_case(label: str, words: list[Token]) -> str:
    """"Analysts" / "A ministry spokesman" at a sentence start -> lower case; "Chinese
    analysts" keeps its capital (only group nouns and articles are lowered)."""
    rules = load_rules()
    first = words[0].lower_ if words else ""
    if label[:1].isupper() and (first in rules.unnamed_plural or first in rules.unnamed_singular
                                or first in _DETERMINERS or first in ("a", "an", "one")):
        return label[0].lower() + label[1:]
    return label


def _clean(s: str) -> str:
    s = re.sub(r"\s+", " ", s).strip(" ,;:—–-\"'“”‘’")
    if s.startswith("(") and s.count("(") == 1 and s.count(")") <= 1 \
            and s.endswith(")") == (")" in s):
        s = s.strip("()")  # a party code alone: "(R-OH)" -> "R-OH"
    return s


class Resolver:
    """Turns a subject noun phrase into (speaker, speaker_type, descriptor)."""

    def __init__(self, ctx: Context, rules: Rules) -> None:
        self.ctx = ctx
        self.rules = rules

    def resolve(self, head: Token, base: int) -> tuple[str | None, str | None, str | None,  # noqa: C901
                                                         tuple[int, int]]:
        """The subject noun phrase headed by ``head`` (a token of a sentence starting at text
        offset ``base``) -> (speaker, speaker_type, descriptor, characters of the phrase).

        Kept whole: one cascade of subject rules, tried in order; the order decides which rule
        wins, so it reads best in one place.
        """
        rules, ctx = self.rules, self.ctx
        if _in_parentheses(head) and head.head.i != head.i and not _in_parentheses(head.head):
            head = head.head  # "Gov. John Kasich (R-OH) said": the parse may head it on "OH"
        core = _core_tokens(head)
        span = _span_of(core, base)
        descriptor = None
        for c in head.children:
            if c.dep_ == "appos":
                if self._other_person(head, c, base):  # "Or maybe Jeb Bush, consultant Phil
                    return self.resolve(c, base)       # Musser says": Musser speaks
                sub = _name_run(list(c.subtree))
                descriptor = _clean(ctx.text[_span_of(sub, base)[0]:_span_of(sub, base)[1]])
                break
        low = head.lower_
        pos = base + head.idx
        if low in rules.person_pronouns:
            ent = None
            if low in ("him", "her"):  # "Li's ... , the Kremlin quoted him": same sentence
                ent = ctx.last_person_before(pos, since=base)
            ent = ent or ctx.pronoun_antecedent(pos)
            return (ent.name, "person", None, span) if ent else (None, None, None, span)
        if low in rules.group_pronouns:
            for p, name, typ in reversed(ctx.speakers):
                if p < pos and typ in ("unnamed", "group", "organization", "outlet"):
                    return name, typ, None, span
            return None, None, None, span
        if low in rules.non_speakers:
            return None, None, None, span
        if head.tag_ in ("NN", "NNS") and descriptor is not None:
            app = next(c for c in head.children if c.dep_ == "appos")
            # "the Russian news agency Tass": the name is the speaker ("Gov. Mike Huckabee (R)":
            # a party code in parentheses is no name, and resolving it would climb back here)
            if app.tag_ == "NNP" and not _in_parentheses(app):
                app_name, app_type, _, _ = self.resolve(app, base)
                return app_name, app_type, _clean(ctx.text[span[0]:span[1]]), span
        if any(t.dep_ == "conj" for t in core) and any(t.lower_ in ("and", "&") for t in core):
            words = _strip_det(core)
            return (_clean(ctx.text[_span_of(words, base)[0]:_span_of(words, base)[1]]),
                    "group", descriptor, span)
        if head.tag_ == "NNP" and len(core) == 1:
            ent = ctx.person_by_token(head.text, pos)
            if ent is not None:
                return ent.name, "person", descriptor, span
        m = ctx.mention_at(span[0], span[1], pos)
        if m is not None and m.entity in ctx.entities:
            ent = ctx.entities[m.entity]
            name, typ = _ents_label(ent, rules)
            if typ == "person" and descriptor is None and m.start > span[0]:
                pre = _clean(ctx.text[span[0]:m.start])
                pre_words = [w for w in pre.split() if w.lower() not in _DETERMINERS
                             and w not in _COURTESY]
                if pre_words:
                    descriptor = " ".join(pre_words)
            if typ == "person" or len(core) <= len(m.text.split()) + 1:
                return name, typ, descriptor, span
        words = _strip_det(core)
        label = _clean(ctx.text[_span_of(words, base)[0]:_span_of(words, base)[1]]) if words \
            else _clean(head.text)
        if any(t.dep_ == "conj" for t in core):
            return label, "group", descriptor, span
        tail = _complement(head, core)  # "aides to Clinton", "a producer for Yahoo Studios"
        end = _span_of(tail, base)[1] if tail else span[1]
        full = _clean(ctx.text[_span_of(words, base)[0]:end]) if words and tail else label
        whole = _clean(ctx.text[span[0]:end])  # with its article: "a White House spokesman"
        if low in rules.unnamed_plural or label.lower() in rules.unnamed_plural:
            return _sentence_case(full, words or [head]), "unnamed", descriptor, span
        if low in rules.unnamed_singular and core[0].lower_ in ("a", "an", "one", "another"):
            return _sentence_case(whole, core), "unnamed", descriptor, span
        if tail and (low in rules.quantifiers or head.like_num):  # "half of Vermont Democrats"
            return _sentence_case(full, words or [head]), "group", descriptor, span
        if head.tag_ == "NN" and core[0].lower_ in ("a", "an", "another") \
                and m is None and low not in rules.media_nouns:  # "a producer for Yahoo Studios"
            return _sentence_case(whole, core), "unnamed", descriptor, span
        ent = self._org_by_suffix(label)
        if ent is not None:
            name, typ = _ents_label(ent, rules)
            return name, typ, descriptor, span
        outlet = rules.outlets.get(label.lower())
        if outlet:
            return outlet, "outlet", descriptor, span
        if core[0].lower_ == "the" and low in rules.unnamed_singular and not tail:
            earlier = self._earlier_unnamed(low, pos)  # "the spokesperson" of "a spokesperson
            if earlier is not None:                     # for Google says ..." just before
                return earlier, "unnamed", descriptor, span
        if core[0].lower_ == "the" and (low in rules.roles or label.lower() in rules.roles):
            ent = self._role_person(low, pos, guess=not tail)
            if ent is not None:
                return ent.name, "person", None, span
            if low in rules.unnamed_singular:
                return label, "unnamed", descriptor, span
        for agency in rules.agencies:
            if re.search(rf"\b{re.escape(agency)}\b", label):
                return label, "organization", descriptor, span
        if head.tag_ in ("NNP", "NNPS") and len(words) <= 2:
            ent = ctx.person_by_token(head.text, pos)
            if ent is not None:
                return ent.name, "person", descriptor, span
        if low in _ORG_HEADS or head.tag_ == "NNPS":
            return label, "organization", descriptor, span
        if head.tag_ == "NNS":  # "executives for Mondelez", "the Democratic chairs from ..."
            return _sentence_case(full, words or [head]), "group", descriptor, span
        if head.tag_ == "NNP":
            return label, "person", descriptor, span
        return full, None, descriptor, span

    def _recent_person_speaker(self, pos: int) -> Entity | None:
        """The last person quoted within ~2 sentences (300 chars) before ``pos``."""
        for p, name, typ in reversed(self.ctx.speakers):
            if p < pos and pos - p < 300 and typ == "person":
                for ent in self.ctx.entities.values():
                    if ent.name == name:
                        return ent
                return Entity(key=name, name=name, type="PERSON")
            if p < pos:
                break
        return None

    def _other_person(self, head: Token, app: Token, base: int) -> bool:
        """Whether the apposition ``app`` of the person ``head`` names another person."""
        h = self.ctx.mention_at(base + head.idx, base + head.idx + len(head.text), base + head.idx)
        a = self.ctx.mention_at(base + app.idx, base + app.idx + len(app.text), base + app.idx)
        persons = {m.entity for m in self.ctx.persons}
        end = base + app.right_edge.idx + len(app.right_edge.text)  # the name ends it
        return app.tag_ == "NNP" and app.i > head.i and h is not None and a is not None \
            and a.end == end \
            and h.entity != a.entity \
            and not any(t.text == "," or t.dep_ in ("det", "cc") for t in app.subtree) \
            and h.entity in persons and a.entity in persons

    def _earlier_unnamed(self, noun: str, pos: int) -> str | None:
        """The latest unnamed speaker before ``pos`` whose label has the role ``noun``."""
        for p, name, typ in reversed(self.ctx.speakers):
            if p < pos and typ == "unnamed" and noun in name.lower().split():
                return name
        return None

    def _org_by_suffix(self, label: str) -> Entity | None:
        """"the Times" -> the "Global Times" entity of the article, "Kremlin" -> "the Kremlin"."""
        low = label.lower()
        for ent in self.ctx.entities.values():
            if ent.type in ("ORG", "GPE", "NORP", "FAC"):
                for n in (ent.name, *ent.aliases):
                    nl = n.lower().removeprefix("the ")
                    if nl == low or (nl.endswith(" " + low) and low[:1].isalpha()
                                     and label[:1].isupper()):
                        return ent
        return None

    def _role_person(self, role: str, pos: int, *, guess: bool = True) -> Entity | None:
        """"the Russian leader" -> the latest person the article calls a leader, else (with
        ``guess``; not for "the former CEO of Hewlett-Packard", whose phrase says who it is)
        the latest person quoted, else the latest person named."""
        text = self.ctx.text
        seen: set[str] = set()
        for m in reversed(self.ctx.persons):
            if m.start >= pos or m.entity in seen:
                continue
            seen.add(m.entity)
            ent = self.ctx.entities.get(m.entity)
            if ent is None:
                continue
            context = " ".join(ent.descriptors).lower() + " " + text[max(0, m.start - 60):m.start]
            if role in context.lower():
                return ent
        if role in self.rules.unnamed_singular or not guess:
            return None  # "the spokesperson" with no named spokesperson before: unnamed
        return self._recent_person_speaker(pos) or self.ctx.last_person_before(pos)


def _name_run(tokens: list[Token]) -> list[Token]:
    """``tokens`` (a subtree) with the capitalised words right after its closing proper noun
    that the parse hung elsewhere ("member for Secure Harbor *Now*": "Now" as an adverb)."""
    doc, i = tokens[-1].doc, tokens[-1].i
    if tokens[-1].tag_ != "NNP":
        return tokens
    while i + 1 < len(doc) and doc[i + 1].text[:1].isupper() and doc[i + 1].is_alpha \
            and doc[i + 1].dep_ != "nsubj":
        i += 1
    return [*tokens, *doc[tokens[-1].i + 1:i + 1]]


def _in_parentheses(tok: Token) -> bool:
    """Whether ``tok`` stands inside parentheses of its sentence ("(R-OH)")."""
    before = tok.doc.text[:tok.idx]
    return before.count("(") > before.count(")")


def _complement(head: Token, core: list[Token]) -> list[Token]:
    """The short prepositional phrase right after a speaker noun phrase that says whose or
    where they are ("aides *to Clinton*", "a producer *for Yahoo Studios*", "half *of Vermont
    Democrats*"), or [] (none, too long, or holding a clause)."""
    for c in head.children:
        if c.dep_ == "amod" and c.i > head.i and any(
                g.dep_ == "prep" for g in c.children):  # "people close to the Clintons"
            c = next(g for g in c.children if g.dep_ == "prep")
            sub = list(head.doc[head.i + 1 : c.right_edge.i + 1])
            if c.lower_ in _COMPLEMENT_PREPS and len(sub) <= _COMPLEMENT_MAX_TOKENS:
                return sub
            continue
        if c.dep_ != "prep" or c.lower_ not in _COMPLEMENT_PREPS or c.i != core[-1].i + 1:
            continue
        sub = list(c.subtree)
        if len(sub) <= _COMPLEMENT_MAX_TOKENS and not any(
                t.tag_[:2] in ("VB", "MD") or t.text in _BREAKS for t in sub):
            return sub
    return []


def _document_author(doc_tok: Token, base: int, resolver: Resolver
                     ) -> tuple[str | None, str | None, str | None, tuple[int, int]] | None:
    """Who a document subject is by, where its modifiers name them: "a Romney campaign ad",
    "the campaign's statement", "a White House memo" -> the resolved author, else None."""
    mods = [c for c in doc_tok.children if c.dep_ in ("compound", "poss") and c.i < doc_tok.i
            and (any(t.tag_.startswith("NNP") for t in c.subtree) or c.dep_ == "poss")]
    if not mods or mods[-1].lower_ in resolver.rules.media_nouns:
        return None
    name, typ, desc, span = resolver.resolve(mods[-1], base)
    first = min(t.i for m in mods for t in m.subtree)
    words = _strip_det(list(doc_tok.doc[first:doc_tok.i]))
    if name is None or not words:
        return None
    if typ != "person" and len(words) > 1:  # "a Romney campaign ad": the Romney campaign
        name = _POSSESSIVE_END.sub("", _clean(resolver.ctx.text[
            _span_of(words, base)[0]:_span_of(words, base)[1]]))
        typ = "organization"
    return name, typ, desc, span


# Between a speaker the parse left unattached and its cue: a party code or other parenthesis,
# a short "of/from/at ..." phrase, a comma ("Gov. John Kasich (R-OH), said"; "Rev. John Doe
# of St. Mary's Church, told reporters").
_UNATTACHED_GAP_RE = re.compile(
    r"^\s*(?:\([^()]{1,30}\))?\s*(?:(?:of|from|at)\s+[^,;:.!?“”\"()]{1,50})?\s*,?\s*$")


def _named_before(tok: Token, base: int, ctx: Context) -> Token | None:
    """The head token of the person named right before a cue that the parse gave no subject
    (a parenthesis or a comma often breaks it), or None."""
    pos = base + tok.idx
    before = [m for m in ctx.persons if base <= m.start and m.end <= pos]
    if not before or not _UNATTACHED_GAP_RE.match(ctx.text[before[-1].end:pos]) \
            or _PREPOSITION_END_RE.search(ctx.text[base:before[-1].start]):
        return None  # "Levine, who has given money to Marco Rubio, said": not Rubio
    last = before[-1].end - 1 - base
    head = next((t for t in tok.doc if t.idx <= last < t.idx + len(t.text)), None)
    return head if head is not None and head.dep_ not in ("pobj", "dobj", "poss") else None


def _name_before_cue(tok: Token, base: int, sspan: tuple[int, int], ctx: Context,
                     rules: Rules) -> tuple[str, str, str | None] | None:
    """The person named right before the cue where the subject did not resolve to one (the
    parse headed "Palm Beach County Supervisor of Elections Ann Lee said" on "Supervisor"):
    (name, "person", the title words before the name), or None.  Not a name inside a
    phrase saying whose the speaker is ("a spokesman for Ann Lee said", "Aides to Governor
    Ann Lee say"), nor one of several ("Lee and Ray said")."""
    pos = base + tok.idx
    before = [m for m in ctx.persons if base <= m.start and m.end <= pos]
    if not before or not _UNATTACHED_GAP_RE.match(ctx.text[before[-1].end:pos]):
        return None
    m = before[-1]
    lead = ctx.text[max(base, min(sspan[0], m.start)):m.start]
    lead = re.split(r"[,;:()“”\"—–]", lead)[-1]
    words = lead.split()
    group_nouns = rules.unnamed_plural | rules.unnamed_singular | rules.quantifiers
    for i, w in enumerate(words):
        low = w.lower()
        if low in ("and", "or", "&", "including", "like", "with", "who", "which", "that"):
            return None
        if low in _COMPLEMENT_PREPS and (i == 0 or not words[i - 1][:1].isupper()
                                         or words[i - 1].lower() in group_nouns):
            return None
    ent = ctx.entities.get(m.entity)
    if ent is None:
        return None
    title = [w for w in words if w.lower() not in _DETERMINERS and w not in _COURTESY]
    return ent.name, "person", _clean(" ".join(title)) or None


def _inverted_subject(tok: Token) -> Token | None:
    """The speaker after the cue in “...,” said Skelly / “...,” warned Clinton, which the
    parser often takes for an object or an adverb: the noun phrase right after a cue that
    follows a closing quote mark or a comma."""
    doc = tok.doc
    before = [t for t in doc[:tok.i] if not t.is_space]
    if not before or before[-1].text not in _CLOSING_MARKS or tok.i + 1 >= len(doc):
        return None
    if tok.lower_ in _ADDRESSEE_CUES:
        return None  # "..., told HuffPost": who is told, never who speaks
    t = doc[tok.i + 1]
    while t.dep_ in ("compound", "det", "amod", "poss") and t.head.i > t.i:
        t = t.head
    if t.head.i != tok.i or not (t.tag_[:2] in ("NN", "PR") or t.text[:1].isupper()):
        return None
    return t


def _find_subject(tok: Token) -> Token | None:
    """The subject of a reporting verb, climbing participles ("responded by noting")."""
    t = tok
    for _ in range(4):
        for c in t.children:
            if c.dep_ in _PERSON_SUBJ_DEPS:
                return c if c.tag_[:2] not in ("VB", "MD", "IN", "RB") else None
        if t.dep_ == "acl" and t.head.tag_[:2] in ("NN", "PR") and not (
                t.head.dep_ == "pobj" and t.head.lower_ in load_rules().media_nouns):
            return t.head  # "analysts insisting that ..." (not "said in a statement announcing")
        if t.dep_ in ("xcomp", "advcl", "pcomp", "conj", "prep", "acomp") and t.head.i != t.i:
            t = t.head
            continue
        break
    return None


def read_attributions(doc: Doc, sent: Sentence, spans: list[QuoteSpan], rules: Rules,
                      resolver: Resolver) -> list[Attribution]:
    """The attributions of one parsed cue sentence (``doc`` is ``sent.text`` parsed); cue
    words inside quote marks (``spans``) are skipped.  In text order, sources merged."""
    base = sent.start
    text = resolver.ctx.text
    out: list[Attribution] = []
    used: set[int] = set()
    cue_words = rules.speech | rules.as_saying | rules.reads
    for tok in doc:
        low = tok.lower_
        if low not in cue_words and low != "according":
            continue
        pos = base + tok.idx
        if tok.i in used or any(q.start <= pos < q.end for q in spans):
            continue
        att: Attribution | None = None
        if low == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            att = _according(tok, doc, sent, rules, resolver)
        elif low in rules.as_saying and tok.tag_.startswith("VB"):
            att = _as_saying(tok, sent, rules, resolver)
            if att is not None:
                used.update(t.i for t in tok.subtree if t.lower_ in rules.speech)
        elif low in rules.reads and tok.tag_.startswith("VB"):
            att = _reads(tok, sent, rules, resolver)
        if att is None and low in rules.speech and tok.tag_.startswith("VB") \
                and tok.dep_ != "amod":
            att = _speech(tok, doc, sent, spans, rules, resolver)
        if att is None:
            continue
        if att.content is None:
            att.content = _content_outside(text, sent, att.phrase)
        out.append(att)
    return _merge_sources(out)


def _phrase(tokens: list[Token], base: int) -> tuple[int, int]:
    toks = sorted(tokens, key=lambda t: t.i)
    return _span_of(toks, base)


def _contiguous_phrase(core: list[Token], verb: Token, extra: tuple[str, ...] = (),
                       clause: Token | None = None) -> list[Token]:
    """``core`` (the cue and its subject) grown by the verb's adjuncts ("on Sunday",
    "reportedly", "told the Global Times") as long as they touch it, punctuation aside; an
    adjunct holding the reported ``clause`` ("in a statement that ...") up to it."""
    idx = {t.i for t in core}
    cands = [[t for t in c.subtree if clause is None or t.i < clause.left_edge.i]
             for c in verb.children
             if (c.dep_ in _ADJUNCT_DEPS or c.dep_ in extra) and c.lower_ != "according"]
    cands = [sub for sub in cands if sub]
    doc = verb.doc
    grown = True
    while grown:
        grown = False
        lo, hi = min(idx), max(idx)
        for sub in cands:
            s_lo, s_hi = sub[0].i, sub[-1].i
            if s_lo <= hi and s_hi >= lo and not {t.i for t in sub} <= idx:
                pass
            elif not (_touches(doc, s_hi, lo) or _touches(doc, hi, s_lo)):
                continue
            if {t.i for t in sub} <= idx or len(sub) > 15:
                continue
            idx.update(t.i for t in sub)
            grown = True
    return [doc[i] for i in sorted(idx)]


def _touches(doc: Doc, a: int, b: int) -> bool:
    """Whether token ``b`` follows token ``a`` with only punctuation between them."""
    if b <= a:
        return False
    return all(doc[i].is_punct and doc[i].text not in "“”\"‘’" for i in range(a + 1, b))


def _ccomp(verb: Token) -> Token | None:
    """The clause the cue reports: its ``ccomp``, the clause of "as saying that ...", or a
    "that" clause the parse hung on the medium ("said in a statement that ...")."""
    for c in verb.children:
        if c.dep_ == "ccomp":
            return c
    rules = load_rules()
    for c in verb.children:
        for p in c.children if c.dep_ == "prep" else ():
            if p.dep_ == "pobj" and p.lower_ in rules.media_nouns:
                for a in p.children:
                    if a.dep_ in ("acl", "relcl") and any(
                            m.dep_ == "mark" and m.lower_ == "that" for m in a.children):
                        return a
    speech = rules.speech
    for c in verb.children:  # "as saying that ..." (not "by noting that": its own cue)
        if c.dep_ in ("pcomp", "prep", "xcomp") and c.lower_ not in speech:
            inner = _ccomp(c)
            if inner is not None:
                return inner
    return None


def _content_from_ccomp(cc: Token, verb: Token, base: int, sent: Sentence,
                        text: str, phrase: tuple[int, int]) -> tuple[int, int]:
    """Reported content: from the attribution to the sentence end (or start), whichever side
    the clause is on; the parse's clause alone often stops short."""
    if cc.i < verb.i:
        return _trim(text, sent.start, phrase[0])
    return _trim(text, phrase[1], sent.end)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    seg = text[start:end]
    lead = _LEAD_STRIP_RE.match(seg)
    s = start + (lead.end() if lead else 0)
    seg = text[s:end]
    trail = _TRAIL_STRIP_RE.search(seg)
    e = s + (trail.start() if trail else len(seg))
    return s, max(s, e)


def _content_outside(text: str, sent: Sentence, phrase: tuple[int, int]) -> tuple[int, int]:
    left = _trim(text, sent.start, phrase[0])
    right = _trim(text, phrase[1], sent.end)
    if text[right[1] - 1:right[1]] == ".":
        right = (right[0], right[1] - 1)
    return left if (left[1] - left[0]) >= (right[1] - right[0]) else right


def _speech(tok: Token, doc: Doc, sent: Sentence, spans: list[QuoteSpan], rules: Rules,
            resolver: Resolver) -> Attribution | None:
    base = sent.start
    text = resolver.ctx.text
    low = tok.lower_
    if low in ("point", "points", "pointed") and not any(c.lower_ == "out" for c in tok.children):
        return None
    subj = _find_subject(tok) or _inverted_subject(tok)
    named_before = None
    if subj is None:
        named_before = _named_before(tok, base, resolver.ctx)
        subj = named_before
    if subj is None or (subj.dep_ == "nsubjpass" and subj.head.i == tok.i):
        return None
    if subj.lower_ in _RELATIVE and tok.dep_ == "relcl" and tok.head.tag_[:2] in ("NN", "CD"):
        subj = tok.head  # "voters, who say ...": the voters speak
    direct_subject = subj.head.i == tok.i
    cc = _ccomp(tok)
    if low in rules.needs_clause and cc is None and not _near_quote(tok, base, spans):
        return None
    speaker, stype, desc, sspan = resolver.resolve(subj, base)
    if speaker is None and subj.lower_ in rules.non_speakers:
        return None
    if stype != "person" and (named := _name_before_cue(tok, base, sspan, resolver.ctx, rules)):
        speaker, stype, desc = named
    subj_toks = list(subj.subtree) if direct_subject or subj.dep_ in _PERSON_SUBJ_DEPS \
        else [subj]
    if named_before is not None:
        subj_toks = [t for t in doc[:tok.i] if t.idx >= named_before.left_edge.idx]
    elif not direct_subject and not _touches(doc, subj_toks[-1].i, tok.i):
        subj_toks = []  # a climbed subject far from the cue ("..., declaring, “...”")
    toks = _contiguous_phrase([tok, *subj_toks], tok,
                              ("dobj",) if low.startswith("t") else (), cc)
    phrase = _phrase(toks, base)
    if cc is None and not _near_quote(tok, base, spans) \
            and not _trailing_or_colon(text, sent, phrase) \
            and not (low in SAY_FORMS and direct_subject and tok.i < len(doc) - 4):
        return None  # "stressed mutual support", "to tell the world": no speech reported
    medium = _medium(tok, base, rules, resolver)
    if subj.lower_ in rules.media_nouns and subj.lower_ not in rules.unnamed_plural:
        author = _document_author(subj, base, resolver)
        if author is not None:  # "a Romney campaign ad said": the campaign, in an ad
            medium, (speaker, stype, _, _) = medium or subj.text, author
        else:
            medium, stype = medium or speaker, None  # "the letter said": a document
    att = Attribution(cue=low, sentence=sent.index, phrase=phrase, speaker_span=sspan,
                       speaker=speaker, speaker_type=stype, descriptor=desc, medium=medium,
                       explicit=bool(subj_toks))
    if cc is not None:
        att.content = _content_from_ccomp(cc, tok, base, sent, text, phrase)
        if tok.dep_ == "relcl" and cc.i > tok.i:  # the relative clause ends the content
            att.content = _trim(text, att.content[0], _span_of([cc.right_edge], base)[1])
    return att


def _trailing_or_colon(text: str, sent: Sentence, phrase: tuple[int, int]) -> bool:
    """"..., Song said." (the phrase ends the sentence after a comma) or "X said: ..."."""
    before = text[sent.start:phrase[0]].rstrip()
    after = text[phrase[1]:sent.end].strip()
    if before.endswith((",", "”", '"', "’")) and not after.strip(".!?\"”’ "):
        return True
    return after.startswith((":", ",")) and len(after) > 20


def _near_quote(tok: Token, base: int, spans: list[QuoteSpan]) -> bool:
    pos = base + tok.idx
    return any(0 <= pos - q.close < 40 or 0 <= q.open - pos < 40 for q in spans)


def _medium(verb: Token, base: int, rules: Rules, resolver: Resolver) -> str | None:
    """"told the Global Times" -> "Global Times"; "said in a statement" -> "a statement"."""
    for c in verb.children:
        if c.dep_ in ("dobj", "dative") and verb.lower_ in ("told", "tell", "tells", "telling"):
            name, typ, _, _ = resolver.resolve(c, base)
            if typ in ("outlet", "organization"):
                return name
        if c.dep_ == "prep" and c.lower_ in ("in", "to", "during", "at"):
            for p in c.children:
                if p.dep_ == "pobj":
                    words = _strip_det(_core_tokens(p))
                    label = " ".join(w.text for w in words).lower()
                    if p.lower_ in rules.media_nouns or label in rules.media_nouns:
                        core = _core_tokens(p)
                        return " ".join(w.text for w in core)
                    if c.lower_ == "to":
                        name, typ, _, _ = resolver.resolve(p, base)
                        if typ == "outlet":
                            return name
    return None


def _source(pobj: Token, base: int, rules: Rules, resolver: Resolver
            ) -> tuple[str | None, str | None, str | None, tuple[int, int]]:
    """A source phrase: "a press release from Russia's Ministry of Defense" -> speaker the
    ministry, medium "a press release"; "TASS" -> speaker TASS."""
    core = _core_tokens(pobj)
    head_words = " ".join(w.text for w in _strip_det(core)).lower()
    if pobj.lower_ in rules.media_nouns or head_words in rules.media_nouns:
        medium = " ".join(w.text for w in core)
        preps = [c for c in pobj.children if c.dep_ == "prep"]
        for c in pobj.children:
            if c.dep_ == "acl":  # "a transcript published by the Kremlin"
                preps.extend(a for a in c.children if a.dep_ in ("agent", "prep"))
        for prep in preps:
            if prep.lower_ not in ("from", "by", "of", "in"):
                continue  # "on Monday" is no source
            for inner in prep.children:
                if inner.dep_ == "pobj":
                    name, typ, _, span = resolver.resolve(inner, base)
                    if name:
                        return name, typ, medium, span
        label = _clean(" ".join(w.text for w in _strip_det(core)))
        return label, "unnamed", medium, _span_of(core, base)
    name, typ, _, span = resolver.resolve(pobj, base)
    return name, typ, None, span


def _according(tok: Token, doc: Doc, sent: Sentence, rules: Rules,
               resolver: Resolver) -> Attribution | None:
    to = doc[tok.i + 1]
    pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
    if pobj is None:
        pobj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if pobj is None:
        for c in tok.children:
            pobj = next((p for p in c.children if p.dep_ == "pobj"), None)
            if pobj is not None:
                break
    if pobj is None:
        return None
    speaker, stype, medium, sspan = _source(pobj, sent.start, rules, resolver)
    toks = [tok, to, *pobj.subtree]
    phrase = _phrase(toks, sent.start)
    return Attribution(cue="according to", sentence=sent.index, phrase=phrase,
                        speaker_span=sspan, speaker=speaker, speaker_type=stype, medium=medium,
                        kind="according")


def _as_saying(tok: Token, sent: Sentence, rules: Rules, resolver: Resolver
               ) -> Attribution | None:
    """"Xinhua paraphrased Li as saying": Li speaks, Xinhua is the medium."""
    as_tok = next((c for c in tok.children if c.lower_ == "as"), None)
    saying = None
    if as_tok is not None:
        saying = next((c for c in as_tok.children
                       if c.lower_ in ("saying", "telling", "stating", "declaring")), None)
    if saying is None:
        saying = next((c for c in tok.subtree if c.lower_ == "saying"), None)
        if saying is None or saying.i > tok.i + 8:
            return None
    base = sent.start
    obj = next((c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")), None)
    if obj is None:
        return None
    speaker, stype, desc, sspan = resolver.resolve(obj, base)
    subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
    if subj is None and tok.dep_ == "acl":  # parsed as "[the release] quoted ..."
        subj = tok.head
    medium = None
    toks = [tok, *obj.subtree, saying]
    if as_tok is not None:
        toks.append(as_tok)
    if subj is not None:
        mname, _, _, _ = resolver.resolve(subj, base)
        medium = mname or _clean(" ".join(t.text for t in _strip_det(_core_tokens(subj))))
        toks.extend(_core_tokens(subj) if subj.i == tok.head.i else subj.subtree)
    for c in tok.children:
        if c.dep_ in ("advmod", "aux", "neg", "npadvmod"):
            toks.extend(c.subtree)
    phrase = _phrase(toks, base)
    att = Attribution(cue=tok.lower_, sentence=sent.index, phrase=phrase, speaker_span=sspan,
                       speaker=speaker, speaker_type=stype, descriptor=desc, medium=medium,
                       kind="as_saying")
    cc = _ccomp(saying) if saying is not None else None
    if cc is not None:
        att.content = _trim(resolver.ctx.text, phrase[1], sent.end)
        if cc.i < tok.i:
            att.content = _trim(resolver.ctx.text, sent.start, phrase[0])
    return att


def _reads(tok: Token, sent: Sentence, rules: Rules, resolver: Resolver
           ) -> Attribution | None:
    """"..., reads a press release from China's Ministry of National Defense"."""
    doc_tok = next((c for c in tok.children if c.dep_ in ("nsubj", "dobj", "attr")
                    and c.i > tok.i), None)
    if doc_tok is None or tok.i == 0 or doc_tok.doc[tok.i - 1].text != ",":
        return None  # only the sentence-final "..., reads the statement" form
    if not any(w.lower_ in rules.media_nouns for w in _core_tokens(doc_tok)):
        return None  # "began to read the Constitution aloud" is no attribution
    speaker, stype, medium, sspan = _source(doc_tok, sent.start, rules, resolver)
    toks = [tok, *doc_tok.subtree]
    phrase = _phrase(toks, sent.start)
    return Attribution(cue=tok.lower_, sentence=sent.index, phrase=phrase, speaker_span=sspan,
                        speaker=speaker, speaker_type=stype, medium=medium, kind="according")


def _merge_sources(atts: list[Attribution]) -> list[Attribution]:
    """In one sentence, "according to X" / "X reported" beside a named speaker's cue becomes
    that speaker's medium instead of a second attribution."""
    if len(atts) < 2:
        return atts
    speakers = [a for a in atts if a.kind != "according" and a.speaker
                and a.speaker_type in ("person", "unnamed", "group", "organization")
                and a.cue != "reported"]
    if not speakers:
        return atts
    out = []
    for a in atts:
        is_source = a.kind == "according" or (a.cue in ("reported", "reports")
                                              and a.speaker_type == "outlet")
        if is_source and a not in speakers:
            target = speakers[0]
            if target.medium is None:
                target.medium = a.speaker or a.medium
            continue
        out.append(a)
    return out
