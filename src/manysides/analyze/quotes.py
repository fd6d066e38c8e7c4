"""Quotes: every quotation in an article and who it is attributed to.

Three kinds come out (``Quote.kind``):

- ``direct``: words inside quote marks (“ ” ‘ ’ " '), split by the attribution (“...,” Putin
  said. “...”), spanning sentences or paragraphs, or a quoted fragment inside reported speech;
- ``reported``: "X said (that) ...", "..., Song said.", "..., according to TASS", "Xinhua
  paraphrased Li as saying ...", "told the Global Times that ...";
- ``scare``: short quote-marked words of the author's own sentence ("no limits"), unattributed.

Steps: find the quote-marked spans (a character scan); find the sentences with a reporting cue
outside quote marks (one precompiled regex); parse only those with spaCy's dependency parser;
read each cue's speaker, descriptor, medium and content off the parse; attach quote-marked spans
to the adjacent attribution, the reported speech around them, or the previous speaker's
quotation they continue; resolve speakers to entities (pronouns, surnames, "the Russian
leader"), groups ("analysts") and outlets.  Reading the parse is
``manysides.analyze.attribution``; the word lists are data: ``data/attribution.toml``.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from manysides.analyze.affiliation import document_speakers, speaker_affiliations
from manysides.analyze.attribution import (
    Attribution,
    Context,
    QuoteSpan,
    Resolver,
    Rules,
    load_rules,
    read_attributions,
)
from manysides.analyze.nlp import load_spacy
from manysides.datafiles import load_data
from manysides.models import Entity, Mention, Quote, QuoteKind, Sentence, SpeakerType
from manysides.settings import Settings
from manysides.text import sentence_at, sentence_index_at

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

# Pipeline components the attribution parse needs (fine-grained tags and dependencies); the
# rest (ner, attribute_ruler, lemmatizer) are switched off: they would cost a third more.
PARSE_COMPONENTS = ("tok2vec", "transformer", "tagger", "morphologizer", "parser")
# Parsed cue sentences kept per process, by pipeline and text: a batch's, parsed in one run
# before its articles are read (``parse_cue_sentences``), and the last batches' (wire copy and
# syndicated articles repeat them; a parse depends on the sentence alone, not on its batch).
# A doc costs about 40 KiB: 1,000 hold three batches of 32 news articles.
PARSE_CACHE_SIZE = 1_000
_PARSE_CACHE: OrderedDict[tuple[int, str], tuple[Language, Doc]] = OrderedDict()
# Quotations of at least this many words starting with a capital are not parsed (the parse
# only needs the attribution around them): a stand-in clause takes their place.
COLLAPSE_MIN_WORDS: int = load_data("attribution")["limits"]["collapse_min_words"]
STAND_IN = "It is so"
OPEN_DOUBLE = "“"
CLOSE_DOUBLE = "”"
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"
_MARK_RE = re.compile("''|[\"'“”‘’]")
_TITLE_RE = re.compile(r"^(?:[A-Z0-9][\w'’-]*|of|the|and|a|an|in|on|for|to)"
                       r"(?:\s+(?:[A-Z0-9][\w'’-]*|of|the|and|a|an|in|on|for|to))*[.!?]?$")
_SENT_END_RE = re.compile(r"[.!?][\"'”’]*\s*$")
_GAP_TRAILING_RE = re.compile(r"^[\s,.!?;:—–-]*$")
_GAP_LEADING_RE = re.compile(r"^[\s,:—–-]*(?:that\s*)?$")
# The reported sentence goes on after a quoted fragment ("Smith says “the wind is at our
# backs” despite the loss"): the reported speech holds the fragment.
_BARE_END_RE = re.compile(r"\s*[.!?]")  # an attribution phrase that ends its sentence
_REST_OF_SENTENCE_RE = re.compile(r"[^.!?\n]*?[A-Za-z]{2}")
# Possessive pronouns are no speaker of a quotation after them ("his “utter failure”").
_POSSESSIVE_PRONOUNS = frozenset({"his", "her", "its", "their"})


# ---------------------------------------------------------------- quote-marked spans


def find_quote_spans(text: str) -> list[tuple[int, int]]:
    """Top-level quote-marked spans of ``text`` as (start, end) of the content inside the marks.

    Curly and straight double quotes, curly and straight single quotes (apostrophes are told
    apart by their neighbours); a quotation running over paragraphs (no closing mark at the
    paragraph's end, an opening mark at the next one's start) is one span.
    """
    return [(s.start, s.end) for s in _quote_spans(text)]


def _quote_spans(text: str) -> list[QuoteSpan]:
    spans: list[QuoteSpan] = []
    pos = 0
    pending: QuoteSpan | None = None  # an unclosed span waiting for its continuation paragraph
    for line in text.split("\n"):
        line_start = pos
        pos += len(line) + 1
        if not line.strip():
            continue
        line_spans, unclosed = _line_spans(line, line_start)
        if pending is not None:
            if line_spans and line_spans[0].open == line_start + len(line) - len(line.lstrip()):
                first = line_spans.pop(0)
                pending.end, pending.close = first.end, first.close
                if first.close == first.end and unclosed is first:  # still running on
                    continue
                spans.append(pending)
                pending = None
            else:
                spans.append(pending)
                pending = None
        spans.extend(s for s in line_spans if s is not unclosed)
        if unclosed is not None:
            pending = unclosed
    if pending is not None:
        spans.append(pending)
    return [s for s in spans if text[s.start:s.end].strip()]


def _line_spans(line: str, base: int) -> tuple[list[QuoteSpan], QuoteSpan | None]:
    """Quote spans of one paragraph; the second value is a double-quoted span left open.

    Two apostrophes ('') are a straight double quote (the newswire and NYT archive style).
    """
    out: list[QuoteSpan] = []
    mark: str | None = None  # the opening mark of the span now open
    begin = width = 0  # where the open span's mark starts, and its width
    n = len(line)
    for mk in _MARK_RE.finditer(line):  # only quote characters matter
        i, w = mk.start(), len(mk.group(0))
        ch = '"' if w == 2 else mk.group(0)
        prev = line[i - 1] if i else " "
        nxt = line[i + w] if i + w < n else " "
        here = (base + i, base + i + w)
        if mark is None:
            if _opens(ch, prev, nxt):
                mark, begin, width = ch, i, w
        elif mark in (OPEN_DOUBLE, '"'):
            if ch == CLOSE_DOUBLE or ch == '"':
                if w == 2 and line[i + 2:i + 3] == "'":  # three apostrophes: the single
                    here = (here[0] + 1, here[1] + 1)  # closes first ("us,'''")
                out.append(QuoteSpan(base + begin, base + begin + width, *here))
                mark = None
            elif ch == OPEN_DOUBLE and prev in ",.?!" and nxt.isspace():
                out.append(QuoteSpan(base + begin, base + begin + width, *here))  # a typo
                mark = None  # for the closing mark: “It's unusual,“ said Noble.
            elif ch == OPEN_DOUBLE:  # unbalanced: restart at the new opening mark
                begin, width = i, w
        elif mark == OPEN_SINGLE:
            if ch == CLOSE_SINGLE and not nxt.isalnum():
                out.append(QuoteSpan(base + begin, base + begin + width, *here))
                mark = None
        elif mark == "'":
            if ch == "'" and not nxt.isalnum() and not prev.isspace():
                out.append(QuoteSpan(base + begin, base + begin + width, *here))
                mark = None
    unclosed = None
    if mark in (OPEN_DOUBLE, '"'):
        end = base + len(line.rstrip())
        unclosed = QuoteSpan(base + begin, base + begin + width, end, end)
        out.append(unclosed)
    return out, unclosed


def _opens(ch: str, prev: str, nxt: str) -> bool:
    """Whether quote character ``ch`` between ``prev`` and ``nxt`` opens a quotation (not an
    apostrophe: "don't", "the ‘08 race")."""
    if ch == OPEN_DOUBLE or (ch == '"' and not prev.isalnum()):
        return True
    if ch == OPEN_SINGLE:
        return not prev.isalnum() and not nxt.isdigit()
    return ch == "'" and (prev.isspace() or prev in "([—–") and nxt.isalpha()


def _cue_sentences(text: str, sentences: list[Sentence], spans: list[QuoteSpan],
                   rules: Rules) -> list[Sentence]:
    """Sentences with a reporting cue outside quote marks."""
    cues = [m.start() for m in rules.cue_re.finditer(text)
            if not any(q.start <= m.start() < q.end for q in spans)]
    out = []
    j = 0
    for s in sorted(sentences, key=lambda s: s.start):
        while j < len(cues) and cues[j] < s.start:
            j += 1
        if j < len(cues) and cues[j] < s.end:
            out.append(s)
    return out


def parse_cue_sentences(nlp: Language, articles: Iterable[tuple[str, list[Sentence]]]) -> None:
    """Parse the cue sentences of several ``(text, sentences)`` articles in one spaCy run, as
    ``extract_quotes`` would parse each article's: it then finds them parsed (``_parse``'s
    cache), and a batch of articles costs one run of the parser, not one per article."""
    if "parser" not in nlp.pipe_names:
        return
    rules = load_rules()
    texts: list[str] = []
    for text, sentences in articles:
        spans = _quote_spans(text)
        texts += [_collapsed(text, s, spans) for s in _cue_sentences(text, sentences, spans,
                                                                         rules)]
    _parse(nlp, texts)


def _parse(nlp: Language, texts: list[str]) -> list[Doc]:
    """``texts`` parsed (``PARSE_COMPONENTS`` only), in order; the texts parsed before in this
    process by this pipeline come from a bounded cache (the docs are only read).  Each entry
    holds its pipeline, so no other pipeline can take that pipeline's id while it is cached."""
    todo = list(dict.fromkeys(t for t in texts if (id(nlp), t) not in _PARSE_CACHE))
    if todo:
        disable = [n for n in nlp.pipe_names if n not in PARSE_COMPONENTS]
        for t, doc in zip(todo, nlp.pipe(todo, disable=disable), strict=True):
            _PARSE_CACHE[(id(nlp), t)] = (nlp, doc)
    docs = []
    for t in texts:
        docs.append(_PARSE_CACHE[(id(nlp), t)][1])
        _PARSE_CACHE.move_to_end((id(nlp), t))
    while len(_PARSE_CACHE) > PARSE_CACHE_SIZE:
        _PARSE_CACHE.popitem(last=False)
    return docs


