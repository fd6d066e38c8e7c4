"""Time expressions resolved to absolute dates or ranges, anchored on the publication date.

A day is written "YYYY-MM-DD", anything longer as a range "YYYY-MM-DD/YYYY-MM-DD" (a month is
a range, never "YYYY-MM").  Weekday names mean the most recent such day on or before the anchor
(news reports the past) unless their clause speaks of the future ("is scheduled to start ... on
Sunday", "will visit ... from Sunday to Wednesday"), then the next one on or after it.  Without
an anchor, relative expressions stay unresolved (``resolved=None``); absolute ones ("August 9,
2021") are resolved.  Durations ("four-day visit") are kept with ``resolved=None``, or as a range
when their start is given in the same sentence.  Regular expressions only, compiled once.
"""

from __future__ import annotations

import calendar
import logging
import re
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from manysides.analyze.numbers import parse_number
from manysides.models import DateMention, Sentence
from manysides.text import sentence_at

log = logging.getLogger(__name__)

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}
PERIODS = ("day", "week", "month", "year", "decade")

_MON = r"(?:January|February|March|April|May|June|July|August|September|October|November" \
       r"|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?" \
       r"|Dec\.?)"
_WD = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_NUMW = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
        r"fifteen|twenty|thirty|several|a\s+few|few)"
_PART = r"(?:early|mid|late|the\s+end\s+of|end\s+of|the\s+beginning\s+of|beginning\s+of)"
# a bare month name needs a cue before it ("in March", "late March") - "May" is a verb too
_MONTH_CUE = r"(?:in|since|until|till|by|during|from|through|before|after|last|next|this|of)"

