"""The compare stage: claims, independent corroboration, contradictions, omissions.

Unit tests run on small hand-made (fictional) stories whose analysis is built below with exact
offsets and whose sentence embeddings come from the real encoder; the end-to-end tests run the
real ingest and analyze stages on the five seed articles and on the bundled sample corpus.
"""

from __future__ import annotations

import functools
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from manysides.analyze import analyze_batch, embed_sentences
from manysides.analyze.embed import load_embedder
from manysides.compare import (
    SupportRule,
    compare_story,
    fact_groups,
    loaded_terms,
    sentence_vectors,
    support_rule,
)
from manysides.compare import independence as independence_mod
from manysides.compare.claims import (
    Unit,
    article_units,
    classify,
    clauses,
    modality,
    negation,
    reads_sentence_vector,
)
from manysides.compare.grouping import Scored, SentenceAligner, unit_tables
from manysides.compare.independence import Witnesses, verbatim, wire_credit
from manysides.ingest import ingest
from manysides.lexicons import TermMatcher, _term_pattern, literal_alternation, load_data
from manysides.models import (
    Article,
    ArticleAnalysis,
    DateMention,
    Entity,
    Mention,
    Quantity,
    Quote,
    RemovedLine,
    Sentence,
    Story,
    to_dict,
)
from manysides.report.views import story_view
from manysides.settings import Settings
from manysides.store import Store

SETTINGS = Settings()


# -- hand-made articles --------------------------------------------------------------------

def _find(text: str, needle: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(re.escape(needle), text)]


def make_article(
    aid: str,
    outlet: str | None,
    sentences: list[str],
    *,
    entities: dict[str, tuple[str, str]] | None = None,
    numbers: tuple[tuple[str, float, str], ...] = (),
    quotes: tuple[tuple[str, str, str | None, str | None], ...] = (),
    removed: tuple[tuple[str, str], ...] = (),
    dates: tuple[tuple[str, str | None], ...] = (),
) -> Article:
    """An analysed article: ``entities`` maps a surface form to (key, type); ``numbers`` are
    (text, value, unit) found in the text; ``quotes`` are (quoted text, kind, speaker, type);
    ``dates`` are (text, resolved date or None) found in the text."""
    text = " ".join(sentences)
    sents, pos = [], 0
    for i, s in enumerate(sentences):
        start = text.index(s, pos)
        sents.append(Sentence(index=i, start=start, end=start + len(s), text=s))
        pos = start + len(s)

    def sentence_of(offset: int) -> int:
        return next(s.index for s in sents if s.start <= offset < s.end)

    ents: dict[str, Entity] = {}
    mentions = []
    for form, (key, etype) in (entities or {}).items():
        for start, end in _find(text, form):
            ent = ents.setdefault(key, Entity(key=key, name=form, type=etype))
            ent.aliases = sorted({*ent.aliases, form})
            ent.mentions += 1
            mentions.append(Mention(key, form, start, end, sentence_of(start)))
    quantities = [
        Quantity(text=t, value=v, unit=u, start=s, end=e, sentence=sentence_of(s))
        for t, v, u in numbers
        for s, e in _find(text, t)
    ]
    quote_objs = [
        Quote(text=q, kind=kind, speaker=speaker, speaker_type=stype, descriptor=None, cue=None,
              medium=None, start=s, end=e, sentence=sentence_of(s))
        for q, kind, speaker, stype in quotes
        for s, e in _find(text, q)
    ]
    date_objs = [DateMention(text=t, start=s, end=e, resolved=r, sentence=sentence_of(s))
                 for t, r in dates for s, e in _find(text, t)]
    article = Article(
        id=aid, source=f"{aid}.txt", text=text, outlet=outlet,
        removed=[RemovedLine(line=line, reason=reason) for line, reason in removed],
    )
    article.analysis = ArticleAnalysis(
        sentences=sents, entities=list(ents.values()), mentions=mentions, quotes=quote_objs,
        quantities=quantities, dates=date_objs,
    )
    return article


@pytest.fixture(scope="session")
def embedder():
    return load_embedder(SETTINGS.embedding_model, SETTINGS.tokenizer)


def vectors_for(articles: list[Article], embedder) -> dict[str, np.ndarray]:
    return {a.id: embedder.encode([s.text for s in a.analysis.sentences])
            for a in articles if a.analysis}


def run_story(articles: list[Article], embedder) -> Story:
    story = Story(id="story-1", title="t", articles=[a.id for a in articles], outlets=[])
    return compare_story(story, articles, vectors_for(articles, embedder), settings=SETTINGS)


def claim_with(story: Story, article: str, sentence: int):
    return next(
        c for c in story.claims
        if any(s.article == article and s.sentence == sentence for s in c.support)
    )


DAM = {"Orlin Dam": ("orlin-dam", "FAC"), "Brenn": ("brenn", "GPE")}
OSTROVA = {"Ostrova": ("ostrova", "PERSON"), "Brandt": ("brandt", "PERSON"),
           "Kessel": ("kessel", "GPE")}
REPORTS = {
    "a": "The Orlin Dam burst on Tuesday night and flooded the village of Brenn.",
    "b": "The Orlin Dam gave way on Tuesday night, sending floodwater through Brenn.",
    "c": "Floodwater poured through Brenn after the Orlin Dam burst on Tuesday night.",
}
FILLER = "Local farmers said the harvest had been good this year across the whole valley."


