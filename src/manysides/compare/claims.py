"""Split articles into claim units: one per sentence, labelled fact, quote or opinion.

A *unit* carries what grouping and conflict detection need: the sentence's embedding, its
entity keys, numbers, resolved dates, content words, whether its main clause is negated, and
who (if anyone) it is attributed to.  Kinds:

- ``quote``: at least half of the sentence is inside direct quotation marks, or it is reported
  speech attributed to a named person or body;
- ``opinion``: attributed to analysts/experts/observers (their judgement or prediction), or
  unattributed but carrying an opinion marker (``compare.toml`` [opinion]);
- ``fact``: everything else, including statements sourced to a news agency ("Xinhua reported").
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from manysides.datafiles import load_data
from manysides.lexicons import matcher
from manysides.models import Article, Quote

log = logging.getLogger(__name__)

_CLAIMS = load_data("compare")["claims"]  # data/compare.toml [claims]
MIN_WORDS: int = _CLAIMS["min_words"]  # shorter sentences (furniture, headings) are not claims
MIN_CLAUSE_CONTENT: int = _CLAIMS["min_clause_content"]  # content words of a split-off clause
DIRECT_SHARE: float = _CLAIMS["direct_share"]  # in direct quotes: the sentence is a quote
NON_NAME_TYPES = {"DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT"}
ACTOR_TYPES = frozenset({"PERSON", "ORG", "NORP"})  # entity types that do things (slot actors)
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})  # entity types that are places (slot place)

_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*|\d[\d,.]*")
_TRAILING_SPEAKER = re.compile(
    r"[,\u2014-]\s*((?:[\w'\u2019.-]+\s+){0,6}?)(said|says|say|noted|stressed|added|told|argued|"
    r"believe[sd]?|warned)\b[^,]*[.!?\"\u201d]*\s*$",
    re.IGNORECASE,
)


def _stopwords() -> frozenset[str]:
    return frozenset(load_data("compare")["stopwords"]["words"])


_STOP: frozenset[str] | None = None


def content_words(text: str) -> list[str]:
    """Lower-cased, crudely stemmed content words of ``text`` (stop words and short words out)."""
    global _STOP
    if _STOP is None:
        _STOP = _stopwords()
    out = []
    for w in _WORD.findall(text.lower().replace("\u2019", "'")):
        w = w.strip("'-.,")
        if len(w) < 3 or w in _STOP or w.endswith("'s") and w[:-2] in _STOP:
            continue
        out.append(stem(w))
    return out


def stem(word: str) -> str:
    """A tiny suffix stripper: enough to match "weapons"/"weapon", "defence"/"defense"."""
    w = word.removesuffix("'s").replace("defence", "defense")
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 4 and not w.endswith("ss"):
            return w[: len(w) - len(suffix)] + repl
    return w


@dataclass
class Unit:
    """One candidate claim: a sentence of one article with its features."""

    article: str
    outlet: str
    sentence: int
    text: str
    kind: str
    vector: np.ndarray
    entities: set[str] = field(default_factory=set)
    entity_types: dict[str, str] = field(default_factory=dict)
    numbers: list[tuple[float, str | None, str]] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    day_keys: set[str] = field(default_factory=set)  # the days it names (``day_keys_of``)
    span_keys: set[str] = field(default_factory=set)  # the days its spans cover (``covered``)
    period: bool = False  # names a stretch of past time, not a day ("in recent years")
    words: list[str] = field(default_factory=list)
    negated: bool = False
    negation_scope: list[str] = field(default_factory=list)
    negation_subject: str | None = None
    modality: str = "happened"  # happened | planned | denied | alleged (``modality``)
    speaker: str | None = None
    person_speaker: str | None = None  # the person quoted, when a named person is
    start: int = 0
    needs_vector: bool = False


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def speaker_category(speaker: str | None, descriptor: str | None, speaker_type: str | None) -> str:
    """Category of a quoted speaker: state_media, agency, unnamed, analyst, official or other."""
    text = " ".join(x for x in (speaker, descriptor) if x).lower()
    if speaker_type == "unnamed":
        return "unnamed"
    for category in ("state_media", "agency", "unnamed", "analyst", "official"):
        m = matcher("compare", "speakers", category)
        if category == "unnamed":
            # bare plural groups only: "analysts said", "experts", not "an analyst at ..."
            if speaker and m.search(speaker) and len(speaker.split()) <= 3 and not descriptor:
                if not matcher("compare", "speakers", "official").search(speaker):
                    return "unnamed"
            continue
        if m.search(text):
            return category
    return "other"


def classify(text: str, start: int, end: int, quotes: list[Quote]) -> tuple[str, str | None]:
    """(kind, speaker) of a sentence spanning ``start:end`` given the article's quotes."""
    length = max(1, end - start)
    direct = sum(
        _overlap(start, end, q.start, q.end) for q in quotes if q.kind == "direct"
    )
    here = [q for q in quotes if _overlap(start, end, q.start, q.end) > 0 and q.kind != "scare"]
    speaker = next((q.speaker for q in here if q.speaker), None)
    cats = [speaker_category(q.speaker, q.descriptor, q.speaker_type) for q in here]
    if here and all(c in ("state_media", "agency") for c in cats) and direct / length < 0.3:
        return "fact", speaker  # "..., Xinhua reported": sourcing, not someone's view
    if any(c in ("analyst", "unnamed") for c in cats):
        return "opinion", speaker
    if direct / length >= DIRECT_SHARE or here:
        return "quote", speaker
    m = _TRAILING_SPEAKER.search(text)
    if m:  # attribution the quote stage missed: "..., analysts said."
        who = (m.group(1) or "").strip()
        cat = speaker_category(who, None, None) if who else "other"
        if cat in ("analyst", "unnamed"):
            return "opinion", who
        if cat not in ("state_media", "agency") and who:
            return "quote", who
    if matcher("compare", "opinion", "markers").search(text):
        return "opinion", None
    return "fact", None


