"""The HTTP retry layer, against a real stand-in server on 127.0.0.1.

Waits are recorded by a fake ``sleep`` instead of slept, and tries are timed by a fake
``clock``, so the file runs in about a second and no result depends on the machine's speed.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import replace
from email.utils import formatdate
from pathlib import Path

import httpx2
import openai
import pytest
import vcr
from standin import (
    StandIn,
    StandinTransport,
    context_too_long,
    dynamic,
    hang,
    ok,
    quota_exhausted,
    run_standin,
    status,
)
from vcr.errors import CannotOverwriteExistingCassetteException as VcrStaleCassette

from summarizer.cassettes import StaleWatch
from summarizer.config import RetryPolicy
from summarizer.llm.events import AttemptInfo, CallTally, observe_calls
from summarizer.llm.transport import RetryingTransport, build_http_client, retry_after

POLICY = RetryPolicy(
    max_attempts=4, max_total_seconds=60, initial_wait=0.5, max_wait=8, jitter=0,
    max_retry_after=30,
)
BODY = {"model": "m", "messages": [{"role": "user", "content": "secret article text"}]}
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")


class FakeSleep:
    """Records the waits asked for instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(float(seconds))


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


class FakeClock:
    """Reads ``start``, then ``step`` seconds later at every further reading."""

    def __init__(self, step: float = 0.0, start: float = 100.0) -> None:
        self.now = start - step
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def attempts() -> list[AttemptInfo]:
    return []


def client(
    sleep: FakeSleep,
    attempts: list[AttemptInfo] | None = None,
    *,
    policy: RetryPolicy = POLICY,
    timeout: float = 30.0,
    inner: httpx2.AsyncBaseTransport | None = None,
    clock: Callable[[], float] | None = None,
) -> httpx2.AsyncClient:
    """A client whose time stands still unless ``clock`` says otherwise: the time budget
    counts only the waits asked for, whatever the machine's speed."""
    on_attempt = attempts.append if attempts is not None else None
    if inner is None:  # plain HTTP: skip loading CA certificates (30 ms a client)
        inner = httpx2.AsyncHTTPTransport(verify=False)
    transport = RetryingTransport(policy, inner, sleep=sleep, on_attempt=on_attempt,
                                  clock=clock or FakeClock())
    return httpx2.AsyncClient(transport=transport, timeout=timeout)


async def post(http: httpx2.AsyncClient, standin: StandIn) -> httpx2.Response:
    async with http:
        return await http.post(f"{standin.base_url}/chat/completions", json=BODY)


async def test_429_waits_exactly_retry_after_then_succeeds(
    sleep: FakeSleep, attempts: list[AttemptInfo]
) -> None:
    with run_standin([status(429, headers={"Retry-After": "2"}), ok("hi")]) as standin:
        response = await post(client(sleep, attempts, clock=FakeClock(step=0.25)), standin)
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == "hi"
    assert standin.calls == 2
    assert standin.requests[0].json == standin.requests[1].json == BODY
    assert sleep.waits == [2.0]
    assert [(a.attempt, a.status, a.error, a.wait) for a in attempts] == [
        (1, 429, None, 2.0), (2, 200, None, None)
    ]
    assert [a.latency_s for a in attempts] == [0.25, 0.25]  # clock read before and after


async def test_5xx_backs_off_exponentially(sleep: FakeSleep) -> None:
    with run_standin([status(500), status(503), ok("hi")]) as standin:
        response = await post(client(sleep), standin)
    assert response.status_code == 200
    assert standin.calls == 3
    assert sleep.waits == [0.5, 1.0]


async def test_backoff_jitter_and_cap(sleep: FakeSleep) -> None:
    policy = RetryPolicy(max_attempts=5, initial_wait=1, max_wait=3, jitter=0.25)
    with run_standin([status(502)]) as standin:
        response = await post(client(sleep, policy=policy), standin)
    assert response.status_code == 502
    assert standin.calls == 5
    low = [1.0, 2.0, 3.0, 3.0]
    assert all(lo <= w <= lo + 0.25 for lo, w in zip(low, sleep.waits, strict=True))
    assert sleep.waits[2:] == [3.0, 3.0]


