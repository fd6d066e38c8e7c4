"""Ingest: every input kind, metadata, idempotence, near-duplicates, and bad input that never
stops a batch.  Real inputs: the seeds, the bundled sample corpus, an eval HTML page; a local
HTTP server on 127.0.0.1 for URLs and feeds."""

from __future__ import annotations

import http.server
import json
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from manysides.cli import main
from manysides.errors import InputError
from manysides.ingest import article_id, ingest, read_inputs, store_articles
from manysides.ingest.fetch import Fetcher
from manysides.ingest.sources import decode_bytes, load_manifest
from manysides.models import Article, Failure
from manysides.settings import Settings
from manysides.store import Store

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "src" / "manysides" / "sample"
FAST = Settings(host_delay_s=0.0, http_retries=1, http_timeout_s=5.0)

ARTICLE_HTML = """<!doctype html><html lang="en"><head><title>Harbour reopens | Test Gazette</title>
<meta property="og:title" content="Harbour reopens after storm repairs">
<meta property="og:site_name" content="Test Gazette">
<meta property="article:published_time" content="2024-02-03T10:00:00+00:00">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article>
<h1>Harbour reopens after storm repairs</h1>
<p>The harbour of Port Alden reopened on Saturday after three weeks of repairs to the storm
wall, the port authority said in a statement.</p>
<p>Fishing boats returned to the inner basin in the morning, and the ferry to the islands will
resume its winter timetable on Monday, the authority said.</p>
<p>Repairs cost about 2 million crowns, paid for by the regional government and the port's own
reserves, according to the statement.</p>
<p>Local fishermen said the closure had cost them most of the January catch.</p>
</article><footer>Copyright Test Gazette</footer></body></html>"""


def _plain(num: int) -> str:
    return (f"Council approves budget number {num} for the coming year\n"
            f"The town council approved budget plan {num} on Tuesday after a long debate, "
            "the mayor said.\n"
            "Opposition members said the plan cut too deeply into school spending and voted "
            f"against it, with {num + 3} abstentions recorded.\n")


