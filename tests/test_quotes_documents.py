"""Documents, scare quotes and same-sentence quotations: speakers resolved from the article's
own words (issue 18), on short texts written for these tests (not from any article)."""

from __future__ import annotations

import pytest

from manysides.analyze import analyze_batch
from manysides.models import Article, Quote
from manysides.settings import Settings

TEXTS = {
    "resolution": (
        "The Arden Civic League adopted a resolution on Tuesday condemning the toll plan.\n\n"
        "The resolution said the league would \"oppose every new toll on the river roads.\""
    ),
    "suit": (
        "The lawsuit from Arden and Velmont asks the court to strike down the toll law.\n\n"
        "“Traffic flows from this gap into neighboring towns,” the suit says, undermining "
        "their road budgets, “draining their treasuries and placing stress on their police.”"
    ),
    "ad": (
        "The Hale campaign released a new advertisement on Tuesday about the pension fund.\n\n"
        "“Your savings are at risk,” the advertisement says."
    ),
    "letter_person": (
        "Democratic Senator Ann Lee sent a letter to the port board on Monday.\n\n"
        "“We expect answers by Friday,” the letter says."
    ),
    "letter_nobody": (
        "The port board met on Monday.\n\n"
        "“We expect answers by Friday,” the letter says."
    ),
    "but_another": (
        "“The plan is sound,” Mayor Ann Lee said, but council member Bo Ray called it "
        "“a costly sham.”"
    ),
    "his_interview": (
        "Ann Lee went on offense Tuesday, attacking Governor Bo Ray, Tom Hale's running mate.\n\n"
        "A Hale campaign aide, though, said “that is a distinction without a difference.”\n\n"
        "In her interview with the Courier, Lee also hammered Ray for what she called his "
        "“utter failure when it comes to fixing roads.”"
    ),
    "org_judges": (
        "The Arden Civic League adopted a resolution on Tuesday.\n\n"
        "The nearby Velmont Taxpayers Alliance issued its own resolution against the Arden "
        "Civic League, accusing the league of acting as a “partisan political attack dog” at "
        "City Hall.\n\n"
        "The Velmont Taxpayers Alliance had a quick answer. The group has drafted a letter of "
        "its own condemning the league for reducing itself to a \"bigoted\" club.\n\n"
        "The Courier cited unnamed “experts” on the bridge."
    ),
    "poll": (
        "Early results of an exit poll conducted by Tarvel Research were out by noon.\n\n"
        "Lee led among voters under 30, the exit poll showed, and the poll says turnout "
        "rose in every county."
    ),
    "trailing_states": (
        "The port board met on Monday.\n\n"
        "“We appreciate your willingness to talk,” the letter states. “However, we would be "
        "remiss if we did not challenge your plan.”\n\n"
        "“Taxes went up,” notes Ann Lee, a council member."
    ),
    "name_tail": (
        "“Sizable majorities in both states believe it,” said Jeri Tomlin, advisory board "
        "member for Secure Harbor Now. “Support remains strong.”"
    ),
}


@pytest.fixture(scope="module")
def quotes() -> dict[str, list[Quote]]:
    arts = [Article(id=k, source=k, text=t) for k, t in TEXTS.items()]
    results = analyze_batch(arts, settings=Settings())
    return {k: a.quotes for k, (a, _) in zip(TEXTS, results, strict=True)}


def _one(quotes: dict[str, list[Quote]], key: str, words: str) -> Quote:
    hit = [q for q in quotes[key] if words in q.text]
    assert hit, (key, [(q.text, q.speaker) for q in quotes[key]])
    return min(hit, key=lambda q: len(q.text))


def test_resolution_speaks_for_the_organisation_that_adopted_it(quotes):
    quote = _one(quotes, "resolution", "oppose every new toll")
    assert (quote.speaker, quote.descriptor, quote.medium) == (
        "Arden Civic League", "resolution", "resolution")
    assert quote.speaker_type == "organization"
    assert quote.speaker_entity is not None


def test_suit_speaks_for_its_plaintiffs_and_its_second_quotation_too(quotes):
    first = _one(quotes, "suit", "Traffic flows")
    second = _one(quotes, "suit", "draining their treasuries")
    assert first.speaker == second.speaker == "Arden and Velmont"
    assert (second.descriptor, second.cue) == ("suit", "says")


def test_advertisement_speaks_for_the_campaign_that_released_it(quotes):
    quote = _one(quotes, "ad", "savings are at risk")
    assert (quote.speaker, quote.descriptor) == ("Hale campaign", "advertisement")
    assert quote.affiliation == "Hale campaign"


def test_letter_of_a_person_is_that_person_with_their_party(quotes):
    quote = _one(quotes, "letter_person", "expect answers")
    assert (quote.speaker, quote.speaker_type, quote.descriptor) == (
        "Ann Lee", "person", "letter")
    assert quote.affiliation == "Democratic"


def test_letter_with_no_author_named_stays_the_speaker(quotes):
    quote = _one(quotes, "letter_nobody", "expect answers")
    assert quote.speaker == "letter"
    assert quote.speaker_type is None


def test_another_person_after_the_attribution_owns_the_later_quotation(quotes):
    assert _one(quotes, "but_another", "The plan is sound").speaker == "Ann Lee"
    assert _one(quotes, "but_another", "a costly sham").speaker == "Bo Ray"


def test_possessive_pronoun_is_no_speaker_of_the_quotation(quotes):
    """"In her interview ..., Lee called ..." - "her" (which the entity step may link to
    anyone) is not who speaks; Lee is."""
    assert _one(quotes, "his_interview", "utter failure").speaker == "Ann Lee"


def test_organisation_judging_as_subject_owns_its_short_quotation(quotes):
    attack = _one(quotes, "org_judges", "partisan political attack dog")
    assert (attack.kind, attack.speaker, attack.speaker_type) == (
        "direct", "Velmont Taxpayers Alliance", "organization")
    assert _one(quotes, "org_judges", "bigoted").speaker == "Velmont Taxpayers Alliance"
    experts = _one(quotes, "org_judges", "experts")  # cited, not judged: the author's
    assert (experts.kind, experts.speaker) == ("scare", None)


def test_descriptor_keeps_a_capitalised_word_the_parse_hung_elsewhere(quotes):
    """"advisory board member for Secure Harbor Now": the parse makes "Now" an adverb of
    "said"; the organisation's name keeps it, in the descriptor and the affiliation."""
    quote = _one(quotes, "name_tail", "Sizable majorities")
    assert quote.descriptor == "advisory board member for Secure Harbor Now"
    assert quote.affiliation == "Secure Harbor Now"


def test_poll_measures_and_stays_the_speaker(quotes):
    """A poll's findings are not its pollster's words: "the poll says" keeps the poll."""
    quote = _one(quotes, "poll", "turnout rose")
    assert quote.speaker is not None and quote.speaker.endswith("poll")


def test_noun_like_cue_triggers_after_a_quotation(quotes):
    """"states", "notes" alone do not make a sentence worth parsing; as a quotation's trailing
    attribution they do ("“...,” the letter states.")."""
    assert _one(quotes, "trailing_states", "However, we would").speaker == "letter"
    quote = _one(quotes, "trailing_states", "Taxes went up")
    assert (quote.speaker, quote.cue) == ("Ann Lee", "notes")
