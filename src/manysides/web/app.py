"""The web UI and JSON API: ``create_app(store_url)`` -> a FastAPI app that reads the store.

Pages (server-rendered, readable with JavaScript off): ``/`` the story list with search,
``/stories/{id}`` a story.  JSON: ``/api/stories``, ``/api/stories/{id}``, ``/api/articles/{id}``,
``/api/search?q=``; documented at ``/openapi.json`` and ``/docs`` (Swagger UI served from the
``swagger-ui-bundle`` package, never a CDN: only the three files the page loads).  Every article
text goes through Jinja2 autoescape.

Defences (:class:`Guard`, in front of every route): a request whose ``Host`` header is not in
the allow-list (loopback names by default: a page elsewhere cannot read this API through DNS
rebinding) is refused with 400; every answer, ``/docs`` and errors included, carries the same
security headers (a Content-Security-Policy that allows only this server's own scripts).  An id
that is not an id answers 404; an HTML route answers its errors with an HTML page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from manysides import contract
from manysides.models import Article, Story
from manysides.report.render import environment
from manysides.report.views import anchor, story_view
from manysides.settings import DEFAULT_ALLOWED_HOSTS, Settings
from manysides.store import Store
from manysides.web.models import (
    ArticleOut,
    ErrorOut,
    SearchHitOut,
    SearchResult,
    StoryListItem,
    StoryOut,
    StoryPage,
)

log = logging.getLogger(__name__)

MAX_OFFSET = 2**31 - 1  # SQL integers; a larger offset is a client error (422), not a 500
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
STATIC = "/static"
SECURITY_HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
)
SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")  # all /docs needs
ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # story and article ids (and their prefixes)
JSON_PATHS = ("/api/", "/openapi.json")  # routes that answer errors in JSON; the rest in HTML


class Guard:
    """ASGI middleware: refuse a ``Host`` not in ``allowed_hosts`` ("*" allows any), and add
    :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Sequence[str]) -> None:
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in SECURITY_HEADERS}
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": [*headers, *SECURITY_HEADERS]}
            await send(message)

        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        if "*" not in self.allowed and host_name(host) not in self.allowed:
            log.warning("refused a request for host %r (not in the allowed hosts)", host[:100])
            response = Response("Invalid host header", status_code=400, media_type="text/plain")
            await response(scope, receive, send_secured)
            return
        await self.app(scope, receive, send_secured)


