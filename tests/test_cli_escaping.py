"""Data that looks like rich markup is printed as text by every CLI command (issue 15, item 6),
and search snippets mark matches by offsets, not by bracket characters."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from manysides.cli import main
from manysides.models import Article, Story
from manysides.store import Store
from manysides.web.app import snippet_parts

MARKUP = "Rates [/b] rise [red]again[/red] [link=http://x]"


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'esc.db'}"
    store = Store(url)
    text = ("Officials said rates would rise again on Monday [/b] after the vote [bold]. "
            "The council confirmed the plan in a statement.")
    store.add_article(Article(id="ab12cd34ef560001", source="/in/[/b]/a.txt", text=text,
                              title=MARKUP, outlet="[/i] Wire", story_id="5t0ry00000000001"))
    store.save_story(Story(id="5t0ry00000000001", title=MARKUP, articles=["ab12cd34ef560001"],
                           outlets=["[/i] Wire"]))
    store.close()
    return url


@pytest.mark.parametrize("args", [
    ["articles"], ["show", "ab12cd34"], ["stories"], ["story", "5t0ry000"],
])
def test_markup_in_data_is_printed_as_text(db: str, args: list[str]) -> None:
    result = CliRunner().invoke(main, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "[/" in result.output  # printed, not parsed


def test_ingest_analyze_and_watch_print_markup_in_paths(db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    missing = str(tmp_path / "[/b]" / "[red]gone[/red].txt")
    for cmd in (["ingest", missing, "--db", db], ["analyze", missing, "--db", db]):
        result = runner.invoke(main, cmd)
        assert result.exit_code == 1, result.output
        assert not isinstance(result.exception, Exception) or isinstance(
            result.exception, SystemExit), result.exception
        assert "[red]gone[/red].txt: no such file" in result.output
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(missing + "\n")
    result = runner.invoke(main, ["watch", str(feeds), "--once", "--db", db])
    assert result.exit_code == 0, result.output
    assert "down " + missing in result.output
    assert "[red]down[/red]" not in result.output


def test_search_snippets_mark_matches_by_offsets(db: str) -> None:
    store = Store(db)
    hit = store.search("rates", 5)[0]
    store.close()
    parts = snippet_parts(hit.snippet, hit.highlights)
    marked = [text for text, is_hit in parts if is_hit]
    assert [m.lower() for m in marked] == ["rates"]
    assert "[/b]" in "".join(text for text, _ in parts)  # the literal bracket stays text
