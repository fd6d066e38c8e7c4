"""Metadata a bare text tells about itself: dates, bylines, wire datelines, language.

Pure functions over strings (no I/O, no other manysides stage), used by the cleaner on the
header lines of a page ("Published: Apr 17, 2023 09:43 PM Updated: ...", "By Jane Doe") and
by ingest on explicit metadata (feed item dates, JSONL ``published``).
"""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser

from manysides.datafiles import load_data

logger = logging.getLogger(__name__)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# Something that looks like a calendar date: "Apr 17, 2023", "17 April 2023", "2023-04-17".
_DATE_HINT = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?"
    rf"\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{1,2}}\.\d{{1,2}}\.\d{{4}})",
    re.IGNORECASE,
)
_FOUR_DIGITS = re.compile(r"\d{4}")  # every date form above has a year: a cheap first test
_TIME_HINT = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s*[ap]\.?m\b|T\d{2}:\d{2}", re.IGNORECASE)
# "Published: ...", "Updated ...", "First published on ...", "Last modified: ..."
_DATE_KEYWORDS = re.compile(
    r"\b(?P<kw>First published|Published|Posted|Last updated|Updated|Last modified|Modified)"
    r"(?:\s+(?:on|at))?\s*:?\s*",
    re.IGNORECASE,
)
_BY_PREFIX = re.compile(r"^By\s+(?P<by>.+?)\s+(?=(?:First published|Published|Posted|Updated)\b)")
_BYLINE = re.compile(r"^(?:By|BY|by|Written by|Words by)\s+(?P<by>[^\s].{1,100})$")
_PUNCT = ".,;:!?\"'“”‘’«»()[]{}…—–-"
_CLOSERS = "\"'”’)]"
_TERMINALS = ".!?…"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

# Wire-service datelines that open a story: "WASHINGTON (Reuters) - ", "BEIJING, April 17
# (Xinhua) -- ", "MOSCOW, April 17. /TASS/. ".
_AGENCY_DATELINE = re.compile(
    r"^[A-Z][A-Za-z .,'’-]{1,60}?(?:,\s*[A-Z][a-z]+\.?\s+\d{1,2}\.?)?\s*"
    r"(?:\((?P<paren>Reuters|AP|AFP|Xinhua|Bloomberg|dpa|UPI|CNN)\)\s*[-–—]{1,2}|"
    r"/(?P<slash>TASS)/\.)\s"
)
_AGENCY_NAMES = {
    "Reuters": "Reuters", "AP": "Associated Press", "AFP": "AFP", "Xinhua": "Xinhua",
    "Bloomberg": "Bloomberg", "dpa": "dpa", "UPI": "UPI", "CNN": "CNN", "TASS": "TASS",
}


@functools.lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return load_data("furniture")


@functools.lru_cache(maxsize=1)
def _tzinfos() -> dict[str, Any]:
    data = _data()
    out: dict[str, Any] = {}
    for name, offset in data.get("timezones", {}).items():
        if "_" not in name:
            out[name] = _fixed_tz(offset)
    for name, region in data.get("timezone_regions", {}).items():
        out[name] = ZoneInfo(region)
    return out


def _fixed_tz(offset: str) -> timezone:
    m = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", offset.strip())
    if not m:
        raise ValueError(f"bad UTC offset {offset!r}")
    sign = -1 if m.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))


def looks_like_date(text: str) -> bool:
    """True when ``text`` contains a calendar date ("Apr 17, 2023", "2023-04-17", ...)."""
    return bool(_FOUR_DIGITS.search(text)) and bool(_DATE_HINT.search(text))


def parse_datetime(text: str, *, default_tz: str | None = None) -> str | None:
    """A date/time string in any common form -> ISO 8601, or ``None`` if it is not one.

    "Apr 17, 2023 09:43 PM" with ``default_tz="+08:00"`` -> "2023-04-17T21:43:00+08:00";
    a date without a clock time gives a date-only "2023-04-17"; a time without a zone and no
    ``default_tz`` stays naive ("2023-04-17T21:43:00").
    """
    value = text.strip().strip("|·•,").strip()
    if not value or len(value) > 80:
        return None
    value = re.sub(r"(\d)\.(\d{2})\b(?!\.\d)", r"\1:\2", value)  # "12.00 BST" -> "12:00 BST"
    value = re.sub(r"\b([ap])\.m\.", r"\1m", value, flags=re.IGNORECASE)
    try:
        dayfirst = bool(re.search(r"\b\d{1,2}\.\d{1,2}\.\d{4}\b", value))  # 16.11.2024
        parsed = date_parser.parse(value, tzinfos=_tzinfos(), fuzzy=True, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError):
        return None
    if not _DATE_HINT.search(value) and not re.search(r"\d{4}", value):
        return None
    if not _TIME_HINT.search(value):
        return parsed.date().isoformat()
    if parsed.tzinfo is None and default_tz:
        try:
            parsed = parsed.replace(tzinfo=_fixed_tz(default_tz))
        except ValueError:
            logger.warning("ignoring bad default timezone %r", default_tz)
    elif parsed.tzinfo is not None:  # "ET" -> the fixed offset it had on that date
        offset = parsed.utcoffset()
        if offset is not None:
            parsed = parsed.replace(tzinfo=timezone(offset))
    return parsed.isoformat(timespec="seconds")