# Ordered: the first pattern that matches at a position wins; longer forms come first.
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)\b")),
    ("md_range", re.compile(
        rf"\b(?:from\s+)?(?P<m1>{_MON})\s+(?P<d1>{_DAY})\s*(?:-|–|to|until|through|and)\s*"
        rf"(?:(?P<m2>{_MON})\s+)?(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("md", re.compile(
        rf"\b(?:(?P<wd>{_WD}),?\s+)?(?P<m>{_MON})\s+(?P<d>{_DAY})\b(?!:)(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("dm", re.compile(rf"\b(?P<d>{_DAY})\s+(?P<m>{_MON})\b(?:,?\s+(?P<y>{_YEAR})\b)?")),
    ("month", re.compile(
        rf"\b(?:(?P<part>{_PART})[\s-]+(?:of\s+)?(?P<m>{_MON})\b(?:,?\s+(?P<y>{_YEAR})\b)?"
        rf"|(?P<m2>{_MON})(?:,?\s+(?:of\s+)?(?P<y2>{_YEAR}))\b"
        rf"|(?P<cue>{_MONTH_CUE})\s+(?P<m3>{_MON})\b(?!\s+\d))")),
    ("wd_range", re.compile(
        rf"\b(?:from\s+)?(?P<w1>{_WD})\s+(?:to|until|through|-|–)\s+(?P<w2>{_WD})\b")),
    ("weekday", re.compile(
        rf"\b(?:(?P<rel>last|next|this|coming|past)\s+)?(?P<w>{_WD})(?:'s|’s)?\b")),
    ("deictic", re.compile(r"\b(?P<w>today|yesterday|tomorrow|tonight)\b", re.I)),
    ("ago", re.compile(
        rf"\b(?P<n>{_NUMW})\s+(?P<u>day|week|month|year|decade)s?\s+ago\b", re.I)),
    ("relative", re.compile(
        r"\b(?:(?P<pre>earlier|later)\s+)?(?P<rel>last|this|next|past|coming|previous)"
        r"\s+(?P<u>week|weekend|month|year|decade)\b", re.I)),
    ("year", re.compile(
        rf"(?<![\w\-/–$])(?:(?P<cue>in|since|by|until|of|during|before|after|from|early|"
        rf"late|mid)[\s-]+)?(?P<y>{_YEAR})(?:s\b)?(?![\w\-/–]|,\d)")),
    ("duration", re.compile(
        rf"\b(?P<n>{_NUMW}|\d+)-(?P<u>day|week|month|year|hour)(?:-long)?\b"
        r"(?:\s+(?P<what>visit|trip|tour|stay|summit|exercise|drills?|talks|meeting|"
        r"conference|war|truce|ceasefire|campaign))?", re.I)),
]

# Future markers in the clause before an expression: the weekday or month is then ahead.
FUTURE_RE = re.compile(
    r"\b(?:will|shall|'ll|’ll|is\s+(?:scheduled|expected|set|due|slated|poised|planned|"
    r"going)\s+to|are\s+(?:scheduled|expected|set|due|slated|poised|planned|going)\s+to|"
    r"plans?\s+to|upcoming|next)\b", re.I)
CLAUSE_BREAK_RE = re.compile(r"[,;:()]|\s[–—]\s|\b(?:said|says|told|reported)\b")


def _anchor_date(anchor: str | None) -> date | None:
    if not anchor:
        return None
    try:
        return datetime.fromisoformat(anchor.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(anchor.strip()[:10])
        except ValueError:
            log.warning("unusable date anchor %r: relative dates left unresolved", anchor)
            return None


def _month_num(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _day_num(text: str) -> int:
    return int(re.match(r"\d+", text).group(0))  # type: ignore[union-attr]


def _fmt(d: date) -> str:
    return d.isoformat()


def _rng(a: date, b: date) -> str:
    return f"{a.isoformat()}/{b.isoformat()}"


def _month_range(year: int, month: int, part: str | None = None) -> str:
    last = calendar.monthrange(year, month)[1]
    first, end = 1, last
    if part:
        p = part.lower()
        if p == "early" or "beginning" in p:
            end = 10
        elif p == "mid":
            first, end = 11, 20
        else:  # late, end of
            first = 21
    return _rng(date(year, month, first), date(year, month, end))


def _future(text: str, sent_start: int, pos: int) -> bool:
    """Whether the clause before ``pos`` (back to a clause break) speaks of the future."""
    window = text[sent_start:pos]
    breaks = list(CLAUSE_BREAK_RE.finditer(window))
    if breaks:
        window = window[breaks[-1].end():]
    return bool(FUTURE_RE.search(window))


def _weekday(anchor: date, wd: int, future: bool | None, rel: str | None) -> date:
    """The date of weekday ``wd`` relative to ``anchor``; ``future=None``: the nearest one."""
    rel = (rel or "").lower()
    if future is None and not rel:
        back = (anchor.weekday() - wd) % 7
        return anchor - timedelta(days=back) if back <= 3 else anchor + timedelta(days=7 - back)
    if rel == "last" or rel == "past":
        back = (anchor.weekday() - wd) % 7 or 7
        return anchor - timedelta(days=back)
    if rel in ("next", "coming") or (future and rel != "last"):
        ahead = (wd - anchor.weekday()) % 7
        if rel == "next" and ahead == 0:
            ahead = 7
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=(anchor.weekday() - wd) % 7)


def _infer_year(anchor: date | None, month: int, day: int, future: bool) -> date | None:
    """Month and day without a year: the one nearest the anchor in the tense of the clause."""
    if anchor is None:
        return None
    try:
        d = date(anchor.year, month, day)
        if not future and d > anchor + timedelta(days=90):
            d = date(anchor.year - 1, month, day)
        elif future and d < anchor - timedelta(days=90):
            d = date(anchor.year + 1, month, day)
    except ValueError:
        return None
    return d


def _resolve(  # noqa: C901
    kind: str, m: re.Match[str], anchor: date | None, future: bool, *, nearest: bool = False
) -> str | None:
    """An absolute date or range (ISO) for match ``m`` of pattern ``kind``, or ``None``.

    Kept whole: one case per pattern kind of ``_find``, in the patterns' order.
    """
    g = m.groupdict()
    try:
        if kind == "iso":
            return _fmt(date(int(g["y"]), int(g["m"]), int(g["d"])))
        if kind == "md_range":
            m1 = _month_num(g["m1"])
            m2 = _month_num(g["m2"]) if g["m2"] else m1
            if g["y"]:
                a, b = date(int(g["y"]), m1, _day_num(g["d1"])), date(int(g["y"]), m2,
                                                                       _day_num(g["d2"]))
            else:
                a = _infer_year(anchor, m1, _day_num(g["d1"]), future)  # type: ignore[assignment]
                if a is None:
                    return None
                b = date(a.year, m2, _day_num(g["d2"]))
            if b < a:
                b = date(b.year + 1, b.month, b.day)
            return _rng(a, b)
        if kind in ("md", "dm"):
            month, day = _month_num(g["m"]), _day_num(g["d"])
            if g["y"]:
                return _fmt(date(int(g["y"]), month, day))
            d = _infer_year(anchor, month, day, future)
            return _fmt(d) if d else None
        if kind == "month":
            name = g["m"] or g["m2"] or g["m3"]
            month = _month_num(name)
            year = g["y"] or g["y2"]
            if year:
                return _month_range(int(year), month, g["part"])
            if anchor is None:
                return None
            cue = (g.get("cue") or "").lower()
            if cue == "next" or (future and cue != "last"):
                y = anchor.year if month >= anchor.month else anchor.year + 1
            elif cue == "last":
                y = anchor.year if month < anchor.month else anchor.year - 1
            else:
                y = anchor.year if month <= anchor.month else anchor.year - 1
            return _month_range(y, month, g["part"])
        if kind == "wd_range":
            if anchor is None:
                return None
            a = _weekday(anchor, WEEKDAYS[g["w1"].lower()], None if nearest else future, None)
            b = a + timedelta(days=(WEEKDAYS[g["w2"].lower()] - a.weekday()) % 7)
            return _rng(a, b)
        if kind == "weekday":
            if anchor is None:
                return None
            weekday = WEEKDAYS[g["w"].lower()]
            return _fmt(_weekday(anchor, weekday, None if nearest else future, g["rel"]))
        if kind == "deictic":
            if anchor is None:
                return None
            shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[g["w"].lower()]
            return _fmt(anchor + timedelta(days=shift))
        if kind == "ago":
            if anchor is None:
                return None
            n = parse_number(g["n"])
            if n is None:
                return None  # "a few weeks ago": no exact day
            unit = g["u"].lower()
            delta = {"day": relativedelta(days=int(n)), "week": relativedelta(weeks=int(n)),
                     "month": relativedelta(months=int(n)), "year": relativedelta(years=int(n)),
                     "decade": relativedelta(years=10 * int(n))}[unit]
            return _fmt(anchor - delta)
        if kind == "relative":
            if anchor is None:
                return None
            return _resolve_relative(g["rel"].lower(), g["u"].lower(), anchor)
        if kind == "year":
            y = int(g["y"])
            if m.group(0).endswith("s"):  # "the 1990s"
                return _rng(date(y, 1, 1), date(y + 9, 12, 31))
            return _rng(date(y, 1, 1), date(y, 12, 31))
    except (ValueError, KeyError):
        log.debug("could not resolve %r", m.group(0))
    return None


def _resolve_relative(rel: str, unit: str, anchor: date) -> str | None:
    if unit in ("week", "weekend"):
        monday = anchor - timedelta(days=anchor.weekday())
        if rel == "past":
            return _rng(anchor - timedelta(days=7), anchor)
        shift = {"last": -7, "previous": -7, "this": 0, "next": 7, "coming": 7}[rel]
        start = monday + timedelta(days=shift)
        if unit == "weekend":
            return _rng(start + timedelta(days=5), start + timedelta(days=6))
        return _rng(start, start + timedelta(days=6))
    if unit == "month":
        if rel == "past":
            return _rng(anchor - relativedelta(months=1), anchor)
        shift = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[rel]
        first = (anchor.replace(day=1) + relativedelta(months=shift))
        return _month_range(first.year, first.month)
    if unit == "year":
        if rel == "past":
            return _rng(anchor - relativedelta(years=1), anchor)
        shift = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}[rel]
        y = anchor.year + shift
        return _rng(date(y, 1, 1), date(y, 12, 31))
    if unit == "decade" and rel == "past":
        return _rng(anchor - relativedelta(years=10), anchor)
    return None


def _find(text: str) -> list[tuple[str, re.Match[str]]]:
    """All non-overlapping time expressions, earlier patterns winning ties."""
    found: list[tuple[str, re.Match[str]]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if kind == "year" and not m.group("cue") and not _standalone_year(text, s, e):
                continue
            if any(s < te and ts < e for ts, te in taken):
                continue
            found.append((kind, m))
            taken.append((s, e))
    found.sort(key=lambda km: km[1].start())
    return found


def _standalone_year(text: str, s: int, e: int) -> bool:
    """A year with no preposition: keep it unless it reads as a count ("2023 troops")."""
    after = text[e:e + 12]
    return not re.match(r"\s+[a-z]", after)


def date_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the time expressions in ``text`` (durations excluded)."""
    return [m.span() for kind, m in _find(text) if kind != "duration"]


def extract_dates(
    text: str, sentences: list[Sentence], anchor: str | None, *, anchor_is_story: bool = False
) -> list[DateMention]:
    """Time expressions in ``text`` -> ``DateMention``s resolved against ``anchor`` (ISO date).

    ``sentences`` give the sentence index of each mention and bound the clause used to tell
    past from future; ``anchor`` is the publication date or time, or None.
    ``anchor_is_story``: the anchor is the story's date, not the article's own publication
    (which may lie days before or after it), so a bare weekday means the nearest such day
    rather than the one its tense points to.
    """
    anchor_d = _anchor_date(anchor)
    out: list[DateMention] = []
    resolved_in_sentence: dict[int | None, list[tuple[int, str]]] = {}
    durations: list[tuple[re.Match[str], Sentence | None]] = []
    for kind, m in _find(text):
        sent = sentence_at(sentences, m.start())
        sent_start = sent.start if sent else max(0, text.rfind("\n", 0, m.start()) + 1)
        if kind == "duration":
            durations.append((m, sent))
            continue
        future = _future(text, sent_start, m.start())
        resolved = _resolve(kind, m, anchor_d, future, nearest=anchor_is_story)
        start, end = m.span()
        # trim a leading preposition so the span is the time expression itself
        lead = re.match(r"(?:from|in|since|by|until|of|during|before|after)\s+", m.group(0))
        if lead and kind in ("year", "md_range"):
            start += lead.end()
        if text[end - 2:end] in ("'s", "’s"):
            end -= 2
        idx = sent.index if sent else None
        out.append(DateMention(text=text[start:end], start=start, end=end, resolved=resolved,
                               sentence=idx))
        if resolved:
            resolved_in_sentence.setdefault(idx, []).append((start, resolved))
    for m, sent in durations:
        out.append(_duration(m, sent, resolved_in_sentence))
    out.sort(key=lambda d: d.start)
    return out


def _duration(m: re.Match[str], sent: Sentence | None,
              resolved_in_sentence: dict[int | None, list[tuple[int, str]]]) -> DateMention:
    """A "four-day visit": a range from the day it starts (a day named after it in the same
    sentence), else unresolved."""
    idx = sent.index if sent else None
    resolved = None
    n = parse_number(m.group("n"))
    unit = m.group("u").lower()
    days_named = sorted(
        (abs(pos - m.start()), r) for pos, r in resolved_in_sentence.get(idx, []) if "/" not in r
    )
    if n and days_named and unit in ("day", "week") and n == int(n):
        start = date.fromisoformat(days_named[0][1])
        days = int(n) * (7 if unit == "week" else 1)
        resolved = _rng(start, start + timedelta(days=days - 1))
    return DateMention(text=m.group(0), start=m.start(), end=m.end(), resolved=resolved,
                       sentence=idx)
