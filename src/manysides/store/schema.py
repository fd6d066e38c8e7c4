"""Tables of the store (SQLAlchemy Core), shared by SQLite and PostgreSQL.

The database is created and upgraded by the Alembic migrations in ``manysides/migrations``
(``Store.create()``); a change here needs a new migration (a test checks they agree).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("outlet", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("section", sa.Text),
    sa.Column("byline", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("published", sa.String(40)),
    sa.Column("updated", sa.String(40)),
    sa.Column("language", sa.String(16)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("raw_text", sa.Text, nullable=False, default=""),
    sa.Column("removed", sa.JSON, nullable=False, default=list),
    sa.Column("duplicate_of", sa.String(32), index=True),
    sa.Column("ingested_at", sa.String(40), index=True),
    sa.Column("story_id", sa.String(32), index=True),
    sa.Column("analysis", sa.JSON),
    sa.Column("analysis_version", sa.String(16)),
)

# Locality-sensitive band hashes of each article's MinHash signature: near-duplicates share one.
article_bands = sa.Table(
    "article_bands",
    metadata,
    sa.Column("band", sa.String(40), nullable=False, index=True),
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), nullable=False),
    sa.PrimaryKeyConstraint("band", "article_id"),
)

# Float16 vectors: kind "sentences" (one row per sentence, n x dim) or "doc" (1 x dim).
embeddings = sa.Table(
    "embeddings",
    metadata,
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("dim", sa.Integer, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.PrimaryKeyConstraint("article_id", "kind"),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("first_published", sa.String(40), index=True),
    sa.Column("last_published", sa.String(40), index=True),
    sa.Column("date_anchor", sa.String(40)),
    sa.Column("article_count", sa.Integer, nullable=False, default=0),
    sa.Column("outlets", sa.JSON, nullable=False, default=list),
    sa.Column("centroid", sa.LargeBinary),
    sa.Column("entity_keys", sa.JSON, nullable=False, default=list),
    # The story's word profile (int32 term buckets then float16 weights) and the days its
    # articles report ({ISO day: count}): what story assignment compares an article with.
    sa.Column("terms", sa.LargeBinary),
    sa.Column("event_days", sa.JSON),
    sa.Column("comparison", sa.JSON),
    sa.Column("updated_at", sa.String(40)),
    # comparison version + digest of the analysed articles compared (migration 0006)
    sa.Column("compared", sa.String(80)),
)

# The names of each story (its ``entity_keys``) with its last publication, one row per key: the
# stories that name a person, however long ago, without reading every story (migration 0007).
story_names = sa.Table(
    "story_names",
    metadata,
    sa.Column("story_id", sa.String(32), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("last_published", sa.String(40)),
    sa.PrimaryKeyConstraint("story_id", "key"),
    sa.Index("ix_story_names_key_last", "key", "last_published"),
)

# A story merged into another: its old id keeps working (web UI and JSON API redirect).
story_redirects = sa.Table(
    "story_redirects",
    metadata,
    sa.Column("old_id", sa.String(32), primary_key=True),
    sa.Column("new_id", sa.String(32), nullable=False, index=True),
    sa.Column("at", sa.String(40), nullable=False),
)

# Named blobs the clusterer keeps across runs (e.g. "term_df": document frequency per term).
cluster_state = sa.Table(
    "cluster_state",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

failures = sa.Table(
    "failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("input", sa.Text, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
)

# Feeds polled by ``manysides watch``: the validators for conditional GET, the last outcome.
feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("url", sa.Text, primary_key=True),
    sa.Column("etag", sa.Text),
    sa.Column("last_modified", sa.Text),
    sa.Column("last_polled", sa.String(40)),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("errors", sa.Integer, nullable=False, default=0),
)

# Feed items already handled (status "stored" or "failed"); written after the article commits.
feed_items = sa.Table(
    "feed_items",
    metadata,
    sa.Column("feed_url", sa.Text, nullable=False),
    sa.Column("item_key", sa.Text, nullable=False),
    sa.Column("article_id", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("seen_at", sa.String(40), nullable=False),
    sa.PrimaryKeyConstraint("feed_url", "item_key"),
)

# Surname linking across articles (``manysides.analyze.entities``): the full person names of
# every analysed article by name token (first and last word), with the article's day, and the
# articles whose surname-only people still wait to be linked (written with their analysis, so
# a run killed before linking links them when the next one finishes).
person_names = sa.Table(
    "person_names",
    metadata,
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("token", sa.Text, nullable=False, index=True),
    sa.Column("entity_key", sa.Text, nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("day", sa.String(10)),
    sa.PrimaryKeyConstraint("article_id", "entity_key", "token"),
)

surname_links = sa.Table(
    "surname_links",
    metadata,
    sa.Column("article_id", sa.String(32), sa.ForeignKey("articles.id"), primary_key=True),
)


# An article a run is analysing, until ``expires`` (epoch seconds): concurrent runs skip it.
analysis_claims = sa.Table(
    "analysis_claims",
    metadata,
    sa.Column("article_id", sa.String(32), primary_key=True),
    sa.Column("owner", sa.String(80), nullable=False),
    sa.Column("expires", sa.Float, nullable=False),
)
