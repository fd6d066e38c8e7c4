"""The store on SQLite and PostgreSQL: migrations, round trips, full-text search, feed state,
nearest stories, and concurrent writers.

Every store test runs on both backends.  The PostgreSQL half needs ``MANYSIDES_TEST_PG_URL``
(``.ci/run`` starts a throw-away server and sets it); without it those tests skip with that
reason locally and fail under ``CI=true``.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa
from alembic import command

from conftest import SAMPLE
from manysides import migrations
from manysides.models import (
    Article,
    ArticleAnalysis,
    Failure,
    Sentence,
    Story,
    SummarySentence,
)
from manysides.store import AddResult, Store, StoryRow, schema

PG_ENV = "MANYSIDES_TEST_PG_URL"
HOSTILE_QUERIES = [
    '"', '""', 'AND (', "OR", "NOT", "*", "dam*", "title:dam", "NEAR(dam pipeline)",
    "'; DROP TABLE articles; --", "a & b | !c", ":*", "(((", "\\", "-dam", "^dam", "",
    "   ", "dam AND", '"unbalanced phrase', "🙂", "x" * 500,
]


def pg_url_or_skip() -> str:
    """The test PostgreSQL URL; skip without it (fail under CI=true, which must test both)."""
    url = os.environ.get(PG_ENV)
    if url:
        return url
    reason = f"{PG_ENV} is unset: the PostgreSQL store tests need a server (.ci/run starts one)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: not allowed to skip)")
    pytest.skip(reason)


def reset_pg(url: str) -> None:
    """Empty the test database (every table, the migration history, the search index)."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each backend: a SQLite file, or the emptied test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url = pg_url_or_skip()
    reset_pg(url)
    return url


@pytest.fixture
def store(db_url: str) -> Store:
    s = Store(db_url)
    yield s
    s.close()


def sample_articles() -> list[Article]:
    """The bundled sample corpus (fictional, ours) as bare articles: id = file stem."""
    out = []
    for i, path in enumerate(sorted((SAMPLE / "articles").glob("*.txt"))):
        text = path.read_text(encoding="utf-8")
        title = next(line for line in text.splitlines() if line.strip())
        out.append(Article(
            id=f"s{i:02d}", source=str(path), text=text, title=title,
            outlet=path.stem.split("_")[1], published=f"2026-03-{i + 1:02d}",
        ))
    return out


# -- migrations ---------------------------------------------------------------------------


def test_migrated_schema_matches_metadata(store: Store) -> None:
    assert migrations.schema_diff(store.engine) == []
    with store.engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.head_revision()
    names = set(sa.inspect(store.engine).get_table_names())
    assert set(schema.metadata.tables) <= names


def test_create_is_idempotent_and_reopens(db_url: str) -> None:
    first = Store(db_url)
    first.add_article(Article(id="a1", source="x", text="One article."))
    first.close()
    again = Store(db_url)  # upgrade is a no-op at head; data kept
    assert again.count_articles() == 1
    assert migrations.schema_diff(again.engine) == []
    again.close()


def test_downgrade_to_base_then_upgrade(store: Store) -> None:
    with store.engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "base")
    assert "articles" not in sa.inspect(store.engine).get_table_names()
    store.create()
    assert migrations.schema_diff(store.engine) == []
    store.add_article(Article(id="a1", source="x", text="Searchable after the round trip."))
    assert [h.article_id for h in store.search("round trip")] == ["a1"]


def test_pre_migration_database_is_stamped_and_upgraded(db_url: str) -> None:
    """A database made by the v1 store (create_all of the v1 tables, no history) is adopted."""
    engine = sa.create_engine(db_url)
    v1 = sa.MetaData()
    for name in ("articles", "article_bands", "embeddings", "stories", "failures"):
        schema.metadata.tables[name].to_metadata(v1)
    for column in ("terms", "event_days", "compared"):  # stories columns of migrations 0004+
        v1.tables["stories"]._columns.remove(v1.tables["stories"].c[column])
    v1.tables["articles"].indexes.discard(
        next(i for i in v1.tables["articles"].indexes if i.name == "ix_articles_ingested_at")
    )
    v1.create_all(engine)
    with engine.begin() as conn:
        conn.execute(v1.tables["articles"].insert().values(
            id="old", source="x", text="Written before migrations existed.", raw_text="",
            removed=[],
        ))
    engine.dispose()
    store = Store(db_url)
    assert migrations.schema_diff(store.engine) == []
    assert [h.article_id for h in store.search("migrations existed")] == ["old"]
    store.close()