def normalise_date(value: str | None, *, default_tz: str | None = None) -> str | None:
    """Explicit metadata (ISO, RFC 822 feed dates, "Apr 17, 2023") -> ISO 8601, else ``None``."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None and default_tz:
            parsed = parsed.replace(tzinfo=_fixed_tz(default_tz))
        return parsed.isoformat(timespec="seconds")
    except ValueError:
        return parse_datetime(value, default_tz=default_tz)


def parse_date_line(line: str, *, default_tz: str | None = None) -> dict[str, str] | None:
    """A header line of dates -> ``{"published": iso, "updated": iso, "byline": name}``.

    Reads "Published: Apr 17, 2023 09:43 PM Updated: Apr 17, 2023 11:08 PM", "By Jane Doe
    Published: ...", "Updated 2:45 PM EDT, April 17, 2023" and a bare date line ("April 17,
    2023").  Returns ``None`` when the line is not a date line (a sentence mentioning a date is
    not one).
    """
    text = line.strip()
    if not text or len(text) > 160 or not looks_like_date(text):  # most lines stop here
        return None
    out: dict[str, str] = {}
    by = _BY_PREFIX.match(text)
    if by:
        out["byline"] = by.group("by").strip()
        text = text[by.end():]
    keywords = list(_DATE_KEYWORDS.finditer(text))
    if keywords and keywords[0].start() == 0:
        for i, kw in enumerate(keywords):
            end = keywords[i + 1].start() if i + 1 < len(keywords) else len(text)
            iso = parse_datetime(text[kw.end():end], default_tz=default_tz)
            if iso is None:
                continue
            key = "updated" if "updated" in kw.group("kw").lower() or "modified" in kw.group(
                "kw").lower() else "published"
            out.setdefault(key, iso)
        return out if ("published" in out or "updated" in out) else None
    if keywords or is_sentence(text) and len(text.split()) > 6:
        return None
    # A bare date line: little besides the date ("Apr 17, 2023 | 9:43 PM ET").
    leftover = _DATE_HINT.sub(" ", text)
    leftover = _TIME_HINT.sub(" ", leftover)
    words = [w for w in _WORD.findall(leftover) if w.upper() not in _tzinfos()]
    weekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", "at", "on", "am", "pm"}
    words = [w for w in words if w.lower()[:3] not in weekdays and w.lower() not in weekdays]
    if len(words) > 1:
        return None
    iso = parse_datetime(text, default_tz=default_tz)
    return {"published": iso} if iso else None


def parse_byline(line: str) -> str | None:
    """"By Jane Doe and John Roe" -> "Jane Doe and John Roe"; ``None`` if not a byline line."""
    m = _BYLINE.match(line.strip())
    if not m:
        return None
    name = m.group("by").strip()
    if len(name.split()) > 12 or is_sentence(name) and not name.endswith("."):
        return None
    if not name[0].isupper():
        return None
    return name.rstrip(".").strip()


def dateline_agency(paragraph: str) -> str | None:
    """The wire agency named in an opening dateline ("MOSCOW (Reuters) - ...") or ``None``."""
    m = _AGENCY_DATELINE.match(paragraph)
    if not m:
        return None
    return _AGENCY_NAMES.get(m.group("paren") or m.group("slash"))


def is_sentence(line: str) -> bool:
    """True when ``line`` ends like a sentence (. ! ? or … before any closing quotes)."""
    end = line.rstrip().rstrip(_CLOSERS)
    return bool(end) and end[-1] in _TERMINALS


def word_count(line: str) -> int:
    """Number of words in ``line``: its space-separated tokens, bare numbers not counted."""
    tokens = line.split()
    return len(tokens) - sum(map(str.isdigit, tokens))


@functools.lru_cache(maxsize=1)
def _language_tables() -> tuple[float, dict[str, frozenset[str]], dict[str, re.Pattern[str]]]:
    lang = _data().get("language", {})
    words = {k: frozenset(v) for k, v in lang.get("words", {}).items()}
    scripts = {k: re.compile(v) for k, v in lang.get("scripts", {}).items()}
    return float(lang.get("min_share", 0.12)), words, scripts


def detect_language(text: str, *, sample_chars: int = 4000) -> str | None:
    """ISO 639-1 code of ``text``'s language ("en"), or ``None`` when too little to tell.

    Non-Latin scripts are recognised by their characters; Latin-script languages by the
    share of their most frequent function words among the text's words.
    """
    sample = text[:sample_chars].lower()
    min_share, words, scripts = _language_tables()
    tokens = [t.strip(_PUNCT) for t in sample.split()]
    tokens = [t for t in tokens if t and not t[0].isdigit()]
    letters = sum(map(len, tokens))
    if letters < 20:
        return None
    if not sample.isascii():
        for code, pattern in scripts.items():
            if len(pattern.findall(sample)) > 0.3 * letters:
                return code
    if len(tokens) < 5:
        return None
    counts = Counter(tokens)
    best, best_share = None, 0.0
    for code, vocab in words.items():
        share = sum(counts[w] for w in vocab if w in counts) / len(tokens)
        if share > best_share:
            best, best_share = code, share
    return best if best_share >= min_share else None
