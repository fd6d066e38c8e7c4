"""The analyze stage: per-article analysis in batches, on every core, results kept in the store.

``analyze_batch`` is pure (articles in, analyses and vectors out) so it runs the same in this
process, in a process pool or inside a Ray actor; ``analyze_pending`` finds the stored articles
lacking an analysis at ``ANALYSIS_VERSION``, runs batches on ``settings.workers`` processes
(each loads its models once) and saves each result as it arrives (``AnalysisSaver``).

Per batch: sentences (own splitter) -> NER (spaCy's ner only, paragraphs piped in one
stream) -> entities/mentions -> quotes (the parser runs only on sentences with an attribution
cue: those of the whole batch in one run, ``parse_cue_sentences``, before ``extract_quotes``)
-> dates -> quantities -> the doc vector: the mean embedding of the title and the lead
sentences (one sorted, batched ONNX run for the whole batch).  The other
sentences are embedded only when a story of two or more articles needs them for its claims
(``embed_sentences``, through ``compare.sentence_vectors``): a story of one article has nothing
to align, and embedding is most of this stage's cost.

Bounded by design: sentences are at most ``MAX_SENTENCE_CHARS`` long (``split_sentences``),
NER paragraphs at most ``MAX_PARAGRAPH_CHARS`` (and never over spaCy's ``max_length``); an
article over ``settings.max_analysis_chars`` is refused with its reason, and a batch that runs
past its time or memory budget is re-run article by article, each under its own budget, so
the article at fault fails alone, named, with its reason (``analyze_each``).

Surname-only people are linked across articles once every article of the run is analysed
(``AnalysisSaver.finish``), against the full names of every stored article (the store keeps
that index and which articles still wait), so the outcome does not depend on how the articles
were batched, which worker finished first or whether an earlier run was killed before linking:
the local and Ray engines, and a resumed run, store the same analyses.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import socket
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from manysides.analyze.dates import extract_dates
from manysides.analyze.embed import Embedder, load_embedder
from manysides.analyze.entities import (
    NameIndex,
    Span,
    link_across,
    link_surnames,
    person_name_rows,
    resolve_entities,
    surname_tokens,
)
from manysides.analyze.nlp import load_spacy, main_pass_disabled
from manysides.analyze.quantities import extract_quantities
from manysides.analyze.quotes import extract_quotes, parse_cue_sentences
from manysides.analyze.sentences import MAX_SENTENCE_CHARS, split_sentences
from manysides.datafiles import load_data
from manysides.errors import ModelError
from manysides.models import Article, ArticleAnalysis, Failure, Sentence
from manysides.settings import DEFAULT_BUDGET_CHECK_S, Settings
from manysides.workers import map_in_processes

if TYPE_CHECKING:
    from spacy.language import Language

    from manysides.store import Store

log = logging.getLogger(__name__)

ANALYSIS_VERSION = "1"
BATCH_SIZE = 32  # articles per task: big enough to batch the models, small enough to stream
_LEAD = load_data("sentences")["lead"]  # the doc vector's sentences: data/sentences.toml [lead]
LEAD_SENTENCES: int = _LEAD["count"]  # sentences after the title that make the doc vector
MIN_LEAD_WORDS: int = _LEAD["min_words"]  # shorter lines are not lead sentences
_SENTENCE_END = ".!?\"'\u201d\u2019"
NER_BATCH = 128
MAX_PARAGRAPH_CHARS = 100_000
NER_CACHE_SIZE = 20_000  # paragraphs whose entity spans are kept per process
_NER_CACHE: OrderedDict[str, list[tuple[str, str, int, int]]] = OrderedDict()
_POOL_MIN_ARTICLES = 2 * BATCH_SIZE  # below this, a pool costs more than it saves

Result = tuple[ArticleAnalysis, dict[str, np.ndarray]]


class BudgetExceeded(BaseException):
    """An analysis ran past its time or memory budget (raised inside it by a timer signal).

    A ``BaseException``, like ``KeyboardInterrupt``: the extractors' ``except Exception``
    (which keep an article going when one step fails) must not swallow it.
    """


@contextmanager
def budget(seconds: float, memory_mb: int,
           check_s: float = DEFAULT_BUDGET_CHECK_S) -> Iterator[None]:
    """Run the body under a time and memory budget: past ``seconds``, or once this process has
    grown by over ``memory_mb`` MiB, :class:`BudgetExceeded` is raised inside it.

    Checked every ``check_s`` seconds by ``SIGALRM``, so only in a main thread on POSIX (the CLI,
    a pool worker); elsewhere the body runs unbounded (the limits on sentence and article
    length still hold).
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal,
                                                                               "setitimer"):
        yield
        return
    start, base = time.monotonic(), _rss_mb()

    def check(_signum: int, _frame: object) -> None:
        grown = _rss_mb() - base
        over = (f"analysis ran over its time budget of {seconds:g} s"
                if time.monotonic() - start > seconds else
                f"analysis grew memory by {grown:.0f} MiB, over its budget of {memory_mb} MiB"
                if grown > memory_mb else None)
        if over:
            signal.setitimer(signal.ITIMER_REAL, 0)  # raised once
            raise BudgetExceeded(over)

    previous = signal.signal(signal.SIGALRM, check)
    signal.setitimer(signal.ITIMER_REAL, check_s, check_s)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _rss_mb() -> float:
    """This process's resident memory in MiB (Linux ``/proc``; 0 elsewhere: no memory check)."""
    if not sys.platform.startswith("linux"):
        return 0.0
    with open("/proc/self/statm", "rb") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _paragraphs(text: str, limit: int = MAX_PARAGRAPH_CHARS) -> list[tuple[int, str]]:
    """Non-empty lines with their offsets; lines over ``limit`` cut at a space."""
    out: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        start = 0
        while len(line) - start > limit:
            cut = line.rfind(" ", start, start + limit)
            cut = cut if cut > start else start + limit
            if line[start:cut].strip():
                out.append((pos + start, line[start:cut]))
            start = cut
        if line[start:].strip():
            out.append((pos + start, line[start:]))
        pos += len(line) + 1
    return out


