"""The ``manysides`` command line: one thin function per command (open the store, call, print).

Models load only when a command analyses (``manysides articles`` loads none).  Data (titles,
outlets, paths, reasons) is printed as text, never read as rich markup: both consoles have
markup off, and styled words are :class:`rich.text.Text` spans (:func:`styled`).
"""

from __future__ import annotations

import functools
import json
import logging
import tempfile
from collections.abc import Callable
from importlib.resources import files
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from manysides import pipeline
from manysides.cluster import recluster as recluster_all
from manysides.engine import get_engine
from manysides.errors import InputError, ManysidesError
from manysides.ingest import count_files, ingest
from manysides.models import Story
from manysides.pipeline import refresh_stories
from manysides.report import render, render_bundle
from manysides.report.views import claim_label, witness_notes
from manysides.settings import Settings
from manysides.store import Store, default_db_url
from manysides.watch import Watcher, parse_interval, read_feeds_file
from manysides.web.app import create_app

console = Console(markup=False, highlight=False)
err_console = Console(stderr=True, markup=False, highlight=False)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain strings and ``(text, style)`` pairs; no part is parsed as markup."""
    return Text.assemble(*parts)


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """Shared ``--db URL`` option: a SQLAlchemy URL or a SQLite file path."""

    @click.option(
        "--db",
        "db_url",
        default=None,
        help="Database URL or SQLite file (default: $MANYSIDES_DB or sqlite:///manysides.db).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, db_url: str | None, **kwargs: Any) -> Any:
        return func(*args, db_url=db_url or default_db_url(), **kwargs)

    return wrapper


def _find_story(store: Store, story_id: str, hint: str = "") -> Story:
    """The story ``story_id`` (id or unique prefix) names, following a merged story's redirect
    (with a note on stderr), as the web UI and the JSON API do; a ClickException if none."""
    found = store.get_story(story_id)
    if found is None:
        moved = store.story_redirect(story_id)
        found = store.get_story(moved) if moved is not None else None
        if found is not None:
            click.echo(f"note: story {story_id} was merged into {found.id}", err=True)
    if found is None:
        raise click.ClickException(f"no story with id {story_id!r}{hint}")
    return found


class _Commands(click.Group):
    """The command group: a ``ManysidesError`` becomes one line on stderr and its exit status
    (2: usage or configuration, 1: a failed operation), never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ManysidesError as exc:
            click.echo(f"Error: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Commands)
@click.option("-v", "--verbose", is_flag=True, help="Log what each stage does.")
@click.version_option(package_name="manysides")
def main(verbose: bool) -> None:
    """manysides: many outlets, one story, every side laid next to the others."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command()
@db_option
@click.option("--limit", type=int, default=None, help="Show at most this many articles.")
def articles(db_url: str, limit: int | None) -> None:
    """List stored articles as a table.

    Example: manysides articles --db news.db --limit 20
    """
    with Store(db_url) as store:
        table = Table("id", "outlet", "published", "title", "words", "removed", "duplicate of")
        for i, art in enumerate(store.iter_articles()):
            if limit is not None and i >= limit:
                break
            table.add_row(
                art.id[:10],
                art.outlet or "-",
                (art.published or "-")[:16],
                (art.title or "-")[:70],
                str(len(art.text.split())),
                str(len(art.removed)),
                (art.duplicate_of or "")[:10],
            )
        console.print(table)


@main.command()
@db_option
@click.argument("article_id")
def show(db_url: str, article_id: str) -> None:
    """Show one article: metadata, clean text and the lines removed (with reasons).

    Example: manysides show 3f2a9c1b
    """
    with Store(db_url) as store:
        art = store.get_article(article_id)
        if art is None:
            raise click.ClickException(f"no article with id {article_id!r}")
        for name in ("id", "source", "outlet", "title", "section", "byline", "url", "published",
                     "updated", "language", "duplicate_of", "story_id"):
            value = getattr(art, name)
            if value:
                console.print(styled((name, "bold"), f": {value}"))
        console.rule("text")
        console.print(art.text)
        console.rule(f"removed ({len(art.removed)} lines)")
        for r in art.removed:
            console.print(styled((f"{r.reason:>12}", "dim"), "  ", r.line))
        if art.analysis is not None:
            _print_analysis(art.analysis)


class _StageProgress:
    """A rich progress bar per pipeline stage, fed by ``pipeline.run``'s progress callback."""

    def __init__(self) -> None:
        self.bar = Progress(
            TextColumn("{task.description:>10}", markup=False), BarColumn(),
            MofNCompleteColumn(),
            console=err_console, transient=True,
        )
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _StageProgress:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.bar.__exit__(*exc)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in self.tasks:
            self.tasks[stage] = self.bar.add_task(stage, total=total or None)
        task = self.tasks[stage]
        if done:
            self.bar.update(task, completed=done, total=total or None)
        else:
            self.bar.advance(task)


def _print_run_summary(result: Any) -> None:
    console.print(styled(
        "ingested ", (str(len(result.new)), "bold"), f", already stored {len(result.existing)}, "
        f"duplicates {len(result.duplicates)}, failed ", (str(len(result.failed)), "bold"),
        f"; analysed {len(result.analyzed)}, stories updated {len(result.stories)}",
    ))
    _print_failures(result.failed)


def _print_failures(failures: Any) -> None:
    for failure in failures:
        err_console.print(styled(("failed", "red"), f" {failure.input}: {failure.reason}"),
                          soft_wrap=True)


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--db", "db_url", default=None,
              help="Store to ingest into (default: a temporary store, discarded afterwards).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False), default=None,
              help="Write the analysis document (articles, stories, failures) to this file.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None,
              help="Write a self-contained HTML report of the stories to this file.")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV or JSON of path_or_url -> outlet, url, published, title overrides.")
