"""``Store``: articles, analyses, embeddings, stories and failures in one SQL database."""

from __future__ import annotations

import contextlib
import functools
import sqlite3
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from manysides.errors import StoreError
from manysides.migrations import upgrade
from manysides.models import (
    Article,
    ArticleAnalysis,
    Failure,
    RemovedLine,
    Story,
    from_dict,
    to_dict,
)
from manysides.settings import Settings
from manysides.store import schema
from manysides.store import search as search_mod
from manysides.store.search import SearchHit

META_FIELDS = ("outlet", "url", "published", "title", "byline")  # what a manifest may correct

STORY_PAYLOAD_FIELDS = ("claims", "omissions", "framing", "summary", "timeline",
                        "compared_articles")


# An indexed full person name: (name token, entity key, name, day of the article or None).
PersonName = tuple[str, str, str, str | None]


def default_db_url() -> str:
    """The database URL to use: ``$MANYSIDES_DB`` if set, else ``sqlite:///manysides.db``."""
    return Settings().db_url


def _now() -> str:
    # Microseconds: pending work is taken in (ingested_at, id) order, and with whole seconds
    # the order of articles stored within one second would follow their ids, not their
    # arrival, and so depend on how fast the ingest ran (the local and Ray engines differed).
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass
class FeedState:
    """What ``Store`` remembers of a feed between polls (``errors``: failed polls in a row)."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_status: int | None = None
    last_error: str | None = None
    errors: int = 0


@dataclass
class StoryRow:
    """What the story index needs of a stored story (``Store.story_rows``)."""

    id: str
    centroid: np.ndarray | None
    entity_keys: list[str]
    first_published: str | None
    last_published: str | None
    article_count: int
    terms: bytes | None = None  # the word profile, as ``save_story`` was given it
    event_days: dict[str, float] = field(default_factory=dict)


class AddResult(Enum):
    """What ``Store.add_article`` did with an article."""

    NEW = "new"
    EXISTS = "exists"  # the same article (same id) was already stored: nothing changed
    DUPLICATE = "duplicate"  # stored, linked to the original through ``duplicate_of``


class Store:
    """A manysides database.

    >>> store = Store("sqlite://")          # in memory
    >>> store = Store("sqlite:///news.db")  # a file
    >>> with Store("news.db") as store:     # closed at the end of the block
    ...     store.count_articles()
    """

    def __init__(self, url: str | None = None, *, create: bool = True) -> None:
        self.url = url or default_db_url()
        if "://" not in self.url:  # a bare path means a SQLite file
            self.url = f"sqlite:///{self.url}"
        kwargs: dict[str, Any] = {}
        busy_s = Settings().sqlite_busy_timeout_s
        if self.url in ("sqlite://", "sqlite:///:memory:"):
            kwargs["poolclass"] = sa.pool.StaticPool
            kwargs["connect_args"] = {"check_same_thread": False}
        elif self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": busy_s}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine = sa.create_engine(self.url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect",
                            lambda conn, record: _sqlite_pragmas(conn, record, busy_s))
            sa.event.listen(self.engine, "begin", _sqlite_begin)
        if create:
            self.create()

    @classmethod
    def memory(cls) -> Store:
        """A fresh in-memory store (tests, ``analyze`` without ``--db``)."""
        return cls("sqlite://")

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def create(self) -> None:
        """Create or upgrade the schema: ``alembic upgrade head`` (idempotent, concurrency-safe)."""
        try:
            upgrade(self.engine)
        except sa.exc.SQLAlchemyError as exc:
            raise StoreError(
                f"cannot open the database {self.safe_url}: {_reason(exc)}"
            ) from exc

    @contextlib.contextmanager
    def _begin(self) -> Iterator[sa.Connection]:
        """A write transaction; on SQLite ``BEGIN IMMEDIATE``, so concurrent writers wait for
        the lock (busy timeout) instead of failing on a stale read snapshot."""
        with self.engine.connect() as conn:
            if self.engine.dialect.name == "sqlite":
                conn = conn.execution_options(manysides_begin="BEGIN IMMEDIATE")
            with conn.begin():
                yield conn

    @property
    def safe_url(self) -> str:
        """The database URL with any password hidden (for messages and logs)."""
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        """Release the database connections (the store is not used afterwards)."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- articles ---------------------------------------------------------------------------

    def add_article(self, article: Article, bands: Iterable[str] = ()) -> AddResult:
        """Store ``article`` (with its MinHash ``bands``) unless its id is already stored.

        Safe under concurrent writers: a second writer of the same id gets ``EXISTS``.
        """
        row = _article_row(article)
        row["ingested_at"] = article.ingested_at or _now()
        try:
            with self._begin() as conn:
                conn.execute(schema.articles.insert().values(**row))
                band_rows = [{"band": b, "article_id": article.id} for b in set(bands)]
                if band_rows:
                    conn.execute(schema.article_bands.insert(), band_rows)
        except IntegrityError:
            return AddResult.EXISTS
        return AddResult.DUPLICATE if article.duplicate_of else AddResult.NEW

    def add_articles(self, items: Sequence[tuple[Article, Iterable[str]]]) -> list[AddResult]:
        """Store many ``(article, bands)`` pairs in one transaction; one result per pair.

        Ids already stored are left alone (``EXISTS``).  If a concurrent writer inserts one of
        the ids meanwhile, the batch falls back to ``add_article`` one by one.
        """
        if not items:
            return []
        t = schema.articles
        now = _now()
        ids = [article.id for article, _ in items]
        try:
            with self._begin() as conn:
                present = {
                    r[0] for r in conn.execute(sa.select(t.c.id).where(t.c.id.in_(ids)))
                }
                rows: list[dict[str, Any]] = []
                band_rows: list[dict[str, str]] = []
                results: list[AddResult] = []
                seen: set[str] = set()
                for article, bands in items:
                    if article.id in present or article.id in seen:
                        results.append(AddResult.EXISTS)
                        continue
                    seen.add(article.id)
                    row = _article_row(article)
                    row["ingested_at"] = article.ingested_at or now
                    rows.append(row)
                    band_rows.extend({"band": b, "article_id": article.id} for b in set(bands))
                    results.append(
                        AddResult.DUPLICATE if article.duplicate_of else AddResult.NEW
                    )
                if rows:
                    conn.execute(t.insert(), rows)
                if band_rows:
                    conn.execute(schema.article_bands.insert(), band_rows)
            return results
        except IntegrityError:
            return [self.add_article(article, bands) for article, bands in items]

    def update_article_meta(self, articles: Sequence[Article]) -> list[str]:
        """Replace the stored metadata (``META_FIELDS``) of these already stored articles with
        theirs where theirs is set and differs (a corrected manifest); a story holding a
        changed article is marked for comparing again.  Returns the ids changed."""
        t = schema.articles
        by_id = {a.id: a for a in articles}
        changed: list[str] = []
        with self._begin() as conn:
            rows = conn.execute(sa.select(t.c.id, t.c.story_id, *(t.c[f] for f in META_FIELDS))
                                .where(t.c.id.in_(list(by_id)))).mappings().all()
            stories: set[str] = set()
            for row in rows:
                new = {f: getattr(by_id[row["id"]], f) for f in META_FIELDS}
                values = {f: v for f, v in new.items() if v and v != row[f]}
                if not values:
                    continue
                conn.execute(t.update().where(t.c.id == row["id"]).values(**values))
                changed.append(row["id"])
                if row["story_id"]:
                    stories.add(row["story_id"])
            if stories:
                s = schema.stories
                conn.execute(s.update().where(s.c.id.in_(sorted(stories))).values(compared=None))
        return changed

    def has_article(self, article_id: str) -> bool:
        with self.engine.connect() as conn:
            q = sa.select(schema.articles.c.id).where(schema.articles.c.id == article_id)
            return conn.execute(q).first() is not None

    def articles_sharing_bands(self, bands: Iterable[str]) -> list[str]:
        """Ids of stored articles sharing at least one MinHash band (near-duplicate candidates)."""
        bands = list(set(bands))
        if not bands:
            return []
        t = schema.article_bands
        with self.engine.connect() as conn:
            q = sa.select(t.c.article_id).where(t.c.band.in_(bands)).distinct()
            return [r[0] for r in conn.execute(q)]

    def get_article(self, article_id: str, *, with_analysis: bool = True) -> Article | None:
        """The article with this id (a unique id prefix works too), or ``None``."""
        t = schema.articles
        with self.engine.connect() as conn:
            row = _row_by_id_or_prefix(conn, t, article_id)
        return _article_from_row(row, with_analysis) if row else None

    def iter_articles(
        self,
        *,
        ids: Iterable[str] | None = None,
        with_analysis: bool = False,
        with_raw: bool = False,
        include_duplicates: bool = True,
        batch_size: int = 500,
    ) -> Iterator[Article]:
        """All stored articles (or those in ``ids``), oldest ingest first, streamed in batches."""
        t = schema.articles
        cols = [c for c in t.c if (with_analysis or c.name != "analysis")]
        cols = [c for c in cols if (with_raw or c.name != "raw_text")]
        q = sa.select(*cols).order_by(t.c.ingested_at, t.c.id)
        if not include_duplicates:
            q = q.where(t.c.duplicate_of.is_(None))
        if ids is not None:
            id_list = list(ids)
            for i in range(0, len(id_list), batch_size):
                chunk = id_list[i : i + batch_size]
                with self.engine.connect() as conn:
                    rows = conn.execute(q.where(t.c.id.in_(chunk))).mappings().all()
                by_id = {r["id"]: r for r in rows}
                for article_id in chunk:
                    if article_id in by_id:
                        yield _article_from_row(by_id[article_id], with_analysis)
            return
        offset = 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(q.limit(batch_size).offset(offset)).mappings().all()
            for row in rows:
                yield _article_from_row(row, with_analysis)
            if len(rows) < batch_size:
                return
            offset += batch_size

    def count_articles(self) -> int:
        with self.engine.connect() as conn:
            q = sa.select(sa.func.count()).select_from(schema.articles)
            return conn.execute(q).scalar_one()

    def article_ids_without_analysis(self, version: str) -> list[str]:
        """Ids of original (non-duplicate) articles not yet analysed at ``version``."""
        t = schema.articles
        q = sa.select(t.c.id).where(
            t.c.duplicate_of.is_(None),
            sa.or_(t.c.analysis_version.is_(None), t.c.analysis_version != version),
        ).order_by(t.c.ingested_at, t.c.id)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(q)]

    def article_ids_without_story(self) -> list[str]:
        """Ids of analysed original (non-duplicate) articles not yet assigned to a story."""
        t = schema.articles
        q = sa.select(t.c.id).where(
            t.c.duplicate_of.is_(None), t.c.story_id.is_(None), t.c.analysis_version.is_not(None)
        ).order_by(t.c.ingested_at, t.c.id)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(q)]

    # -- analysis and embeddings ------------------------------------------------------------

    def save_analysis(
        self,
        article_id: str,
        analysis: ArticleAnalysis,
        vectors: dict[str, np.ndarray] | None = None,
        *,
        person_names: Sequence[PersonName] | None = None,
        surnames_pending: bool | None = None,
    ) -> None:
        """Store an article's analysis and its embeddings by kind (``{"doc": d}``).

        Given ``vectors`` replace every embedding the article had (sentence vectors of an
        older analysis would no longer match its sentences); ``None`` keeps them.  In the same
        transaction, for surname linking: ``person_names`` (token, entity key, name, day)
        replace the article's indexed full names; ``surnames_pending`` True marks the article
        as waiting to have its surname-only people linked, False as linked (None: unchanged).
        """
        t = schema.articles
        e = schema.embeddings
        names, pending = schema.person_names, schema.surname_links
        with self._begin() as conn:
            conn.execute(
                t.update()
                .where(t.c.id == article_id)
                .values(analysis=to_dict(analysis), analysis_version=analysis.version)
            )
            if vectors is not None:
                conn.execute(e.delete().where(e.c.article_id == article_id))
                _write_vectors(conn, article_id, vectors)
            if person_names is not None:
                conn.execute(names.delete().where(names.c.article_id == article_id))
                rows = [{"article_id": article_id, "token": tok, "entity_key": key,
                         "name": name, "day": day}
                        for tok, key, name, day in dict.fromkeys(person_names)]
                if rows:
                    conn.execute(names.insert(), rows)
            if surnames_pending is not None:
                conn.execute(pending.delete().where(pending.c.article_id == article_id))
                if surnames_pending:
                    conn.execute(pending.insert().values(article_id=article_id))

    def person_names(self, tokens: Iterable[str]) -> list[PersonName]:
        """Indexed full person names (token, entity key, name, day) having one of ``tokens``."""
        wanted = sorted(set(tokens))
        t = schema.person_names
        out: list[PersonName] = []
        with self.engine.connect() as conn:
            for i in range(0, len(wanted), 500):
                q = sa.select(t.c.token, t.c.entity_key, t.c.name, t.c.day).where(
                    t.c.token.in_(wanted[i : i + 500])
                ).order_by(t.c.token, t.c.entity_key, t.c.day)
                out += [(r[0], r[1], r[2], r[3]) for r in conn.execute(q)]
        return out

    def mark_surnames_linked(self, article_ids: Iterable[str]) -> None:
        """Clear the "surnames wait to be linked" mark of these articles."""
        ids = list(article_ids)
        t = schema.surname_links
        with self._begin() as conn:
            for i in range(0, len(ids), 500):
                conn.execute(t.delete().where(t.c.article_id.in_(ids[i : i + 500])))

    def article_ids_awaiting_surnames(self) -> list[str]:
        """Ids of analysed articles whose surname-only people are not linked yet."""
        a, t = schema.articles, schema.surname_links
        q = sa.select(t.c.article_id).join(a, a.c.id == t.c.article_id).order_by(
            a.c.ingested_at, a.c.id)
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(q)]

    def claim_pending_analysis(
        self, article_ids: Sequence[str], version: str, owner: str, lease_s: float
    ) -> list[str]:
        """Claim for ``owner``, for ``lease_s`` seconds, the articles among ``article_ids`` that
        still lack an analysis at ``version`` and that no other run holds (an expired claim
        is taken over).  Returns the ids claimed, in order: concurrent runs divide the work."""
        t = schema.articles
        c = schema.analysis_claims
        now = time.time()
        claimed: list[str] = []
        with self._begin() as conn:
            pending = {r[0] for r in conn.execute(
                sa.select(t.c.id).where(t.c.id.in_(list(article_ids)), sa.or_(
                    t.c.analysis_version.is_(None), t.c.analysis_version != version)))}
            conn.execute(c.delete().where(c.c.article_id.in_(list(pending)), c.c.expires < now))
            for article_id in article_ids:
                if article_id not in pending:
                    continue
                try:
                    with conn.begin_nested():
                        conn.execute(c.insert().values(article_id=article_id, owner=owner,
                                                       expires=now + lease_s))
                    claimed.append(article_id)
                except IntegrityError:  # another run holds it
                    continue
        return claimed

    def release_claims(self, article_ids: Iterable[str], owner: str) -> None:
        """Drop ``owner``'s claims on these articles (their analyses are saved, or failed)."""
        c = schema.analysis_claims
        ids = list(article_ids)
        with self._begin() as conn:
            for i in range(0, len(ids), 500):
                conn.execute(c.delete().where(c.c.article_id.in_(ids[i:i + 500]),
                                              c.c.owner == owner))

    def save_vectors(self, article_id: str, vectors: dict[str, np.ndarray]) -> None:
        """Store (or replace) embeddings of an article by kind (``{"sentences": n x d}``)."""
        with self._begin() as conn:
            _write_vectors(conn, article_id, vectors)

    def get_vectors(self, article_ids: Iterable[str], kind: str) -> dict[str, np.ndarray]:
        """Embeddings of ``kind`` for these articles, as float32 arrays (rows x dim)."""
        e = schema.embeddings
        out: dict[str, np.ndarray] = {}
        ids = list(article_ids)
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                q = sa.select(e).where(e.c.article_id.in_(ids[i : i + 500]), e.c.kind == kind)
                for r in conn.execute(q).mappings():
                    m = np.frombuffer(r["data"], dtype=np.float16).reshape(r["rows"], r["dim"])
                    out[r["article_id"]] = m.astype(np.float32)
        return out

    # -- stories ----------------------------------------------------------------------------

    def save_story(
        self,
        story: Story,
        *,
        centroid: np.ndarray | None = None,
        entity_keys: Iterable[str] | None = None,
        terms: bytes | None = None,
        event_days: dict[str, float] | None = None,
        compared: str | None = None,
        vectors: dict[str, dict[str, np.ndarray]] | None = None,
    ) -> None:
        """Insert or replace a story; sets ``story_id`` on its articles.

        ``centroid``, ``entity_keys``, ``terms`` (the clusterer's word profile, opaque bytes)
        and ``event_days`` are kept as stored when not given.  ``compared`` marks the
        comparison as done (``comparison_states``), and ``vectors`` (article id -> {kind:
        matrix}) are the embeddings computed for it: both are written in the story's
        transaction, so a kill leaves the old story or the new one, never half of it.
        """
        s = schema.stories
        a = schema.articles
        data = to_dict(story)
        payload = {name: data[name] for name in STORY_PAYLOAD_FIELDS}
        row: dict[str, Any] = {
            "title": story.title,
            "first_published": story.first_published,
            "last_published": story.last_published,
            "date_anchor": story.date_anchor,
            "article_count": len(story.articles),
            "outlets": list(story.outlets),
            "comparison": payload,
            "updated_at": _now(),
        }
        if centroid is not None:
            row["centroid"] = np.asarray(centroid, dtype=np.float32).tobytes()
        keys = list(entity_keys) if entity_keys is not None else None
        if keys is not None:
            row["entity_keys"] = keys
        if terms is not None:
            row["terms"] = terms
        if event_days is not None:
            row["event_days"] = dict(event_days)
        if compared is not None:
            row["compared"] = compared
        with self._begin() as conn:
            for article_id, by_kind in (vectors or {}).items():
                _write_vectors(conn, article_id, by_kind)
            exists = conn.execute(sa.select(s.c.id).where(s.c.id == story.id)).first()
            if exists:
                conn.execute(s.update().where(s.c.id == story.id).values(**row))
            else:
                row.setdefault("entity_keys", [])
                conn.execute(s.insert().values(id=story.id, **row))
            _write_story_names(conn, story.id, keys, story.last_published)
            if story.articles:
                conn.execute(
                    a.update().where(a.c.id.in_(story.articles)).values(story_id=story.id)
                )

    def merge_story(self, old_id: str, into_id: str) -> None:
        """Fold story ``old_id`` into ``into_id``: its articles move there, its row goes, and
        its id (and every id that redirected to it) redirects to ``into_id`` from now on."""
        s, a, r = schema.stories, schema.articles, schema.story_redirects
        with self._begin() as conn:
            conn.execute(a.update().where(a.c.story_id == old_id).values(story_id=into_id))
            conn.execute(s.delete().where(s.c.id == old_id))
            conn.execute(schema.story_names.delete().where(
                schema.story_names.c.story_id == old_id))
            conn.execute(r.update().where(r.c.new_id == old_id).values(new_id=into_id))
            conn.execute(r.delete().where(r.c.old_id.in_([old_id, into_id])))
            conn.execute(r.insert().values(old_id=old_id, new_id=into_id, at=_now()))

    def story_redirect(self, story_id: str) -> str | None:
        """The id a merged story's old id (or unique prefix of it) now redirects to, or None."""
        r = schema.story_redirects
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(r.c.new_id).where(r.c.old_id == story_id)).first()
            if row is None and len(story_id) >= 4:
                upper = story_id[:-1] + chr(min(ord(story_id[-1]) + 1, 0x10FFFF))
                rows = conn.execute(sa.select(r.c.new_id).where(
                    r.c.old_id >= story_id, r.c.old_id < upper).limit(2)).all()
                row = rows[0] if len(rows) == 1 else None
        return row[0] if row is not None else None

    def get_state(self, name: str) -> bytes | None:
        """A blob the clusterer saved under ``name`` (``put_state``), or None."""
        c = schema.cluster_state
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(c.c.data).where(c.c.name == name)).first()
        return bytes(row[0]) if row is not None else None

    def put_state(self, name: str, data: bytes) -> None:
        """Save (replace) the blob ``name``."""
        c = schema.cluster_state
        with self._begin() as conn:
            conn.execute(c.delete().where(c.c.name == name))
            conn.execute(c.insert().values(name=name, data=data, updated_at=_now()))

    def comparison_states(self) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
        """Every story's (id, ``compared`` mark, [(article id, analysis version)] of its
        analysed articles, by id): what a run checks to find comparisons missing or stale."""
        s = schema.stories
        a = schema.articles
        with self.engine.connect() as conn:
            marks = {r[0]: r[1] for r in conn.execute(sa.select(s.c.id, s.c.compared))}
            members: dict[str, list[tuple[str, str]]] = {sid: [] for sid in marks}
            q = (sa.select(a.c.story_id, a.c.id, a.c.analysis_version)
                 .where(a.c.story_id.is_not(None), a.c.analysis_version.is_not(None))
                 .order_by(a.c.id))
            for story_id, article_id, version in conn.execute(q):
                if story_id in members:
                    members[story_id].append((article_id, version))
        return [(sid, marks[sid], members[sid]) for sid in sorted(marks)]

    def get_story(self, story_id: str) -> Story | None:
        """The story with this id (or unique id prefix), with its comparison, or ``None``."""
        s = schema.stories
        with self.engine.connect() as conn:
            row = _row_by_id_or_prefix(conn, s, story_id)
            if row is None:
                return None
            a = schema.articles
            ids = [
                r[0]
                for r in conn.execute(
                    sa.select(a.c.id)
                    .where(a.c.story_id == row["id"])
                    .order_by(a.c.published, a.c.id)
                )
            ]
        return _story_from_row(row, ids)

    def list_stories(self, *, limit: int | None = None, offset: int = 0) -> list[Story]:
        """Stories, newest first, without their article lists' comparison payload."""
        s = schema.stories
        q = sa.select(
            s.c.id, s.c.title, s.c.first_published, s.c.last_published, s.c.date_anchor,
            s.c.outlets, s.c.article_count,
        ).order_by(s.c.last_published.desc().nulls_last(), s.c.id).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return [
            Story(
                id=r["id"], title=r["title"], articles=[""] * r["article_count"],
                outlets=list(r["outlets"] or []), first_published=r["first_published"],
                last_published=r["last_published"], date_anchor=r["date_anchor"],
            )
            for r in rows
        ]

    def story_rows(
        self,
        *,
        last_from: str | None = None,
        last_before: str | None = None,
        first_before: str | None = None,
        undated: bool = False,
    ) -> list[StoryRow]:
        """Stories whose last publication is in [``last_from``, ``last_before``) and whose first
        is before ``first_before`` (ISO dates or datetimes compared as text; None: no bound),
        plus, when ``undated``, the stories without a publication date.  Ordered by id."""
        s = schema.stories
        dated: list[sa.ColumnElement[bool]] = [s.c.last_published.is_not(None)]
        if last_from is not None:
            dated.append(s.c.last_published >= last_from)
        if last_before is not None:
            dated.append(s.c.last_published < last_before)
        if first_before is not None:
            dated.append(sa.or_(s.c.first_published.is_(None),
                                s.c.first_published < first_before))
        where = sa.and_(*dated)
        if undated:
            where = sa.or_(where, s.c.last_published.is_(None))
        with self.engine.connect() as conn:
            return _story_rows(conn, where)

    def story_rows_naming(
        self, keys: Iterable[str], *, per_key: int, most: int | None = None,
        skip: Collection[str] = (),
    ) -> list[StoryRow]:
        """The dated stories naming any of ``keys`` (entity keys, the rarest first), however
        old: of the ``per_key`` most recently published per key (an index range each), less
        those in ``skip`` (already held), the ``most`` that name the most of ``keys`` (ties:
        the one found first, by the rarer key, the more recent).  Ordered by id."""
        query = _stories_naming(per_key)
        named: dict[str, list[int]] = {}  # story -> found at (order of key, row) positions
        with self.engine.connect() as conn:
            for k, key in enumerate(dict.fromkeys(keys)):
                for row, (sid,) in enumerate(conn.execute(query, {"key": key})):
                    if sid not in skip:  # skip: a view, not copied
                        named.setdefault(sid, []).append(k * per_key + row)
            ids = sorted(named, key=lambda sid: (-len(named[sid]), named[sid][0]))[:most]
            return _story_rows(conn, schema.stories.c.id.in_(ids)) if ids else []

    def newest_story_published(self) -> str | None:
        """The latest ``last_published`` of any story (ISO text), or None."""
        s = schema.stories
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.max(s.c.last_published))).scalar()

    def story_centroids(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every story's id and centroid (for building an ANN index)."""
        s = schema.stories
        q = sa.select(s.c.id, s.c.centroid).where(s.c.centroid.is_not(None))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()  # read first: the caller may write while iterating
        for r in rows:
            yield r[0], np.frombuffer(r[1], dtype=np.float32)

    def delete_stories(self) -> None:
        """Forget every story (before a full re-clustering)."""
        with self._begin() as conn:
            conn.execute(schema.articles.update().values(story_id=None))
            conn.execute(schema.stories.delete())
            conn.execute(schema.story_names.delete())
            conn.execute(schema.cluster_state.delete())

    # -- failures ---------------------------------------------------------------------------

    def record_failure(self, failure: Failure) -> None:
        with self._begin() as conn:
            conn.execute(schema.failures.insert().values(
                input=failure.input, reason=failure.reason, at=_now()
            ))

    def failures(self) -> list[Failure]:
        f = schema.failures
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(f.c.input, f.c.reason).order_by(f.c.id)).all()
        return [Failure(input=r[0], reason=r[1]) for r in rows]

    # -- search and nearest stories -------------------------------------------------------

    def search(
        self, query: str, limit: int = 20, *, include_duplicates: bool = False
    ) -> list[SearchHit]:
        """Full-text search over article titles and texts; best match first.

        ``query`` is user input: words and ``"quoted phrases"``, all required; any other syntax
        is treated as text (never an SQL or FTS syntax error).  Duplicates are left out unless
        ``include_duplicates``.
        """
        with self.engine.connect() as conn:
            return search_mod.search(conn, query, limit, include_duplicates)

    def rebuild_search_index(self) -> None:
        """Rebuild the full-text index from the articles (SQLite; a no-op on PostgreSQL)."""
        with self._begin() as conn:
            search_mod.rebuild(conn)

    def nearest_stories(self, vector: np.ndarray, k: int = 10) -> list[tuple[str, float]]:
        """The ``k`` stories whose centroid is most cosine-similar to ``vector``: (id, similarity).

        Exact search over every stored centroid (works on SQLite and PostgreSQL alike); the
        clustering stage keeps an ANN index beside the store for large collections.
        """
        ids: list[str] = []
        rows: list[np.ndarray] = []
        for story_id, centroid in self.story_centroids():
            ids.append(story_id)
            rows.append(centroid)
        if not ids or k <= 0:
            return []
        matrix = np.vstack(rows)
        query = np.asarray(vector, dtype=np.float32).ravel()
        norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
        sims = matrix @ query / np.where(norms == 0, 1.0, norms)
        order = np.argsort(-sims, kind="stable")[:k]
        return [(ids[i], float(sims[i])) for i in order]

    def sidecar_path(self, name: str) -> Path | None:
        """Where a file that belongs with this database (an ANN index) lives, or ``None``.

        SQLite file ``news.db`` -> ``news.db.NAME``; in-memory -> ``None``; PostgreSQL ->
        ``$MANYSIDES_INDEX_DIR`` (default ``~/.cache/manysides``) / ``HOST_PORT_DB.NAME``.
        """
        url = sa.engine.make_url(self.url)
        if url.get_backend_name() == "sqlite":
            if not url.database or url.database == ":memory:":
                return None
            return Path(f"{url.database}.{name}")
        base = Path(Settings().index_dir or Path.home() / ".cache" / "manysides")
        return base / f"{url.host or 'local'}_{url.port or 5432}_{url.database}.{name}"

    # -- feeds (manysides watch) ----------------------------------------------------------

    def feed_state(self, url: str) -> FeedState | None:
        """What the last polls of feed ``url`` left: validators, status, error count."""
        f = schema.feeds
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(f).where(f.c.url == url)).mappings().first()
        return FeedState(**row) if row else None

    def save_feed_state(
        self,
        url: str,
        *,
        status: int | None,
        etag: str | None = None,
        last_modified: str | None = None,
        error: str | None = None,
    ) -> None:
        """Record a poll of feed ``url``: new validators (kept when ``None``), status, error."""
        f = schema.feeds
        values: dict[str, Any] = {"last_polled": _now(), "last_status": status, "last_error": error}
        if etag is not None:
            values["etag"] = etag
        if last_modified is not None:
            values["last_modified"] = last_modified
        with self._begin() as conn:
            errors = conn.execute(sa.select(f.c.errors).where(f.c.url == url)).scalar()
            values["errors"] = 0 if error is None else (errors or 0) + 1
            if errors is None:
                try:
                    with conn.begin_nested():
                        conn.execute(f.insert().values(url=url, **values))
                    return
                except IntegrityError:  # a concurrent poller inserted it first
                    pass
            conn.execute(f.update().where(f.c.url == url).values(**values))

    def feed_items(self, feed_url: str, keys: Iterable[str]) -> dict[str, tuple[str, int]]:
        """Of ``keys`` (item guids/links of a feed), those recorded: key -> (status, attempts)."""
        t = schema.feed_items
        keys = list(keys)
        out: dict[str, tuple[str, int]] = {}
        with self.engine.connect() as conn:
            for i in range(0, len(keys), 500):
                q = sa.select(t.c.item_key, t.c.status, t.c.attempts).where(
                    t.c.feed_url == feed_url, t.c.item_key.in_(keys[i : i + 500])
                )
                out.update({r[0]: (r[1], r[2]) for r in conn.execute(q)})
        return out

    def record_feed_item(
        self, feed_url: str, key: str, *, status: str, article_id: str | None = None
    ) -> None:
        """Note an item of a feed as handled (``status`` "stored", "failed" or "given_up").

        Call it only after the item's article is committed: a crash in between re-fetches the
        item on restart (the article's id makes that harmless), never loses it.
        """
        t = schema.feed_items
        where = sa.and_(t.c.feed_url == feed_url, t.c.item_key == key)
        with self._begin() as conn:
            updated = conn.execute(
                t.update().where(where).values(
                    status=status, article_id=article_id, attempts=t.c.attempts + 1, seen_at=_now()
                )
            ).rowcount
            if updated:
                return
            try:
                with conn.begin_nested():
                    conn.execute(t.insert().values(
                        feed_url=feed_url, item_key=key, status=status, article_id=article_id,
                        attempts=1, seen_at=_now(),
                    ))
            except IntegrityError:
                conn.execute(t.update().where(where).values(
                    status=status, article_id=article_id, attempts=t.c.attempts + 1, seen_at=_now()
                ))