def _lead_indices(article: Article, sentences: list[Sentence]) -> list[int]:
    title = (article.title or "").strip()
    picked: list[int] = []
    seen: set[str] = set()
    for s in sentences:
        if (title and s.text.strip() == title) or s.text in seen:
            continue
        seen.add(s.text)
        # prose, not furniture: long enough and ending like a sentence
        if len(s.text.split()) >= MIN_LEAD_WORDS and s.text.rstrip()[-1] in _SENTENCE_END:
            picked.append(s.index)
        if len(picked) == LEAD_SENTENCES:
            break
    return picked


def analyze_batch(articles: list[Article], *, settings: Settings) -> list[Result]:
    """Analyse ``articles``: one ``(ArticleAnalysis, {"doc": 384-d unit vector})`` each, with
    surname-only people linked to the full names found in the other articles (``link_across``).

    Pure (no store); models are loaded once per process.  A failing extractor leaves its field
    empty for that article (logged with the article id and reason); the rest goes on.
    """
    results = _analyze_each(articles, settings)
    link_across((analysis, art.published)
                for art, (analysis, _) in zip(articles, results, strict=True))
    return results


def _analyze_each(articles: list[Article], settings: Settings) -> list[Result]:
    if not articles:
        return []
    nlp = load_spacy(settings.spacy_model)
    embedder = load_embedder(settings.embedding_model, settings.tokenizer)
    if nlp.max_length <= MAX_SENTENCE_CHARS:
        raise ModelError(f"spaCy pipeline {settings.spacy_model!r} has max_length "
                         f"{nlp.max_length}, below the longest sentence ({MAX_SENTENCE_CHARS})")

    sentences = [split_sentences(a.text) for a in articles]
    limit = min(MAX_PARAGRAPH_CHARS, nlp.max_length - 1)  # spaCy refuses longer texts
    paragraphs = [_paragraphs(a.text, limit) for a in articles]
    spans = _ner_spans(nlp, paragraphs)
    try:  # one parser run for the batch; extract_quotes finds its sentences parsed
        parse_cue_sentences(nlp, ((a.text, sents) for a, sents in zip(articles, sentences,
                                                                        strict=True)))
    except Exception as exc:  # each article's extract_quotes parses (and fails) on its own
        log.warning("batch parse of the cue sentences failed: %s", exc, exc_info=True)

    analyses: list[ArticleAnalysis] = []
    for art, sents, art_spans in zip(articles, sentences, spans, strict=True):
        analysis = ArticleAnalysis(sentences=sents, version=ANALYSIS_VERSION)
        try:
            analysis.entities, analysis.mentions = resolve_entities(art.text, sents, art_spans)
        except Exception as exc:  # a bug on odd input must not sink the batch
            log.warning("article %s: entity resolution failed: %s", art.id, exc, exc_info=True)
        steps: list[tuple[str, Callable[[], list[Any]]]] = [
            ("quotes", functools.partial(extract_quotes, art.text, sents, analysis.entities,
                                         analysis.mentions, nlp=nlp)),
            ("dates", functools.partial(extract_dates, art.text, sents, art.published)),
            ("quantities", functools.partial(extract_quantities, art.text, sents)),
        ]
        for name, step in steps:
            try:
                setattr(analysis, name, step())
            except Exception as exc:
                log.warning("article %s: %s extraction failed: %s", art.id, name, exc,
                            exc_info=True)
        analyses.append(analysis)
    return _with_vectors(articles, analyses, embedder)


