"""The store: the only part of manysides that knows SQL.

``Store(url)`` opens SQLite (default ``sqlite:///manysides.db``, ``sqlite://`` in memory) or
PostgreSQL (``postgresql+psycopg://...``) through SQLAlchemy 2.x; the schema is created and
upgraded by the packaged Alembic migrations (:mod:`manysides.migrations`), and ``Store.search``
is full-text search on either backend.  Articles, their analysis, embeddings, stories, ingest
failures and feed state go in and come out as the dataclasses of :mod:`manysides.models`.
"""

from manysides.store.search import SearchHit
from manysides.store.store import AddResult, FeedState, Store, StoryRow, default_db_url

__all__ = ["AddResult", "FeedState", "SearchHit", "Store", "StoryRow", "default_db_url"]
