"""Initial tables: articles, article_bands, embeddings, stories, failures (store/schema.py v1).

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The initial schema.

    Kept whole: one ``create_table`` per table, as Alembic writes a migration.
    """
    op.create_table(
        "articles",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("outlet", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("section", sa.Text(), nullable=True),
        sa.Column("byline", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("updated", sa.String(length=40), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("removed", sa.JSON(), nullable=False),
        sa.Column("duplicate_of", sa.String(length=32), nullable=True),
        sa.Column("ingested_at", sa.String(length=40), nullable=True),
        sa.Column("story_id", sa.String(length=32), nullable=True),
        sa.Column("analysis", sa.JSON(), nullable=True),
        sa.Column("analysis_version", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_articles_duplicate_of"), "articles", ["duplicate_of"], unique=False)
    op.create_index(op.f("ix_articles_story_id"), "articles", ["story_id"], unique=False)
    op.create_table(
        "failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("first_published", sa.String(length=40), nullable=True),
        sa.Column("last_published", sa.String(length=40), nullable=True),
        sa.Column("date_anchor", sa.String(length=40), nullable=True),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("outlets", sa.JSON(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=True),
        sa.Column("entity_keys", sa.JSON(), nullable=False),
        sa.Column("comparison", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_stories_first_published"), "stories", ["first_published"], unique=False
    )
    op.create_index(op.f("ix_stories_last_published"), "stories", ["last_published"], unique=False)
    op.create_table(
        "article_bands",
        sa.Column("band", sa.String(length=40), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("band", "article_id"),
    )
    op.create_index(op.f("ix_article_bands_band"), "article_bands", ["band"], unique=False)
    op.create_table(
        "embeddings",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("article_id", "kind"),
    )


def downgrade() -> None:
    op.drop_table("embeddings")
    op.drop_index(op.f("ix_article_bands_band"), table_name="article_bands")
    op.drop_table("article_bands")
    op.drop_index(op.f("ix_stories_last_published"), table_name="stories")
    op.drop_index(op.f("ix_stories_first_published"), table_name="stories")
    op.drop_table("stories")
    op.drop_table("failures")
    op.drop_index(op.f("ix_articles_story_id"), table_name="articles")
    op.drop_index(op.f("ix_articles_duplicate_of"), table_name="articles")
    op.drop_table("articles")
