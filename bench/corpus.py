"""Synthetic benchmark corpus: many distinct, realistic stories mutated from the sample corpus.

``generate_corpus(n, seed)`` returns ``n`` article dicts (``text``, ``title``, ``outlet``,
``published``, ``url``, plus ``story``: the generated story's key, the ground truth for
clustering benchmarks).  Each generated story takes one of the three sample stories as its
template and gets its own world: new people, countries, towns and outlets (drawn from syllable
and name lists), numbers scaled story by story (the outlets' disagreements are kept: the same
original figure maps to the same new one), every date shifted by a whole number of weeks (so
"on Sunday" stays a Sunday) to a day spread over ``n / 1500`` months, paragraphs lightly
shuffled and page furniture varied.  Stories have 3-5 articles (about ``n / 4`` stories); a
fifth article is a re-run of another outlet's copy under a new outlet name (syndication).

Command line::

    python bench/corpus.py 10000 /tmp/corpus            # 10,000 .txt files + manifest.csv
    python bench/corpus.py 10000 --jsonl /tmp/corpus.jsonl
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from dateutil import parser as dateparser

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "src" / "manysides" / "sample"

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH_NUM = {m: i + 1 for i, m in enumerate(MONTHS)} | {m: i + 1 for i, m in enumerate(MONTH_ABBR)}
_MONTH_NUM["Sept"] = 9
_M = r"(?:" + "|".join(sorted(_MONTH_NUM, key=len, reverse=True)) + r")"

# Dates, times, years and numbers, tried in this order at each position.
_TOKEN = re.compile(
    rf"\b(?P<dmy>(?P<d1>\d{{1,2}}) (?P<m1>{_M}) (?P<y1>\d{{4}}))\b"
    rf"|\b(?P<mdy>(?P<m2>{_M}) (?P<d2>\d{{1,2}}), (?P<y2>\d{{4}}))\b"
    rf"|\b(?P<md>(?P<m3>{_M}) (?P<d3>\d{{1,2}}))\b(?!:)"
    r"|\b(?P<dotted>(?P<d4>\d{1,2})\.(?P<mo4>\d{1,2})\.(?P<y4>\d{4}))\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})(?P<isot>T\d{2}:\d{2}(?::\d{2})?(?:[+-]\d{2}:\d{2}|Z)?)?"
    rf"|\b(?P<mon>(?P<m6>{_M})(?: (?P<y6>\d{{4}}))?)\b"
    r"|(?P<time>\b\d{1,2}:\d{2}\b)"
    r"|\b(?P<year>(?:19|20)\d{2})\b"
    r"|(?P<num>\b\d{1,3}(?:,\d{3})+\b|\b\d+(?:\.\d+)?\b)"
)

# -- name lists: a world per story ------------------------------------------------------------

_FIRST = ["Anna", "Bruno", "Clara", "Dmitri", "Elin", "Felix", "Greta", "Henrik", "Ida", "Jonas",
          "Katya", "Lars", "Mila", "Nikolai", "Olga", "Pavel", "Rosa", "Sven", "Tilde", "Ulrich",
          "Vera", "Walter", "Yana", "Zoran", "Agnes", "Boris", "Cecilia", "David", "Emil", "Frida",
          "Gustav", "Hanna", "Igor", "Julia", "Karl", "Lena", "Marek", "Nora", "Oskar", "Paula",
          "Rafael", "Sofia", "Tomas", "Ursula", "Viktor", "Wanda", "Xenia", "Yusuf", "Zofia",
          "Amir", "Beatrix", "Carlos", "Dana", "Erik", "Fatima", "Goran", "Helga", "Ilya", "Jana"]
_PRE = ["Al", "Bel", "Cor", "Dar", "El", "Fen", "Gal", "Har", "Ist", "Jor", "Kel", "Lor", "Mal",
        "Nor", "Os", "Pel", "Quar", "Ros", "Sel", "Tor", "Ul", "Ves", "Wen", "Yar", "Zel", "Bran",
        "Cal", "Dun", "Ev", "Grim", "Hal", "Kar", "Lun", "Mor", "Nev", "Ost", "Rav", "Sten", "Tal",
        "Vin"]
_SUF = ["mark", "dale", "ova", "stad", "burg", "holm", "mere", "ton", "wick", "by", "sk", "ora",
        "ven", "rin", "gard", "heim", "ak", "en", "ell", "ost", "und", "ar", "is", "ach"]
_SURNAME_SUF = ["ov", "sen", "berg", "ski", "ic", "ant", "ard", "man", "ek", "ström", "escu",
                "ides", "ez", "ner", "a", "is"]
_OUTLET_NOUN = ["Post", "Herald", "Times", "Gazette", "Chronicle", "Tribune", "Observer",
                "Express", "Journal", "Standard", "Register", "Courier"]
_WIRE_NOUN = ["Wire", "News Agency", "Press", "Newswire", "Agency"]
_SITE_NOUN = ["Frontline", "Truth Report", "Patriot", "Insider", "Watch", "Dispatch", "Uncensored"]
_STATE_PREFIX = ["National", "State", "Republic", "People's", "Official"]

# Page furniture added to copies (each article gets a few at random places).
_FURNITURE = [
    "Advertisement", "ADVERTISEMENT", "Story continues below advertisement",
    "Share this article", "Share\nFacebook\nX\nEmail", "Sign up for our morning newsletter",
    "Subscribe now for unlimited access", "Related Articles", "Most read", "Trending now",
    "Listen to this article", "Read more:", "Comments", "Skip to main content",
    "Download our app for breaking news alerts", "Continue reading below",
]


@dataclass
class Template:
    """One sample article: which story, its outlet role and the text to mutate."""

    story: str
    role: str
    title: str
    text: str
    published: datetime | None
    date_only: bool = False
    pieces: list[tuple[str, Any]] = field(default_factory=list)
    title_pieces: list[tuple[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pieces = _split(self.text)
        self.title_pieces = _split(self.title)


@dataclass
class World:
    """A generated story's substitutions (original string -> new string) and date shift."""

    names: dict[str, str]
    shift: timedelta
    numbers: dict[str, str]
    anchor: date
    outlets: dict[str, str]