def negation(text: str) -> tuple[bool, list[str]]:
    """Whether the main clause of ``text`` is negated, and the content words the cue governs."""
    lowered = text.lower().replace("\u2019", "'")
    cut = len(lowered)
    for brk in load_data("compare")["negation"]["clause_breaks"]:
        i = lowered.find(brk)
        if i > 0:
            cut = min(cut, i)
    appositive = _APPOSITIVE_RELATIVE.search(lowered)
    if appositive:
        cut = min(cut, appositive.start())
    main = lowered[:cut]
    scope: list[str] = []
    negated = False
    for _s, e, _ in matcher("compare", "negation", "cues").finditer(main):
        after = main[e:].split()
        if after and re.match(r"(?:un|in|im)[a-z]{4,}", after[0]):
            continue  # litotes: "not unprecedented", "not insignificant"
        if after and after[0] in ("only", "just", "merely"):
            continue  # "not only ... but also" affirms
        negated = True
        scope.extend(content_words(main[e:])[:2])
    return negated, scope


MODALITIES = ("denied", "alleged", "planned")  # checked in this order; else "happened"


@functools.cache
def _purpose_copula() -> re.Pattern[str]:
    """ "<purpose noun> is to" (``compare.toml`` [modality] purpose_nouns), the noun perhaps
    followed by what it is of ("the reason why they keep doing so is to ...", "the aim of
    the drills is to ..."): not a plan."""
    nouns = "|".join(map(re.escape, load_data("compare")["modality"]["purpose_nouns"]))
    return re.compile(rf"\b(?:{nouns})(?:\s+(?:why|of|for|behind)\b[^,.;:]{{0,60}}?)?"
                      rf"\s+(?:is|are|was|were)\s+to\b", re.IGNORECASE)


_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]*[\"\u201d]")


def outside_quotes(text: str) -> str:
    """``text`` with its direct quotes blanked out (a space each)."""
    return _QUOTED.sub(" ", text)


def modality(text: str) -> str:
    """Whether a clause reports what happened, a plan or expectation ("will visit", "is
    expected to discuss"), a denial ("Beijing has denied") or an allegation ("accused of"):
    the first of ``MODALITIES`` whose cues (``compare.toml`` [modality]) it holds, outside
    direct quotes.  A plan's cue counts only in the main clause, before a relative clause it
    embeds (``_EMBEDDED``): "arrived for a summit that is expected to ..." reports what
    happened; what the relative clause plans is its own."""
    bare = _purpose_copula().sub(" ", outside_quotes(text))
    embedded = _EMBEDDED.search(bare)
    main = bare[: embedded.start()] if embedded else bare
    for name in MODALITIES:
        if matcher("compare", "modality", name).search(main if name == "planned" else bare):
            return name
    return "happened"