def _collapsed(text: str, sent: Sentence, spans: list[QuoteSpan]) -> str:
    """The sentence with each long clause-like quotation replaced by a stand-in clause of the
    same length ("It is so," and spaces): the attribution parses the same, the quoted words
    (often most of the sentence) are not parsed, and every offset stays valid."""
    out = sent.text
    for q in spans:
        s, e = max(q.start, sent.start), min(q.end, sent.end)
        inner = text[s:e]
        if e <= s or len(inner.split()) < COLLAPSE_MIN_WORDS or not inner.lstrip()[:1].isupper():
            continue
        tail = inner.rstrip()[-1:]
        stand_in = STAND_IN + (tail if tail in ",.?!" else "")
        if len(stand_in) + 1 >= len(inner):
            continue
        lo, hi = s - sent.start, e - sent.start
        out = out[:lo] + stand_in + " " * (len(inner) - len(stand_in)) + out[hi:]
    return out


# ---------------------------------------------------------------- putting it together


def _direct_text(text: str, span: QuoteSpan) -> tuple[int, int]:
    """Content offsets of a quote, trimmed of spaces and a trailing comma inside the marks."""
    s, e = span.start, span.end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1] in " \n\t,":
        e -= 1
    return s, e


def _at_sentence_start(text: str, span: QuoteSpan, sentences: list[Sentence]) -> bool:
    s = sentence_at(sentences, span.open)
    return s is not None and not text[s.start:span.open].strip(" \"'“‘(")


