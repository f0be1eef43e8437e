"""The one HTTP retry layer: a transport that retries throttling, 5xx and network failures.

The OpenAI SDK's own retries are off (``max_retries=0``). Every request it sends passes
through :class:`RetryingTransport`, which wraps the real ``httpx2.AsyncHTTPTransport`` (so
vcrpy, which patches that class, still records and replays cassettes). For each response
or exception, in order:

* a 429 whose JSON body says ``insufficient_quota`` is returned as is: waiting won't help;
* 408, 409, 429 and every 5xx, timeouts and connection errors are retried;
* anything else is returned or raised unchanged.

Waits honour ``retry-after-ms`` / ``Retry-After`` (capped by ``max_retry_after``), else grow
exponentially with jitter. Retrying stops after ``max_attempts`` requests, or when the next
wait would pass ``max_total_seconds``; the last response is then returned (so the SDK
raises its usual ``APIStatusError``) or the last exception re-raised.

Every request is reported once, as an ``attempt`` event on the call-event stream
(``summarizer.llm.events``) and to ``on_attempt`` when one is given.
"""

from __future__ import annotations

import asyncio
import email.utils
import functools
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import UTC

import httpx2
from tenacity import AsyncRetrying, RetryCallState, wait_exponential_jitter

from ..config import RetryPolicy
from .events import AttemptInfo, CallEvent, emit
from .ratelimit import AsyncLimiter, LimitedTransport

log = logging.getLogger("summarizer.llm.transport")

RETRY_STATUSES = frozenset({408, 409, 429})
RETRY_ERRORS: tuple[type[Exception], ...] = (
    httpx2.TimeoutException,
    httpx2.ConnectError,
    httpx2.ReadError,
    httpx2.WriteError,
    httpx2.RemoteProtocolError,
)
# The OpenAI SDK's own pool limits, so swapping in our client changes nothing else.
LIMITS = httpx2.Limits(max_connections=1000, max_keepalive_connections=100)

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


