"""Configuration objects: one place that says how a run talks to a model."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

from .errors import ConfigError

Backend = Literal["auto", "llm", "rules"]
MODES = ("auto", "tools", "json_schema", "json_object_schema", "json", "md_json")
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class RetryPolicy:
    """The one HTTP retry layer: 408/409/429/5xx, timeouts and connection errors.

    Waits honour ``Retry-After`` (capped by ``max_retry_after``), else grow exponentially
    with jitter. Retrying stops after ``max_attempts`` requests or ``max_total_seconds``.
    """

    max_attempts: int = 5
    max_total_seconds: float = 120.0
    initial_wait: float = 0.5
    max_wait: float = 20.0
    jitter: float = 0.5
    max_retry_after: float = 60.0


def _seconds(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        message = f"SUMMARIZER_TIMEOUT must be a number of seconds, not {value!r}"
        raise ConfigError(message) from None


@dataclass(frozen=True)
class LLMConfig:
    """How to reach an OpenAI-compatible endpoint. The key never appears in ``repr``."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    mode: str = "auto"
    temperature: float | None = None
    max_tokens: int = 2048
    timeout: float = 60.0
    max_reasks: int = 2
    grounding_reask: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"unknown mode {self.mode!r}; use one of: {', '.join(MODES)}")
        if not 0 <= self.max_reasks <= 5:
            raise ConfigError("max_reasks must be between 0 and 5")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> LLMConfig:
        """Fill unset options from ``OPENAI_BASE_URL``, ``SUMMARIZER_MODEL``, ``OPENAI_API_KEY``
        and ``SUMMARIZER_TIMEOUT`` (seconds per HTTP request)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {
            "model": env.get("SUMMARIZER_MODEL") or None,
            "base_url": env.get("OPENAI_BASE_URL") or None,
            "api_key": env.get("OPENAI_API_KEY") or None,
        }
        if env.get("SUMMARIZER_TIMEOUT"):
            values["timeout"] = _seconds(env["SUMMARIZER_TIMEOUT"])
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def is_configured(self) -> bool:
        """True when the user pointed us at a model at all (any of model, URL or key)."""
        return bool(self.model or self.base_url or self.api_key)

    @property
    def is_openai(self) -> bool:
        return self.base_url is None or self.host == "api.openai.com"

    @property
    def host(self) -> str:
        """The endpoint's host (and port), safe to log and record."""
        if not self.base_url:
            return "api.openai.com"
        parts = urlsplit(self.base_url)
        return parts.netloc.rsplit("@", 1)[-1] or self.base_url

    def resolved_model(self) -> str:
        if self.model:
            return self.model
        if self.is_openai:
            return DEFAULT_OPENAI_MODEL
        raise ConfigError(
            f"no model named for {self.host}; pass --model or set SUMMARIZER_MODEL"
        )

    def resolved_mode(self) -> str:
        """Tool calls for OpenAI; schema-constrained JSON for local servers."""
        if self.mode != "auto":
            return self.mode
        return "tools" if self.is_openai else "json_object_schema"

    def with_(self, **changes: object) -> LLMConfig:
        return replace(self, **changes)  # type: ignore[arg-type]