def negated_subject(text: str) -> str | None:
    """The name right before the first negation cue ("China did not provide ...") or None."""
    for s, _e, _ in matcher("compare", "negation", "cues").finditer(text):
        before = text[:s].split()[-4:]
        names = [w.strip(",.;:'\u2019s") for w in before if w[:1].isupper()]
        return names[-1] if names and names[-1] else None
    return None


_SPEECH = (
    r"(?:said|says|say|noted|notes|stressed|added|told|tells|reported|reports|asserted|"
    r"argued|believes?|warned|wrote|quoted|insisted|explained|announced|according to)"
)
# Where a clause embeds a relative clause ("a summit that is expected to ...", "..., which
# will ..."), after the clause's first words.  Not a complement clause ("said that the armies
# will ..."): reported words keep their modality, as they do once the attribution is trimmed.
_EMBEDDED = re.compile(
    r"(?<=\w)[\s,]+(?:which|who|whom|whose|that(?=\s+(?:is|are|was|were|will|would|has|have|"
    r"had|can|could|may|might)\b))\b", re.IGNORECASE)
# An appositive with a relative clause ("..., a meeting that had not been announced"): like
# ", which", it says something of the noun, not of the main clause ("..., the ministry said
# that ..." is an attribution, not an appositive).
_APPOSITIVE_RELATIVE = re.compile(
    rf",\s+(?:a|an|the)\s+(?:(?!{_SPEECH}\b)[a-z-]+\s+){{1,2}}(?:that|which|who)\s"
)
_ATTR_TAIL = re.compile(
    rf",\s*(?:[^,]{{0,100}}?\b)?{_SPEECH}\b[^,]{{0,100}}$|"
    rf"[\"\u201d]\s*(?:[^,\"\u201c\u201d]{{0,80}}?\b)?{_SPEECH}\b[^\"\u201c\u201d]{{0,80}}$",
    re.IGNORECASE,
)
_ATTR_HEAD = re.compile(
    rf"^(?:according to [^,]{{3,100}},\s*|[^\"\u201c]{{0,220}}?\b{_SPEECH}\b"
    rf"(?:\s+(?:the|a)\s+[A-Z][\w ]{{0,40}}?)?(?:\s+on\s+\w+day)?\s+that\s+|"
    rf"(?:[\w'\u2019.-]+\s+){{1,5}}{_SPEECH}\s+(?=(?-i:[A-Z])))",
    re.IGNORECASE,
)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|will|would|has|have|had|can|could|may|might|should|must|did|does|"
    r"do|\w{3,}ed)\b"
)
_SPLITS = re.compile(
    r";\s+|,\s+(?:and|but|while|whereas|as(?!\s+well))\s+(?=\S)|"
    r",\s+with\s+(?:\w+\s+){0,3}saying\s+"
)
_TRAILING_DASH = re.compile(r"\s[\u2013\u2014]\s(?=(?:a|an|the)\s)")
_DASHED = re.compile(r"\s[\u2013\u2014-]\s([^\u2013\u2014]{10,200}?)\s[\u2013\u2014]\s")


# A coordinated piece that starts with an infinitive ("..., and to safeguard peace in the
# region") continues the verb phrase before it: it has no subject of its own.
_INFINITIVE = re.compile(r"to\s+[a-z]+\b")
# An absolute phrase ("..., with the two armies having trained together, results achieved,
# and ties enriched") lists states of affairs up to its end: a ", and" inside it joins two of
# them, not two clauses.
_ABSOLUTE = re.compile(r",\s+with\s+(?:[\w'\u2019-]+\s+){1,4}?(?:having|being|[a-z]{3,}ing)\s")
_PRONOUN_START = re.compile(r"(?:he|she|his|her|him|they|their|it|its|we|our|i|my)\b", re.I)
_PARTICIPLE = re.compile(
    r",\s+(?!(?:including|according|regarding|concerning|following|during|excluding|"
    r"bring|thing|nothing|something|anything|everything)\b)([a-z]{3,}ing)\s+"
)


