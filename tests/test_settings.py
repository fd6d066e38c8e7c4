"""Settings in one place: ``Settings`` is the only code that reads the environment."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from manysides.settings import ENVIRONMENT, Settings

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "manysides"
READS_ENV = re.compile(r"os\.environ\.get|os\.getenv|os\.environ\[[^\]]+\](?!\s*=)")


def test_only_settings_reads_the_environment() -> None:
    readers = [f"{p.relative_to(PACKAGE)}:{n}" for p in PACKAGE.rglob("*.py")
               if p.name != "settings.py"
               for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
               if READS_ENV.search(line)]
    assert not readers, f"read the environment outside Settings: {readers}"


def test_every_manysides_variable_in_the_code_is_a_setting() -> None:
    named = {m for p in PACKAGE.rglob("*.py")
             for m in re.findall(r"MANYSIDES_[A-Z_]+", p.read_text(encoding="utf-8"))}
    named -= {"MANYSIDES_LLM_"}  # the prefix, in prose
    assert named <= set(ENVIRONMENT), sorted(named - set(ENVIRONMENT))
    assert set(ENVIRONMENT.values()) <= {f.name for f in fields(Settings)}


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("MANYSIDES_DB", "sqlite:///x.db", "sqlite:///x.db"),
    ("MANYSIDES_WORKERS", "3", 3),
    ("MANYSIDES_ORT_THREADS", " 2 ", 2),
    ("MANYSIDES_LLM_URL", "http://127.0.0.1:1/v1", "http://127.0.0.1:1/v1"),
])
def test_a_variable_sets_its_field(monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
                                   expected: object) -> None:
    monkeypatch.setenv(variable, value)
    assert getattr(Settings(), ENVIRONMENT[variable]) == expected


def test_unset_or_blank_variables_give_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ENVIRONMENT:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("MANYSIDES_WORKERS", "")
    settings = Settings()
    assert settings.db_url == "sqlite:///manysides.db" and settings.workers == 0
    assert settings.llm_url == "" and "llm_key" not in repr(settings)
