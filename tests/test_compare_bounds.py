"""A large story is compared on a bounded selection of its articles (``compared_articles``).

Grouping scores every pair of a story's claim units, so a story of hundreds of articles would
need gigabytes; past ``compare.toml`` [story] max_compared articles the comparison reads that
many, every outlet represented, and the story says which (``Story.compared_articles``).
"""

from __future__ import annotations

import pytest

import manysides.compare as compare_mod
from manysides.compare import compare_story, compared_articles
from manysides.models import Article, ArticleAnalysis, Sentence, Story, to_dict
from manysides.report.summary import summarize
from manysides.settings import Settings
from manysides.store import Store


def _article(aid: str, outlet: str, day: int, text: str) -> Article:
    sentences = [Sentence(index=0, start=0, end=len(text), text=text)]
    return Article(id=aid, source=f"{aid}.txt", text=text, outlet=outlet,
                   published=f"2025-03-{day:02d}", title=text[:40],
                   analysis=ArticleAnalysis(sentences=sentences))


def test_every_outlet_is_kept_and_each_spread_over_its_coverage() -> None:
    articles = [_article(f"h{d:02d}", "Harbour Herald", d, "x") for d in range(1, 29)]
    articles += [_article(f"v{d:02d}", "Valley Voice", d, "x") for d in (3, 9)]
    articles.insert(5, _article("w01", "Wire Nine", 12, "x"))
    picked = compared_articles(articles, 8)
    ids = [a.id for a in picked]
    assert len(ids) == 8
    assert {"v03", "v09", "w01"} <= set(ids)  # the small outlets come in whole
    herald = [i for i in ids if i.startswith("h")]
    assert herald[0] == "h01" and herald[-1] == "h28"  # the first and the latest report
    assert ids == [a.id for a in articles if a.id in set(ids)]  # input order kept
    assert compared_articles(articles, 100) == articles


def test_a_story_over_the_bound_is_compared_on_the_selection(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(compare_mod, "MAX_COMPARED", 3)
    texts = [
        ("a", "Harbour Herald", 1, "The Tessel ferry resumed service to Orvik on Monday."),
        ("b", "Harbour Herald", 2, "Ferry crews in Orvik said the Tessel route reopened."),
        ("c", "Harbour Herald", 3, "The Tessel ferry carried 300 passengers to Orvik."),
        ("d", "Valley Voice", 2, "The Tessel ferry to Orvik is running again since Monday."),
        ("e", "Harbour Herald", 4, "Orvik's mayor welcomed the return of the Tessel ferry."),
    ]
    articles = [_article(*t) for t in texts]
    story = Story(id="s1", title="Ferry", articles=[a.id for a in articles],
                  outlets=["Harbour Herald", "Valley Voice"])
    story = compare_story(story, articles, {}, settings=Settings())
    assert story.compared_articles is not None and len(story.compared_articles) == 3
    assert "d" in story.compared_articles  # the second outlet is read
    cited = {s.article for c in story.claims for s in c.support}
    assert cited and cited <= set(story.compared_articles)
    story = summarize(story, articles, settings=Settings())
    assert {c for s in story.summary for c in s.citations} <= set(story.compared_articles)

    store = Store(f"sqlite:///{tmp_path / 'bounds.db'}")
    for a in articles:
        store.add_article(a)
    store.save_story(story)
    back = store.get_story("s1")
    assert back is not None and back.compared_articles == story.compared_articles
    store.close()


def test_a_story_within_the_bound_says_so_with_null() -> None:
    story = Story(id="s2", title="t", articles=[], outlets=[])
    assert to_dict(story)["compared_articles"] is None


@pytest.mark.parametrize("limit", [1, 2])
def test_tiny_bounds_still_pick_distinct_articles(limit: int) -> None:
    articles = [_article(f"h{d}", "Harbour Herald", d, "x") for d in range(1, 6)]
    assert len({a.id for a in compared_articles(articles, limit)}) == limit