# -- a local HTTP server ----------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}
    agents: list[str] = []

    def log_message(self, *args: object) -> None:  # keep test output quiet
        return

    def _send(self, status: int, body: str, ctype: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = self.path
        self.hits[path] = self.hits.get(path, 0) + 1
        self.agents.append(self.headers.get("User-Agent", ""))
        if path == "/page.html":
            self._send(200, ARTICLE_HTML, "text/html; charset=utf-8")
        elif path == "/text":
            self._send(200, _plain(7), "text/plain; charset=utf-8")
        elif path == "/flaky":
            if self.hits[path] == 1:
                self._send(500, "oops", "text/plain")
            else:
                self._send(200, _plain(8), "text/plain; charset=utf-8")
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, _plain(9), "text/plain")
        elif path == "/feed.xml":
            self._send(200, _rss([("Harbour reopens", "/page.html"), ("Gone", "/missing")],
                                 title="Test Gazette - Local"), "application/rss+xml")
        else:
            self._send(404, "not found", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _rss(items: list[tuple[str, str]], *, title: str = "Test Feed",
         date: str = "Sat, 03 Feb 2024 10:00:00 +0100") -> str:
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{date}</pubDate></item>"
        for t, link in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://gazette.example/</link>{entries}</channel></rss>")


# -- the seeds ----------------------------------------------------------------------------------


def test_seeds_ingest_with_metadata(seeds_dir: Path, fresh_store: Store) -> None:
    report = ingest([str(seeds_dir)], fresh_store, settings=FAST)
    assert len(report.new) == 5 and not report.failed and not report.duplicates
    arts = {Path(a.source).name[:3]: a for a in fresh_store.iter_articles(with_raw=True)}
    assert {k: a.outlet for k, a in arts.items()} == {
        "000": "Global Times", "001": "Global Times", "002": "South China Morning Post",
        "003": "Global Times", "004": "Breitbart"}
    assert arts["001"].published == "2023-04-17T21:43:00+08:00"
    assert arts["001"].updated == "2023-04-17T23:08:00+08:00"
    assert arts["003"].published == "2023-04-19T00:10:00+08:00"
    assert arts["003"].title == ("Chinese, Russian defense ministers hold meeting in Moscow, "
                                 "emphasizing military cooperation, respective core interests")
    assert arts["002"].title == ("Russia and China show solidarity as Chinese defence minister "
                                 "Li Shangfu heads to Moscow")
    assert arts["004"].title == "Putin Welcomes China’s Defense Minister to Moscow"
    assert arts["000"].title == ("Trip to deepen bilateral military ties, promote global peace: "
                                 "expert")
    assert arts["001"].section == "CHINA / DIPLOMACY"
    for art in arts.values():
        assert re.fullmatch(r"[0-9a-f]{16}", art.id) and art.id == article_id(art.text)
        assert art.ingested_at and art.language == "en" and art.raw_text
    assert ("credit", "Additional reporting by Associated Press") in [
        (r.reason, r.line) for r in arts["002"].removed]


def test_reingest_is_idempotent(seeds_dir: Path, fresh_store: Store) -> None:
    first = ingest([str(seeds_dir)], fresh_store, settings=FAST)
    again = ingest([str(seeds_dir)], fresh_store, settings=FAST)
    assert again.new == [] and sorted(again.existing) == sorted(first.new)
    assert fresh_store.count_articles() == 5


def test_near_duplicates_are_linked_not_stored_as_new(
    seed_paths: dict[str, Path], tmp_path: Path, fresh_store: Store
) -> None:
    ingest([str(seed_paths["000"]), str(seed_paths["002"]), str(seed_paths["003"])],
           fresh_store, settings=FAST)
    originals = {Path(a.source).name[:3]: a.id for a in fresh_store.iter_articles()}
    # Same article, other furniture: extra promo lines the cleaner keeps (sentence-like).
    lines = seed_paths["002"].read_text(encoding="utf-8").splitlines()
    lines.insert(12, "Sign up now for our free China briefing, sent to your inbox every day.")
    lines.insert(30, "Follow our coverage of the war in Ukraine on our live page, updated daily.")
    (tmp_path / "scmp-copy.txt").write_text("\n".join(lines), encoding="utf-8")
    # A syndicated copy: another header, the last paragraphs cut.
    body = seed_paths["000"].read_text(encoding="utf-8").splitlines()[1:-3]
    (tmp_path / "syndicated.txt").write_text(
        "WORLD NEWS\nChinese defense minister to visit Russia\n" + "\n".join(body),
        encoding="utf-8")
    report = ingest([str(tmp_path / "scmp-copy.txt"), str(tmp_path / "syndicated.txt")],
                    fresh_store, settings=FAST)
    assert report.new == [] and not report.failed
    pairs = dict(report.duplicates)
    assert sorted(pairs.values()) == sorted([originals["002"], originals["000"]])
    for dup_id, original in pairs.items():
        assert fresh_store.get_article(dup_id).duplicate_of == original
    assert fresh_store.count_articles() == 5
    # A third copy links to the root original, not to a copy.
    (tmp_path / "again.txt").write_text("\n".join(lines) + "\nOne more line of text here.",
                                        encoding="utf-8")
    third = ingest([str(tmp_path / "again.txt")], fresh_store, settings=FAST)
    assert [orig for _, orig in third.duplicates] == [originals["002"]]


# -- bad input ----------------------------------------------------------------------------------


def test_bad_inputs_fail_one_by_one_and_the_batch_goes_on(
    seed_paths: dict[str, Path], tmp_path: Path, fresh_store: Store
) -> None:
    (tmp_path / "empty-dir").mkdir()
    (tmp_path / "no-articles").mkdir()
    (tmp_path / "no-articles" / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text("  \n\n \n")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(300))
    (tmp_path / "garbage.txt").write_bytes(bytes(range(128, 256)) * 8)
    (tmp_path / "big.txt").write_text(_plain(1) * 200)
    (tmp_path / "nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    legacy = ("Café owners protest new tax on terraces in the old town\n"
              "The café owners said the “terrace tax” of 300 € a year was unfair, "
              "and that they would go to court if the council did not withdraw it.\n")
    (tmp_path / "legacy.txt").write_bytes(legacy.encode("cp1252"))
    good = {"title": "Ferry strike ends", "outlet": "SCMP", "published": "2024-02-01",
            "url": "https://www.scmp.com/news/ferry", "text": _plain(3)}
    (tmp_path / "batch.jsonl").write_text("\n".join([
        json.dumps(good), "{not json", json.dumps({"title": "no text"}), "",
        json.dumps({**good, "text": _plain(4)}),
    ]), encoding="utf-8")
    settings = Settings(max_file_bytes=6000, host_delay_s=0.0)
    inputs = [str(tmp_path / "missing.txt"), str(tmp_path / "empty-dir"),
              str(tmp_path / "no-articles"), str(tmp_path / "empty.txt"),
              str(tmp_path / "blank.txt"), str(tmp_path / "image.txt"),
              str(tmp_path / "garbage.txt"), str(tmp_path / "big.txt"),
              str(tmp_path / "nav.html"), str(tmp_path / "legacy.txt"),
              str(tmp_path / "batch.jsonl"), str(seed_paths["000"])]
    report = ingest(inputs, fresh_store, settings=settings)
    reasons = {Path(f.input).name: f.reason for f in report.failed}
    assert reasons["missing.txt"] == "no such file or directory"
    assert "no article files" in reasons["empty-dir"] and "no article files" in reasons[
        "no-articles"]
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.txt"].startswith("empty file")
    assert reasons["image.txt"].startswith("binary file")
    assert "not valid UTF-8" in reasons["garbage.txt"]
    assert "over the limit of 6000" in reasons["big.txt"]
    assert "no article" in reasons["nav.html"]
    assert reasons["batch.jsonl:2"].startswith("line 2: invalid JSON")
    assert reasons["batch.jsonl:3"] == "line 3: no 'text' field (a non-empty string)"
    assert len(report.failed) == 11
    # The good inputs all went in, and each failure was recorded in the store.
    assert len(report.new) == 4 and fresh_store.count_articles() == 4
    assert len(fresh_store.failures()) == 11
    arts = {a.source.rsplit("/", 1)[-1]: a for a in fresh_store.iter_articles()}
    assert "“terrace tax” of 300 €" in arts["legacy.txt"].text
    line1 = arts["batch.jsonl:1"]
    assert (line1.title, line1.outlet, line1.published, line1.url) == (
        "Ferry strike ends", "South China Morning Post", "2024-02-01",
        "https://www.scmp.com/news/ferry")


def test_decode_prefers_utf8_then_confident_legacy() -> None:
    assert decode_bytes("naïve “quotes”".encode()) == ("naïve “quotes”", "utf-8")
    assert decode_bytes("\ufeffBOM text".encode()) == ("BOM text", "utf-8")
    text, enc = decode_bytes(("Le ministre a déclaré que la réunion était très importante "
                              "pour la coopération.").encode("latin-1"))
    assert enc == "cp1252" and "réunion était très" in text
    with pytest.raises(Exception, match="binary"):
        decode_bytes(b"abc\x00def")


# -- JSONL, manifest, feeds -----------------------------------------------------------------------


def test_manifest_overrides_csv_and_json(seed_paths: dict[str, Path], tmp_path: Path,
                                         fresh_store: Store) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_text(seed_paths["004"].read_text(encoding="utf-8"), encoding="utf-8")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path_or_url,outlet,url,published,title\n"
                        "copy.txt,Breitbart News,https://www.breitbart.com/x,2023-04-16,"
                        "Overridden title\n", encoding="utf-8")
    report = ingest([str(copy)], fresh_store, settings=FAST, manifest=str(manifest))
    art = fresh_store.get_article(report.new[0])
    assert (art.outlet, art.url, art.published, art.title) == (
        "Breitbart", "https://www.breitbart.com/x", "2023-04-16", "Overridden title")

    other = Store.memory()
    as_json = tmp_path / "manifest.json"
    as_json.write_text(json.dumps({str(copy): {"published": "Apr 16, 2023 10:00 AM"}}))
    report = ingest([str(copy)], other, settings=FAST, manifest=str(as_json))
    assert other.get_article(report.new[0]).published == "2023-04-16T10:00:00"
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    report = ingest([str(copy)], Store.memory(), settings=FAST, manifest=str(bad))
    assert report.failed[0].input == str(bad) and "not valid JSON" in report.failed[0].reason
    assert len(report.new) == 1  # the inputs still go in


