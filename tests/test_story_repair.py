"""Stories that repair themselves: a merge (the old id redirects, in the store, the JSON API and
the web UI) and a split of a story that holds two events.  Our own text, synthetic vectors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from manysides.cluster import assign, assign_stories, story_id_for
from manysides.cluster.features import load_model
from manysides.models import Article, ArticleAnalysis, DateMention, Entity
from manysides.store import Store
from manysides.web.app import create_app

DIM = 384

FLOOD = [
    "The Sena river broke its banks in Valtoria overnight, flooding the old town and forcing "
    "two thousand residents from their homes, the regional governor Ilse Maren said.",
    "Rescue boats moved through the flooded streets of Valtoria as the Sena kept rising; "
    "governor Ilse Maren asked residents of the old town to leave their homes.",
    "Flood water from the Sena covered the old town of Valtoria; governor Ilse Maren said two "
    "thousand residents had left their homes and rescue boats were still out.",
    "In Valtoria the Sena flood reached the old town square, and governor Ilse Maren thanked "
    "the rescue crews who brought residents out of their homes by boat.",
]
ELECTION = [
    "Voters in Karsk elected Tomas Virel mayor on Sunday after a campaign about bus fares, "
    "the city election board announced, with turnout at a record high.",
    "Tomas Virel won the Karsk mayoral election, promising cheaper bus fares; the election "
    "board said turnout in the city was the highest on record.",
]


def _unit(seed: int, base: np.ndarray | None = None, noise: float = 0.0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=DIM).astype(np.float32)
    if base is not None:
        v = base + noise * v / np.linalg.norm(v)
    return (v / np.linalg.norm(v)).astype(np.float32)


def _add(store: Store, aid: str, text: str, vec: np.ndarray, entities: dict[str, str],
         published: str, event_day: str) -> None:
    store.add_article(Article(id=aid, source=f"{aid}.txt", text=text, title=text[:60],
                              outlet=f"Outlet {aid}", published=published))
    analysis = ArticleAnalysis(
        entities=[Entity(key=k, name=k.replace("-", " ").title(), type=t, mentions=2)
                  for k, t in entities.items()],
        dates=[DateMention(text="overnight", start=0, end=1, resolved=event_day)],
    )
    store.save_analysis(aid, analysis, {"doc": vec})


def _model(monkeypatch: pytest.MonkeyPatch, **changes: float) -> dict[str, Any]:
    model = {**load_model(), **changes}
    monkeypatch.setattr(assign, "load_model", lambda: model)
    return model


def _flood(store: Store, ids: range) -> list[str]:
    event = _unit(1)
    flood = {"valtoria": "GPE", "sena": "LOC", "ilse-maren": "PERSON"}
    out = []
    for i in ids:
        aid = f"flood{i}"
        _add(store, aid, FLOOD[i], _unit(10 + i, event, 0.5), flood, f"2024-05-0{i + 1}",
             "2024-05-01")
        out.append(aid)
    return out


def test_two_stories_of_one_event_merge_and_the_old_id_redirects(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Two reports of one flood founded two stories (nothing may join while the first
    arrives); the next call's evidence merges them, and the merged story's id redirects."""
    store = Store(f"sqlite:///{tmp_path / 'merge.db'}")
    _model(monkeypatch, join_threshold=1.01, merge_threshold=1.01)  # no joins, no merges
    first = _flood(store, range(2))
    for aid in first:
        assign_stories(store, [aid])
    assert {store.get_article(a).story_id for a in first} == {story_id_for(a) for a in first}
    _model(monkeypatch, merge_threshold=0.5)
    later = _flood(store, range(2, 4))
    touched = assign_stories(store, later)
    (kept,) = {store.get_article(a).story_id for a in first + later}  # one story now
    assert kept in {story_id_for(a) for a in first}  # the one the later reports joined
    (gone,) = {story_id_for(a) for a in first} - {kept}
    assert store.get_story(gone) is None and store.story_redirect(gone) == kept
    assert gone not in touched and kept in touched
    assert store.get_story(kept).articles == ["flood0", "flood1", "flood2", "flood3"]
    store.close()

    client = TestClient(create_app(f"sqlite:///{tmp_path / 'merge.db'}"),
                        base_url="http://127.0.0.1")
    api = client.get(f"/api/stories/{gone}", follow_redirects=False)
    assert api.status_code == 301 and api.headers["location"] == f"/api/stories/{kept}"
    assert client.get(f"/api/stories/{gone}").json()["id"] == kept
    page = client.get(f"/stories/{gone}", follow_redirects=False)
    assert page.status_code == 301 and page.headers["location"] == f"/stories/{kept}"
    assert client.get(f"/stories/{gone[:8]}").status_code == 200  # a prefix of the old id too
    assert client.get("/api/stories/0000000000000000").status_code == 404


def test_a_story_holding_two_events_splits(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Store
) -> None:
    """Everything joins the first story (threshold 0); comparing its members shows two events
    (other place, people, words, days), so it splits: the older event keeps the id."""
    _model(monkeypatch, join_threshold=0.0, merge_threshold=1.01)
    flood = _flood(fresh_store, range(3))
    vote = _unit(2)
    election = {"karsk": "GPE", "tomas-virel": "PERSON"}
    votes = []
    for i, text in enumerate(ELECTION):
        aid = f"vote{i}"
        _add(fresh_store, aid, text, _unit(20 + i, vote, 0.5), election, f"2024-05-0{i + 2}",
             "2024-04-28")
        votes.append(aid)
    assign_stories(fresh_store, flood + votes)
    kept = fresh_store.get_story(story_id_for("flood0"))
    assert kept is not None and kept.articles == flood
    other = fresh_store.get_story(story_id_for("vote0"))
    assert other is not None and other.articles == votes
    assert {fresh_store.get_article(a).story_id for a in votes} == {other.id}


def test_one_event_does_not_split(monkeypatch: pytest.MonkeyPatch, fresh_store: Store) -> None:
    """Four reports of one flood in other words stay one story."""
    _model(monkeypatch, join_threshold=0.0, merge_threshold=1.01)
    flood = _flood(fresh_store, range(4))
    assign_stories(fresh_store, flood)
    assert {fresh_store.get_article(a).story_id for a in flood} == {story_id_for("flood0")}


@pytest.mark.parametrize("checked", [assign.LONE_CHECKED, 0])
def test_a_lone_report_joins_the_story_that_grew_after_it(
    monkeypatch: pytest.MonkeyPatch, fresh_store: Store, checked: int
) -> None:
    """Two reports of one flood each founded a story (nothing might join then); later reports
    join one of them, which takes in the other lone report: one story, the old id redirects.
    With no lone stories checked (the control) the two stay apart."""
    monkeypatch.setattr(assign, "LONE_CHECKED", checked)
    _model(monkeypatch, join_threshold=1.01, merge_threshold=1.01)
    first = _flood(fresh_store, range(2))
    for aid in first:
        assign_stories(fresh_store, [aid])
    _model(monkeypatch, merge_threshold=1.01)  # joins as shipped, no story-to-story merge
    later = _flood(fresh_store, range(2, 4))
    assign_stories(fresh_store, later)
    stories = {fresh_store.get_article(a).story_id for a in first + later}
    if not checked:
        assert len(stories) == 2
        return
    (kept,) = stories
    (gone,) = {story_id_for(a) for a in first} - {kept}
    assert fresh_store.story_redirect(gone) == kept
    assert fresh_store.get_story(kept).articles == ["flood0", "flood1", "flood2", "flood3"]
