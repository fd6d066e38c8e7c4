"""The bundled sample corpus: three fictional stories told by four fictional outlets.

See ``README`` beside this file for the stories, the outlets and what differs between them (it
has no ``.md`` suffix on purpose: ingesting this folder must not take it for an article).
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent
ARTICLES_DIR = SAMPLE_DIR / "articles"
JSONL_FILE = SAMPLE_DIR / "jsonl" / "sarnow-summit.jsonl"
FEED_FILE = SAMPLE_DIR / "feeds" / "caldera-post.xml"

# Which story each sample input belongs to (the demo's answer key, used by tests).
STORIES: dict[str, str] = {
    "orven-dam": "The Orven Dam breach, Kessel province, 12-13 March 2024",
    "sarnow-summit": "Marant and Vasko sign the Northern Reach deal in Sarnow, 19-20 May 2024",
    "tessel-pipeline": "Northern Reach opens at Tessel; march in Port Caldera, 15-16 November 2024",
}


def sample_inputs() -> list[Path]:
    """The sample's article inputs (text and HTML files, then the JSONL file), without the feed.

    Ingesting these gives the twelve sample articles once each.
    """
    files = sorted(p for p in ARTICLES_DIR.iterdir() if p.suffix in (".txt", ".html"))
    return [*files, JSONL_FILE]


def story_of(source: str, title: str | None = None) -> str | None:
    """The sample story key ("orven-dam", ...) an input path belongs to, or ``None``.

    JSONL lines all come from the Sarnow summit file; other files are named ``<story>_<outlet>``.
    """
    name = Path(source.split("#", 1)[0]).name
    for key in STORIES:
        if name.startswith(key):
            return key
    return None
