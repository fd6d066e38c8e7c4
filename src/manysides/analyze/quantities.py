"""Quantities: numbers (digits or words) with their unit and what they count.

"four-day" -> 4 "day"; "13 ground phalanxes" -> 13 "ground phalanxes"; "$5 billion" ->
5e9 "USD"; "30 percent" -> 30 "percent"; "two air echelons" -> 2 "air echelons".
Dates, clock times, years and model designations ("S-400", "Vostok-2022") are not quantities.
Pure regular expressions, compiled once: no model is needed.
"""

from __future__ import annotations

import logging
import re

from manysides.analyze.dates import date_spans
from manysides.analyze.numbers import DIGITS, NUMBER_WORDS, SCALE, SCALE_WORDS, parse_number
from manysides.models import Quantity, Sentence
from manysides.text import sentence_index_at

log = logging.getLogger(__name__)

# Currency symbols and names -> ISO code (unit of a money amount).
CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "CNY", "₽": "RUB",
                    "HK$": "HKD", "A$": "AUD", "C$": "CAD", "₹": "INR"}
CURRENCY_NAMES = {"dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR",
                  "pound": "GBP", "pounds": "GBP", "yuan": "CNY", "renminbi": "CNY",
                  "ruble": "RUB", "rubles": "RUB", "roubles": "RUB", "rouble": "RUB",
                  "yen": "JPY", "rupees": "INR", "won": "KRW"}
# Time units are normalised to the singular, as the hyphenated form ("four-day") gives them.
TIME_UNITS = {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century"}

# Words that end a unit phrase: the unit is the run of lower-case words after the number,
# up to one of these (function words, verbs that usually follow a count).
UNIT_STOP = frozenset("""
a an the of in on at to for from by with and or but as than that which who whom whose this these
those there their its his her our your my is are was were be been being has have had do does did
will would can could may might must shall should not no nor so if then also only just more most
less least about around over under after before since until into onto upon per each every both
either neither such other another same very too again already still even ago later earlier
said says say told according while when where whether because during including like
""".split())
MAX_UNIT_WORDS = 4

_CURRENCY = r"US\$|HK\$|A\$|C\$|[$€£¥₽₹]"

QUANTITY_RE = re.compile(
    rf"(?<![\w/.\-–:])(?P<cur>{_CURRENCY})?\s?"
    rf"(?P<num>{DIGITS}|(?i:{NUMBER_WORDS}))\b(?![:/]\d|[.,]\d)"
    rf"(?:\s?(?P<scale>(?i:{SCALE}))\b)?"
    rf"(?:(?P<hyph>-)(?P<hunit>(?i:{'|'.join(sorted(TIME_UNITS))}|[a-z]+))(?![\w-])"
    rf"|\s?(?P<pct>%|percent\b|per\s+cent\b|percentage\s+points?\b)"
    rf"|(?P<tail>(?:\s+[a-zA-Z][\w-]*){{1,{MAX_UNIT_WORDS}}}))?",
)
# Numbers that are not counts: clock times, years standing alone, designations.
_YEAR_RE = re.compile(r"^(1[5-9]\d\d|20\d\d)$")
_ORDINAL_AFTER = re.compile(r"^(st|nd|rd|th)\b")


def _unit_from_tail(tail: str) -> str | None:
    """The unit phrase after a number: lower-case words up to a function word or a verb-like
    word (-ed, -ing, -ly after the first), at most 4, cut after the last plural noun."""
    words: list[str] = []
    for raw in tail.split():
        word = raw.strip()
        if not word or not word[0].islower() or word.lower() in UNIT_STOP:
            break
        if words and re.search(r"(?:ed|ing|ly)$", word):
            break
        words.append(word)
    if not words:
        return None
    plural = [i for i, w in enumerate(words) if w.endswith("s") and not w.endswith("ss")]
    if plural:
        words = words[: plural[-1] + 1]
    if words[0].lower() in CURRENCY_NAMES:
        return CURRENCY_NAMES[words[0].lower()]
    singular = words[-1].lower().rstrip("s")
    if len(words) == 1 and singular in TIME_UNITS:
        return singular
    if words[-1].lower() == "centuries":
        return "century"
    return " ".join(words)


def extract_quantities(text: str, sentences: list[Sentence]) -> list[Quantity]:  # noqa: C901
    """Numbers with units in ``text`` -> ``Quantity`` list (offsets into ``text``), in order.

    Years, dates, clock times and designations such as "S-400" are left out; a bare number
    with no unit is kept only when it is written in digits and is not a year.

    Kept whole: one filter per kind of number that is not a quantity, applied to each match in
    turn.
    """
    blocked = date_spans(text)
    out: list[Quantity] = []
    for m in QUANTITY_RE.finditer(text):
        start, end = m.start("num"), m.end()
        if m.group("cur"):
            start = m.start("cur")
        if any(s < end and start < e for s, e in blocked):
            continue
        num = m.group("num")
        value = parse_number(num)
        if value is None:
            continue
        if _ORDINAL_AFTER.match(text[m.end("num"):m.end("num") + 3]):
            continue
        if m.group("scale"):
            value *= SCALE_WORDS[m.group("scale").lower()]
        unit: str | None = None
        if m.group("cur"):
            unit = CURRENCY_SYMBOLS.get(m.group("cur"), m.group("cur"))
            end = m.end("scale") if m.group("scale") else m.end("num")
        elif m.group("pct"):
            unit = "percent" if "point" not in m.group("pct") else "percentage points"
        elif m.group("hyph"):
            hunit = m.group("hunit").lower()
            unit = hunit if hunit in TIME_UNITS else hunit
        elif m.group("tail"):
            unit = _unit_from_tail(m.group("tail"))
            end = m.end("scale") if m.group("scale") else m.end("num")
            if unit:
                # end the span after the unit words actually used
                tail = m.group("tail")
                used = len(unit.split()) if unit not in CURRENCY_NAMES.values() else 1
                if unit in TIME_UNITS:
                    used = 1
                words = list(re.finditer(r"\S+", tail))[:used]
                end = m.start("tail") + words[-1].end()
        else:
            end = m.end("scale") if m.group("scale") else m.end("num")
        is_word = not num[0].isdigit()
        if unit is None:
            # a bare count: only digits that are not a year or part of a date/time
            if is_word or _YEAR_RE.match(num) or (not m.group("scale") and not m.group("cur")):
                continue
        elif _YEAR_RE.match(num) and not m.group("cur") and unit not in TIME_UNITS:
            continue  # "2018 for purchasing" - a year followed by words
        if is_word and num.lower() == "one" and unit is None:
            continue
        out.append(Quantity(
            text=text[start:end], value=value, unit=unit, start=start, end=end,
            sentence=sentence_index_at(sentences, start),
        ))
    return out