def _adjacent(text: str, span: QuoteSpan, atts: list[Attribution],
              sentences: list[Sentence]) -> Attribution | None:
    """The attribution right after the quote (“...,” Putin said) or right before it
    (Putin said: “...”, also where "Putin said:" ends the paragraph before); after wins.
    None where the quote is a fragment of the reported sentence around it (“...” with the
    author's words before it and the cue after, or the cue before and the sentence going on
    after it): the reported speech holds it then.  A quote ending in a full stop has no
    attribution after it but a bare "X said." (“... unfair.” The letter says ...)."""
    fragment = span.words(text) <= load_rules().scare_max_words and not (
        _at_sentence_start(text, span, sentences) or _colon_before(text, span))
    full_stop = text[span.start:span.end].rstrip().endswith(".")
    atts = [a for a in atts if a.phrase[0] < span.close or not (
        fragment or (full_stop and not _BARE_END_RE.match(text, a.phrase[1])))]
    for a in atts:
        if a.explicit and a.phrase[0] >= span.close \
                and _GAP_TRAILING_RE.match(text[span.close:a.phrase[0]]) \
                and "\n" not in text[span.close:a.phrase[0]] \
                and not re.search(r"[.!?]", text[span.close:a.phrase[0]]):
            return a
    for a in atts:
        gap = text[a.phrase[1]:span.open]
        if a.phrase[1] <= span.open and _GAP_LEADING_RE.match(gap) \
                and ("\n" not in gap or gap.strip() == ":") \
                and (":" in gap or not _goes_on(text, span)):
            return a
    return None