def _html_to_text(page: str) -> tuple[str, str, str | None]:
    """A rough text rendering of an HTML page (furniture kept), its og:title and published."""
    title = re.search(r'<meta property="og:title" content="([^"]+)"', page)
    published = re.search(r'<meta property="article:published_time" content="([^"]+)"', page)
    body = re.sub(r"(?is)<(head|script|style)\b.*?</\1>", "", page)
    body = re.sub(r"(?i)</?(p|li|h\d|div|figcaption|header|footer|nav|ul|ol|aside|br)\b[^>]*>",
                  "\n", body)
    body = html.unescape(re.sub(r"<[^>]+>", " ", body))
    lines = [re.sub(r"\s+", " ", ln).strip() for ln in body.splitlines()]
    text = "\n".join(ln for ln in lines if ln)
    return text, html.unescape(title.group(1)) if title else "", published and published.group(1)


_AFTER_TITLE = re.compile(r"^(?:Published:|Updated:|By |by |Courier Staff Reporter)")


def _guess_title(text: str) -> str:
    """The headline: the line just before the first byline/date line that reads like one."""
    lines = [ln.strip() for ln in text.splitlines()[:15]]
    for i, line in enumerate(lines[1:], 1):
        prev = lines[i - 1]
        if (_AFTER_TITLE.match(line) and not _AFTER_TITLE.match(prev)
                and len(prev.split()) >= 4 and ">" not in prev and "|" not in prev):
            return prev
    return lines[0]


_TZINFOS = {"CET": 3600, "CEST": 7200}
_SAMPLE_TZ = timezone(timedelta(hours=1))  # the fictional outlets print local time (UTC+1)


def _published_in(text: str) -> datetime | None:
    m = re.search(r"^Published: (.+)$", text, re.M)
    if not m:
        return None
    raw = m.group(1).replace(" - ", " ")
    dayfirst = bool(re.match(r"\d{1,2}\.\d{1,2}\.\d{4}", raw))
    try:
        parsed = dateparser.parse(raw, dayfirst=dayfirst, tzinfos=_TZINFOS)
    except (ValueError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_SAMPLE_TZ)


