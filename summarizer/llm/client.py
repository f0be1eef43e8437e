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
from ..errors import ConfigError, InvalidOutputError
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
    """A structured-output client for one endpoint, model and mode.

    instructor prepares the request (its mode's tools or response_format, built once per
    response model), parses and validates every answer, and formats each re-ask; this class
    sends the requests itself, so no per-call work is repeated (instructor's own ``create``
    re-walks the response model's whole class tree and re-serialises the SDK parameters on
    every call: about half the client's CPU per article).
    """

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
        self._mode = getattr(instructor.Mode, _INSTRUCTOR_MODES[self.mode])
        self._hooks = _Hooks(observer)

    async def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        *,
        temperature: float,
        source: str,
        max_tokens: int | None = None,
    ) -> BaseModel:
        """One structured answer, re-asking on validation errors at most ``max_reasks``
        times (never after a refusal); raises a ``ModelError`` subclass naming ``source``.
        ``max_tokens`` lowers the configured output limit for this call."""
        tally = CallTally()
        body = self._body(messages, response_model, temperature,
                          max_tokens or self.config.max_tokens)
        with observe_calls(tally):
            try:
                return await self._ask(body, _request_parts(response_model, self._mode)[0],
                                       tally)
            except Exception as exc:
                raise translate_error(exc, source, tally) from exc

    def _body(self, messages: list[dict[str, str]], response_model: type[BaseModel],
              temperature: float, max_tokens: int) -> dict[str, Any]:
        """The chat.completions body: the schema once, where the mode puts it."""
        base: dict[str, Any] = {"model": self.model, "messages": messages,
                                "temperature": temperature, "max_tokens": max_tokens}
        if self.mode in ("json", "md_json"):  # instructor writes the schema into messages
            from instructor.processing import handle_response_model

            _, body = handle_response_model(wire_model(response_model), mode=self._mode,
                                            **base)
            return dict(body)
        parts = _request_parts(response_model, self._mode)[1]
        if self.mode == "json_object_schema":  # llama.cpp, vLLM: JSON constrained by schema
            schema = {k: v for k, v in wire_model(response_model).model_json_schema().items()
                      if k != "title"}
            parts = {"response_format": {"type": "json_object", "schema": schema}}
        return {**base, **parts}

    async def _ask(self, body: dict[str, Any], prepared: type[BaseModel],
                   tally: CallTally) -> BaseModel:
        from openai.types.chat import ChatCompletion

        handlers = _handlers(self._mode)
        for attempt in range(self.config.max_reasks + 1):
            response = await self.openai.post("/chat/completions", body=body,
                                              cast_to=ChatCompletion)
            self._hooks.on_response(response)
            try:
                parsed: BaseModel = handlers.response_parser(
                    response=response, response_model=prepared, validation_context=None,
                    strict=None, stream=False, is_async=True)
                return parsed
            except _parse_errors() as exc:
                self._hooks.on_parse_error(exc)
                if tally.refusal or attempt == self.config.max_reasks:
                    raise
                body = handlers.reask_handler(kwargs=body, response=response, exception=exc)
        raise AssertionError("unreachable")  # pragma: no cover

    async def aclose(self) -> None:
        await self.openai.close()

    # ------------------------------------------------------------- provider Batch API

    def request_body(
        self, messages: list[dict[str, str]], response_model: type[BaseModel], *,
        temperature: float, max_tokens: int | None = None,
    ) -> dict[str, Any]:
        """The chat.completions JSON body :meth:`complete` sends first (a line of a Batch
        API input file): the very dict a live call posts."""
        return self._body(messages, response_model, temperature,
                          max_tokens or self.config.max_tokens)

    def parse_completion(
        self, completion: dict[str, Any], response_model: type[BaseModel], *, source: str
    ) -> tuple[BaseModel, Usage]:
        """Validate one chat.completion body (e.g. from a Batch API output file) the way
        :meth:`complete` validates an answer, without re-asking; its usage alongside.

        Raises the ``ModelError`` subclass a live call would (refusal, truncation, invalid).
        """
        from openai.types.chat import ChatCompletion

        try:
            response = ChatCompletion.model_validate(completion)
        except ValueError as exc:
            raise InvalidOutputError(f"not a chat completion: {short_message(exc)}",
                                     source=source) from exc
        tally = CallTally()
        with observe_calls(tally):
            self._hooks.on_response(response)
        if tally.refusal:
            raise translate_error(RuntimeError("refused"), source, tally)
        prepared = _request_parts(response_model, self._mode)[0]
        try:
            result: BaseModel = _handlers(self._mode).response_parser(
                response=response, response_model=prepared, validation_context=None,
                strict=None, stream=False, is_async=True)
        except Exception as exc:
            raise translate_error(exc, source, tally) from exc
        return result, tally.usage


_PARTS: dict[tuple[type[BaseModel], Any], tuple[type[BaseModel], dict[str, Any]]] = {}


def _request_parts(
    response_model: type[BaseModel], mode: Any
) -> tuple[type[BaseModel], dict[str, Any]]:
    """instructor's prepared response model and the request keys its mode adds (tools and
    tool_choice, or response_format), built once per process for each model and mode."""
    key = (response_model, mode)
    if key not in _PARTS:
        from instructor.processing import handle_response_model

        prepared, kwargs = handle_response_model(wire_model(response_model), mode=mode,
                                                 messages=[])
        assert prepared is not None
        _PARTS[key] = (prepared, {k: v for k, v in kwargs.items() if k != "messages"})
    return _PARTS[key]


def _handlers(mode: Any) -> Any:
    from instructor.v2.core.providers import Provider
    from instructor.v2.core.registry import mode_registry

    return mode_registry.get_handlers(Provider.OPENAI, mode)


def _parse_errors() -> tuple[type[Exception], ...]:
    """What instructor raises for an answer that does not validate (a re-ask may fix it)."""
    import json

    from instructor.core.exceptions import ResponseParsingError
    from pydantic import ValidationError

    return (ValidationError, json.JSONDecodeError, ResponseParsingError)
