"""One stream of call events: everything that happens on the way to a model answer.

The retry transport emits an ``attempt`` per HTTP request; instructor's hooks emit a
``completion`` per answer received (with its usage and finish reason), an ``invalid``
when that answer failed validation, and a ``refusal`` when the model refused. The
pipeline brackets a grounding re-ask with ``reask`` and ``reask_done`` (with its cost).
Whoever wants to know subscribes for the duration of a block with :func:`observe_calls`:

* :class:`CallTally` sums usage, requests, retries and refusals (the pipeline's provenance,
  a failed call's :class:`~summarizer.errors.ModelError`);
* the batch ledger turns events into ``summarizer log`` rows;
* the record/replay layer notices requests a cassette could not answer.

Subscriptions nest and follow asyncio tasks started inside the block: an event reaches every
observer active where it happened, innermost first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

from ..models import Usage

EventKind = Literal["attempt", "completion", "invalid", "refusal", "reask", "reask_done"]


@dataclass(frozen=True)
class AttemptInfo:
    """One HTTP request: its status or exception class, the wait before the next, latency."""

    attempt: int
    status: int | None
    error: str | None
    wait: float | None
    latency_s: float


@dataclass(frozen=True)
class CallEvent:
    """What an observer hears. ``attempt`` carries :class:`AttemptInfo`; ``completion`` the
    answer's usage and finish reason; ``invalid`` and ``refusal`` a short ``detail``."""

    kind: EventKind
    attempt: AttemptInfo | None = None
    usage: Usage | None = None
    finish_reason: str | None = None
    detail: str | None = None


CallObserver = Callable[[CallEvent], None]

_observers: ContextVar[tuple[CallObserver, ...]] = ContextVar(
    "summarizer_call_observers", default=()
)


@contextmanager
def observe_calls(observer: CallObserver) -> Iterator[None]:
    """Send every event of this context (and of tasks started in it) to ``observer`` too."""
    token = _observers.set((observer, *_observers.get()))
    try:
        yield
    finally:
        _observers.reset(token)


def emit(event: CallEvent) -> None:
    """Tell every observer active in this context about ``event``."""
    for observer in _observers.get():
        observer(event)


@dataclass
class CallTally:
    """Sums what a block of calls cost: subscribe it with :func:`observe_calls`."""

    usage: Usage = field(default_factory=Usage)
    requests: int = 0
    """HTTP requests, retries included."""
    retries: int = 0
    waited_s: float = 0.0
    completions: int = 0
    invalid: int = 0
    refusal: str | None = None
    finish_reasons: list[str] = field(default_factory=list)
    reasks: int = 0
    """Grounding re-asks (each one call, with instructor's own re-asks inside it)."""
    reask_usage: Usage = field(default_factory=Usage)

    def __call__(self, event: CallEvent) -> None:
        if event.kind == "attempt" and event.attempt is not None:
            self.requests += 1
            if event.attempt.wait is not None:
                self.retries += 1
                self.waited_s += event.attempt.wait
        elif event.kind == "completion":
            self.completions += 1
            if event.usage is not None:
                self.usage = self.usage + event.usage
            if event.finish_reason is not None:
                self.finish_reasons.append(event.finish_reason)
        elif event.kind == "invalid":
            self.invalid += 1
        elif event.kind == "refusal":
            self.refusal = event.detail or "refused"
        elif event.kind == "reask":
            self.reasks += 1
        elif event.kind == "reask_done" and event.usage is not None:
            self.reask_usage = self.reask_usage + event.usage

    @property
    def attempts(self) -> int:
        """Requests made; without a transport that reports them, the answers received."""
        return max(self.requests, self.completions)
