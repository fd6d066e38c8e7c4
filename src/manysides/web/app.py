"""The web UI and JSON API: ``create_app(store_url)`` -> a FastAPI app that reads the store.

Pages (server-rendered, readable with JavaScript off): ``/`` the story list with search,
``/stories/{id}`` a story.  JSON: ``/api/stories``, ``/api/stories/{id}``, ``/api/articles/{id}``,
``/api/search?q=``; documented at ``/openapi.json`` and ``/docs`` (Swagger UI served from the
``swagger-ui-bundle`` package, never a CDN).  Every article text goes through Jinja2 autoescape,
and pages carry a Content-Security-Policy that allows only this server's own script.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from manysides.models import Article, Story, to_dict
from manysides.report.render import environment
from manysides.report.views import anchor, story_view
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

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
MAX_OFFSET = 2**31 - 1  # SQL integers; a larger offset is a client error (422), not a 500
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
STATIC = "/static"


def create_app(store_url: str) -> FastAPI:
    """The manysides web app over the store at ``store_url`` (read only)."""
    from importlib import resources

    store = Store(store_url)
    app = FastAPI(
        title="manysides",
        version="1.0",
        description="Many outlets, one story, every side laid next to the others. "
                    "JSON shapes follow schema/analysis.schema.json (schema_version 1.0).",
        docs_url=None,
        redoc_url=None,
    )
    app.state.store = store
    static_dir = resources.files("manysides.web").joinpath("static")
    app.mount(STATIC, StaticFiles(directory=str(static_dir)), name="static")
    swagger_dir = _swagger_dir()
    if swagger_dir:
        app.mount("/swagger", StaticFiles(directory=swagger_dir), name="swagger")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        if not request.url.path.startswith(("/docs", "/swagger")):
            response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if swagger_dir:
            return get_swagger_ui_html(
                openapi_url="/openapi.json", title="manysides API",
                swagger_js_url="/swagger/swagger-ui-bundle.js",
                swagger_css_url="/swagger/swagger-ui.css",
                swagger_favicon_url="/swagger/favicon-32x32.png",
            )
        return get_swagger_ui_html(openapi_url="/openapi.json", title="manysides API")

    # -- pages ------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(q: str = Query("", max_length=500),
              page: int = Query(1, ge=1, le=MAX_OFFSET // PAGE_SIZE)) -> HTMLResponse:
        q = q.strip()
        if q:
            items = _search_stories(store, q, limit=PAGE_SIZE)
            more, page = False, 1
        else:
            stories = store.list_stories(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
            more = len(stories) > PAGE_SIZE
            items = [_list_item(s) for s in stories[:PAGE_SIZE]]
        total = len(items) + (page - 1) * PAGE_SIZE
        html = _render("index.html", title="manysides: stories", stories=items, query=q,
                       total=f"{total}+" if more else total,
                       prev_href=f"/?{urlencode({'page': page - 1})}" if page > 1 else None,
                       next_href=f"/?{urlencode({'page': page + 1})}" if more else None)
        return HTMLResponse(html)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        story, articles = _load_story(store, story_id)
        view = story_view(story, articles)
        return HTMLResponse(_render("story.html", title=f"{story.title}: manysides", view=view))

    @app.get("/articles/{article_id}", include_in_schema=False)
    def article_page(article_id: str) -> RedirectResponse:
        article = store.get_article(article_id, with_analysis=False)
        if article is None or not article.story_id:
            raise HTTPException(404, f"no article {article_id!r} in a story")
        return RedirectResponse(f"/stories/{article.story_id}#{anchor(article.id)}", 303)

    # -- JSON API ---------------------------------------------------------------------------

    @app.get("/api/stories", response_model=StoryPage, tags=["stories"])
    def api_stories(limit: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
                    offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> StoryPage:
        """Stories, newest first, one page at a time."""
        stories = store.list_stories(limit=limit + 1, offset=offset)
        return StoryPage(stories=[_list_item(s) for s in stories[:limit]], offset=offset,
                         limit=limit, more=len(stories) > limit)

    @app.get("/api/stories/{story_id}", response_model=StoryOut, tags=["stories"],
             responses={404: {"model": ErrorOut}})
    def api_story(story_id: str) -> dict[str, Any]:
        """One story (id or unique id prefix) with claims, omissions, framing, summary, timeline."""
        story = store.get_story(story_id)
        if story is None:
            raise HTTPException(404, f"no story {story_id!r}")
        return to_dict(story)

    @app.get("/api/articles/{article_id}", response_model=ArticleOut, tags=["articles"],
             responses={404: {"model": ErrorOut}})
    def api_article(article_id: str) -> dict[str, Any]:
        """One article (id or unique id prefix) with its analysis."""
        article = store.get_article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return _article_out(article)

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


def _swagger_dir() -> str | None:
    try:
        import swagger_ui_bundle
    except ImportError:
        log.info("swagger-ui-bundle is not installed: /docs loads Swagger UI from its CDN")
        return None
    return str(swagger_ui_bundle.swagger_ui_path)


def _list_item(s: Story) -> StoryListItem:
    return StoryListItem(id=s.id, title=s.title, outlets=list(s.outlets),
                         article_count=len(s.articles), first_published=s.first_published,
                         last_published=s.last_published, url=f"/stories/{s.id}")


def _load_story(store: Store, story_id: str) -> tuple[Story, list[Article]]:
    story = store.get_story(story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id!r}")
    articles = list(store.iter_articles(ids=story.articles, with_analysis=True))
    return story, articles


def _article_out(a: Article) -> dict[str, Any]:
    analysis = a.analysis
    out = {k: getattr(a, k) for k in ("id", "source", "outlet", "title", "section", "url",
                                      "published", "updated", "language", "text",
                                      "duplicate_of", "story_id")}
    out["removed"] = [to_dict(r) for r in a.removed]
    out["entities"] = [to_dict(e) for e in analysis.entities] if analysis else []
    out["quotes"] = [to_dict(q) for q in analysis.quotes] if analysis else []
    out["dates"] = [to_dict(d) for d in analysis.dates] if analysis else []
    out["sentences"] = [to_dict(s) for s in analysis.sentences] if analysis else []
    return out


def _search(store: Store, query: str, limit: int) -> list[dict[str, Any]]:
    """Article hits as dicts; ``Store.search`` (full text) when the store has it."""
    search = getattr(store, "search", None)
    if search is None:
        log.warning("this store has no full-text search")
        return []
    return [
        {"article_id": h.article_id, "story_id": h.story_id, "title": h.title,
         "outlet": h.outlet, "snippet": h.snippet, "rank": float(h.rank)}
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
                         "parts": snippet_parts(h["snippet"])}
                        for h in hits if h["story_id"] == story.id][:3]
        items.append(item)
    return items


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, is a match) runs, for escaping and marking in a template."""
    try:
        from manysides.store.search import SNIPPET_END, SNIPPET_START
    except ImportError:
        return [(snippet, False)]
    regex = re.compile(re.escape(SNIPPET_START) + "(.*?)" + re.escape(SNIPPET_END), re.DOTALL)
    parts, pos = [], 0
    for m in regex.finditer(snippet):
        parts += [(snippet[pos:m.start()], False), (m.group(1), True)]
        pos = m.end()
    parts.append((snippet[pos:], False))
    return [(text, hit) for text, hit in parts if text]
