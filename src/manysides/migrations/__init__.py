"""Schema migrations of the store (Alembic), packaged with manysides.

``upgrade(engine)`` brings a database to the newest revision; ``Store.create()`` calls it, so a
user never runs ``alembic`` by hand.  Concurrent callers are serialised (a PostgreSQL advisory
lock, SQLite ``BEGIN IMMEDIATE``) and a database created by the pre-migration store (tables, no
``alembic_version``) is stamped at the initial revision first.

From a shell: ``python -m manysides.migrations URL`` upgrades a database; the ``alembic`` tool
works too with ``script_location`` set to this folder and ``sqlalchemy.url`` to the database.
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from manysides.store.schema import metadata

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent
INITIAL_REVISION = "0001"
# Key of the PostgreSQL advisory lock held while migrating ("manysides" in ASCII, as an int).
PG_LOCK_KEY = 0x6D616E7973696465
# Objects created by hand in migrations that the metadata does not describe (full-text search).
UNMANAGED_PREFIXES = ("articles_fts", "ix_articles_fts")


def include_name(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic filter: leave out the full-text search objects (not in ``schema.metadata``)."""
    return not (name and name.startswith(UNMANAGED_PREFIXES))


def alembic_config(connection: sa.Connection | None = None) -> Any:
    """An ``alembic.config.Config`` for the packaged migrations, bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def head_revision() -> str:
    """The newest revision id of the packaged migrations."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: sa.Connection) -> str | None:
    """The revision the database is at (``None``: never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: sa.Engine) -> str:
    """Run ``alembic upgrade head`` on ``engine``'s database; returns the revision reached."""
    head = head_revision()
    with engine.connect() as conn:
        if current_revision(conn) == head:
            return head
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn = conn.execution_options(manysides_begin="BEGIN IMMEDIATE")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
            current = current_revision(conn)
            if current == head:  # another process migrated while we waited for the lock
                return head
            config = alembic_config(conn)
            if current is None and sa.inspect(conn).has_table("articles"):
                log.info("database has tables but no migration history: stamping %s",
                         INITIAL_REVISION)
                command.stamp(config, INITIAL_REVISION)
            log.info("migrating database from %s to %s", current, head)
            command.upgrade(config, "head")
    return head


def schema_diff(engine: sa.Engine) -> list[Any]:
    """Differences between the database and ``schema.metadata`` (empty when they agree)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_name": include_name, "compare_type": True}
        )
        return list(compare_metadata(context, metadata))
