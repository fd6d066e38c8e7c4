"""The store: the only part of manysides that knows SQL.

``Store(url)`` opens SQLite (default ``sqlite:///manysides.db``, ``sqlite://`` in memory) or
PostgreSQL (``postgresql+psycopg://...``) through SQLAlchemy 2.x.  Articles, their analysis,
embeddings, stories and ingest failures go in and come out as the dataclasses of
:mod:`manysides.models`.
"""

from manysides.store.store import AddResult, Store, default_db_url

__all__ = ["AddResult", "Store", "default_db_url"]
