"""Rate limits: the pacer's exact schedule, its window guarantee, and token estimates."""

from __future__ import annotations

import asyncio
import itertools
import math
import random

import httpx2
import pytest

from summarizer.errors import ConfigError
from summarizer.llm.ratelimit import Limiter, Pacer, RateLimits, estimate_request_tokens


class FakeTime:
    """A clock that moves only when a caller sleeps (one caller at a time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


class StillTime(FakeTime):
    """A clock that stands still while callers wait: concurrent callers all reserve at
    the same instant, however late the event loop gets round to each of them."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)  # still a real suspension point


async def test_requests_are_spaced_evenly_in_call_order() -> None:
    fake = FakeTime()
    pacer = Pacer(10, 1.0, clock=fake.clock, sleep=fake.sleep)
    starts = [await pacer.acquire() for _ in range(5)]
    assert starts == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.4])


async def test_concurrent_callers_share_one_schedule() -> None:
    still = StillTime()
    pacer = Pacer(50, 1.0, clock=still.clock, sleep=still.sleep)  # 20 ms apart
    starts = await asyncio.gather(*(pacer.acquire() for _ in range(6)))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert gaps == pytest.approx([0.02] * 5)
    assert still.waits == pytest.approx([0.02, 0.04, 0.06, 0.08, 0.10])  # the first: none


async def test_tokens_are_paced_by_size() -> None:
    fake = FakeTime()
    pacer = Pacer(1000, 60.0, clock=fake.clock, sleep=fake.sleep)
    assert [await pacer.acquire(n) for n in (500, 500, 100, 10)] == pytest.approx(
        [0.0, 30.0, 60.0, 66.0])


async def test_no_window_ever_sees_more_than_the_rate_plus_one_request() -> None:
    fake = FakeTime()
    pacer = Pacer(1000, 60.0, clock=fake.clock, sleep=fake.sleep)
    rng = random.Random(4)
    events = []
    for _ in range(300):
        amount = rng.randint(1, 300)
        events.append((await pacer.acquire(amount), amount))
        fake.now += rng.random() * 3  # callers arrive irregularly
    for start, _ in events:
        in_window = sum(a for t, a in events if start <= t < start + 60.0)
        assert in_window <= 1000 + 300


async def test_limiter_applies_both_limits() -> None:
    limiter = Limiter(RateLimits(rpm=600, tpm=None, period=60.0))
    assert limiter.tokens is None and limiter.requests is not None
    assert limiter.requests.seconds_per_unit == pytest.approx(0.1)
    fake = FakeTime()
    both = Limiter(RateLimits(rpm=2, tpm=1000, period=60.0), clock=fake.clock, sleep=fake.sleep)
    starts = []
    for tokens in (100, 1000, 10):
        await both.acquire(tokens)
        starts.append(fake.now)
    # the 2nd waits for its request slot (30 s apart); the 3rd for the 2nd's 1000 tokens,
    # booked from 6 s (after the 1st's 100) at 0.06 s a token
    assert starts == pytest.approx([0.0, 30.0, 66.0])
    assert both.reserve(10) == pytest.approx(30.0)  # booked for 96 s, not waited
    assert fake.now == pytest.approx(66.0)
    assert not RateLimits().active and RateLimits(tpm=5).active
    with pytest.raises(ConfigError, match="--rpm must be a positive number"):
        RateLimits(rpm=0)


def test_request_tokens_are_the_body_plus_the_answer_budget() -> None:
    body = {"model": "m", "max_tokens": 100, "messages": [{"role": "user", "content": "x" * 400}]}
    request = httpx2.Request("POST", "http://127.0.0.1/v1/chat/completions", json=body)
    size = len(request.content)
    assert estimate_request_tokens(request) == math.ceil(size / 4) + 100
    bare = httpx2.Request("POST", "http://127.0.0.1/x", content=b"not json")
    assert estimate_request_tokens(bare) == 2
