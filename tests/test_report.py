"""The report stage: verifier, cited summary, timeline, renderers, JSON schema, LLM rewrite.

Unit tests run on a hand-made, fictional story (three outlets, built below with exact offsets);
the end-to-end test runs the real pipeline on the seeds.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from manysides.cli import main
from manysides.contract import document
from manysides.models import (
    Article,
    ArticleAnalysis,
    Claim,
    Conflict,
    ConflictSide,
    DateMention,
    Entity,
    Mention,
    Quote,
    RemovedLine,
    Sentence,
    Story,
    Support,
)
from manysides.pipeline import run
from manysides.report import render, render_bundle, summarize, verify
from manysides.report.llm import LLMConfig
from manysides.report.prepare import StoryText, strip_attribution_clutter
from manysides.report.timeline import in_background_clause
from manysides.report.verify import (
    EmbeddingSimilarity,
    Evidence,
    TokenOverlapSimilarity,
    _word_start_in,
    load_similarity,
)
from manysides.report.views import story_view
from manysides.settings import Settings
from manysides.store import Store

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "schema" / "analysis.schema.json"
LOADED_WORDS = ("dictator", "hyping", "so-called")


# -- a hand-made story -----------------------------------------------------------------------

def make_article(
    aid: str,
    outlet: str,
    published: str | None,
    sentences: list[str],
    *,
    entities: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
    dates: tuple[tuple[int, str, str], ...] = (),
    quotes: tuple[tuple[int, str, str, str | None], ...] = (),
    title: str | None = None,
    removed: tuple[tuple[str, str], ...] = (),
) -> Article:
    """An analysed article; ``entities``: (name, type, forms found in the text); ``dates``:
    (sentence, text, resolved); ``quotes``: (sentence, quoted text, kind, speaker)."""
    text = " ".join(sentences)
    sents, pos = [], 0
    for i, s in enumerate(sentences):
        sents.append(Sentence(i, pos, pos + len(s), s, paragraph=i // 2))
        pos += len(s) + 1
    ents, mentions = [], []
    for name, etype, forms in entities:
        key = name.lower().replace(" ", "-")
        count = 0
        for s in sents:
            for form in forms:
                for m in re.finditer(re.escape(form), s.text):
                    start, end = s.start + m.start(), s.start + m.end()
                    mentions.append(Mention(key, form, start, end, s.index))
                    count += 1
        ents.append(Entity(key, name, etype, [f for f in forms if f != name], count))
    date_mentions = []
    for i, dtext, resolved in dates:
        off = sents[i].text.index(dtext) + sents[i].start
        date_mentions.append(DateMention(dtext, off, off + len(dtext), resolved, i))
    quote_list = []
    for i, qtext, kind, speaker in quotes:
        off = sents[i].text.index(qtext) + sents[i].start
        quote_list.append(Quote(qtext, kind, speaker, "person" if speaker else "unnamed", None,
                                "said", None, off, off + len(qtext), i))
    return Article(
        id=aid, source=f"{aid}.txt", text=text, title=title or sentences[0][:60], outlet=outlet,
        published=published, language="en",
        removed=[RemovedLine(line, reason) for line, reason in removed],
        analysis=ArticleAnalysis(sentences=sents, entities=ents, mentions=mentions,
                                 quotes=quote_list, dates=date_mentions),
    )


PEOPLE = (
    ("Lena Ostrova", "PERSON", ("Lena Ostrova", "Ostrova")),
    ("Tomas Brandt", "PERSON", ("Tomas Brandt", "Brandt")),
    ("Kessel", "GPE", ("Kessel",)),
    ("Avaria", "GPE", ("Avaria",)),
)


def make_story() -> tuple[Story, list[Article]]:
    """A fictional story: an Avarian minister visits Kessel; three outlets, one contradiction."""
    a = make_article("aaaa1111", "Harbor Times", "2024-03-11T09:00:00+00:00", [
        "Avarian Defence Minister Lena Ostrova arrived in Kessel on Sunday for a three-day "
        "visit, the ministry said.",
        "Ostrova met President Tomas Brandt at the Kessel Palace on Monday.",
        "She said the talks had been \u201cfrank and productive\u201d.",
        "The two sides signed 4 agreements on military training.",
    ], entities=PEOPLE, dates=((0, "on Sunday", "2024-03-10"), (1, "on Monday", "2024-03-11")),
        quotes=((2, "\u201cfrank and productive\u201d", "direct", "Lena Ostrova"),),
        removed=(("Subscribe to our newsletter", "promo"),))
    b = make_article("bbbb2222", "Northern Ledger", "2024-03-12T10:00:00+00:00", [
        "Lena Ostrova, Avaria's defence minister, met Tomas Brandt in Kessel on Monday.",
        "The ministers signed three agreements, according to officials.",
        "Critics called the so-called partnership a dictator's photo opportunity.",
        "Brandt has ruled the country since 2009.",
    ], entities=PEOPLE, dates=((0, "on Monday", "2024-03-11"), (3, "2009", "2009")))
    c = make_article("cccc3333", "Daily Gazette", "2024-03-11T18:00:00+00:00", [
        "Avaria's defence chief Lena Ostrova held talks with President Tomas Brandt in Kessel "
        "on Monday.",
        "The meeting in the palace lasted two hours, a spokesman said.",
        "Ostrova is hyping the visit as historic.",
    ], entities=PEOPLE, dates=((0, "on Monday", "2024-03-11"),))
    claims = [
        Claim("c1", "Ostrova met Brandt in Kessel on Monday.", "corroborated", "fact",
              ["Harbor Times", "Northern Ledger", "Daily Gazette"],
              [Support("aaaa1111", 1), Support("bbbb2222", 0), Support("cccc3333", 0)]),
        Claim("c2", "The two sides signed agreements.", "contested", "fact",
              ["Harbor Times", "Northern Ledger"],
              [Support("aaaa1111", 3), Support("bbbb2222", 1)],
              conflict=Conflict("number", sides=[
                  ConflictSide(["Harbor Times"], 4, [Support("aaaa1111", 3)]),
                  ConflictSide(["Northern Ledger"], 3, [Support("bbbb2222", 1)])])),
        Claim("c3", "The meeting lasted two hours.", "single_source", "fact", ["Daily Gazette"],
              [Support("cccc3333", 1)]),
        Claim("c4", "Critics called the partnership a photo opportunity.", "single_source",
              "opinion", ["Northern Ledger"], [Support("bbbb2222", 2)]),
        Claim("c5", "Ostrova arrived on Sunday.", "single_source", "fact", ["Harbor Times"],
              [Support("aaaa1111", 0)]),
        Claim("c6", "Ostrova is hyping the visit.", "single_source", "opinion",
              ["Daily Gazette"], [Support("cccc3333", 2)]),
    ]
    story = Story(
        id="st0ry0001", title="Avarian defence minister visits Kessel",
        articles=["aaaa1111", "cccc3333", "bbbb2222"],
        outlets=["Harbor Times", "Northern Ledger", "Daily Gazette"],
        first_published="2024-03-11T09:00:00+00:00", last_published="2024-03-12T10:00:00+00:00",
        date_anchor="2024-03-11", claims=claims,
        omissions={"Daily Gazette": ["c2"]},
    )
    return story, [a, c, b]


@pytest.fixture(scope="session")
def similarity() -> EmbeddingSimilarity:
    """The product's similarity (all-MiniLM-L6-v2), loaded once per test session."""
    return load_similarity(Settings())