# A second verb phrase of the same subject led by an auxiliary ("Shoigu attended the meeting
# and is expected to meet Li again", "posted a loss and will cut jobs"): split off when the
# two state different modalities (``_modal_split``), so what happened is not marked planned.
_AUX_CONJUNCT = re.compile(
    r"\s+and\s+(?=(?:is|are|was|were|will|would|shall|has|have|had)\s)", re.IGNORECASE)
_SPEECH_OR_THAT = re.compile(rf"\b(?:{_SPEECH}|that)\b", re.IGNORECASE)
MAX_SUBJECT_WORDS = 6  # a longer run before the first verb is no plain subject


def _modal_split(piece: str) -> tuple[int, int, str] | None:
    """(end of the first verb phrase, start of the second, the second with the subject) when
    ``piece`` coordinates two verb phrases of one subject whose modalities differ (``modality``:
    "attended ... and is expected to meet ..."); None otherwise.  The subject is the words
    before the first conjunct's verb (``_VERBISH``), at most ``MAX_SUBJECT_WORDS`` and no
    comma; a first conjunct that reports speech or holds a "that" clause is left whole (the
    subject of what follows its "and" may be the reported clause's)."""
    for m in _AUX_CONJUNCT.finditer(piece):
        first, second = piece[: m.start()], piece[m.end() :]
        verb = _VERBISH.search(first)
        if verb is None or _SPEECH_OR_THAT.search(first):
            return None
        subject = first[: verb.start()].strip()
        if (not subject or "," in subject or len(subject.split()) > MAX_SUBJECT_WORDS
                or len(first.split()) < MIN_WORDS or len(second.split()) < MIN_WORDS - 1):
            continue
        composed = f"{subject} {second}"
        if modality(first) != modality(composed):
            return m.start(), m.end(), composed
    return None


def _verb_phrases(text: str, pieces: list[tuple[int, int, str | None]]
                  ) -> list[tuple[int, int, str | None]]:
    """``pieces`` of ``text`` with each piece of two verb phrases of different modalities
    (``_modal_split``) cut in two, the second given the subject (a composed piece)."""
    out: list[tuple[int, int, str | None]] = []
    for a, b, composed in pieces:
        split = None if composed is not None else _modal_split(text[a:b])
        if split is None:
            out.append((a, b, composed))
        else:
            out += [(a, a + split[0], None), (a + split[1], b, split[2])]
    return out


def _contentful(piece: str) -> bool:
    """Whether ``piece`` says enough to be a claim of its own (``MIN_CLAUSE_CONTENT``)."""
    return len(content_words(piece)) >= MIN_CLAUSE_CONTENT


def _core(text: str, start: int) -> tuple[int, int]:
    """Offsets (within ``text``) of a clause without its attribution ("..., X said.")."""
    s, e = 0, len(text)
    tail = _ATTR_TAIL.search(text)
    if tail and len(text[: tail.start()].split()) >= MIN_WORDS:
        e = tail.start() + (1 if text[tail.start()] in "\"\u201d" else 0)
    head = _ATTR_HEAD.match(text[:e])
    if (
        head
        and len(text[head.end() : e].split()) >= MIN_WORDS
        and len(head.group(0).split()) <= 40
        and not _PRONOUN_START.match(text[head.end() : e])  # "Li noted that his visit ...":
    ):  # the speaker is the claim's subject, keep it
        s = head.end()
    return s, e