def load_templates(sample: Path = SAMPLE) -> list[Template]:
    """The sample corpus articles as mutation templates (text, HTML and JSONL inputs)."""
    out: list[Template] = []
    for path in sorted((sample / "articles").iterdir()):
        story, _, role = path.stem.partition("_")
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            text, title, pub = _html_to_text(raw)
            published = dateparser.isoparse(pub) if pub else None
            out.append(Template(story, role, title, text, published))
        elif path.suffix == ".txt":
            out.append(Template(story, role, _guess_title(raw), raw, _published_in(raw)))
    for path in sorted((sample / "jsonl").glob("*.jsonl")):
        story = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            role = rec["outlet"].lower().replace(" ", "-")
            pub = rec.get("published")
            out.append(Template(story, role, rec["title"], rec["text"],
                                dateparser.isoparse(pub) if pub else None,
                                date_only=bool(pub) and len(pub) == 10))
    return out


# Strings of the sample world and the kind of new string each becomes.  Longest first, so
# "Port Caldera" and "The Caldera Post" are replaced before "Caldera".
_SAMPLE_NAMES: dict[str, str] = {
    # people (full names and surnames)
    "Ilse Marant": "person:leader", "Teodor Vasko": "person:pm", "Daniel Ruusk": "person:opp",
    "Viktor Sall": "person:minister", "Anselm Brook": "person:governor",
    "Mara Feld": "person:p1", "Eva Marsh": "person:p2", "Rolf Kander": "person:p3",
    "Margit Olen": "person:p4", "Petra Lind": "person:p5", "Nils Varga": "person:p6",
    "Liv Harrow": "person:p7", "Greta Holm": "person:p8", "Ruth Sander": "person:p9",
    "Tomas Hallin": "person:p10", "Hanne Ostberg": "person:r1", "Piet Raskin": "person:r2",
    "Karin Voss": "person:r3", "Jan Mellor": "person:r4", "Lotte Brandt": "person:r5",
    "Jonas Lind": "person:r6", "Ada Kress": "person:r7", "Erik Moll": "person:r8",
    "Stefan Aro": "person:r9",
    # places
    "Varlanders": "country1:people", "Varland": "country1", "Ostrovian": "country2:adj",
    "Ostrovia": "country2", "Aldmoor": "capital1", "Sarnow": "capital2", "Kessel Town": "town1",
    "Kessel": "province", "Port Caldera": "port", "Lake Orven": "lake", "Orven": "lake:core",
    "Tessel": "border", "Brenn": "village1", "Oskarby": "village2", "Little Teal": "village3",
    "Dorn": "village4", "Norby": "village5", "Ilm": "river", "Sound Villages": "coast",
    "Northern Reach": "project",
    # outlets
    "Meridian Wire": "outlet:wire", "Meridian": "outlet:wire:short",
    "The Caldera Post": "outlet:regional", "THE CALDERA POST": "outlet:regional:upper",
    "Caldera Post": "outlet:regional:short", "Caldera": "port:core",
    "National Courier": "outlet:state", "NATIONAL COURIER": "outlet:state:upper",
    "Courier": "outlet:state:short", "Liberty Frontline": "outlet:partisan",
    "LIBERTY FRONTLINE": "outlet:partisan:upper", "Frontline": "outlet:partisan:short",
}
_SURNAMES = {k.split()[-1] for k, v in _SAMPLE_NAMES.items() if v.startswith("person:")}
_SAMPLE_PATTERN = re.compile(
    r"\b(?:"
    + "|".join(re.escape(k) for k in sorted({*_SAMPLE_NAMES, *_SURNAMES}, key=len, reverse=True))
    + r")\b"
)
_ROLE_KIND = {"meridian-wire": "wire", "caldera-post": "regional", "national-courier": "state",
              "liberty-frontline": "partisan"}


