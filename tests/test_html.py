"""HTML article extraction: body and metadata out of pages, furniture out of the body."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from manysides.clean.html import (
    ExtractedPage,
    extract_html,
    filter_lines,
    iso_date,
    published_date,
)
from manysides.errors import InputError

# A page written for these tests (fictional outlet and event).
PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
  <title>Harbour bridge reopens after repairs | The Lakeside Courier</title>
  <meta property="og:site_name" content="The Lakeside Courier">
  <meta name="author" content="Mara Quill">
  <meta property="article:published_time" content="2024-03-05T09:30:00+00:00">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
  <article>
    <h1>Harbour bridge reopens after repairs</h1>
    <p>The old harbour bridge in Lakeside reopened to traffic on Tuesday after eight months
       of repairs to its steel deck, the town council said.</p>
    <p>Engineers replaced 140 rusted girders and resurfaced the road, and the council said
       the work came in under its budget of 4.2 million pounds.</p>
    <p>"We are glad to give the bridge back to the people who cross it every day," said
       council leader Ivo Brandt at the reopening ceremony.</p>
    <p>Share this article on Facebook</p>
    <p>Sign up for our newsletter to get the top stories in your inbox every morning.</p>
    <p>Ferry services that ran during the closure will stop at the end of the month, the
       operator said, though a weekend service may continue through the summer.</p>
    <p>Copyright 2024 The Lakeside Courier. All rights reserved.</p>
  </article>
  <footer>About us | Contact | Privacy policy</footer>
</body>
</html>
"""


def test_extracts_body_and_metadata() -> None:
    page = extract_html(PAGE, url="https://courier.example/news/bridge")
    assert isinstance(page, ExtractedPage)
    assert "140 rusted girders" in page.text
    assert "Ferry services" in page.text
    assert "Privacy policy" not in page.text
    assert page.title and page.title.startswith("Harbour bridge reopens")
    assert page.author == "Mara Quill"
    assert page.published and page.published.startswith("2024-03-05")
    assert page.sitename == "The Lakeside Courier"
    assert page.language == "en"
    assert page.url == "https://courier.example/news/bridge"


def test_no_article_raises_input_error() -> None:
    with pytest.raises(InputError, match="no article text found"):
        extract_html("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    with pytest.raises(InputError):
        extract_html("")


def test_real_pages_extract(eval_dir) -> None:
    html_dir = eval_dir / "extraction" / "html"
    truth = json.loads((eval_dir / "extraction" / "ground-truth.json").read_text())
    key = sorted(truth)[0]
    html = gzip.decompress((html_dir / f"{key}.html.gz").read_bytes()).decode("utf-8", "replace")
    page = extract_html(html, url=truth[key].get("url"))
    # The first sentence of the gold body is in what we extract.
    first = truth[key]["articleBody"].strip().split("\n")[0][:60]
    assert first[:40] in page.text


def test_furniture_removed_with_reasons() -> None:
    page = extract_html(PAGE)
    reasons = {r.line: r.reason for r in page.removed}
    assert reasons["Share this article on Facebook"] == "share"
    assert reasons["Harbour bridge reopens after repairs"] == "title"
    assert reasons["Copyright 2024 The Lakeside Courier. All rights reserved."] == "copyright"
    assert [r for line, r in reasons.items() if "newsletter" in line] == ["promo"]
    assert "newsletter" not in page.text and "All rights reserved" not in page.text
    # paragraphs are blank-line separated, as in every clean text of manysides
    assert page.text.count("\n\n") == 3


def test_filter_lines_related_box_and_credits() -> None:
    text = "\n".join([
        "Storm closes ferry route",
        "The ferry between the two islands stopped on Monday as winds rose above 90 km/h.",
        "Photo: Jan Oort / Island Gazette",
        "Related:",
        "- Ferry timetable changes for winter",
        "- Island council debates new pier",
        "Services are expected to resume on Thursday, the operator said.",
        "- Passengers can rebook online.",
        "Updated: 12 March 2024, 10:15",
    ])
    kept, removed = filter_lines(text, title="Storm closes ferry route | Island Gazette")
    assert kept.split("\n\n") == [
        "The ferry between the two islands stopped on Monday as winds rose above 90 km/h.",
        "Services are expected to resume on Thursday, the operator said.",
        "- Passengers can rebook online.",
    ]
    reasons = [r.reason for r in removed]
    assert reasons == ["title", "caption", "nav", "nav", "nav", "dateline"]


def test_published_keeps_time_and_zone() -> None:
    page = extract_html(PAGE)
    assert page.published == "2024-03-05T09:30:00+00:00"
    assert iso_date("2019-11-19T13:03:00-0500") == "2019-11-19T13:03:00-05:00"
    assert iso_date("2019-11-19T00:00:00") == "2019-11-19"
    assert iso_date("2019-11-19T02:24:00") == "2019-11-19T02:24:00"
    assert iso_date(None) is None and iso_date("yesterday") is None


def test_sample_page_time_from_metadata_not_url() -> None:
    # The bundled sample page has a dated URL (day only) and article:published_time (with time).
    sample = Path(__file__).resolve().parent.parent / "src" / "manysides" / "sample" / "articles"
    page = extract_html((sample / "orven-dam_national-courier.html").read_text(encoding="utf-8"))
    assert page.published == "2024-03-13T18:30:00+01:00"
    assert page.sitename == "National Courier" and page.language == "en"
    assert "Orven Dam in Kessel province failed" in page.text
    for furniture in ("Advertisement", "Tags:", "Share:", "Home >"):
        assert furniture not in page.text


def test_published_date_prefers_stated_time_of_the_same_day() -> None:
    head = '<meta property="article:published_time" content="2019-11-19T01:19:34.819Z">'
    assert published_date(head, "2019-11-18") == "2019-11-19T01:19:34+00:00"
    ld = '<script type="application/ld+json">{"datePublished": "2019-11-19T06:12:56-05:00"}'
    assert published_date(ld, None) == "2019-11-19T06:12:56-05:00"
    # a stated time far from the date found elsewhere is not trusted
    assert published_date(head, "2018-01-02") == "2018-01-02"
    assert published_date("<p>no metadata</p>", "2020-05-01") == "2020-05-01"