def analyze(
    inputs: tuple[str, ...], db_url: str | None, json_out: str | None, html_out: str | None,
    manifest: str | None,
) -> None:
    """Run the whole pipeline on INPUTS (files, folders, feeds, URLs, JSONL) and write results.

    Example: manysides analyze ../shared/seeds --json seeds.json --html seeds.html
    """
    with (tempfile.TemporaryDirectory(prefix="manysides-") as tmp,
          Store(db_url or f"sqlite:///{tmp}/analyze.db") as store):
        with _StageProgress() as progress:
            result = pipeline.run(inputs, store, settings=Settings(), manifest=manifest,
                                  progress=progress)
        _print_run_summary(result)
        ids = result.article_ids
        if json_out:
            doc = pipeline.analysis_json(store, article_ids=ids, failed=result.failed)
            with open(json_out, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, ensure_ascii=False, indent=2)
            console.print(f"wrote {json_out}")
        if html_out:
            articles = {a.id: a for a in store.iter_articles(ids=ids, with_analysis=True)}
            story_ids = dict.fromkeys(a.story_id for a in articles.values() if a.story_id)
            stories = [s for s in (store.get_story(i) for i in story_ids) if s]
            with open(html_out, "w", encoding="utf-8") as fh:
                fh.write(render_bundle(stories, articles, fmt="html"))
            console.print(f"wrote {html_out}")
    raise SystemExit(1 if result.failed else 0)


@main.command()
@click.option("--db", "db_url", default="sqlite:///manysides-demo.db", show_default=True,
              help="Store for the demo.")
@click.option("--serve/--no-serve", default=True, help="Serve the web UI after the run.")
@click.option("--port", default=8000, show_default=True, help="Port for the web UI.")
def demo(db_url: str, serve: bool, port: int) -> None:
    """Run the pipeline on the bundled sample corpus, print what it found, serve the web UI.

    Example: manysides demo --no-serve
    """
    sample = str(files("manysides") / "sample")
    with Store(db_url) as store:
        with _StageProgress() as progress:
            result = pipeline.run([sample], store, settings=Settings(), progress=progress)
        _print_run_summary(result)
        table = Table("outlet", "published", "title", "words kept", "lines removed",
                      title="Articles")
        for art in store.iter_articles(include_duplicates=False):
            table.add_row(art.outlet or "-", (art.published or "-")[:16],
                          (art.title or "-")[:60], str(len(art.text.split())),
                          str(len(art.removed)))
        console.print(table)
        stories = Table("story", "articles", "outlets", "span", title="Stories")
        for story in store.list_stories():
            span = f"{(story.first_published or '?')[:10]} .. {(story.last_published or '?')[:10]}"
            stories.add_row(story.title[:60], str(len(story.articles)),
                            ", ".join(story.outlets), span)
        console.print(stories)
    if serve:
        import uvicorn  # the web server loads only for the commands that serve

        console.print(styled("Serving the web UI at ", (f"http://127.0.0.1:{port}/", "bold"),
                             " (Ctrl-C stops)"))
        uvicorn.run(create_app(db_url), host="127.0.0.1", port=port, log_level="warning")


