"""Find the page furniture in the lines of a bare-text article.

A copied news page is a header (section label, headline, standfirst, date line, byline, ads,
promos, a photo and its caption), a body (paragraphs, with cross-heads, video widgets and
repeated captions inside) and a footer (sign-off, credits, related links, counters).
:func:`classify_lines` walks the lines in that order and gives each furniture line a reason;
the rest is the body.  The patterns are data (``data/furniture.toml`` for every page, the
outlet's ``furniture`` in ``data/outlets.toml``); the walk lives here.

Guard: a line that reads like a body sentence (ends with . ! ? and has 6+ words) is only ever
removed by a precise pattern (a credit, a caption ending in a photo credit) or as an exact
repeat of an earlier line, never by a loose one.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field

from manysides.clean.meta import (
    is_sentence,
    parse_byline,
    parse_date_line,
    word_count,
)
from manysides.datafiles import load_data
from manysides.models import RemovedLine
from manysides.outlets import OutletProfile

logger = logging.getLogger(__name__)

_LIMITS = load_data("furniture")["limits"]  # line lengths in words, see data/furniture.toml
GUARD_MIN_WORDS: int = _LIMITS["guard_min_words"]
BODY_MIN_WORDS: int = _LIMITS["body_min_words"]
LONG_LINE_WORDS: int = _LIMITS["long_line_words"]
TITLE_MIN_WORDS: int = _LIMITS["title_min_words"]
TITLE_MAX_WORDS: int = _LIMITS["title_max_words"]
SUBHEAD_MAX_WORDS: int = _LIMITS["subhead_max_words"]
VIDEO_TITLE_MAX_WORDS: int = _LIMITS["video_title_max_words"]
LINK_MAX_WORDS: int = _LIMITS["link_max_words"]

_CAPS = r"[A-Z][A-Z&'’.-]*(?: [A-Z&'’.-]+)*"
_SECTION = re.compile(rf"{_CAPS}(?: ?/ ?{_CAPS})+")  # "CHINA / DIPLOMACY"
_BULLET = re.compile(r"^[•·▪●◦‣∙■□–-]\s+(?=\S)")
_TIMESTAMP = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_SIGNOFF = re.compile(r"\((?:[A-Z][\w&'’.-]*)(?: [A-Z][\w&'’.-]*){0,5}\)")
_SPACES = re.compile(r"\s+")
_MENU_SPLIT = re.compile(r"\s{2,}|\t+|\s*[|·•»›]\s*")
# Markers after which short headline lines are links to other stories, not the article.
_LINK_LIST = re.compile(
    r"(?:related|read more|see also|more (?:from|on|stories)|most (?:read|popular|viewed)|"
    r"recommended|you (?:may|might) also like|top stories)\b.{0,40}",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Rule:
    """One group of furniture patterns: a reason, one compiled alternation, and its guard."""

    reason: str
    pattern: re.Pattern[str]
    guard: bool = True


@dataclass
class HeaderMeta:
    """What the header and footer lines said: headline, section, dates, byline."""

    title: str | None = None
    section: str | None = None
    published: str | None = None
    updated: str | None = None
    byline: str | None = None
    standfirst: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=1)
def load_rules() -> tuple[Rule, ...]:
    """The generic furniture rules of ``data/furniture.toml``, in order, one regex per group."""
    rules = []
    for group in load_data("furniture").get("rule", []):
        joined = "|".join(f"(?:{p})" for p in group["patterns"])
        rules.append(Rule(group["reason"], re.compile(joined, re.IGNORECASE),
                          bool(group.get("guard", True))))
    return tuple(rules)


def normalise_line(line: str) -> str:
    """A line as compared for repeats: casefolded, whitespace collapsed."""
    return _SPACES.sub(" ", line).strip().casefold()


def is_menu(raw_line: str) -> bool:
    """A navigation bar: 3+ items of 1-3 words separated by runs of spaces, tabs or pipes
    ("News  Region  Politics", "Subscribe | Log in | E-paper").  Takes the line before its
    spaces are collapsed."""
    line = raw_line.strip()
    if "  " not in line and not any(sep in line for sep in "\t|·•»›"):
        return False
    if is_sentence(line):
        return False
    items = [item for item in _MENU_SPLIT.split(line) if item]
    return len(items) >= 3 and all(len(item.split()) <= 3 for item in items)


def _protected(line: str, words: int) -> bool:
    return words >= GUARD_MIN_WORDS and is_sentence(line)


def match_furniture(line: str, profile: OutletProfile | None, words: int) -> str | None:
    """The furniture reason for one stripped line (outlet patterns first), else ``None``."""
    if profile is not None:
        for reason, pattern in profile.furniture:
            if pattern.fullmatch(line):
                return reason
    protected = _protected(line, words)
    for rule in load_rules():
        if protected and rule.guard:
            continue
        if rule.pattern.fullmatch(line):
            return rule.reason
    return None


def _is_body(line: str, words: int) -> bool:
    return words >= LONG_LINE_WORDS or (words >= BODY_MIN_WORDS and is_sentence(line))


def _headline_like(line: str, words: int) -> bool:
    if not TITLE_MIN_WORDS <= words <= TITLE_MAX_WORDS:
        return False
    if line.endswith((".", ",", ";", ":")):
        return False
    return line[:1].isupper() or line[:1].isdigit() or line[:1] in "‘“'\""


def classify_lines(  # noqa: C901
    lines: list[str],
    *,
    profile: OutletProfile | None = None,
    title_hint: str | None = None,
    menus: list[bool] | None = None,
    structural: bool = True,
) -> tuple[list[str | None], HeaderMeta]:
    """Stripped lines of a page -> (a reason per line, ``None`` for body lines; header metadata).

    Empty lines get ``None`` too (they only separate paragraphs).  ``title_hint`` is a title
    known from elsewhere (feed item, JSONL, HTML metadata): a line repeating it is removed as
    "title" and no other line is taken for the headline.  ``menus`` flags navigation bars
    (see :func:`is_menu`, computed on the lines before their spaces were collapsed).

    ``structural=False`` is for text an HTML extractor already took out of its page: its
    lists, headings and repeated lines are content, so only the patterns (ads, promos,
    captions, credits, video widgets), date and byline lines, and a line repeated right after
    itself are removed.

    Kept whole: one branch per furniture rule, tried in the order listed above.
    """
    meta = HeaderMeta(title=title_hint)
    reasons: list[str | None] = [None] * len(lines)
    counts = [word_count(line) for line in lines]
    tz = profile.timezone if profile else None
    hint_key = normalise_line(title_hint) if title_hint else None
    menus = menus or [False] * len(lines)

    # 1. Header: everything before the first body paragraph.
    body_start = len(lines)
    title_found = False
    for i, line in enumerate(lines):
        if not line:
            continue
        words = counts[i]
        if hint_key is not None and normalise_line(line) == hint_key:
            reasons[i] = "title"
            title_found = True
            continue
        if menus[i] and structural:
            reasons[i] = "nav"
            continue
        if structural:
            reason = _header_reason(line, words, meta, profile, tz, title_found)
        else:
            reason = _extracted_header_reason(line, words, meta, profile, tz)
        if reason == "title":
            title_found = True
            meta.title = line
        if reason is None:
            body_start = i
            break
        reasons[i] = reason

    # 2. Body and footer.
    # Lines arrive stripped with their spaces collapsed: casefolding is all a key needs.
    seen: dict[str, int] = {lines[i].casefold(): i for i in range(body_start)
                            if lines[i] and reasons[i] is not None}
    if meta.title:
        seen.setdefault(normalise_line(meta.title), -1)
    video_title: str | None = None  # after a video timestamp: its title, once, then repeats
    in_link_list = False  # after "Related Articles": headlines of other stories
    last_body = max((i for i in range(len(lines)) if lines[i] and _is_body(lines[i], counts[i])),
                    default=len(lines) - 1)
    previous_key = None
    for i in range(body_start, len(lines)):
        line = lines[i]
        if not line:
            continue
        words = counts[i]
        key = line.casefold()
        if not structural:
            reasons[i] = _extracted_body_reason(line, words, profile, key == previous_key)
            previous_key = key
            continue
        is_body = _is_body(line, words)
        if video_title is not None and not is_body and words <= VIDEO_TITLE_MAX_WORDS \
                and (video_title == "" or key == video_title):
            reasons[i] = "video"
            video_title = key
            seen.setdefault(key, i)
            continue
        video_title = None
        reason = "nav" if menus[i] and not is_body else match_furniture(line, profile, words)
        if reason is None and key in seen and words >= 2:
            reason = "duplicate"
        if reason is None and in_link_list and words <= LINK_MAX_WORDS \
                and not line.rstrip("\"'”’").endswith("."):
            reason = "nav"  # headlines of other stories, questions included
        if reason is None and i > last_body:
            reason = _footer_reason(line, words, meta, tz)
        if reason is None and i < last_body and _is_subhead(lines, counts, i):
            reason = "subhead"
        if reason == "video" and _TIMESTAMP.fullmatch(line):
            video_title = ""
        if reason is not None and _LINK_LIST.fullmatch(line):
            in_link_list = True
        elif is_body and reason is None:
            in_link_list = False
        reasons[i] = reason
        seen.setdefault(key, i)
    return reasons, meta


def _header_reason(
    line: str,
    words: int,
    meta: HeaderMeta,
    profile: OutletProfile | None,
    tz: str | None,
    title_found: bool,
) -> str | None:
    """The reason for one header line, or ``None`` when it starts the body."""
    if _is_body(line, words):
        dated = parse_date_line(line, default_tz=tz)
        if dated is None:
            return None
    if meta.section is None and not title_found and _SECTION.fullmatch(line) and words <= 8:
        meta.section = line
        return "section"
    reason = _date_or_byline(line, meta, tz)
    if reason:
        return reason
    reason = match_furniture(line, profile, words)
    if reason == "byline" and meta.byline is None:
        meta.byline = re.sub(r"^(?:by|written by)\s+", "", line, flags=re.IGNORECASE)
    if reason is not None:
        return reason
    if _BULLET.match(line):
        meta.standfirst.append(_BULLET.sub("", line, count=1))
        return "standfirst"
    if not title_found:
        if words < TITLE_MIN_WORDS and not is_sentence(line):
            if meta.section is None:
                meta.section = line
                return "section"
            return "nav"
        if meta.title is None and _headline_like(line, words):
            return "title"
        return None
    if _headline_like(line, words) and words <= TITLE_MAX_WORDS:
        meta.standfirst.append(line)
        return "standfirst"
    if words < TITLE_MIN_WORDS and not is_sentence(line):
        return "nav"
    return None


def _extracted_header_reason(
    line: str, words: int, meta: HeaderMeta, profile: OutletProfile | None, tz: str | None
) -> str | None:
    """Header lines of extracted text: date and byline lines, and pattern furniture."""
    return _date_or_byline(line, meta, tz) or match_furniture(line, profile, words)


def _date_or_byline(line: str, meta: HeaderMeta, tz: str | None) -> str | None:
    """"dateline" or "byline" for such a header line (its values go into ``meta``), else None."""
    dated = parse_date_line(line, default_tz=tz)
    if dated:
        meta.published = meta.published or dated.get("published")
        meta.updated = meta.updated or dated.get("updated")
        meta.byline = meta.byline or dated.get("byline")
        return "dateline"
    byline = parse_byline(line)
    if byline:
        meta.byline = meta.byline or byline
        return "byline"
    return None


def _extracted_body_reason(
    line: str, words: int, profile: OutletProfile | None, repeats_previous: bool
) -> str | None:
    """Body lines of extracted text: pattern furniture and a line repeated right after itself."""
    reason = match_furniture(line, profile, words)
    if reason is None and repeats_previous and words >= 2:
        reason = "duplicate"
    return reason


def _footer_reason(line: str, words: int, meta: HeaderMeta, tz: str | None) -> str | None:
    """Lines after the last body paragraph that no pattern knew: sign-offs, dates, labels."""
    if _SIGNOFF.fullmatch(line):
        return "signoff"
    dated = parse_date_line(line, default_tz=tz)
    if dated:
        meta.published = meta.published or dated.get("published")
        meta.updated = meta.updated or dated.get("updated")
        return "dateline"
    if not is_sentence(line):  # "Related" headlines, tags, labels after the last paragraph
        return "nav"
    return None


def _is_subhead(lines: list[str], counts: list[int], i: int) -> bool:
    """A cross-head: a short capitalised label between body paragraphs, not a sentence."""
    line, words = lines[i], counts[i]
    if not (1 <= words <= SUBHEAD_MAX_WORDS) or is_sentence(line):
        return False
    if line.endswith((":", ",", ";", "-", "–", "—")) or not line[:1].isupper():
        return False
    if any(q in line for q in "\"“”"):
        return False
    nxt = next((j for j in range(i + 1, len(lines)) if lines[j]), None)
    prev = next((j for j in range(i - 1, -1, -1) if lines[j]), None)
    if nxt is None or prev is None:
        return False
    return _is_body(lines[nxt], counts[nxt]) and _is_body(lines[prev], counts[prev])


def removed_lines(lines: list[str], reasons: list[str | None]) -> list[RemovedLine]:
    """The (line, reason) pairs of the furniture lines, in page order."""
    return [RemovedLine(line=line, reason=r) for line, r in zip(lines, reasons, strict=True)
            if r is not None]
