"""Analysis bounded by design (issue 15, item 2): sentence length, article length, a time and
memory budget per batch and per article, and spaCy's max_length."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hostile_server import one_line
from manysides.analyze.nlp import load_spacy
from manysides.analyze.runner import BudgetExceeded, analyze_each, budget
from manysides.analyze.sentences import MAX_SENTENCE_CHARS, split_sentences
from manysides.errors import ModelError
from manysides.ingest import ingest
from manysides.models import Article
from manysides.settings import Settings
from manysides.store import Store


def test_one_long_line_gives_bounded_sentences() -> None:
    text = one_line(400_000) + " " + "x" * 5000  # and a run with no space at all
    sents = split_sentences(text)
    assert max(len(s.text) for s in sents) <= MAX_SENTENCE_CHARS
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert "".join(s.text for s in sents).replace(" ", "") == text.replace(" ", "")
    # cut at clause punctuation where there is some, not mid-word
    assert sum(s.text.endswith(".") for s in sents) > len(sents) // 2


def test_article_over_the_analysis_limit_is_refused_with_its_reason() -> None:
    long = Article(id="long0001", source="long.txt", text=one_line(5000))
    short = Article(id="short001", source="short.txt", text="Short.")
    settings = Settings(max_analysis_chars=1000)
    outcome = analyze_each([long], settings=settings)
    assert outcome == [f"article is {len(long.text)} characters long, over the analysis limit "
                       "of 1000 (max_analysis_chars)"]
    mixed = analyze_each([short, long], settings=settings)
    assert not isinstance(mixed[0], str) and isinstance(mixed[1], str)


def test_budget_stops_a_slow_body() -> None:
    start = time.monotonic()
    with pytest.raises(BudgetExceeded, match="time budget of 0.5 s"), budget(0.5, 100_000):
        time.sleep(5)
    assert time.monotonic() - start < 3


def test_budget_stops_a_body_that_eats_memory() -> None:
    hog = []
    with pytest.raises(BudgetExceeded, match="over its budget of 64 MiB"), budget(30, 64):
        for _ in range(40):
            hog.append(b"x" * (16 << 20))  # written, so resident
            time.sleep(0.05)
    del hog


def test_slow_article_fails_alone_with_its_reason() -> None:
    articles = [Article(id=f"art{i:05d}", source=f"a{i}.txt", text=text) for i, text in
                enumerate(["The council met on Monday. It approved the ferry plan.",
                           one_line(150_000, seed=3)])]
    outcome = analyze_each(articles, settings=Settings(article_time_budget_s=1.0))
    assert not isinstance(outcome[0], str)
    assert outcome[1] == "analysis ran over its time budget of 1 s"


def test_spacy_max_length_is_respected_with_a_clear_failure() -> None:
    nlp = load_spacy(Settings().spacy_model)
    saved = nlp.max_length
    try:
        nlp.max_length = 500
        with pytest.raises(ModelError, match="max_length 500"):
            analyze_each([Article(id="a0000001", source="a.txt", text="A short text.")],
                         settings=Settings())
    finally:
        nlp.max_length = saved


def test_ingest_refuses_an_article_over_the_analysis_limit(tmp_path: Path,
                                                          fresh_store: Store) -> None:
    page = tmp_path / "one-line.txt"
    page.write_text(one_line(5000), encoding="utf-8")
    report = ingest([str(page)], fresh_store, settings=Settings(max_analysis_chars=1000))
    assert report.new == [] and fresh_store.count_articles() == 0
    assert report.failed[0].input == str(page)
    assert "over the analysis limit of 1000" in report.failed[0].reason