# -- claims and their kinds --------------------------------------------------------------------

def test_clauses_split_coordination_aside_and_attribution() -> None:
    text = ("China's position is to promote peace and negotiations, and China did not provide "
            "weapons to either side of the conflict, Song said.")
    pieces = [p for _, _, p in clauses(text)]
    assert pieces == ["China's position is to promote peace and negotiations",
                      "China did not provide weapons to either side of the conflict"]
    aside = ("Li \u2013 a Chinese official under U.S. sanctions \u2013 is China's top defense "
             "official.")
    pieces = [p for _, _, p in clauses(aside)]
    assert pieces[0] == "Li is a Chinese official under U.S. sanctions"
    assert pieces[1].startswith("Li is China's top defense official")
    single = "The Orlin Dam burst on Tuesday night."
    assert [p for _, _, p in clauses(single)] == [single]


def test_verb_phrases_of_different_modality_are_two_claims() -> None:
    """ "closed ... and is expected to reopen ...": what happened and what is planned are two
    claims of one subject (the plan does not make the closure a plan); two verb phrases of one
    modality, and a first one that reports speech, stay one claim."""
    text = "The council closed the Orlin bridge on Monday and is expected to reopen it in June."
    pieces = [p for _, _, p in clauses(text)]
    assert pieces == ["The council closed the Orlin bridge on Monday",
                      "The council is expected to reopen it in June."]
    assert [modality(p) for p in pieces] == ["happened", "planned"]
    same = "The ferry sank in the storm and was found on the sea bed a week later."
    assert [p for _, _, p in clauses(same)] == [same]
    spoken = "The mayor said the repairs went well and will end on Friday."
    assert [p for _, _, p in clauses(spoken)] == [spoken]
    relative = "The mayor, who arrived on Sunday and will stay until Friday, opened the bridge."
    assert [p for _, _, p in clauses(relative)] == [relative]


def test_a_clause_given_its_subject_names_the_subjects_entities() -> None:
    """A clause composed with the sentence's subject ("Orlin is a Brenn engineer under
    investigation", from a dashed aside; the second of two verb phrases) has the subject's
    entities among its slots: who it is about."""
    article = make_article("a1", "Outlet A", [
        "Mara Orlin \u2013 a Brenn engineer under police investigation \u2013 is the head of "
        "the dam works at Kassow.",
        "Mara Orlin inspected the Kassow dam on Monday and is expected to sign the repair "
        "contract in June.",
    ], entities={"Mara Orlin": ("mara-orlin", "PERSON"), "Brenn": ("brenn", "GPE"),
                 "Kassow": ("kassow", "GPE")})
    units = article_units(article, None, "Outlet A")
    by_text = {u.text: u for u in units}
    aside = by_text["Mara Orlin is a Brenn engineer under police investigation"]
    assert aside.entities == {"mara-orlin", "brenn"}
    plan = by_text["Mara Orlin is expected to sign the repair contract in June."]
    assert plan.entities == {"mara-orlin"} and plan.modality == "planned"
    assert by_text["Mara Orlin inspected the Kassow dam on Monday"].modality == "happened"


def test_a_participle_fragment_stays_with_its_sentence() -> None:
    """A participle phrase is split off only when it and the rest of the sentence each say
    enough (compare.toml [claims] min_clause_content): "keeping ... open" has five content
    words."""
    short = ("The council reopened the Orlin bridge to traffic on Monday morning, keeping the "
             "ferry route to the island open.")
    assert [p for _, _, p in clauses(short)] == [short]
    full = ("The council reopened the Orlin bridge to traffic on Monday morning, ending three "
            "months of detours for commuters from Brenn and Kassow.")
    assert [p for _, _, p in clauses(full)] == [
        "The council reopened the Orlin bridge to traffic on Monday morning",
        "ending three months of detours for commuters from Brenn and Kassow.",
    ]


def test_an_absolute_phrase_is_no_clause_of_its_own() -> None:
    """A ", and" inside an absolute phrase ("with X having ..., Y ..., and Z ...") joins two
    of the states it lists, and one before an infinitive ("..., and to reopen ...") two verb
    phrases of one subject, not two clauses; a ", and" between two clauses still splits."""
    infinitive = ("The two mayors pledged to widen the coastal road by the summer, and to "
                  "reopen the old ferry harbour that was closed in the storm.")
    assert [p for _, _, p in clauses(infinitive)] == [infinitive]
    absolute = ("The two mayors said the partnership had grown steadily, with the two cities "
                "having traded more grain this year, tourism rising along the coast, and new "
                "ferry routes opened between the harbours.")
    assert [p for _, _, p in clauses(absolute)] == [absolute]
    two = ("The mayor opened the new ferry harbour on Monday, and the council approved "
           "the budget for the coastal road.")
    assert len(clauses(two)) == 2