@pytest.fixture
def summarized(similarity: EmbeddingSimilarity) -> tuple[Story, list[Article]]:
    story, articles = make_story()
    return summarize(story, articles, settings=Settings(), similarity=similarity), articles


def _evidence(story_text: StoryText, sentence) -> list[Evidence]:
    return [ev for s in sentence.support if (ev := story_text.evidence(s.article, s.sentence))]


# -- verifier --------------------------------------------------------------------------------

def test_verifier_accepts_resolved_date_and_rejects_invented_facts() -> None:
    _, articles = make_story()
    text = StoryText(articles)
    ev = [text.evidence("aaaa1111", 1)]
    sim = TokenOverlapSimilarity()
    ok = verify("Ostrova met President Tomas Brandt at the Kessel Palace on 11 March 2024.",
                ev, sim)
    assert ok.ok, ok.reasons
    wrong_day = verify("Ostrova met President Tomas Brandt at the Kessel Palace on 12 March 2024.",
                       ev, sim)
    assert not wrong_day.ok and any("date" in r for r in wrong_day.reasons)
    new_name = verify("Ostrova met President Karl Weiss at the Kessel Palace on Monday.", ev, sim)
    assert not new_name.ok and any("Karl" in r or "Weiss" in r for r in new_name.reasons)
    new_number = verify("Ostrova met 12 officials at the Kessel Palace on Monday.", ev, sim)
    assert not new_number.ok and any("12" in r for r in new_number.reasons)
    assert not verify("Anything at all.", [], sim).ok



