"""Talking to an OpenAI-compatible model through instructor.

One place builds the client (``build_client``); one function makes a structured call
(``LLMClient.complete``) and turns every failure into an error from ``summarizer.errors``.
HTTP retries live in the transport (``summarizer.llm.transport``); instructor only re-asks on
validation errors. openai and instructor are imported lazily so the CLI starts fast.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from ..cassettes import STALE_CASSETTE
from ..config import LLMConfig
from ..errors import (
    ConfigError,
    ContextLengthError,
    InvalidOutputError,
    ModelError,
    ModelUnavailableError,
    RateLimitError,
    RefusalError,
    TruncatedOutputError,
)
from ..models import Usage

if TYPE_CHECKING:
    import httpx2
    import openai

    from .transport import AttemptInfo

log = logging.getLogger("summarizer.llm.client")

_INSTRUCTOR_MODES = {
    "tools": "TOOLS",
    "json_schema": "JSON_SCHEMA",
    "json_object_schema": "JSON",
    "json": "JSON",
    "md_json": "MD_JSON",
}


@dataclass
class CallRecord:
    """What the model calls for one article cost, summed over every completion."""

    usage: Usage = field(default_factory=Usage)
    completions: int = 0
    refusal: str | None = None
    finish_reasons: list[str] = field(default_factory=list)


_current: contextvars.ContextVar[CallRecord | None] = contextvars.ContextVar(
    "summarizer_call_record", default=None
)


@contextmanager
def record_calls() -> Iterator[CallRecord]:
    record = CallRecord()
    token = _current.set(record)
    try:
        yield record
    finally:
        _current.reset(token)


def _usage_of(response: Any) -> Usage | None:
    usage = getattr(response, "usage", None)
    if usage is None:
        return None
    return Usage(prompt_tokens=usage.prompt_tokens or 0,
                 completion_tokens=usage.completion_tokens or 0,
                 total_tokens=usage.total_tokens or 0)


def _on_response(response: Any) -> None:
    record = _current.get()
    if record is None:
        return
    record.completions += 1
    usage = _usage_of(response)
    if usage is not None:
        record.usage = record.usage + usage
    choices = getattr(response, "choices", None) or []
    if choices:
        record.finish_reasons.append(str(choices[0].finish_reason))
        refusal = getattr(choices[0].message, "refusal", None)
        if refusal:
            record.refusal = str(refusal)



# --------------------------------------------------------------------------- call observer


@dataclass(frozen=True)
class CallEvent:
    """What a call observer hears, in order, about every model call made in its context.

    ``attempt``: one HTTP request, from the retry transport (see :func:`report_attempt`);
    ``completion``: an answer was received, with its usage; ``invalid``: that answer
    failed validation (instructor re-asks while it may).
    """

    kind: Literal["attempt", "completion", "invalid"]
    attempt: AttemptInfo | None = None
    usage: Usage | None = None
    detail: str | None = None


CallObserver = Callable[[CallEvent], None]

_observer: contextvars.ContextVar[CallObserver | None] = contextvars.ContextVar(
    "summarizer_call_observer", default=None
)


@contextmanager
def observe_calls(observer: CallObserver) -> Iterator[None]:
    """Send every :class:`CallEvent` of this context (and tasks started in it) to ``observer``."""
    token = _observer.set(observer)
    try:
        yield
    finally:
        _observer.reset(token)


def _notify(event: CallEvent) -> None:
    observer = _observer.get()
    if observer is not None:
        observer(event)


def report_attempt(info: AttemptInfo) -> None:
    """An ``on_attempt`` callback for ``RetryingTransport`` that feeds :func:`observe_calls`."""
    _notify(CallEvent("attempt", attempt=info))


def _observe_response(response: Any) -> None:
    _notify(CallEvent("completion", usage=_usage_of(response)))


def _observe_parse_error(error: Exception, **_: Any) -> None:
    _notify(CallEvent("invalid", detail=_short(error)))


def build_openai(
    config: LLMConfig, *, http_client: httpx2.AsyncClient | None = None
) -> openai.AsyncOpenAI:
    """The SDK client: its own retries off, ours in the transport (or ``http_client``'s)."""
    import openai

    from .transport import build_http_client

    if config.is_openai and not config.api_key:
        raise ConfigError("no API key for api.openai.com; set OPENAI_API_KEY")
    return openai.AsyncOpenAI(
        api_key=config.api_key or "not-needed",
        base_url=config.base_url,
        max_retries=0,
        timeout=config.timeout,
        http_client=http_client or build_http_client(config.retry, config.timeout),
    )


class LLMClient:
    """A structured-output client for one endpoint, model and mode."""

    def __init__(self, config: LLMConfig, client: openai.AsyncOpenAI | None = None) -> None:
        import instructor

        self.config = config
        self.model = config.resolved_model()
        self.mode = config.resolved_mode()
        self.openai = client or build_openai(config)
        mode = getattr(instructor.Mode, _INSTRUCTOR_MODES[self.mode])
        self._instructor = instructor.from_openai(self.openai, mode=mode)
        self._instructor.on("completion:response", _on_response)
        self._instructor.on("completion:response", _observe_response)
        self._instructor.on("parse:error", _observe_parse_error)

    async def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[BaseModel],
        *,
        temperature: float,
        source: str,
    ) -> BaseModel:
        """One structured answer; raises a ``ModelError`` subclass naming ``source``."""
        kwargs = self._create_kwargs(messages, response_model, temperature)
        kwargs["max_retries"] = _reask_policy(self.config.max_reasks)
        try:
            result: BaseModel = await self._instructor.create(**kwargs)
        except Exception as exc:
            raise translate_error(exc, source, _current.get()) from exc
        return result

    async def aclose(self) -> None:
        await self.openai.close()

    def _create_kwargs(
        self, messages: list[dict[str, str]], response_model: type[BaseModel], temperature: float
    ) -> dict[str, Any]:
        """What ``complete`` hands instructor (less the re-ask policy)."""
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "response_model": _prepared(response_model),
            "temperature": temperature,
            "max_tokens": self.config.max_tokens,
            "strict": False,
        }
        if self.mode == "json_object_schema":
            schema = response_model.model_json_schema()
            kwargs["extra_body"] = {"response_format": {"type": "json_object", "schema": schema}}
        return kwargs

    # ------------------------------------------------------------- provider Batch API

    def request_body(
        self, messages: list[dict[str, str]], response_model: type[BaseModel], *,
        temperature: float,
    ) -> dict[str, Any]:
        """The chat.completions JSON body :meth:`complete` sends first, built by instructor's
        own request preparation for this mode (a line of a Batch API input file)."""
        from instructor.processing.response import handle_response_model

        kwargs = self._create_kwargs(messages, response_model, temperature)
        model = kwargs.pop("response_model")
        kwargs.pop("strict")
        _, prepared = handle_response_model(model, mode=self._instructor.mode, **kwargs)
        extra = prepared.pop("extra_body", None) or {}
        return {**prepared, **extra}

    def parse_completion(
        self, completion: dict[str, Any], response_model: type[BaseModel], *, source: str
    ) -> tuple[BaseModel, Usage]:
        """Validate one chat.completion body (e.g. from a Batch API output file) the way
        :meth:`complete` validates an answer, without re-asking; its usage alongside.

        Raises the ``ModelError`` subclass a live call would (refusal, truncation, invalid).
        """
        from instructor.processing.response import process_response
        from openai.types.chat import ChatCompletion

        record = CallRecord()
        try:
            response = ChatCompletion.model_validate(completion)
        except ValueError as exc:
            raise InvalidOutputError(f"not a chat completion: {_short(exc)}",
                                     source=source) from exc
        token = _current.set(record)
        try:
            _on_response(response)
        finally:
            _current.reset(token)
        if record.refusal:
            raise translate_error(RuntimeError("refused"), source, record)
        try:
            result: BaseModel = process_response(
                response, response_model=_prepared(response_model), stream=False,
                strict=False, mode=self._instructor.mode)
        except Exception as exc:
            error = translate_error(exc, source, record)
            error.usage, error.attempts = record.usage, 1
            raise error from exc
        return result, record.usage


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


