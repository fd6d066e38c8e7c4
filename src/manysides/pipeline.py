"""The whole job, stage after stage: ingest -> analyze -> stories -> compare -> summary.

``run(inputs, store, settings=...)`` is what ``manysides analyze`` and ``make demo`` do;
``analysis_json(store, ...)`` is the JSON contract of ``manysides analyze --json``.
Each stage module does the work; this module only orders the stages and keeps the store in step.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from manysides import contract
from manysides.analyze import analyze_pending
from manysides.analyze.dates import extract_dates
from manysides.cluster import assign_stories
from manysides.compare import compare_story, compared_articles, sentence_vectors
from manysides.ingest import ingest
from manysides.models import Article, Failure, Story, to_dict
from manysides.report import summarize
from manysides.settings import Settings
from manysides.store import Store
from manysides.workers import map_in_processes

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

COMPARE_VERSION = "1"  # bump when a change to compare/ or report/ should redo every story

Progress = Callable[[str, int, int], None]
"""Progress callback: (stage name, done, total)."""


@dataclass
class RunResult:
    """What one pipeline run did: article ids per outcome, failures, stories touched."""

    new: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    analyzed: list[str] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        """Every article this run's inputs map to (new, already stored, and duplicates)."""
        ids = list(dict.fromkeys(self.new + self.existing + [d for d, _ in self.duplicates]))
        return ids


