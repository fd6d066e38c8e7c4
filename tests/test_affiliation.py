"""Speaker affiliation read from the article's own words (made-up texts, one rule each)."""

from __future__ import annotations

import pytest

from manysides.analyze import analyze_batch
from manysides.models import Article, Quote
from manysides.settings import Settings

TEXTS = {
    "letters": (
        "The committee met on Tuesday to weigh the new toll plan.\n\n"
        "“This plan taxes the commuters who can least afford it,” said Rep. Anna Kowalski "
        "(D-Ore.), who sits on the committee."
    ),
    "party_title": (
        "The vote on the harbour bill was delayed again on Monday.\n\n"
        "“We will not sign a blank cheque,” Republican Sen. Walter Brandt said after the vote."
    ),
    "apposition": (
        "The hearing on the water rules ended without a deal.\n\n"
        "“Farmers deserve clear answers,” said Helen Marsh, a Democrat from the valley district."
    ),
    "members": (
        "Lawmakers argued for hours about the rail budget.\n\n"
        "Republican lawmakers such as Tom Ferris objected to the cuts. “It is a mistake,” "
        "Ferris said."
    ),
    "spokesman_for": (
        "The Hale campaign answered the charges on Friday.\n\n"
        "“The claims are false,” said Rob Tierney, a spokesman for the Hale campaign."
    ),
    "campaign_possessive": (
        "The Hale campaign spent the weekend in Ohio.\n\n"
        "“Voters are tired of promises,” said Dana Whitlock, the campaign’s press secretary."
    ),
    "place_office": (
        "The water dispute between the two states went to court this week.\n\n"
        "“Our farmers are paying for their mistakes,” Nebraska Attorney General Carl Benning "
        "said on Tuesday."
    ),
    "document": (
        "The Hale campaign released a new ad on Tuesday about the pension fund.\n\n"
        "“Your savings are at risk,” the advertisement says."
    ),
    "unnamed_org": (
        "The data request was sent in March.\n\n"
        "“We review every request carefully,” an Orbix spokesperson said."
    ),
    "possessive_title": (
        "The Hale campaign answered on Monday.\n\n"
        "“The numbers do not add up,” Hale’s campaign press secretary, Nora Quill, said."
    ),
    "spokesman_for_person": (
        "Senate Majority Leader Ruth Abbot (D-Vt.) spoke first.\n\n"
        "“The vote will happen,” said Len Parr, a spokesman for Senate Majority Leader Ruth "
        "Abbot."
    ),
    "document_with": (
        "The Hale campaign retorted with an ad of its own on Tuesday.\n\n"
        "“They cut your pension,” the ad says."
    ),
    "spokesperson_for": (
        "The request was sent in March.\n\n"
        "“We follow the law,” a spokesperson for Orbix said."
    ),
    "portfolio": (
        "The navy held drills on Friday.\n\n"
        "“We are ready,” said Ivo Stane, the Minister of Coastal Defense."
    ),
    "place_apposition": (
        "Ranchers met the inspectors on Monday.\n\n"
        "Sheriff Abe Sorn, in western Montana, said the herds were safe. "
        "“We checked every one,” Sorn said."
    ),
    "local_place_region": (
        "Ranchers met the inspectors on Monday.\n\n"
        "Ash County Sheriff Abe Sorn, in western Montana, said the herds were safe. "
        "“We checked every one,” Sorn said."
    ),
    "office_of_org": (
        "The talks resumed on Monday.\n\n"
        "“We expect progress,” said Tarvel Institute deputy press secretary Ola Fenn."
    ),
    "nothing": (
        "The bridge reopened on Sunday after two years of work.\n\n"
        "“It is a relief,” said Maria Lund, who drives across it daily."
    ),
}


@pytest.fixture(scope="module")
def quotes() -> dict[str, list[Quote]]:
    arts = [Article(id=k, source=k, text=t) for k, t in TEXTS.items()]
    results = analyze_batch(arts, settings=Settings())
    return {k: [q for q in a.quotes if q.kind != "scare"]
            for k, (a, _) in zip(TEXTS, results, strict=True)}


def _aff(quotes: dict[str, list[Quote]], key: str, words: str) -> str | None:
    hit = [q for q in quotes[key] if words in q.text]
    assert hit, (key, [(q.text, q.speaker) for q in quotes[key]])
    return hit[0].affiliation


@pytest.mark.parametrize(("key", "words", "expected"), [
    ("letters", "taxes the commuters", "Democratic"),
    ("party_title", "blank cheque", "Republican"),
    ("apposition", "clear answers", "Democratic"),
    ("members", "It is a mistake", "Republican"),
    ("spokesman_for", "claims are false", "Hale campaign"),
    ("campaign_possessive", "tired of promises", "Hale campaign"),
    ("place_office", "paying for their mistakes", "Nebraska"),
    ("document", "savings are at risk", "Hale campaign"),
    ("unnamed_org", "review every request", "Orbix"),
    ("possessive_title", "do not add up", "Hale campaign"),
    ("spokesman_for_person", "The vote will happen", "Democratic"),
    ("document_with", "cut your pension", "Hale campaign"),
    ("spokesperson_for", "We follow the law", "Orbix"),
    ("portfolio", "We are ready", None),
    ("place_apposition", "We checked every one", "Montana"),
    ("local_place_region", "We checked every one", "Ash County, Montana"),
    ("office_of_org", "We expect progress", "Tarvel Institute"),
    ("nothing", "It is a relief", None),
])
def test_affiliation_from_the_text(quotes, key, words, expected):
    assert _aff(quotes, key, words) == expected
