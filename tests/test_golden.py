"""Golden files: ``manysides analyze --json`` on the seeds and on the sample corpus, byte for byte.

The JSON is normalised before it is compared: each ``source`` path is made relative to the
folder analysed (the only value that depends on where the run happens; the document holds no
timestamp or duration).  The seeds are others' copyrighted text, so in their golden file every
text-bearing string (article text, titles, removed lines, quote/claim/summary/timeline text, any
string longer than ``SNIPPET_CHARS``) is replaced by a short digest; the structure, ids, numbers
and short names stay visible.  The sample corpus is our own text and is stored in full.

An intended change of the analysis output is recorded by regenerating the files::

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py

and the diff of ``tests/golden/*.json`` is reviewed and committed with the change.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import SAMPLE
from manysides.cli import main

GOLDEN = Path(__file__).resolve().parent / "golden"
TEXT_KEYS = frozenset({"text", "title", "line"})
SNIPPET_CHARS = 60


def _digest(value: str) -> str:
    return f"<sha256:{hashlib.sha256(value.encode('utf-8')).hexdigest()[:12]} len={len(value)}>"


def _redact(value: Any, key: str = "") -> Any:
    """``value`` with every text-bearing string replaced by its digest (seed text is not ours)."""
    if isinstance(value, dict):
        return {k: _redact(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, key) for v in value]
    if isinstance(value, str) and (key in TEXT_KEYS or len(value) > SNIPPET_CHARS):
        return _digest(value)
    return value


def _relative_sources(doc: dict[str, Any], root: Path) -> dict[str, Any]:
    prefix = str(root) + os.sep
    for article in doc["articles"]:
        article["source"] = article["source"].removeprefix(prefix)
    for failure in doc["failed"]:
        failure["input"] = failure["input"].removeprefix(prefix)
    return doc


def _analyze_json(root: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["analyze", str(root), "--json", str(out)])
    assert result.exit_code == 0, result.output
    return _relative_sources(json.loads(out.read_text(encoding="utf-8")), root)


def _check(name: str, doc: dict[str, Any]) -> None:
    path = GOLDEN / f"{name}.json"
    text = json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 pytest {__file__}"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = difflib.unified_diff(expected.splitlines(), text.splitlines(), "golden", "now",
                                    n=1, lineterm="")
        pytest.fail(f"analysis JSON differs from {path}:\n" + "\n".join(list(diff)[:40])
                    + "\nIf the change is intended: UPDATE_GOLDEN=1 pytest tests/test_golden.py")


def test_sample_corpus_analysis_is_unchanged(tmp_path: Path) -> None:
    _check("sample", _analyze_json(SAMPLE, tmp_path))


def test_seeds_analysis_is_unchanged(seeds_dir: Path, tmp_path: Path) -> None:
    _check("seeds", _redact(_analyze_json(seeds_dir.resolve(), tmp_path)))


def test_redaction_leaves_no_long_text() -> None:
    doc = {"text": "short", "name": "Li Shangfu", "quotes": [{"text": "x" * 10}],
           "descriptor": "y" * (SNIPPET_CHARS + 1)}
    redacted = _redact(doc)
    assert redacted["name"] == "Li Shangfu"
    assert redacted["text"].startswith("<sha256:") and redacted["quotes"][0]["text"] != "x" * 10
    assert redacted["descriptor"].startswith("<sha256:")


def test_the_seeds_golden_file_holds_no_seed_text(seeds_dir: Path) -> None:
    """No run of twelve words of any seed article is stored in the golden file (digests and
    names or descriptors of at most SNIPPET_CHARS only), however it was regenerated."""
    golden = " ".join((GOLDEN / "seeds.json").read_text(encoding="utf-8").split())
    for seed in sorted(seeds_dir.glob("*.txt")):
        words = seed.read_text(encoding="utf-8").split()
        runs = {" ".join(words[i:i + 12]) for i in range(0, max(0, len(words) - 11))}
        leaked = [run for run in runs if run in golden]
        assert not leaked, f"{seed.name}: seed text in tests/golden/seeds.json: {leaked[:2]}"