# -- round trips --------------------------------------------------------------------------


def test_article_analysis_vectors_story_failure_round_trip(store: Store) -> None:
    art = Article(id="a" * 32, source="/in/a.txt", text="Dam opens. Crowds cheer.",
                  title="Dam opens", outlet="caldera-post", published="2026-03-01")
    assert store.add_article(art, bands=["b1", "b2"]) is AddResult.NEW
    assert store.add_article(art, bands=["b1"]) is AddResult.EXISTS
    dup = Article(id="d" * 32, source="/in/b.txt", text="Dam opens! Crowds cheer.",
                  duplicate_of=art.id)
    assert store.add_article(dup, bands=["b2"]) is AddResult.DUPLICATE
    assert set(store.articles_sharing_bands(["b2"])) == {art.id, dup.id}

    analysis = ArticleAnalysis(sentences=[Sentence(0, 0, 10, "Dam opens."),
                                          Sentence(1, 11, 24, "Crowds cheer.")])
    sent = np.arange(2 * 384, dtype=np.float32).reshape(2, 384) / 1000
    store.save_analysis(art.id, analysis, {"sentences": sent, "doc": sent[0]})
    got = store.get_article(art.id[:6])
    assert got is not None and got.analysis == analysis and got.title == "Dam opens"
    vec = store.get_vectors([art.id], "sentences")[art.id]
    assert vec.shape == (2, 384) and np.allclose(vec, sent, atol=1e-2)
    assert store.article_ids_without_analysis("1") == []

    story = Story(id="st1", title="Dam opens", articles=[art.id], outlets=["caldera-post"],
                  first_published="2026-03-01", last_published="2026-03-01",
                  summary=[SummarySentence("The dam opened.", [art.id], "corroborated")])
    store.save_story(story, centroid=np.ones(384), entity_keys=["gpe:orven"])
    loaded = store.get_story("st1")
    assert loaded is not None and loaded.articles == [art.id] and loaded.summary == story.summary
    assert store.get_article(art.id).story_id == "st1"

    store.record_failure(Failure(input="/in/bad.pdf", reason="not text"))
    assert store.failures() == [Failure(input="/in/bad.pdf", reason="not text")]


def test_ids_by_unique_prefix_and_vectors_replaced_with_a_new_analysis(store: Store) -> None:
    for sid in ("c0ffee11aa", "c0ffee22bb"):  # ids are hex digests
        store.save_story(Story(id=sid, title=sid, articles=[], outlets=[]))
    assert store.get_story("c0ffee1").id == "c0ffee11aa"
    assert store.get_story("c0ffee22bb").id == "c0ffee22bb"
    assert store.get_story("c0ffee") is None  # ambiguous
    assert store.get_story("c0ffee3") is None

    art = Article(id="b" * 32, source="/in/b.txt", text="Dam opens.")
    store.add_article(art)
    analysis = ArticleAnalysis(sentences=[Sentence(0, 0, 10, "Dam opens.")])
    store.save_analysis(art.id, analysis, {"doc": np.ones(384)})
    store.save_vectors(art.id, {"sentences": np.ones((1, 384))})
    assert set(store.get_vectors([art.id], "sentences")) == {art.id}
    store.save_analysis(art.id, analysis)  # no vectors given: the stored ones stay
    assert set(store.get_vectors([art.id], "sentences")) == {art.id}
    store.save_analysis(art.id, analysis, {"doc": np.ones(384)})  # a new analysis: replaced
    assert store.get_vectors([art.id], "sentences") == {}
    assert set(store.get_vectors([art.id], "doc")) == {art.id}