def test_a_named_persons_words_are_stated_only_by_their_words() -> None:
    """The sentence aligner's check of a citation: a text naming the person whose words it
    gives is stated by another outlet giving that person's words, not by one stating the
    same in its own voice; without the name, either states it."""
    said = "Ilse Marant said the Orlin bridge would reopen to traffic on Monday after repairs."
    reported = "the Orlin bridge would reopen to traffic on Monday after repairs"
    people = {"Ilse Marant": ("ilse marant", "PERSON"), "Orlin": ("orlin", "FAC")}
    a = make_article("a1", "North Gazette", [said], entities=people,
                     quotes=((reported, "reported", "Ilse Marant", "person"),))
    b = make_article("b1", "South Gazette",
                     ["The Orlin bridge would reopen to traffic on Monday after repairs."],
                     entities=people)
    c = make_article("c1", "East Gazette", [said], entities=people,
                     quotes=((reported, "reported", "Ilse Marant", "person"),))
    aligner = SentenceAligner([a, b, c])
    check = functools.partial(aligner.same_claim, cosine=0.95, link=0.5, conflicting=())
    assert not check(("a1", 0), ("b1", 0), text=said)
    assert check(("a1", 0), ("c1", 0), text=said)
    assert check(("a1", 0), ("b1", 0), text="The Orlin bridge would reopen on Monday.")


def test_classify_fact_quote_opinion() -> None:
    quote = Quote(text="We will rebuild every house", kind="direct", speaker="Ilse Marant",
                  speaker_type="person", descriptor="the president", cue="said", medium=None,
                  start=1, end=28)
    text = '"We will rebuild every house," Marant said.'
    assert classify(text, 0, len(text), [quote])[0] == "quote"
    analysts = Quote(text="x", kind="reported", speaker="analysts", speaker_type="unnamed",
                     descriptor=None, cue="said", medium=None, start=0, end=10)
    text = "The visit will deepen ties, analysts said."
    assert classify(text, 0, len(text), [analysts])[0] == "opinion"
    agency = Quote(text="x", kind="reported", speaker="Xinhua", speaker_type="organization",
                   descriptor=None, cue="reported", medium=None, start=0, end=20)
    text = "Putin met Li in Moscow on Sunday, Xinhua reported."
    assert classify(text, 0, len(text), [agency])[0] == "fact"
    text = "The dam burst on Tuesday night."
    assert classify(text, 0, len(text), []) == ("fact", None)
    text = "The government should have repaired the dam years ago."
    assert classify(text, 0, len(text), [])[0] == "opinion"


def test_negation_scope() -> None:
    assert negation("China did not provide weapons to either side") == (
        True, ["provide", "weapon"])
    assert negation("China is facing accusations of shipping weapons, which Beijing denied")[0] \
        is False
    assert negation("Although not unprecedented, it is rare for a minister to visit")[0] is False
    # an appositive's relative clause says something of its noun, not of the main clause ...
    assert negation("After landing on Friday, the envoy met the governor, a visit that had not "
                    "been made public")[0] is False
    # ... but an attribution is no appositive: what the ministry says is negated
    assert negation("The envoy met nobody, the ministry said that he did not")[0] is True


# -- corroboration by independent outlets ----------------------------------------------------

def test_corroboration_counts_outlets_not_articles(embedder) -> None:
    same_outlet = [
        make_article("a1", "Caldera Post", [REPORTS["a"], FILLER], entities=DAM),
        make_article("a2", "Caldera Post", [REPORTS["b"]], entities=DAM),
    ]
    story = run_story(same_outlet, embedder)
    claim = claim_with(story, "a1", 0)
    assert {s.article for s in claim.support} == {"a1", "a2"}
    assert claim.status == "single_source"
    assert claim.outlets == ["Caldera Post"]

    two_outlets = [*same_outlet, make_article("c1", "Meridian Wire", [REPORTS["c"]],
                                              entities=DAM)]
    story = run_story(two_outlets, embedder)
    claim = claim_with(story, "c1", 0)
    assert claim.status == "corroborated"
    assert claim.outlets == ["Caldera Post", "Meridian Wire"]
    assert claim.kind == "fact"
    assert story.framing.witnesses[claim.id] == [["Caldera Post"], ["Meridian Wire"]]
    filler = claim_with(story, "a1", 1)
    assert filler.status == "single_source" and filler.id != claim.id
    assert story.omissions["Meridian Wire"] == []


@dataclass
class FakeProfile:
    name: str
    owner: str | None
    kind: str | None = "newspaper"
    aliases: tuple[str, ...] = ()


def test_outlets_of_one_owner_count_once(embedder, monkeypatch) -> None:
    profiles = {
        "north gazette": FakeProfile("North Gazette", "Varland Media Group"),
        "south gazette": FakeProfile("South Gazette", "Varland Media Group"),
    }
    monkeypatch.setattr(independence_mod, "_profiles", lambda: profiles)
    articles = [
        make_article("n", "North Gazette", [REPORTS["a"]], entities=DAM),
        make_article("s", "South Gazette", [REPORTS["b"]], entities=DAM),
    ]
    story = run_story(articles, embedder)
    claim = claim_with(story, "n", 0)
    assert claim.outlets == ["North Gazette", "South Gazette"]
    assert claim.status == "single_source"  # one owner: one witness
    assert story.framing.witnesses[claim.id] == [["North Gazette", "South Gazette"]]


