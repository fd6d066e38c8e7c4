"""The evaluation scripts (eval/) on a tiny slice of the gold data, so they cannot rot."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from manysides import cluster
from manysides.models import Article

EVAL = Path(__file__).resolve().parent.parent / "eval"
sys.path.insert(0, str(EVAL))

import basil  # noqa: E402
import extraction  # noqa: E402
import metrics  # noqa: E402
import naming  # noqa: E402
import polnear  # noqa: E402
import run  # noqa: E402
import seeds  # noqa: E402
import stories  # noqa: E402


def test_shingle_match_counts_as_the_benchmark_does() -> None:
    gold = "one two three four five"
    assert metrics.shingle_match(gold, gold) == (1.0, 0.0, 0.0)
    tp, fp, fn = metrics.shingle_match(gold, "one two three four six")
    # gold shingles: (1234) (2345); predicted: (1234) (2346) -> tp 1, fp 1, fn 1, normalised
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    scores = metrics.extraction_scores([(1.0, 0.0, 0.0), (0.5, 0.5, 0.0)])
    assert scores["precision"] == pytest.approx(0.75)
    assert scores["recall"] == pytest.approx(1.0)
    assert metrics.extraction_scores([(0.0, 0.0, 1.0)])["precision"] == 0.0


def test_bcubed_and_names() -> None:
    gold = {"a": 1, "b": 1, "c": 2}
    assert metrics.bcubed(gold, {"a": "x", "b": "x", "c": "y"})["f1"] == pytest.approx(1.0)
    split = metrics.bcubed(gold, {"a": "x", "b": "y", "c": "z"})
    assert split["precision"] == 1.0 and split["recall"] == pytest.approx(2 / 3)
    assert metrics.bcubed(gold, {})["recall"] == pytest.approx(2 / 3)  # missing = singleton
    assert metrics.names_match("Rick Perry", "Perry")
    assert metrics.names_match("Obama campaign", "Obama")
    assert not metrics.names_match("Rick Perry", "Mitt Romney")
    assert metrics.find_span("He said it was “utterly wrong.”", '"utterly wrong."') is not None


def test_tfidf_clusters_groups_same_topic() -> None:
    texts = [
        "The harbour bridge in Lakeside reopened after repairs to its steel deck and girders.",
        "Lakeside council reopened the harbour bridge; steel girders on the deck were repaired.",
        "A chess prodigy won the national junior championship with a daring rook sacrifice.",
    ]
    labels = basil.tfidf_clusters(texts)
    assert labels[0] == labels[1] != labels[2]


def test_extraction_slice(eval_dir: Path) -> None:
    pages = extraction.load_pages(eval_dir / "extraction", limit=3)
    assert len(pages) == 3
    ours = extraction.score(pages, extraction.ours)
    base = extraction.score(pages, extraction.baseline)
    assert not ours.failures
    assert 0.9 < ours.scores["f1"] <= 1.0
    assert ours.scores["f1"] >= base.scores["f1"]


def test_basil_slice_and_baselines(eval_dir: Path) -> None:
    gold = basil.load(eval_dir / "basil", limit=2)
    assert len(gold.articles) == len(gold.rows) == 6
    assert all(p["article"] in gold.articles for p in gold.phrases)
    assert basil.one_per_article(gold)["recall"] == pytest.approx(1 / 3)
    assert basil.tfidf_baseline(gold)["f1"] > 0.5


def test_story_set_loaders_keep_whole_groups(eval_dir: Path) -> None:
    """Each loader gives one gold story per row; ``limit`` keeps whole groups (ECB+: a topic
    with both its sub-topics, the hard negatives)."""
    for name in stories.SETS:
        full = stories.load(name, eval_dir)
        assert len(full.labels) == len(full.rows) == len(full.baseline_texts) > 0
    ecb = stories.load("ecbplus", eval_dir, limit=2)
    assert {label.rstrip("plus")[-3:] for label in ecb.labels} == {"ecb"}
    assert len({label.removesuffix("plus") for label in ecb.labels}) == 2  # two topics
    assert len(set(ecb.labels)) == 4  # each with its two incidents


def test_arrival_batches_are_days_then_undated() -> None:
    """Stories are assigned as a live system receives articles: a day at a time, in date
    order, then the undated ones in small batches in input order."""
    arts = [Article(id=f"a{i}", source="x", text="x", published=p) for i, p in enumerate(
        ["2024-05-02T10:00:00", None, "2024-05-01", "2024-05-02", None])]
    assert stories.arrival_batches(arts) == [["a2"], ["a0", "a3"], ["a1", "a4"]]


def test_stories_are_assigned_in_input_order(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store lists articles by ingest time, which varies from run to run; assignment
    takes them in input (JSONL row) order, so undated batches are the same every run."""
    arts = [Article(id=f"a{n}", source=f"/tmp/run/input.jsonl:{n}", text="x", published=None)
            for n in (3, 1, 12, 2)]

    class Listing:
        def iter_articles(self) -> list[Article]:
            return arts

    batches: list[list[str]] = []
    monkeypatch.setattr(cluster, "assign_stories", lambda _store, batch: batches.append(batch))
    stories.assign_incrementally(Listing())
    assert batches == [["a1", "a2", "a3", "a12"]]