def _ner_spans(nlp: Language, paragraphs: list[list[tuple[int, str]]]) -> list[list[Span]]:
    """NER spans of each article (offsets into its text); repeated paragraphs run once."""
    todo = list(dict.fromkeys(p for paras in paragraphs for _, p in paras
                              if p not in _NER_CACHE))
    if todo:
        with nlp.select_pipes(disable=main_pass_disabled(nlp)):
            for para, doc in zip(todo, nlp.pipe(todo, batch_size=NER_BATCH), strict=True):
                _NER_CACHE[para] = [(e.text, e.label_, e.start_char, e.end_char)
                                    for e in doc.ents]
    out: list[list[Span]] = []
    for paras in paragraphs:
        spans: list[Span] = []
        for off, para in paras:
            ents = _NER_CACHE[para]
            _NER_CACHE.move_to_end(para)
            spans += [Span(t, label, off + s, off + e) for t, label, s, e in ents]
        out.append(spans)
    while len(_NER_CACHE) > NER_CACHE_SIZE:
        _NER_CACHE.popitem(last=False)
    return out


def _with_vectors(
    articles: list[Article], analyses: list[ArticleAnalysis], embedder: Embedder
) -> list[Result]:
    """Doc vectors: the mean of the title's and the lead sentences' embeddings (one ONNX run).

    Only those sentences are embedded here: the rest are embedded when a story needs them
    (``embed_sentences``, through ``compare.sentence_vectors`` for stories of two or more
    articles).
    """
    texts: list[str] = []
    rows_of: list[list[int]] = []
    for art, analysis in zip(articles, analyses, strict=True):
        picked = [analysis.sentences[i].text for i in _lead_indices(art, analysis.sentences)]
        title = (art.title or "").strip()
        if title:
            picked.append(title)
        if not picked and analysis.sentences:
            picked = [analysis.sentences[0].text]
        rows_of.append(list(range(len(texts), len(texts) + len(picked))))
        texts.extend(picked)
    vectors = embedder.encode(texts)
    out: list[Result] = []
    for analysis, rows in zip(analyses, rows_of, strict=True):
        doc = np.zeros(embedder.dim, dtype=np.float32)
        if rows:
            doc = vectors[rows].mean(axis=0)
            doc = doc / max(float(np.linalg.norm(doc)), 1e-12)
        out.append((analysis, {"doc": doc.astype(np.float32)}))
    return out


