"""Story clustering: unit tests on synthetic analyses, and the real pipeline on the seeds, the
sample corpus and the distractors (tests/data/distractors)."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from manysides.analyze import analyze_pending
from manysides.analyze.dates import extract_dates
from manysides.analyze.sentences import split_sentences
from manysides.cli import main
from manysides.cluster import assign_stories, choose_anchor, recluster, story_id_for, story_index
from manysides.cluster.assign import (
    FEATURES,
    MemberCache,
    Query,
    candidate_features,
    named_in,
    pair_features,
    term_stats,
)
from manysides.cluster.features import (
    ArticleFeatures,
    article_features,
    load_config,
    published_day,
    text_day,
)
from manysides.cluster.index import StoryEntry, StoryIndex, index_path
from manysides.cluster.lexical import TermStats
from manysides.cluster.story import MemberInfo
from manysides.ingest import ingest
from manysides.models import Article, ArticleAnalysis, DateMention, Entity
from manysides.sample import sample_inputs, story_of
from manysides.settings import Settings
from manysides.store import Store

DISTRACTORS = Path(__file__).parent / "data" / "distractors"
DIM = 384


# -- synthetic articles -----------------------------------------------------------------------


def _unit(seed: int, base: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=DIM).astype(np.float32)
    if base is not None:
        v = base + noise * v / np.linalg.norm(v)
    return (v / np.linalg.norm(v)).astype(np.float32)


def _add(
    store: Store,
    aid: str,
    vec: np.ndarray,
    entities: dict[str, int],
    published: str | None,
    *,
    outlet: str | None = None,
    title: str | None = None,
    duplicate_of: str | None = None,
    text: str | None = None,
    dates: list[DateMention] | None = None,
) -> None:
    art = Article(id=aid, source=f"{aid}.txt", text=text or f"Text of {aid}.", title=title or aid,
                  outlet=outlet, published=published, duplicate_of=duplicate_of)
    store.add_article(art)
    analysis = ArticleAnalysis(entities=[
        Entity(key=k, name=k.replace("-", " ").title(), type="PERSON", mentions=n)
        for k, n in entities.items()
    ], dates=dates or [])
    store.save_analysis(aid, analysis, {"doc": vec})


def _words(n: int) -> str:
    """A text of words no other ``n`` shares (letters only: term vectors drop digits)."""
    stem = "".join(chr(97 + (n // 26**k) % 26) for k in range(3))
    return f"{stem}ion {stem}ary {stem}ology {stem}ment."


def _groups(store: Store) -> set[frozenset[str]]:
    by_story: dict[str, set[str]] = defaultdict(set)
    for art in store.iter_articles(include_duplicates=False):
        if art.story_id:
            by_story[art.story_id].add(art.id)
    return {frozenset(v) for v in by_story.values()}


@pytest.fixture
def two_events(fresh_store: Store) -> Store:
    """Event A (4 articles, April) and event B (3 articles, April, other actors and meaning)."""
    a, b = _unit(1), _unit(2)
    for i, day in enumerate(["2023-04-16", "2023-04-17", None, "2023-04-18"]):
        _add(fresh_store, f"a{i}", _unit(10 + i, a, 0.6), {"li-shangfu": 3, "putin": 2}, day,
             outlet=f"Outlet {i}")
    for i, day in enumerate(["2023-04-17", None, "2023-04-19"]):
        _add(fresh_store, f"b{i}", _unit(20 + i, b, 0.6), {"sanna-marin": 2, "petteri-orpo": 2},
             day)
    return fresh_store


def test_assign_groups_events_and_reports_touched_stories(two_events: Store) -> None:
    ids = [a.id for a in two_events.iter_articles()]
    touched = assign_stories(two_events, ids, settings=Settings())
    assert _groups(two_events) == {
        frozenset({"a0", "a1", "a2", "a3"}), frozenset({"b0", "b1", "b2"})
    }
    assert len(touched) == 2
    story = two_events.get_story(story_id_for("a0"))  # founded by the earliest dated article
    assert story is not None and len(story.articles) == 4
    assert story.first_published == "2023-04-16" and story.last_published == "2023-04-18"
    assert story.outlets == ["Outlet 0", "Outlet 1", "Outlet 3", "Outlet 2"]
    assert story.date_anchor == "2023-04-16"


def test_assign_is_idempotent(two_events: Store) -> None:
    ids = [a.id for a in two_events.iter_articles()]
    assign_stories(two_events, ids, settings=Settings())
    before = _groups(two_events)
    assert assign_stories(two_events, ids, settings=Settings()) == []
    assert _groups(two_events) == before


def test_same_actors_weeks_apart_stay_apart(fresh_store: Store) -> None:
    base = _unit(3)
    ents = {"li-shangfu": 3, "china": 2}
    _add(fresh_store, "april1", _unit(31, base, 0.3), ents, "2023-04-17")
    _add(fresh_store, "april2", _unit(32, base, 0.3), ents, "2023-04-18")
    _add(fresh_store, "june", _unit(33, base, 0.3), ents, "2023-06-04")
    assign_stories(fresh_store, ["april1", "april2", "june"], settings=Settings())
    assert _groups(fresh_store) == {frozenset({"april1", "april2"}), frozenset({"june"})}


def test_like_events_elsewhere_stay_apart_however_alike_the_words(fresh_store: Store) -> None:
    """Undated reports of one kind of event told in the same words (a wire template), each
    naming its own town and people, are as many stories; the second report of each town,
    naming its people, joins the first ("names_apart" in cluster/assign.py)."""
    words = ("Floodwater breached the earthen dam above the valley overnight, and the "
             "regional authority ordered the lower districts evacuated while engineers "
             "inspected the spillway and the river kept rising toward the bridges.")
    base = _unit(7)
    for town in range(6):
        names = {f"town-{town}": 3, f"mayor-{town}": 2, f"engineer-{town}": 1,
                 f"river-{town}": 1, f"minister-{town}": 1, f"hospital-{town}": 1,
                 f"school-{town}": 1, f"bridge-{town}": 1, f"sheriff-{town}": 1}
        for j in range(2):
            _add(fresh_store, f"t{town}-{j}", _unit(100 + 10 * town + j, base, 0.3), names,
                 None, text=words)
    assign_stories(fresh_store, [a.id for a in fresh_store.iter_articles()])
    assert _groups(fresh_store) == {frozenset({f"t{k}-0", f"t{k}-1"}) for k in range(6)}


def test_a_name_spelt_otherwise_is_the_same_name() -> None:
    """A middle initial or a name spelt without its hyphens names the same person
    ("named_in"); a surname alone (two people may share it), another person of the same
    first name, or a word inside a longer name does not."""
    story = {"dana-k-holloway": 3.0, "port-merrin": 1.0, "oconnell-harbour": 1.0}
    article = {"dana-holloway": 2.0, "holloway": 1.0, "o-connell-harbour": 1.0,
               "dana-price": 1.0, "port": 1.0, "merrin-bay": 1.0}
    assert named_in(article, story) == {"dana-holloway", "o-connell-harbour"}
    assert named_in({"port-merrin": 1.0}, story) == {"port-merrin"}


def test_reports_naming_people_differently_form_one_story(fresh_store: Store) -> None:
    """Two outlets name the people and places of one event differently (a middle initial,
    no hyphens): still one story, though each names enough for "names_apart" to judge."""
    words = ("The county board named a new harbour master after a week of hearings on the "
             "dredging contract, and the outgoing master promised an orderly handover.")
    base = _unit(9)
    first = {"dana-k-holloway": 3, "elias-m-varga": 2, "port-merrin": 2, "merrin-county": 1,
             "tomas-reyes": 1, "ines-okafor": 1, "harbour-board": 1, "lena-marsh": 1}
    second = {"dana-holloway": 3, "elias-varga": 2, "portmerrin": 2, "merrincounty": 1,
              "reyes": 1, "okafor": 1, "harbour-board": 1, "marsh": 1}
    _add(fresh_store, "left", _unit(31, base, 0.3), first, "2023-05-02", text=words)
    _add(fresh_store, "right", _unit(32, base, 0.3), second, "2023-05-02", text=words)
    assign_stories(fresh_store, ["left", "right"])
    assert _groups(fresh_store) == {frozenset({"left", "right"})}


def test_unrelated_article_starts_its_own_story(fresh_store: Store) -> None:
    _add(fresh_store, "x", _unit(4), {"a-person": 1}, "2023-04-17")
    _add(fresh_store, "y", _unit(5), {"b-person": 1}, "2023-04-17")
    assign_stories(fresh_store, ["x", "y"], settings=Settings())
    assert _groups(fresh_store) == {frozenset({"x"}), frozenset({"y"})}


def test_duplicates_and_unanalysed_articles_are_left_out(fresh_store: Store) -> None:
    _add(fresh_store, "orig", _unit(6), {"p": 1}, "2023-04-17")
    _add(fresh_store, "copy", _unit(6), {"p": 1}, "2023-04-17", duplicate_of="orig")
    fresh_store.add_article(Article(id="bare", source="bare.txt", text="No analysis yet."))
    touched = assign_stories(fresh_store, ["orig", "copy", "bare"], settings=Settings())
    assert len(touched) == 1
    assert fresh_store.get_article("copy").story_id is None
    assert fresh_store.get_article("bare").story_id is None


def test_incremental_one_by_one_equals_recluster(two_events: Store) -> None:
    ids = [a.id for a in two_events.iter_articles()]
    for aid in ids:
        assign_stories(two_events, [aid], settings=Settings())
    incremental = _groups(two_events)
    recluster(two_events, settings=Settings())
    assert _groups(two_events) == incremental


def test_candidates_come_from_the_index_not_all_stories(fresh_store: Store) -> None:
    """With hundreds of stories over a year, the index holds the last few weeks and an
    article is scored against a bounded few; a late article finds its story in the store."""
    config = load_config()
    rng = np.random.default_rng(0)
    ids, days = [], {}
    for i in range(400):
        days[f"s{i}"] = 738600 + int(rng.integers(0, 365))
        _add(fresh_store, f"s{i}", _unit(1000 + i), {f"person-{i}": 1},
             date.fromordinal(days[f"s{i}"]).isoformat(),
             text=_words(i))  # 400 unrelated stories
        ids.append(f"s{i}")
    assign_stories(fresh_store, ids, settings=Settings())
    index = story_index(fresh_store)
    live = {story_id_for(a) for a, d in days.items() if d >= max(days.values()) - 30}
    assert set(index.entries) == live and 10 < len(live) < 60
    old = min(days, key=days.get)  # the oldest story: long expired from the index
    assert story_id_for(old) not in index.entries
    probe = fresh_store.get_article(old, with_analysis=True)
    feats = article_features(probe, fresh_store.get_vectors([old], "doc")[old], config)
    index.cover(fresh_store, feats.day)
    assert story_id_for(old) in index.entries
    assert len(index) < len(live) + 40  # only stories near its day came back
    gathered = set(index.nearest(feats.vector, config["candidates"]["ann_k"]))
    gathered |= index.sharing(list(feats.entities), per_key=config["candidates"]["per_entity"],
                              max_keys=config["candidates"]["entities"])
    assert len(gathered) <= config["candidates"]["ann_k"] + 1  # neighbours + by name, not 400
    stats = term_stats(fresh_store)
    scored = candidate_features(Query.of(feats, stats), index, stats, config)
    assert 0 < len(scored) <= config["candidates"]["max_scored"]
    assert scored[0][0] == story_id_for(old)  # closest by centroid first


def _two_months_of_other_news(store: Store, first: date) -> None:
    ids = []
    for i in range(60):  # one story a day, each its own names and meaning
        ids.append(f"n{i}")
        _add(store, ids[-1], _unit(900 + i), {f"other-{i}": 2},
             (first + timedelta(days=i)).isoformat())
    assign_stories(store, ids, settings=Settings())


def test_a_late_article_joins_its_expired_story(fresh_store: Store) -> None:
    """Stories fall out of the index as the news moves on; an article published back then,
    arriving months later, still joins its story rather than founding a duplicate."""
    event = _unit(7)
    _add(fresh_store, "early", _unit(70, event, 0.3), {"li-shangfu": 3, "moscow": 1},
         "2023-01-10")
    assign_stories(fresh_store, ["early"], settings=Settings())
    _two_months_of_other_news(fresh_store, date(2023, 1, 12))
    index = story_index(fresh_store)
    assert story_id_for("early") not in index.entries
    assert len(index) <= 31
    _add(fresh_store, "late", _unit(71, event, 0.3), {"li-shangfu": 2, "moscow": 1},
         "2023-01-11")
    assign_stories(fresh_store, ["late"], settings=Settings())
    assert fresh_store.get_article("late").story_id == story_id_for("early")
    assert fresh_store.get_story(story_id_for("early")).articles == ["early", "late"]
    # held while the backfill goes on; gone once newer news moves the window
    assert story_id_for("early") in index.entries
    _add(fresh_store, "next", _unit(990), {"other-next": 2}, "2023-03-14")
    assign_stories(fresh_store, ["next"], settings=Settings())
    assert story_id_for("early") not in index.entries and len(index) <= 31


def test_member_cache_forgets_expired_and_least_recent_stories() -> None:
    def info(aid: str) -> MemberInfo:
        return MemberInfo(id=aid, title=aid, outlet=None, published="2023-04-16")

    cache = MemberCache(limit=4)
    for sid, aids in (("old", ["a", "b"]), ("mid", ["c", "d"]), ("new", ["e"])):
        for aid in aids:
            cache.add(sid, info(aid))
    cache.add("new", info("e"))  # the same member again: counted once
    assert len(cache) == 5
    cache.of("old")  # touched: now the most recent
    cache.trim()  # over the limit: the least recently touched story goes
    assert len(cache) == 3 and set(cache.of("mid")) == set()
    assert set(cache.of("old")) == {"a", "b"}
    cache.forget(["old", "gone"])
    assert len(cache) == 1 and set(cache.of("new")) == {"e"}


def test_index_is_persisted_beside_a_sqlite_file_and_reconciled(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    store = Store(str(db))
    for i in range(3):
        _add(store, f"a{i}", _unit(40 + i, _unit(4), 0.3), {"x": 2}, f"2023-04-1{i}")
    assign_stories(store, ["a0", "a1", "a2"], settings=Settings())
    story_index(store).maybe_save(force=True)
    path = index_path(store)
    assert path is not None and Path(str(path) + ".hnsw").exists()
    loaded = StoryIndex.load(path, store)
    assert loaded is not None and set(loaded.entries) == {story_id_for("a0")}
    held = story_index(store).entries[story_id_for("a0")]
    assert np.allclose(loaded.entries[story_id_for("a0")].centroid, held.centroid)
    assert loaded.entries[story_id_for("a0")].count == 3
    # another writer adds a story: a process loading the files picks it up from the store
    _add(store, "b0", _unit(50), {"y": 1}, "2023-04-12")
    other = Store(str(db))
    assign_stories(other, ["b0"], settings=Settings())
    fresh = story_index(Store(str(db)))
    assert set(fresh.entries) == {story_id_for("a0"), story_id_for("b0")}
    assert fresh.nearest(_unit(50), 1) == [story_id_for("b0")]
    store.close()
    other.close()


def test_index_files_keep_only_the_live_window(tmp_path: Path) -> None:
    """Saved and loaded again, the index holds the same live stories; expired graph nodes are
    reused by new stories, so the graph does not grow with the store's history."""
    db = tmp_path / "news.db"
    store = Store(str(db))
    ids = []
    for i in range(200):  # 200 one-article stories over 200 days
        _add(store, f"d{i}", _unit(3000 + i), {f"p-{i}": 2},
             (date(2023, 1, 1) + timedelta(days=i)).isoformat())
        ids.append(f"d{i}")
    for start in range(0, 200, 20):
        assign_stories(store, ids[start : start + 20], settings=Settings())
    index = story_index(store)
    assert set(index.entries) == {story_id_for(f"d{i}") for i in range(169, 200)}
    assert index._hnsw.get_current_count() < 80  # nodes reused, not 200
    index.maybe_save(force=True)
    path = index_path(store)
    assert path is not None
    reloaded = StoryIndex.load(path, Store(str(db)))
    assert reloaded is not None and set(reloaded.entries) == set(index.entries)
    assert reloaded.nearest(_unit(3199), 1) == [story_id_for("d199")]
    rebuilt = StoryIndex.build(Store(str(db)))
    assert set(rebuilt.entries) == set(index.entries)
    store.close()


