"""Alembic environment of the manysides store.

Run programmatically by :func:`manysides.migrations.upgrade` (``Store.create()``), which passes an
open connection in ``config.attributes["connection"]``.  The target metadata is
:mod:`manysides.store.schema`; the full-text search objects (SQLite FTS5 table and its shadow
tables, the PostgreSQL expression index) are created by hand in a migration and are not part of
the metadata, so autogenerate comparisons ignore them.
"""

from __future__ import annotations

from alembic import context

from manysides.migrations import include_name
from manysides.store.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run from a shell: build an engine from sqlalchemy.url
    import sqlalchemy as sa  # only when `alembic` runs from a shell

    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///manysides.db")
    connection = engine.connect()

context.configure(
    connection=connection,
    target_metadata=metadata,
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
