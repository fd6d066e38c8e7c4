"""``manysides story`` and ``manysides report`` follow a merged story's redirect, as the web UI
and the JSON API do, with a one-line note on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from manysides.cli import main
from manysides.models import Article, Story
from manysides.store import Store

OLD, NEW = "a1b2c3d4e5f60718", "f0e1d2c3b4a59687"


@pytest.fixture
def merged_db(tmp_path: Path) -> str:
    """A store where story OLD (one article) was merged into story NEW (two articles)."""
    url = f"sqlite:///{tmp_path / 'merged.db'}"
    with Store(url) as store:
        texts = {
            "ferry1": "The night ferry to Harlow Island ran aground in fog; all forty "
                      "passengers reached the pier by lifeboat, the harbour master said.",
            "ferry2": "Forty passengers left the grounded Harlow Island ferry by lifeboat "
                      "after it struck a sandbank in thick fog.",
            "ferry3": "Coast guard crews towed the Harlow Island ferry off the sandbank at "
                      "dawn, a day after it ran aground.",
        }
        for aid, text in texts.items():
            store.add_article(Article(id=aid, source=f"{aid}.txt", text=text, title=text[:50],
                                      outlet=f"Outlet {aid}", published="2024-03-02"))
        store.save_story(Story(id=NEW, title="Harlow Island ferry runs aground",
                               articles=["ferry1", "ferry2"], outlets=["Outlet ferry1"]))
        store.save_story(Story(id=OLD, title="Ferry towed off sandbank", articles=["ferry3"],
                               outlets=["Outlet ferry3"]))
        store.merge_story(OLD, NEW)
    return url


@pytest.mark.parametrize("given", [OLD, OLD[:8]])
def test_story_follows_a_merged_id(merged_db: str, given: str) -> None:
    result = CliRunner().invoke(main, ["story", given, "--db", merged_db])
    assert result.exit_code == 0, result.output
    assert f"id: {NEW}" in result.stdout
    assert "ferry3" in result.stdout  # the merged story's article is in the new one
    assert result.stderr.strip() == f"note: story {given} was merged into {NEW}"


def test_report_follows_a_merged_id(merged_db: str) -> None:
    result = CliRunner().invoke(main, ["report", OLD, "--format", "json", "--db", merged_db])
    assert result.exit_code == 0, result.output
    assert f'"id": "{NEW}"' in result.stdout
    assert result.stderr.strip() == f"note: story {OLD} was merged into {NEW}"


def test_a_current_id_prints_no_note_and_an_unknown_one_fails(merged_db: str) -> None:
    current = CliRunner().invoke(main, ["story", NEW, "--db", merged_db])
    assert current.exit_code == 0 and current.stderr == ""
    unknown = CliRunner().invoke(main, ["story", "0000000000000000", "--db", merged_db])
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "Error: no story with id '0000000000000000'"
