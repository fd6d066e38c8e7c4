"""Story names: one row per (story, entity key) with the story's last publication.

Story assignment looks up, for an article without a date, the stories that name its rarest
people and places however long ago they ran (``Store.story_rows_naming``); the stories'
``entity_keys`` JSON cannot be searched by key.  Existing stories' keys are copied in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    names = op.create_table(
        "story_names",
        sa.Column("story_id", sa.String(length=32), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("last_published", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("story_id", "key"),
    )
    op.create_index("ix_story_names_key_last", "story_names", ["key", "last_published"],
                    unique=False)
    stories = sa.table("stories", sa.column("id", sa.String), sa.column("entity_keys", sa.JSON),
                       sa.column("last_published", sa.String))
    conn = op.get_bind()
    rows = [{"story_id": sid, "key": key, "last_published": last}
            for sid, keys, last in conn.execute(
                sa.select(stories.c.id, stories.c.entity_keys, stories.c.last_published))
            for key in dict.fromkeys(keys or [])]
    if rows:
        op.bulk_insert(names, rows)


def downgrade() -> None:
    op.drop_index("ix_story_names_key_last", table_name="story_names")
    op.drop_table("story_names")