def test_nearest_stories(store: Store) -> None:
    rng = np.random.default_rng(0)
    centroids = {f"st{i}": rng.normal(size=16).astype(np.float32) for i in range(5)}
    for sid, c in centroids.items():
        store.save_story(Story(id=sid, title=sid, articles=[], outlets=[]), centroid=c)
    store.save_story(Story(id="nocentroid", title="x", articles=[], outlets=[]))
    query = centroids["st3"] + 0.05 * rng.normal(size=16).astype(np.float32)
    hits = store.nearest_stories(query, k=3)
    assert [h[0] for h in hits][0] == "st3" and len(hits) == 3
    assert hits[0][1] > 0.95 and hits[0][1] >= hits[1][1] >= hits[2][1]
    assert "nocentroid" not in {h[0] for h in store.nearest_stories(query, k=10)}


def test_story_rows_select_by_span(store: Store) -> None:
    """The story index loads live stories by their last day and late ones by their span."""
    spans = {
        "march": ("2023-03-01T08:00:00+00:00", "2023-03-04T20:00:00+00:00"),
        "april": ("2023-04-10", "2023-04-16T23:59:00+08:00"),
        "long": ("2023-02-01T00:00:00+00:00", "2023-04-20T10:00:00+00:00"),
        "undated": (None, None),
    }
    for sid, (first, last) in spans.items():
        store.save_story(Story(id=sid, title=sid, articles=[], outlets=[], first_published=first,
                               last_published=last), centroid=np.ones(4), entity_keys=["k"])

    def ids(rows: list[StoryRow]) -> list[str]:
        return [r.id for r in rows]

    assert ids(store.story_rows()) == ["april", "long", "march"]
    assert ids(store.story_rows(undated=True)) == ["april", "long", "march", "undated"]
    assert ids(store.story_rows(last_from="2023-04-16", undated=True)) == [
        "april", "long", "undated"]
    assert ids(store.story_rows(last_from="2023-03-04", last_before="2023-04-16")) == ["march"]
    assert ids(store.story_rows(last_from="2023-03-01", first_before="2023-03-01")) == ["long"]
    row = store.story_rows(last_from="2023-04-17")[0]
    assert row.article_count == 0 and row.entity_keys == ["k"]
    assert row.centroid is not None and row.centroid.tolist() == [1.0] * 4
    assert store.newest_story_published() == "2023-04-20T10:00:00+00:00"


def test_story_rows_naming_finds_stories_of_any_day_by_key(store: Store) -> None:
    """Dated stories naming a key, the most recent ``per_key`` of them, however old (undated
    ones never leave the story index), the ``most`` naming the most keys; a story saved with
    other keys, merged away or deleted with the rest is no longer found."""
    for sid, last, keys in [("y2019", "2019-05-02", ["ada-okafor", "ministry"]),
                            ("y2021", "2021-05-02", ["ada-okafor"]),
                            ("y2023", "2023-05-02", ["ada-okafor", "port"]),
                            ("nodate", None, ["ada-okafor"]),
                            ("other", "2023-06-01", ["port"])]:
        store.save_story(Story(id=sid, title=sid, articles=[], outlets=[], last_published=last),
                         centroid=np.ones(4), entity_keys=keys)

    def ids(keys: list[str], per_key: int = 10) -> list[str]:
        return [r.id for r in store.story_rows_naming(keys, per_key=per_key)]

    assert ids(["ada-okafor"]) == ["y2019", "y2021", "y2023"]
    assert ids(["ada-okafor"], per_key=2) == ["y2021", "y2023"]  # the most recent
    assert ids(["ministry", "port"]) == ["other", "y2019", "y2023"]
    assert ids(["nobody"]) == [] and ids([]) == []
    assert [r.id for r in store.story_rows_naming(["ada-okafor"], per_key=10,
                                                  skip={"y2021"})] == ["y2019", "y2023"]
    # ``most``: those naming the most of the keys, then by the rarer key, the more recent
    assert [r.id for r in store.story_rows_naming(["port", "ada-okafor"], per_key=10,
                                                  most=1)] == ["y2023"]
    assert [r.id for r in store.story_rows_naming(["ada-okafor", "port"], per_key=10,
                                                  most=2)] == ["y2021", "y2023"]
    assert [r.id for r in store.story_rows_naming(["port", "ministry"], per_key=10,
                                                  most=2)] == ["other", "y2023"]
    row = store.story_rows_naming(["ministry"], per_key=1)[0]
    assert row.entity_keys == ["ada-okafor", "ministry"] and row.last_published == "2019-05-02"
    store.save_story(Story(id="y2019", title="y2019", articles=[], outlets=[],
                           last_published="2019-05-03"), entity_keys=["harbour"])
    assert ids(["ministry"]) == [] and ids(["harbour"]) == ["y2019"]
    store.save_story(Story(id="y2019", title="y2019", articles=[], outlets=[],
                           last_published="2024-01-01"))  # keys kept, day updated
    assert ids(["harbour", "ada-okafor"], per_key=1) == ["y2019", "y2023"]
    store.merge_story("y2021", "y2023")
    assert ids(["ada-okafor"]) == ["y2023"]
    store.delete_stories()
    assert ids(["ada-okafor", "port", "harbour"]) == []


