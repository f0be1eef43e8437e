"""How a provider Batch API run splits, waits and handles what the batch did not answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ...errors import ConfigError

RetryRoute = Literal["live", "batch", "none"]

MAX_REQUESTS = 50_000
"""Requests per input file (OpenAI's limit)."""
MAX_BYTES = 200 * 1024 * 1024
"""Bytes per input file (OpenAI's limit)."""


@dataclass(frozen=True)
class FileLimits:
    """Where a chunk of requests is cut (lower them to test the split)."""

    max_requests: int = MAX_REQUESTS
    max_bytes: int = MAX_BYTES

    def __post_init__(self) -> None:
        if self.max_requests < 1 or self.max_bytes < 1:
            raise ConfigError("batch file limits must be positive numbers of requests and bytes")


@dataclass(frozen=True)
class PollPolicy:
    """Status checks: ``initial`` seconds apart, growing by ``factor`` up to ``maximum``.
    ``max_wait`` (seconds, None: until every batch ends) stops waiting, batches kept."""

    initial: float = 10.0
    factor: float = 1.5
    maximum: float = 300.0
    max_wait: float | None = None


@dataclass(frozen=True)
class BatchApiConfig:
    """The provider Batch API route of ``summarizer batch --batch-api``.

    ``retry``: what happens to requests the batch did not answer with a valid, grounded
    digest (error lines, invalid answers, re-asks, expired or failed batches): ``live``
    digests them with normal live calls, ``batch`` sends them in a follow-up batch (at
    most ``followups`` rounds, then they are reported), ``none`` reports them as failed
    lines. ``wait=False`` submits and returns; a rerun collects. ``cancel`` cancels the
    remote batches when the wait is interrupted (Ctrl-C); by default they keep running.
    """

    wait: bool = True
    retry: RetryRoute = "live"
    followups: int = 1
    cancel: bool = False
    limits: FileLimits = field(default_factory=FileLimits)
    poll: PollPolicy = field(default_factory=PollPolicy)
    spool: Path | None = None
    """Where input files are written before upload (default: ``batch-api/`` beside the
    store)."""

    def __post_init__(self) -> None:
        if self.retry not in ("live", "batch", "none"):
            raise ConfigError(f"--batch-api-retry must be live, batch or none, not {self.retry!r}")
