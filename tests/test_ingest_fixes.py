"""Smaller ingest fixes (issue 15, item 8): a JSONL ``title`` that is a list, ``ingest --analyze``
assigning stories, re-ingesting with a corrected manifest."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from conftest import SAMPLE
from manysides.cli import main
from manysides.ingest import ingest
from manysides.settings import Settings
from manysides.store import Store

BODY = ("The harbour board voted 5 to 2 on Tuesday to approve the new ferry terminal, its "
        "chair said. Work begins in spring.")


def test_jsonl_list_fields_are_joined_and_objects_refused(tmp_path: Path,
                                                          fresh_store: Store) -> None:
    f = tmp_path / "rows.jsonl"
    rows = [{"text": BODY, "title": ["Ferry terminal", "approved"],
             "author": ["A. Writer", "B. Reporter"]},
            {"text": BODY + " More.", "title": {"en": "Nested"}}]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = ingest([str(f)], fresh_store, settings=Settings())
    art = fresh_store.get_article(report.new[0])
    assert art.title == "Ferry terminal approved"
    assert art.byline == "A. Writer, B. Reporter"
    assert "['" not in (art.title or "") and "['" not in (art.byline or "")
    assert len(report.failed) == 1
    assert report.failed[0].reason.startswith("line 2: 'title' is dict")


def test_reingest_with_corrected_manifest_updates_metadata(tmp_path: Path,
                                                           fresh_store: Store) -> None:
    article = tmp_path / "a.txt"
    article.write_text(f"Ferry terminal approved\n\n{BODY}\n", encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,outlet,published,title\na.txt,Wrong Times,2024-01-01,Old\n")
    first = ingest([str(article)], fresh_store, settings=Settings(), manifest=str(manifest))
    assert fresh_store.get_article(first.new[0]).outlet == "Wrong Times"
    manifest.write_text("path,outlet,published,title\n"
                        "a.txt,Harbour Gazette,2024-03-05,Ferry terminal approved\n")
    second = ingest([str(article)], fresh_store, settings=Settings(), manifest=str(manifest))
    assert second.existing == first.new
    art = fresh_store.get_article(first.new[0])
    assert (art.outlet, art.title) == ("Harbour Gazette", "Ferry terminal approved")
    assert art.published.startswith("2024-03-05")
    # without a manifest, what was stored stays
    ingest([str(article)], fresh_store, settings=Settings())
    assert fresh_store.get_article(first.new[0]).outlet == "Harbour Gazette"


def test_ingest_analyze_assigns_stories(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'ia.db'}"
    result = CliRunner().invoke(main, ["ingest", str(SAMPLE / "articles"), "--analyze",
                                       "--db", db])
    assert result.exit_code == 0, result.output
    store = Store(db)
    assert store.article_ids_without_story() == []
    stories = store.list_stories()
    assert stories and any(len(s.articles) > 1 for s in stories)
    store.close()
    assert f"stories updated {len(stories)}" in result.output