def _row_by_id_or_prefix(conn: sa.Connection, table: sa.Table, key: str) -> Any:
    """The row whose id is ``key``, else the only row whose id starts with it (4+ chars)."""
    row = conn.execute(sa.select(table).where(table.c.id == key)).mappings().first()
    if row is None and len(key) >= 4 and ord(key[-1]) < 0x10FFFF:
        # a range on the primary key, not LIKE: SQLite's LIKE would scan the whole table
        upper = key[:-1] + chr(ord(key[-1]) + 1)
        rows = conn.execute(
            sa.select(table).where(table.c.id >= key, table.c.id < upper).limit(2)
        ).mappings().all()
        row = rows[0] if len(rows) == 1 else None
    return row


def _write_vectors(conn: sa.Connection, article_id: str, vectors: dict[str, np.ndarray]) -> None:
    e = schema.embeddings
    for kind, matrix in vectors.items():
        m = np.atleast_2d(np.asarray(matrix, dtype=np.float16))
        conn.execute(e.delete().where(e.c.article_id == article_id, e.c.kind == kind))
        conn.execute(
            e.insert().values(
                article_id=article_id, kind=kind, rows=m.shape[0], dim=m.shape[1],
                data=m.tobytes(),
            )
        )


def _sqlite_pragmas(dbapi_conn: Any, _record: Any, busy_s: float) -> None:
    # Let SQLAlchemy, not the sqlite3 module, open transactions (see _sqlite_begin): then DDL is
    # transactional too and a migration can hold the write lock from its first statement.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    # Switching a file to WAL needs an exclusive lock and does not wait on the busy timeout:
    # when another process is opening the same new database, try again for a while.
    deadline = time.monotonic() + busy_s
    while cur.execute("PRAGMA journal_mode").fetchone()[0].lower() not in ("wal", "memory"):
        try:
            cur.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # 32 MiB of page cache per connection instead of 2: analyses make rows large, and with the
    # default a store of 100,000 articles re-reads B-tree pages on every lookup
    cur.execute("PRAGMA cache_size=-32768")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get("manysides_begin", "BEGIN"))


