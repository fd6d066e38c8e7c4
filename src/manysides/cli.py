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