def run(
    inputs: Sequence[str],
    store: Store,
    *,
    settings: Settings | None = None,
    manifest: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Ingest ``inputs`` into ``store`` and bring analyses and stories up to date.

    Returns a ``RunResult``; bad inputs are in ``result.failed`` (also recorded in the store),
    never raised.  Re-running on the same inputs changes nothing.
    """
    settings = settings or Settings()
    report = ingest(
        list(inputs), store, settings=settings, manifest=manifest,
        progress=(lambda name: progress("ingest", 0, 0)) if progress else None,
    )
    result = RunResult(
        new=list(report.new),
        existing=list(report.existing),
        duplicates=list(report.duplicates),
        failed=list(report.failed),
    )
    result.analyzed, result.stories = update(store, settings=settings, progress=progress)
    return result


def update(
    store: Store, *, settings: Settings | None = None, progress: Progress | None = None
) -> tuple[list[str], list[str]]:
    """Analyse what is not yet analysed, assign every analysed article without a story (also
    those analysed by a run that stopped before assigning them: ``ingest --analyze``, a
    kill), and refresh the stories touched and those whose comparison is missing or stale
    (a run killed while comparing: ``stories_to_compare``).

    Returns (analysed article ids, touched or repaired story ids).
    """
    settings = settings or Settings()
    analyzed = analyze_pending(
        store, settings=settings,
        progress=(lambda done: progress("analyze", done, 0)) if progress else None,
    )
    unassigned = store.article_ids_without_story()
    story_ids = assign_stories(store, unassigned, settings=settings) if unassigned else []
    story_ids = list(dict.fromkeys([*story_ids, *stories_to_compare(store)]))
    refresh_stories(store, story_ids, settings=settings, progress=progress)
    return analyzed, story_ids


def compared_mark(articles: Sequence[Article]) -> str:
    """What a story's comparison was computed from: ``COMPARE_VERSION`` and a digest of its
    analysed articles' ids and analysis versions (stored with the comparison)."""
    members = sorted(f"{a.id}@{a.analysis.version}" for a in articles if a.analysis)
    return _mark(members)


def _mark(members: list[str]) -> str:
    digest = hashlib.sha256(",".join(members).encode()).hexdigest()[:32]
    return f"{COMPARE_VERSION}:{digest}"


def stories_to_compare(store: Store) -> list[str]:
    """Stories whose stored comparison is missing or was computed from other articles (or
    other analyses, or an older ``COMPARE_VERSION``) than the story has now."""
    return [story_id for story_id, mark, members in store.comparison_states()
            if members and mark != _mark(sorted(f"{i}@{v}" for i, v in members))]


POOL_MIN_STORIES = 16  # below this, starting worker processes costs more than it saves

StoryTask = tuple[Story, list[Article], dict[str, "np.ndarray"]]
"""A story with its analysed articles and their stored sentence vectors."""


def refresh_stories(
    store: Store,
    story_ids: Iterable[str],
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> list[Story]:
    """Recompute the comparison, summary and timeline of each story and store them.

    Articles without a publication date get their relative dates re-resolved against the
    story's date anchor first.  Stories run on ``settings.workers`` processes when there are
    enough of them; this process alone reads and writes the store.  Each story is written in
    one transaction with its ``compared_mark`` and the sentence vectors computed for it
    (``compare_and_summarize``, kept for its next refresh).  Returns the refreshed stories.
    """
    settings = settings or Settings()
    ids = list(dict.fromkeys(story_ids))
    refreshed: list[Story] = []

    def save(task: StoryTask, result: tuple[Story, dict[str, np.ndarray]]) -> None:
        story, new_vectors = result
        store.save_story(story, compared=compared_mark(task[1]),
                         vectors={aid: {"sentences": m} for aid, m in new_vectors.items()})
        refreshed.append(story)
        if progress:
            progress("stories", len(refreshed), len(ids))

    tasks = (task for task in map(functools.partial(_story_task, store), ids) if task)
    workers = min(settings.workers or os.cpu_count() or 1, max(1, len(ids) // 4))
    if workers > 1 and len(ids) >= POOL_MIN_STORIES:
        work = functools.partial(compare_and_summarize, settings=replace(settings, workers=1))
        for task, result in map_in_processes(work, tasks, workers=workers):
            save(task, result)
    else:
        for task in tasks:
            save(task, compare_and_summarize(task, settings=settings))
    return refreshed


def _story_task(store: Store, story_id: str) -> StoryTask | None:
    story = store.get_story(story_id)
    if story is None:
        return None
    articles = list(store.iter_articles(ids=story.articles, with_analysis=True))
    # only the articles the comparison reads are embedded and held in memory
    articles = compared_articles([a for a in articles if a.analysis is not None])
    _anchor_undated(store, articles, story.date_anchor)
    vectors = store.get_vectors([a.id for a in articles], "sentences") if len(articles) > 1 else {}
    return story, articles, vectors


def compare_and_summarize(
    task: StoryTask, *, settings: Settings
) -> tuple[Story, dict[str, np.ndarray]]:
    """One story's comparison and summary (no store): the story, and the sentence vectors
    computed for it (article id -> ``n x 384``) that the store lacked.

    Sentences are embedded only in stories of two or more articles (claims are aligned
    across articles), and only those the comparison reads (``compare.sentence_vectors``: the
    other rows are zero); a stored matrix is re-used when it still matches the sentences.
    """
    story, articles, vectors = task
    new: dict[str, np.ndarray] = {}
    if len(articles) > 1:
        stale = [a for a in articles
                 if a.analysis and len(vectors.get(a.id, ())) != len(a.analysis.sentences)]
        if stale:
            new = sentence_vectors(stale, settings)
            vectors = {**vectors, **new}
    story = compare_story(story, articles, vectors, settings=settings)
    story = summarize(story, articles, settings=settings)
    return story, new


def _anchor_undated(store: Store, articles: list[Article], anchor: str | None) -> None:
    """Resolve the relative dates of undated articles through the story's date anchor."""
    if not anchor:
        return
    for article in articles:
        if article.published or article.analysis is None:
            continue
        dates = extract_dates(
            article.text, article.analysis.sentences, anchor, anchor_is_story=True
        )
        if [to_dict(d) for d in dates] != [to_dict(d) for d in article.analysis.dates]:
            article.analysis.dates = dates
            store.save_analysis(article.id, article.analysis)


def analysis_json(
    store: Store,
    *,
    article_ids: Sequence[str] | None = None,
    failed: Sequence[Failure] = (),
) -> dict[str, Any]:
    """The document ``manysides analyze --json`` writes: articles, their stories, failures.

    ``article_ids`` limits it to those articles and the stories they belong to (default: all).
    """
    articles = list(store.iter_articles(ids=article_ids, with_analysis=True))
    story_ids = list(dict.fromkeys(a.story_id for a in articles if a.story_id))
    stories = [s for s in (store.get_story(sid) for sid in story_ids) if s is not None]
    return contract.document(articles, stories, failed)