def test_wire_copy_counts_as_the_wire(embedder) -> None:
    wire = make_article("w", "Associated Press", [REPORTS["a"]], entities=DAM)
    copy = make_article("p", "Caldera Post", [REPORTS["b"]], entities=DAM,
                        removed=(("By Associated Press", "credit"),))
    assert wire_credit(copy) == "Associated Press"
    assert wire_credit(make_article("x", "Caldera Post", [REPORTS["a"]], removed=(
        ("Additional reporting by Associated Press", "credit"),))) is None
    assert Witnesses([wire, copy]).of("p") == Witnesses([wire, copy]).of("w")
    story = run_story([wire, copy], embedder)
    assert claim_with(story, "p", 0).status == "single_source"
    row = next(r for r in story_view(story, [wire, copy]).matrix
               if r["id"] == claim_with(story, "p", 0).id)
    assert row["witness_note"] == "Associated Press and Caldera Post carry one agency's copy"


def test_verbatim_paragraph_is_one_witness(embedder) -> None:
    quoted = ("Analysts said the joint drills are not linked to the flood and their goal is to "
              "keep the valley safe.")
    assert verbatim(quoted, "The joint drills are not linked to the flood and their goal is to "
                            "keep the valley safe.")
    articles = [
        make_article("g", "Caldera Post", [quoted]),
        make_article("h", "Liberty Frontline", [
            "The Caldera Post wrote that \u201cthe joint drills are not linked to the flood and "
            "their goal is to keep the valley safe\u201d."]),
    ]
    story = run_story(articles, embedder)
    claim = claim_with(story, "h", 0)
    assert {s.article for s in claim.support} == {"g", "h"}
    assert claim.status == "single_source"
    row = next(r for r in story_view(story, articles).matrix if r["id"] == claim.id)
    assert row["witness_note"] == "Caldera Post and Liberty Frontline run the same words"


def test_a_plan_beside_the_event_is_named_in_the_witness_note(embedder) -> None:
    """A preview names the day of the event it plans: the plan and the report are one claim,
    the plan no witness of the event."""
    met = "Minister Ostrova met President Brandt in Kessel on Monday to discuss the dam."
    monday = (("Monday", None),)
    articles = [
        make_article("e", "Caldera Post", [met], entities=OSTROVA, dates=monday),
        make_article("f", "Liberty Frontline", [
            "Minister Ostrova will meet President Brandt in Kessel on Monday to discuss the dam."],
            entities=OSTROVA, dates=monday),
    ]
    story = run_story(articles, embedder)
    claim = claim_with(story, "e", 0)
    assert claim.status == "single_source" and claim.outlets == ["Caldera Post",
                                                                "Liberty Frontline"]
    row = next(r for r in story_view(story, articles).matrix if r["id"] == claim.id)
    assert row["witness_note"] == "Liberty Frontline states it as a plan"
    independent = make_article("g", "National Courier", [
        "On Monday, Ostrova met Brandt in Kessel, where the two discussed the dam."],
        entities=OSTROVA, dates=monday)
    story = run_story([*articles, independent], embedder)
    row = next(r for r in story_view(story, [*articles, independent]).matrix
               if r["id"] == claim_with(story, "e", 0).id)
    assert row["status"] == "corroborated"
    assert row["witness_note"] == "Liberty Frontline states it as a plan"


# -- contradictions ----------------------------------------------------------------------------

def test_number_disagreement_is_contested(embedder) -> None:
    articles = [
        make_article("m", "Meridian Wire", [
            "Police said 14 people were detained during the protest in Port Caldera."],
            numbers=(("14 people", 14, "people"),),
            entities={"Port Caldera": ("port-caldera", "GPE")}),
        make_article("n", "National Courier", [
            "Police said 3 people were detained during the protest in Port Caldera."],
            numbers=(("3 people", 3, "people"),),
            entities={"Port Caldera": ("port-caldera", "GPE")}),
    ]
    story = run_story(articles, embedder)
    claim = claim_with(story, "m", 0)
    assert claim.status == "contested"
    assert claim.conflict.type == "number"
    sides = {s.value: s.outlets for s in claim.conflict.sides}
    assert sides == {14: ["Meridian Wire"], 3: ["National Courier"]}
    assert all(s.support for s in claim.conflict.sides)


def test_same_number_is_not_contested(embedder) -> None:
    articles = [
        make_article("m", "Meridian Wire", [
            "Police said 14 people were detained during the protest in Port Caldera."],
            numbers=(("14 people", 14, "people"),)),
        make_article("n", "National Courier", [
            "Officers detained 14 people at the Port Caldera protest, police said."],
            numbers=(("14 people", 14, "people"),)),
    ]
    claim = claim_with(run_story(articles, embedder), "m", 0)
    assert claim.status == "corroborated" and claim.conflict is None


def test_negation_disagreement_is_contested(embedder) -> None:
    articles = [
        make_article("x", "Caldera Post", [
            "Varland did not send weapons to the rebels in Ostrovia, the ministry said."]),
        make_article("y", "Liberty Frontline", [
            "Varland sent weapons to the rebels in Ostrovia, the opposition said."]),
    ]
    claim = claim_with(run_story(articles, embedder), "x", 0)
    assert claim.status == "contested"
    assert claim.conflict.type == "negation"
    sides = {s.value: s.outlets for s in claim.conflict.sides}
    assert sides == {"denies": ["Caldera Post"], "affirms": ["Liberty Frontline"]}


# -- omissions, JSON contract, bad input --------------------------------------------------------