@main.command()
@db_option
@click.argument("story_id")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json", "csv"]), default="md",
              show_default=True, help="Report format (html is one self-contained file).")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write the report to this file instead of standard output.")
def report(db_url: str, story_id: str, fmt: str, out: str | None) -> None:
    """Write one story's report: cited summary, timeline, claims, quotes, sources.

    Example: manysides report 3f2a9c1b --format html --out story.html
    """
    with Store(db_url) as store:
        story = _find_story(store, story_id, " (see `manysides serve`)")
        articles = list(store.iter_articles(ids=story.articles, with_analysis=True))
        text = render(story, articles, fmt)
        if out is None:
            click.echo(text, nl=False)
        else:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text)
            err_console.print(f"wrote {out}")


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind (the default serves this machine only).")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this Host name (repeatable; loopback names are "
                   "always allowed; '*' allows any, unsafe beyond a trusted network).")
def serve(db_url: str, host: str, port: int, allow_hosts: tuple[str, ...]) -> None:
    """Serve the web UI and JSON API (docs at /docs) over the store.

    Only requests naming this machine (127.0.0.1, localhost) are answered unless --allow-host
    names the server's other names: a web page elsewhere cannot read the API (DNS rebinding).

    Example: manysides serve --db news.db --host 0.0.0.0 --allow-host news.example.lan
    """
    import uvicorn  # the web server loads only for the commands that serve

    allowed = (*Settings().allowed_hosts, *allow_hosts)
    console.print(styled("Serving manysides at ", (f"http://{host}:{port}/", "bold"),
                         " (Ctrl-C stops)"))
    uvicorn.run(create_app(db_url, allowed_hosts=allowed), host=host, port=port,
                log_level="warning")


@main.command("ingest")
@db_option
@click.argument("inputs", nargs=-1, required=True)
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False), default=None,
              help="CSV or JSON of path_or_url -> outlet, url, published, title overrides.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None,
              help="Skip files and responses larger than this (default: 10 MB).")
@click.option("--engine", "engine_name", type=click.Choice(["local", "ray"]), default="local",
              show_default=True,
              help="Where reading/cleaning (and --analyze) run: this machine, or Ray Data stages.")
@click.option("--address", default=None,
              help="Ray cluster to join with --engine ray (default: start a local Ray).")
@click.option("--analyze", "run_analyze", is_flag=True,
              help="Also analyse the new articles (on the same engine) and update their "
                   "stories.")
