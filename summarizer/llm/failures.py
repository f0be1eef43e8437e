"""Failures of a model call, mapped to the errors a user sees (``summarizer.errors``).

Every SDK, instructor and transport failure becomes one :class:`~summarizer.errors.ModelError`
subclass that names the input and says what to do, with what the call still cost.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..errors import (
    ContextLengthError,
    InvalidOutputError,
    ModelError,
    ModelUnavailableError,
    RateLimitError,
    RefusalError,
    TruncatedOutputError,
)
from .events import CallTally


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
                          f"{short_message(err)}", source=source)
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


def short_message(err: BaseException, limit: int = 200) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


TRUNCATED = ("the answer was cut off (finish_reason=length); raise --max-tokens or shorten "
             "the article")


def translate_error(exc: BaseException, source: str, tally: CallTally | None = None) -> ModelError:
    """Map SDK, instructor and transport failures to one ``ModelError`` naming the input,
    carrying what the failed call still cost (``tally``)."""
    error = _classify(exc, source, tally or CallTally())
    if tally is not None:
        error.usage, error.attempts = tally.usage, tally.attempts
    return error


def _classify(exc: BaseException, source: str, tally: CallTally) -> ModelError:
    if tally.refusal:
        return RefusalError(f"the model refused: {short_message(Exception(tally.refusal))}",
                            source=source)
    for err in _chain(exc):
        if type(err).__name__ == "IncompleteOutputException":
            return TruncatedOutputError(TRUNCATED, source=source)
        mapped = _status_error(err, source)
        if mapped is not None:
            return mapped
    if "length" in tally.finish_reasons:
        return TruncatedOutputError(TRUNCATED, source=source)
    return InvalidOutputError(f"no valid digest after re-asks: {short_message(exc)}", source=source)