@pytest.mark.parametrize("code", [408, 409, 501, 504])
async def test_other_retryable_statuses(sleep: FakeSleep, code: int) -> None:
    with run_standin([status(code), ok("hi")]) as standin:
        response = await post(client(sleep), standin)
    assert (response.status_code, standin.calls) == (200, 2)


@pytest.mark.parametrize("code", [400, 401, 404, 422])
async def test_other_4xx_not_retried(sleep: FakeSleep, code: int) -> None:
    with run_standin([status(code), ok("hi")]) as standin:
        response = await post(client(sleep), standin)
    assert (response.status_code, standin.calls, sleep.waits) == (code, 1, [])


async def test_context_length_400_returned_with_body(sleep: FakeSleep) -> None:
    with run_standin([context_too_long(), ok("hi")]) as standin:
        response = await post(client(sleep), standin)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "context_length_exceeded"
    assert standin.calls == 1


async def test_insufficient_quota_not_retried(sleep: FakeSleep) -> None:
    with run_standin([quota_exhausted(), ok("hi")]) as standin:
        response = await post(client(sleep), standin)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "insufficient_quota"
    assert (standin.calls, sleep.waits) == (1, [])


async def test_exhausted_attempts_return_last_response(
    sleep: FakeSleep, attempts: list[AttemptInfo], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="summarizer.llm.transport")
    with run_standin([status(500), status(503)]) as standin:
        response = await post(client(sleep, attempts), standin)
    assert response.status_code == 503
    assert standin.calls == POLICY.max_attempts == 4
    assert sleep.waits == [0.5, 1.0, 2.0]
    assert [a.status for a in attempts] == [500, 503, 503, 503]
    assert [a.wait for a in attempts] == [0.5, 1.0, 2.0, None]
    assert "HTTP 503 on attempt 4; giving up" in caplog.text


async def test_timeout_then_ok(sleep: FakeSleep, attempts: list[AttemptInfo]) -> None:
    # a real read timeout: the first try waits on a server that never answers, with a
    # 0.3 s read timeout; the retry keeps the client's 30 s, which no slow machine reaches
    inner = StandinTransport(verify=False, first_read=0.3)
    with run_standin([hang(), ok("hi")]) as standin:
        response = await post(client(sleep, attempts, inner=inner, clock=time.perf_counter),
                              standin)
    assert response.status_code == 200
    assert standin.calls == 2
    assert [(a.status, a.error) for a in attempts] == [(None, "ReadTimeout"), (200, None)]
    assert attempts[0].latency_s >= 0.25  # it did wait for the read timeout


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_connection_refused_retried_then_raised(
    sleep: FakeSleep, attempts: list[AttemptInfo]
) -> None:
    http = client(sleep, attempts)
    with pytest.raises(httpx2.ConnectError):
        async with http:
            await http.post(f"http://127.0.0.1:{closed_port()}/v1/chat/completions", json=BODY)
    assert len(attempts) == POLICY.max_attempts
    assert {a.error for a in attempts} == {"ConnectError"}
    assert sleep.waits == [0.5, 1.0, 2.0]


async def test_retry_after_ms_wins(sleep: FakeSleep) -> None:
    headers = {"retry-after-ms": "1500", "Retry-After": "9"}
    with run_standin([status(429, headers=headers), ok("hi")]) as standin:
        await post(client(sleep), standin)
    assert sleep.waits == [1.5]


async def test_retry_after_capped(sleep: FakeSleep) -> None:
    with run_standin([status(503, headers={"Retry-After": "600"}), ok("hi")]) as standin:
        await post(client(sleep), standin)
    assert sleep.waits == [POLICY.max_retry_after]


async def test_retry_after_http_date(sleep: FakeSleep) -> None:
    now = formatdate(timeval=None, usegmt=True)  # whole seconds: already past, so no wait
    with run_standin([status(429, headers={"Retry-After": now}), ok("hi")]) as standin:
        await post(client(sleep), standin)
    assert sleep.waits == [0.0]


def test_retry_after_parsing() -> None:
    now = 1_700_000_000.0
    date = formatdate(now + 7, usegmt=True)
    assert retry_after(httpx2.Headers({"Retry-After": date}), now=now) == 7.0
    assert retry_after(httpx2.Headers({"Retry-After": "3"})) == 3.0
    assert retry_after(httpx2.Headers({"Retry-After": "-3"})) == 0.0
    assert retry_after(httpx2.Headers({"retry-after-ms": "250"})) == 0.25
    assert retry_after(httpx2.Headers({"Retry-After": "soon"})) is None
    assert retry_after(httpx2.Headers({"retry-after-ms": "nan", "Retry-After": "4"})) == 4.0
    assert retry_after(httpx2.Headers({})) is None


