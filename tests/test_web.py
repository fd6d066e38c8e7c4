"""The web UI and JSON API: pages, API schema, hostile input, and a headless Chromium run.

The browser tests drive Debian's Chromium (``/usr/bin/chromium``) through Playwright against a
uvicorn server on 127.0.0.1; they skip where Chromium is absent and fail under CI=true.
Screenshots go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
import schemathesis
import uvicorn
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from playwright.sync_api import sync_playwright

from manysides.models import Article, ArticleAnalysis, Quote, Sentence, Story
from manysides.report import summarize
from manysides.report.verify import load_similarity
from manysides.settings import Settings
from manysides.store import Store
from manysides.web.app import create_app
from test_report import make_article, make_story, seed_db, seed_story  # noqa: F401

REPO = Path(__file__).resolve().parent.parent
HOSTILE = REPO / "tests" / "data" / "hostile.txt"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def hostile_article() -> Article:
    """tests/data/hostile.txt as an analysed article (one sentence per line, one quote)."""
    text = HOSTILE.read_text("utf-8").rstrip("\n")
    sents, pos = [], 0
    for i, line in enumerate(text.split("\n")):
        sents.append(Sentence(i, pos, pos + len(line), line, paragraph=i))
        pos += len(line) + 1
    q = "\"<script>document.title='pwned'</script>\""
    start = text.index(q)
    quote = Quote(q, "direct", "the mayor", "person", None, "said", None, start,
                  start + len(q), 3)
    return Article(id="hostile0001", source="hostile.txt", text=text, outlet="Hostile Herald",
                   title=text.split("\n", 1)[0], url="javascript:alert('manysides-xss-url')",
                   published="2024-03-12", analysis=ArticleAnalysis(sentences=sents,
                                                                    quotes=[quote]))


def fill_store(store: Store) -> tuple[Story, Story]:
    """The hand-made story (summarised) and a hostile story, saved in ``store``."""
    story, articles = make_story()
    story = summarize(story, articles, settings=Settings(),
                      similarity=load_similarity(Settings()))
    for a in articles:
        store.add_article(a)
    store.save_story(story)
    hostile = hostile_article()
    other = make_article("plain0002", "Plain Post", "2024-03-12", [
        "The council met on Monday in Kessel to discuss the budget for next year."])
    store.add_article(hostile)
    store.add_article(other)
    hs = Story(id="hostile-story", title="<script>alert('manysides-xss-title')</script> story",
               articles=[hostile.id, other.id], outlets=["Hostile Herald", "Plain Post"],
               first_published="2024-03-12", last_published="2024-03-12")
    store.save_story(hs)
    return story, hs


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    store = Store(url)
    fill_store(store)
    store.close()
    return url


@pytest.fixture(scope="module")
def client(db_url: str) -> TestClient:
    return TestClient(create_app(db_url), base_url="http://127.0.0.1")


# -- pages and API through the ASGI test client ----------------------------------------------

def test_story_list_page(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert "Avarian defence minister visits Kessel" in r.text
    assert 'href="/stories/st0ry0001"' in r.text
    assert r.text.count('class="badge"') >= 5  # outlets as badges
    assert "3 articles" in r.text and "2024-03-11 – 2024-03-12" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]


def test_search_finds_stories(client: TestClient) -> None:
    r = client.get("/", params={"q": "agreements"})
    assert r.status_code == 200 and "Avarian defence minister" in r.text
    assert "hostile-story" not in r.text
    assert "<mark>agreements</mark>" in r.text  # the snippet marks the match
    hostile = client.get("/", params={"q": "mayor"}).text
    assert "hostile-story" in hostile and "<script>document" not in hostile
    api = client.get("/api/search", params={"q": "palace"}).json()
    assert api["stories"][0]["id"] == "st0ry0001"
    assert {h["article_id"] for h in api["articles"]} >= {"aaaa1111"}
    assert client.get("/api/search", params={"q": 'AND ( "'}).status_code == 200


def test_story_page_sections(client: TestClient) -> None:
    r = client.get("/stories/st0ry0001")
    assert r.status_code == 200
    html = r.text
    for section in ('id="summary"', 'id="matrix"', 'id="contradictions"', 'id="quotes"',
                    'id="framing"', 'id="timeline"', 'id="reading"'):
        assert section in html
    assert 'href="#a-aaaa1111-s1"' in html and 'id="a-aaaa1111-s1"' in html
    assert "Harbor Times reports that" in html
    assert 'class="cell omits"' in html and 'class="cell contradicts"' in html
    assert "Subscribe to our newsletter" in html  # removed furniture, inside <details>
    assert client.get("/stories/nope").status_code == 404


def test_api_matches_the_documented_schemas(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}",
                 "/api/search"):
        assert path in spec["paths"]
    page = client.get("/api/stories").json()
    assert {s["id"] for s in page["stories"]} == {"st0ry0001", "hostile-story"}
    story = client.get("/api/stories/st0ry0001").json()
    assert story["summary"][0]["citations"]
    schema = json.loads((REPO / "schema" / "analysis.schema.json").read_text())
    jsonschema.Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": "#/$defs/story"}).validate(story)
    article = client.get("/api/articles/aaaa1111").json()
    assert article["quotes"][0]["kind"] == "direct" and article["sentences"]
    assert client.get("/api/articles/zzzz9999").status_code == 404


def test_docs_are_served_without_a_cdn(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "/swagger/swagger-ui-bundle.js" in docs.text
    assert client.get("/swagger/swagger-ui-bundle.js").status_code == 200


def test_hostile_article_is_escaped(client: TestClient) -> None:
    html = client.get("/stories/hostile-story").text
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg" not in html
    assert "&lt;script&gt;alert(&#39;manysides-xss-1&#39;)&lt;/script&gt;" in html
    assert "javascript:alert('manysides-xss-url')" not in html  # unsafe URL dropped
    assert 'href="javascript' not in html
    assert "LONGLINE" in html


def test_schemathesis_api_fuzz(db_url: str) -> None:
    """Generated requests (bounded) against /openapi.json: no 5xx, responses match the schema."""
    app = create_app(db_url, allowed_hosts=("testserver",))  # the name schemathesis sends
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}",
                 "/api/search"):
        operation = schema[path]["GET"]

        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.call_and_validate()

        check()


# -- headless Chromium -----------------------------------------------------------------------

def _need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is absent (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " (CI=true: not allowed to skip)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(db_url: str) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db_url), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    _need_chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _page(browser, **kwargs):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **kwargs)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1)"), lambda route: route.abort())
    return context, context.new_page()


def test_browser_story_flow(browser, server_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = _page(browser)
    external: list[str] = []
    page.on("request", lambda r: external.append(r.url)
            if not r.url.startswith(server_url) else None)
    page.goto(server_url + "/")
    page.screenshot(path=str(ARTIFACTS / "story-list.png"), full_page=True)
    page.click("text=Avarian defence minister visits Kessel")
    page.wait_for_selector("#summary")
    assert page.locator("table.matrix tbody tr").count() == 6
    assert page.locator("#quote-table tbody tr").count() == 1
    assert page.locator(".summary li").count() >= 3
    page.locator(".summary .cite").first.click()
    popover = page.locator(".popover")
    popover.wait_for()
    assert "Harbor Times" in popover.inner_text() or "Ledger" in popover.inner_text() \
        or "Gazette" in popover.inner_text()
    page.screenshot(path=str(ARTIFACTS / "story-page.png"), full_page=False)
    page.locator(".popover a").click()
    assert re.search(r"#a-\w+-s\d+$", page.url)
    # the quote filter (JS) hides rows that do not match
    page.fill(".q-filter", "no such speaker")
    assert page.locator("#quote-table tbody tr:visible").count() == 0
    page.screenshot(path=str(ARTIFACTS / "story-page-full.png"), full_page=True)
    assert not external, external
    context.close()


def test_browser_without_javascript(browser, server_url: str) -> None:
    context, page = _page(browser, java_script_enabled=False)
    page.goto(server_url + "/stories/st0ry0001")
    assert page.locator("#quote-table tbody tr").count() == 1
    href = page.locator(".summary .cite").first.get_attribute("href")
    page.locator(".summary .cite").first.click()
    assert page.url.endswith(href)
    assert page.locator(href).is_visible()
    context.close()


def test_browser_hostile_article_runs_nothing(browser, server_url: str) -> None:
    context, page = _page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server_url + "/stories/hostile-story")
    page.wait_for_selector("#reading")
    page.mouse.move(400, 400)
    for el in page.locator("#reading .text span").all()[:20]:
        el.hover()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.title() != "pwned"
    assert "<script>alert('manysides-xss-1')</script>" in page.locator("#reading").inner_text()
    assert page.locator("#reading script, #reading img, #reading svg, #reading iframe").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hostile.png"))
    context.close()


def test_browser_on_the_seeds(browser, seed_db: str) -> None:  # noqa: F811
    """The real pipeline's story of the seeds, in the browser: list, story, matrix, citation."""
    story, articles = seed_story(seed_db)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(seed_db), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        context, page = _page(browser)
        page.goto(f"http://127.0.0.1:{port}/")
        for outlet in ("Global Times", "Breitbart", "South China Morning Post"):
            assert page.locator(".story-item .badge", has_text=outlet).count() == 1
        page.locator(".story-title").first.click()
        page.wait_for_selector("#summary")
        assert page.url.endswith(f"/stories/{story.id}")
        assert page.locator(".summary li").count() == len(story.summary)
        assert page.locator("table.matrix tbody tr").count() == len(story.claims)
        # why Breitbart's copy of Global Times' words adds no witness, beside the status
        assert page.locator("#matrix .witness-note", has_text="run the same words").count() >= 1
        quotes = sum(len(a.analysis.quotes) for a in articles if a.analysis)
        assert page.locator("#quote-table tbody tr").count() == quotes > 0
        assert "16 April 2023" in page.locator("#summary").inner_text()
        page.locator(".summary .cite").first.click()
        page.locator(".popover").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "seeds-story.png"))
        page.locator(".popover a").click()
        target = page.url.rsplit("#", 1)[1]
        assert page.locator(f"#{target}").is_visible()
        page.screenshot(path=str(ARTIFACTS / "seeds-citation-target.png"))
        context.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_browser_api_docs_render_offline(browser, server_url: str) -> None:
    context, page = _page(browser)
    external: list[str] = []
    page.on("requestfailed", lambda r: external.append(r.url))
    page.goto(server_url + "/docs")
    page.locator(".opblock").first.wait_for(timeout=20000)
    assert page.locator(".opblock").count() == 4
    assert not external, external
    context.close()
