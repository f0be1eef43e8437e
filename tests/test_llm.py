"""Error translation and usage accounting, without a server."""

from __future__ import annotations

from types import SimpleNamespace

import httpx2
import openai
import pytest

from summarizer.errors import (
    ContextLengthError,
    InvalidOutputError,
    ModelError,
    ModelUnavailableError,
    RateLimitError,
    RefusalError,
    TruncatedOutputError,
)
from summarizer.llm.client import _Hooks
from summarizer.llm.events import CallEvent, CallTally, observe_calls
from summarizer.llm.failures import translate_error
from summarizer.models import Usage

REQUEST = httpx2.Request("POST", "http://127.0.0.1:1/v1/chat/completions")


def _status(cls: type[openai.APIStatusError], code: int, body: dict[str, object]) -> Exception:
    response = httpx2.Response(code, json=body, request=REQUEST)
    return cls(str(body), response=response, body=body)


class IncompleteOutputException(Exception):
    """Stands in for instructor's class, matched by name."""


def _wrapped(inner: Exception) -> Exception:
    try:
        try:
            raise inner
        except Exception as exc:
            raise RuntimeError("instructor retry exhausted") from exc
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    ("exc", "expected", "words"),
    [
        (_status(openai.RateLimitError, 429, {"error": {"code": "rate_limit_exceeded"}}),
         RateLimitError, "rate limited"),
        (_status(openai.RateLimitError, 429, {"error": {"code": "insufficient_quota"}}),
         RateLimitError, "quota"),
        (_status(openai.BadRequestError, 400, {"error": {"code": "context_length_exceeded"}}),
         ContextLengthError, "context window"),
        (_status(openai.InternalServerError, 503, {"error": "busy"}),
         ModelUnavailableError, "server error"),
        (openai.APIConnectionError(request=REQUEST), ModelUnavailableError, "--base-url"),
        (openai.APITimeoutError(request=REQUEST), ModelUnavailableError, "timed out"),
        (IncompleteOutputException("cut"), TruncatedOutputError, "finish_reason=length"),
        (ValueError("1 validation error for DigestDraft"), InvalidOutputError, "re-asks"),
    ],
)
def test_failures_become_errors_naming_the_article(
    exc: Exception, expected: type[ModelError], words: str
) -> None:
    error = translate_error(_wrapped(exc), "news.txt [a1]", CallTally())
    assert type(error) is expected
    assert str(error).startswith("news.txt [a1]: ")
    assert words in str(error)


def test_llama_cpp_context_message_is_recognised() -> None:
    exc = _status(openai.BadRequestError, 400,
                  {"error": {"message": "Requested tokens (9000) exceed context window of 8192"}})
    assert isinstance(translate_error(exc, "a", None), ContextLengthError)


def test_refusal_wins_over_the_parse_error_it_caused() -> None:
    tally = CallTally(refusal="I can't help with that.")
    error = translate_error(ValueError("no tool call"), "a.txt", tally)
    assert isinstance(error, RefusalError)
    assert "I can't help with that." in str(error)


def test_a_failed_call_carries_what_it_cost() -> None:
    tally = CallTally()
    tally(CallEvent("completion", usage=Usage(prompt_tokens=50, completion_tokens=5,
                                              total_tokens=55)))
    error = translate_error(ValueError("bad json"), "a.txt", tally)
    assert isinstance(error, InvalidOutputError)
    assert (error.usage, error.attempts) == (tally.usage, 1)


def _completion(prompt: int, completion: int, finish: str = "stop") -> object:
    usage = SimpleNamespace(prompt_tokens=prompt, completion_tokens=completion,
                            total_tokens=prompt + completion)
    message = SimpleNamespace(refusal=None)
    return SimpleNamespace(usage=usage, choices=[SimpleNamespace(finish_reason=finish,
                                                                 message=message)])


def test_usage_is_summed_over_every_completion() -> None:
    hooks, record = _Hooks(observer=None), CallTally()
    with observe_calls(record):
        hooks.on_response(_completion(100, 10, "length"))
        hooks.on_response(_completion(120, 30))
    assert record.completions == 2
    assert (record.usage.prompt_tokens, record.usage.completion_tokens) == (220, 40)
    assert record.usage.total_tokens == 260
    assert record.finish_reasons == ["length", "stop"]
    hooks.on_response(_completion(5, 5))  # nobody observing: ignored, no error
    assert record.completions == 2


def test_a_refusal_is_an_event_and_the_client_observer_hears_it_too() -> None:
    heard: list[CallEvent] = []
    hooks, tally = _Hooks(observer=heard.append), CallTally()
    refused = _completion(10, 2)
    refused.choices[0].message.refusal = "I can't help with that."  # type: ignore[attr-defined]
    with observe_calls(tally):
        hooks.on_response(refused)
    assert tally.refusal == "I can't help with that."
    assert [e.kind for e in heard] == ["completion", "refusal"]


def test_cached_prompt_tokens_are_read_summed_and_priced_at_the_cached_rate() -> None:
    from openai.types.chat import ChatCompletion

    from summarizer.costs import PriceTable
    from summarizer.llm.client import usage_of

    body = {"id": "c", "object": "chat.completion", "created": 0, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "{}"}}],
            "usage": {"prompt_tokens": 2000, "completion_tokens": 100, "total_tokens": 2100,
                      "prompt_tokens_details": {"cached_tokens": 1536}}}
    hooks, tally = _Hooks(observer=None), CallTally()
    with observe_calls(tally):
        hooks.on_response(ChatCompletion.model_validate(body))
        hooks.on_response(ChatCompletion.model_validate(body))
    assert usage_of(ChatCompletion.model_validate(body)) == Usage(
        prompt_tokens=2000, completion_tokens=100, total_tokens=2100, cached_tokens=1536)
    assert tally.usage.cached_tokens == 3072 and tally.usage.prompt_tokens == 4000
    cost = PriceTable().cost("gpt-4o-mini", tally.usage)
    assert cost == pytest.approx((928 * 0.15 + 3072 * 0.075 + 200 * 0.60) / 1_000_000)