async def test_unparsable_retry_after_falls_back_to_backoff(sleep: FakeSleep) -> None:
    with run_standin([status(429, headers={"Retry-After": "soon"}), ok("hi")]) as standin:
        await post(client(sleep), standin)
    assert sleep.waits == [0.5]


async def test_max_total_seconds_stops_early(sleep: FakeSleep) -> None:
    policy = RetryPolicy(max_attempts=10, max_total_seconds=5, max_retry_after=30)
    with run_standin([status(503, headers={"Retry-After": "2"})]) as standin:
        response = await post(client(sleep, policy=policy), standin)
    assert response.status_code == 503
    assert standin.calls == 3  # waits 2 + 2 fit in 5 s; a third 2 s wait would not
    assert sleep.waits == [2.0, 2.0]


async def test_attempt_events_reach_nested_observers_across_tasks(sleep: FakeSleep) -> None:
    outer, inner, after = CallTally(), CallTally(), CallTally()
    with run_standin([status(503), ok("a"), ok("b"), ok("c"), ok("d")]) as standin:
        async with client(sleep) as http:
            url = f"{standin.base_url}/chat/completions"
            with observe_calls(outer):
                tasks = [asyncio.create_task(http.post(url, json=BODY)) for _ in range(2)]
                await asyncio.gather(*tasks)
                with observe_calls(inner):
                    await http.post(url, json=BODY)
            with observe_calls(after):
                await http.post(url, json=BODY)
    assert (outer.requests, outer.retries, outer.waited_s) == (4, 1, 0.5)
    assert (inner.requests, inner.retries, inner.waited_s) == (1, 0, 0.0)
    assert (after.requests, outer.requests) == (1, 4)  # a closed block hears nothing more


class CannotOverwriteExistingCassetteException(Exception):
    """Same name as vcrpy's stale-cassette error: recognised by name, through a chain."""


class StaleCassette(httpx2.AsyncBaseTransport):
    """Raises as vcrpy's httpx stub does when a cassette has no answer: unwrapped."""

    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.calls += 1
        raise CannotOverwriteExistingCassetteException("no match")


async def test_stale_cassette_is_not_retried_and_is_seen_on_the_event_stream(
    sleep: FakeSleep
) -> None:
    inner, watch = StaleCassette(), StaleWatch()
    with observe_calls(watch), pytest.raises(CannotOverwriteExistingCassetteException):
        async with client(sleep, inner=inner) as http:
            await http.post("http://127.0.0.1:9/v1/chat/completions", json=BODY)
    assert (inner.calls, sleep.waits, watch.stale) == (1, [], 1)


async def test_vcrpy_records_and_replays_through_the_wrapper(
    sleep: FakeSleep, tmp_path: Path
) -> None:
    cassette = str(tmp_path / "retry.yaml")
    recorder = vcr.VCR(record_mode="once", match_on=["method", "path", "body"])
    with run_standin([status(503), ok("recorded")]) as standin, recorder.use_cassette(cassette):
        first = await post(client(sleep), standin)
    with recorder.use_cassette(cassette, record_mode="none"):  # server gone: replay only
        replayed = await post(client(sleep), standin)
        with pytest.raises(VcrStaleCassette):
            async with client(sleep) as http:
                await http.post(f"{standin.base_url}/chat/completions", json={"other": 1})
    assert first.json() == replayed.json()
    assert sleep.waits == [0.5, 0.5]  # one retry while recording, one while replaying


def sdk(standin: StandIn, policy: RetryPolicy = POLICY) -> openai.AsyncOpenAI:
    fast = replace(policy, initial_wait=0.01)
    return openai.AsyncOpenAI(
        base_url=standin.base_url, api_key="sk-test-secret", max_retries=0,
        http_client=build_http_client(fast, timeout=30.0),
    )


