"""Speakers resolved to the right person where the article's own writing gets in the way
(made-up texts, one rule each): nicknames in quote marks, a misspelt surname, a long title
before the name, a cue ending the paragraph before the quotation."""

from __future__ import annotations

import pytest

from manysides.analyze import analyze_batch
from manysides.models import Article, ArticleAnalysis
from manysides.settings import Settings

TEXTS = {
    "nickname_typo": (
        "The mayor picked her former counsel Robert \"Bo\" Harlan to run the port board.\n\n"
        "Harlan joined the city in 2009 and led its legal office.\n\n"
        "“I am here because the mayor believes I can do the job,” said Harlen, who starts "
        "on Monday."
    ),
    "curly_nickname": (
        "Council member Margaret “Peg” Olsen opposed the toll plan on Tuesday.\n\n"
        "“This plan taxes the people who can least afford it,” Olsen said."
    ),
    "long_titles": (
        "Harbor County Supervisor of Elections Susan Okafor said that independent voters cannot "
        "vote in the primary.\n\n"
        "Port authority spokesman the Rev. Tom Ilves told reporters that no meeting was "
        "planned for the spring.\n\n"
        "A spokesman for Mayor Dana Whit said the budget would be late again this year."
    ),
    "statement_that": (
        "Harbor League director Ruth Ames said in a statement that the new rules are unfair "
        "to every family in the valley."
    ),
    "colon_paragraph": (
        "Senator Ruth Ames spoke after the debate in Denver.\n\n"
        "Ames continued:\n\n"
        "“You look at the questions, and you see what they want. We will not play along.”"
    ),
}


@pytest.fixture(scope="module")
def analyses() -> dict[str, ArticleAnalysis]:
    arts = [Article(id=k, source=k, text=t) for k, t in TEXTS.items()]
    results = analyze_batch(arts, settings=Settings())
    return {k: a for k, (a, _) in zip(TEXTS, results, strict=True)}


def _speaker(analysis: ArticleAnalysis, words: str) -> tuple[str | None, str | None]:
    hit = [q for q in analysis.quotes if words in q.text and q.kind != "scare"]
    assert hit, [(q.text, q.speaker) for q in analysis.quotes]
    return hit[0].speaker, hit[0].speaker_entity


def test_nickname_in_quote_marks_is_one_person(analyses):
    """'Robert "Bo" Harlan' is the person Robert Harlan, whose surname alone refers back
    to him (the NER cuts such names at the marks)."""
    names = {e.name: e for e in analyses["nickname_typo"].entities}
    assert "Robert Harlan" in names and names["Robert Harlan"].type == "PERSON"
    assert not any('"' in n or "“" in n for n in names)
    assert "Harlan" in names["Robert Harlan"].aliases
    assert _speaker(analyses["curly_nickname"], "taxes the people") == (
        "Margaret Olsen", "margaret-olsen")


def test_surname_misspelt_by_one_vowel_is_the_known_person(analyses):
    """"said Harlen" after "Robert Harlan" is a typo for him, not a second person."""
    assert _speaker(analyses["nickname_typo"], "believes I can do the job") == (
        "Robert Harlan", "robert-harlan")


def test_person_named_last_in_a_long_subject_speaks(analyses):
    """Title words before the name ("Port authority spokesman the Rev. Tom Ilves told",
    "County Supervisor of Elections Susan Okafor said") leave the person the speaker, the
    title kept as descriptor; a name inside "a spokesman for ..." stays whose the speaker
    is, not who speaks."""
    quotes = analyses["long_titles"].quotes
    ilves = next(q for q in quotes if "no meeting was planned" in q.text)
    assert (ilves.speaker, ilves.speaker_entity) == ("Tom Ilves", "tom-ilves")
    assert "spokesman" in (ilves.descriptor or "")
    assert _speaker(analyses["long_titles"], "independent voters")[0] == "Susan Okafor"
    assert _speaker(analyses["long_titles"], "budget would be late")[0] != "Dana Whit"


def test_cue_ending_the_paragraph_before_the_quotation(analyses):
    """"Ames continued:" alone in its paragraph attributes the quotation that follows."""
    assert _speaker(analyses["colon_paragraph"], "You look at the questions")[0] == "Ruth Ames"


def test_that_clause_hung_on_the_medium_is_the_content(analyses):
    """"said in a statement that ...": the parse may hang the clause on "statement"; it is
    still what was said, with the statement as the medium."""
    quote = next(q for q in analyses["statement_that"].quotes if q.kind == "reported")
    assert (quote.speaker, quote.medium) == ("Ruth Ames", "a statement")
    assert quote.text.startswith("the new rules are unfair")