def embed_sentences(
    analyses: list[ArticleAnalysis], *, settings: Settings,
    keep: Callable[[str], bool] | None = None,
) -> list[np.ndarray]:
    """Embeddings of the sentences of each analysis (``n x 384`` float32 each, rows aligned
    with its sentences), in one run.  With ``keep``, only the sentences whose text it accepts
    are embedded; the other rows are zero."""
    embedder = load_embedder(settings.embedding_model, settings.tokenizer)
    rows = [[i for i, s in enumerate(analysis.sentences) if keep is None or keep(s.text)]
            for analysis in analyses]
    texts = [analysis.sentences[i].text
             for analysis, idx in zip(analyses, rows, strict=True) for i in idx]
    vectors = embedder.encode(texts)
    out: list[np.ndarray] = []
    first = 0
    for analysis, idx in zip(analyses, rows, strict=True):
        matrix = np.zeros((len(analysis.sentences), vectors.shape[1]), dtype=np.float32)
        matrix[idx] = vectors[first : first + len(idx)]
        first += len(idx)
        out.append(matrix)
    return out


# -- the stage over the store ---------------------------------------------------------------


def analyze_each(articles: list[Article], *, settings: Settings) -> list[Result | str]:
    """Each article's ``(analysis, vectors)``, or the reason (a string) its analysis failed.

    The engines' analyze step: no linking across articles (``AnalysisSaver`` does that once
    the whole run is in).  An article over ``settings.max_analysis_chars`` is refused.  The
    batch runs under a time and memory budget (``budget``: one article's, plus
    ``budget_per_extra_article_s`` per other article); if it fails or runs over, each article
    runs alone under its own, so one bad article costs only itself; a model that cannot load
    (``ModelError``) stops the run.
    """
    if len(articles) == 1 and len(articles[0].text) > settings.max_analysis_chars:
        log.warning("article %s: refused, %d characters", articles[0].id, len(articles[0].text))
        return [f"article is {len(articles[0].text)} characters long, over the analysis limit "
                f"of {settings.max_analysis_chars} (max_analysis_chars)"]
    if len(articles) > 1 and any(len(a.text) > settings.max_analysis_chars for a in articles):
        return [r for a in articles for r in analyze_each([a], settings=settings)]
    load_spacy(settings.spacy_model)  # loading the models is not the articles' budget
    load_embedder(settings.embedding_model, settings.tokenizer)
    seconds = (settings.article_time_budget_s
               + settings.budget_per_extra_article_s * (len(articles) - 1))
    try:
        with budget(seconds, settings.article_memory_mb, settings.budget_check_s):
            return list(_analyze_each(articles, settings))
    except ModelError:
        raise
    except (Exception, BudgetExceeded) as exc:
        if len(articles) == 1:
            log.warning("article %s: analysis failed: %s", articles[0].id, exc,
                        exc_info=not isinstance(exc, BudgetExceeded))
            return [str(exc) if isinstance(exc, BudgetExceeded)
                    else f"{type(exc).__name__}: {exc}"]
    out: list[Result | str] = []
    for art in articles:
        out += analyze_each([art], settings=settings)
    return out


