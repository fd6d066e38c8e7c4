"""Read inputs into :class:`~manysides.models.Article` objects (parse + clean, no store).

An input is a text/HTML/JSONL/feed file, a folder of them, an ``http(s)://`` or ``file://``
URL, or a feed URL.  Local files are read only where the user named them: on the command line,
or in a local feed or manifest they passed; anything remote (a fetched feed's item links, a
redirect) may lead to ``http``/``https`` only.  :func:`read_inputs` yields one ``Article``
per article found and one ``Failure`` (input, reason) per input that could not be read; a bad
input never stops the rest.

Metadata precedence: a manifest row > what the container says (JSONL fields, feed item, HTML
meta tags) > what the text itself tells (header lines, signatures).
"""

from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio

from manysides.clean import clean_text
from manysides.clean.html import extract_html
from manysides.clean.meta import normalise_date
from manysides.datafiles import load_data
from manysides.errors import FetchError, InputError
from manysides.ingest.feeds import FeedItem, looks_like_feed, parse_feed
from manysides.ingest.fetch import Fetcher, is_web_url
from manysides.models import Article, Failure, RemovedLine
from manysides.outlets import OutletProfile, detect_outlet, get_profile, profile_for_url
from manysides.settings import Settings

logger = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | FEED_SUFFIXES
_DECODE = load_data("ingest")["decode"]  # data/ingest.toml [decode]
MAX_CONTROL_SHARE: float = _DECODE["max_control_share"]  # more control characters: binary
MAX_CHAOS: float = _DECODE["max_chaos"]  # a guessed encoding messier than this is not trusted