def _split(text: str) -> list[tuple[str, Any]]:
    """Pre-parse a template once: ("lit", str), ("name", sample name), ("tok", date/number match).

    Rendering a copy is then a join over these pieces (no regex per generated article).
    """
    pieces: list[tuple[str, Any]] = []
    pos = 0
    for m in _SAMPLE_PATTERN.finditer(text):
        pieces.extend(_split_tokens(text[pos:m.start()]))
        pieces.append(("name", m.group(0)))
        pos = m.end()
    pieces.extend(_split_tokens(text[pos:]))
    return pieces


def _split_tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        out.append(("lit", text[pos:m.start()]))
        out.append(("tok", m))
        pos = m.end()
    out.append(("lit", text[pos:]))
    return out


def _render(pieces: list[tuple[str, Any]], names: dict[str, str], world: World,
            rng: random.Random) -> str:
    parts = []
    for kind, value in pieces:
        if kind == "lit":
            parts.append(value)
        elif kind == "name":
            parts.append(names[value])
        else:
            parts.append(_shift_token(value, world, rng))
    return "".join(parts)


def _place(rng: random.Random) -> str:
    return rng.choice(_PRE) + rng.choice(_SUF)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_PRE)}{rng.choice(_SURNAME_SUF)}"


def _outlet(kind: str, rng: random.Random, port: str) -> tuple[str, str]:
    """A new outlet name of this kind and its short form."""
    if kind == "wire":
        core = _place(rng)
        return f"{core} {rng.choice(_WIRE_NOUN)}", core
    if kind == "regional":
        noun = rng.choice(_OUTLET_NOUN)
        return f"The {port} {noun}", f"{port} {noun}"
    if kind == "state":
        noun = rng.choice(_OUTLET_NOUN)
        return f"{rng.choice(_STATE_PREFIX)} {noun}", noun
    site = rng.choice(_SITE_NOUN)
    return f"{rng.choice(['Liberty', 'Freedom', 'Sovereign', 'True'])} {site}", site


def _make_world(story_key: str, anchor: date, new_anchor: date, rng: random.Random) -> World:
    c1, c2 = _place(rng), rng.choice(_PRE) + rng.choice(["ia", "ovia", "aria", "enia"])
    port = _place(rng)
    lake = _place(rng)
    people: dict[str, str] = {}
    names: dict[str, str] = {}
    outlets: dict[str, str] = {}
    for orig, kind in _SAMPLE_NAMES.items():
        if kind.startswith("person:"):
            new = people.setdefault(kind, _person(rng))
            names[orig] = new
            names[orig.split()[-1]] = new.split()[-1]
        elif kind.startswith("outlet:"):
            role = kind.split(":")[1]
            if role not in outlets:
                full, short = _outlet(role, rng, port)
                outlets[role] = full
                outlets[role + ":short"] = short
            if kind.endswith(":short"):
                names[orig] = outlets[role + ":short"]
            elif kind.endswith(":upper"):
                names[orig] = outlets[role].upper()
            else:
                names[orig] = outlets[role]
    fixed = {
        "Varlanders": c1 + "ers", "Varland": c1, "Ostrovian": c2 + "n", "Ostrovia": c2,
        "Aldmoor": _place(rng), "Sarnow": _place(rng), "Kessel Town": None, "Kessel": _place(rng),
        "Port Caldera": f"Port {port}", "Caldera": port, "Lake Orven": f"Lake {lake}",
        "Orven": lake, "Tessel": _place(rng), "Brenn": _place(rng), "Oskarby": _place(rng),
        "Little Teal": "Little " + _place(rng), "Dorn": _place(rng), "Norby": _place(rng),
        "Ilm": _place(rng), "Sound Villages": _place(rng) + " Villages",
        "Northern Reach": rng.choice(["Northern", "Western", "Coastal", "Baltic", "Amber"]) + " "
        + rng.choice(["Reach", "Link", "Stream", "Line", "Corridor"]),
    }
    fixed["Kessel Town"] = f"{fixed['Kessel']} Town"
    names.update({k: v for k, v in fixed.items() if v})
    weeks = round((new_anchor - anchor).days / 7)
    return World(names, timedelta(weeks=weeks), {}, anchor, outlets)


