"""Surname-linking state: full person names by token, articles waiting to be linked.

Articles analysed before this revision have no rows: surnames in later articles are linked
to the names of the articles analysed from now on (re-analysing an article adds its rows).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_names",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("entity_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("article_id", "entity_key", "token"),
    )
    op.create_index(op.f("ix_person_names_token"), "person_names", ["token"], unique=False)
    op.create_table(
        "surname_links",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.PrimaryKeyConstraint("article_id"),
    )


def downgrade() -> None:
    op.drop_table("surname_links")
    op.drop_index(op.f("ix_person_names_token"), table_name="person_names")
    op.drop_table("person_names")