_WS = re.compile(r"\s+")
_HTML_SNIFF = re.compile(rb"<!doctype html|<html[\s>]|<body[\s>]|<article[\s>]|<p[\s>]", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_FEED_TITLE_SPLIT = re.compile(r"\s+[-|–—:]\s+")


@dataclass
class Overrides:
    """Metadata that a manifest (or a container) imposes on an input's article."""

    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    title: str | None = None
    byline: str | None = None

    def merged_over(self, other: Overrides) -> Overrides:
        """These values where set, ``other``'s elsewhere."""
        return Overrides(**{f.name: getattr(self, f.name) or getattr(other, f.name)
                            for f in fields(self)})


def article_id(text: str) -> str:
    """The id of an article: 16 hex chars of sha256 of its casefolded, space-collapsed text."""
    norm = _WS.sub(" ", text.casefold()).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def is_url(value: str) -> bool:
    """True for ``http://``, ``https://`` and ``file://`` URLs."""
    return urlsplit(value).scheme.lower() in ("http", "https", "file")


def file_url_path(url: str) -> Path:
    """The local path of a ``file://`` URL (``file://tmp/a.txt``, as some feed tools write
    ``file:///tmp/a.txt``, is read as ``/tmp/a.txt``)."""
    parts = urlsplit(url)
    host = parts.netloc if parts.netloc not in ("", "localhost") else ""
    return Path(unquote(f"/{host}{parts.path}" if host else parts.path))


# -- decoding --------------------------------------------------------------------------------


def decode_bytes(data: bytes) -> tuple[str, str]:
    """File bytes -> (text, encoding).  UTF-8 (with or without BOM) first; otherwise the
    encoding charset-normalizer is confident of (cp1252, latin-1, ...).

    Raises :class:`InputError` for binary data or bytes no text encoding explains.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-16 text ({exc.reason})") from exc
    if b"\x00" in data[:65536]:
        raise InputError("binary file (contains NUL bytes), not text")
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        text, encoding = _decode_legacy(data, exc)
    sample = text[:65536]
    if sample and len(_CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise InputError("binary file (control characters), not text")
    return text, encoding


def _decode_legacy(data: bytes, exc: UnicodeDecodeError) -> tuple[str, str]:
    """Bytes that are not UTF-8: a UTF-8 file with a few broken bytes, a Windows-1252 /
    Latin-1 file (the web's legacy default, preferred when it reads as cleanly as the best
    guess), or whatever encoding charset-normalizer is confident of."""
    lenient = data.decode("utf-8", errors="replace")
    broken = lenient.count("\ufffd")
    if broken <= max(1, len(data) // 1000) and any(ord(c) > 127 and c != "\ufffd"
                                                     for c in lenient):
        logger.warning("UTF-8 text with %d invalid byte(s), replaced", broken)
        return lenient, "utf-8"
    best = from_bytes(data).best()
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and (best is None or mess_ratio(western) <= best.chaos + 0.05):
        logger.info("decoded as cp1252 (not UTF-8)")
        return western, "cp1252"
    if best is None or best.chaos > MAX_CHAOS:
        raise InputError(
            f"not valid UTF-8 (bad byte at offset {exc.start}) and no other text encoding "
            "fits: binary or corrupt file"
        ) from exc
    logger.info("decoded as %s (not UTF-8)", best.encoding)
    return str(best), best.encoding


# -- manifest --------------------------------------------------------------------------------


def load_manifest(path: str) -> Mapping[str, Overrides]:
    """A manifest file -> {resolved input key: Overrides} (read-only).

    CSV with a header row (``path_or_url`` or ``path``/``url``/``input`` first, then any of
    ``outlet``, ``url``, ``published``, ``title``, ``byline``), or JSON: a list of such objects
    or an object mapping each path/URL to its fields.  Relative paths are relative to the
    manifest's folder.  Raises :class:`InputError` on an unreadable manifest.

    Parsed once per process while the file is unchanged: a worker reads a batch in many small
    chunks, and resolving 10,000 rows costs 0.3 s each time.
    """
    p = Path(path)
    try:
        st = p.stat()
        return _parse_manifest(p.resolve(), st.st_mtime_ns, st.st_size)
    except OSError as exc:
        raise InputError(f"manifest cannot be read: {exc.strerror or exc}") from exc


@functools.lru_cache(maxsize=4)
def _parse_manifest(p: Path, mtime_ns: int, size: int) -> Mapping[str, Overrides]:
    """``load_manifest``'s work for one version (``mtime_ns``, ``size``) of the file."""
    del mtime_ns, size  # only the cache key
    raw = p.read_bytes()
    text, _ = decode_bytes(raw)
    rows: list[dict[str, str]]
    if p.suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"manifest is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
        if isinstance(data, dict):
            rows = [{"path_or_url": k, **(v if isinstance(v, dict) else {})}
                    for k, v in data.items()]
        elif isinstance(data, list):
            rows = [r for r in data if isinstance(r, dict)]
        else:
            raise InputError("manifest JSON must be a list of objects or an object")
    else:
        rows = list(csv.DictReader(io.StringIO(text)))
    out: dict[str, Overrides] = {}
    for row in rows:
        row = {str(k).strip().lower(): (str(v).strip() if v is not None else "")
               for k, v in row.items() if k is not None}
        key = row.get("path_or_url") or row.get("path") or row.get("input") or row.get("url")
        if not key:
            raise InputError("manifest row without a path_or_url (or path/url) value")
        out[input_key(key, base=p.parent)] = Overrides(
            outlet=row.get("outlet") or None,
            url=row.get("url") or (key if is_url(key) and not key.startswith("file:") else None),
            published=row.get("published") or None,
            title=row.get("title") or None,
            byline=row.get("byline") or row.get("author") or None,
        )
    return MappingProxyType(out)


def input_key(value: str, *, base: Path | None = None) -> str:
    """How an input is looked up in a manifest: a URL as is, a path resolved to absolute."""
    if is_url(value) and not value.lower().startswith("file:"):
        return value
    path = file_url_path(value) if value.lower().startswith("file:") else Path(value)
    if base is not None and not path.is_absolute():
        path = base / path
    return str(path.expanduser().resolve())


# -- building an article ---------------------------------------------------------------------


def _resolve_profile(outlet: str | None, url: str | None, text: str) -> OutletProfile | None:
    return get_profile(outlet) or profile_for_url(url) or (None if outlet else detect_outlet(text))


def build_article(
    raw: str,
    *,
    source: str,
    meta: Overrides | None = None,
    language: str | None = None,
    removed: Sequence[RemovedLine] = (),
    extracted: bool = False,
) -> Article:
    """Raw article text and known metadata -> a clean :class:`Article` with its id.

    ``extracted``: ``raw`` is text an HTML extractor produced (see ``clean_text``).
    Raises :class:`InputError` when no article text is left after cleaning.
    """
    meta = meta or Overrides()
    profile = _resolve_profile(meta.outlet, meta.url, raw)
    result = clean_text(raw, profile=profile, title=meta.title, detect=False,
                        extracted=extracted)
    if not result.text.strip():
        raise InputError(
            "no article text: every line is page furniture" if raw.strip() else "empty text"
        )
    tz = profile.timezone if profile else None
    outlet = profile.name if profile else meta.outlet
    return Article(
        id=article_id(result.text),
        source=source,
        text=result.text,
        raw_text=raw,
        title=meta.title or result.title,
        outlet=outlet,
        url=meta.url,
        section=result.section,
        byline=meta.byline or result.byline or result.agency,
        published=normalise_date(meta.published, default_tz=tz) or result.published,
        updated=result.updated,
        language=language or result.meta.language,
        removed=[*removed, *result.removed],
        ingested_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def build_html_article(
    html: str, *, source: str, url: str | None, meta: Overrides | None = None
) -> Article:
    """An HTML page -> Article: extract the article (``clean.html.extract_html``), then run the
    text cleaner over it too; removed lines of both steps are kept."""
    meta = meta or Overrides()
    page = extract_html(html, url=meta.url or url)
    profile = profile_for_url(meta.url or url) or get_profile(page.sitename)
    outlet = meta.outlet or (profile.name if profile else page.sitename)
    merged = meta.merged_over(
        Overrides(outlet=outlet, url=page.url or url, published=page.published,
                  title=page.title, byline=page.author)
    )
    return build_article(
        page.text, source=source, meta=merged, language=page.language, removed=page.removed,
        extracted=True,
    )


# -- reading inputs --------------------------------------------------------------------------


class Reader:
    """Reads inputs one by one; holds the manifest and (lazily) one HTTP client.

    ``read(name)`` yields the articles and failures of one input; ``read_feed_item`` those of
    one feed item (``manysides.watch`` polls feeds through it, with its own ``fetcher``, so one
    per-host delay covers feeds and articles).  ``on_more(n)`` is told of ``n`` more inputs
    found on the way (a feed's items), for a progress bar's total.
    """

    def __init__(self, settings: Settings, overrides: Mapping[str, Overrides], *,
                 fetcher: Fetcher | None = None,
                 on_more: Callable[[int], None] | None = None) -> None:
        self.settings = settings
        self.overrides = overrides
        self._fetcher = fetcher
        self._own_fetcher = fetcher is None
        self.on_more = on_more

    def close(self) -> None:
        if self._fetcher is not None and self._own_fetcher:
            self._fetcher.close()

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings)
        return self._fetcher

    def _meta_for(self, name: str, container: Overrides | None = None) -> Overrides:
        manifest = self.overrides.get(input_key(name)) if self.overrides else None
        base = container or Overrides()
        return manifest.merged_over(base) if manifest else base

    def read(self, name: str) -> Iterator[Article | Failure]:
        """All articles of one input (file, folder, URL), or failures naming the input."""
        try:
            if is_url(name) and not name.lower().startswith("file:"):
                yield from self.read_url(name)
                return
            path = file_url_path(name) if name.lower().startswith("file:") else Path(name)
            path = path.expanduser()
            if not path.exists():
                yield Failure(name, "no such file or directory")
            elif path.is_dir():
                yield from self.read_dir(path, name)
            else:
                yield from self.read_file(path, name)
        except (InputError, OSError) as exc:
            yield Failure(name, _reason(exc))

    def read_dir(self, path: Path, name: str) -> Iterator[Article | Failure]:
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            and _suffix(p) in ARTICLE_SUFFIXES
        )
        if not files:
            yield Failure(name, "folder holds no article files (.txt, .html, .jsonl, .xml, ...)")
            return
        for file in files:
            yield from self.read(str(file))

    def _read_bytes(self, path: Path) -> bytes:
        limit = self.settings.max_file_bytes
        size = path.stat().st_size
        if size > limit:
            raise InputError(f"file is {size} bytes, over the limit of {limit} (--max-bytes)")
        if size == 0:
            raise InputError("empty file")
        data = path.read_bytes()
        if path.suffix.lower() == ".gz":
            try:
                with gzip.open(io.BytesIO(data)) as fh:
                    data = fh.read(limit + 1)
            except (OSError, EOFError) as exc:
                raise InputError(f"corrupt gzip file ({exc})") from exc
            if len(data) > limit:
                raise InputError(f"file unpacks to over the limit of {limit} bytes (--max-bytes)")
        return data

    def read_file(self, path: Path, name: str) -> Iterator[Article | Failure]:
        data = self._read_bytes(path)
        if not data.strip():
            raise InputError("empty file (only whitespace)")
        kind = _kind(_suffix(path), data)
        if kind == "feed":  # a local feed the user named: its links may be local files
            yield from self.read_feed(data, base=str(path.resolve()), name=name,
                                      local_links=True)
            return
        text, _ = decode_bytes(data)
        if not text.strip():
            raise InputError("empty file (only whitespace)")
        if kind == "jsonl":
            yield from self.read_jsonl(text, name)
        elif kind == "html":
            yield build_html_article(text, source=name, url=None, meta=self._meta_for(name))
        else:
            yield build_article(text, source=name, meta=self._meta_for(name))

    def read_url(self, url: str, container: Overrides | None = None) -> Iterator[Article | Failure]:
        try:
            fetched = self.fetcher.get(url)
        except FetchError as exc:
            yield Failure(url, _reason(exc))
            return
        data = fetched.content
        if not data.strip():
            yield Failure(url, "empty response")
            return
        ctype = fetched.content_type
        if "rss" in ctype or "atom" in ctype or (("xml" in ctype or not ctype)
                                                  and looks_like_feed(data)):
            yield from self.read_feed(data, base=fetched.url, name=url, local_links=False)
            return
        try:
            if fetched.encoding:
                try:
                    text = data.decode(fetched.encoding)
                except (LookupError, UnicodeDecodeError):
                    text, _ = decode_bytes(data)
            else:
                text, _ = decode_bytes(data)
            base = Overrides(url=fetched.url)
            meta = self._meta_for(url, container.merged_over(base) if container else base)
            sniffed_html = bool(_HTML_SNIFF.search(data[:4096]))
            if "html" in ctype or (not ctype.startswith("text/plain") and sniffed_html):
                yield build_html_article(text, source=url, url=fetched.url, meta=meta)
            elif kind_from_ctype(ctype) == "jsonl":
                yield from self.read_jsonl(text, url)
            else:
                yield build_article(text, source=url, meta=meta)
        except InputError as exc:
            yield Failure(url, _reason(exc))

    def read_feed(self, data: bytes, *, base: str, name: str,
                  local_links: bool) -> Iterator[Article | Failure]:
        """The articles of a feed's items: the first ``settings.max_feed_items`` of them.

        ``local_links``: the feed is a local file the user named, so its items may link to
        local files; a fetched feed's may not.
        """
        feed_title, items = parse_feed(data, base=base)
        if not items:
            yield Failure(name, "feed has no items")
            return
        cap = self.settings.max_feed_items
        if len(items) > cap:
            logger.warning("feed %s has %d items: reading the first %d (max_feed_items)",
                           name, len(items), cap)
            items = items[:cap]
        if self.on_more is not None:
            self.on_more(len(items) - 1)  # the feed itself was counted as one input
        outlet = feed_outlet(feed_title)
        for item in items:
            yield from self.read_feed_item(item, outlet, name, local_links=local_links)

    def read_feed_item(
        self, item: FeedItem, feed_outlet: str | None, feed_name: str, *,
        local_links: bool = False,
    ) -> Iterator[Article | Failure]:
        """The article of one feed item; a link to a local file is read only when
        ``local_links`` (the feed is a local file the user named)."""
        outlet = item.outlet or feed_outlet
        link = item.link
        container = Overrides(outlet=outlet, title=item.title, published=item.published,
                              byline=item.author,
                              url=link if link and is_web_url(link) else None)
        if link is None:
            if item.content_html:
                try:
                    yield build_html_article(item.content_html, source=f"{feed_name}#{item.title}",
                                             url=None, meta=container)
                except InputError as exc:
                    yield Failure(f"{feed_name}#{item.title}", _reason(exc))
            else:
                yield Failure(f"{feed_name}#{item.title}", "feed item has no link and no content")
            return
        if is_web_url(link):
            yield from self.read_url(link, container)
            return
        if not local_links:
            yield Failure(link[:300], f"feed item links to a local file or a non-web URL, "
                                      f"refused in a fetched feed (from {feed_name})")
            return
        path = file_url_path(link) if link.lower().startswith("file:") else Path(link)
        if not path.is_file():
            yield Failure(link, f"feed item link not found (from {feed_name})")
            return
        try:
            data = self._read_bytes(path)
            kind = _kind(_suffix(path), data)
            text, _ = decode_bytes(data)
            meta = self._meta_for(str(path), container)
            if kind == "html":
                yield build_html_article(text, source=str(path), url=None, meta=meta)
            else:
                yield build_article(text, source=str(path), meta=meta)
        except (InputError, OSError) as exc:
            yield Failure(str(path), _reason(exc))

    def read_jsonl(self, text: str, name: str) -> Iterator[Article | Failure]:
        found = False
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            where = f"{name}:{lineno}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Failure(where, f"line {lineno}: invalid JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                yield Failure(where, f"line {lineno}: not a JSON object")
                continue
            body = row.get("text")
            if not isinstance(body, str) or not body.strip():
                yield Failure(where, f"line {lineno}: no 'text' field (a non-empty string)")
                continue
            try:
                container = Overrides(
                    outlet=_field(row, "outlet", ", "), url=_field(row, "url", " "),
                    published=_field(row, "published", " "), title=_field(row, "title", " "),
                    byline=_field(row, "byline", ", ") or _field(row, "author", ", "),
                )
            except InputError as exc:
                yield Failure(where, f"line {lineno}: {exc}")
                continue
            found = True
            try:
                yield build_article(body, source=where, meta=self._meta_for(where, container))
            except InputError as exc:
                yield Failure(where, f"line {lineno}: {_reason(exc)}")
        if not found:
            logger.info("%s: no article lines", name)


