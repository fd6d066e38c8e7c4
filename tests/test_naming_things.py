"""Things and events a story names by common nouns (``compare.naming.thing_referents``):
synonyms, an article's first indefinite phrase, the prepositional phrase after the head.

All text is invented (fictional places and people).
"""

from __future__ import annotations

from manysides.compare.naming import naming
from test_compare import make_article

OUTLETS = {"x": "Frontline", "y": "State Daily", "z": "Harbor Post"}
PEOPLE = {"Vela": ("vela", "PERSON"), "Ansel Vela": ("vela", "PERSON"),
          "Orrin": ("orrin", "PERSON")}


def _things(*articles) -> dict[str, dict[str, set[str]]]:
    return {r.referent: {o: {t.term for t in ts} for o, ts in r.by_outlet.items()}
            for r in naming(list(articles), OUTLETS) if r.kind == "thing"}


def test_synonym_heads_name_one_thing() -> None:
    """"the probe" in one outlet and "the investigation" in another are one thing; so are
    "the summit" and "the meeting"."""
    a = make_article("x", "Frontline", [
        "The probe, opened in spring, widened.", "Officials said the probe was slow.",
        "The summit, set for June, was delayed."])
    b = make_article("y", "State Daily", [
        "The investigation, critics said, was a stunt.", "Aides defended the investigation.",
        "The meeting, aides said, will go ahead.", "Nobody doubts the meeting will happen."])
    things = _things(a, b)
    assert things["thing: investigation"] == {
        "Frontline": {"the probe"}, "State Daily": {"the investigation"}}
    assert things["thing: summit"] == {
        "Frontline": {"the summit"}, "State Daily": {"the meeting"}}


def test_first_indefinite_phrase_introduces_the_thing() -> None:
    """An article's first "a ... hotline" introduces the story's hotline; a later one, or one
    marked as another ("a new hotline"), is left out."""
    a = make_article("x", "Frontline", [
        "The two capitals opened a direct hotline on Monday.", "The hotline, officials said, "
        "rang twice.", "A spare hotline sits unused.", "The hotline will be tested."])
    b = make_article("y", "State Daily", [
        "Critics want a new hotline.", "The hotline, they said, is too slow.",
        "The hotline was built in weeks."])
    things = _things(a, b)
    assert things["thing: hotline"] == {
        "Frontline": {"a direct hotline", "the hotline"}, "State Daily": {"the hotline"}}


def test_the_phrase_after_the_head_names_and_tells_things_apart() -> None:
    """"the investigation into Ansel Vela" is a term (the name after the head kept) and is the
    Vela investigation of another outlet, not the Orrin one; "in 2019" tells when, not
    which, and a phrase runs to the sentence's end only."""
    a = make_article("x", "Frontline", [
        "The investigation into Ansel Vela, the former minister, widened.",
        "The investigation into Orrin, his aide, was closed.",
        "Prosecutors said the investigation into Vela. It goes on.",
        "A report in 2019 warned of it."], entities=PEOPLE)
    b = make_article("y", "State Daily", [
        "The Vela investigation, critics said, is a stunt.", "Aides mocked the Orrin "
        "investigation, which ended.", "The Vela investigation goes on."], entities=PEOPLE)
    things = _things(a, b)
    assert things["thing: Vela investigation"] == {
        "Frontline": {"the investigation into Ansel Vela", "the investigation into Vela"},
        "State Daily": {"the Vela investigation"}}
    assert things["thing: Orrin investigation"] == {
        "Frontline": {"the investigation into Orrin"},
        "State Daily": {"the Orrin investigation"}}


def test_a_name_one_outlet_alone_gives_after_the_head_tells_nothing_apart() -> None:
    """"a summit in the Glass Hall" (no other outlet names the hall) is the story's summit."""
    a = make_article("x", "Frontline", [
        "The leaders will meet at a summit in the Glass Hall next week.",
        "The summit, aides said, is set.", "The summit will be short."])
    b = make_article("y", "State Daily", [
        "The summit, critics said, is a stunt.", "The summit was planned in secret."])
    things = _things(a, b)
    assert things["thing: summit"]["Frontline"] == {
        "a summit in the Glass Hall", "the summit"}


