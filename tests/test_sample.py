"""The bundled sample corpus, the distractor articles and the benchmark corpus generator."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import feedparser
import pytest

from manysides.ingest import ingest
from manysides.outlets import detect_outlet, get_profile
from manysides.sample import (
    ARTICLES_DIR,
    FEED_FILE,
    JSONL_FILE,
    SAMPLE_DIR,
    STORIES,
    sample_inputs,
    story_of,
)
from manysides.settings import Settings
from manysides.store import Store

REPO = Path(__file__).resolve().parent.parent
DISTRACTORS = Path(__file__).parent / "data" / "distractors"
sys.path.insert(0, str(REPO / "bench"))

import corpus  # noqa: E402

OUTLET_OF_ROLE = {
    "meridian-wire": "Meridian Wire",
    "caldera-post": "The Caldera Post",
    "national-courier": "National Courier",
    "liberty-frontline": "Liberty Frontline",
}
UNDATED = {"orven-dam_liberty-frontline.txt", "sarnow-summit_national-courier.txt",
           "tessel-pipeline_liberty-frontline.txt"}


def _words(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"(?is)<(head|script|style)\b.*?</\1>|<[^>]+>", " ", text)
    return len(text.split())


def test_sample_has_three_stories_of_four_outlets_each() -> None:
    inputs = sample_inputs()
    files = [p for p in inputs if p.suffix != ".jsonl"]
    records = [json.loads(line) for line in JSONL_FILE.read_text().splitlines()]
    assert len(files) + len(records) == 12
    per_story = Counter(story_of(str(p)) for p in files) + Counter(
        {"sarnow-summit": len(records)}
    )
    assert per_story == {key: 4 for key in STORIES}
    for path in files:
        assert 300 <= _words(path) <= 700, path.name
    for rec in records:
        assert set(rec) == {"text", "title", "outlet", "published", "url"}
        assert 300 <= len(rec["text"].split()) <= 700
    assert (SAMPLE_DIR / "README").exists()


def test_bare_text_files_name_their_outlet() -> None:
    for path in sorted(ARTICLES_DIR.glob("*.txt")):
        role = path.stem.split("_", 1)[1]
        profile = detect_outlet(path.read_text(encoding="utf-8"))
        assert profile is not None and profile.name == OUTLET_OF_ROLE[role], path.name
    for name in OUTLET_OF_ROLE.values():
        profile = get_profile(name)
        assert profile is not None and profile.owner and profile.country == "XV"


def test_undated_articles_have_no_date_line_and_dated_ones_do() -> None:
    for path in sorted(ARTICLES_DIR.glob("*.txt")):
        has_date = bool(re.search(r"^Published: ", path.read_text(), re.M))
        assert has_date == (path.name not in UNDATED), path.name


def test_answer_key_differences_are_in_the_texts() -> None:
    """The README's contradictions exist in the articles it names."""
    def text(name: str) -> str:
        return (ARTICLES_DIR / name).read_text(encoding="utf-8")

    jsonl = {r["outlet"]: r["text"] for r in map(json.loads, JSONL_FILE.read_text().splitlines())}
    assert "had not been inspected since 2019" in text("orven-dam_caldera-post.txt")
    assert "passed its last safety inspection in 2023" in text("orven-dam_national-courier.html")
    assert "at least 15 people" in text("orven-dam_meridian-wire.txt")
    assert "rose to 19" in text("orven-dam_caldera-post.txt")
    assert "Twelve people lost their lives" in text("orven-dam_national-courier.html")
    assert "secured a 15 percent discount" in text("sarnow-summit_national-courier.txt")
    assert "No price discount was agreed" in jsonl["Liberty Frontline"]
    assert "did not disclose pricing terms" in jsonl["Meridian Wire"]
    assert "Police used tear gas" in text("tessel-pipeline_meridian-wire.txt")
    assert "police did not use force" in text("tessel-pipeline_national-courier.txt")
    assert "Additional reporting by Meridian Wire" in text("orven-dam_caldera-post.txt")


def test_feed_items_link_to_local_files() -> None:
    feed = feedparser.parse(str(FEED_FILE))
    assert not feed.bozo and len(feed.entries) == 3
    for entry in feed.entries:
        target = (FEED_FILE.parent / entry.link).resolve()
        assert target.exists(), entry.link
        assert entry.title in target.read_text(encoding="utf-8")


