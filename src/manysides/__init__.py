"""manysides: many outlets, one story, every side laid next to the others.

The library API::

    from manysides import Settings, Store, analysis_json, run

    with Store("sqlite:///news.db") as store:
        result = run(["../shared/seeds"], store, settings=Settings())
        document = analysis_json(store, article_ids=result.article_ids)

``run`` ingests inputs and brings analyses, stories, comparisons and summaries up to date;
``update`` does the same for what is already stored; ``refresh_stories`` recomputes chosen
stories; ``analysis_json`` is the documented JSON (``SCHEMA_VERSION``).  The stages are
importable on their own (``manysides.ingest``, ``.clean``, ``.analyze``, ``.cluster``,
``.compare``, ``.report``); see docs/ARCHITECTURE.md.
"""

from manysides.contract import SCHEMA_VERSION
from manysides.errors import ConfigError, InputError, ManysidesError, ModelError, StoreError
from manysides.models import Article, Story
from manysides.pipeline import RunResult, analysis_json, refresh_stories, run, update
from manysides.settings import Settings
from manysides.store import Store

__version__ = "0.1.0"
__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ConfigError",
    "InputError",
    "ManysidesError",
    "ModelError",
    "RunResult",
    "Settings",
    "Story",
    "Store",
    "StoreError",
    "__version__",
    "analysis_json",
    "refresh_stories",
    "run",
    "update",
]