def test_omissions_and_json_contract(embedder) -> None:
    articles = [
        make_article("a", "Caldera Post", [REPORTS["a"], FILLER], entities=DAM),
        make_article("b", "Meridian Wire", [REPORTS["b"]], entities=DAM),
        make_article("c", "National Courier", [
            "The national football team won its match against Ostrovia on Saturday evening."]),
        Article(id="broken", source="broken.txt", text="no analysis"),
    ]
    story = run_story(articles, embedder)
    corroborated = [c for c in story.claims if c.status == "corroborated"]
    assert len(corroborated) == 1
    assert story.omissions["National Courier"] == [corroborated[0].id]
    assert story.omissions["Caldera Post"] == []
    data = to_dict(story)
    claim = data["claims"][0]
    assert set(claim) == {"id", "text", "status", "kind", "outlets", "support", "conflict",
                          "slots", "event"}
    assert set(claim["slots"]) == {"actors", "time", "place", "quantities", "polarity",
                                   "modality", "asserted_by"}
    assert set(claim["support"][0]) == {"article", "sentence", "text", "start", "end", "outlet",
                                        "score", "features"}
    by_id = {a.id: a for a in articles}
    for s in claim["support"]:  # the offsets point at the sentence in the clean text
        assert by_id[s["article"]].text[s["start"]:s["end"]] == s["text"]
        assert s["outlet"] == by_id[s["article"]].outlet
    assert max(s["score"] for s in claim["support"]) == 1.0  # the representative itself
    assert {"naming", "loaded_terms", "sources_quoted", "tone"} <= set(data["framing"])
    assert all(s["article"] != "broken" for c in data["claims"] for s in c["support"])
    # every sentence of every analysed article is kept somewhere: nothing hidden
    supported = {(s["article"], s["sentence"]) for c in data["claims"] for s in c["support"]}
    assert supported == {("a", 0), ("a", 1), ("b", 0), ("c", 0)}


def test_missing_vectors_and_empty_story(embedder, caplog) -> None:
    articles = [
        make_article("a", "Caldera Post", [REPORTS["a"]], entities=DAM),
        make_article("b", "Meridian Wire", [REPORTS["b"]], entities=DAM),
        make_article("e", "Empty Times", []),
    ]
    vectors = vectors_for(articles[:1], embedder)
    vectors["b"] = np.zeros((5, 384), dtype=np.float32)  # wrong shape: ignored, with a warning
    story = Story(id="s", title="t", articles=["a", "b", "e"], outlets=[])
    compare_story(story, articles, vectors, settings=SETTINGS)
    assert "sentence vectors" in caplog.text
    assert {(s.article, s.sentence) for c in story.claims for s in c.support} == {
        ("a", 0), ("b", 0)}
    assert set(story.omissions) == {"Caldera Post", "Meridian Wire", "Empty Times"}
    empty = compare_story(Story(id="x", title="t", articles=[], outlets=[]), [], {},
                          settings=SETTINGS)
    assert empty.claims == [] and empty.omissions == {}
    assert empty.framing.naming == [] and empty.framing.tone == {}


def test_loaded_terms_exported_for_reuse() -> None:
    text = 'The "regime" hid it, said dictator Xi, a so-called reformer.'
    hits = loaded_terms(text, [(4, 12)])
    assert [(h.term, h.category) for h in hits] == [
        ("dictator", "pejorative"), ("so-called", "hedge")]
    assert text[hits[0].start:hits[0].end] == "dictator"



def _flat(terms: list[str]) -> re.Pattern[str]:
    """The plain alternation ``TermMatcher`` used to compile (the reference for its trie)."""
    unique = sorted({t.strip().lower() for t in terms if t.strip()}, key=lambda t: (-len(t), t))
    return re.compile("|".join(_term_pattern(t) for t in unique), re.IGNORECASE)


def _salad(terms: list[str], seed: int, n: int = 400) -> str:
    """Text made of the terms' own pieces, cut and glued in every way, to trip the matcher."""
    rng = random.Random(seed)
    words = [w for t in terms for w in t.replace("*", "").split()]
    pieces = words + [w[: rng.randint(1, len(w))] for w in words] + [
        "-", "\u2013", "'", "’", "“", "”", ".", ",", "x", "ing", "s"]
    out = []
    for _ in range(n):
        piece = rng.choice(pieces)
        out.append(piece.upper() if rng.random() < 0.1 else piece)
        out.append(rng.choice([" ", " ", " ", "", "-", "\n", "  "]))
    return "".join(out)


def test_term_matcher_trie_finds_what_the_flat_alternation_finds() -> None:
    lists = [spec.get("terms", []) for spec in load_data("loaded_terms").values()]
    lists += [v for v in load_data("compare")["speakers"].values() if isinstance(v, list)]
    lists.append(["war", "war crimes", "war*", "wa", "warlord", "so-called", "so called",
                  "'thugs'", "“regime”", "henchm*n", "u.s.", "u.s. forces", "1st", "a-b-c"])
    for i, terms in enumerate(lists):
        matcher = TermMatcher(terms)
        flat = _flat(terms)
        for seed in range(3):
            text = _salad(terms, seed=i * 10 + seed)
            want = [(m.start(), m.end(), m.group(0)) for m in flat.finditer(text)]
            assert matcher.finditer(text) == want
            assert matcher.search(text) == bool(want)


