"""Slots of claim units and the status rules, on our own text (no model, no shared data)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from manysides.compare import fact_groups, support_rule
from manysides.compare.claims import (
    Unit,
    covered,
    duration_keys,
    modality,
    names_period,
    negation,
    span_day_keys,
)
from manysides.compare.grouping import Scored, pair_features, unit_tables
from manysides.compare.slots import (
    event_time,
    predicates,
    reported_after,
    same_modality,
    slots_agree,
    unit_slots,
    written_on,
)
from manysides.models import Article, ArticleAnalysis, DateMention, Slots


def unit(text: str, *, dates: list[str] = (), numbers=(), entities=None, speaker=None,
         days: set[str] = frozenset(), spans: set[str] = frozenset()) -> Unit:
    negated, scope = negation(text)
    types = entities or {}
    return Unit(article="a", outlet="X", sentence=0, text=text, kind="fact",
                vector=np.zeros(3, dtype=np.float32), entities=set(types), entity_types=types,
                numbers=list(numbers), dates=list(dates), day_keys=set(days),
                span_keys=set(spans), period=names_period(text), negated=negated,
                negation_scope=scope, modality=modality(text), speaker=speaker)


def test_a_duration_from_a_resolved_day_is_one_span() -> None:
    u = unit("Ostrova arrived in Kessel on Sunday for a three-day visit.",
             dates=["2024-03-10"], numbers=[(3.0, "day", "three-day")])
    assert event_time(u) == "2024-03-10/2024-03-12"
    span = unit("The talks run from 10 to 12 March.", dates=["2024-03-10/2024-03-12"])
    assert event_time(span) == "2024-03-10/2024-03-12"  # a stated span is kept as it is
    assert event_time(unit("The talks were frank and long.")) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("Ostrova will visit the naval academy in Kessel.", "planned"),
    ("The ministers are expected to sign a treaty on training.", "planned"),
    ("Ostrova visited the naval academy in Kessel on Tuesday.", "happened"),
    ("The ministry denied that any troops had crossed the river.", "denied"),
    ("Avaria is accused of shipping rifles to the rebels.", "alleged"),
    ("She said \u201cwe will win\u201d after the match yesterday.", "happened"),  # quoted words
    ("Their goal is to keep the river crossings open.", "happened"),  # what the goal is
    ("The reason why they keep saying so is to smear the ferry company.", "happened"),
    ("The aim of the patrols is to keep the river crossings open.", "happened"),
    ("Ostrova is to visit the naval academy on Friday.", "planned"),
    # a plan inside a relative clause is not the main clause's; reported words keep theirs
    ("Brandt said that the two armies will train together.", "planned"),
    ("Ostrova met the envoy who will lead the talks.", "happened"),
    ("Ostrova arrived in Kessel for a summit that is expected to seal the treaty.", "happened"),
    ("The ministers will sign the treaty, which was drafted in May.", "planned"),
    ("Kessel denied the report, which said troops would cross the river.", "denied"),
])
def test_modality(text: str, expected: str) -> None:
    assert modality(text) == expected


def test_slots_of_a_clause() -> None:
    u = unit("Brandt did not meet Ostrova in Kessel on Monday, officials said.",
             dates=["2024-03-11"], numbers=[(2.0, "hour", "two hours")],
             entities={"p:brandt": "PERSON", "p:ostrova": "PERSON", "g:kessel": "GPE"},
             speaker="officials")
    slots = unit_slots(u)
    assert slots.actors == ["p:brandt", "p:ostrova"] and slots.place == ["g:kessel"]
    assert slots.time == "2024-03-11" and slots.quantities == ["2 hour"]
    assert slots.polarity == "negative" and slots.modality == "happened"
    assert slots.asserted_by == "officials"
    assert unit_slots(unit("Ostrova met Brandt in Kessel.")).asserted_by is None  # own voice


def test_a_plan_corroborates_a_plan_not_the_event() -> None:
    plan = unit("Ostrova will meet Brandt on Monday.")
    event = unit("Ostrova met Brandt on Monday.")
    denial = unit("The ministry denied that Ostrova met Brandt.")
    assert not same_modality(unit_slots(event), plan)
    assert not same_modality(unit_slots(plan), event)
    assert same_modality(unit_slots(plan), unit("Ostrova is to meet Brandt on Monday."))
    assert same_modality(unit_slots(event), denial)  # a side of the dispute


def test_an_article_cannot_report_an_event_dated_after_it() -> None:
    met = Slots(time="2024-03-12", modality="happened")
    assert not reported_after(met, date(2024, 3, 10))
    assert reported_after(met, date(2024, 3, 12))
    assert reported_after(Slots(time="2024-03-12", modality="planned"), date(2024, 3, 10))
    assert reported_after(Slots(time=None), date(2024, 3, 10))  # no event day: no rule
    assert reported_after(met, None)  # nothing known of when it was written


def test_when_an_article_was_written() -> None:
    dated = Article(id="d", source="d.txt", text="x", published="2024-03-11T09:00:00+00:00")
    assert written_on(dated) == date(2024, 3, 11)
    undated = Article(id="u", source="u.txt", text="x", analysis=ArticleAnalysis(dates=[
        DateMention("on Sunday", 0, 9, "2024-03-10"), DateMention("in 2009", 10, 17, "2009"),
        DateMention("on Tuesday", 20, 30, "2024-03-12")]))
    assert written_on(undated) == date(2024, 3, 12)  # the latest day it reports
    assert written_on(Article(id="n", source="n.txt", text="x")) is None


NAMES = {"p:brandt": ["Karl Brandt", "Brandt"], "p:ostrova": ["Mira Ostrova", "Ostrova"],
         "o:castle": ["Dover Hall", "Dover Hall"], "g:kessel": ["Kessel"]}
PEOPLE = {"p:brandt": "PERSON", "p:ostrova": "PERSON", "g:kessel": "GPE"}


def test_predicate_classes_join_wordings_of_one_event() -> None:
    assert predicates("Brandt held talks with Ostrova.") == {"meet"}
    assert "meet" in predicates("Ostrova welcomed Brandt to Kessel.")
    assert predicates("The ministers \u201cmet and talked\u201d, aides said.") == set()  # quoted
    assert not predicates("Brandt praised the harvest.")


def test_slots_agree_on_actors_day_and_a_related_predicate() -> None:
    source = unit("Karl Brandt met Mira Ostrova in Dover Hall in Kessel on Sunday.",
                  entities={**PEOPLE, "o:castle": "ORG"}, days={"2024-03-10", "sunday"})
    body = "Karl Brandt met Mira Ostrova in Dover Hall in Kessel on 10 March 2024."
    welcomed = unit("Ostrova welcomed Brandt to Kessel on Sunday for a three-day visit.",
                    entities=PEOPLE, days={"sunday"})
    assert slots_agree(source, welcomed, body, NAMES)  # the hall is where, not who
    # what the cited sentence does not state: another day, a plan, a denial, one actor only
    other_day = unit("Ostrova welcomed Brandt to Kessel on Monday.", entities=PEOPLE,
                     days={"monday"})
    plan = unit("Ostrova will welcome Brandt to Kessel on Sunday.", entities=PEOPLE,
                days={"sunday"})
    denied = unit("Ostrova did not welcome Brandt to Kessel on Sunday.", entities=PEOPLE,
                  days={"sunday"})
    alone = unit("Ostrova welcomed the delegation to Kessel on Sunday.",
                 entities={"p:ostrova": "PERSON", "g:kessel": "GPE"}, days={"sunday"})
    unrelated = unit("Ostrova praised Brandt in Kessel on Sunday.", entities=PEOPLE,
                     days={"sunday"})
    for cited in (other_day, plan, denied, alone, unrelated):
        assert not slots_agree(source, cited, body, NAMES), cited.text
    # an organisation the summary names as an actor must be in the cited sentence too
    host = "Dover Hall hosted Karl Brandt and Mira Ostrova in Kessel on 10 March 2024."
    assert not slots_agree(source, welcomed, host, NAMES)


def test_the_same_event_feature_reads_the_slots() -> None:
    """The aligner's ``same_event`` pair feature: one kind of event, two named actors in
    common, one modality and polarity, no day named against it; whatever the wording."""
    people = {"p:brandt": "PERSON", "p:ostrova": "PERSON", "g:kessel": "GPE"}
    met = unit("Brandt held talks with Ostrova in Kessel on Sunday.", entities=people,
               days={"sunday"})
    cases = {
        "Ostrova welcomed Brandt to Kessel.": (people, set(), 1.0),  # no day: nothing against
        "Ostrova welcomed Brandt to Kessel on Sunday.": (people, {"sunday"}, 1.0),
        "Ostrova welcomed Brandt to Kessel on Monday.": (people, {"monday"}, 0.0),
        "Ostrova will welcome Brandt to Kessel.": (people, set(), 0.0),  # a plan
        "Ostrova did not welcome Brandt to Kessel.": (people, set(), 0.0),
        "Ostrova praised Brandt in Kessel.": (people, set(), 0.0),  # another kind of event
        "Ostrova welcomed the delegation to Kessel.": (
            {"p:ostrova": "PERSON", "g:kessel": "GPE"}, set(), 0.0),  # one actor only
    }
    others = [unit(text, entities=ents, days=days) for text, (ents, days, _) in cases.items()]
    tables = unit_tables([met, *others])
    got = pair_features(tables, np.zeros(len(others), dtype=np.int64),
                        np.arange(1, len(others) + 1))["same_event"]
    assert got.tolist() == [want for _, _, want in cases.values()]


def test_a_span_gives_the_days_it_covers() -> None:
    week = {"sunday", "monday", "tuesday", "wednesday", "4 days"}  # and the span's length
    assert span_day_keys("March 10 to 13", "2024-03-10/2024-03-13") == week | {
        "2024-03-10", "2024-03-11", "2024-03-12", "2024-03-13"}
    assert span_day_keys("from Sunday to Wednesday", None) == week
    assert span_day_keys("from Friday until Monday", None) == {"friday", "saturday", "sunday",
                                                               "monday", "4 days"}
    assert span_day_keys("on Sunday", None) == set()  # one day: day_keys_of has it
    assert span_day_keys("from March to June", "2024-03/2024-06") == set()  # not days
    assert span_day_keys("spring", "2024-03-01/2024-05-31") == set()  # too long to be days


def test_a_duration_from_one_day_covers_its_days() -> None:
    three = [(3.0, "day", "three-day")]
    assert covered({"sunday"}, three) == {"sunday", "monday", "tuesday"}
    assert covered({"2024-03-10", "sunday"}, three) == {
        "2024-03-10", "2024-03-11", "2024-03-12", "sunday", "monday", "tuesday"}
    assert covered({"sunday", "friday"}, three) == set()  # from which day?
    assert covered({"sunday"}, [(3.0, "hour", "three hours")]) == set()
    assert covered(set(), three) == set()


def test_a_duration_is_compatible_with_a_span_of_its_length() -> None:
    """"A four-day visit" with no day named and "from Sunday to Wednesday" share the span
    key of their length, so the pair counts as ``same_day``; a three-day visit does not."""
    assert duration_keys([(4.0, "day", "four-day")]) == {"4 days"}
    assert duration_keys([(4.0, "hour", "four-hour")]) == set()
    assert duration_keys([(1.0, "day", "one-day")]) == set()  # one day is no span
    span = unit("Brandt visits Kessel from Sunday to Wednesday.",
                spans=span_day_keys("from Sunday to Wednesday", None))
    others = [unit(f"The talks opened Brandt's {n}-day visit to Kessel.",
                   spans=duration_keys([(float(k), "day", f"{n}-day")]))
              for n, k in (("four", 4), ("three", 3))]
    got = pair_features(unit_tables([span, *others]), np.zeros(2, dtype=np.int64),
                        np.arange(1, 3))["same_day"]
    assert got.tolist() == [1.0, 0.0]


@pytest.mark.parametrize(("text", "expected"), [
    ("Trade between the two ports has grown in recent years.", True),
    ("In the past, the ferry stopped at Kessel twice a week.", True),
    ("Over the past year, the two navies held three joint exercises.", True),
    ("The mayor has backed the bridge for years.", True),
    ("The ferry was stopped twice in the past week.", False),  # a short stretch: may hold it
    ("Over the past few days the river rose by a metre.", False),
    ("The mayor opened the bridge on Tuesday.", False),
    ("\u201cIn the past we argued\u201d, the mayor said on Tuesday.", False),  # quoted words
])
def test_a_stretch_of_past_time_named_without_a_day(text: str, expected: bool) -> None:
    assert names_period(text) is expected


def test_a_day_and_a_stretch_of_past_time_are_other_days() -> None:
    """A clause placing its fact in a stretch of past time ("in recent years") and one naming a
    day name other days (``other_day``, a conflicting feature of compare.toml [support]):
    two facts, however alike; two stretches, or a stretch and no time, say nothing."""
    dated = unit("Brandt and Ostrova praised the close ties of their ports on Tuesday.",
                 entities=PEOPLE, days={"tuesday"})
    cases = {
        "The ties of their ports have been kept close in recent years.": 1.0,
        "The ties of their ports were praised again on Tuesday.": 0.0,  # the same day
        "The ties of their ports have been close.": 0.0,  # no time named
    }
    others = [unit(text, entities=PEOPLE, days={"tuesday"} if "Tuesday" in text else set())
              for text in cases]
    got = pair_features(unit_tables([dated, *others]), np.zeros(3, dtype=np.int64),
                        np.arange(1, 4))["other_day"]
    assert got.tolist() == list(cases.values())
    stretch = unit("The ties have been kept close for years.")
    both = pair_features(unit_tables([others[0], stretch]), np.array([0]), np.array([1]))
    assert both["other_day"].tolist() == [0.0]  # two stretches: nothing against
    later = Unit(**{**vars(others[0]), "article": "b"})
    units = [dated, later]
    scored = Scored(np.full((2, 2), 0.95, dtype=np.float32), unit_tables(units))
    assert fact_groups(units, [0, 1], scored, support_rule()) == [[0], [1]]


def test_a_plan_and_what_happened_on_no_common_day_are_two_facts() -> None:
    """``undated_plan`` (a slot check): a plan and a report of what happened are one fact
    only when they name a common day or span (a preview and the report of its event)."""
    held = unit("The two navies held joint exercises near Kessel.", entities=PEOPLE)
    cases = {
        "The two navies will regularly hold joint exercises near Kessel.": 1.0,
        "The two navies also held joint patrols near Kessel.": 0.0,  # both what happened
    }
    others = [unit(text, entities=PEOPLE) for text in cases]
    got = pair_features(unit_tables([held, *others]), np.zeros(2, dtype=np.int64),
                        np.arange(1, 3))["undated_plan"]
    assert got.tolist() == list(cases.values())
    arrived = unit("Brandt arrived in Kessel on Sunday.", days={"sunday"})
    preview = Unit(**{**vars(unit("Brandt is to arrive in Kessel on Sunday.",
                                  days={"sunday"})), "article": "b"})
    later = Unit(**{**vars(unit("Brandt is to arrive in Kessel soon.")), "article": "b"})
    for other, parts in ((preview, [[0, 1]]), (later, [[0], [1]])):
        units = [arrived, other]
        scored = Scored(np.full((2, 2), 0.95, dtype=np.float32), unit_tables(units))
        assert fact_groups(units, [0, 1], scored, support_rule()) == parts, other.text


def test_two_kinds_of_event_are_told_apart() -> None:
    """``other_predicate`` (a slot check, not weighed by the scorer): both sentences name kinds
    of event, none the same; a sentence naming none says nothing against the other."""
    met = unit("Brandt held talks with Ostrova in Kessel.", entities=PEOPLE)
    cases = {
        "Ostrova welcomed Brandt in Kessel.": 0.0,  # one kind: a meeting
        "Brandt will pay a visit to Kessel.": 1.0,  # a journey
        "Brandt and Ostrova praised the harvest.": 0.0,  # no kind of event named
    }
    others = [unit(text, entities=PEOPLE) for text in cases]
    got = pair_features(unit_tables([met, *others]), np.zeros(len(others), dtype=np.int64),
                        np.arange(1, len(others) + 1))["other_predicate"]
    assert got.tolist() == list(cases.values())


def test_two_kinds_of_event_are_two_claims_of_one_event() -> None:
    """An event's group is cut into claims of one fact (``fact_groups``): however alike two
    sentences score, a meeting and a journey are two facts; two wordings of a meeting one."""
    people = {"p:brandt": "PERSON", "p:ostrova": "PERSON"}
    met = unit("Brandt held talks with Ostrova in Kessel.", entities=people)
    welcomed = Unit(**{**vars(unit("Ostrova welcomed Brandt in Kessel.", entities=people)),
                       "article": "b"})
    journey = Unit(**{**vars(unit("Brandt paid a visit to Ostrova in Kessel.",
                                  entities=people)), "article": "b"})
    for other, parts in ((welcomed, [[0, 1]]), (journey, [[0], [1]])):
        units = [met, other]
        scored = Scored(np.full((2, 2), 0.95, dtype=np.float32), unit_tables(units))
        assert fact_groups(units, [0, 1], scored, support_rule()) == parts, other.text
