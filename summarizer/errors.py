"""Every error a user of summarizer can see.

The tree, so every failure mode is visible at once::

    SummarizerError
    ├── ConfigError            bad option, missing model, unknown prompt or mode
    ├── InputError             an input that cannot be read or has no article in it
    ├── PromptError            a prompt file that is missing or malformed
    ├── SchemaDriftError       the output models differ from the committed schema snapshot
    ├── OutputError            an output path that cannot be written, or is one of the inputs
    └── ModelError             the model call failed for one article
        ├── ModelUnavailableError   connection refused, timeouts, 5xx after retries
        ├── RateLimitError          429 after retries, or quota exhausted
        ├── ContextLengthError      the article does not fit the model's context
        ├── TruncatedOutputError    finish_reason=length: the answer was cut off
        ├── RefusalError            the model refused to answer
        └── InvalidOutputError      no valid digest after the allowed re-asks

Every message names the input (article id or path) and says what to do next.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Usage


class SummarizerError(Exception):
    """Base of every error raised by summarizer."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)


class ConfigError(SummarizerError):
    """An option, environment variable or name that cannot be used."""


class InputError(SummarizerError):
    """An input that cannot be read, decoded, or holds no article."""


class PromptError(SummarizerError):
    """A prompt file that cannot be found or parsed."""


class SchemaDriftError(SummarizerError):
    """The output models no longer match the committed JSON Schema snapshot."""


class OutputError(SummarizerError):
    """An output path that cannot be written, or that would overwrite one of the inputs."""


class ModelError(SummarizerError):
    """The model call for one article failed.

    ``usage`` and ``attempts`` say what the failed call still cost (summed over every
    completion and HTTP request), so batch runs can account for it.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        usage: Usage | None = None,
        attempts: int = 0,
    ) -> None:
        super().__init__(message, source=source)
        self.usage = usage
        self.attempts = attempts


class ModelUnavailableError(ModelError):
    """The endpoint could not be reached or kept failing after retries."""


class RateLimitError(ModelError):
    """The provider kept rate limiting us, or the quota is exhausted."""


class ContextLengthError(ModelError):
    """The prompt plus article is longer than the model's context window."""


class TruncatedOutputError(ModelError):
    """The model stopped because it ran out of output tokens."""


class RefusalError(ModelError):
    """The model refused to produce a digest."""


class InvalidOutputError(ModelError):
    """The model's answer did not validate against the schema after re-asks."""


class GroundingReaskNeeded(ModelError):
    """An answer quoted text that is not in the article, and a live run would re-ask about
    it: the provider Batch API route hands such articles to the live path."""