def test_anchor_best_explains_relative_dates() -> None:
    """Reports dated on Monday say "on Sunday"; an undated report says "on Sunday" too."""
    def art(aid: str, text: str, published: str | None) -> Article:
        sentences = split_sentences(text)
        dates = extract_dates(text, sentences, published)
        return Article(id=aid, source=aid, text=text, published=published,
                       analysis=ArticleAnalysis(sentences=sentences, dates=dates))

    dated = art("d", "The minister met the president on Sunday. Talks went on on Monday.",
                "2023-04-18T09:00:00+08:00")
    undated = art("u", "The president welcomed the minister on Sunday and they met again on "
                       "Monday.", None)
    assert choose_anchor([dated]) == "2023-04-18"
    anchor = choose_anchor([dated, undated])
    assert anchor in ("2023-04-17", "2023-04-18")
    resolved = {d.text: d.resolved for d in extract_dates(undated.text, [], anchor)}
    assert resolved["Sunday"] == "2023-04-16" and resolved["Monday"] == "2023-04-17"
    assert choose_anchor([undated]) is None


# -- the real pipeline on real and sample inputs ----------------------------------------------


@pytest.fixture(scope="module")
def analysed(
    tmp_path_factory: pytest.TempPathFactory, seed_paths: dict[str, Path]
) -> tuple[Path, list[str]]:
    """Seeds + sample corpus + distractors, ingested and analysed (no stories yet), and the
    article ids in input order."""
    db = tmp_path_factory.mktemp("cluster") / "corpus.db"
    store = Store(str(db))
    inputs = [str(p) for p in seed_paths.values()]
    inputs += [str(p) for p in sample_inputs()]
    inputs += [str(p) for p in sorted(DISTRACTORS.glob("*.txt"))]
    report = ingest(inputs, store, settings=Settings())
    assert not report.failed
    analyze_pending(store, settings=Settings())
    store.close()
    return db, list(report.new)