def ingest_command(
    db_url: str, inputs: tuple[str, ...], manifest: str | None, max_bytes: int | None,
    engine_name: str = "local", address: str | None = None, run_analyze: bool = False,
) -> None:
    """Ingest INPUTS (text/HTML/JSONL files, folders, URLs, RSS/Atom feeds) into the store.

    Prints what went in: ingested, near-duplicates, already stored, and each failure with its
    reason.  Exit status 0 when every input went in, 1 when some failed.

    Example: manysides ingest ../shared/seeds feed.xml https://example.org/a.html --db news.db
    """
    if address and engine_name != "ray":
        raise click.UsageError("--address needs --engine ray")
    settings = Settings(max_file_bytes=max_bytes) if max_bytes else Settings()
    total = count_files(inputs)
    columns = [SpinnerColumn(), TextColumn("ingesting"), MofNCompleteColumn(),
               TimeRemainingColumn(),
               TextColumn("{task.fields[last]}", style="dim", markup=False)]
    with Store(db_url) as store, Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("ingest", total=total, last="")

        def progress(message: str) -> None:
            done = bar.tasks[0].completed + 1
            bar.update(task, completed=done, total=max(bar.tasks[0].total or 0, done),
                       last=message[:70])

        def found_more(n: int) -> None:  # a feed's items: the total (and estimate) grows
            bar.update(task, total=(bar.tasks[0].total or 0) + n)

        with get_engine(engine_name, address=address) as engine:
            if engine_name == "local":  # the ingest stage as is, in this process
                report = ingest(list(inputs), store, settings=settings, manifest=manifest,
                                progress=progress, on_more=found_more)
            else:
                report = engine.ingest(list(inputs), store, settings=settings,
                                       manifest=manifest, progress=progress)
            analysed = engine.analyze(store, settings=settings) if run_analyze else None
        if analysed is not None:  # then the stories: assign the new articles, compare
            stories = pipeline.update(store, settings=settings)[1]
    if analysed is not None:
        console.print(styled("analysed ", (str(len(analysed)), "bold"),
                             f" ({engine_name} engine), stories updated {len(stories)}"))
    console.print(styled(
        "ingested ", (str(len(report.new)), "bold"), f", duplicates {len(report.duplicates)}, "
        f"already stored {len(report.existing)}, failed ", (str(len(report.failed)), "bold"),
    ), soft_wrap=True)
    for dup, original in report.duplicates:
        console.print(styled(("duplicate", "dim"), f" {dup} of {original}"))
    _print_failures(report.failed)
    raise SystemExit(1 if report.failed else 0)


# -- stories (manysides.cluster) ----------------------------------------------------------------


@main.command()
@db_option
@click.option("--limit", type=int, default=None, help="Show at most this many stories.")
def stories(db_url: str, limit: int | None) -> None:
    """List stories, most recent first: id, title, articles, outlets, first/last published.

    Example: manysides stories --db news.db --limit 20
    """
    with Store(db_url) as store:
        table = Table("id", "title", "articles", "outlets", "first", "last",
                      title="Stories (first/last: publication dates)")
        table.columns[0].no_wrap = True
        table.columns[1].ratio = 3
        table.columns[3].ratio = 2
        for found in store.list_stories(limit=limit):
            table.add_row(
                found.id[:10],
                found.title[:90],
                str(len(found.articles)),
                ", ".join(found.outlets) or "-",
                (found.first_published or "-")[:10],
                (found.last_published or "-")[:10],
            )
        console.print(table)


@main.command()
@db_option
@click.argument("story_id")
@click.option("--max-claims", type=int, default=30, show_default=True,
              help="Show at most this many claims.")
def story(db_url: str, story_id: str, max_claims: int) -> None:
    """Show one story: title, time span, date anchor, its articles and, once compared,
    its claims (status, outlets) and each outlet's omissions.

    Example: manysides story 3f2a9c1b --db news.db
    """
    with Store(db_url) as store:
        found = _find_story(store, story_id)
        console.print(Text(found.title, style="bold"))
        console.print(f"id: {found.id}", highlight=False)
        span = f"{found.first_published or '?'} .. {found.last_published or '?'}"
        console.print(f"published: {span}", highlight=False)
        console.print(f"date anchor (for undated articles): {found.date_anchor or '-'}",
                      highlight=False)
        table = Table("article", "outlet", "published", "title", title="Articles")
        table.columns[0].no_wrap = True
        table.columns[3].ratio = 3
        articles = list(store.iter_articles(ids=found.articles))
        for art in articles:
            table.add_row(art.id[:10], art.outlet or "-", (art.published or "undated")[:16],
                          (art.title or "-")[:90])
        console.print(table)
        if found.claims:
            claims = Table("status", "kind", "outlets", "claim",
                           title=f"Claims ({len(found.claims)}; first {max_claims})")
            notes = witness_notes(found, articles)
            for claim in found.claims[:max_claims]:
                label = claim_label(claim)
                status = styled(label, (f"\n{notes[claim.id]}", "dim")) \
                    if claim.id in notes else label
                claims.add_row(status, claim.kind, ", ".join(claim.outlets), claim.text[:110])
            console.print(claims)
        if any(found.omissions.values()):
            by_id = {c.id: c.text for c in found.claims}
            console.rule("omissions (corroborated claims an outlet does not report)")
            for outlet, ids in found.omissions.items():
                if not ids:
                    continue
                console.print(styled((outlet, "bold"), f" ({len(ids)})"))
                for claim_id in ids[:10]:
                    console.print("  - " + by_id.get(claim_id, claim_id)[:110])
        elif not found.claims:
            console.print(Text("not compared yet (run: manysides recluster --compare)",
                               style="dim"))