def test_sample_ingests_cleanly(fresh_store: Store) -> None:
    """Every sample input becomes one article with its outlet, title and (where given) date;
    the feed's items are the same articles again."""
    report = ingest([str(p) for p in sample_inputs()], fresh_store, settings=Settings())
    assert not report.failed and not report.duplicates
    assert len(report.new) == 12
    for art in fresh_store.iter_articles():
        name = Path(art.source.split("#")[0].split(":")[0]).name
        assert art.outlet in OUTLET_OF_ROLE.values(), art.source
        assert art.title and len(art.title.split()) >= 5, art.source
        if name in UNDATED:
            assert art.published is None, art.source
        else:
            assert art.published and art.published.startswith("2024-"), art.source
        assert "ADVERTISEMENT" not in art.text and "DONATE TODAY" not in art.text
    again = ingest([str(FEED_FILE)], fresh_store, settings=Settings())
    assert not again.failed and not again.new and len(again.existing) == 3
    folder = ingest([str(SAMPLE_DIR)], fresh_store, settings=Settings())  # what the demo reads
    assert not folder.failed and not folder.new and len(folder.existing) == 15


def test_distractors_are_short_and_distinct() -> None:
    files = sorted(DISTRACTORS.glob("*.txt"))
    assert 4 <= len(files) <= 6
    for path in files:
        assert 100 <= len(path.read_text().split()) <= 400
    june = (DISTRACTORS / "li-shangfu-singapore-june-2023.txt").read_text()
    assert "Li Shangfu" in june and "Singapore" in june and "Moscow" not in june


# -- bench/corpus.py ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated() -> list[dict]:
    return corpus.generate_corpus(600, seed=3)


def test_generated_corpus_shape(generated: list[dict]) -> None:
    assert len(generated) == 600
    assert all(set(a) == {"text", "title", "outlet", "published", "url", "story"}
               for a in generated)
    sizes = Counter(a["story"] for a in generated)
    assert all(3 <= n <= 5 for n in list(sizes.values())[:-1])  # the last may be cut short
    assert 120 <= len(sizes) <= 200
    assert len({a["url"] for a in generated}) == 600
    assert len({a["text"] for a in generated}) == 600
    assert corpus.generate_corpus(600, seed=3) == generated  # deterministic
    assert corpus.generate_corpus(20, seed=4)[0]["text"] != generated[0]["text"]


def test_generated_stories_get_their_own_world(generated: list[dict]) -> None:
    sample_names = ("Marant", "Vasko", "Varland", "Ostrovia", "Aldmoor", "Kessel", "Ruusk")
    for art in generated:
        assert not any(name in art["text"] for name in sample_names), art["title"]
    leaders = Counter()
    for art in generated:
        m = re.search(r"President (\w+ \w+)", art["text"])
        if m:
            leaders[m.group(1)] += 1
    assert len(leaders) > 50  # stories have different people


def test_generated_dates_shift_by_whole_weeks(generated: list[dict]) -> None:
    """A story moved in time keeps its weekdays ("Published: Wed 13 Mar 2024" stays a
    Wednesday), so "on Sunday" still fits; publication dates spread over months."""
    checked = 0
    for art in generated:
        for wd, stamp in re.findall(r"^Published: (\w{3}) (\d{1,2} \w{3} \d{4})", art["text"],
                                    re.M):
            assert datetime.strptime(stamp, "%d %b %Y").strftime("%a") == wd, stamp
            checked += 1
    assert checked > 50
    days = {(a["published"] or "")[:10] for a in generated if a["published"]}
    first, last = min(days), max(days)
    assert (date.fromisoformat(last) - date.fromisoformat(first)).days > 60


def test_corpus_cli_writes_files_and_manifest(tmp_path: Path) -> None:
    assert corpus.main(["40", str(tmp_path / "out"), "--jsonl", str(tmp_path / "c.jsonl")]) == 0
    assert len(list((tmp_path / "out").glob("*.txt"))) == 40
    with (tmp_path / "out" / "manifest.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 40 and rows[0]["path"] == "000000.txt" and rows[0]["outlet"]
    lines = (tmp_path / "c.jsonl").read_text().splitlines()
    assert len(lines) == 40 and set(json.loads(lines[0])) == {
        "text", "title", "outlet", "published", "url"}
