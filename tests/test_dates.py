"""Time expressions resolved against the publication date: seeds and sentences written here."""

from __future__ import annotations

import pytest

from manysides.analyze.dates import date_spans, extract_dates
from manysides.analyze.sentences import split_sentences
from manysides.models import DateMention

MONDAY = "2023-04-17T21:43:00+08:00"  # seed 001's publication time (a Monday)
FRIDAY = "2023-04-14"


def _dates(text: str, anchor: str | None) -> list[DateMention]:
    return extract_dates(text, split_sentences(text), anchor)


def _resolved(text: str, anchor: str | None) -> dict[str, str | None]:
    return {d.text: d.resolved for d in _dates(text, anchor)}


def test_on_sunday_in_seed_001(seed_paths):
    text = seed_paths["001"].read_text(encoding="utf-8")
    sentences = split_sentences(text)
    dates = extract_dates(text, sentences, MONDAY)
    sunday = [d for d in dates if d.text == "Sunday"]
    assert sunday and all(d.resolved == "2023-04-16" for d in sunday)
    assert any(d.text == "April 16 to 19" and d.resolved == "2023-04-16/2023-04-19"
               for d in dates)
    assert any(d.text == "October 2019" and d.resolved == "2019-10-01/2019-10-31"
               for d in dates)
    for d in dates:
        assert text[d.start:d.end] == d.text
        assert d.sentence is not None and sentences[d.sentence].start <= d.start


def test_absolute_dates_in_seed_003_without_anchor(seed_paths):
    text = seed_paths["003"].read_text(encoding="utf-8")
    dates = extract_dates(text, split_sentences(text), None)
    by_text = {d.text: d.resolved for d in dates}
    assert by_text["August 9, 2021"] == "2021-08-09"
    assert by_text["Apr 19, 2023"] == "2023-04-19"
    assert by_text["Tuesday"] is None  # relative: no anchor, no guess


def test_weekdays_past_and_future():
    text = ("Li is scheduled to start his four-day visit to Russia on Sunday. "
            "The ministry announced the trip on Wednesday.")
    got = _resolved(text, FRIDAY)
    assert got["Sunday"] == "2023-04-16"  # ahead: the clause speaks of the future
    assert got["Wednesday"] == "2023-04-12"  # past: the most recent Wednesday
    assert got["four-day visit"] == "2023-04-16/2023-04-19"  # starts on the named day


def test_weekday_on_the_anchor_day_and_ranges():
    got = _resolved("Putin met Li on Monday. Li will stay from Sunday to Wednesday.", MONDAY)
    assert got["Monday"] == "2023-04-17"
    assert got["from Sunday to Wednesday"] == "2023-04-23/2023-04-26"


@pytest.mark.parametrize(("text", "expression", "resolved"), [
    ("The talks were held last week.", "last week", "2023-04-10/2023-04-16"),
    ("Xi visited Moscow in March.", "in March", "2023-03-01/2023-03-31"),
    ("Xi arrived in Moscow in late March.", "late March", "2023-03-21/2023-03-31"),
    ("He met Xi a month ago.", "a month ago", "2023-03-17"),
    ("The war began last year.", "last year", "2022-01-01/2022-12-31"),
    ("The drill started on August 9, 2021.", "August 9, 2021", "2021-08-09"),
    ("It was published on April 17, 2023.", "April 17, 2023", "2023-04-17"),
    ("They were sanctioned in 2018.", "2018", "2018-01-01/2018-12-31"),
    ("Prices rose this month.", "this month", "2023-04-01/2023-04-30"),
    ("He spoke yesterday.", "yesterday", "2023-04-16"),
    ("A balloon was shot down in February.", "in February", "2023-02-01/2023-02-28"),
    ("He arrived in December.", "in December", "2022-12-01/2022-12-31"),
    ("The summit was held on 3 March 2021.", "3 March 2021", "2021-03-03"),
    ("The visit ran from April 16 to 19.", "April 16 to 19", "2023-04-16/2023-04-19"),
])
def test_expressions_resolve(text, expression, resolved):
    assert _resolved(text, MONDAY)[expression] == resolved


def test_no_anchor_keeps_relative_expressions_unresolved():
    got = _resolved("On Sunday, a month ago and last year; on August 9, 2021 and in March.",
                    None)
    assert got["Sunday"] is None and got["a month ago"] is None and got["last year"] is None
    assert got["in March"] is None
    assert got["August 9, 2021"] == "2021-08-09"


def test_bad_anchor_is_not_fatal():
    got = _resolved("It happened on Sunday, on August 9, 2021.", "not a date")
    assert got["Sunday"] is None and got["August 9, 2021"] == "2021-08-09"


def test_not_dates():
    text = ("The Su-35 and S-400 systems, the Vostok-2022 drill, 2023 troops and "
            "a May decision: it may rain.")
    assert _dates(text, MONDAY) == []
    assert date_spans("Published: Apr 17, 2023 09:43 PM") == [(11, 23)]
