"""The schema on the wire, and the request-size budget it serves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer import Article, Summarizer, SummarizerConfig
from summarizer.config import LLMConfig
from summarizer.llm.schema import compact_schema, wire_model
from summarizer.models import DigestDraft

SEED = (Path(__file__).resolve().parent / "fixtures" / "seed-quantum.txt").read_text(
    encoding="utf-8")
BUDGET = 3_000
"""Request bytes besides the article: the prompt, the schema, the JSON around them."""


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _keys(v)}
    return set()


def test_compact_schema_keeps_every_field_and_drops_the_rest() -> None:
    schema = compact_schema(DigestDraft)
    full = DigestDraft.model_json_schema()
    assert set(schema["properties"]) == set(full["properties"])
    instrument = schema["properties"]["instruments"]["items"]["properties"]
    assert {"kind", "title", "status", "parties", "date", "evidence"} == set(instrument)
    target = schema["properties"]["targets"]["items"]["properties"]
    assert "description" in target  # a field called "description" is a field, not a keyword
    assert schema["$defs"]["q"] == {"items": {"type": "string"}, "maxItems": 3, "minItems": 1}
    assert {"default", "maxLength"}.isdisjoint(_keys(schema))
    assert len(json.dumps(schema, separators=(",", ":"))) < len(
        json.dumps(full, separators=(",", ":"))) / 2
    assert wire_model(DigestDraft).model_json_schema() == schema
    assert wire_model(DigestDraft) is wire_model(DigestDraft)  # built once


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json_object_schema"])
def test_request_overhead_stays_within_budget_in_every_mode(mode: str) -> None:
    llm = LLMConfig(base_url="http://127.0.0.1:9/v1", model="m", api_key="k", mode=mode)
    article = Article(text=SEED, title="Pakistan, China sign MoU to expand cooperation in "
                                       "quantum technologies")
    with Summarizer(SummarizerConfig(backend="llm", llm=llm)) as s:
        (request,) = s.preview(article)
    body = request.body
    overhead = request.size - len(SEED.encode())
    assert overhead <= BUDGET, f"{mode}: {overhead} bytes besides the article"
    sent = json.dumps(body)
    assert sent.count('"minItems": 1') == 1  # the quotes rule, i.e. the schema, once
    assert all("properties" not in m["content"] for m in body["messages"])
    assert body["messages"][-1]["content"].endswith("ARTICLE>>>")  # the article comes last


def test_everything_but_the_article_is_byte_identical_across_articles() -> None:
    llm = LLMConfig(base_url="http://127.0.0.1:9/v1", model="m", api_key="k", mode="tools")
    with Summarizer(SummarizerConfig(backend="llm", llm=llm)) as s:
        (first,) = s.preview(Article(text=SEED, title="One"))
        (second,) = s.preview(Article(text="Kenya and Japan signed an MoU.", title="Two"))
    a, b = first.body, second.body
    assert a["messages"][:-1] == b["messages"][:-1]  # the static system message, first
    assert {k: v for k, v in a.items() if k != "messages"} == {
        k: v for k, v in b.items() if k != "messages"}  # tools, tool_choice, limits
