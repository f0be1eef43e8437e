"""Request and token rate limits that hold across a whole run.

:class:`LimitedTransport` sits *under* the retry transport, so every HTTP request a run
sends — first tries, retries and re-asks alike — is paced by the run's shared limits:

* ``rpm``: request starts are spaced ``period / rpm`` seconds apart;
* ``tpm``: after a request of about ``n`` tokens (body bytes / 4, plus the ``max_tokens``
  it may generate — how OpenAI counts a request against its limit), the next may start
  ``n × period / tpm`` seconds later.

This is a leaky bucket without burst (GCRA): any window of ``period`` seconds sees at most
``rpm + 1`` requests and ``tpm`` tokens plus one request's worth — never the double a
bucket that starts full allows in its first minute. Reservations are taken in call order.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import httpx2

from ..errors import ConfigError

BYTES_PER_TOKEN = 4

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RateLimits:
    """``rpm`` requests and ``tpm`` tokens per ``period`` seconds (None: unlimited)."""

    rpm: float | None = None
    tpm: float | None = None
    period: float = 60.0

    def __post_init__(self) -> None:
        for name in ("rpm", "tpm"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"--{name} must be a positive number, not {value}")

    @property
    def active(self) -> bool:
        return self.rpm is not None or self.tpm is not None


class Pacer:
    """Spaces out work so ``rate`` units per ``period`` seconds are never exceeded."""

    def __init__(
        self,
        rate: float,
        period: float = 60.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.seconds_per_unit = period / rate
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf

    def reserve(self, amount: float = 1.0, *, after: float = 0.0) -> float:
        """Book ``amount`` units at the earliest free time, and no sooner than ``after``
        seconds from now; the seconds to wait until then.

        Pure bookkeeping, no waiting: a process-wide or cluster-wide limiter (e.g. a named
        Ray actor) can hold the one ``Pacer`` and hand out delays to every worker.
        """
        now = self._clock()
        start = max(now + after, self._next)
        self._next = start + amount * self.seconds_per_unit
        return start - now

    async def acquire(self, amount: float = 1.0) -> float:
        """Reserve ``amount`` units and wait for the reserved start; returns that time."""
        start = self._clock()
        delay = self.reserve(amount)
        if delay > 0:
            await self._sleep(delay)
        return start + delay


class AsyncLimiter(Protocol):
    """What :class:`LimitedTransport` waits on: a :class:`Limiter`, or a stand-in for one
    shared by many processes (``summarizer.batch.ray_data.RemoteLimiter``)."""

    async def acquire(self, tokens: int) -> None: ...


class Limiter:
    """The run's shared request and token pacers (``clock`` and ``sleep`` as for
    :class:`Pacer`, e.g. a fake clock in tests)."""

    def __init__(
        self,
        limits: RateLimits,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self.requests = self._pacer(limits.rpm, clock, sleep)
        self.tokens = self._pacer(limits.tpm, clock, sleep)

    def _pacer(self, rate: float | None, clock: Clock, sleep: Sleep) -> Pacer | None:
        if rate is None:
            return None
        return Pacer(rate, self.limits.period, clock=clock, sleep=sleep)

    async def acquire(self, tokens: int) -> None:
        """Wait until one more request of about ``tokens`` tokens fits both limits."""
        if self.tokens is not None:
            await self.tokens.acquire(tokens)
        if self.requests is not None:
            await self.requests.acquire()

    def reserve(self, tokens: int) -> float:
        """Book one request of about ``tokens`` tokens on both limits, without waiting;
        the seconds to wait before sending it (for a limiter shared across processes)."""
        delay = 0.0 if self.tokens is None else self.tokens.reserve(tokens)
        if self.requests is not None:
            delay = self.requests.reserve(after=delay)
        return delay


def estimate_request_tokens(request: httpx2.Request) -> int:
    """Prompt tokens (body bytes / 4) plus the answer's ``max_tokens`` when stated."""
    body = request.content
    tokens = math.ceil(len(body) / BYTES_PER_TOKEN)
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return tokens
    if isinstance(data, dict):
        answer = data.get("max_tokens") or data.get("max_completion_tokens") or 0
        tokens += int(answer) if isinstance(answer, int | float) else 0
    return tokens


class LimitedTransport(httpx2.AsyncBaseTransport):
    """Waits for the :class:`Limiter` before each request, then hands it to ``inner``."""

    def __init__(self, limiter: AsyncLimiter, inner: httpx2.AsyncBaseTransport) -> None:
        self.limiter = limiter
        self.inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await self.limiter.acquire(estimate_request_tokens(request))
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