def test_verifier_backs_a_date_by_the_weekday_of_an_undated_sentence() -> None:
    """An undated article's "on Monday" (not resolved) backs 11 March 2024, a Monday, as the
    comparison's day keys match them; never another day, never where the date was resolved."""
    sim = TokenOverlapSimilarity()
    undated = Evidence("x", 0, "Ostrova met Brandt in Kessel on Monday.")
    said = "Ostrova met Brandt in Kessel on 11 March 2024."
    assert verify(said, [undated], sim, min_similarity=0.0).ok
    assert not verify("Ostrova met Brandt in Kessel on 12 March 2024.", [undated], sim,
                      min_similarity=0.0).ok
    resolved = Evidence("x", 0, "Ostrova met Brandt in Kessel on Monday.", dates=["2024-03-18"])
    assert not verify(said, [resolved], sim, min_similarity=0.0).ok


def test_verifier_meaning_check_uses_the_embedder(similarity: EmbeddingSimilarity) -> None:
    _, articles = make_story()
    ev = [StoryText(articles).evidence("aaaa1111", 1)]
    assert verify("Ostrova met Brandt at the Kessel Palace on Monday.", ev, similarity).ok
    unrelated = verify("Brandt enjoyed a quiet walk at the Kessel Palace on Monday.", ev,
                       similarity)
    assert unrelated.similarity < 0.9


def test_verifier_shortcut_through_the_closest_sentence_keeps_the_verdict(
    similarity: EmbeddingSimilarity,
) -> None:
    _, articles = make_story()
    text = StoryText(articles)
    ev = [text.evidence("aaaa1111", i) for i in range(3)]
    ev = [e for e in ev if e is not None]
    candidates = ["Ostrova met Brandt at the Kessel Palace on Monday.",
                  "Brandt enjoyed a quiet walk at the Kessel Palace on Monday.",
                  "Ostrova met 12 officials at the Kessel Palace on Monday.", ev[-1].text]
    for sim in (similarity, TokenOverlapSimilarity()):
        for body in candidates:
            for closest in ev:
                full = verify(body, ev, sim)
                quick = verify(body, ev, sim, closest=closest)
                assert (quick.ok, quick.reasons) == (full.ok, full.reasons)


def test_name_check_matches_a_word_boundary_search() -> None:
    rng = random.Random(3)
    alphabet = "ab_1 -'’é²\u0300."
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        needle = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3)))
        want = re.search(r"\b" + re.escape(needle), text) is not None
        assert _word_start_in(needle, text) == want, (needle, text)


# -- sentence preparation --------------------------------------------------------------------