def test_term_matcher_trie_on_random_small_lexicons() -> None:
    """Tiny alphabets make terms share prefixes, dashes and wildcards in every order."""
    rng = random.Random(7)
    for _ in range(300):
        terms = ["".join(rng.choice("ab-'") for _ in range(rng.randint(1, 4)))
                 + rng.choice(["", "", "*", " b", "."]) for _ in range(rng.randint(2, 8))]
        terms = [t for t in terms if t.strip("-* ")]
        text = "".join(rng.choice("ab-' .\u2013") for _ in range(60))
        want = [(m.start(), m.end(), m.group(0)) for m in _flat(terms).finditer(text)]
        assert TermMatcher(terms).finditer(text) == want, (terms, text)


def test_literal_alternation_keeps_the_order_of_the_words() -> None:
    words = ["United States", "Chinese", "China", "Chin", "Sino", "U.S.", "U.K.", "US", "C++",
             "Chin"]
    text = "Sino-US ties; China's, Chinese and Chin. U.S.-China and U.K. C++ United Statesman"
    for context in ("(?:{})", r"\b(?:{})\b", r"(?:{})(?:ese|'s)", r"(?:{})(?:-(?:{}))*"):
        flat = context.format(*["|".join(map(re.escape, words))] * context.count("{}"))
        trie = context.format(*[literal_alternation(words)] * context.count("{}"))
        assert [m.span() for m in re.finditer(trie, text)] == [
            m.span() for m in re.finditer(flat, text)]


def test_loaded_terms_cache_leaves_quote_spans_per_call() -> None:
    text = 'Critics called it a "regime" and a so-called reform.'
    start = text.index('"')
    every = loaded_terms(text)
    quoted = loaded_terms(text, [(start, start + 8)])
    assert [h.term for h in every] == ["regime", "so-called"]
    assert [h.term for h in quoted] == ["so-called"]
    assert loaded_terms(text) == every


# -- end to end on the real seeds -------------------------------------------------------------

def _analyse(articles: list[Article]) -> dict[str, np.ndarray]:
    """Run the analyze stage on ``articles`` (in place); their sentence vectors by id."""
    for article, (analysis, _) in zip(
        articles, analyze_batch(articles, settings=SETTINGS), strict=True
    ):
        article.analysis = analysis
    matrices = embed_sentences([a.analysis for a in articles], settings=SETTINGS)
    return {a.id: m for a, m in zip(articles, matrices, strict=True)}


@functools.cache
def analysed_seeds(paths: tuple[str, ...]):
    """The seed articles ingested and analysed by the real stages, compared as one story
    (cached: test_framing reads the same story)."""
    store = Store.memory()
    report = ingest(list(paths), store, settings=SETTINGS)
    assert not report.failed
    articles = [store.get_article(i) for i in report.new]
    vectors = _analyse(articles)
    number = {a.id: Path(a.source).name[:3] for a in articles}
    story = Story(id="seeds", title="Li Shangfu in Moscow", articles=list(number), outlets=[])
    started = time.perf_counter()
    compare_story(story, articles, vectors, settings=SETTINGS)
    elapsed = time.perf_counter() - started
    store.close()
    return story, {a.id: a for a in articles}, number, elapsed


@pytest.fixture(scope="session")
def seed_story(seed_paths: dict[str, Path]):
    """(story, articles by id, seed number by id, seconds compare_story took)."""
    return analysed_seeds(tuple(str(p) for _, p in sorted(seed_paths.items())))


def _texts(claim, articles) -> str:
    return " | ".join(articles[s.article].analysis.sentences[s.sentence].text
                      for s in claim.support)


def every_outlet_says(claim, articles, *patterns: str) -> bool:
    """Whether each of the claim's outlets has a supporting sentence matching all patterns."""
    said = {articles[s.article].outlet for s in claim.support
            if all(re.search(p, articles[s.article].analysis.sentences[s.sentence].text)
                   for p in patterns)}
    return said == set(claim.outlets)


def _claims_about(story, articles, *patterns: str):
    return [c for c in story.claims
            if all(re.search(p, _texts(c, articles), re.IGNORECASE) for p in patterns)]


def test_seeds_meeting_with_putin_corroborated_by_three_outlets(seed_story) -> None:
    story, articles, _, _ = seed_story
    outlets = {"Global Times", "South China Morning Post", "Breitbart"}
    assert {articles[a].outlet for a in articles} == outlets
    found = [c for c in story.claims if c.status == "corroborated" and set(c.outlets) == outlets
             and every_outlet_says(c, articles, r"Putin", r"\b(met|talks|welcomed)\b")]
    assert found, "Li meeting Putin in Moscow on Sunday should be corroborated by 3 outlets"
    # Global Times counts once although three of its articles are in the story
    assert len(story.framing.witnesses[found[0].id]) == 3