def read_inputs(
    inputs: Sequence[str], *, settings: Settings, manifest: str | None = None,
    on_more: Callable[[int], None] | None = None,
) -> Iterator[Article | Failure]:
    """Parse and clean every input: one ``Article`` per article found, one ``Failure`` per
    input (or JSONL line, or feed item) that could not be read.  Nothing is stored.
    ``on_more(n)``: ``n`` more inputs were found on the way (feed items), for progress.
    An article longer than ``settings.max_analysis_chars`` is a failure: it would be refused
    by the analysis (a page with no line breaks, a dump pasted as one article)."""
    overrides: Mapping[str, Overrides] = {}
    if manifest:
        try:
            overrides = load_manifest(manifest)
        except InputError as exc:
            yield Failure(manifest, _reason(exc))
    reader = Reader(settings, overrides, on_more=on_more)
    limit = settings.max_analysis_chars
    try:
        for name in inputs:
            for item in reader.read(name):
                if isinstance(item, Article) and len(item.text) > limit:
                    item = Failure(item.source, f"article is {len(item.text)} characters long, "
                                                f"over the analysis limit of {limit} "
                                                "(max_analysis_chars)")
                yield item
    finally:
        reader.close()


def count_files(inputs: Sequence[str]) -> int:
    """How many article files the inputs name (folders expanded; URLs count one), for a
    progress bar's total.  JSONL files and feeds count one each."""
    total = 0
    for name in inputs:
        path = Path(name).expanduser()
        if not is_url(name) and path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file() and _suffix(p) in
                         ARTICLE_SUFFIXES)
        else:
            total += 1
    return total


