"""The Batch API request line is the live call's body; its answer becomes the live digest."""

from __future__ import annotations

import json
from typing import Any

import pytest
from standin import ok, run_standin
from test_batch import DRAFT, TEXT

from summarizer.article import Article
from summarizer.config import LLMConfig
from summarizer.errors import GroundingReaskNeeded, InvalidOutputError, RefusalError
from summarizer.pipeline import Summarizer, SummarizerConfig

MODES = ("tools", "json_schema", "json_object_schema", "json", "md_json")
ARTICLE = Article(id="a001", text=TEXT.format(n=1))


def _summarizer(base_url: str, mode: str, **llm: Any) -> Summarizer:
    config = LLMConfig(base_url=base_url, model="standin-model", api_key="test", mode=mode,
                       max_reasks=0, **llm)
    return Summarizer(SummarizerConfig(backend="llm", llm=config))


def _answer(mode: str, content: str = DRAFT) -> Any:
    return ok(content, tool_call=mode == "tools")


@pytest.mark.parametrize("mode", MODES)
def test_request_body_is_what_a_live_call_sends(mode: str) -> None:
    with run_standin([_answer(mode)]) as standin, \
            _summarizer(standin.base_url, mode) as summarizer:
        body = summarizer.request_body(ARTICLE)
        summarizer.summarize(ARTICLE)
        assert standin.calls == 1
        sent = standin.requests[0].json
    assert body == sent
    assert body["max_tokens"] == 2048 and body["model"] == "standin-model"


@pytest.mark.parametrize("mode", MODES)
def test_a_completion_becomes_the_live_digest(mode: str) -> None:
    with run_standin([_answer(mode)]) as standin, \
            _summarizer(standin.base_url, mode) as summarizer:
        live = summarizer.summarize(ARTICLE)
        completion = _completion(summarizer.request_body(ARTICLE), mode)
        batched = summarizer.digest_from_completion(ARTICLE, completion, via="batch_api",
                                                    batch_id="batch_1")
    assert batched.provenance.via == "batch_api" and batched.provenance.batch_id == "batch_1"
    assert batched.provenance.usage.total_tokens == 15
    ignore = {"created_at", "duration_ms", "via", "batch_id"}
    assert _without(batched.model_dump(), ignore) == _without(live.model_dump(), ignore)


def _completion(body: dict[str, Any], mode: str, content: str = DRAFT) -> dict[str, Any]:
    from standin import completion

    return completion(_answer(mode, content), body, 1)


def _without(digest: dict[str, Any], keys: set[str]) -> dict[str, Any]:
    prov = {k: v for k, v in digest["provenance"].items() if k not in keys}
    return {**digest, "provenance": prov}


def test_invalid_refused_and_ungrounded_answers_raise_what_a_live_call_would() -> None:
    summarizer = _summarizer("http://127.0.0.1:9/v1", "json_object_schema")
    body = summarizer.request_body(ARTICLE)
    with pytest.raises(InvalidOutputError, match="a001"):
        summarizer.digest_from_completion(ARTICLE, _completion(body, "json", "{not json"),
                                          via="batch_api", batch_id="b")
    refusal = _completion(body, "json")
    refusal["choices"][0]["message"].update(content=None, refusal="no")
    with pytest.raises(RefusalError):
        summarizer.digest_from_completion(ARTICLE, refusal, via="batch_api", batch_id="b")
    draft = json.loads(DRAFT)
    draft["parties"][0]["evidence"] = ["Pakistan and India signed a treaty"]
    with pytest.raises(GroundingReaskNeeded) as caught:
        summarizer.digest_from_completion(ARTICLE, _completion(body, "json", json.dumps(draft)),
                                          via="batch_api", batch_id="b")
    assert caught.value.usage is not None and caught.value.usage.total_tokens == 15
    summarizer.close()
