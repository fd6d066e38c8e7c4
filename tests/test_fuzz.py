"""Fuzz tests (hypothesis) of the text cleaner, the sentence splitter and the HTML path with
long, binary-looking, markup-heavy and broken input.  Each example is bounded (size, deadline)
and the runs are few, so the suite stays fast."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manysides.analyze.sentences import MAX_SENTENCE_CHARS, split_sentences
from manysides.clean import clean_text
from manysides.clean.html import extract_html
from manysides.errors import InputError
from manysides.ingest.sources import build_article, build_html_article

BOUNDED = settings(max_examples=40, deadline=timedelta(seconds=5), database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

FRAGMENTS = [
    "The council said on Monday. ", "Mr. Li", " U.S. ", "\u201cWe will,\u201d she said. ",
    "[/b]", "[red]", "<script>", "</p>", "<p>", "&amp;", "&#0;", "\u202e", "\u200b", "\ufeff",
    "\x00", "\x1b[31m", "\ud7ff", "\U0010ffff", "....", "?!", "\n", "\r\n", "\t", " " * 40,
    "Advertisement", "Share this article", "By Jane Doe", "Updated 3 hours ago", "x" * 300,
]

# text built from news-like words, markup, control and odd code points, sometimes very long
texts = st.one_of(
    st.text(max_size=2000),
    st.lists(st.sampled_from(FRAGMENTS), max_size=400).map("".join),
    st.tuples(st.sampled_from(FRAGMENTS), st.integers(1, 3000)).map(lambda t: t[0] * t[1]),
    st.binary(max_size=3000).map(lambda b: b.decode("latin-1")),
)

TAGS = ["html", "body", "article", "div", "p", "span", "script", "style", "nav", "footer",
        "h1", "table", "tr", "td", "iframe", "svg", "noscript", "template", "![CDATA["]
markup = st.lists(
    st.one_of(
        st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
        st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
        st.sampled_from(TAGS).map(lambda t: f"<{t} class=\"a'b\" data-x=<>"),
        st.sampled_from(["<!--", "-->", "<!doctype html>", "<?xml ?>", "<", ">", "&", "\x00",
                         "<p>The mayor said the dam would open in May.</p>"]),
        st.text(max_size=80),
    ),
    max_size=200,
).map("".join)


@BOUNDED
@given(texts)
def test_sentence_splitter_offsets_and_bounds(text: str) -> None:
    sents = split_sentences(text)
    for i, s in enumerate(sents):
        assert s.index == i
        assert text[s.start:s.end] == s.text and s.text.strip() == s.text and s.text
        assert len(s.text) <= MAX_SENTENCE_CHARS
        assert "\n" not in s.text
    assert all(a.end <= b.start for a, b in zip(sents, sents[1:], strict=False))


@BOUNDED
@given(texts)
def test_cleaner_never_crashes_and_keeps_text(text: str) -> None:
    result = clean_text(text)
    assert isinstance(result.text, str)
    assert len(result.text) <= len(text) + 1  # cleaning adds nothing
    try:
        article = build_article(text, source="fuzz.txt")
    except InputError:
        return  # a clear "no article text" is fine
    assert article.text.strip() and len(article.id) == 16


@BOUNDED
@given(markup)
def test_html_path_with_broken_markup(html: str) -> None:
    try:
        page = extract_html(html)
    except InputError:
        return
    assert isinstance(page.text, str)
    try:
        article = build_html_article(html, source="fuzz.html", url=None)
    except InputError:
        return
    assert "<script" not in article.text.lower() or "<script" in html.lower()
