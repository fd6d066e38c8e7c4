"""Full-text search over articles (title + text).

SQLite: an external-content FTS5 table ``articles_fts`` over ``articles`` (no copy of the text),
kept in sync by three triggers; ``porter unicode61`` tokenizer (English stemming, accents folded).
PostgreSQL: a GIN expression index over ``to_tsvector('english', title || ' ' || text)``; queries
use the same expression (``manysides.store.search.PG_TSVECTOR``) so the index is used.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Must stay identical to manysides.store.search.PG_TSVECTOR (the planner matches expressions).
PG_TSVECTOR = "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || text)"

SQLITE_UP = [
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS articles_fts_au",
    "DROP TRIGGER IF EXISTS articles_fts_ad",
    "DROP TRIGGER IF EXISTS articles_fts_ai",
    "DROP TABLE IF EXISTS articles_fts",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX ix_articles_fts ON articles USING gin (({PG_TSVECTOR}))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_fts")