@pytest.fixture(scope="module")
def analysed_db(analysed: tuple[Path, list[str]]) -> Path:
    return analysed[0]


def _label(source: str) -> str:
    if "/seeds/" in source:
        return "seeds"
    if "/distractors/" in source:
        return "distractor:" + Path(source).stem
    return story_of(source) or "?"


def _labelled_groups(store: Store) -> list[list[str]]:
    by_story: dict[str, list[str]] = defaultdict(list)
    for art in store.iter_articles(include_duplicates=False):
        assert art.story_id, f"{art.source} has no story"
        by_story[art.story_id].append(_label(art.source))
    return sorted(sorted(v) for v in by_story.values())


@pytest.fixture(scope="module")
def clustered_db(analysed_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("clustered") / "corpus.db"
    shutil.copy(analysed_db, db)
    store = Store(str(db))
    recluster(store, settings=Settings())
    store.close()
    return db


def test_seeds_form_one_story_and_nothing_else_joins(clustered_db: Path) -> None:
    store = Store(str(clustered_db))
    groups = _labelled_groups(store)
    assert ["seeds"] * 5 in groups
    for group in groups:
        if "seeds" in group:
            assert group == ["seeds"] * 5
    distractors = [g for g in groups if any(x.startswith("distractor:") for x in g)]
    assert all(len(g) == 1 for g in distractors), distractors
    june = [g for g in groups if g == ["distractor:li-shangfu-singapore-june-2023"]]
    assert len(june) == 1


def test_each_sample_story_is_recovered(clustered_db: Path) -> None:
    store = Store(str(clustered_db))
    groups = _labelled_groups(store)
    assert ["orven-dam"] * 4 in groups
    assert ["sarnow-summit"] * 4 in groups
    assert ["tessel-pipeline"] * 4 in groups


def test_story_fields_on_the_sample(clustered_db: Path) -> None:
    store = Store(str(clustered_db))
    summit = [s for s in store.list_stories() if len(s.articles) == 4 and "Meridian Wire" in
              s.outlets and (s.first_published or "").startswith("2024-05")]
    assert len(summit) == 1
    story = store.get_story(summit[0].id)
    assert set(story.outlets) == {"Meridian Wire", "The Caldera Post", "National Courier",
                                  "Liberty Frontline"}
    assert story.date_anchor == "2024-05-20"
    assert story.first_published.startswith("2024-05-20")
    assert "Sell-Out" not in story.title  # the partisan headline is never the story's title
    seeds = [s for s in store.list_stories() if len(s.articles) == 5]
    assert seeds and seeds[0].date_anchor and seeds[0].date_anchor.startswith("2023-04-1")


def test_incremental_assignment_matches_recluster(
    analysed: tuple[Path, list[str]], clustered_db: Path, tmp_path: Path
) -> None:
    """Articles added one by one as they arrive (input order: seeds, sample, distractors)."""
    db = tmp_path / "incremental.db"
    shutil.copy(analysed[0], db)
    store = Store(str(db))
    for article_id in analysed[1]:
        assign_stories(store, [article_id], settings=Settings())
    incremental = _labelled_groups(store)
    assert incremental == _labelled_groups(Store(str(clustered_db)))


def test_cli_stories_story_and_recluster(clustered_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    shutil.copy(clustered_db, db)
    runner = CliRunner()
    result = runner.invoke(main, ["stories", "--db", str(db)])
    assert result.exit_code == 0, result.output
    store = Store(str(db))
    listed = store.list_stories()
    assert all(s.id[:10] in result.output for s in listed)
    seeds = [s for s in listed if len(s.articles) == 5][0]
    result = runner.invoke(main, ["story", seeds.id[:8], "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "Breitbart" in result.output and f"date anchor (for undated articles): " \
        f"{seeds.date_anchor}" in " ".join(result.output.split())
    members = store.get_story(seeds.id).articles
    assert all(aid[:10] in result.output for aid in members)
    result = runner.invoke(main, ["story", "nosuchstory", "--db", str(db)])
    assert result.exit_code != 0 and "no story" in result.output
    result = runner.invoke(main, ["recluster", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "stories" in result.output


def test_undated_article_day_comes_from_full_dates_in_its_text() -> None:
    def mention(text: str, resolved: str | None) -> DateMention:
        return DateMention(text=text, start=0, end=len(text), resolved=resolved)

    art = Article(id="u", source="u", text="...", analysis=ArticleAnalysis(dates=[
        mention("October 2019", "2019-10-01/2019-10-31"),          # a month: too coarse
        mention("Sunday", "2023-04-16"),                           # relative: no year written
        mention("June 2 to June 4, 2023", "2023-06-02/2023-06-04"),
        mention("2018", "2018-01-01/2018-12-31"),
    ]))
    assert text_day(art) == published_day("2023-06-04")
    art.analysis.dates = art.analysis.dates[:2]
    assert text_day(art) is None
    assert published_day("2023-04-17T21:43:00+08:00") == published_day("2023-04-17")
    assert published_day("not a date") is None


def test_nearest_reads_a_graph_that_cannot_answer_in_full() -> None:
    index = StoryIndex(DIM)
    base = _unit(1)
    for n, noise in enumerate((0.1, 0.5, 2.0)):
        index.upsert(f"s{n}", _unit(10 + n, base, noise), {}, first_published=None,
                     last_published=None, count=1)
    assert index.nearest(base, 3)[0] == "s0"

    class Cut:  # hnswlib when deleted nodes leave fewer than k reachable
        def knn_query(self, *_: object, **__: object) -> None:
            raise RuntimeError("Cannot return the results in a contiguous 2D array")

    index._hnsw = Cut()
    assert index.nearest(base, 2) == ["s0", "s1"]


def test_a_story_growing_day_by_day_counts_the_days_it_would_span() -> None:
    day = date(2024, 3, 4).toordinal()
    index, stats = StoryIndex(DIM), TermStats()
    story = StoryEntry(id="s", label=0, centroid=_unit(1), first_day=day, last_day=day + 3)
    span = FEATURES.index("span")

    def span_with(article_day: int | None) -> float:
        feats = ArticleFeatures(id="a", vector=_unit(2), day=article_day, dated=True)
        query = Query.of(feats, stats)
        return float(pair_features(query, story, 0.5, story.gap_days(article_day), index,
                                   stats, 10)[span])

    assert span_with(day + 1) == pytest.approx(0.3)  # inside: the story's own three days
    assert span_with(day + 8) == pytest.approx(0.8)  # a week on: eight days from its first
    assert span_with(None) == 0.0


def test_an_undated_report_recalling_an_old_date_joins_a_later_story(fresh_store: Store) -> None:
    """The latest full date an undated article writes out bounds its day from below: a report
    that recalls "January 27, 2017" can be one of a story of April 2018."""
    base = _unit(5)
    ents = {"james-comey": 3, "fbi": 2}
    for n, day in enumerate(("2018-04-19", "2018-04-20")):
        _add(fresh_store, f"memo{n}", _unit(50 + n, base, 0.3), ents, day)
    assign_stories(fresh_store, ["memo0", "memo1"])
    recalled = "January 27, 2017"
    _add(fresh_store, "late", _unit(52, base, 0.3), ents, None,
         dates=[DateMention(text=recalled, start=0, end=len(recalled), resolved="2017-01-27")])
    assign_stories(fresh_store, ["late"])  # arrives later, on its own
    assert _groups(fresh_store) == {frozenset({"memo0", "memo1", "late"})}


def test_an_undated_page_finds_its_old_story_by_name(fresh_store: Store) -> None:
    """An article with no date at all (none published, none written out) may report a story
    that left the live window long ago: the stored stories naming its rarest names are
    compared with it (``StoryIndex.recall_named``), and it joins its own, which the index
    holds from then on.  One that shares no name with that story does not join it, and the
    index keeps only its live window."""
    event = _unit(7)
    names = {"oksana-veremchuk": 3, "kherson-port-authority": 2}
    told = ("Oksana Veremchuk of the Kherson port authority reopened the grain terminal "
            "after the barge collision, and harbour pilots resumed escorting freighters.")
    for n, day in enumerate(("2023-01-10", "2023-01-11")):
        _add(fresh_store, f"early{n}", _unit(70 + n, event, 0.3), names, day, text=told)
    assign_stories(fresh_store, ["early0", "early1"], settings=Settings())
    _two_months_of_other_news(fresh_store, date(2023, 1, 12))
    index = story_index(fresh_store)
    old = story_id_for("early0")
    assert old not in index.entries
    _add(fresh_store, "stranger", _unit(72), {"someone-else": 3}, None)
    assign_stories(fresh_store, ["stranger"], settings=Settings())
    assert old not in index.entries
    assert fresh_store.get_article("stranger").story_id != old
    _add(fresh_store, "undated", _unit(73, event, 0.3), names, None,
         text=f"Grain terminal reopened. {told}")
    assign_stories(fresh_store, ["undated"], settings=Settings())
    assert index.entries[old].recalled
    assert fresh_store.get_article("undated").story_id == old
    assert sorted(fresh_store.get_story(old).articles) == ["early0", "early1", "undated"]


def _feature(name: str, index: StoryIndex, story: StoryEntry, article_day: int | None,
             is_dated: bool) -> float:
    """Feature ``name`` of an article of ``article_day`` (published or estimated) against
    ``story``."""
    feats = ArticleFeatures(id="a", vector=_unit(2), day=article_day, dated=is_dated)
    stats = TermStats()
    row = pair_features(Query.of(feats, stats), story, 0.5, 0, index, stats, 10)
    return float(row[FEATURES.index(name)])


def test_past_window_for_an_undated_article_against_a_story_recalled_by_name() -> None:
    """"past_window" is 1 only when nothing dates the article against the story and the
    story was loaded from the store by name (it had left the live window)."""
    day = date(2023, 3, 30).toordinal()
    index = StoryIndex(DIM)
    recalled = StoryEntry(id="o", label=0, centroid=_unit(1), first_day=day, last_day=day + 2,
                          recalled=True)
    live = StoryEntry(id="l", label=1, centroid=_unit(1), first_day=day, last_day=day + 2)

    def value(story: StoryEntry, article_day: int | None, is_dated: bool) -> float:
        return _feature("past_window", index, story, article_day, is_dated)

    assert value(recalled, None, False) == 1.0
    assert value(recalled, day + 1, True) == 0.0  # a late article of its own days
    assert value(recalled, day + 1, False) == 0.0  # a full date in its text dates it
    assert value(live, None, False) == 0.0


def test_time_unknown_when_the_article_or_the_story_has_no_day() -> None:
    """"time_unknown" is 1 when the article's day is unknown against the story (no
    publication date and no full date written out, or only one earlier than the story: a
    lower bound, ``_known_day``) or the story has no day (undated articles only); a dated
    article, or an estimate inside a dated story, give 0."""
    day = date(2024, 3, 4).toordinal()
    index = StoryIndex(DIM)
    dated = StoryEntry(id="s", label=0, centroid=_unit(1), first_day=day, last_day=day + 3)
    undated = StoryEntry(id="u", label=1, centroid=_unit(1))

    def value(story: StoryEntry, article_day: int | None, is_dated: bool) -> float:
        return _feature("time_unknown", index, story, article_day, is_dated)

    assert value(dated, None, False) == 1.0
    assert value(dated, day - 30, False) == 1.0  # recalls an older date: could be later
    assert value(dated, day + 1, False) == 0.0
    assert value(dated, day + 1, True) == 0.0
    assert value(undated, None, False) == 1.0
    assert value(undated, day, True) == 1.0
