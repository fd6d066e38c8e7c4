"""The ``manysides`` command line: one thin function per command (open the store, call, print).

Commands that need no model import none (``manysides articles`` starts fast).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from manysides.store import Store, default_db_url

console = Console()
err_console = Console(stderr=True)


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


@click.group()
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
    store = Store(db_url)
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
    store = Store(db_url)
    art = store.get_article(article_id)
    if art is None:
        raise click.ClickException(f"no article with id {article_id!r}")
    for name in ("id", "source", "outlet", "title", "section", "byline", "url", "published",
                 "updated", "language", "duplicate_of", "story_id"):
        value = getattr(art, name)
        if value:
            console.print(f"[bold]{name}[/bold]: {value}", highlight=False, markup=True)
    console.rule("text")
    console.print(art.text, markup=False, highlight=False)
    console.rule(f"removed ({len(art.removed)} lines)")
    for r in art.removed:
        console.print(f"[dim]{r.reason:>12}[/dim]  ", end="")
        console.print(r.line, markup=False, highlight=False)


class _StageProgress:
    """A rich progress bar per pipeline stage, fed by ``pipeline.run``'s progress callback."""

    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.bar = Progress(
            TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(),
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
    console.print(
        f"ingested [bold]{len(result.new)}[/bold], already stored {len(result.existing)}, "
        f"duplicates {len(result.duplicates)}, failed [bold]{len(result.failed)}[/bold]; "
        f"analysed {len(result.analyzed)}, stories updated {len(result.stories)}"
    )
    for failure in result.failed:
        err_console.print(f"[red]failed[/red] {failure.input}: {failure.reason}", highlight=False)


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
    import json
    import tempfile

    from manysides import pipeline
    from manysides.settings import Settings

    with tempfile.TemporaryDirectory(prefix="manysides-") as tmp:
        store = Store(db_url or f"sqlite:///{tmp}/analyze.db")
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
            from manysides.report import render_bundle

            articles = {a.id: a for a in store.iter_articles(ids=ids, with_analysis=True)}
            story_ids = dict.fromkeys(a.story_id for a in articles.values() if a.story_id)
            stories = [s for s in (store.get_story(i) for i in story_ids) if s]
            with open(html_out, "w", encoding="utf-8") as fh:
                fh.write(render_bundle(stories, articles, fmt="html"))
            console.print(f"wrote {html_out}")
        store.close()
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
    from importlib.resources import files

    from manysides import pipeline
    from manysides.settings import Settings

    sample = str(files("manysides") / "sample")
    store = Store(db_url)
    with _StageProgress() as progress:
        result = pipeline.run([sample], store, settings=Settings(), progress=progress)
    _print_run_summary(result)

    table = Table("outlet", "published", "title", "words kept", "lines removed",
                  title="Articles")
    for art in store.iter_articles(include_duplicates=False):
        table.add_row(art.outlet or "-", (art.published or "-")[:16], (art.title or "-")[:60],
                      str(len(art.text.split())), str(len(art.removed)))
    console.print(table)
    stories = Table("story", "articles", "outlets", "span", title="Stories")
    for story in store.list_stories():
        span = f"{(story.first_published or '?')[:10]} .. {(story.last_published or '?')[:10]}"
        stories.add_row(story.title[:60], str(len(story.articles)), ", ".join(story.outlets), span)
    console.print(stories)
    if serve:
        import uvicorn

        from manysides.web.app import create_app

        console.print(f"Serving the web UI at [bold]http://127.0.0.1:{port}/[/bold] (Ctrl-C stops)")
        uvicorn.run(create_app(db_url), host="127.0.0.1", port=port, log_level="warning")