def test_migration_copies_the_names_of_existing_stories(db_url: str) -> None:
    """Stories saved before revision 0007 are found by name after the upgrade."""
    store = Store(db_url)
    store.save_story(Story(id="old", title="old", articles=[], outlets=[],
                           last_published="2020-02-02"), centroid=np.ones(4),
                     entity_keys=["ada-okafor", "port"])
    with store.engine.begin() as conn:
        command.downgrade(migrations.alembic_config(conn), "0006")
    assert "story_names" not in sa.inspect(store.engine).get_table_names()
    store.create()
    assert [r.id for r in store.story_rows_naming(["port"], per_key=5)] == ["old"]
    store.close()


# -- full-text search ---------------------------------------------------------------------


def test_search_finds_ranks_and_snippets_sample_corpus(store: Store) -> None:
    arts = sample_articles()
    for art in arts:
        store.add_article(art)
    by_id = {a.id: a for a in arts}

    def containing(word: str) -> set[str]:  # the oracle: a plain word match over the texts
        pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
        return {a.id for a in arts if pattern.search(a.title + "\n" + a.text)}

    for word in ("orven", "pipeline", "Sarnow"):
        assert {h.article_id for h in store.search(word)} == containing(word) != set()
    hits = store.search("pipeline")
    assert all(h.highlights for h in hits)
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)
    assert hits[0].outlet == by_id[hits[0].article_id].outlet
    # every word required: "pipeline" and "dam" are different stories
    both = {h.article_id for h in store.search("pipeline dam")}
    assert both <= {h.article_id for h in hits}
    assert len(store.search("pipeline", limit=2)) == min(2, len(hits))
    assert store.search("zzzunknownword") == []


def test_search_phrases_stemming_and_duplicates(store: Store) -> None:
    store.add_article(Article(id="a1", source="x", title="Minister visits Moscow",
                              text="The defence minister met the president on Sunday."))
    store.add_article(Article(id="a2", source="y", title="Weather",
                              text="The president said rain would come. The minister met nobody."))
    store.add_article(Article(id="a3", source="z", title="Minister visits Moscow",
                              text="The defence minister met the president on Sunday, again.",
                              duplicate_of="a1"))
    assert [h.article_id for h in store.search('"minister met the president"')] == ["a1"]
    assert {h.article_id for h in store.search("minister president")} == {"a1", "a2"}
    assert [h.article_id for h in store.search("visiting")] == ["a1"]  # stemmed: visits
    assert {h.article_id for h in store.search("visits", include_duplicates=True)} == {"a1", "a3"}
    # the title counts: a1 has "Moscow" only in its title
    assert [h.article_id for h in store.search("moscow")] == ["a1"]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_search_never_fails_on_user_syntax(store: Store, query: str) -> None:
    store.add_article(Article(id="a1", source="x", title="Dam AND pipeline",
                              text='The dam (and the "pipeline") are -both- done: x & y.'))
    hits = store.search(query)
    assert isinstance(hits, list)
    assert store.count_articles() == 1