async def test_sdk_429_then_ok(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="summarizer.llm.transport")
    script = [status(429, headers={"retry-after-ms": "10"}), ok("hello", usage=(7, 3))]
    stats = CallTally()
    with run_standin(script) as standin, observe_calls(stats):
        async with sdk(standin) as api:
            completion = await api.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "secret article text"}]
            )
    assert completion.choices[0].message.content == "hello"
    assert completion.usage is not None and completion.usage.total_tokens == 10
    assert standin.calls == stats.requests == 2
    assert (stats.retries, stats.waited_s) == (1, 0.01)
    assert "HTTP 429 on attempt 1/4; retrying in 0.01s" in caplog.text
    assert "sk-test-secret" not in caplog.text and "secret article" not in caplog.text


async def test_sdk_context_length_raises_bad_request_after_one_call() -> None:
    with run_standin([context_too_long()]) as standin:
        async with sdk(standin) as api:
            with pytest.raises(openai.BadRequestError) as caught:
                await api.chat.completions.create(model="m", messages=[])
    assert caught.value.code == "context_length_exceeded"
    assert standin.calls == 1


async def test_sdk_quota_raises_rate_limit_after_one_call() -> None:
    with run_standin([quota_exhausted()]) as standin:
        async with sdk(standin) as api:
            with pytest.raises(openai.RateLimitError) as caught:
                await api.chat.completions.create(model="m", messages=[])
    assert "insufficient_quota" in str(caught.value)
    assert standin.calls == 1


async def test_sdk_gives_up_with_internal_server_error() -> None:
    policy = RetryPolicy(max_attempts=2, initial_wait=0.01, jitter=0)
    with run_standin([status(503)]) as standin:
        async with sdk(standin, policy) as api:
            with pytest.raises(openai.InternalServerError):
                await api.chat.completions.create(model="m", messages=[])
    assert standin.calls == 2


async def test_env_proxy_still_used_and_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    with run_standin([status(503), ok("via proxy")]) as standin:
        monkeypatch.setenv("HTTP_PROXY", standin.base_url.removesuffix("/v1"))
        policy = RetryPolicy(initial_wait=0.01, jitter=0)
        async with build_http_client(policy, timeout=30.0) as http:
            response = await http.post("http://summarizer.invalid/v1/chat/completions",
                                       json=BODY)
    assert response.json()["choices"][0]["message"]["content"] == "via proxy"
    assert standin.calls == 2
    assert standin.requests[0].path == "http://summarizer.invalid/v1/chat/completions"


def test_build_http_client_settings() -> None:
    http = build_http_client(POLICY, timeout=12.5)
    assert http.timeout == httpx2.Timeout(12.5)
    assert http.follow_redirects is True


async def test_standin_steps_through_the_sdk() -> None:
    tools = [{"type": "function", "function": {"name": "Digest", "parameters": {}}}]
    script = [
        ok('{"a": 1}', tool_call=True, finish_reason="length"),
        ok("", refusal="I can't help with that."),
        dynamic(lambda request: ok(request["messages"][0]["content"].upper())),
    ]
    user = [{"role": "user", "content": "echo"}]
    with run_standin(script, default=ok(lambda request: request["model"])) as standin:
        async with sdk(standin) as api:
            answers = [await api.chat.completions.create(model="m1", messages=user, tools=tools)
                       for _ in range(4)]
            models = await api.models.list()
    call = answers[0].choices[0]
    assert call.finish_reason == "length" and call.message.tool_calls is not None
    function = call.message.tool_calls[0].model_dump()["function"]
    assert function == {"name": "Digest", "arguments": '{"a": 1}'}
    refusal = answers[1].choices[0].message
    assert (refusal.refusal, refusal.content) == ("I can't help with that.", None)
    assert [a.choices[0].message.content for a in answers[2:]] == ["ECHO", "m1"]
    assert [m.id for m in models.data] == ["standin-model"]
    assert standin.calls == 4 and standin.requests[0].json["tools"] == tools
    assert standin.requests[0].headers["authorization"] == "Bearer sk-test-secret"


async def test_standin_latency_and_delay(sleep: FakeSleep) -> None:
    with run_standin([ok("slow", delay=0.05)], latency=0.07) as standin:
        started = time.perf_counter()
        response = await post(client(sleep), standin)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert standin.pauses == [0.05, 0.07]  # the step's delay, then the server's latency
    assert elapsed >= 0.12  # both were really waited (a lower bound: load only adds)
