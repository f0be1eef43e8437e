"""Talking to an OpenAI-compatible model through instructor.

One factory builds the SDK client (:func:`build_client`: the one HTTP stack, with the one
retry layer and an optional rate limiter); one method makes a structured call
(:meth:`LLMClient.complete`) and turns every failure into an error from ``summarizer.errors``.
instructor only re-asks on validation errors. Every request, answer, invalid answer and
refusal is an event on the call-event stream (``summarizer.llm.events``). openai and
instructor are imported lazily so the CLI starts fast.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..config import LLMConfig
from ..errors import ConfigError
from ..models import Usage
from .events import AttemptInfo, CallEvent, CallObserver, CallTally, emit, observe_calls
from .failures import short_message, translate_error
from .schema import wire_model

if TYPE_CHECKING:
    import openai

    from .ratelimit import AsyncLimiter

log = logging.getLogger("summarizer.llm")

# json_object_schema (llama.cpp, vLLM, Ollama) parses like json_schema; only the
# response_format differs (set in ``complete``), so the schema is never also put into the
# system message as instructor's JSON mode would.
_INSTRUCTOR_MODES = {
    "tools": "TOOLS",
    "json_schema": "JSON_SCHEMA",
    "json_object_schema": "JSON_SCHEMA",
    "json": "JSON",
    "md_json": "MD_JSON",
}


def build_client(
    config: LLMConfig,
    limiter: AsyncLimiter | None = None,
    observer: CallObserver | None = None,
) -> openai.AsyncOpenAI:
    """The SDK client every path uses: the SDK's own retries off, ours in the transport,
    paced by ``limiter`` when given; ``observer`` hears every HTTP attempt."""
    import openai

    from .transport import build_http_client

    if config.is_openai and not config.api_key:
        raise ConfigError("no API key for api.openai.com; set OPENAI_API_KEY")
    on_attempt = None if observer is None else _attempt_forwarder(observer)
    http = build_http_client(config.retry, config.timeout, limiter=limiter,
                             on_attempt=on_attempt)
    return openai.AsyncOpenAI(
        api_key=config.api_key or "not-needed",
        base_url=config.base_url,
        max_retries=0,
        timeout=config.timeout,
        http_client=http,
    )


def _attempt_forwarder(observer: CallObserver) -> Callable[[AttemptInfo], None]:
    def forward(info: AttemptInfo) -> None:
        observer(CallEvent("attempt", attempt=info))

    return forward


def usage_of(response: Any) -> Usage | None:
    """The token usage of a chat completion, if it reports one."""
    usage = getattr(response, "usage", None)
    if usage is None:
        return None
    details = getattr(usage, "prompt_tokens_details", None)
    cached = getattr(details, "cached_tokens", None) or 0
    return Usage(prompt_tokens=usage.prompt_tokens or 0,
                 completion_tokens=usage.completion_tokens or 0,
                 total_tokens=usage.total_tokens or 0, cached_tokens=cached)


class _Hooks:
    """instructor's hooks, turned into call events (and sent to the client's observer)."""

    def __init__(self, observer: CallObserver | None) -> None:
        self.observer = observer

    def _send(self, event: CallEvent) -> None:
        emit(event)
        if self.observer is not None:
            self.observer(event)

    def on_response(self, response: Any) -> None:
        choices = getattr(response, "choices", None) or []
        finish = str(choices[0].finish_reason) if choices else None
        self._send(CallEvent("completion", usage=usage_of(response), finish_reason=finish))
        refusal = getattr(choices[0].message, "refusal", None) if choices else None
        if refusal:
            self._send(CallEvent("refusal", detail=str(refusal)))

    def on_parse_error(self, error: Exception, **_: Any) -> None:
        self._send(CallEvent("invalid", detail=short_message(error)))


class LLMClient:
    """A structured-output client for one endpoint, model and mode."""

    def __init__(
        self,
        config: LLMConfig,
        client: openai.AsyncOpenAI | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        import instructor

        self.config = config
        self.model = config.resolved_model()
        self.mode = config.resolved_mode()
        self.openai = client or build_client(config, observer=observer)
        mode = getattr(instructor.Mode, _INSTRUCTOR_MODES[self.mode])
        self._instructor = instructor.from_openai(self.openai, mode=mode)
        hooks = _Hooks(observer)
        self._instructor.on("completion:response", hooks.on_response)
        self._instructor.on("parse:error", hooks.on_parse_error)

    async def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        *,
        temperature: float,
        source: str,
        max_tokens: int | None = None,
    ) -> BaseModel:
        """One structured answer; raises a ``ModelError`` subclass naming ``source``.
        ``max_tokens`` lowers the configured output limit for this call."""
        tally = CallTally()
        wire = wire_model(response_model)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_model": _prepared(wire),
            "max_retries": _reask_policy(self.config.max_reasks, tally),
            "temperature": temperature,
            "max_tokens": max_tokens or self.config.max_tokens,
            "strict": False,
        }
        if self.mode == "json_object_schema":
            schema = {k: v for k, v in wire.model_json_schema().items() if k != "title"}
            kwargs["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        with observe_calls(tally):
            try:
                result: BaseModel = await self._instructor.create(**kwargs)
            except Exception as exc:
                raise translate_error(exc, source, tally) from exc
        return result

    async def aclose(self) -> None:
        await self.openai.close()


_PREPARED: dict[type[BaseModel], type[BaseModel]] = {}


def _prepared(response_model: type[BaseModel]) -> type[BaseModel]:
    """Wrap a response model for instructor once per process, not on every call.

    instructor otherwise builds a fresh subclass (and its JSON Schema) per request, which
    was the largest part of the client's CPU time per article.
    """
    if response_model not in _PREPARED:
        import instructor

        _PREPARED[response_model] = instructor.response_schema(response_model)
    return _PREPARED[response_model]


def _reask_policy(max_reasks: int, tally: CallTally) -> Any:
    """instructor re-asks on validation errors only, at most ``max_reasks`` times.

    A refusal is not a validation problem: asking again only burns tokens, so it stops here.
    """
    import json

    from instructor.core.exceptions import AsyncValidationError, ResponseParsingError
    from pydantic import ValidationError
    from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

    parse_errors = (ValidationError, json.JSONDecodeError, AsyncValidationError,
                    ResponseParsingError)

    def should_reask(exc: BaseException) -> bool:
        return isinstance(exc, parse_errors) and not tally.refusal

    return AsyncRetrying(stop=stop_after_attempt(max_reasks + 1),
                         retry=retry_if_exception(should_reask), reraise=True)
