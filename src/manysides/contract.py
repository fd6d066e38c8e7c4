"""The JSON contract: models -> the documented JSON of ``schema/analysis.schema.json``.

One place writes it: ``manysides analyze --json`` (``document``), ``manysides report --format
json`` and the web API (``article_json``, ``story_json``).  ``SCHEMA_VERSION`` is the version
of that schema; the API's pydantic models (``manysides.web.models``) are tested against these
functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from manysides.models import Article, Failure, Story, to_dict

SCHEMA_VERSION = "1.0"

ARTICLE_FIELDS = ("id", "source", "outlet", "title", "section", "url", "published", "updated",
                  "language", "text")
"""The article metadata written as is, in this order (then ``removed`` and the analysis)."""


def article_json(article: Article, *, with_sentences: bool = False) -> dict[str, Any]:
    """One article with its analysis (entities, quotes, dates, quantities).

    ``with_sentences`` adds the sentence list (the web API's article view links to it).
    """
    out: dict[str, Any] = {name: getattr(article, name) for name in ARTICLE_FIELDS}
    out["removed"] = [to_dict(r) for r in article.removed]
    out["duplicate_of"] = article.duplicate_of
    out["story_id"] = article.story_id
    analysis = article.analysis
    out["entities"] = [
        {"name": e.name, "type": e.type, "aliases": e.aliases, "mentions": e.mentions,
         "descriptors": e.descriptors}
        for e in (analysis.entities if analysis else [])
    ]
    out["quotes"] = [
        {k: v for k, v in to_dict(q).items() if k != "sentence"}
        for q in (analysis.quotes if analysis else [])
    ]
    out["dates"] = [
        {k: v for k, v in to_dict(d).items() if k != "sentence"}
        for d in (analysis.dates if analysis else [])
    ]
    out["quantities"] = [to_dict(q) for q in (analysis.quantities if analysis else [])]
    if with_sentences:
        out["sentences"] = [to_dict(s) for s in (analysis.sentences if analysis else [])]
    return out


def story_json(story: Story) -> dict[str, Any]:
    """One story with its comparison (claims, omissions, framing), summary and timeline."""
    return to_dict(story)


def document(
    articles: Sequence[Article], stories: Sequence[Story], failed: Sequence[Failure] = ()
) -> dict[str, Any]:
    """The whole document: schema version, articles, their stories, the inputs that failed."""
    return {
        "schema_version": SCHEMA_VERSION,
        "articles": [article_json(a) for a in articles],
        "stories": [story_json(s) for s in stories],
        "failed": [to_dict(f) for f in failed],
    }
