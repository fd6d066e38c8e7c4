"""Crash safety: each story's "compared" mark, and leases on articles being analysed.

``stories.compared``: the comparison version and a digest of the analysed articles it was
computed from, written in the same transaction as the comparison; a story whose mark is missing
or differs from its articles' is compared again by the next run (a kill mid-comparison loses
nothing for good).  ``analysis_claims``: an article one run is analysing, until ``expires``, so
concurrent runs on one store divide the work.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("compared", sa.String(length=80), nullable=True))
    op.create_table(
        "analysis_claims",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("expires", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("article_id"),
    )


def downgrade() -> None:
    op.drop_table("analysis_claims")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("compared")