def _fmt_number(orig: str, value: float) -> str:
    if "." in orig:
        return f"{value:.1f}"
    if "," in orig:
        return f"{int(round(value)):,}"
    return str(int(round(value)))


def _closest_year(month: int, day: int, anchor: date) -> int:
    best = min((abs((date(y, month, min(day, 28)) - anchor).days), y)
               for y in (anchor.year - 1, anchor.year, anchor.year + 1))
    return best[1]


def _shift_token(m: re.Match[str], world: World, rng: random.Random) -> str:
    g = m.groupdict()
    shift = world.shift
    years = round(shift.days / 365.25)
    if g["dmy"]:
        d = date(int(g["y1"]), _MONTH_NUM[g["m1"]], int(g["d1"])) + shift
        names = MONTH_ABBR if len(g["m1"]) == 3 else MONTHS
        return f"{d.day} {names[d.month - 1]} {d.year}"
    if g["mdy"]:
        d = date(int(g["y2"]), _MONTH_NUM[g["m2"]], int(g["d2"])) + shift
        names = MONTH_ABBR if len(g["m2"]) == 3 else MONTHS
        return f"{names[d.month - 1]} {d.day}, {d.year}"
    if g["md"]:
        month, day = _MONTH_NUM[g["m3"]], int(g["d3"])
        if day > 31:
            return m.group(0)
        d = date(_closest_year(month, day, world.anchor), month, min(day, 28)) + shift
        names = MONTH_ABBR if len(g["m3"]) == 3 else MONTHS
        return f"{names[d.month - 1]} {d.day}"
    if g["dotted"]:
        d = date(int(g["y4"]), int(g["mo4"]), int(g["d4"])) + shift
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if g["iso"]:
        d = date.fromisoformat(g["iso"]) + shift
        return d.isoformat() + (g["isot"] or "")
    if g["mon"]:
        month = _MONTH_NUM[g["m6"]]
        year = int(g["y6"]) if g["y6"] else _closest_year(month, 15, world.anchor)
        d = date(year, month, 15) + shift
        names = MONTH_ABBR if len(g["m6"]) == 3 else MONTHS
        return names[d.month - 1] + (f" {d.year}" if g["y6"] else "")
    if g["time"]:
        return g["time"]
    if g["year"]:
        return str(int(g["year"]) + years)
    orig = g["num"]
    value = float(orig.replace(",", ""))
    if value < 3:
        return orig
    if orig not in world.numbers:
        world.numbers[orig] = _fmt_number(orig, max(3.0, value * rng.uniform(0.55, 1.6)))
    return world.numbers[orig]


def _mutate(tpl: Template, world: World, outlet_name: str | None, rng: random.Random) -> str:
    names = dict(world.names)
    if outlet_name:  # a syndicated copy: the article names its own outlet
        kind = _ROLE_KIND.get(tpl.role, "wire")
        for orig, k in _SAMPLE_NAMES.items():
            if k == f"outlet:{kind}":
                names[orig] = outlet_name
            elif k == f"outlet:{kind}:upper":
                names[orig] = outlet_name.upper()
    text = _render(tpl.pieces, names, world, rng)
    lines = text.splitlines()
    prose = [i for i, ln in enumerate(lines) if len(ln.split()) >= 12]
    body = prose[2:]  # keep the headline and lead in place
    for _ in range(rng.randint(0, 2)):
        if len(body) >= 2:
            a, b = rng.sample(body, 2)
            lines[a], lines[b] = lines[b], lines[a]
    out: list[str] = []
    for i, line in enumerate(lines):
        if i > 3 and len(line.split()) < 6 and rng.random() < 0.15:
            continue  # drop some furniture
        out.append(line)
        if i in prose and rng.random() < 0.18:
            out.append(rng.choice(_FURNITURE))
        if i in prose and rng.random() < 0.05:
            out.append(str(rng.randint(1, 40)))  # a stray number (comment count, page number)
    return "\n".join(out) + "\n"


