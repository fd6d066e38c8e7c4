"""The whole job end to end, through the CLI, on the seeds and the bundled sample corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from manysides import contract, pipeline
from manysides.analyze import analyze_pending
from manysides.cli import main
from manysides.ingest import ingest
from manysides.sample import sample_inputs
from manysides.settings import Settings
from manysides.store import Store

ARTICLE_KEYS = {
    "id", "source", "outlet", "title", "section", "published", "updated", "language", "text",
    "removed", "duplicate_of", "entities", "quotes", "dates",
}
STORY_KEYS = {
    "id", "title", "articles", "outlets", "first_published", "last_published", "date_anchor",
    "claims", "omissions", "framing", "summary", "timeline",
}


@pytest.fixture(scope="module")
def seeds_document(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("analyze") / "seeds.json"
    result = CliRunner().invoke(main, ["analyze", str(seeds_dir), "--json", str(out)])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def test_analyze_json_follows_the_contract(seeds_document: dict) -> None:
    assert seeds_document["schema_version"] == contract.SCHEMA_VERSION
    assert seeds_document["failed"] == []
    assert len(seeds_document["articles"]) == 5
    for article in seeds_document["articles"]:
        assert ARTICLE_KEYS <= article.keys()
        assert article["text"] and article["entities"]
    for story in seeds_document["stories"]:
        assert STORY_KEYS <= story.keys()


def test_seeds_form_one_story_with_a_cited_summary(seeds_document: dict) -> None:
    assert len(seeds_document["stories"]) == 1
    story = seeds_document["stories"][0]
    assert sorted(story["outlets"]) == ["Breitbart", "Global Times", "South China Morning Post"]
    assert story["summary"], "the story has a summary"
    assert all(s["citations"] for s in story["summary"])


def test_rerun_is_idempotent(seeds_dir: Path, fresh_store: Store) -> None:
    first = pipeline.run([str(seeds_dir)], fresh_store, settings=Settings())
    assert len(first.new) == 5
    second = pipeline.run([str(seeds_dir)], fresh_store, settings=Settings())
    assert second.new == [] and sorted(second.existing) == sorted(first.new)
    assert second.analyzed == []
    assert fresh_store.count_articles() == 5


def test_articles_analysed_by_ingest_get_their_story_on_the_next_run(
    seeds_dir: Path, fresh_store: Store
) -> None:
    """``ingest --analyze`` (or a run killed after analysing) leaves analysed articles without
    a story: the next run assigns them, though it has nothing new to analyse."""
    ingest([str(seeds_dir)], fresh_store, settings=Settings())
    assert len(analyze_pending(fresh_store, settings=Settings())) == 5
    result = pipeline.run([str(seeds_dir)], fresh_store, settings=Settings())
    assert result.analyzed == [] and len(result.stories) == 1
    assert fresh_store.article_ids_without_story() == []


def test_bad_input_is_reported_and_the_batch_goes_on(seeds_paths_and_bad: list[str]) -> None:
    result = CliRunner().invoke(main, ["analyze", *seeds_paths_and_bad])
    assert result.exit_code == 1
    assert "does-not-exist.txt" in result.output


@pytest.fixture
def seeds_paths_and_bad(seed_paths: dict[str, Path], tmp_path: Path) -> list[str]:
    return [str(seed_paths["001"]), str(tmp_path / "does-not-exist.txt")]


def test_demo_runs_on_the_sample_corpus(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/demo.db"
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--db", db])
    assert result.exit_code == 0, result.output
    store = Store(db)
    assert store.count_articles() >= 10
    assert len(store.list_stories()) >= 3


def test_undated_seed_resolves_sunday_through_the_story(seeds_document: dict) -> None:
    """Seed 000 carries no date: its "on Sunday" resolves through the story's date anchor."""
    undated = [a for a in seeds_document["articles"] if a["title"].startswith("Trip to deepen")]
    assert len(undated) == 1 and undated[0]["published"] is None
    sundays = [d["resolved"] for d in undated[0]["dates"] if d["text"] == "Sunday"]
    assert sundays and set(sundays) == {"2023-04-16"}


def test_sentence_vectors_are_made_for_stories_of_several_articles(
    fresh_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Analysis embeds only the lead; comparing a story of 2+ articles embeds and stores the
    rest once; a story of one article embeds nothing; the process pool gives the same claims."""
    distractor = Path(__file__).parent / "data" / "distractors" / "harbour-cup-final.txt"
    inputs = [str(p) for p in sample_inputs()] + [str(distractor)]
    result = pipeline.run(inputs, fresh_store, settings=Settings(workers=1))
    stories = [fresh_store.get_story(i) for i in result.stories]
    several = [s for s in stories if len(s.articles) > 1]
    single = [s for s in stories if len(s.articles) == 1]
    assert several and single
    for story in several:
        vectors = fresh_store.get_vectors(story.articles, "sentences")
        assert set(vectors) == set(story.articles)
        task = pipeline._story_task(fresh_store, story.id)
        assert pipeline.compare_and_summarize(task, settings=Settings())[1] == {}  # re-used
    assert fresh_store.get_vectors(single[0].articles, "sentences") == {}

    monkeypatch.setattr(pipeline, "POOL_MIN_STORIES", 1)
    pooled = pipeline.refresh_stories(fresh_store, result.stories, settings=Settings(workers=2))
    by_id = {s.id: s for s in pooled}
    assert len(pooled) == len(stories)
    for story in stories:
        assert [c.text for c in by_id[story.id].claims] == [c.text for c in story.claims]
        assert [s.text for s in by_id[story.id].summary] == [s.text for s in story.summary]