def test_prepare_resolves_dates_and_pronouns_and_strips_attribution() -> None:
    _, articles = make_story()
    text = StoryText(articles)
    p0 = text.prepare("aaaa1111", 0, strip_attribution=True)
    assert p0.text == ("Avarian Defence Minister Lena Ostrova arrived in Kessel on 10 March 2024 "
                       "for a three-day visit.")
    p2 = text.prepare("aaaa1111", 2, strip_attribution=False)
    assert p2.text.startswith("Tomas Brandt said") or p2.text.startswith("Ostrova said") \
        or p2.text.startswith("Lena Ostrova said")
    assert "Lena Ostrova" in p2.evidence.names or "Tomas Brandt" in p2.evidence.names
    assert strip_attribution_clutter(
        "The meeting in the palace lasted two hours, a spokesman said.") == \
        "The meeting in the palace lasted two hours."
    short = "It rained, he said."
    assert strip_attribution_clutter(short) == short  # too little would be left


# -- summary ---------------------------------------------------------------------------------

def test_summary_sentences_are_cited_verified_and_ordered(summarized, similarity) -> None:
    story, articles = summarized
    text = StoryText(articles)
    assert story.summary
    for s in story.summary:
        assert s.citations and s.support
        assert set(s.citations) <= set(story.articles)
        body = re.sub(r"^Only [\w ]+? reports that ", "", s.text)
        if s.status != "contested":
            assert verify(body, _evidence(text, s), similarity).ok, s.text
    statuses = [s.status for s in story.summary]
    order = {"corroborated": 0, "contested": 1, "single_source": 2}
    assert statuses == sorted(statuses, key=order.__getitem__)
    first = story.summary[0]
    assert first.status == "corroborated"
    assert "11 March 2024" in first.text and "Kessel" in first.text
    assert len(first.citations) == 3


def test_summary_attributes_both_sides_of_a_contest(summarized) -> None:
    story, _ = summarized
    contested = [s for s in story.summary if s.status == "contested"]
    assert len(contested) == 1
    text = contested[0].text
    assert "Harbor Times reports that" in text and "Northern Ledger reports that" in text
    assert "4 agreements" in text and "three agreements" in text
    assert set(contested[0].citations) == {"aaaa1111", "bbbb2222"}


def _meeting_story(third: str) -> tuple[Story, list[Article]]:
    """Three outlets on one meeting; the third outlet's sentence is ``third``."""
    day = ((0, "on Monday", "2024-03-11"),)
    a = make_article("aaaa1111", "Harbor Times", "2024-03-11T09:00:00+00:00", [
        "Ostrova met President Tomas Brandt at the Kessel Palace on Monday.",
        "The talks covered military training and border patrols."], entities=PEOPLE, dates=day)
    b = make_article("bbbb2222", "Northern Ledger", "2024-03-12T10:00:00+00:00", [
        "Lena Ostrova, Avaria's defence minister, met Tomas Brandt in Kessel on Monday.",
        "Officials said the ministers had discussed training."], entities=PEOPLE, dates=day)
    c = make_article("cccc3333", "Daily Gazette", "2024-03-11T18:00:00+00:00", [
        third, "Rain fell over the capital for most of the day."], entities=PEOPLE, dates=day)
    outlets = ["Harbor Times", "Northern Ledger", "Daily Gazette"]
    claim = Claim("c1", "Ostrova met Brandt in Kessel on Monday.", "corroborated", "fact",
                  outlets, [Support("aaaa1111", 0), Support("bbbb2222", 0),
                            Support("cccc3333", 0)])
    story = Story(id="st0ry0002", title="Ostrova meets Brandt", articles=[a.id, b.id, c.id],
                  outlets=outlets, date_anchor="2024-03-11", claims=[claim])
    return story, [a, b, c]