def clauses(text: str) -> list[tuple[int, int, str]]:
    """The claims a sentence carries as (start, end, text): coordinated clauses are split,
    a dashed aside ("Li \u2013 a Chinese official under U.S. sanctions \u2013 is ...") becomes
    its own claim ("Li is a Chinese official under U.S. sanctions"), two verb phrases of one
    subject with different modalities are two claims (``_modal_split``), and attributions
    ("..., Song said") are trimmed.  A sentence that does not split gives one piece."""
    pieces: list[tuple[int, int, str | None]] = []
    dashed = _DASHED.search(text)
    if dashed and len(dashed.group(1).split()) >= MIN_WORDS - 1:
        subject = text[: dashed.start()].strip()
        inner = dashed.group(1).strip()
        if 0 < len(subject.split()) <= 4 and re.match(r"(?:a|an|the)\s", inner, re.IGNORECASE):
            pieces.append((dashed.start(1), dashed.end(1), f"{subject} is {inner}"))
            rest = text[dashed.end() :]
            pieces.append((dashed.end(), len(text), f"{subject} {rest}"))
    if not pieces:
        tail = _TRAILING_DASH.search(text)
        if tail and len(text[: tail.start()].split()) >= MIN_WORDS + 1 and len(
            text[tail.end() :].split()
        ) >= MIN_WORDS + 1:  # "The meeting marked the start of ... \u2013 a first by ..."
            pieces = [(0, tail.start(), None), (tail.end(), len(text), None)]
    if not pieces:
        cuts = [0]
        for m in _SPLITS.finditer(text):
            rest = text[m.end() :]
            nxt = _SPLITS.search(rest)
            second = rest[: nxt.start()] if nxt else rest
            first = text[cuts[-1] : m.start()]
            if (
                len(first.split()) >= MIN_WORDS + 1
                and len(second.split()) >= MIN_WORDS + 1
                and _VERBISH.search(second)
                and _VERBISH.search(first)
                and not (_ABSOLUTE.search(first) or _INFINITIVE.match(second))
            ):
                cuts.extend([m.start(), m.end()])
        for m in _PARTICIPLE.finditer(text):  # "..., marking Russia's importance as an ally"
            if any(a <= m.start() < b for a, b in zip(cuts[1::2], cuts[2::2], strict=False)):
                continue
            before = [c for c in cuts if c <= m.start()]
            if (
                len(text[before[-1] if before else 0 : m.start()].split()) >= MIN_WORDS + 2
                and len(text[m.start(1) :].split()) >= MIN_WORDS + 2
                and _contentful(text[before[-1] if before else 0 : m.start()])
                and _contentful(text[m.start(1) :])
            ):
                cuts.extend([m.start(), m.start(1)])
        cuts.sort()
        cuts.append(len(text))
        pieces = [(a, b, None) for a, b in zip(cuts[0::2], cuts[1::2], strict=False)]
    out: list[tuple[int, int, str]] = []
    for a, b, composed in _verb_phrases(text, pieces):
        piece = composed if composed is not None else text[a:b]
        s, e = _core(piece, a)
        core = piece[s:e].strip().strip("\"\u201c\u201d").strip()
        if len(_WORD.findall(core)) >= MIN_WORDS:
            lo = a + s if composed is None else a
            hi = a + e if composed is None else b
            out.append((lo, hi, core))
    return out or [(0, len(text), text.strip())]


def unit_class(unit: str | None) -> str | None:
    """What a quantity counts, comparable across wordings: "people lost" -> "people",
    "residents" -> "people", "rescue helicopters" -> "helicopter" (``compare.toml`` [units])."""
    if not unit:
        return None
    words = [w.strip(".,") for w in unit.lower().split() if w.strip(".,")]
    classes = load_data("compare").get("units", {})
    for w in words:
        for name, members in classes.items():
            if w in members:
                return name
    return stem(words[-1]) if words else None


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_SPAN_DAYS = 14  # a span covering more days ("from March to June") gives no day keys
DAY_UNITS = frozenset({"day", "days"})  # what a duration in days counts ("a four-day visit")
_WEEKDAY_RANGE = re.compile(
    rf"\b({'|'.join(_WEEKDAYS)})\s+(?:to|until|till|through|thru|-|\u2013)\s+"
    rf"({'|'.join(_WEEKDAYS)})\b", re.IGNORECASE)


def _days_from(first: str, count: int) -> set[str]:
    """The day keys of ``count`` days from ``first`` (an ISO day or a weekday name)."""
    if first in _WEEKDAYS:
        start = _WEEKDAYS.index(first)
        return {_WEEKDAYS[(start + k) % 7] for k in range(count)}
    try:
        day = date.fromisoformat(first)
    except ValueError:
        return set()
    out: set[str] = set()
    for k in range(count):
        d = day + timedelta(days=k)
        out |= {d.isoformat(), _WEEKDAYS[d.weekday()]}
    return out