def _article_row(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "source": article.source,
        "outlet": article.outlet,
        "title": article.title,
        "section": article.section,
        "byline": article.byline,
        "url": article.url,
        "published": article.published,
        "updated": article.updated,
        "language": article.language,
        "text": article.text,
        "raw_text": article.raw_text,
        "removed": [to_dict(r) for r in article.removed],
        "duplicate_of": article.duplicate_of,
        "story_id": article.story_id,
        "analysis": to_dict(article.analysis) if article.analysis else None,
        "analysis_version": article.analysis.version if article.analysis else None,
    }


def _article_from_row(row: Any, with_analysis: bool) -> Article:
    analysis = row.get("analysis") if with_analysis else None
    return Article(
        id=row["id"],
        source=row["source"],
        text=row["text"],
        raw_text=row.get("raw_text") or "",
        title=row["title"],
        outlet=row["outlet"],
        url=row["url"],
        section=row["section"],
        byline=row["byline"],
        published=row["published"],
        updated=row["updated"],
        language=row["language"],
        removed=[RemovedLine(**r) for r in (row["removed"] or [])],
        duplicate_of=row["duplicate_of"],
        ingested_at=row["ingested_at"],
        story_id=row["story_id"],
        analysis=from_dict(ArticleAnalysis, analysis) if analysis else None,
    )


