"""Framing across outlets: naming, loaded terms, whom each outlet quotes, tone.

Unit tests use hand-made (fictional) articles; the end-to-end test reads the framing that
``compare_story`` derives from the five seed articles analysed by the real stages (the
``seed_story`` fixture of test_compare).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from importlib import resources
from unittest.mock import patch

import pytest

from manysides.analyze.entities import knowledge
from manysides.compare import lexicon_categories, loaded_terms
from manysides.compare.framing import (
    article_loaded_terms,
    loaded_term_rates,
    sources_quoted,
    speaker_country,
)
from manysides.compare.naming import entity_referents, naming, phrase_referents
from manysides.compare.tone import bootstrap, compound, tone
from manysides.models import Entity, NamingTerm, Quote, ToneFigure
from test_compare import make_article, seed_story  # noqa: F401  (a fixture)

PLACES = {
    "Ukraine": ("ukraine", "GPE"), "Russia": ("russia", "GPE"), "China": ("china", "GPE"),
    "Xi Jinping": ("xi-jinping", "PERSON"),
}


# -- the lexicon --------------------------------------------------------------------------------

def test_lexicon_is_documented_per_category() -> None:
    data = tomllib.loads(
        (resources.files("manysides") / "data" / "loaded_terms.toml").read_text("utf-8"))
    assert {"pejorative", "euphemism", "intensifier", "hedge", "subjective_adverb"} <= set(data)
    for category, spec in data.items():
        assert len(spec["rationale"]) > 40, category
        assert spec["terms"] and len(spec["terms"]) == len(set(spec["terms"])), category
    assert set(lexicon_categories()) == set(data)


@pytest.mark.parametrize("text, term, category", [
    ("the dictator Xi Jinping", "dictator", "pejorative"),
    ("a propaganda newspaper", "propaganda", "pejorative"),
    ("the so-called peace plan", "so-called", "hedge"),
    ("its alleged archaic dogmas", "alleged", "hedge"),
    ("Putin reportedly said", "reportedly", "hedge"),
    ("Li ominously noted", "ominously", "subjective_adverb"),
    ("a tremendous increase", "tremendous", "intensifier"),
    ("the special military operation", "special military operation", "euphemism"),
])
def test_loaded_terms_detects(text: str, term: str, category: str) -> None:
    hits = loaded_terms(text)
    assert [(h.term, h.category) for h in hits] == [(term, category)]


def test_loaded_terms_avoids_names_and_quotes() -> None:
    assert loaded_terms("The Pacific Fleet sailed; we drank a huge coffee.")[0].term == "huge"
    text = 'He called it "a brutal regime" in the statement.'
    start = text.index('"')
    assert loaded_terms(text, [(start, text.index('"', start + 1) + 1)]) == []
    article = make_article("a", "Outlet", [
        "Soldiers of the People's Liberation Army marched past the propaganda posters."],
        entities={"People's Liberation Army": ("pla", "ORG")})
    hits = article_loaded_terms(article)
    assert [h.term for h in hits] == ["propaganda"]
    assert hits[0].sentence == 0 and hits[0].article == "a"


def test_scare_quotes_and_rates() -> None:
    article = make_article("b", "Frontline", [
        "The regime published its \u201cpeace plan\u201d on Friday.", "Nothing else happened."])
    start = article.text.index("\u201c")
    article.analysis.quotes.append(Quote(
        text="peace plan", kind="scare", speaker=None, speaker_type=None, descriptor=None,
        cue=None, medium=None, start=start, end=start + 12, sentence=0))
    hits = article_loaded_terms(article)
    assert {(h.term, h.category) for h in hits} == {
        ("regime", "pejorative"), ("peace plan", "scare_quote")}
    rates = loaded_term_rates([article], {"b": "Frontline"}, hits)
    words = rates["by_article"]["b"]["words"]
    assert rates["by_article"]["b"]["per_1000"] == round(2000 / words, 2)
    assert rates["by_outlet"]["Frontline"]["by_category"]["pejorative"] == round(1000 / words, 2)


# -- naming -------------------------------------------------------------------------------------

def test_naming_aligns_events_and_people_across_outlets() -> None:
    a = make_article("x", "Frontline", [
        "The Russian invasion of Ukraine goes on, and dictator Xi Jinping backs Russia.",
        "China has ignored the invasion."], entities=PLACES)
    b = make_article("y", "State Daily", [
        "China has a neutral position on the Ukraine crisis, President Xi Jinping said.",
        "Russia and China want the crisis solved."], entities=PLACES)
    outlets = {"x": "Frontline", "y": "State Daily"}
    events = {r.referent: r for r in phrase_referents([a, b], outlets)}
    war = events["event: Ukraine"]
    assert {t.term for t in war.by_outlet["Frontline"]} == {
        "Russian invasion of Ukraine", "invasion"}
    assert war.by_outlet["State Daily"][0] == NamingTerm("Ukraine crisis", 1)
    assert war.heads is not None and war.heads["Frontline"] == {"invasion": 2}
    people = {r.entity: r for r in entity_referents([a, b], outlets)}
    xi = people["xi-jinping"].by_outlet
    assert xi["Frontline"] == [NamingTerm("dictator Xi Jinping", 1)]
    assert xi["State Daily"] == [NamingTerm("President Xi Jinping", 1)]
    assert naming([a, b], outlets)[0].kind in ("event", "relationship")


def test_naming_joins_mentions_by_reference() -> None:
    """A surname in one outlet joins the full name in another, nationalities join their
    country, and each term keeps the title, "Mr." and "the" the outlet wrote."""
    a = make_article("x", "Frontline", [
        "President Ron Baxter of France toured the port.", "French workers cheered the visit.",
        "The visit went well, the Avalon Party said."],
        entities={"Ron Baxter": ("ron-baxter", "PERSON"), "France": ("france", "GPE"),
                  "French": ("french", "NORP"), "Avalon Party": ("avalon-party", "ORG")})
    b = make_article("y", "State Daily", [
        "Mr. Baxter met dockers in France.", "The strike was over, the Avalon Party said."],
        entities={"Baxter": ("baxter", "PERSON"), "France": ("france", "GPE"),
                  "Avalon Party": ("avalon-party", "ORG")})
    people = {r.entity: r.by_outlet for r in entity_referents(
        [a, b], {"x": "Frontline", "y": "State Daily"})}
    assert "baxter" not in people
    assert people["ron-baxter"]["Frontline"] == [
        NamingTerm("President Ron Baxter of France", 1)]
    assert people["ron-baxter"]["State Daily"] == [NamingTerm("Mr. Baxter", 1)]
    assert {t.term for t in people["france"]["Frontline"]} == {"France", "French workers"}
    assert people["avalon-party"]["State Daily"] == [NamingTerm("the Avalon Party", 1)]


def test_naming_joins_initials_role_nouns_and_places_by_reference() -> None:
    """Full names alike but for a middle initial are one person; a role noun an article
    leaves unresolved joins the person the story's other outlets give that title (when the
    article names that person); "the U.S." keeps its "the", "U.S. troops" its noun and
    "North Korea's Ri" its possessive country."""
    a = make_article("x", "Frontline", [
        "Former FBI director Tom Kessler met Michael T. Flynn.",
        "The U.S. sent more U.S. troops, and North Korea's Ri Song-chol protested."],
        entities={"Tom Kessler": ("tom-kessler", "PERSON"),
                  "Michael T. Flynn": ("michael-t-flynn", "PERSON"),
                  "U.S.": ("united-states", "GPE"), "North Korea": ("north-korea", "GPE"),
                  "Ri Song-chol": ("ri-song-chol", "PERSON")})
    a.analysis.entities[0].descriptors = ["Former FBI director"]
    b = make_article("y", "State Daily", [
        "Tom Kessler spoke to Michael Flynn on Monday.",
        "The former FBI director said the U.S. would act, and Ri Song-chol agreed."],
        entities={"Tom Kessler": ("tom-kessler", "PERSON"),
                  "Michael Flynn": ("michael-flynn", "PERSON"),
                  "U.S.": ("united-states", "GPE"), "Ri Song-chol": ("ri-song-chol", "PERSON")})
    people = {r.entity: r.by_outlet for r in entity_referents(
        [a, b], {"x": "Frontline", "y": "State Daily"})}
    assert "michael-flynn" not in people or "michael-t-flynn" not in people
    flynn = people.get("michael-flynn") or people["michael-t-flynn"]
    assert set(flynn) == {"Frontline", "State Daily"}
    assert NamingTerm("The former FBI director", 1) in people["tom-kessler"]["State Daily"]
    assert {t.term for t in people["united-states"]["Frontline"]} == {"the U.S.", "U.S. troops"}
    assert [t.term for t in people["united-states"]["State Daily"]] == ["the U.S."]
    assert [t.term for t in people["ri-song-chol"]["Frontline"]] == ["North Korea's Ri Song-chol"]


def test_naming_joins_nationalities_short_forms_and_owned_groups() -> None:
    """"Syrian" joins Syria though no list names it (the story's own place name), "the
    North" the one country it begins, and "Syria's leaders" stays a name of Syria."""
    a = make_article("x", "Frontline", [
        "The Syrian regime denied it.", "North Korea stayed silent."],
        entities={"Syrian": ("syrian", "NORP"), "North Korea": ("north-korea", "GPE")})
    b = make_article("y", "State Daily", [
        "Syria's leaders denied it.", "Syria said so, and the North stayed silent."],
        entities={"Syria": ("syria", "GPE"), "North": ("north", "LOC")})
    people = {r.entity: r.by_outlet for r in entity_referents(
        [a, b], {"x": "Frontline", "y": "State Daily"})}
    assert "syrian" not in people and "north" not in people
    assert [t.term for t in people["syria"]["Frontline"]] == ["the Syrian regime"]
    assert {t.term for t in people["syria"]["State Daily"]} == {"Syria's leaders", "Syria"}
    assert {t.term for t in people["north-korea"]["State Daily"]} == {"the North"}


def test_things_of_a_story_by_head_noun_and_name_modifier() -> None:
    """A noun heading definite phrases in two outlets is a thing of the story; a name
    modifier tells two such things apart, a bare "the campaign" is the one last named so;
    "a new deal" (indefinite) is left out."""
    a = make_article("x", "Frontline", [
        "The Avalon campaign filed the lawsuit on Monday.", "The lawsuit, 40 pages, names "
        "the Avalon campaign.", "The campaign said it and the Brandt campaign said so."])
    b = make_article("y", "State Daily", [
        "Avalon's campaign said the lawsuit was a stunt; the campaign will fight.",
        "Critics called the lawsuit weak, and a new lawsuit may follow.",
        "The campaign said the Avalon campaign won."])
    things = {r.referent: r.by_outlet for r in naming(
        [a, b], {"x": "Frontline", "y": "State Daily"}) if r.kind == "thing"}
    assert set(things) == {"thing: Avalon campaign", "thing: lawsuit"}
    assert {t.term for t in things["thing: lawsuit"]["State Daily"]} == {"the lawsuit"}
    assert {t.term for t in things["thing: Avalon campaign"]["State Daily"]} == {
        "Avalon's campaign", "the campaign", "the Avalon campaign"}
    assert "the Brandt campaign" not in {
        t.term for t in things["thing: Avalon campaign"]["Frontline"]}


def test_naming_joins_a_leaders_government_to_the_country() -> None:
    """"the Dahl administration" and "the administration" name the country the story titles
    Dahl head of ("Varlish President Arne Dahl" elsewhere); "his government" is left out."""
    ents = {"Arne Dahl": ("arne-dahl", "PERSON"), "Varland": ("varland", "GPE")}
    a = make_article("x", "Frontline", [
        "Varlish President Arne Dahl visited Varland's ports."], entities=ents)
    a.analysis.entities[0].descriptors = ["Varlish President"]
    b = make_article("y", "State Daily", [
        "The Arne Dahl administration denied it.", "The administration said so.",
        "Arne Dahl said his government agreed, and Varland paid."], entities=ents)
    with_demonym = replace(knowledge(), demonyms={**knowledge().demonyms, "varlish": "Varland"},
                           country_names={**knowledge().country_names, "varland": "Varland"})
    with patch("manysides.compare.naming.knowledge", lambda: with_demonym):
        people = {r.entity: r.by_outlet for r in entity_referents(
            [a, b], {"x": "Frontline", "y": "State Daily"})}
    assert {t.term for t in people["varland"]["State Daily"]} == {
        "the Arne Dahl administration", "the administration", "Varland"}


def test_naming_reads_a_plain_title_as_the_outlets_own_country() -> None:
    """In a US outlet "President Arne Dahl" (no country) is "the American president"; in an
    outlet of unknown country the same phrase stays unresolved."""
    ents = {"Arne Dahl": ("arne-dahl", "PERSON")}
    text = ["President Arne Dahl spoke.", "The American president left early."]
    a = make_article("x", "Fox News", text, entities=ents)
    b = make_article("y", "State Daily", text, entities=ents)
    for art in (a, b):
        art.analysis.entities[0].descriptors = ["President"]
    people = {r.entity: r.by_outlet for r in entity_referents(
        [a, b], {"x": "Fox News", "y": "State Daily"})}
    assert NamingTerm("The American president", 1) in people["arne-dahl"]["Fox News"]
    assert "The American president" not in {t.term for t in people["arne-dahl"]["State Daily"]}


def test_naming_keeps_a_title_set_off_by_a_comma() -> None:
    """"Varland's defense minister, Ola Berg, left": the outlet names Berg by that title;
    "After talks with the defense minister, Ola Berg left" does not."""
    ents = {"Ola Berg": ("ola-berg", "PERSON")}
    a = make_article("x", "Frontline", ["Varland's defense minister, Ola Berg, left."],
                     entities=ents)
    b = make_article("y", "State Daily", ["After talks with the defense minister, Ola Berg "
                                          "left."], entities=ents)
    people = {r.entity: r.by_outlet for r in entity_referents(
        [a, b], {"x": "Frontline", "y": "State Daily"})}
    assert people["ola-berg"]["Frontline"] == [
        NamingTerm("Varland's defense minister, Ola Berg", 1)]
    assert people["ola-berg"]["State Daily"] == [NamingTerm("Ola Berg", 1)]


def test_sources_quoted_counts_referents_not_strings() -> None:
    article = make_article("q", "State Daily", [
        "Li Shangfu said the drills were routine.", "Li said more would follow."],
        entities={"Li Shangfu": ("li-shangfu", "PERSON")},
        quotes=(("the drills were routine", "reported", "Li Shangfu", "person"),
                ("more would follow", "reported", "Li", "person")))
    for q in article.analysis.quotes:
        q.speaker_entity = "li-shangfu"
    rows = sources_quoted([article], {"q": "State Daily"})["State Daily"]["speakers"]
    assert [(r["speaker"], r["entity"], r["count"]) for r in rows] == [
        ("Li Shangfu", "li-shangfu", 2)]


def test_naming_needs_two_outlets() -> None:
    a = make_article("x", "Frontline", ["The invasion of Ukraine goes on."], entities=PLACES)
    assert naming([a], {"x": "Frontline"}) == []


# -- sources quoted -----------------------------------------------------------------------------

def test_sources_quoted_categories_and_shares() -> None:
    article = make_article("q", "State Daily", [
        "Ties are strong, Song Zhongping told the paper.",
        "Ties will deepen, analysts said.",
        "We welcome the visit, the Kremlin said.",
    ])
    article.analysis.entities.append(Entity(
        key="song", name="Song Zhongping", type="PERSON",
        descriptors=["a Chinese military expert and TV commentator"]))
    text = article.text
    for speaker, stype, piece in (("Song Zhongping", "person", "Ties are strong"),
                                  ("analysts", "unnamed", "Ties will deepen"),
                                  ("Kremlin", "organization", "We welcome the visit")):
        start = text.index(piece)
        article.analysis.quotes.append(Quote(
            text=piece, kind="reported", speaker=speaker, speaker_type=stype, descriptor=None,
            cue="said", medium=None, start=start, end=start + len(piece)))
    result = sources_quoted([article], {"q": "Global Times"})["Global Times"]
    assert result["total"] == 3
    cats = {c: v["count"] for c, v in result["by_category"].items()}
    assert cats == {"analyst": 1, "unnamed": 1, "foreign_government": 1}
    assert result["by_category"]["analyst"]["share"] == pytest.approx(1 / 3, abs=0.001)
    assert result["by_country"]["China"]["count"] == 1
    assert speaker_country("a fellow at the Institute of Russian Studies of the Chinese "
                           "Academy of Social Sciences") == "China"


def test_sources_quoted_counts_affiliations() -> None:
    article = make_article("f", "Valley Post", [
        "Taxes are too high, said Rep. Ann Lee (D-Ore.).",
        "Rates must fall, said Rep. Bo Ray (D-Wash.).",
        "The plan works, said Cy Dunn, a spokesman for the Hale campaign.",
        "The river is low, said Di Orr.",
    ])
    text = article.text
    for speaker, aff, piece in (("Ann Lee", "Democratic", "Taxes are too high"),
                                ("Bo Ray", "Democratic", "Rates must fall"),
                                ("Cy Dunn", "Hale campaign", "The plan works"),
                                ("Di Orr", None, "The river is low")):
        start = text.index(piece)
        article.analysis.quotes.append(Quote(
            text=piece, kind="reported", speaker=speaker, speaker_type="person", descriptor=None,
            cue="said", medium=None, start=start, end=start + len(piece), affiliation=aff))
    result = sources_quoted([article], {"f": "Valley Post"})["Valley Post"]
    assert {a: v["count"] for a, v in result["by_affiliation"].items()} == {
        "Democratic": 2, "Hale campaign": 1, "unknown": 1}
    assert {s["speaker"]: s["affiliation"] for s in result["speakers"]}["Cy Dunn"] == \
        "Hale campaign"


# -- tone ---------------------------------------------------------------------------------------

def test_bootstrap_interval() -> None:
    result = bootstrap([0.5, 0.1, -0.2, 0.4, 0.3])
    assert result.n == 5 and result.mean == pytest.approx(0.22)
    assert result.low is not None and result.high is not None and result.mean is not None
    assert result.low <= result.mean <= result.high
    assert result.high - result.low > 0.1
    assert bootstrap([]) == ToneFigure(mean=None, low=None, high=None, n=0)
    assert bootstrap([0.3]).low == bootstrap([0.3]).high == 0.3


def test_tone_per_entity_and_outlet() -> None:
    assert compound("A wonderful, peaceful and successful visit.") > 0.5
    assert compound("A brutal, illegal and deadly invasion.") < -0.5
    a = make_article("p", "Frontline", [
        "Xi Jinping runs a brutal and corrupt regime.", "Xi Jinping failed again."],
        entities=PLACES)
    b = make_article("s", "State Daily", [
        "Xi Jinping praised the wonderful friendship.", "Xi Jinping won great support."],
        entities=PLACES)
    result = tone([a, b], {"p": "Frontline", "s": "State Daily"})["xi-jinping"].by_outlet
    assert result["Frontline"].n == 2 and result["State Daily"].n == 2
    assert result["Frontline"].mean < 0 < result["State Daily"].mean


# -- the seeds ----------------------------------------------------------------------------------

def test_seeds_framing(seed_story) -> None:  # noqa: F811
    story, articles, _, _ = seed_story
    framing = story.framing
    naming_by = {r.referent: r for r in framing.naming}
    war = naming_by["event: Ukraine"]
    assert "invasion" in war.heads["Breitbart"]
    assert any(t.term == "Ukraine crisis" for t in war.by_outlet["Global Times"])
    assert "invasion" not in war.heads["Global Times"]
    xi = next(r for r in framing.naming if r.entity == "xi-jinping")
    assert any(t.term == "dictator Xi Jinping" for t in xi.by_outlet["Breitbart"])
    assert all("dictator" not in t.term for t in xi.by_outlet["Global Times"])

    hits = framing.loaded_terms
    breitbart = {h.term for h in hits if articles[h.article].outlet == "Breitbart"}
    assert {"dictator", "propaganda", "ominously"} <= breitbart
    rates = framing.loaded_term_rates["by_outlet"]
    assert rates["Breitbart"]["per_1000"] > rates["Global Times"]["per_1000"]

    quoted = framing.sources_quoted
    gt = quoted["Global Times"]["by_category"]
    expert_share = sum(gt.get(c, {}).get("share", 0) for c in ("analyst", "unnamed"))
    assert expert_share > 0.5
    assert quoted["Global Times"]["by_country"]["China"]["share"] > 0.4
    bb = quoted["Breitbart"]
    speakers = {s["speaker"] for s in bb["speakers"]}
    assert {"Vladimir Putin", "Kremlin"} <= speakers
    officials = sum(bb["by_category"].get(c, {}).get("share", 0)
                    for c in ("official", "foreign_government"))
    assert officials > 0.5

    tone_ = framing.tone
    assert tone_ and all(v.by_outlet for v in tone_.values())
    for entity in tone_.values():
        for figure in entity.by_outlet.values():
            assert figure.low <= figure.mean <= figure.high and figure.n >= 1