def _goes_on(text: str, span: QuoteSpan) -> bool:
    """Whether the sentence goes on with words after the quote (not ended inside it)."""
    return not _SENT_END_RE.search(text[span.start:span.end].strip()) \
        and bool(_REST_OF_SENTENCE_RE.match(text, span.close))


def _is_scare(text: str, span: QuoteSpan, rules: Rules, sentences: list[Sentence]) -> bool:
    """Short, unattributed, inside the author's sentence, and not a sentence of its own -
    or a short title ("Meet the Press.") that the sentence's full stop fell inside."""
    inner = text[span.start:span.end].strip()
    if span.words(text) > rules.scare_max_words or _at_sentence_start(text, span, sentences):
        return False
    return not _SENT_END_RE.search(inner) or bool(_TITLE_RE.match(inner))


def extract_quotes(text: str, sentences: list[Sentence], entities: list[Entity],
                   mentions: list[Mention], *, nlp: Language | None = None) -> list[Quote]:
    """Quotations in ``text`` (an article's clean text) with their speakers, in text order.

    ``sentences`` carry offsets into ``text``; ``entities``/``mentions`` are the article's
    entities (canonical ``name``, ``type``, ``aliases``, ``descriptors``) and their mentions;
    ``nlp`` is a loaded spaCy pipeline with a parser (the default one is loaded when None).
    Only sentences with a reporting cue outside quote marks are parsed.
    Returns direct, reported and scare ``Quote``s (offsets of the quoted content in ``text``).
    """
    rules = load_rules()
    spans = _quote_spans(text)
    ctx = Context(text, entities, mentions, sentences, spans)
    atts = _read_attributions(text, sentences, spans, rules, ctx, nlp)
    descriptors = _descriptors(atts, entities)
    quotes = _quoted(text, sentences, spans, atts, rules, descriptors, ctx)
    reported = _reported(text, sentences, spans, atts, descriptors)
    quotes = [q for q in quotes if not _inside_reported(q, reported)] + reported
    quotes.sort(key=lambda q: (q.start, q.kind))
    document_speakers(text, quotes, entities, mentions)
    _link_speakers(quotes, entities)
    speaker_affiliations(text, quotes, entities, mentions)
    return quotes


def _link_speakers(quotes: list[Quote], entities: list[Entity]) -> None:
    """Each quote's ``speaker_entity``: the key of the entity named as its speaker (by its
    name, else a unique alias), so whom an outlet quotes counts referents, not strings."""
    by_name = {e.name: e.key for e in entities}
    by_alias: dict[str, set[str]] = {}
    for e in entities:
        for alias in e.aliases:
            by_alias.setdefault(alias, set()).add(e.key)
    for q in quotes:
        if not q.speaker:
            continue
        key = by_name.get(q.speaker)
        if key is None and len(by_alias.get(q.speaker, ())) == 1:
            key = next(iter(by_alias[q.speaker]))
        q.speaker_entity = key


