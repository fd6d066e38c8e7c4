"""HTML cleaning against the article-extraction benchmark's ground truth.

manysides as ingest stores an HTML page (``extract_html``, then the text cleaner) and
``manysides.clean.html.extract_html`` alone, against plain ``trafilatura.extract(html)`` on the
same pages, scored with the benchmark's shingle F1.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura
from metrics import TpFpFn, extraction_scores, page_scores, shingle_match, shingles

from manysides.clean.html import extract_html
from manysides.errors import InputError

log = logging.getLogger(__name__)


@dataclass
class Page:
    """One benchmark page: its key, HTML, URL and gold article body."""

    key: str
    html: str
    url: str | None
    gold: str


@dataclass
class ExtractionResult:
    """Scores of one extractor over the pages, with each page's counts for finding misses."""

    scores: dict[str, float]
    counts: dict[str, TpFpFn] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)


def load_pages(root: Path, limit: int | None = None) -> list[Page]:
    """``extraction/`` folder (html/*.html.gz + ground-truth.json) -> pages, sorted by key."""
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key in sorted(truth)[:limit]:
        raw = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        html = raw.decode("utf-8", "replace")
        pages.append(Page(key, html, truth[key].get("url"), truth[key]["articleBody"]))
    return pages


def ours(page: Page) -> str:
    """manysides' HTML extraction (empty text when it finds no article)."""
    try:
        return extract_html(page.html, url=page.url).text
    except InputError:
        return ""


def ingested(page: Page) -> str:
    """What ingest stores for an HTML page: ``extract_html``, then the text cleaner over it."""
    from manysides.ingest.sources import build_html_article

    try:
        return build_html_article(page.html, source=page.key, url=page.url).text
    except InputError:
        return ""


def baseline(page: Page) -> str:
    """Plain ``trafilatura.extract(html)``, the benchmark's reference extractor."""
    return trafilatura.extract(page.html) or ""


def score(
    pages: list[Page], extractor: Callable[[Page], str], *, raise_errors: bool = False
) -> ExtractionResult:
    """Run ``extractor`` over the pages -> benchmark scores (F1, precision, recall).

    A page whose extractor raises scores as empty text and is listed in ``failures``; with
    ``raise_errors`` an ImportError (a stage not there) is raised instead.
    """
    result = ExtractionResult(scores={})
    for page in pages:
        try:
            text = extractor(page)
        except ImportError:
            if raise_errors:
                raise
            result.failures[page.key] = "ImportError"
            text = ""
        except Exception as exc:  # one bad page must not stop the evaluation
            result.failures[page.key] = f"{type(exc).__name__}: {exc}"
            text = ""
        result.texts[page.key] = text
        result.counts[page.key] = shingle_match(page.gold, text)
    result.scores = extraction_scores(list(result.counts.values()))
    return result


def worst_pages(result: ExtractionResult, metric: str, n: int = 5) -> list[tuple[str, float]]:
    """The ``n`` pages with the lowest ``metric`` ("precision" or "recall")."""
    per_page = {k: page_scores(c)[metric] for k, c in result.counts.items()}
    return sorted(per_page.items(), key=lambda kv: kv[1])[:n]


def removed_in_gold(pages: list[Page]) -> Counter[str]:
    """Reasons of the lines ingest removed from HTML pages although the gold body has them.

    A removed line counts when at least half of its shingles are in the page's gold body.
    """
    from manysides.ingest.sources import build_html_article

    lost: Counter[str] = Counter()
    for page in pages:
        try:
            article = build_html_article(page.html, source=page.key, url=page.url)
        except InputError:
            continue
        gold = shingles(page.gold)
        for removed in article.removed:
            own = shingles(removed.line)
            if own and sum(1 for s in own if s in gold) / len(own) >= 0.5:
                lost[removed.reason] += 1
    return lost


# Page types, for precision and recall per type.  A page may have several; the rule reads the
# page (URL, HTML markers) and the gold body's shape, nothing learned:
# - "live blog": schema.org LiveBlogPosting in the HTML, or "live"/"latest" as a word of the
#   URL path ("live-updates", "hong-kong-latest");
# - "embedded posts": a social-media embed (Twitter/X, Instagram, Facebook, TikTok) in the HTML;
# - "list": a body of >= 6 lines of which at least half have fewer than 12 words (items,
#   deals, results, steps);
# - "article": none of these.
_LIVE_URL = re.compile(r"(?<![a-z])(?:live|latest)(?![a-z])")
_EMBED = re.compile(r"class=[\"'][^\"']*(?:twitter-tweet|instagram-media|fb-post|tiktok-embed)"
                    r"|platform\.twitter\.com/widgets\.js|instagram\.com/embed\.js")
LIST_MIN_LINES = 6
LIST_SHORT_WORDS = 12


def page_types(page: Page) -> list[str]:
    """The types of a benchmark page (see the rule above)."""
    types = []
    path = urlsplit(page.url or "").path.lower()
    if "LiveBlogPosting" in page.html or _LIVE_URL.search(path):
        types.append("live blog")
    if _EMBED.search(page.html):
        types.append("embedded posts")
    lines = [line for line in page.gold.splitlines() if line.strip()]
    short = sum(1 for line in lines if len(line.split()) < LIST_SHORT_WORDS)
    if len(lines) >= LIST_MIN_LINES and short * 2 >= len(lines):
        types.append("list")
    return types or ["article"]


def scores_by_type(pages: list[Page], result: ExtractionResult) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 (and the page count ``n``) per page type."""
    keys: dict[str, list[str]] = {}
    for page in pages:
        for t in page_types(page):
            keys.setdefault(t, []).append(page.key)
    return {t: {**extraction_scores([result.counts[k] for k in ks]), "n": len(ks)}
            for t, ks in sorted(keys.items())}