def span_day_keys(text: str, resolved: str | None) -> set[str]:
    """Day keys of every day a mention's span covers (at most ``MAX_SPAN_DAYS``): a resolved
    span ("April 16 to 19": "2023-04-16/2023-04-19") or an unresolved weekday range ("from
    Sunday to Wednesday"); empty for a single day."""
    if resolved and "/" in resolved:
        lo, hi = resolved.split("/", 1)
        try:
            count = (date.fromisoformat(hi[:10]) - date.fromisoformat(lo[:10])).days + 1
        except ValueError:
            return set()
        if not 1 < count <= MAX_SPAN_DAYS:
            return set()
        return _days_from(lo[:10], count) | {_length_key(count)}
    m = _WEEKDAY_RANGE.search(text) if not resolved else None
    if m is None:
        return set()
    first, last = _WEEKDAYS.index(m.group(1).lower()), _WEEKDAYS.index(m.group(2).lower())
    count = (last - first) % 7 + 1
    return _days_from(_WEEKDAYS[first], count) | {_length_key(count)}


def _length_key(count: int) -> str:
    """The span key of a span's length in days: "April 16 to 19", "from Sunday to Wednesday"
    and "a four-day visit" all have "4 days"."""
    return f"{count} days"


def duration_keys(numbers: list[tuple[float, str | None, str]]) -> set[str]:
    """The length keys (``_length_key``) of the durations in days a clause names ("a
    four-day visit"), dated or not."""
    return {_length_key(int(value)) for value, unit, _text in numbers
            if unit in DAY_UNITS and value == int(value) and 1 < value <= MAX_SPAN_DAYS}


def covered(keys: set[str], numbers: list[tuple[float, str | None, str]]) -> set[str]:
    """The day keys a duration covers in a clause naming one day (``keys``) and a duration in
    days ("arrived on Sunday for a four-day visit": Sunday to Wednesday); else empty."""
    isos = sorted(k for k in keys if k not in _WEEKDAYS)
    first = isos[0] if len(isos) == 1 else None
    if first is None and not isos and len(keys) == 1:
        first = next(iter(keys))
    if first is None:
        return set()
    for value, unit, _text in numbers:
        if unit in DAY_UNITS and value == int(value) and 1 < value <= MAX_SPAN_DAYS:
            return _days_from(first, int(value))
    return set()


def day_keys_of(text: str, resolved: str | None) -> set[str]:
    """Keys by which two mentions name the same day: the ISO day and its weekday name, or
    the weekday name alone when the date could not be resolved ("on Sunday", no anchor)."""
    keys: set[str] = set()
    if resolved and len(resolved) == 10:
        keys.add(resolved)
        try:
            keys.add(_WEEKDAYS[date.fromisoformat(resolved).weekday()])
        except ValueError:
            pass
    elif not resolved:
        keys |= {w for w in _WEEKDAYS if w in text.lower()}
    return keys


@functools.cache
def _period() -> re.Pattern[str]:
    """A stretch of past time named without a day (``compare.toml`` [time] periods), not
    followed within two words by one of [time] short_units ("in the past week")."""
    data = load_data("compare")["time"]
    phrases = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in data["periods"])
    short = "|".join(re.escape(u) for u in data["short_units"])
    return re.compile(rf"\b(?:{phrases})\b(?!\s+(?:[\w-]+\s+)?(?:{short})\b)",
                      re.IGNORECASE)


def names_period(text: str) -> bool:
    """Whether ``text`` (outside direct quotes) places its event in a stretch of past time
    rather than on a day: "in recent years", "in the past", "over the past year"; a
    fact so placed is not one stated of a day ("met on Tuesday")."""
    return _period().search(outside_quotes(text)) is not None


def is_claim_sentence(text: str) -> bool:
    """Whether the sentence ``text`` gives claim units (long enough, not a heading in capitals)."""
    return len(_WORD.findall(text)) >= MIN_WORDS and re.search(r"[a-z]", text) is not None


def _covers(piece: str, text: str) -> bool:
    return len(piece) >= 0.9 * len(text.strip())