def _inside_reported(quote: Quote, reported: list[Quote]) -> bool:
    """A quoted fragment of reported speech ("X said the plan was “a costly mistake”"): the
    reported quote holds it, with the same speaker and cue; one quote, not two."""
    return quote.kind == "direct" and any(
        r.start <= quote.start and quote.end <= r.end and r.speaker == quote.speaker
        and r.cue == quote.cue for r in reported)


def _read_attributions(text: str, sentences: list[Sentence], spans: list[QuoteSpan],
                       rules: Rules, ctx: Context, nlp: Language | None) -> list[Attribution]:
    """Parse the cue sentences (only those) and read their attributions, in text order."""
    cue_sents = _cue_sentences(text, sentences, spans, rules)
    if not cue_sents:
        return []
    if nlp is None:
        nlp = load_spacy(Settings().spacy_model)
    if "parser" not in nlp.pipe_names:
        log.warning("spaCy pipeline has no parser: only quote-marked quotes are attributed")
        return []
    resolver = Resolver(ctx, rules)
    atts: list[Attribution] = []
    docs = _parse(nlp, [_collapsed(text, s, spans) for s in cue_sents])
    for sent, doc in zip(cue_sents, docs, strict=True):
        for att in read_attributions(doc, sent, spans, rules, resolver):
            atts.append(att)
            if att.speaker:  # pronouns later on may refer back to this speaker
                ctx.speakers.append((att.phrase[0], att.speaker, att.speaker_type or ""))
    atts.sort(key=lambda a: a.phrase[0])
    return atts


def _descriptors(atts: list[Attribution], entities: list[Entity]) -> dict[str, str]:
    """Speaker -> descriptor: the first one the article gives, else the entity step's."""
    descriptors: dict[str, str] = {}
    for a in atts:
        if a.speaker and a.descriptor:
            descriptors.setdefault(a.speaker, a.descriptor)
    for ent in entities:
        if ent.descriptors and ent.name not in descriptors:
            descriptors[ent.name] = ent.descriptors[0]
    return descriptors


def _quoted(text: str, sentences: list[Sentence], spans: list[QuoteSpan],
            atts: list[Attribution], rules: Rules, descriptors: dict[str, str],
            ctx: Context) -> list[Quote]:
    """A ``Quote`` per quote-marked span: attributed (adjacent attribution, the reported
    speech around it, or the previous speaker's quotation it continues) or else scare/direct.
    Attributions whose content is the quotation itself are marked consumed."""
    quotes: list[Quote] = []
    previous: tuple[QuoteSpan, Attribution] | None = None
    for span in spans:
        att = None
        marks_speaker = any(a.speaker_span and a.speaker_span[0] < span.end
                            and span.start < a.speaker_span[1] for a in atts)
        if not marks_speaker:  # (“analysts” insisting ...: the quote marks the speaker)
            att = _adjacent(text, span, atts, sentences)
            if att is not None:
                att.consumed = True
            else:
                att = _containing(span, atts)
                if att is not None and att.content is not None:
                    c0, c1 = att.content
                    if span.close > c1 + 1:  # the reported part ends where the quote opens
                        att.content = c0, max(c0, span.open - 1)
                    elif (span.end - span.start) >= 0.8 * (c1 - c0):
                        att.consumed = True
            if att is None and previous is not None:
                att = _continuation(text, span, previous, atts, rules, sentences) \
                    or _same_sentence_run(text, span, previous, atts, sentences, ctx)
            if att is None:
                att = _after_trailing(text, span, atts, sentences)
        s, e = _direct_text(text, span)
        if att is None:
            kind: QuoteKind = "scare" if _is_scare(text, span, rules, sentences) else "direct"
            fragment = kind == "scare" or not text[s:e][:1].isupper()
            speaker, stype = _sentence_subject(text, span, spans, atts, sentences, ctx,
                                               partial=fragment)
            if speaker:
                kind = "direct"  # a partial quotation of the one the sentence is about
            quotes.append(Quote(text=text[s:e], kind=kind, speaker=speaker,
                                speaker_type=stype,
                                descriptor=descriptors.get(speaker or ""),
                                cue=":" if speaker and _colon_before(text, span) else None,
                                medium=None, start=s, end=e,
                                sentence=sentence_index_at(sentences, s)))
            continue
        previous = (span, att)
        quotes.append(_quote(text, s, e, "direct", att, descriptors, sentences))
    return quotes