def test_summary_cites_only_sentences_the_aligner_puts_in_the_claim(similarity) -> None:
    """A citation is kept when the claim aligner would put the cited sentence in one claim
    with the one the summary sentence was written from: a paraphrase, never a denial."""
    settings = Settings()
    story, articles = _meeting_story(
        "Avaria's defence minister Lena Ostrova held talks with Tomas Brandt in Kessel on Monday.")
    summarize(story, articles, settings=settings, similarity=similarity)
    assert set(story.summary[0].citations) == {"aaaa1111", "bbbb2222", "cccc3333"}
    story, articles = _meeting_story(
        "Lena Ostrova, Avaria's defence minister, did not meet Tomas Brandt in Kessel on Monday.")
    summarize(story, articles, settings=settings, similarity=similarity)
    assert "cccc3333" not in story.summary[0].citations


def test_summary_marks_single_source_and_keeps_loaded_terms_out(summarized) -> None:
    story, _ = summarized
    singles = [s for s in story.summary if s.status == "single_source"]
    assert singles and all(s.text.startswith("Only ") for s in singles)
    assert any(s.text.startswith("Only Daily Gazette reports that the meeting") for s in singles)
    assert any("10 March 2024" in s.text for s in singles)
    joined = " ".join(s.text for s in story.summary).lower()
    for word in LOADED_WORDS:
        assert word not in joined


def test_timeline_merges_same_day_reports(summarized) -> None:
    story, _ = summarized
    dates = [e.date for e in story.timeline]
    assert dates == sorted(dates)
    assert dates[0] == "2009"
    monday = [e for e in story.timeline if e.date == "2024-03-11"]
    assert monday and max(len(e.articles) for e in monday) == 3
    assert any(e.date == "2024-03-10" and "10 March 2024" in e.text for e in story.timeline)
    for e in story.timeline:
        assert e.articles and e.support


@pytest.mark.parametrize(("sentence", "date", "background"), [
    ("It was her first visit since she was re-elected last year.", "last year", True),
    ("This is his first trip abroad after he took office in March.", "in March", True),
    ("After the vote on Friday, the minister resigned.", "on Friday", True),
    ("The minister has been in office since March.", "since March", False),
    ("The minister has been in office since March.", "March", False),
    ("The dam burst shortly before midnight on Tuesday after heavy rain.", "on Tuesday", False),
    ("When the minister arrived on Sunday, the mayor greeted her.", "on Sunday", False),
    ("The mayor, who toured the shelter on Monday, promised help.", "on Monday", False),
    ("The talks ended, and the delegates left on Monday after lunch.", "on Monday", False),
])
def test_timeline_leaves_out_dates_of_background_clauses(sentence, date, background) -> None:
    """A date in a "since/after/before ..." clause dates another event than the sentence's."""
    assert in_background_clause(sentence, sentence.index(date)) is background


# -- renderers -------------------------------------------------------------------------------

def test_markdown_and_csv(summarized) -> None:
    story, articles = summarized
    md = render(story, articles, "md")
    assert md.startswith("# Avarian defence minister visits Kessel")
    assert "## Summary" in md and "## Timeline" in md and "## Contradictions" in md
    assert re.search(r"Kessel.*\[\d\]\[\d\]\[\d\]", md)
    quoted = [q for a in articles if a.analysis for q in a.analysis.quotes if q.kind != "scare"]
    quoted[0].affiliation = "Harbour Party"
    assert "\\[Harbour Party\\]" in render(story, articles, "md")  # escaped brackets
    rows = list(csv.DictReader(io.StringIO(render(story, articles, "csv"))))
    assert {r["section"] for r in rows} == {"summary", "claim", "timeline"}
    assert len([r for r in rows if r["section"] == "claim"]) == len(story.claims)
    with pytest.raises(ValueError):
        render(story, articles, "pdf")