def test_manifest_is_parsed_once_per_version(tmp_path: Path) -> None:
    # A worker reads a batch in many small chunks; each chunk must not parse the manifest again,
    # but an edited manifest must be read anew.
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path_or_url,outlet\na.txt,Breitbart News\n", encoding="utf-8")
    first = load_manifest(str(manifest))
    assert load_manifest(str(manifest)) is first
    assert first[str((tmp_path / "a.txt").resolve())].outlet == "Breitbart News"
    with pytest.raises(TypeError):
        first["x"] = first[str((tmp_path / "a.txt").resolve())]  # type: ignore[index]
    manifest.write_text("path_or_url,outlet\na.txt,South China Morning Post\n",
                        encoding="utf-8")
    assert load_manifest(str(manifest))[str((tmp_path / "a.txt").resolve())].outlet == (
        "South China Morning Post")
    manifest.unlink()
    with pytest.raises(InputError, match="manifest cannot be read"):
        load_manifest(str(manifest))


def test_feed_file_with_relative_file_url_and_missing_links(tmp_path: Path,
                                                            fresh_store: Store) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(_plain(1), encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(_plain(2), encoding="utf-8")
    feed = tmp_path / "feeds" / "feed.xml"
    feed.parent.mkdir()
    feed.write_text(_rss([("Item A", "../articles/a.txt"), ("Item B", b.as_uri()),
                          ("Item C", "../articles/missing.txt")], title="The Guardian - World"))
    report = ingest([str(feed)], fresh_store, settings=FAST)
    assert len(report.new) == 2
    assert len(report.failed) == 1 and "link not found" in report.failed[0].reason
    arts = sorted(fresh_store.iter_articles(), key=lambda a: a.title)
    assert [a.title for a in arts] == ["Item A", "Item B"]
    assert {a.outlet for a in arts} == {"The Guardian"}  # feed title, its section cut off
    assert {a.published for a in arts} == {"2024-02-03T10:00:00+01:00"}


def test_sample_corpus_feed_and_folder(fresh_store: Store) -> None:
    feed_report = ingest([str(SAMPLE / "feeds" / "caldera-post.xml")], fresh_store, settings=FAST)
    assert len(feed_report.new) == 3 and not feed_report.failed
    arts = list(fresh_store.iter_articles())
    assert all(a.outlet and "Caldera Post" in a.outlet for a in arts)
    assert all(a.published and a.published[:4] == "2024" for a in arts)
    report = ingest([str(SAMPLE / "articles"), str(SAMPLE / "jsonl")], fresh_store,
                    settings=FAST)
    assert not report.failed
    assert len(report.existing) == 3  # the feed's three files, already stored
    assert len(report.new) == 9 and fresh_store.count_articles() == 12


def test_gzipped_html_page_from_the_eval_set(eval_dir: Path, fresh_store: Store) -> None:
    page = sorted((eval_dir / "extraction" / "html").glob("*.html.gz"))[0]
    report = ingest([str(page)], fresh_store, settings=FAST)
    assert len(report.new) == 1, report.failed
    assert len(fresh_store.get_article(report.new[0]).text.split()) > 50


def test_read_inputs_needs_no_store_and_store_articles_stores(seed_paths: dict[str, Path]) -> None:
    items = list(read_inputs([str(seed_paths["000"]), "/no/such/file"], settings=FAST))
    assert isinstance(items[0], Article) and isinstance(items[1], Failure)
    store = Store.memory()
    report = store_articles(items, store)
    assert report.new == [items[0].id] and report.failed == [items[1]]
    assert store.failures() == [items[1]]


# -- URLs ----------------------------------------------------------------------------------------


def test_urls_pages_errors_retries_and_timeouts(server: str, fresh_store: Store) -> None:
    report = ingest([f"{server}/page.html", f"{server}/text", f"{server}/missing",
                     f"{server}/flaky"], fresh_store, settings=FAST)
    failed = {f.input: f.reason for f in report.failed}
    assert failed == {f"{server}/missing": "HTTP 404 Not Found"}
    assert len(report.new) == 3
    page = next(a for a in fresh_store.iter_articles() if a.source.endswith("/page.html"))
    assert page.url == f"{server}/page.html" and page.title == "Harbour reopens after storm repairs"
    assert "reopened on Saturday" in page.text and "Home" not in page.text.split()
    assert _Handler.hits["/flaky"] == 2  # 500 then 200
    assert all(agent.startswith("manysides/") for agent in _Handler.agents)

    slow = Settings(http_timeout_s=0.3, http_retries=0, host_delay_s=0.0)
    report = ingest([f"{server}/slow"], fresh_store, settings=slow)
    assert report.failed[0].reason == "timed out after 0.3 s"


def test_feed_url_fetches_each_item(server: str, fresh_store: Store) -> None:
    report = ingest([f"{server}/feed.xml"], fresh_store, settings=FAST)
    assert len(report.new) == 1
    assert report.failed[0].input == f"{server}/missing"
    art = fresh_store.get_article(report.new[0])
    assert art.title == "Harbour reopens" and art.outlet == "Test Gazette"
    assert art.published == "2024-02-03T10:00:00+01:00"


def test_politeness_delay_between_requests_to_one_host(server: str) -> None:
    with Fetcher(Settings(host_delay_s=0.3)) as fetcher:
        start = time.monotonic()
        fetcher.get(f"{server}/text")
        fetcher.get(f"{server}/text")
        assert time.monotonic() - start >= 0.3


# -- CLI -----------------------------------------------------------------------------------------


def test_cli_ingest_summary_and_exit_codes(seeds_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    ok = runner.invoke(main, ["ingest", str(seeds_dir), "--db", db])
    assert ok.exit_code == 0, ok.output
    assert "ingested 5, duplicates 0, already stored 0, failed 0" in ok.output
    again = runner.invoke(main, ["ingest", str(seeds_dir), "--db", db])
    assert again.exit_code == 0 and "already stored 5" in again.output
    missing = runner.invoke(main, ["ingest", str(tmp_path / "nope.txt"), "--db", db])
    assert missing.exit_code == 1
    assert "nope.txt: no such file or directory" in missing.output
    too_big = runner.invoke(main, ["ingest", str(seeds_dir), "--db", db, "--max-bytes", "100"])
    assert too_big.exit_code == 1 and "over the limit of 100" in too_big.output
    assert runner.invoke(main, ["ingest", "--db", db]).exit_code == 2
    assert runner.invoke(main, ["ingest", str(seeds_dir), "--max-bytes", "x"]).exit_code == 2


def test_atom_feed_items(tmp_path: Path, fresh_store: Store) -> None:
    (tmp_path / "a.txt").write_text(_plain(11), encoding="utf-8")
    (tmp_path / "feed.atom").write_text(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Reuters</title><id>urn:x</id><updated>2024-02-03T10:00:00Z</updated>"
        '<entry><title>Budget approved</title><link href="a.txt"/><id>urn:a</id>'
        "<updated>2024-02-03T09:30:00Z</updated></entry></feed>", encoding="utf-8")
    report = ingest([str(tmp_path / "feed.atom")], fresh_store, settings=FAST)
    art = fresh_store.get_article(report.new[0])
    assert (art.title, art.outlet, art.published) == (
        "Budget approved", "Reuters", "2024-02-03T09:30:00+00:00")


def test_broken_feed_and_xml_that_is_not_a_feed(tmp_path: Path, fresh_store: Store) -> None:
    (tmp_path / "broken.xml").write_text("<rss><channel><item><title>x</title>", encoding="utf-8")
    (tmp_path / "data.xml").write_text("<config><a>1</a></config>", encoding="utf-8")
    report = ingest([str(tmp_path / "broken.xml"), str(tmp_path / "data.xml")], fresh_store,
                    settings=FAST)
    reasons = {Path(f.input).name: f.reason for f in report.failed}
    # feedparser recovers the truncated feed's item, which has neither link nor content
    assert reasons == {"broken.xml#x": "feed item has no link and no content",
                       "data.xml": "not a valid RSS/Atom feed"}
    assert fresh_store.count_articles() == 0


def test_near_duplicates_within_one_batch_are_linked(
    seed_paths: dict[str, Path], tmp_path: Path, fresh_store: Store
) -> None:
    """A syndicated copy ingested in the same call (same store batch) as its original."""
    original = seed_paths["002"].read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(
        original + "\nThis report was distributed to partner newspapers by our syndication desk.\n",
        encoding="utf-8",
    )
    report = ingest([str(seed_paths["002"]), str(copy)], fresh_store, settings=Settings())
    assert len(report.new) == 1 and len(report.duplicates) == 1
    assert report.duplicates[0][1] == report.new[0]
