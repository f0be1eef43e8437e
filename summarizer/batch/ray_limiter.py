"""One rate limit for a whole Ray cluster: a named actor books every request, each worker
waits locally for the delay it is given."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import socket
from dataclasses import asdict
from typing import Any

from ..llm.ratelimit import Limiter, RateLimits
from .ray_rows import NAMESPACE, _ray


class LimiterActor:
    """A run's one :class:`Limiter`, shared by every worker as a named Ray actor."""

    def __init__(self, limits: RateLimits) -> None:
        self.limiter = Limiter(limits)
        self.reservations = 0
        self.callers: set[str] = set()

    def reserve(self, tokens: int, caller: str = "") -> float:
        """Book one request of about ``tokens`` tokens; the seconds the caller must wait."""
        self.reservations += 1
        self.callers.add(caller)
        return self.limiter.reserve(tokens)

    def stats(self) -> dict[str, int]:
        """Requests booked so far, and by how many distinct worker processes."""
        return {"reservations": self.reservations, "callers": len(self.callers)}


class RemoteLimiter:
    """The :class:`~summarizer.llm.ratelimit.AsyncLimiter` a worker's transport awaits: books
    with the shared actor, then waits locally."""

    def __init__(self, actor: Any, caller: str = "") -> None:
        self.actor = actor
        self.caller = caller or f"{socket.gethostname()}:{os.getpid()}"

    async def acquire(self, tokens: int) -> None:
        delay: float = await self.actor.reserve.remote(tokens, self.caller)
        if delay > 0:
            await asyncio.sleep(delay)


def limiter_name(limits: RateLimits) -> str:
    """The default actor name: one limiter per distinct set of limits."""
    canonical = json.dumps(asdict(limits), sort_keys=True)
    return "summarizer-limiter-" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


HELD: dict[str, Any] = {}
"""Driver-side handles, so a limiter the driver created lives as long as the driver."""


def limiter_actor(limits: RateLimits, name: str | None = None) -> Any:
    """The named limiter actor for ``limits``: the existing one, else a new one."""
    ray = _ray()
    name = name or limiter_name(limits)
    actor_class = ray.remote(num_cpus=0)(LimiterActor)
    return actor_class.options(name=name, namespace=NAMESPACE, get_if_exists=True).remote(limits)