class AnalysisSaver:
    """Writes analysed batches to the store as they arrive, then links surnames.

    ``add(batch, outcome)`` saves each analysis with its vectors (a string outcome is recorded
    as a ``Failure``), its full person names (the store's name index) and, where it has
    surname-only people, a mark that they wait to be linked - all in one transaction.
    ``finish()`` gives every waiting surname-only person the unique full name with that
    surname in any stored article within a week (``link_surnames``), re-saves the analyses
    and clears their marks, and returns the ids saved.  Linking reads the stored state only,
    so a run killed before ``finish`` is linked by the next one, with the same keys an
    uninterrupted run gives, whatever the batches' order and make-up.
    """

    def __init__(self, store: Store, progress: Callable[[int], None] | None = None) -> None:
        self.store = store
        self.progress = progress
        self.saved: list[str] = []
        self.handled = 0

    def add(self, batch: list[Article], outcome: list[Result | str]) -> None:
        """Save one batch's outcome (in batch order)."""
        for art, res in zip(batch, outcome, strict=True):
            if isinstance(res, str):  # bad input: recorded, the rest goes on
                self.store.record_failure(Failure(input=art.source or art.id,
                                                  reason=f"analyze: {res}"))
                continue
            analysis, vectors = res
            self.store.save_analysis(
                art.id, analysis, vectors,
                person_names=person_name_rows(analysis, art.published),
                surnames_pending=bool(surname_tokens(analysis)))
            self.saved.append(art.id)
        self.handled += len(batch)
        if self.progress is not None:
            self.progress(self.handled)

    def finish(self) -> list[str]:
        """Link the stored surname-only people waiting; the ids saved by this run, in order."""
        waiting = self.store.article_ids_awaiting_surnames()
        tokens: set[str] = set()
        for art in self.store.iter_articles(ids=waiting, with_analysis=True):
            tokens |= surname_tokens(art.analysis) if art.analysis else set()
        index = NameIndex()
        index.add_rows(self.store.person_names(tokens))
        unchanged = []
        for art in self.store.iter_articles(ids=waiting, with_analysis=True):
            if art.analysis is not None and link_surnames(art.analysis, art.published, index):
                self.store.save_analysis(art.id, art.analysis, surnames_pending=False)
            else:
                unchanged.append(art.id)
        self.store.mark_surnames_linked(unchanged)
        return self.saved


def _batches(store: Store, ids: list[str], size: int, owner: str,
             lease_s: float) -> Iterator[list[Article]]:
    """Batches of the articles among ``ids`` that this run (``owner``) could claim for
    ``lease_s`` seconds: those another run is analysing, or has analysed since ``ids`` was
    read, are skipped."""
    for i in range(0, len(ids), size):
        mine = store.claim_pending_analysis(ids[i : i + size], ANALYSIS_VERSION, owner, lease_s)
        if mine:
            yield list(store.iter_articles(ids=mine))


def analyze_pending(
    store: Store,
    *,
    settings: Settings,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Analyse the stored articles lacking an analysis at ``ANALYSIS_VERSION``; return their ids.

    Batches run on ``settings.workers`` processes (0: one per core) when there are enough
    articles; each result is saved with its vectors as it arrives (``progress(n)`` is called
    with the number of articles handled so far) and surname-only people are linked across
    the run at the end (``AnalysisSaver``).  Analyses already stored are re-used.  An
    article whose analysis fails is recorded as a ``Failure`` (its source and the reason) and
    left out; the others go on.  Each batch is claimed in the store before it is read
    (``Store.claim_pending_analysis``), so concurrent runs on one store divide the work.
    """
    ids = store.article_ids_without_analysis(ANALYSIS_VERSION)
    if not ids:  # a killed run may have left surnames to link
        return AnalysisSaver(store, progress).finish()
    workers = settings.workers or os.cpu_count() or 1
    workers = max(1, min(workers, (len(ids) + BATCH_SIZE - 1) // BATCH_SIZE))
    saver = AnalysisSaver(store, progress)
    owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    batches = _batches(store, ids, BATCH_SIZE, owner, settings.analysis_claim_lease_s)

    def save(batch: list[Article], outcome: list[Result | str]) -> None:
        saver.add(batch, outcome)
        store.release_claims([a.id for a in batch], owner)

    if workers == 1 or len(ids) < _POOL_MIN_ARTICLES:
        for batch in batches:
            save(batch, analyze_each(batch, settings=settings))
    else:
        work = functools.partial(analyze_each, settings=replace(settings, workers=1))
        for batch, outcome in map_in_processes(work, batches, workers=workers):
            save(batch, outcome)
    return saver.finish()
