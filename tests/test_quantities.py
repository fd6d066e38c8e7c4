"""Numbers with units and what they count: seeds and sentences written here."""

from __future__ import annotations

import pytest

from manysides.analyze.numbers import parse_number
from manysides.analyze.quantities import extract_quantities
from manysides.analyze.sentences import split_sentences


def _q(text: str) -> list[tuple[str, float, str | None]]:
    return [(q.text, q.value, q.unit) for q in extract_quantities(text, split_sentences(text))]


def test_seed_003_parade(seed_paths):
    text = seed_paths["003"].read_text(encoding="utf-8")
    sentences = split_sentences(text)
    found = extract_quantities(text, sentences)
    got = {(q.text, q.value, q.unit) for q in found}
    assert ("13 ground phalanxes", 13, "ground phalanxes") in got
    assert ("two air echelons", 2, "air echelons") in got
    for q in found:
        assert text[q.start:q.end] == q.text
        assert q.sentence is not None
    # "August 9, 2021", "ZAPAD/INTERACTION-2021" and "Apr 19, 2023 12:10 AM" are no quantities
    assert not any(q.value in (9, 19, 2021, 2023, 12, 10) for q in found)


def test_seed_004_durations_and_years(seed_paths):
    text = seed_paths["004"].read_text(encoding="utf-8")
    got = {(q.text, q.value, q.unit) for q in extract_quantities(text, split_sentences(text))}
    assert ("four-day", 4, "day") in got
    assert ("100 years", 100, "year") in got


@pytest.mark.parametrize(("text", "expected"), [
    ("The fund holds $5 billion in cash.", [("$5 billion", 5e9, "USD")]),
    ("Turnout fell 30 percent last year.", [("30 percent", 30, "percent")]),
    ("Turnout fell 4.5% in March.", [("4.5%", 4.5, "percent")]),
    ("The army sent twenty-five tanks.", [("twenty-five tanks", 25, "tanks")]),
    ("They signed a 10-year deal.", [("10-year", 10, "year")]),
    ("Some 1,200 soldiers joined the drill.", [("1,200 soldiers", 1200, "soldiers")]),
    ("The two sides agreed.", [("two sides", 2, "sides")]),
    ("A loan of 3 million yuan was made.", [("3 million yuan", 3e6, "CNY")]),
])
def test_quantities(text, expected):
    assert _q(text) == expected


@pytest.mark.parametrize("text", [
    "The F-22 and Su-35 flew over the S-400 battery.",
    "The Vostok-2022 exercise ended at 09:43 PM on Apr 17, 2023.",
    "One of those analysts spoke; he was the first to speak in 2018.",
    "Often the tenure of a someone is long.",
])
def test_not_quantities(text):
    assert _q(text) == []


def test_parse_number():
    assert parse_number("twenty-five") == 25
    assert parse_number("a dozen") == 12
    assert parse_number("1,250.5") == 1250.5
    assert parse_number("three hundred") == 300
    assert parse_number("two million") == 2e6
    assert parse_number("banana") is None