def test_seed_checks_read_the_analysis_document() -> None:
    def article(number: str, outlet: str, **extra: object) -> dict:
        base = {"source": f"/s/{number}_x.txt", "outlet": outlet, "story_id": "s1",
                "quotes": [], "dates": [], "published": None,
                "entities": [{"key": "li-shangfu", "name": "Li Shangfu", "aliases": ["Li"]}]}
        return {**base, **extra}

    doc = {
        "articles": [
            article("000", "Global Times", quotes=[
                {"kind": "reported", "speaker": "Zhuo Hua", "text": "deepen trust"}]),
            article("001", "Global Times", published="2023-04-17T21:43:00+08:00",
                    dates=[{"text": "on Sunday", "resolved": "2023-04-16"}]),
            article("002", "South China Morning Post"),
            article("003", "Global Times"),
            article("004", "Breitbart News", quotes=[
                {"kind": "direct", "speaker": "Vladimir Putin", "text": "Our two countries"}]),
        ],
        "stories": [{"articles": ["a"], "claims": [], "summary": []}],
    }
    results = {name: ok for name, ok, _ in seeds.run_checks(doc)}
    assert results["000 outlet Global Times"] and results["004 outlet Breitbart"]
    assert results["002 outlet South China Morning Post"]
    assert results["001 published 2023-04-17 21:43"]
    assert results["004 direct quote by Putin"] and results["000 reported speech by Zhuo Hua"]
    assert results['001 "on Sunday" -> 2023-04-16']
    assert results["Li Shangfu one entity across five"] and results["five seeds one story"]
    assert not results["002 quote by Li Shangfu"]
    assert not results["corroborated Kremlin meeting, 3 outlets"]
    assert not results["summary sentences cite articles"]


def test_run_writes_one_table(eval_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "RESULTS.md"
    code = run.main(["--limit", "1", "--only", "html,basil", "--results", str(out),
                     "--shared", str(eval_dir.parent)])
    text = out.read_text()
    assert text.count("| what | metric | manysides | baseline in the same run |") == 1
    assert "HTML cleaning (1 pages)" in text and "Stories (BASIL, 3 articles" in text
    assert "Quotes (BASIL quote spans)" in text and "Loaded wording" in text
    assert code == (1 if "Goals missed: 0." not in text else 0)
    assert text in capsys.readouterr().out


def test_quote_and_loaded_scores_on_a_made_up_article() -> None:
    url = "https://example.org/a"
    text = 'The mayor said the plan was "a disaster for the town." Critics slammed the plan.'
    gold = basil.Gold(
        articles={url: {"id": "a", "triplet": "t", "event": "e", "title": "T", "outlet": "O",
                        "url": url, "published": None}},
        phrases=[
            {"article": url, "bias": "inf", "txt": "a disaster for the town.", "quote": "yes",
             "speaker": "Ada_Lovelace", "polarity": "neg"},
            {"article": url, "bias": "lex", "txt": "slammed", "quote": "no", "speaker": "",
             "polarity": "neg"},
        ],
    )
    start = text.index("a disaster")
    quote = {"kind": "direct", "speaker": "Lovelace", "descriptor": "mayor",
             "start": start, "end": start + 24}
    matched = {url: {"text": text, "quotes": [quote]}}
    q = basil.quote_scores(gold, matched)
    assert q.scores["found"] == 1.0 and q.scores["speaker"] == 1.0
    assert basil.is_person_label("Rick_Perry") and not basil.is_person_label("Tea_Party")

    class Hit:
        def __init__(self, start: int, end: int) -> None:
            self.start, self.end = start, end

    slammed = text.index("slammed")
    lex = basil.loaded_scores(gold, matched, lambda t: [Hit(slammed, slammed + 7), Hit(0, 3)])
    assert lex.scores["recall"] == 1.0 and lex.scores["precision"] == 0.5


def test_polnear_named_sources_and_naming_cover() -> None:
    assert polnear.source_last_word("Geoff Garin, a Democratic pollster who works") == "Garin"
    assert polnear.source_last_word("Gov. John Kasich (R-OH)") == "Kasich"
    assert polnear.source_last_word("Murphy’s spokeswoman Galia Slayen") == "Slayen"
    assert polnear.source_last_word("the source") is None
    assert polnear.source_last_word("He") is None
    assert naming.covers("Russian President Vladimir Putin", "Vladimir Putin")
    assert naming.covers("the  Kremlin", "The Kremlin")
    assert not naming.covers("Putinism", "Putin")


def test_bcubed_of_a_part_counts_merges_with_the_rest() -> None:
    """``scored``: only the part's items are averaged, in the clusters of every item (a part's
    item merged with one outside the part loses precision; recall is the part's own)."""
    gold = {"a1": "A", "a2": "A", "b1": "B"}
    pred = {"a1": "x", "a2": "x", "b1": "x"}
    part = metrics.bcubed(gold, pred, scored={"a1", "a2"})
    assert part["precision"] == pytest.approx(2 / 3)
    assert part["recall"] == 1.0
    assert metrics.bcubed({k: gold[k] for k in ("a1", "a2")}, pred)["precision"] == 1.0
    assert metrics.bcubed(gold, pred, scored=set())["f1"] == 0.0