# -- helpers ---------------------------------------------------------------------------------


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _kind(suffix: str, data: bytes) -> str:
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in FEED_SUFFIXES or looks_like_feed(data):
        return "feed"
    if suffix in TEXT_SUFFIXES:
        return "text"
    return "html" if _HTML_SNIFF.search(data[:4096]) else "text"


def kind_from_ctype(ctype: str) -> str:
    """The input kind a Content-Type names ("html", "feed", "jsonl", "text")."""
    if "html" in ctype:
        return "html"
    if "rss" in ctype or "atom" in ctype:
        return "feed"
    if "jsonl" in ctype or "ndjson" in ctype or "json-seq" in ctype:
        return "jsonl"
    return "text"


def feed_outlet(feed_title: str | None) -> str | None:
    """The outlet behind a feed: its title ("The Caldera Post - Region and Politics") matched
    to a profile, else the title's first part."""
    if not feed_title:
        return None
    profile = get_profile(feed_title)
    if profile:
        return profile.name
    first = _FEED_TITLE_SPLIT.split(feed_title, maxsplit=1)[0].strip()
    profile = get_profile(first)
    return profile.name if profile else first or None


def _str(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _field(row: Mapping[str, object], name: str, joiner: str) -> str | None:
    """A JSONL metadata field as text: a string or number as is, a list of them joined with
    ``joiner`` (two authors, a title split in parts); raises :class:`InputError` for anything
    else (an object, nested lists), which has no faithful text form."""
    value = row.get(name)
    if isinstance(value, list) and all(isinstance(v, str | int | float) and
                                       not isinstance(v, bool) for v in value):
        return _str(joiner.join(str(v).strip() for v in value if str(v).strip()))
    if value is None or (isinstance(value, str | int | float) and not isinstance(value, bool)):
        return _str(value)
    raise InputError(f"'{name}' is {type(value).__name__} {json.dumps(value)[:60]}, not text")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc) or type(exc).__name__



__all__ = [
    "Overrides", "Reader", "article_id", "build_article", "build_html_article", "count_files",
    "decode_bytes", "feed_outlet", "load_manifest", "read_inputs",
]
