"""summarizer: grounded, typed digests of news about cooperation between countries,
governments and companies.

    >>> from summarizer import summarize
    >>> digest = summarize(text)            # offline rules backend when no model is set
    >>> digest = summarize(text, model="gpt-4o-mini")
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .article import Article
    from .config import LLMConfig, RetryPolicy
    from .errors import (
        ConfigError,
        ContextLengthError,
        InputError,
        InvalidOutputError,
        ModelError,
        ModelUnavailableError,
        PromptError,
        RateLimitError,
        RefusalError,
        SchemaDriftError,
        SummarizerError,
        TruncatedOutputError,
    )
    from .grounding import GroundingConfig
    from .models import (
        SCHEMA_VERSION,
        Digest,
        DigestWarning,
        Evidence,
        Instrument,
        Party,
        Provenance,
        Sector,
        Summary,
        Target,
    )
    from .pipeline import Summarizer, SummarizerConfig, asummarize, summarize

_EXPORTS = {
    "Article": "article",
    "LLMConfig": "config",
    "RetryPolicy": "config",
    "GroundingConfig": "grounding",
    "Summarizer": "pipeline",
    "SummarizerConfig": "pipeline",
    "asummarize": "pipeline",
    "summarize": "pipeline",
}
_EXPORTS.update({name: "errors" for name in (
    "ConfigError", "ContextLengthError", "InputError", "InvalidOutputError", "ModelError",
    "ModelUnavailableError", "PromptError", "RateLimitError", "RefusalError",
    "SchemaDriftError", "SummarizerError", "TruncatedOutputError")})
_EXPORTS.update({name: "models" for name in (
    "SCHEMA_VERSION", "Digest", "DigestWarning", "Evidence", "Instrument", "Party",
    "Provenance", "Sector", "Summary", "Target")})


def __getattr__(name: str) -> Any:
    """Import the public names lazily, so ``summarizer --help`` starts fast."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'summarizer' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "SCHEMA_VERSION",
    "Article",
    "ConfigError",
    "ContextLengthError",
    "Digest",
    "DigestWarning",
    "Evidence",
    "GroundingConfig",
    "InputError",
    "Instrument",
    "InvalidOutputError",
    "LLMConfig",
    "ModelError",
    "ModelUnavailableError",
    "Party",
    "PromptError",
    "Provenance",
    "RateLimitError",
    "RefusalError",
    "RetryPolicy",
    "SchemaDriftError",
    "Sector",
    "Summarizer",
    "SummarizerConfig",
    "SummarizerError",
    "Summary",
    "Target",
    "TruncatedOutputError",
    "__version__",
    "asummarize",
    "summarize",
]