def test_a_contrast_of_framing_is_no_contradiction(similarity) -> None:
    """A plain statement beside another outlet's allegation of the same thing is contested
    with the conflict kind "framing": shown as framed differently, apart from contradictions,
    and no outlet's cell says it contradicts."""
    story, articles = make_story()
    c2 = story.claims[1]
    c2.conflict = Conflict("negation", kind="framing", sides=[
        ConflictSide(["Harbor Times"], "affirms", [Support("aaaa1111", 3)]),
        ConflictSide(["Northern Ledger"], "denies", [Support("bbbb2222", 1)])])
    story = summarize(story, articles, settings=Settings(), similarity=similarity)
    view = story_view(story, articles)
    assert not view.contradictions and [f["claim"] for f in view.framed] == [c2.text]
    row = next(r for r in view.matrix if r["id"] == "c2")
    assert row["label"] == "framed differently"
    assert {c["state"] for c in row["cells"] if c["outlet"] != "Daily Gazette"} == {"reports"}
    md = render(story, articles, "md")
    assert "## Framed differently" in md and "## Contradictions" not in md
    assert "| framed differently |" in md
    framed = [item for item in view.summary if item["status"] == "contested"]
    assert framed and all(item["label"] == "framed differently" for item in framed)
    summary = md.split("## Summary")[1].split("## ")[0]
    assert "_(framed differently)_" in summary and "_(contested)_" not in summary


def test_html_report_is_self_contained_and_escaped(summarized) -> None:
    story, articles = summarized
    articles[0].text += " <script>alert(1)</script>"
    html = render(story, articles, "html")
    assert html.count("<script") == 1  # our own inlined script, nothing from the article
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<link" not in html and "http://" not in html and "https://" not in html
    assert "<style>" in html and "Who reports what" in html and "frank and productive" in html
    assert 'id="a-aaaa1111-s1"' in html  # citation target in the reading view
    bundle = render_bundle([story, story], {a.id: a for a in articles})
    assert bundle.count('class="story-report"') == 2


def test_json_report_validates_against_the_schema(summarized) -> None:
    story, articles = summarized
    doc = json.loads(render(story, articles, "json"))
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["schema_version"] == "1.0"
    assert doc["stories"][0]["summary"][0]["citations"]
    broken = json.loads(json.dumps(doc))
    del broken["stories"][0]["summary"][0]["citations"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)
    assert document(articles, [story])["articles"][0]["id"] == articles[0].id


# -- optional LLM rewrite through a fake OpenAI-compatible server -----------------------------

class _FakeLLM(BaseHTTPRequestHandler):
    answers: list[str] = []
    requests: list[dict] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                    "body": body})
        answer = type(self).answers.pop(0) if type(self).answers else "Unrelated text."
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": answer}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(out.encode())

    def log_message(self, *args) -> None:
        pass