def _colon_before(text: str, span: QuoteSpan) -> bool:
    return text[:span.open].rstrip().endswith(":")


def _sentence_subject(text: str, span: QuoteSpan, spans: list[QuoteSpan],
                      atts: list[Attribution], sentences: list[Sentence], ctx: Context, *,
                      partial: bool = False) -> tuple[str | None, SpeakerType | None]:
    """Who a cue-less quotation embedded in a sentence belongs to: (speaker, speaker_type),
    (None, None) for nobody.

    News prose embeds a speaker's words in a sentence about them ("Biden was quick to
    retort: “...”", "Boehner accused the president of having “wasted another week.”",
    "Santorum had dismissed Obama's politics as based in “some phony theology.”").  A full
    quotation takes the sentence's subject; a short phrase (``partial``) the first person
    named before it, not as a possessive ("Lee's", "his") nor inside a quotation, else the
    organisation the sentence is about ("The Tarvel Coalition issued a resolution accusing
    the council of acting as a “partisan attack dog”"); with neither it stays the author's
    scare quote ("its “no limits” relations").  Only names past an earlier
    quotation's attribution in the sentence count.  A quotation opening its own sentence gets
    none.
    """
    sent = sentence_at(sentences, span.open)
    if sent is None or not text[sent.start:span.open].strip():
        return None, None
    candidates = ctx.subjects if not partial else [
        m for m in ctx.persons if text[m.end:m.end + 2] not in ("'s", "’s")
        and m.text.lower() not in _POSSESSIVE_PRONOUNS  # "In his interview, Lee called ..."
        and not any(q.start <= m.start < q.end for q in spans)  # a name inside a quotation
    ]
    # past an earlier quotation's attribution ("“...,” Lee said, but Ray called it “...”")
    since = max((a.phrase[1] for a in atts if a.consumed
                 and sent.start <= a.phrase[0] and a.phrase[1] <= span.open), default=sent.start)
    for mention in candidates:
        if since <= mention.start and mention.end <= span.open:
            entity = ctx.entities.get(mention.entity)
            return (entity.name, "person") if entity else (None, None)
    org = ctx.organisation_subject(since, span.open) if partial else None
    return (org.name, "organization") if org else (None, None)


def _reported(text: str, sentences: list[Sentence], spans: list[QuoteSpan],
              atts: list[Attribution], descriptors: dict[str, str]) -> list[Quote]:
    """Reported speech: the content of each attribution not consumed by a quotation (and the
    sentences of its paragraph it closes, see ``_paragraph_lead_in``)."""
    quotes: list[Quote] = []
    for a in atts:
        if a.consumed or a.content is None:
            continue
        s, e = a.content
        if len(text[s:e].split()) < 3:
            continue
        if any(q.start <= s and e <= q.end for q in spans):
            continue  # the content is one quotation, already attributed
        quotes.append(_quote(text, s, e, "reported", a, descriptors, sentences))
        for prev in _paragraph_lead_in(text, sentences, a, atts, spans):
            quotes.append(_quote(text, prev.start, prev.end, "reported", a, descriptors,
                                 sentences))
    return quotes


def _quote(text: str, s: int, e: int, kind: str, att: Attribution,
           descriptors: dict[str, str], sentences: list[Sentence]) -> Quote:
    desc = att.descriptor or (descriptors.get(att.speaker) if att.speaker else None)
    while text[s:e].endswith((".", " ")) and kind == "reported":
        e -= 1
    return Quote(text=text[s:e], kind=kind, speaker=att.speaker,  # type: ignore[arg-type]
                 speaker_type=att.speaker_type, descriptor=desc,  # type: ignore[arg-type]
                 cue=att.cue, medium=att.medium, start=s, end=e,
                 sentence=sentence_index_at(sentences, s))