@main.command()
@db_option
@click.option("--compare/--no-compare", default=True, show_default=True,
              help="Recompute each story's comparison and summary afterwards.")
def recluster(db_url: str, compare: bool) -> None:
    """Forget every story and cluster all stored articles again, in publication order.

    Example: manysides recluster --db news.db --no-compare
    """
    with Store(db_url) as store:
        settings = Settings()
        story_ids = recluster_all(store, settings=settings)
        if compare and story_ids:
            refresh_stories(store, story_ids, settings=settings)
        console.print(f"{len(story_ids)} stories from {store.count_articles()} articles")


# -- continuous feeds (manysides.watch) ---------------------------------------------------------


@main.command("watch")
@db_option
@click.argument("feeds_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--interval", default="10m", show_default=True,
              help="Time between polls: 90s, 10m, 1h.")
@click.option("--once", is_flag=True, help="Poll once and exit (for cron and tests).")
@click.option("--max-polls", type=click.IntRange(min=1), default=None,
              help="Stop after this many polls (default: run until interrupted).")
def watch_command(
    db_url: str, feeds_file: str, interval: str, once: bool, max_polls: int | None
) -> None:
    """Poll the RSS/Atom feeds in FEEDS_FILE (one URL or path per line, # comments), ingest new
    items, analyse them and update their stories; repeat every --interval.

    Feeds are fetched with conditional GET (ETag/Last-Modified kept in the store); a feed that
    is down is reported and the others go on.  Stopping at any moment loses no stored article.

    Example: manysides watch feeds.txt --interval 10m --db news.db
    """
    try:
        interval_s = parse_interval(interval)
        feeds = read_feeds_file(feeds_file)
    except (ValueError, InputError) as exc:
        raise click.ClickException(str(exc)) from exc
    if not feeds:
        raise click.ClickException(f"{feeds_file} names no feeds")
    polls = 1 if once else max_polls
    try:
        with Store(db_url) as store, Watcher(store, feeds, settings=Settings()) as watcher:
            for n, summary in enumerate(watcher.run(interval_s, max_polls=polls), 1):
                for poll in summary.feeds:
                    if poll.status == "error":
                        err_console.print(styled(("down", "red"), f" {poll.feed}: {poll.error}"),
                                          soft_wrap=True)
                    _print_failures(poll.failed)
                ok = sum(p.status != "error" for p in summary.feeds)
                console.print(
                    f"poll {n}: {ok}/{len(summary.feeds)} feeds read, "
                    f"{len(summary.stored)} new articles, {len(summary.stories)} stories updated",
                    highlight=False,
                )
    except KeyboardInterrupt:
        err_console.print("stopped (every stored article is kept)")


def _print_analysis(analysis: Any) -> None:
    """Print a stored ``ArticleAnalysis`` (entities, quotes, dates) as tables (``show``)."""
    console.rule(f"analysis (version {analysis.version}): {len(analysis.sentences)} sentences")
    ents = Table("entity", "type", "mentions", "aliases", "descriptors", title="entities")
    for e in analysis.entities:
        ents.add_row(styled(e.name, "\n", (e.key, "dim")), e.type, str(e.mentions),
                     "; ".join(e.aliases), "; ".join(e.descriptors))
    console.print(ents)
    quotes = Table("kind", "speaker", "quote", title=f"quotes ({len(analysis.quotes)})")
    for q in analysis.quotes:
        speaker = styled(q.speaker or "-")
        if q.speaker_type:
            speaker.append(f" ({q.speaker_type})", style="dim")
        quotes.add_row(q.kind, speaker, q.text[:200])
    console.print(quotes)
    dates = Table("expression", "resolved", title=f"dates ({len(analysis.dates)})")
    for d in analysis.dates:
        dates.add_row(d.text, d.resolved or "-")
    console.print(dates)