def host_name(host: str) -> str:
    """A ``Host`` header without its port, lower case: ``[::1]:8000`` -> ``[::1]``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[:host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def check_id(value: str, what: str) -> str:
    """``value`` when it can be an id; else 404 (a malformed id names nothing)."""
    if not ID.fullmatch(value):
        raise HTTPException(404, f"no {what} with that id")
    return value


def create_app(store_url: str, *, allowed_hosts: Sequence[str] = DEFAULT_ALLOWED_HOSTS,  # noqa: C901
               settings: Settings | None = None) -> FastAPI:
    """The manysides web app over the store at ``store_url`` (read only), answering requests
    for the hosts in ``allowed_hosts`` (add the server's name to serve beyond this machine);
    pages hold ``settings.page_size`` stories (the API's at most ``settings.max_page_size``).

    Kept whole: the routes are closures over the one store and app, declared together.
    """
    settings = settings or Settings()
    page_size = settings.page_size
    store = Store(store_url)
    app = FastAPI(
        title="manysides",
        version=contract.SCHEMA_VERSION,
        description="Many outlets, one story, every side laid next to the others. "
                    "JSON shapes follow schema/analysis.schema.json "
                    f"(schema_version {contract.SCHEMA_VERSION}).",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    static_dir = resources.files("manysides.web").joinpath("static")
    app.mount(STATIC, StaticFiles(directory=str(static_dir)), name="static")
    app.add_middleware(Guard, allowed_hosts=tuple(allowed_hosts))
    swagger_dir = _swagger_dir()

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith(JSON_PATHS):
            return await http_exception_handler(request, exc)
        return _error_page(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith(JSON_PATHS):
            return await request_validation_exception_handler(request, exc)
        fields = ", ".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors()) or "request"
        return _error_page(422, f"invalid {fields}: {exc.errors()[0].get('msg', '')}"[:300])

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_render("docs.html", title="manysides API", swagger=bool(swagger_dir)))

    @app.get("/swagger/{name}", include_in_schema=False)
    def swagger_file(name: str) -> FileResponse:
        if not swagger_dir or name not in SWAGGER_FILES:
            raise HTTPException(404, "not found")
        return FileResponse(Path(swagger_dir) / name)

    # -- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(q: str = Query("", max_length=500),
              page: int = Query(1, ge=1, le=MAX_OFFSET // page_size)) -> HTMLResponse:
        q = q.strip()
        items: list[Any]  # story list items: the template reads the same fields of both
        if q:
            items = _search_stories(store, q, limit=page_size)
            more, page = False, 1
        else:
            stories = store.list_stories(limit=page_size + 1, offset=(page - 1) * page_size)
            more = len(stories) > page_size
            items = [_list_item(s) for s in stories[:page_size]]
        total = len(items) + (page - 1) * page_size
        html = _render("index.html", title="manysides: stories", stories=items, query=q,
                       total=f"{total}+" if more else total,
                       prev_href=f"/?{urlencode({'page': page - 1})}" if page > 1 else None,
                       next_href=f"/?{urlencode({'page': page + 1})}" if more else None)
        return HTMLResponse(html)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> Response:
        story_id = check_id(story_id, "story")
        moved = _merged_into(store, story_id)
        if moved is not None:
            return RedirectResponse(f"/stories/{quote(moved)}", 301)
        story, articles = _load_story(store, story_id)
        view = story_view(story, articles)
        return HTMLResponse(_render("story.html", title=f"{story.title}: manysides", view=view))

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article_page(article_id: str) -> RedirectResponse:
        article = store.get_article(check_id(article_id, "article"), with_analysis=False)
        if article is None or not article.story_id:
            raise HTTPException(404, f"no article {article_id!r} in a story")
        return RedirectResponse(f"/stories/{article.story_id}#{anchor(article.id)}", 303)

    # -- JSON API ---------------------------------------------------------------------------

    @app.get("/api/stories", response_model=StoryPage, tags=["stories"])
    def api_stories(limit: int = Query(page_size, ge=1, le=settings.max_page_size),
                    offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> StoryPage:
        """Stories, newest first, one page at a time."""
        stories = store.list_stories(limit=limit + 1, offset=offset)
        return StoryPage(stories=[_list_item(s) for s in stories[:limit]], offset=offset,
                         limit=limit, more=len(stories) > limit)

    @app.get("/api/stories/{story_id}", response_model=StoryOut, tags=["stories"],
             responses={301: {"description": "the story was merged into the one named by "
                                              "Location"}, 404: {"model": ErrorOut}})
    def api_story(story_id: str) -> Any:
        """One story (id or unique id prefix) with claims, omissions, framing, summary, timeline.
        The id of a story merged into another redirects (301) to that one."""
        story_id = check_id(story_id, "story")
        moved = _merged_into(store, story_id)
        if moved is not None:
            return RedirectResponse(f"/api/stories/{quote(moved)}", 301)
        story = store.get_story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return contract.story_json(story)

    @app.get("/api/articles/{article_id}", response_model=ArticleOut, tags=["articles"],
             responses={404: {"model": ErrorOut}})
    def api_article(article_id: str) -> dict[str, Any]:
        """One article (id or unique id prefix) with its analysis."""
        article = store.get_article(check_id(article_id, "article"))
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return contract.article_json(article, with_sentences=True)

    @app.get("/api/search", response_model=SearchResult, tags=["search"])
    def api_search(q: str = Query(..., min_length=1, max_length=500),
                   limit: int = Query(20, ge=1, le=100)) -> SearchResult:
        """Full-text search: the matching articles and the stories they belong to."""
        hits = _search(store, q, limit)
        return SearchResult(query=q, stories=_stories_of(store, hits),
                            articles=[SearchHitOut(**h) for h in hits])

    return app


def _render(name: str, **context: Any) -> str:
    return environment().get_template(name).render(static=STATIC, home="/", standalone=False,
                                                   **context)


def _error_page(status: int, message: str) -> HTMLResponse:
    return HTMLResponse(_render("error.html", title=f"{status}: manysides", status=status,
                                message=message), status_code=status)


def _swagger_dir() -> str | None:
    try:
        import swagger_ui_bundle  # optional package: without it /docs has no Swagger UI
    except ImportError:
        log.info("swagger-ui-bundle is not installed: /docs links to /openapi.json only")
        return None
    return str(swagger_ui_bundle.swagger_ui_path)


def _list_item(s: Story) -> StoryListItem:
    return StoryListItem(id=s.id, title=s.title, outlets=list(s.outlets),
                         article_count=len(s.articles), first_published=s.first_published,
                         last_published=s.last_published, url=f"/stories/{s.id}")


def _merged_into(store: Store, story_id: str) -> str | None:
    """The story a merged story's id now names (None: the id is a story's, or unknown)."""
    if store.get_story(story_id) is not None:
        return None
    return store.story_redirect(story_id)


def _load_story(store: Store, story_id: str) -> tuple[Story, list[Article]]:
    story = store.get_story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id!r}")
    articles = list(store.iter_articles(ids=story.articles, with_analysis=True))
    return story, articles


def _search(store: Store, query: str, limit: int) -> list[dict[str, Any]]:
    """Article hits as dicts; ``Store.search`` (full text) when the store has it."""
    search = getattr(store, "search", None)
    if search is None:
        log.warning("this store has no full-text search")
        return []
    return [
        {"article_id": h.article_id, "story_id": h.story_id, "title": h.title,
         "outlet": h.outlet, "snippet": h.snippet, "rank": float(h.rank),
         "highlights": [list(span) for span in h.highlights]}
        for h in search(query, limit)
    ]


def _stories_of(store: Store, hits: list[dict[str, Any]]) -> list[StoryListItem]:
    items: list[StoryListItem] = []
    for sid in dict.fromkeys(h["story_id"] for h in hits if h["story_id"]):
        story = store.get_story(sid)
        if story is not None:
            items.append(_list_item(story))
    return items


def _search_stories(store: Store, query: str, *, limit: int) -> list[dict[str, Any]]:
    """Stories with matching articles, each with its hits' snippets (matches marked)."""
    hits = _search(store, query, limit * 3)
    items = []
    for story in _stories_of(store, hits)[:limit]:
        item = story.model_dump()
        item["hits"] = [{"outlet": h["outlet"] or "", "title": h["title"] or "",
                         "href": f"/stories/{story.id}#{anchor(h['article_id'])}",
                         "parts": snippet_parts(h["snippet"], h["highlights"])}
                        for h in hits if h["story_id"] == story.id][:3]
        items.append(item)
    return items


def snippet_parts(snippet: str, highlights: Sequence[Sequence[int]]) -> list[tuple[str, bool]]:
    """A search snippet as (text, is a match) runs, from the matches' offsets, for escaping and
    marking in a template."""
    parts, pos = [], 0
    for start, end in sorted((int(a), int(b)) for a, b in highlights):
        if start < pos or end > len(snippet):
            continue
        parts += [(snippet[pos:start], False), (snippet[start:end], True)]
        pos = end
    parts.append((snippet[pos:], False))
    return [(text, hit) for text, hit in parts if text]