def test_seeds_first_trip_and_sanctions_corroborated(seed_story) -> None:
    story, articles, number, _ = seed_story
    first = [c for c in story.claims if c.status == "corroborated" and len(c.outlets) == 3
             and every_outlet_says(c, articles, r"\bfirst\b", r"\b(trip|visit|abroad|place)\b")]
    assert first, "Li's first foreign trip as defense minister: Global Times, SCMP, Breitbart"
    sanctions = [c for c in _claims_about(story, articles, r"sanction")
                 if c.status == "corroborated"]
    assert any(set(c.outlets) == {"Global Times", "Breitbart"} for c in sanctions)
    # the Su-35 purchase is Global Times' detail alone: no claim stating it is credited to
    # another outlet (its sentences also state the sanctions, and support that claim)
    su35 = _claims_about(story, articles, r"Su-35")
    assert su35 and not any("Su-35" in c.text and c.outlets != ["Global Times"] for c in su35)
    assert any(number[s.article] == "001" for c in su35 for s in c.support)


def test_seeds_single_source_claims(seed_story) -> None:
    story, articles, _, _ = seed_story
    for pattern, outlet in ((r"Tomb of the Unknown Soldier", "Global Times"),
                            (r"Orthodox celebration of Easter", "Breitbart")):
        claims = _claims_about(story, articles, pattern)
        assert claims, pattern
        assert all(c.status == "single_source" and c.outlets == [outlet] for c in claims)
        assert all(outlet not in story.omissions or c.id not in story.omissions[outlet]
                   for c in claims)


def test_seeds_russian_drill_is_single_source(seed_story) -> None:
    story, articles, _, _ = seed_story
    claims = _claims_about(story, articles, r"sealing off parts of the Sea of Japan")
    assert claims
    assert all(c.status == "single_source" and c.outlets == ["South China Morning Post"]
               for c in claims)


def test_seeds_weapons_denial_is_contested(seed_story) -> None:
    story, articles, _, _ = seed_story
    claims = [c for c in _claims_about(story, articles, r"weapons")
              if c.conflict and c.conflict.type == "negation"]
    assert claims, "'did not provide weapons' against 'accusations of shipping weapons'"
    sides = {s.value: s for s in claims[0].conflict.sides}
    assert claims[0].status == "contested"
    assert sides["affirms"].outlets == ["Breitbart"]
    assert "Global Times" in sides["denies"].outlets
    denied = " ".join(articles[x.article].analysis.sentences[x.sentence].text
                      for x in sides["denies"].support)
    assert "did not provide weapons" in denied


def test_seeds_omissions_list_corroborated_claims_only(seed_story) -> None:
    story, _, _, _ = seed_story
    by_id = {c.id: c for c in story.claims}
    assert set(story.omissions) == {"Global Times", "South China Morning Post", "Breitbart"}
    for outlet, ids in story.omissions.items():
        for cid in ids:
            assert by_id[cid].status == "corroborated" and outlet not in by_id[cid].outlets


def test_seeds_every_sentence_is_supported_once_at_least(seed_story) -> None:
    story, articles, _, elapsed = seed_story
    supported = {(s.article, s.sentence) for c in story.claims for s in c.support}
    for aid, article in articles.items():
        long_sentences = [s.index for s in article.analysis.sentences
                          if len(s.text.split()) >= 6]
        assert all((aid, i) in supported for i in long_sentences)
    assert elapsed < 60


def _sample_story(prefix: str) -> Story:
    """One story of the bundled sample corpus through the real ingest and analyze stages."""
    sample = Path(__file__).resolve().parent.parent / "src" / "manysides" / "sample" / "articles"
    paths = sorted(str(p) for p in sample.glob(f"{prefix}_*"))
    assert len(paths) >= 3
    store = Store.memory()
    report = ingest(paths, store, settings=SETTINGS)
    articles = [store.get_article(i) for i in report.new]
    vectors = _analyse(articles)
    story = Story(id=prefix, title=prefix, articles=[a.id for a in articles], outlets=[])
    compare_story(story, articles, vectors, settings=SETTINGS)
    store.close()
    return story


def test_sample_number_contradiction_is_contested() -> None:
    story = _sample_story("tessel-pipeline")
    numbers = [c for c in story.claims if c.conflict and c.conflict.type == "number"]
    assert numbers, "the outlets give different figures; one must show as contested"
    for claim in numbers:
        assert claim.status == "contested"
        values = [s.value for s in claim.conflict.sides]
        assert len(set(map(str, values))) == len(values) >= 2
        outlets = [tuple(s.outlets) for s in claim.conflict.sides]
        assert len(set(outlets)) == len(outlets)
    capacity = [c for c in numbers if c.conflict.unit == "metre"]
    assert capacity and {s.value for s in capacity[0].conflict.sides} == {12e9, 10e9}


def test_sample_death_toll_is_contested() -> None:
    story = _sample_story("orven-dam")
    deaths = [c for c in story.claims if c.conflict and c.conflict.type == "number"
              and c.conflict.unit == "people"]
    assert deaths
    sides = deaths[0].conflict.sides
    assert len(sides) >= 3  # three outlets, three death tolls
    assert len({s.value for s in sides}) == len(sides)


def _unit(article: str, days: set[str]) -> Unit:
    return Unit(article=article, outlet=article, sentence=0, text="t", kind="fact",
                vector=np.ones(4, dtype=np.float32) / 2, day_keys=days)