def _reask_policy(max_reasks: int) -> Any:
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
        record = _current.get()
        return isinstance(exc, parse_errors) and not (record and record.refusal)

    return AsyncRetrying(stop=stop_after_attempt(max_reasks + 1),
                         retry=retry_if_exception(should_reask), reraise=True)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _status_error(err: BaseException, source: str) -> ModelError | None:
    import openai

    if isinstance(err, openai.RateLimitError):
        if "insufficient_quota" in str(err):
            return RateLimitError("quota exhausted (insufficient_quota); check your plan and "
                                  "billing", source=source)
        return RateLimitError("still rate limited after retries; lower --concurrency or try "
                              "later", source=source)
    if isinstance(err, openai.AuthenticationError):
        return ModelError("authentication failed; check OPENAI_API_KEY", source=source)
    if isinstance(err, openai.BadRequestError | openai.APIStatusError) and _is_context(err):
        return ContextLengthError("the article does not fit the model's context window; use a "
                                  "model with a longer context or shorten the input", source=source)
    if isinstance(err, openai.NotFoundError):
        return ModelError(f"endpoint or model not found ({err}); check --model and --base-url",
                          source=source)
    if isinstance(err, openai.InternalServerError):
        return ModelUnavailableError(f"server error after retries ({err.status_code})",
                                     source=source)
    if isinstance(err, openai.APIStatusError):
        return ModelError(f"the endpoint rejected the request ({err.status_code}): "
                          f"{_short(err)}", source=source)
    if isinstance(err, openai.APITimeoutError):
        return ModelUnavailableError("timed out after retries; raise --timeout or check the "
                                     "server", source=source)
    if isinstance(err, openai.APIConnectionError):
        return ModelUnavailableError("cannot reach the endpoint; check --base-url and that the "
                                     "server is running", source=source)
    return None


def _is_context(err: BaseException) -> bool:
    text = str(err).lower()
    if "context_length" in text:
        return True
    return "context" in text and ("exceed" in text or "maximum" in text)


def _short(err: BaseException, limit: int = 200) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def translate_error(exc: BaseException, source: str, record: CallRecord | None) -> ModelError:
    """Map SDK, instructor and transport failures to one ``ModelError`` naming the input."""
    if record is not None and record.refusal:
        return RefusalError(f"the model refused: {_short(Exception(record.refusal))}",
                            source=source)
    for err in _chain(exc):
        if type(err).__name__ == STALE_CASSETTE:
            raise err
        if type(err).__name__ == "IncompleteOutputException":
            return TruncatedOutputError("the answer was cut off (finish_reason=length); raise "
                                        "--max-tokens or shorten the article", source=source)
        mapped = _status_error(err, source)
        if mapped is not None:
            return mapped
    if record is not None and "length" in record.finish_reasons:
        return TruncatedOutputError("the answer was cut off (finish_reason=length); raise "
                                    "--max-tokens or shorten the article", source=source)
    return InvalidOutputError(f"no valid digest after re-asks: {_short(exc)}", source=source)