def reads_sentence_vector(text: str) -> bool:
    """Whether ``article_units`` makes the sentence ``text`` one unit that takes the sentence's
    own embedding (a claim not cut into clauses); the other sentences' embeddings are not read."""
    if not is_claim_sentence(text):
        return False
    spans = clauses(text)
    return len(spans) == 1 and _covers(spans[0][2], text)


def article_units(
    article: Article, vectors: np.ndarray | None, outlet: str, *, split: bool = True
) -> list[Unit]:
    """Claim units of one analysed article (sentences too short to be claims left out).

    With ``split`` a sentence may give several units (``clauses``); their ``vector`` is then
    left empty (zeros) for the caller to embed, except when the clause is the whole sentence.

    Kept whole: the unit fields are filled in one pass over the sentences.
    """
    analysis = article.analysis
    if analysis is None:
        return []
    types = {e.key: e.type for e in analysis.entities}
    mentions = sorted(
        (m for m in analysis.mentions if types.get(m.entity, "") not in NON_NAME_TYPES),
        key=lambda m: m.start,
    )
    numbers = [(q.start, (q.value, unit_class(q.unit), q.text)) for q in analysis.quantities]
    dates = [(d.start, d.resolved) for d in analysis.dates if d.resolved]
    day_keys = [(d.start, k) for d in analysis.dates for k in day_keys_of(d.text, d.resolved)]
    span_keys = [(d.start, k) for d in analysis.dates for k in span_day_keys(d.text, d.resolved)]
    units = []
    for pos, sent in enumerate(analysis.sentences):
        text = sent.text
        if not is_claim_sentence(text):
            continue
        if vectors is not None and pos < len(vectors):
            sent_vec = np.asarray(vectors[pos], dtype=np.float32)
        else:
            sent_vec = np.zeros(384, dtype=np.float32)
        kind, speaker = classify(text, sent.start, sent.end, analysis.quotes)
        person = next(  # whose words make up most of the sentence, if a named person's
            (q.speaker for q in analysis.quotes
             if q.speaker and q.speaker_type == "person" and q.kind != "scare"
             and _overlap(sent.start, sent.end, q.start, q.end) >= 0.5 * (sent.end - sent.start)),
            None,
        )
        spans = clauses(text) if split else [(0, len(text), text.strip())]
        for a, b, piece in spans:
            lo, hi = sent.start + a, sent.start + b
            whole = len(spans) == 1 and _covers(piece, text)
            # entities of the whole sentence count when only the attribution was trimmed
            e_lo, e_hi = (sent.start, sent.end) if whole else (lo, hi)
            # a clause given a subject of its own ("Li is a Chinese official under ...",
            # ``clauses``) also names the subject's entities, mentioned before its offsets
            composed = piece not in text
            ents = {m.entity for m in mentions if e_lo <= m.start < e_hi
                    or composed and sent.start <= m.start < lo and m.text in piece}
            negated, scope = negation(piece)
            units.append(
                Unit(
                    article=article.id,
                    outlet=outlet,
                    sentence=sent.index,
                    text=piece,
                    kind=kind,
                    vector=sent_vec if whole else np.zeros_like(sent_vec),
                    entities=ents,
                    entity_types={k: types.get(k, "") for k in ents},
                    numbers=[n for o, n in numbers if e_lo <= o < e_hi],
                    dates=[r for o, r in dates if e_lo <= o < e_hi],
                    day_keys={k for o, k in day_keys if e_lo <= o < e_hi},
                    span_keys={k for o, k in span_keys if e_lo <= o < e_hi}
                    | covered({k for o, k in day_keys if e_lo <= o < e_hi},
                              [n for o, n in numbers if e_lo <= o < e_hi])
                    | duration_keys([n for o, n in numbers if e_lo <= o < e_hi]),
                    period=names_period(piece),
                    words=content_words(piece),
                    negated=negated,
                    negation_scope=scope,
                    negation_subject=negated_subject(piece) if negated else None,
                    modality=modality(piece),
                    speaker=speaker,
                    person_speaker=person,
                    start=lo,
                    # a zero row: a matrix stored when the rules read other sentences
                    needs_vector=not whole or not sent_vec.any(),
                )
            )
    return units
