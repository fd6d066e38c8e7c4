"""Stories that repair themselves: word profile and reported days per story, redirects of
merged story ids, and the clusterer's state (document frequencies of terms).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("terms", sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column("event_days", sa.JSON(), nullable=True))
    op.create_table(
        "story_redirects",
        sa.Column("old_id", sa.String(length=32), nullable=False),
        sa.Column("new_id", sa.String(length=32), nullable=False),
        sa.Column("at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("old_id"),
    )
    op.create_index(op.f("ix_story_redirects_new_id"), "story_redirects", ["new_id"],
                    unique=False)
    op.create_table(
        "cluster_state",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("cluster_state")
    op.drop_index(op.f("ix_story_redirects_new_id"), table_name="story_redirects")
    op.drop_table("story_redirects")
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("event_days")
        batch.drop_column("terms")