def retry_after(headers: httpx2.Headers, *, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait (``retry-after-ms``, then ``Retry-After``)."""
    millis = _number(headers.get("retry-after-ms"))
    if millis is not None:
        return max(millis / 1000, 0.0)
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is None:
        seconds = _date_delay(value, time.time() if now is None else now)
    return None if seconds is None else max(seconds, 0.0)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _date_delay(text: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp() - now


def _is_quota_error(response: httpx2.Response) -> bool:
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return False
    return "insufficient_quota" in (error.get("code"), error.get("type"))


def should_retry_response(response: httpx2.Response) -> bool:
    """408, 409, 429 and 5xx, except a 429 for an exhausted quota (body must be read)."""
    status = response.status_code
    if status not in RETRY_STATUSES and status < 500:
        return False
    return not (status == 429 and _is_quota_error(response))


def should_retry_error(exc: BaseException) -> bool:
    """Timeouts and connection errors."""
    return isinstance(exc, RETRY_ERRORS)


def _should_retry(state: RetryCallState) -> bool:
    outcome = state.outcome
    if outcome is None:
        return False
    if outcome.failed:
        exc = outcome.exception()
        return exc is not None and should_retry_error(exc)
    response: httpx2.Response = outcome.result()
    return should_retry_response(response)


def _describe(state: RetryCallState) -> str:
    outcome = state.outcome
    if outcome is None:
        return "nothing"
    if outcome.failed:
        return type(outcome.exception()).__name__
    return f"HTTP {outcome.result().status_code}"


class _Exchange:
    """One logical request through the transport: sends, reports and cleans up attempts."""

    def __init__(
        self,
        request: httpx2.Request,
        transport: RetryingTransport,
    ) -> None:
        self.request = request
        self.transport = transport
        self.attempt = 0
        self._pending: tuple[int | None, str | None, float] | None = None

    @property
    def target(self) -> str:
        """Method, host and path: safe to log (no query, headers or body)."""
        url = self.request.url
        return f"{self.request.method} {url.host}{url.path}"

    async def send(self) -> httpx2.Response:
        self.attempt += 1
        clock = self.transport.clock
        started = clock()
        try:
            response = await self.transport.inner.handle_async_request(self.request)
        except BaseException as exc:
            self._pending = (None, type(exc).__name__, clock() - started)
            raise
        self._pending = (response.status_code, None, clock() - started)
        if response.status_code == 429:
            await _read_or_close(response)
        return response

    def report(self, wait: float | None) -> None:
        """Tell ``on_attempt`` about the latest request, once."""
        if self._pending is None:
            return
        status, error, latency = self._pending
        self._pending = None
        info = AttemptInfo(self.attempt, status, error, wait, latency)
        emit(CallEvent("attempt", attempt=info))
        if self.transport.on_attempt is not None:
            self.transport.on_attempt(info)

    async def before_sleep(self, state: RetryCallState) -> None:
        wait = state.upcoming_sleep
        self.report(wait)
        log.info(
            "%s: %s on attempt %d/%d; retrying in %.2fs",
            self.target, _describe(state), self.attempt,
            self.transport.policy.max_attempts, wait,
        )
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            await outcome.result().aclose()

    def give_up(self, state: RetryCallState) -> httpx2.Response:
        """Out of attempts or time: hand back the last response, or raise the last error."""
        log.warning(
            "%s: %s on attempt %d; giving up", self.target, _describe(state), self.attempt
        )
        assert state.outcome is not None
        response: httpx2.Response = state.outcome.result()
        return response


async def _read_or_close(response: httpx2.Response) -> None:
    try:
        await response.aread()
    except BaseException:
        await response.aclose()
        raise


class RetryingTransport(httpx2.AsyncBaseTransport):
    """Wraps a transport (by default the real one) with the :class:`RetryPolicy`.

    ``sleep`` waits between tries and ``clock`` times them (latency, ``max_total_seconds``):
    tests pass fakes, so no test depends on how fast the machine is.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        inner: httpx2.AsyncBaseTransport | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        on_attempt: Callable[[AttemptInfo], None] | None = None,
        clock: Clock = time.perf_counter,
    ) -> None:
        self.policy = policy
        self.clock = clock
        self.inner = inner if inner is not None else httpx2.AsyncHTTPTransport(limits=LIMITS)
        self.on_attempt = on_attempt
        self._sleep = sleep
        self._backoff = wait_exponential_jitter(
            multiplier=policy.initial_wait, max=policy.max_wait, jitter=policy.jitter
        )

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        exchange = _Exchange(request, self)
        retrying = AsyncRetrying(
            sleep=self._sleep,
            retry=_should_retry,
            wait=self._wait,
            stop=functools.partial(self._stop, started=self.clock()),
            before_sleep=exchange.before_sleep,
            retry_error_callback=exchange.give_up,
        )
        try:
            response: httpx2.Response = await retrying(exchange.send)
            return response
        finally:
            exchange.report(wait=None)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def _wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            asked = retry_after(outcome.result().headers)
            if asked is not None:
                return min(asked, self.policy.max_retry_after)
        return float(self._backoff(state))

    def _stop(self, state: RetryCallState, *, started: float) -> bool:
        """Out of attempts, or the next wait would pass the time budget.

        Time spent (by ``clock``, since the first try ``started``) counts the waits asked
        for even when ``sleep`` does not really sleep.
        """
        if state.attempt_number >= self.policy.max_attempts:
            return True
        spent = max(self.clock() - started, state.idle_for)
        return spent + state.upcoming_sleep > self.policy.max_total_seconds


def build_http_client(
    policy: RetryPolicy,
    timeout: float,
    *,
    limiter: AsyncLimiter | None = None,
    on_attempt: Callable[[AttemptInfo], None] | None = None,
) -> httpx2.AsyncClient:
    """The one HTTP stack to hand the OpenAI SDK: retries over the rate limiter (so every
    try is paced) over the real transport, the SDK's pool limits, and environment proxies
    (``HTTPS_PROXY`` and friends, which httpx2 ignores once a transport is given)."""
    from httpx2._utils import get_environment_proxies

    def stack(inner: httpx2.AsyncBaseTransport) -> RetryingTransport:
        if limiter is not None:
            inner = LimitedTransport(limiter, inner)
        return RetryingTransport(policy, inner, on_attempt=on_attempt)

    mounts: dict[str, httpx2.AsyncBaseTransport | None] = {
        pattern: None if url is None
        else stack(httpx2.AsyncHTTPTransport(proxy=url, limits=LIMITS))
        for pattern, url in get_environment_proxies().items()
    }
    return httpx2.AsyncClient(
        transport=stack(httpx2.AsyncHTTPTransport(limits=LIMITS)),
        mounts=mounts,
        timeout=timeout,
        follow_redirects=True,
    )
