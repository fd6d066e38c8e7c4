"""A story as a report: Markdown, self-contained HTML, JSON (the documented schema) or CSV.

``render(story, articles, fmt)`` for one story; ``render_bundle(stories, articles_by_id)`` for
the HTML page of ``manysides analyze PATH... --html OUT``.  The HTML uses the web UI's Jinja2
templates with autoescaping on and the stylesheet inlined: one file, no external asset.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

import jinja2

from manysides import contract
from manysides.models import Article, Failure, Story
from manysides.report.views import (
    claim_label,
    framed_sentences,
    is_framing,
    outlet_colour,
    story_view,
    summary_label,
    witness_notes,
)

log = logging.getLogger(__name__)

FORMATS = ("md", "html", "json", "csv")
CSV_COLUMNS = ("section", "index", "date", "status", "kind", "text", "outlets", "articles")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the web templates (autoescape on for every template)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("manysides.web", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["outlet_colour"] = outlet_colour
    env.filters["day"] = lambda value: (value or "")[:10]
    return env


@lru_cache(maxsize=4)
def static_text(name: str) -> str:
    """A file of the web UI's static folder (style.css, app.js), for inlining into a page."""
    return resources.files("manysides.web").joinpath(f"static/{name}").read_text("utf-8")


def render(story: Story, articles: Sequence[Article], fmt: str) -> str:
    """``story`` (with its ``articles``) as a ``fmt`` document: md, html, json or csv."""
    fmt = fmt.lower()
    if fmt == "md":
        return _markdown(story, articles)
    if fmt == "html":
        return render_bundle([story], {a.id: a for a in articles}, fmt="html")
    if fmt == "json":
        return json.dumps(contract.document(articles, [story]), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _csv(story, articles)
    raise ValueError(f"unknown report format {fmt!r} (choose from {', '.join(FORMATS)})")


def render_bundle(
    stories: Sequence[Story],
    articles_by_id: Mapping[str, Article],
    fmt: str = "html",
    *,
    failed: Sequence[Failure] = (),
) -> str:
    """Several stories in one self-contained HTML page (a contents list, then each story)."""
    if fmt != "html":
        raise ValueError("render_bundle writes html only")
    views = []
    for story in stories:
        arts = [articles_by_id[i] for i in story.articles if i in articles_by_id]
        views.append(story_view(story, arts, href_prefix=""))
    template = environment().get_template("report.html")
    # Our own script, inlined; "</" cannot occur in it, so it cannot close the element early.
    js = static_text("app.js").replace("</", "<\\/")
    return template.render(views=views, failed=list(failed), css=static_text("style.css"),
                           js=js, standalone=True, title=_bundle_title(stories))


def _bundle_title(stories: Sequence[Story]) -> str:
    if len(stories) == 1:
        return stories[0].title
    return f"manysides: {len(stories)} stories"


def _outlet(a: Article | None) -> str:
    if a is None:
        return "unknown"
    return a.outlet or a.source.rsplit("/", 1)[-1]


def _md_escape(text: str) -> str:
    for ch in ("\\", "`", "*", "_", "[", "]", "<", ">", "|"):
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def _markdown(story: Story, articles: Sequence[Article]) -> str:  # noqa: C901
    """The story as Markdown: summary, timeline, contradictions, claims, quotes, sources.

    Kept whole: one block per report section, in the order they are printed.
    """
    by_id = {a.id: a for a in articles}
    numbers: dict[str, int] = {a.id: i + 1 for i, a in enumerate(articles)}

    def refs(ids: Sequence[str]) -> str:
        for aid in ids:
            numbers.setdefault(aid, len(numbers) + 1)
        return "".join(f"[{n}]" for n in sorted({numbers[aid] for aid in ids}))

    span = " to ".join(x for x in dict.fromkeys(
        [(story.first_published or "")[:10], (story.last_published or "")[:10]]) if x)
    lines = [f"# {_md_escape(story.title)}", ""]
    lines.append(f"{len(story.articles)} articles from {len(story.outlets)} outlets "
                 f"({_md_escape(', '.join(story.outlets))}){'; ' + span if span else ''}.")
    lines += ["", "## Summary", ""]
    if not story.summary:
        lines.append("_No statement is supported well enough to summarise._")
    framed = framed_sentences(story)
    for s in story.summary:
        label = summary_label(s, framed)
        tag = f" _({label})_" if label else ""
        lines.append(f"- {_md_escape(s.text)} {refs(s.citations)}{tag}")
    if story.timeline:
        lines += ["", "## Timeline", ""]
        for ev in story.timeline:
            lines.append(f"- **{ev.date}**: {_md_escape(ev.text)} {refs(ev.articles)}")
    contested = [c for c in story.claims if c.status == "contested"]
    for heading, claims in (("Contradictions", [c for c in contested if not is_framing(c)]),
                            ("Framed differently", [c for c in contested if is_framing(c)])):
        if not claims:
            continue
        lines += ["", f"## {heading}", ""]
        for c in claims:
            lines.append(f"- {_md_escape(c.text)}")
            for side in c.conflict.sides if c.conflict else []:
                ids = [s.article for s in side.support]
                lines.append(f"  - {_md_escape(', '.join(side.outlets))}: "
                             f"{_md_escape(str(side.value))} {refs(ids)}")
    if story.claims:
        lines += ["", "## Claims", "", "| claim | status | outlets | sources |",
                  "|---|---|---|---|"]
        notes = witness_notes(story, articles)
        for c in story.claims:
            status = claim_label(c) + (f" ({notes[c.id]})" if c.id in notes else "")
            lines.append(f"| {_md_escape(c.text)} | {_md_escape(status)} | "
                         f"{_md_escape(', '.join(c.outlets))} | "
                         f"{refs([s.article for s in c.support])} |")
    quotes = [(a, q) for a in articles if a.analysis for q in a.analysis.quotes
              if q.kind != "scare"]
    if quotes:
        lines += ["", "## Quotes", "", "| speaker | outlet | quote | kind |", "|---|---|---|---|"]
        for a, q in quotes:
            who = q.speaker or "unattributed"
            if q.descriptor:
                who += f" ({q.descriptor})"
            if q.affiliation:
                who += f" [{q.affiliation}]"
            lines.append(f"| {_md_escape(who)} | {_md_escape(_outlet(a))} | "
                         f"{_md_escape(q.text)} | {q.kind} |")
    lines += ["", "## Sources", ""]
    for aid, n in sorted(numbers.items(), key=lambda kv: kv[1]):
        source = by_id.get(aid)
        title = _md_escape(source.title or source.source) if source else aid
        when = f", {source.published[:10]}" if source and source.published else ""
        lines.append(f"{n}. {_md_escape(_outlet(source))}: {title}{when} (`{aid[:12]}`)")
    return "\n".join(lines) + "\n"


def _csv(story: Story, articles: Sequence[Article]) -> str:
    by_id = {a.id: a for a in articles}

    def outlets_of(ids: Sequence[str]) -> str:
        return "; ".join(dict.fromkeys(_outlet(by_id.get(i)) for i in ids))

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for i, s in enumerate(story.summary):
        w.writerow(["summary", i, "", s.status, "", s.text, outlets_of(s.citations),
                    " ".join(s.citations)])
    for i, c in enumerate(story.claims):
        ids = list(dict.fromkeys(s.article for s in c.support))
        w.writerow(["claim", i, "", c.status, c.kind, c.text, "; ".join(c.outlets), " ".join(ids)])
    for i, ev in enumerate(story.timeline):
        w.writerow(["timeline", i, ev.date, "", "", ev.text, outlets_of(ev.articles),
                    " ".join(ev.articles)])
    return buf.getvalue()