def generate_corpus(n: int, seed: int = 0) -> list[dict]:
    """``n`` synthetic articles (dicts: text, title, outlet, published, url, story).

    About ``n / 4`` stories of 3-5 articles each, dates spread over ``max(3, n / 1500)`` months
    from 2024-01-01, deterministic for a given ``seed``.
    """
    rng = random.Random(seed)
    templates = load_templates()
    by_story: dict[str, list[Template]] = {}
    for tpl in templates:
        by_story.setdefault(tpl.story, []).append(tpl)
    anchors = {
        key: min(t.published.date() for t in tpls if t.published)
        for key, tpls in by_story.items()
    }
    span_days = max(90, int(n / 1500 * 30))
    start = date(2024, 1, 1)
    out: list[dict] = []
    story_no = 0
    while len(out) < n:
        key = rng.choice(sorted(by_story))
        tpls = by_story[key]
        new_anchor = start + timedelta(days=rng.randrange(span_days))
        world = _make_world(key, anchors[key], new_anchor, rng)
        size = min(rng.choice((3, 4, 4, 4, 5)), n - len(out))
        chosen = rng.sample(tpls, min(size, len(tpls)))
        syndicated: list[Template] = []
        while len(chosen) + len(syndicated) < size:
            syndicated.append(rng.choice(tpls))
        story_id = f"s{story_no:06d}-{key}"
        for k, tpl in enumerate(chosen + syndicated):
            kind = _ROLE_KIND.get(tpl.role, "wire")
            extra = None
            if k >= len(chosen):
                extra, _ = _outlet("regional", rng, _place(rng))
            text = _mutate(tpl, world, extra, rng)
            outlet = extra or world.outlets[kind]
            title = _render(tpl.title_pieces, world.names, world, rng)
            pub = None
            if tpl.published and tpl.date_only:
                pub = (tpl.published + world.shift).date().isoformat()
            elif tpl.published:
                pub = tpl.published + world.shift + timedelta(minutes=rng.randrange(0, 240))
                pub = pub.isoformat(timespec="minutes")
            domain = re.sub(r"[^a-z]", "", outlet.lower()) + ".example"
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
            out.append({
                "text": text,
                "title": title,
                "outlet": outlet,
                "published": pub,
                "url": f"https://{domain}/{new_anchor:%Y/%m/%d}/{slug}-{story_no}-{k}",
                "story": story_id,
            })
        story_no += 1
    return out


def write_corpus(articles: list[dict], outdir: Path) -> Path:
    """Write each article as ``NNNNNN.txt`` in ``outdir`` plus ``manifest.csv`` (metadata and
    the ground-truth story); returns the manifest path."""
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = outdir / "manifest.csv"
    with manifest.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "outlet", "url", "published", "title", "story"])
        for i, art in enumerate(articles):
            name = f"{i:06d}.txt"
            (outdir / name).write_text(art["text"], encoding="utf-8")
            writer.writerow([name, art["outlet"], art["url"], art["published"] or "",
                             art["title"], art["story"]])
    return manifest


def write_jsonl(articles: list[dict], path: Path) -> None:
    """Write the articles as JSON Lines (text, title, outlet, published, url)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for art in articles:
            rec = {k: art[k] for k in ("text", "title", "outlet", "published", "url")}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    """CLI: ``python bench/corpus.py N [OUTDIR] [--jsonl FILE] [--seed S]``."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of articles")
    ap.add_argument("outdir", nargs="?", type=Path, help="write N .txt files + manifest.csv here")
    ap.add_argument("--jsonl", type=Path, default=None, help="write a JSON Lines file instead")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = ap.parse_args(argv)
    if not args.outdir and not args.jsonl:
        ap.error("give OUTDIR or --jsonl FILE")
    t0 = time.perf_counter()
    articles = generate_corpus(args.n, seed=args.seed)
    dt = time.perf_counter() - t0
    stories = len({a["story"] for a in articles})
    print(f"generated {len(articles)} articles in {stories} stories in {dt:.2f}s "
          f"({len(articles) / dt:,.0f} articles/s)", file=sys.stderr)
    if args.outdir:
        print(f"wrote {write_corpus(articles, args.outdir)}", file=sys.stderr)
    if args.jsonl:
        write_jsonl(articles, args.jsonl)
        print(f"wrote {args.jsonl}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
