"""A library error reaches a command-line user as one line on stderr naming the problem, with
exit status 2 (usage, configuration) or 1 (a failed operation): never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from conftest import SAMPLE
from manysides.cli import main
from manysides.errors import ConfigError, InputError, ManysidesError, ModelError, StoreError
from manysides.store import Store

ONE_ARTICLE = SAMPLE / "articles" / "orven-dam_caldera-post.txt"


def _one_error_line(result: Result) -> str:
    """The single line the command wrote to stderr (asserting there is exactly one)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    return lines[0]


def test_a_database_in_a_missing_folder_is_one_line() -> None:
    result = CliRunner().invoke(main, ["articles", "--db", "sqlite:////nonexistent-dir/x.db"])
    line = _one_error_line(result)
    assert result.exit_code == 1
    assert line.startswith("Error: cannot open the database sqlite:////nonexistent-dir/x.db")
    assert "unable to open database file" in line


def test_an_unknown_article_id_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["show", "NOTANID", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert _one_error_line(result) == "Error: no article with id 'NOTANID'"


def test_a_corrupt_sqlite_file_is_one_line(tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    for command in (["articles"], ["stories"], ["show", "abc"]):
        result = CliRunner().invoke(main, [*command, "--db", str(corrupt)])
        line = _one_error_line(result)
        assert result.exit_code == 1
        assert str(corrupt) in line and "file is not a database" in line


def test_a_missing_model_is_one_line_with_status_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANYSIDES_SPACY_MODEL", "no_such_spacy_model")
    result = CliRunner().invoke(main, ["analyze", str(ONE_ARTICLE)])
    line = _one_error_line(result)
    assert result.exit_code == 2
    assert "spaCy pipeline 'no_such_spacy_model' not found" in line
    assert "MANYSIDES_SPACY_MODEL" in line


def test_exit_codes_follow_the_error_tree() -> None:
    assert ManysidesError.exit_code == InputError.exit_code == StoreError.exit_code == 1
    assert ConfigError.exit_code == ModelError.exit_code == 2
    assert StoreError("a\n  b").one_line() == "a b"


def test_store_is_a_context_manager_closed_even_on_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[Store] = []
    monkeypatch.setattr(Store, "close", lambda self: closed.append(self))
    with pytest.raises(KeyError), Store(str(tmp_path / "x.db")) as store:
        assert store.count_articles() == 0
        raise KeyError("boom")
    assert closed == [store]


def test_every_cli_command_closes_its_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Store] = []
    closed: list[Store] = []
    real_init, real_close = Store.__init__, Store.close
    monkeypatch.setattr(Store, "__init__",
                        lambda self, *a, **k: (opened.append(self), real_init(self, *a, **k))[1])
    monkeypatch.setattr(Store, "close", lambda self: (closed.append(self), real_close(self))[1])
    db = str(tmp_path / "x.db")
    for command in (["articles"], ["stories"], ["show", "nope"], ["story", "nope"],
                    ["report", "nope"], ["recluster", "--no-compare"]):
        CliRunner().invoke(main, [*command, "--db", db])
    assert opened and all(any(c is s for c in closed) for s in opened)