def _paragraph_lead_in(text: str, sentences: list[Sentence], att: Attribution,
                       atts: list[Attribution], spans: list[QuoteSpan]) -> list[Sentence]:
    """Sentences of the same paragraph before "..., Song said." that have no attribution of
    their own: news prose attributes the whole paragraph ("Both China and Russia oppose ...
    Russia supports China ..., Song said.")."""
    if att.content is None or att.kind != "speech" or not att.explicit:
        return []
    own = next((s for s in sentences if s.index == att.sentence), None)
    if own is None or att.content[0] > own.start + 3 or att.phrase[0] < att.content[1]:
        return []  # not a trailing attribution that opens its sentence with the content
    attributed = {a.sentence for a in atts}
    out: list[Sentence] = []
    for prev in reversed([s for s in sentences if s.index < own.index]):
        if prev.paragraph != own.paragraph or prev.index in attributed \
                or any(q.open < prev.end and prev.start < q.close for q in spans) \
                or len(prev.text.split()) < 4 or len(out) == 2:
            break
        out.append(prev)
    return out


def _containing(span: QuoteSpan, atts: list[Attribution]) -> Attribution | None:
    """The attribution whose reported content holds the quote (a quoted fragment), or in
    which the quote opens and then runs on past the sentence ("X wrote: “A. B.”")."""
    best = None
    for a in atts:
        if a.content is None:
            continue
        c0, c1 = a.content
        if c0 <= span.open + 1 <= c1 + 1:
            if best is None or (c1 - c0) < (best.content[1] - best.content[0]):  # type: ignore
                best = a
    return best


def _after_trailing(text: str, span: QuoteSpan, atts: list[Attribution],
                    sentences: list[Sentence]) -> Attribution | None:
    """A quotation opening the sentence right after one that ends in its attribution
    ("Or maybe Jeb Bush, consultant Phil Musser says. “...”"): the same speaker goes on."""
    this = sentence_index_at(sentences, span.open)
    if this is None or not _at_sentence_start(text, span, sentences):
        return None
    for a in reversed(atts):
        if a.phrase[0] >= span.open:
            continue
        if a.sentence == this - 1 and a.kind == "speech" and a.explicit and a.speaker \
                and a.speaker_type == "person" and _BARE_END_RE.match(text, a.phrase[1]):
            return a
        return None  # only the latest attribution before the quote
    return None


def _same_sentence_run(text: str, span: QuoteSpan, previous: tuple[QuoteSpan, Attribution],
                       atts: list[Attribution], sentences: list[Sentence],
                       ctx: Context) -> Attribution | None:
    """A quotation later in the sentence of the previous speaker's quote, past that quote's
    attribution (“...,” the suit says, undermining the bans, “draining ...”): the same
    speaker goes on, unless another cue or another person's name comes between."""
    prev_span, prev_att = previous
    this = sentence_index_at(sentences, span.open)
    if this is None or this != sentence_index_at(sentences, prev_span.open) \
            or not prev_span.close <= prev_att.phrase[0] < span.open:
        return None
    if any(a is not prev_att and prev_span.close <= a.phrase[0] < span.open for a in atts):
        return None
    for m in ctx.persons:  # "“...,” Lee said, but Ray called it “a sham”": Ray's words
        ent = ctx.entities.get(m.entity)
        if prev_att.phrase[0] <= m.start < span.open and (ent is None
                                                          or ent.name != prev_att.speaker):
            return None
    return prev_att


def _continuation(text: str, span: QuoteSpan, previous: tuple[QuoteSpan, Attribution],
                  atts: list[Attribution], rules: Rules,
                  sentences: list[Sentence]) -> Attribution | None:
    """A quotation opening the sentence right after the previous speaker's quote and its
    attribution (“...,” Putin said. “...”), in the same or the next paragraph."""
    prev_span, prev_att = previous
    gap = span.open - prev_span.close
    if gap < 0 or gap > rules.continuation_max_gap:
        return None
    inner = text[span.start:span.end].strip()
    if span.words(text) < rules.continuation_min_words and not _SENT_END_RE.search(inner):
        return None
    if not _at_sentence_start(text, span, sentences):
        return None
    for a in atts:
        if a is not prev_att and prev_span.close <= a.phrase[0] < span.open:
            return None  # someone else is attributed in between
    last = sentence_index_at(sentences, max(prev_span.close - 1, prev_att.phrase[1] - 1))
    this = sentence_index_at(sentences, span.open)
    if last is None or this is None or this != last + 1:
        return None
    return prev_att
