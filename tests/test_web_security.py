"""Web defences (issue 15, item 7): Host allow-list, the same security headers on every route,
only the Swagger files /docs needs, HTML error pages on HTML routes, 404 for malformed ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from manysides.models import Article, Story
from manysides.store import Store
from manysides.web.app import create_app


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('websec') / 'web.db'}"
    store = Store(url)
    store.add_article(Article(id="ab12cd34ef560001", source="a.txt", title="Rates rise",
                              text="Rates rose on Monday, the bank said.",
                              story_id="5t0ry00000000001"))
    store.save_story(Story(id="5t0ry00000000001", title="Rates rise",
                           articles=["ab12cd34ef560001"], outlets=[]))
    store.close()
    return url


@pytest.fixture(scope="module")
def client(db_url: str) -> TestClient:
    return TestClient(create_app(db_url), base_url="http://127.0.0.1:8000")


@pytest.mark.parametrize("host", ["evil.example", "rebind.attacker.test:8000", "127.0.0.1.nip.io"])
def test_foreign_host_header_is_refused(client: TestClient, host: str) -> None:
    for path in ("/", "/api/stories", "/api/articles/ab12cd34ef560001", "/docs"):
        r = client.get(path, headers={"Host": host})
        assert r.status_code == 400, (path, host)
        assert "Rates" not in r.text


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"])
def test_loopback_hosts_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/stories", headers={"Host": host}).status_code == 200


def test_allowed_hosts_setting_for_a_server(db_url: str) -> None:
    app = create_app(db_url, allowed_hosts=("news.example.lan",))
    c = TestClient(app, base_url="http://news.example.lan")
    assert c.get("/api/stories").status_code == 200
    assert c.get("/api/stories", headers={"Host": "other.lan"}).status_code == 400


@pytest.mark.parametrize("path", ["/", "/docs", "/openapi.json", "/api/stories", "/nope",
                                  "/api/articles/zzzz", "/swagger/swagger-ui.css",
                                  "/static/style.css", "/stories/5t0ry00000000001"])
def test_every_route_has_the_security_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"


def test_docs_page_has_no_inline_script_and_only_needed_swagger_files(client: TestClient) -> None:
    docs = client.get("/docs").text
    assert "<script>" not in docs  # inline scripts would need 'unsafe-inline'
    assert "petstore" not in docs
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert client.get(f"/swagger/{name}").status_code == 200
    for name in ("index.html", "swagger-initializer.js", "oauth2-redirect.html",
                 "swagger-ui.js.map", "../../../../etc/passwd", "%2e%2e%2fapp.py"):
        assert client.get(f"/swagger/{name}").status_code == 404, name


@pytest.mark.parametrize("bad", ["abcd\U0010ffff", "\U0010ffff\U0010ffff\U0010ffff\U0010ffff",
                                 "abc%00def", "ab'; DROP TABLE articles;--", "x" * 300,
                                 "%ED%A0%80abcd", "abcd%F4%8F%BF%BF"])
def test_malformed_ids_are_404(client: TestClient, bad: str) -> None:
    for route in ("/api/articles/", "/api/stories/", "/stories/", "/articles/"):
        r = client.get(route + bad, follow_redirects=False)
        assert r.status_code == 404, (route, bad, r.status_code)


def test_html_routes_answer_errors_with_html(client: TestClient) -> None:
    for path in ("/stories/nope0000", "/no/such/page", "/?q=" + "x" * 600, "/?page=0"):
        r = client.get(path)
        assert r.status_code in (404, 422), path
        assert r.headers["content-type"].startswith("text/html"), path
        assert "<h1>" in r.text and '{"detail"' not in r.text
    api = client.get("/api/stories/nope0000")
    assert api.status_code == 404 and api.headers["content-type"] == "application/json"
    assert client.get("/api/search", params={"q": "x" * 600}).status_code == 422


def test_served_files_stay_inside_their_folders(client: TestClient) -> None:
    assert client.get("/static/../app.py").status_code == 404
    assert Path(__file__).name not in client.get("/static/").text
