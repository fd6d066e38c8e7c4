"""The JSON contract is written once (``manysides.contract``): the JSON schema and the web API's
pydantic models are checked against what it writes, so neither can drift from the code."""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from manysides import contract
from manysides.models import Article, Story, from_dict
from manysides.web.models import ArticleOut, StoryOut

REPO = Path(__file__).resolve().parent.parent
GOLDEN_SAMPLE = REPO / "tests" / "golden" / "sample.json"
SCHEMA = REPO / "schema" / "analysis.schema.json"


def _model_in(hint: Any) -> type[BaseModel] | None:
    """The pydantic model a field hint holds (``X``, ``list[X]``, ``X | None``), if any."""
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return hint
    if typing.get_origin(hint) in (list, types.UnionType, typing.Union):
        for arg in typing.get_args(hint):
            if (found := _model_in(arg)) is not None:
                return found
    return None


def _differences(model: type[BaseModel], value: Any, where: str) -> list[str]:
    """Where ``value`` (JSON of the contract) and ``model`` do not have the same fields."""
    if isinstance(value, list):
        return [d for i, v in enumerate(value) for d in _differences(model, v, f"{where}[{i}]")]
    if not isinstance(value, dict):
        return []
    fields = model.model_fields
    out = [f"{where}: the contract writes {sorted(set(value) - set(fields))}, "
           f"{model.__name__} declares {sorted(set(fields) - set(value))}"] \
        if set(value) != set(fields) else []
    for name, info in fields.items():
        inner = _model_in(info.annotation)
        if inner is not None and name in value:
            out += _differences(inner, value[name], f"{where}.{name}")
    return out


@pytest.fixture(scope="module")
def sample_document() -> dict[str, Any]:
    """What ``manysides analyze --json`` writes for the sample corpus (the golden file)."""
    return json.loads(GOLDEN_SAMPLE.read_text(encoding="utf-8"))


def test_the_document_follows_the_json_schema(sample_document: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(sample_document)
    assert schema["properties"]["schema_version"]["const"] == contract.SCHEMA_VERSION


def test_api_models_have_exactly_the_contract_fields(sample_document: dict[str, Any]) -> None:
    articles = [{**a, "sentences": [{"index": 0, "start": 0, "end": 1, "text": "x",
                                      "paragraph": 0}]} for a in sample_document["articles"]]
    problems = _differences(ArticleOut, articles, "article")
    problems += _differences(StoryOut, sample_document["stories"], "story")
    assert not problems, "\n".join(problems)


def test_stories_round_trip_through_the_contract(sample_document: dict[str, Any]) -> None:
    stories = [from_dict(Story, s) for s in sample_document["stories"]]
    assert [contract.story_json(s) for s in stories] == sample_document["stories"]


def test_article_json_with_sentences_adds_only_the_sentences() -> None:
    article = Article(id="a1", source="x.txt", text="One. Two.")
    plain = contract.article_json(article)
    full = contract.article_json(article, with_sentences=True)
    assert set(full) - set(plain) == {"sentences"} and full["sentences"] == []
    assert _differences(ArticleOut, full, "article") == []
