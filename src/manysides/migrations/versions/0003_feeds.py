"""Feed state for ``manysides watch``: conditional-GET validators per feed, items already seen.

Also indexes ``articles.ingested_at`` (the order ``Store.iter_articles`` streams in).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_polled", sa.String(length=40), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("url"),
    )
    op.create_table(
        "feed_items",
        sa.Column("feed_url", sa.Text(), nullable=False),
        sa.Column("item_key", sa.Text(), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("seen_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("feed_url", "item_key"),
    )
    op.create_index(op.f("ix_articles_ingested_at"), "articles", ["ingested_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_articles_ingested_at"), table_name="articles")
    op.drop_table("feed_items")
    op.drop_table("feeds")
