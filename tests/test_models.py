"""The dataclasses round-trip through their JSON form unchanged."""

from manysides.models import (
    Article,
    ArticleAnalysis,
    Claim,
    DateMention,
    Entity,
    Quote,
    RemovedLine,
    Sentence,
    Story,
    Support,
    from_dict,
    to_dict,
)


def test_article_with_analysis_round_trips() -> None:
    analysis = ArticleAnalysis(
        sentences=[Sentence(0, 0, 12, "Hello there.")],
        entities=[Entity("li-shangfu", "Li Shangfu", "PERSON", ["Li"], 2, ["defense minister"])],
        quotes=[Quote("Hi", "direct", "Li Shangfu", "person", None, "said", None, 1, 3, 0)],
        dates=[DateMention("on Sunday", 0, 9, "2023-04-16", 0)],
    )
    article = Article(id="a1", source="x.txt", text="Hello there.", analysis=analysis,
                      removed=[RemovedLine("Advertisement", "ad")])
    assert from_dict(Article, to_dict(article)) == article


def test_story_with_claims_round_trips() -> None:
    story = Story(
        id="s1", title="T", articles=["a1"], outlets=["X"],
        claims=[Claim("c1", "text", "contested", "fact", ["X", "Y"], [Support("a1", 0)],
                      {"type": "number", "sides": []})],
        omissions={"Y": ["c1"]},
    )
    assert from_dict(Story, to_dict(story)) == story
