"""Full-text search over articles: SQLite FTS5 or PostgreSQL ``tsvector``, one safe query syntax.

User input is never passed to the database's query language as is: it is split into words and
``"quoted phrases"`` (balanced double quotes), each quoted for the backend, all required (AND).
Any other character (``(``, ``*``, ``:``, a lone ``"``, ``AND``/``OR``/``NOT`` as words) is
just text, so no input can raise a syntax error.  A snippet is plain text with the offsets of
its matches (``SearchHit.highlights``): the database marks them with two private-use characters,
which are taken out, so brackets or any other text in an article stay text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from manysides.datafiles import load_data

# Must stay identical to the expression indexed by migration 0002 (the planner matches it).
PG_TSVECTOR = "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || text)"
# Unicode private-use code points: no text encoding gives them to news, and a stray one in an
# article only shifts a highlight, it is never read as anything but a marker taken out.
SNIPPET_START, SNIPPET_END, SNIPPET_ELLIPSIS = "\ue000", "\ue001", "…"
_SEARCH = load_data("search")["search"]  # data/search.toml [search]
SNIPPET_TOKENS: int = _SEARCH["snippet_tokens"]  # words in a snippet
TITLE_WEIGHT: float = _SEARCH["title_weight"]  # a title match counts this many text matches
MAX_TERMS: int = _SEARCH["max_terms"]  # longer queries are cut (a paragraph is not a search)

_PHRASE_OR_WORD = re.compile(r'"([^"]*)"|(\w+)')
_WORD = re.compile(r"\w+")


@dataclass
class SearchHit:
    """One article found by ``Store.search``; ``rank``: higher is a better match."""

    article_id: str
    story_id: str | None
    title: str | None
    outlet: str | None
    snippet: str
    rank: float
    highlights: list[tuple[int, int]] = field(default_factory=list)  # [start, end) in snippet


def split_marked(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet with match markers -> (plain text, [start, end) offsets of the matches)."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    pos, start = 0, None
    for ch in marked:
        if ch == SNIPPET_START:
            start = pos
        elif ch == SNIPPET_END:
            if start is not None and pos > start:
                spans.append((start, pos))
            start = None
        else:
            plain.append(ch)
            pos += 1
    return "".join(plain), spans


def parse_query(query: str) -> list[list[str]]:
    """Split user input into terms: each a list of words (one word, or a quoted phrase)."""
    terms: list[list[str]] = []
    for match in _PHRASE_OR_WORD.finditer(query or ""):
        phrase, word = match.groups()
        words = _WORD.findall(phrase) if phrase is not None else [word]
        if words:
            terms.append(words)
        if len(terms) >= MAX_TERMS:
            break
    return terms


def fts5_query(terms: list[list[str]]) -> str:
    """FTS5 MATCH expression: every term a quoted string (words cannot contain quotes)."""
    return " AND ".join('"' + " ".join(words) + '"' for words in terms)


def websearch_query(terms: list[list[str]]) -> str:
    """``websearch_to_tsquery`` input: every term quoted, so ``or``/``-`` are plain words."""
    return " ".join('"' + " ".join(words) + '"' for words in terms)


def search(
    conn: sa.Connection, query: str, limit: int, include_duplicates: bool
) -> list[SearchHit]:
    """Run ``query`` on ``conn``'s database (SQLite or PostgreSQL); best matches first."""
    terms = parse_query(query)
    if not terms or limit <= 0:
        return []
    dup_filter = "" if include_duplicates else "AND a.duplicate_of IS NULL"
    if conn.dialect.name == "sqlite":
        sql = f"""
            SELECT a.id, a.story_id, a.title, a.outlet,
                   snippet(articles_fts, -1, :s0, :s1, :ell, {SNIPPET_TOKENS}) AS snippet,
                   -bm25(articles_fts, {TITLE_WEIGHT}, 1.0) AS rank
            FROM articles_fts JOIN articles AS a ON a.rowid = articles_fts.rowid
            WHERE articles_fts MATCH :q {dup_filter}
            ORDER BY rank DESC, a.id
            LIMIT :limit"""
        params: dict[str, object] = {"q": fts5_query(terms)}
    elif conn.dialect.name == "postgresql":
        options = (f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, FragmentDelimiter=" +
                   f"{SNIPPET_ELLIPSIS}, MaxWords={SNIPPET_TOKENS}, MinWords=8, MaxFragments=2")
        sql = f"""
            WITH q AS (SELECT websearch_to_tsquery('english'::regconfig, :q) AS query),
            hits AS (
                SELECT a.id, ts_rank_cd({PG_TSVECTOR}, q.query) AS rank
                FROM articles AS a, q
                WHERE {PG_TSVECTOR} @@ q.query {dup_filter}
                ORDER BY rank DESC, a.id
                LIMIT :limit)
            SELECT a.id, a.story_id, a.title, a.outlet,
                   ts_headline('english'::regconfig, a.text, q.query, :options) AS snippet,
                   hits.rank
            FROM hits JOIN articles AS a ON a.id = hits.id, q
            ORDER BY hits.rank DESC, a.id"""
        params = {"q": websearch_query(terms), "options": options}
    else:  # pragma: no cover - the store only opens SQLite and PostgreSQL
        raise NotImplementedError(f"full-text search on {conn.dialect.name}")
    params.update(limit=limit, s0=SNIPPET_START, s1=SNIPPET_END, ell=SNIPPET_ELLIPSIS)
    rows = conn.execute(sa.text(sql), params).all()
    hits = []
    for r in rows:
        snippet, spans = split_marked(r[4] or "")
        hits.append(SearchHit(article_id=r[0], story_id=r[1], title=r[2], outlet=r[3],
                              snippet=snippet, rank=float(r[5]), highlights=spans))
    return hits


def rebuild(conn: sa.Connection) -> None:
    """Rebuild the SQLite FTS5 index from ``articles`` (after a VACUUM may have moved rowids)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