def test_search_index_follows_updates(store: Store) -> None:
    store.add_article(Article(id="a1", source="x", title="Old title", text="Original words."))
    assert [h.article_id for h in store.search("original")] == ["a1"]
    a = schema.articles
    with store.engine.begin() as conn:
        conn.execute(a.update().where(a.c.id == "a1").values(text="Replacement words."))
    assert store.search("original") == []
    assert [h.article_id for h in store.search("replacement")] == ["a1"]
    store.save_analysis("a1", ArticleAnalysis())  # an update of other columns keeps the index
    assert [h.article_id for h in store.search("replacement")] == ["a1"]
    store.rebuild_search_index()
    assert [h.article_id for h in store.search("replacement")] == ["a1"]


# -- feed state ---------------------------------------------------------------------------


def test_feed_state_and_items(store: Store) -> None:
    url = "http://127.0.0.1:1/feed.xml"
    assert store.feed_state(url) is None
    store.save_feed_state(url, status=200, etag='"v1"', last_modified="Mon, 01 Jan 2026")
    st = store.feed_state(url)
    assert (st.etag, st.last_modified, st.last_status, st.errors) == (
        '"v1"', "Mon, 01 Jan 2026", 200, 0)
    store.save_feed_state(url, status=None, error="connection refused")
    store.save_feed_state(url, status=503, error="503")
    st = store.feed_state(url)
    assert st.etag == '"v1"' and st.errors == 2 and st.last_error == "503"
    store.save_feed_state(url, status=304)
    assert store.feed_state(url).errors == 0

    store.record_feed_item(url, "guid-1", status="stored", article_id="a1")
    store.record_feed_item(url, "guid-2", status="failed")
    store.record_feed_item(url, "guid-2", status="failed")
    assert store.feed_items(url, ["guid-1", "guid-2", "guid-3"]) == {
        "guid-1": ("stored", 1), "guid-2": ("failed", 2)}
    assert store.feed_items("http://other/feed", ["guid-1"]) == {}


def test_sidecar_path(tmp_path: Path) -> None:
    s = Store(f"sqlite:///{tmp_path / 'news.db'}")
    assert s.sidecar_path("stories.hnsw") == tmp_path / "news.db.stories.hnsw"
    assert Store.memory().sidecar_path("stories.hnsw") is None
    pg = Store("postgresql+psycopg://u:secret@db.example:5433/news", create=False)
    assert pg.sidecar_path("x").name == "db.example_5433_news.x"
    assert "secret" not in pg.safe_url


# -- concurrent writers -------------------------------------------------------------------


def _writer(url: str, ids: list[str], barrier, results) -> None:  # runs in a child process
    store = Store(url)  # both children also migrate at once: the lock must serialise them
    barrier.wait()
    counts = {"new": 0, "exists": 0}
    for article_id in ids:
        outcome = store.add_article(
            Article(id=article_id, source=f"/feed/{article_id}", text=f"Text of {article_id}."),
            bands=[f"band-{article_id}", f"shared-{int(article_id[1:]) % 7}"],
        )
        counts["new" if outcome is AddResult.NEW else "exists"] += 1
    store.close()
    results.put(counts)


def test_two_ingesters_at_once_lose_nothing_and_duplicate_nothing(db_url: str) -> None:
    first = [f"a{i:03d}" for i in range(0, 150)]
    second = [f"a{i:03d}" for i in reversed(range(75, 225))]  # 75 overlap, met head-on
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db_url, ids, barrier, results))
             for ids in (first, second)]
    for p in procs:
        p.start()
    counts = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    store = Store(db_url)
    assert store.count_articles() == 225
    assert sum(c["new"] for c in counts) == 225 and sum(c["exists"] for c in counts) == 75
    with store.engine.connect() as conn:
        bands = conn.execute(sa.select(sa.func.count()).select_from(schema.article_bands))
        assert bands.scalar_one() == 2 * 225
        ids = conn.execute(sa.select(schema.articles.c.id)).scalars().all()
    assert sorted(ids) == sorted(set(first) | set(second))
    store.close()