def test_actions_on_a_thing_by_verb_and_by_deverbal_noun() -> None:
    """"suspend all drills", "the suspension of naval drills" and "suspending the drills"
    are one action on the story's drills; "a sham lawsuit" (a modifier) is no action."""
    a = make_article("x", "Frontline", [
        "Arvel said it would suspend all naval drills.", "The drills, officials said, cost "
        "much.", "Critics doubt the drills will stop."])
    b = make_article("y", "State Daily", [
        "The suspension of naval drills, aides said, is real.", "The drills were loud.",
        "Arvel is suspending the drills for a year."])
    actions = {r.referent: {o: {t.term for t in ts} for o, ts in r.by_outlet.items()}
               for r in naming([a, b], OUTLETS) if r.kind == "action"}
    assert actions == {"action: suspend drills": {
        "Frontline": {"suspend all naval drills"},
        "State Daily": {"the suspension of naval drills", "suspending the drills"}}}


def test_a_former_leaders_administration_is_his_own_name() -> None:
    """"the Vela administration" of a past leader (titled "former" in the story) is a term
    for Vela, not the cut "the Vela"; "former British spy" is a label before a name."""
    people = {"Vela": ("vela", "PERSON"), "Orrin Tull": ("tull", "PERSON"),
              "Tull": ("tull", "PERSON")}
    a = make_article("x", "Frontline", [
        "The Vela administration signed the treaty.", "Former British spy Orrin Tull wrote it."],
        entities=people)
    b = make_article("y", "State Daily", [
        "Former President Vela signed the treaty.", "Tull, a writer, wrote it."],
        entities=people)
    terms = {r.referent: {o: {t.term for t in ts} for o, ts in r.by_outlet.items()}
             for r in naming([a, b], OUTLETS) if r.kind == "entity"}
    assert terms["Vela"]["Frontline"] == {"the Vela administration"}
    assert "Former British spy Orrin Tull" in terms["Orrin Tull"]["Frontline"]


def test_a_seat_of_government_names_its_country() -> None:
    """"the Kremlin" joins Russia's referent where the story names Russia."""
    a = make_article("x", "Frontline", ["The Kremlin denied it.", "Russia said no."],
                     entities={"Kremlin": ("kremlin", "ORG"), "Russia": ("russia", "GPE")})
    b = make_article("y", "State Daily", ["Russia denied it."],
                     entities={"Russia": ("russia", "GPE")})
    terms = {r.referent: {o: {t.term for t in ts} for o, ts in r.by_outlet.items()}
             for r in naming([a, b], OUTLETS) if r.kind == "entity"}
    assert terms["Russia"] == {"Frontline": {"the Kremlin", "Russia"}, "State Daily": {"Russia"}}


def test_indefinites_marked_as_another_thing_are_one_referent_apart() -> None:
    """"a new treaty" in two outlets is the story's other treaty, not "the treaty"."""
    a = make_article("x", "Frontline", [
        "The treaty, signed in May, holds.", "Leaders want a new treaty.", "The treaty is old."])
    b = make_article("y", "State Daily", [
        "The treaty, critics said, is weak.", "Talks on a new treaty began.", "The treaty stays."])
    things = _things(a, b)
    assert things["thing: new treaty"] == {
        "Frontline": {"a new treaty"}, "State Daily": {"a new treaty"}}
    assert things["thing: treaty"] == {"Frontline": {"the treaty"}, "State Daily": {"the treaty"}}


def test_an_owned_phrase_and_a_dated_one_are_the_things_phrases() -> None:
    """"Vela's dramatic announcement" keeps its owner (a determiner); "Friday's
    announcement" names no other announcement than "the announcement"."""
    a = make_article("x", "Frontline", [
        "Vela's dramatic announcement, aides said, came late.", "The announcement was short."],
        entities=PEOPLE)
    b = make_article("y", "State Daily", [
        "Friday's announcement was a surprise.", "The announcement, critics said, is empty."],
        entities=PEOPLE)
    things = _things(a, b)
    assert things["thing: Vela announcement"] == {
        "Frontline": {"Vela's dramatic announcement", "the announcement"},
        "State Daily": {"Friday's announcement", "the announcement"}}


def test_a_hyphenated_adjective_before_a_title_is_part_of_the_label() -> None:
    a = make_article("x", "Frontline", ["Newly elected, the newly-minted President Vela spoke."],
                     entities=PEOPLE)
    b = make_article("y", "State Daily", ["Vela spoke."], entities=PEOPLE)
    terms = {r.referent: {o: {t.term for t in ts} for o, ts in r.by_outlet.items()}
             for r in naming([a, b], OUTLETS) if r.kind == "entity"}
    assert terms["Vela"]["Frontline"] == {"the newly-minted President Vela"}