def test_llm_rewrite_is_used_only_when_it_passes_the_verifier(similarity, monkeypatch) -> None:
    monkeypatch.delenv("MANYSIDES_LLM_URL", raising=False)
    _, articles = make_story()
    baseline = [s.text for s in summarize(make_story()[0], articles, settings=Settings(),
                                          similarity=similarity).summary]
    server = HTTPServer(("127.0.0.1", 0), _FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        _FakeLLM.answers = [
            "On 11 March 2024, Lena Ostrova met President Tomas Brandt in Kessel.",  # faithful
            "Harbor Times reports that 40 agreements were signed by Karl Weiss.",  # invented
        ]
        _FakeLLM.requests = []
        monkeypatch.setenv("MANYSIDES_LLM_URL", f"http://127.0.0.1:{server.server_port}/v1")
        monkeypatch.setenv("MANYSIDES_LLM_MODEL", "tiny")
        monkeypatch.setenv("MANYSIDES_LLM_KEY", "secret")
        story, articles = make_story()
        story = summarize(story, articles, settings=Settings(), similarity=similarity)
    finally:
        server.shutdown()
    assert _FakeLLM.requests[0]["path"] == "/v1/chat/completions"
    assert _FakeLLM.requests[0]["auth"] == "Bearer secret"
    assert _FakeLLM.requests[0]["body"]["model"] == "tiny"
    texts = [s.text for s in story.summary]
    assert texts[0] == "On 11 March 2024, Lena Ostrova met President Tomas Brandt in Kessel."
    assert texts[1] == baseline[1]  # the invented rewrite was rejected
    assert texts[2:] == baseline[2:]


def test_llm_is_off_by_default(similarity, monkeypatch) -> None:
    monkeypatch.delenv("MANYSIDES_LLM_URL", raising=False)
    assert LLMConfig.from_settings(Settings()) is None


# -- the seeds, end to end -------------------------------------------------------------------

_SEED_DB: dict[str, str] = {}  # one pipeline run per session, shared with test_web


@pytest.fixture(scope="session")
def seed_db(seed_paths, tmp_path_factory) -> str:
    """The seeds run through the real pipeline into a SQLite file; returns its URL."""
    if "url" in _SEED_DB:
        return _SEED_DB["url"]
    url = f"sqlite:///{tmp_path_factory.mktemp('seeds') / 'seeds.db'}"
    store = Store(url)
    try:
        result = run([str(p) for p in seed_paths.values()], store, settings=Settings())
        assert not result.failed, result.failed
    finally:
        store.close()
    _SEED_DB["url"] = url
    return url


def seed_story(url: str) -> tuple[Story, list[Article]]:
    """The seeds' story (the one with the most articles) and its articles."""
    store = Store(url)
    try:
        stories = [store.get_story(s.id) for s in store.list_stories()]
        story = max(stories, key=lambda s: len(s.articles))
        articles = list(store.iter_articles(ids=story.articles, with_analysis=True))
    finally:
        store.close()
    return story, articles


def test_seed_story_summary(seed_db, similarity) -> None:
    story, articles = seed_story(seed_db)
    assert len(articles) == 5
    assert story.summary
    text = StoryText(articles, date_anchor=story.date_anchor)
    for s in story.summary:
        assert s.citations, s.text
        evidence = _evidence(text, s)
        assert evidence, s.text
        if s.status != "contested":
            body = re.sub(r"^Only .+? reports that ", "", s.text)
            body = re.sub(r"^.+? writes: ", "", body)
            assert verify(body, evidence, similarity).ok, s.text
        unquoted = re.sub(r"\u201c[^\u201d]*\u201d", "", s.text).lower()
        for word in LOADED_WORDS:
            assert word not in unquoted, s.text


def test_seed_story_summary_states_the_meeting(seed_db) -> None:
    """The other two outlets' sentences of the meeting are at cosine 0.60 and 0.63 of it,
    below citation_min_similarity: their slots (actors, day, predicate) state it."""
    story, articles = seed_story(seed_db)
    outlets = {a.id: a.outlet for a in articles}
    meeting = [s for s in story.summary if "16 April 2023" in s.text
               and re.search(r"\bPutin\b", s.text)]
    assert meeting, [s.text for s in story.summary]
    assert any(len({outlets[c] for c in s.citations}) >= 3 for s in meeting)


def test_cli_report_on_the_seeds(seed_db, tmp_path) -> None:
    story, _ = seed_story(seed_db)
    runner = CliRunner()
    out = tmp_path / "seeds.json"
    result = runner.invoke(main, ["report", story.id[:8], "--db", seed_db, "--format", "json",
                                  "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text())).validate(doc)
    assert len(doc["articles"]) == 5 and doc["stories"][0]["id"] == story.id
    md = runner.invoke(main, ["report", story.id, "--db", seed_db, "--format", "md"])
    assert md.exit_code == 0 and md.output.startswith("# ")
    # Breitbart quotes Global Times' analysts word for word: the claims table says why they
    # count as one witness
    assert "Breitbart and Global Times run the same words" in md.output
    html = runner.invoke(main, ["report", story.id, "--db", seed_db, "--format", "html"])
    assert html.exit_code == 0 and "<style>" in html.output and html.output.count("<script") == 1
    missing = runner.invoke(main, ["report", "nosuchstory", "--db", seed_db])
    assert missing.exit_code != 0 and "no story" in missing.output