@functools.cache
def _stories_naming(per_key: int) -> sa.Select[Any]:
    """The ids of the ``per_key`` latest dated stories naming the key bound as ``key`` (built
    once: an article of no known day asks for each of its rarest names)."""
    n = schema.story_names
    return (sa.select(n.c.story_id)
            .where(n.c.key == sa.bindparam("key"), n.c.last_published.is_not(None))
            .order_by(n.c.last_published.desc()).limit(per_key))


def _story_rows(conn: sa.Connection, where: sa.ColumnElement[bool]) -> list[StoryRow]:
    """The stories matching ``where``, by id, as story assignment needs them."""
    s = schema.stories
    q = sa.select(
        s.c.id, s.c.centroid, s.c.entity_keys, s.c.first_published, s.c.last_published,
        s.c.article_count, s.c.terms, s.c.event_days,
    ).where(where).order_by(s.c.id)
    return [
        StoryRow(
            id=r[0],
            centroid=np.frombuffer(r[1], dtype=np.float32) if r[1] is not None else None,
            entity_keys=list(r[2] or []),
            first_published=r[3],
            last_published=r[4],
            article_count=r[5],
            terms=r[6],
            event_days=dict(r[7] or {}),
        )
        for r in conn.execute(q)
    ]


def _write_story_names(
    conn: sa.Connection, story_id: str, keys: Iterable[str] | None, last_published: str | None
) -> None:
    """Keep ``story_names`` in step with a story saved: its keys when given, else its day."""
    n = schema.story_names
    if keys is None:
        conn.execute(n.update().where(n.c.story_id == story_id)
                     .values(last_published=last_published))
        return
    conn.execute(n.delete().where(n.c.story_id == story_id))
    rows = [{"story_id": story_id, "key": key, "last_published": last_published}
            for key in dict.fromkeys(keys)]
    if rows:
        conn.execute(n.insert(), rows)


def _story_from_row(row: Any, article_ids: list[str]) -> Story:
    payload = row["comparison"] or {}
    story = Story(
        id=row["id"],
        title=row["title"],
        articles=article_ids,
        outlets=list(row["outlets"] or []),
        first_published=row["first_published"],
        last_published=row["last_published"],
        date_anchor=row["date_anchor"],
    )
    rebuilt = from_dict(Story, {"id": story.id, "title": story.title, "articles": [],
                                "outlets": [], **payload})
    for name in STORY_PAYLOAD_FIELDS:
        setattr(story, name, getattr(rebuilt, name))
    return story


def _reason(exc: sa.exc.SQLAlchemyError) -> str:
    """What the database driver said, without SQLAlchemy's statement and help link."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]