def test_an_event_group_is_cut_into_claims_of_one_fact() -> None:
    tuesday, wednesday = {"2026-03-03", "tuesday"}, {"2026-03-04", "wednesday"}
    units = [_unit("a", tuesday), _unit("b", tuesday), _unit("c", wednesday)]
    score = np.full((3, 3), 0.9, dtype=np.float32)
    scored = Scored(score, unit_tables(units))
    days = SupportRule(link=0.8, average=0.7, conflicting=("other_day",))
    assert fact_groups(units, [0, 1, 2], scored, days) == [[0, 1], [2]]  # other day: other fact
    assert fact_groups(units, [0, 1, 2], scored, SupportRule(0.8, 0.7, ())) == [[0, 1, 2]]
    score[0, 2] = score[2, 0] = 0.3  # close to b only: not to the whole claim
    assert fact_groups(units, [0, 1, 2], scored, SupportRule(0.8, 0.7, ())) == [[0, 1], [2]]
    assert support_rule().conflicting  # the data file's rule loads


def test_clashes_are_the_scored_pairs_with_a_conflicting_feature() -> None:
    """``Scored.clashes``: the pairs scoring above 0 whose features include one of the names
    (both orders, never a unit with itself), as the features of each pair say."""
    tuesday, wednesday = {"2026-03-03", "tuesday"}, {"2026-03-04", "wednesday"}
    units = [_unit("a", tuesday), _unit("b", tuesday), _unit("c", wednesday),
             _unit("d", wednesday)]
    score = np.full((4, 4), 0.9, dtype=np.float32)
    score[0, 3] = score[3, 0] = 0.0  # not a candidate: no clash to record
    scored = Scored(score, unit_tables(units))
    clash = scored.clashes(("other_day",))
    assert clash.tolist() == [[False, False, True, False], [False, False, True, True],
                              [True, True, False, False], [False, True, False, False]]
    i, j = np.nonzero((score > 0) & ~np.eye(4, dtype=bool))
    assert (scored.features(i, j)["other_day"] != 0).tolist() == clash[i, j].tolist()
    assert not scored.clashes(()).any()


def test_two_sentences_of_one_article_do_not_keep_a_third_out() -> None:
    """Two sentences of one article are never compared (their pair scores 0): a claim that
    holds one of them takes a second outlet's sentence close to both by what it is close to
    across articles, not held off by that 0."""
    tuesday = {"2026-03-03", "tuesday"}
    units = [_unit("a", tuesday), _unit("b", tuesday), _unit("a", tuesday)]
    score = np.full((3, 3), 0.9, dtype=np.float32)
    score[0, 2] = score[2, 0] = 0.0  # one article: not scored
    scored = Scored(score, unit_tables(units))
    assert fact_groups(units, [0, 1, 2], scored, SupportRule(0.8, 0.7, ())) == [[0, 1, 2]]


def test_the_words_of_two_named_speakers_are_two_claims() -> None:
    """Who asserts a claim is one of its slots: what one minister said and what another said
    are two claims of one event, however alike (compare.toml [support] other_speaker)."""
    units = [_unit("a", set()), _unit("b", set()), _unit("c", set())]
    for u, who in zip(units, ("Mara Lind", "Mara Lind", "Otto Varga"), strict=True):
        u.person_speaker = who
    scored = Scored(np.full((3, 3), 0.9, dtype=np.float32), unit_tables(units))
    assert fact_groups(units, [0, 1, 2], scored, support_rule()) == [[0, 1], [2]]


def test_sentence_vectors_embed_only_what_the_comparison_reads() -> None:
    texts = [
        "Flood update\n\nThe river Marl broke its banks on Monday and flooded 40 homes in "
        "Oakvale. The mayor said the town would open two shelters, while volunteers carried "
        "sandbags to the school. Rescuers evacuated 120 people from the lower streets.",
        "Oakvale floods\n\nForty homes in Oakvale were flooded on Monday when the Marl burst "
        "its banks. Rescue teams moved 120 residents out of the low-lying streets. Two "
        "shelters opened in the town hall and the school, officials said.",
    ]
    articles = [Article(id=f"a{k}", source=f"a{k}.txt", text=t, outlet=f"Outlet {k}")
                for k, t in enumerate(texts)]
    for article, (analysis, _) in zip(articles, analyze_batch(articles, settings=SETTINGS),
                                      strict=True):
        article.analysis = analysis
    full = dict(zip([a.id for a in articles],
                    embed_sentences([a.analysis for a in articles], settings=SETTINGS),
                    strict=True))
    read = sentence_vectors(articles, SETTINGS)
    zero_rows = 0
    for a in articles:
        assert a.analysis is not None and read[a.id].shape == full[a.id].shape
        for s, row, whole in zip(a.analysis.sentences, read[a.id], full[a.id], strict=True):
            if reads_sentence_vector(s.text):
                assert float(row @ whole) > 0.999  # the same embedding (batched otherwise)
            else:
                assert not row.any()
                zero_rows += 1
    assert zero_rows  # the headings at least are not embedded

    def claims(vectors: dict[str, np.ndarray]) -> list[tuple[str, str, list[str]]]:
        story = Story(id="s", title="floods", articles=[a.id for a in articles], outlets=[])
        compare_story(story, articles, vectors, settings=SETTINGS)
        return [(c.text, c.status,
                 [f"{s.article}:{s.sentence}:{s.score and round(s.score, 3)}" for s in c.support])
                for c in story.claims]

    assert claims(read) == claims(full)
    # rows stored as zero (by rules that read other sentences) are embedded when read
    assert claims({k: np.zeros_like(v) for k, v in read.items()}) == claims(full)
