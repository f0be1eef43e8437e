"""Batch runs against the local stand-in server: faults survived, nothing lost or doubled,
cache, resume after ``kill -9``, rate limits, lazy streaming, and the CLI commands.

Nothing here races the clock: client timeouts are generous, a timed-out try is the
stand-in's ``read_timeout()``, and the rate limit is checked on the limiter's own virtual
clock, so the counts hold on a loaded machine.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standin import (
    Status,
    Step,
    Timeout,
    context_too_long,
    dynamic,
    hang,
    ok,
    patch_transport,
    read_timeout,
    run_standin,
    status,
)
from typer.testing import CliRunner

from summarizer.article import Article
from summarizer.batch.engine import ArticleEngine, JobConfig
from summarizer.batch.runner import BatchConfig, run_batch, run_items
from summarizer.cli.app import app
from summarizer.config import LLMConfig, RetryPolicy
from summarizer.llm.client import build_client
from summarizer.llm.ratelimit import Limiter, RateLimits
from summarizer.pipeline import SummarizerConfig
from summarizer.store import Store

TEXT = ("ART-{n:03d}. Pakistan and China signed a memorandum of understanding on quantum "
        "computing cooperation in Islamabad on Monday. The agreement aims to train 500 "
        "researchers by 2030.")
DRAFT = json.dumps({
    "summary": {"headline": "Pakistan and China sign a quantum MoU",
                "one_line": "Pakistan and China signed an MoU on quantum computing.",
                "bullets": ["An MoU was signed.", "It covers quantum computing.",
                            "500 researchers are to be trained by 2030."]},
    "parties": [
        {"name": "Pakistan", "kind": "country",
         "evidence": ["Pakistan and China signed a memorandum of understanding"]},
        {"name": "China", "kind": "country",
         "evidence": ["Pakistan and China signed a memorandum of understanding"]}],
    "instruments": [{"kind": "mou", "status": "signed", "parties": ["Pakistan", "China"],
                     "evidence": ["signed a memorandum of understanding on quantum computing"]}],
    "sectors": [{"label": "quantum and advanced computing",
                 "evidence": ["quantum computing cooperation"]}],
    "targets": [{"description": "Train 500 researchers", "value": "500", "deadline": "2030",
                 "evidence": ["train 500 researchers by 2030"]}],
})
MARK = re.compile(r"ART-(\d{3})")
# Bounded by attempts, not by time: a wall-clock budget a loaded machine could exhaust
FAST_RETRY = RetryPolicy(max_attempts=4, max_total_seconds=600, initial_wait=0.01,
                         max_wait=0.02, jitter=0.0)


def _write_inputs(path: Path, count: int, bad_line_at: int | None = None) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            if n == bad_line_at:
                out.write("{not json\n")
            out.write(json.dumps({"id": f"a{n:03d}", "text": TEXT.format(n=n)}) + "\n")
    return path


def _config(
    tmp_path: Path, base_url: str, name: str = "out.jsonl", timeout: float = 60.0, **job: Any
) -> BatchConfig:
    llm = LLMConfig(base_url=base_url, model="standin-model", api_key="test", timeout=timeout,
                    max_reasks=1, retry=FAST_RETRY)
    tmp_path.mkdir(parents=True, exist_ok=True)  # an explicit --store's directory must exist
    job.setdefault("store", tmp_path / "store.db")
    job.setdefault("concurrency", 16)
    return BatchConfig(output=tmp_path / name,
                       job=JobConfig(summarizer=SummarizerConfig(backend="llm", llm=llm), **job))


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _stable(line: dict[str, Any], *also: str) -> dict[str, Any]:
    """A line without what differs between two runs (time stamps, durations, ``also``)."""
    drop = ("created_at", "duration_ms", *also)
    if "provenance" in line:
        line = {**line, "provenance": {k: v for k, v in line["provenance"].items()
                                       if k not in drop}}
    return line


# --------------------------------------------------------------------------- faults


class FaultPlan:
    """Per article (by its ART-nnn mark) and per call: deterministic faults.

    n % 5 == 0   first call 429 (Retry-After: 0)            → done   (20 % of articles)
    n % 20 == 1  first call 500                             → done
    n % 25 == 2  first call times out (read_timeout())     → done
    n % 25 == 3  first answer is not JSON (a re-ask)        → done
    n % 50 == 4  always 429                                 → failed: rate_limited
    n % 50 == 6  never valid JSON                           → failed: invalid_output
    n % 100 == 7 context too long                           → failed: context_too_long
    """

    def __init__(self) -> None:
        self.calls: Counter[int] = Counter()
        self.answers = 0
        self.lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> Step:
        n = int(MARK.findall(json.dumps(request["messages"]))[0])
        with self.lock:
            self.calls[n] += 1
            first = self.calls[n] == 1
            step = self._step(n, first)
            if not isinstance(step, Status | Timeout):
                self.answers += 1
            return step

    def _step(self, n: int, first: bool) -> Step:
        if n % 50 == 4:
            return status(429, headers={"Retry-After": "0"})
        if n % 50 == 6:
            return ok("this is {not json")
        if n % 100 == 7:
            return context_too_long()
        if first and n % 5 == 0:
            return status(429, headers={"Retry-After": "0"})
        if first and n % 20 == 1:
            return status(500)
        if first and n % 25 == 2:
            return read_timeout()
        if first and n % 25 == 3:
            return ok("this is {not json")
        return ok(DRAFT)


EXPECTED_FAILURES = {"rate_limited": 4, "invalid_output": 4, "context_too_long": 2,
                     "bad_input": 1}


async def test_200_articles_through_faults_then_cache_then_retry_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch_transport(monkeypatch)  # read_timeout() answers become httpx2.ReadTimeout
    inputs = _write_inputs(tmp_path / "in.jsonl", 200, bad_line_at=100)
    plan = FaultPlan()
    with run_standin([dynamic(plan)]) as standin:
        config = _config(tmp_path, standin.base_url)
        summary = await run_batch([str(inputs)], config)
        first_calls = standin.calls

    # every input ends done or failed-with-reason; the counts add up
    assert (summary.total, summary.done, summary.cached) == (201, 190, 0), summary.examples
    assert summary.failed == 11 and dict(summary.reasons) == EXPECTED_FAILURES
    lines = _lines(config.output)
    ids = [line.get("id") or line.get("article", {}).get("id") for line in lines]
    assert ids == [f"a{n:03d}" for n in range(100)] + [None] + [
        f"a{n:03d}" for n in range(100, 200)]  # input order, nothing lost or doubled
    failed = {line["id"]: line["error"]["kind"] for line in lines if "error" in line}
    assert failed["a004"] == "rate_limited" and failed["a006"] == "invalid_output"
    assert failed["a007"] == "context_too_long" and failed[None] == "bad_input"
    assert "in.jsonl:101" in lines[100]["source"]
    assert all(line["summary"]["headline"] for line in lines if "error" not in line)

    # every HTTP request is in the ledger (also connects the busy stand-in never accepted);
    # tokens are summed over every answer
    assert summary.usage.prompt_tokens == 10 * plan.answers
    assert summary.cost_usd == 0.0  # a local model
    with Store.open(config.job.store) as store:
        assert store.count_calls(summary.run_id) == summary.requests
        unseen = sum(c.reason in ("ConnectTimeout", "ConnectError") for c in store.calls())
        assert summary.requests - unseen == first_calls
        reasons = Counter(c.reason for c in store.calls(article="a000"))
        assert reasons == {"HTTP 429": 1, None: 1}
        assert {c.reason for c in store.calls(article="a002")} == {"ReadTimeout", None}
        outcomes = [c.outcome for c in store.calls(article="a004")]
        assert outcomes == ["failed", "retried", "retried", "retried"]  # newest first
        assert store.count_results("done") == 190 and store.count_results("failed") == 10

    # the same run again: all from the store, zero model calls, the same output
    first_output = config.output.read_bytes()
    with run_standin([status(500)]) as standin:
        again = await run_batch([str(inputs)], _config(tmp_path, standin.base_url))
        assert standin.calls == 0
    assert (again.done, again.cached, again.failed, again.failed_earlier) == (0, 190, 11, 10)
    assert again.requests == 0 and again.usage.total_tokens == 0
    assert config.output.read_bytes() == first_output

    # --retry-failed: only the failures are asked again
    with run_standin([ok(DRAFT)]) as standin:
        retried = await run_batch([str(inputs)], _config(tmp_path, standin.base_url,
                                                         retry_failed=True))
        assert standin.calls == 10
    assert (retried.done, retried.cached, retried.failed) == (10, 190, 1)
    assert dict(retried.reasons) == {"bad_input": 1}


async def test_identical_articles_in_one_run_are_paid_for_once(tmp_path: Path) -> None:
    articles = [Article(text=TEXT.format(n=1)), Article(text=TEXT.format(n=1)),
                Article(text=TEXT.format(n=2))]
    with run_standin([ok(DRAFT)]) as standin:
        summary = await run_items(articles, _config(tmp_path, standin.base_url))
        assert standin.calls == 2
    lines = _lines(tmp_path / "out.jsonl")
    assert lines[0] == lines[1] and lines[0]["article"]["id"] != lines[2]["article"]["id"]
    assert (summary.done, summary.cached) == (2, 1)


# --------------------------------------------------------------------------- kill -9


def _cli_args(inputs: Path, output: Path, store: Path, base_url: str) -> list[str]:
    return [sys.executable, "-m", "summarizer", "batch", str(inputs), "-o", str(output),
            "--store", str(store), "--base-url", base_url, "--model", "standin-model",
            "--concurrency", "4", "--no-progress"]


def _wait_for_lines(path: Path, count: int, timeout: float = 300.0) -> int:
    """Poll until ``path`` has ``count`` lines (``timeout``: only so a broken run fails
    instead of hanging)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            lines = path.read_bytes().count(b"\n")
            if lines >= count:
                return lines
        time.sleep(0.005)
    raise AssertionError(f"{path} never reached {count} lines")


async def test_killed_run_resumes_to_the_same_output(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 50)
    output, store = tmp_path / "out.jsonl", tmp_path / "kill.db"
    numbers = itertools.count(1)  # next() is atomic: the server answers in many threads

    def stall_after_24(request: dict[str, Any]) -> Step:
        """The first 24 calls are answered; the rest wait until the server stops, so the
        child is surely still running when it is killed, however slow the machine."""
        return ok(DRAFT) if next(numbers) <= 24 else hang()

    with run_standin([dynamic(stall_after_24)]) as first:
        child = subprocess.Popen(_cli_args(inputs, output, store, first.base_url),
                                 stderr=subprocess.DEVNULL)
        written = _wait_for_lines(output.with_name(".out.jsonl.part"), 15)
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert not output.exists()  # never a partial output file
        # The rerun talks to a server of its own, so it counts the rerun's calls alone: the
        # first may still be reading requests the killed child sent (on a loaded machine).
        with run_standin([ok(DRAFT)]) as second:
            rerun = subprocess.run(_cli_args(inputs, output, store, second.base_url),
                                   capture_output=True, text=True, timeout=600, check=False)
            assert rerun.returncode == 0, rerun.stderr
            paid_again = second.calls
            reference = await run_batch([str(inputs)], _config(
                tmp_path, second.base_url, name="reference.jsonl", store=tmp_path / "ref.db",
                concurrency=4))
        paid_first = first.calls  # read last; a request it has yet to read only lowers it
    assert reference.ok
    assert paid_again <= 50 - written  # what was written was not paid for again
    assert paid_first + paid_again <= 50 + 4  # at most the in-flight ones twice
    # the same output (but for the provider, host:port of two different stand-ins)
    resumed = [_stable(line, "provider") for line in _lines(output)]
    assert resumed == [_stable(line, "provider") for line in _lines(
        tmp_path / "reference.jsonl")]
    assert "cached" in rerun.stderr and "failed 0" in rerun.stderr


# --------------------------------------------------------------------------- limits, memory


class VirtualClockLimiter:
    """The run's :class:`Limiter` on a clock of its own that moves only when the limiter
    waits (and then at once): the schedule it keeps is exact however slowly the machine
    runs. Notes the time (on that clock) at which it lets each request go."""

    def __init__(self, limits: RateLimits) -> None:
        self.now = 0.0
        self.limiter = Limiter(limits, clock=lambda: self.now, sleep=self._sleep)
        self.starts: list[float] = []

    async def _sleep(self, seconds: float) -> None:
        self.now += seconds

    async def acquire(self, tokens: int) -> None:
        await self.limiter.acquire(tokens)
        self.starts.append(self.now)


async def test_the_rpm_limit_holds_across_the_run(tmp_path: Path) -> None:
    calls: Counter[int] = Counter()

    def first_tries_fail(request: dict[str, Any]) -> Step:
        n = int(MARK.findall(json.dumps(request["messages"]))[0])
        calls[n] += 1
        if calls[n] == 1 and n % 4 == 0:
            return status(429, headers={"Retry-After": "0"})  # a retry
        if calls[n] == 1 and n % 4 == 1:
            return ok("this is {not json")  # a re-ask
        return ok(DRAFT)

    limits = RateLimits(rpm=6)  # one request every 10 s; 16 tasks at once
    clocked = VirtualClockLimiter(limits)
    with run_standin([dynamic(first_tries_fail)]) as standin:
        config = _config(tmp_path, standin.base_url, limits=limits)
        client = build_client(config.job.summarizer.llm, limiter=clocked)
        articles = [Article(text=TEXT.format(n=n)) for n in range(12)]
        summary = await run_items(articles, config, client=client)
        calls_seen = standin.calls
    assert summary.done == 12 and calls_seen == summary.requests == 12 + 3 + 3
    # every request the server saw, retries and re-asks included, waited for the limiter,
    # which let them go exactly 10 s apart: no 60 s window holds more than 6
    assert len(clocked.starts) == calls_seen
    assert clocked.starts == pytest.approx([10.0 * k for k in range(calls_seen)])
    busiest = max(sum(1 for t in clocked.starts if a <= t < a + 60.0 - 1e-6)
                  for a in clocked.starts)
    assert busiest == 6


async def test_inputs_are_read_lazily(tmp_path: Path) -> None:
    pulled = 0
    gaps: list[int] = []

    def articles() -> Iterator[Article]:
        nonlocal pulled
        for n in range(80):
            pulled += 1
            yield Article(text=TEXT.format(n=n))

    with run_standin([ok(DRAFT)]) as standin:
        config = _config(tmp_path, standin.base_url, concurrency=4)
        config = BatchConfig(output=config.output, job=config.job, window=8)
        summary = await run_items(articles(), config, on_progress=lambda s: gaps.append(
            pulled - s.total))
    assert summary.done == 80 and len(_lines(config.output)) == 80
    assert max(gaps) <= 2 * 8  # read ahead of the output: at most the window, twice


# --------------------------------------------------------------------------- CLI


def test_cli_batch_exit_code_and_log_formats(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 3, bad_line_at=1)
    store = tmp_path / "cli.db"
    runner = CliRunner()
    with run_standin([status(429, headers={"Retry-After": "0"}), ok(DRAFT)]) as standin:
        result = runner.invoke(app, ["batch", str(inputs), "-o", str(tmp_path / "o.jsonl"),
                                     "--store", str(store), "--base-url", standin.base_url,
                                     "--model", "standin-model", "--no-progress"])
    assert result.exit_code == 1  # the bad line failed
    assert "done 3 · cached 0 · failed 1 (bad_input 1)" in result.stderr
    assert len(_lines(tmp_path / "o.jsonl")) == 4
    as_jsonl = runner.invoke(app, ["log", "--store", str(store), "--format", "jsonl"])
    rows = [json.loads(line) for line in as_jsonl.stdout.splitlines()]
    assert len(rows) == 4 and Counter(r["outcome"] for r in rows) == {"ok": 3, "retried": 1}
    as_csv = runner.invoke(app, ["log", "--store", str(store), "-f", "csv", "-n", "2"])
    assert as_csv.stdout.splitlines()[0].startswith("at,article,model,prompt,attempt,outcome")
    assert len(as_csv.stdout.splitlines()) == 3
    table = runner.invoke(app, ["log", "--store", str(store)])
    assert table.exit_code == 0 and "HTTP 429" in table.stdout
    assert runner.invoke(app, ["log", "--format", "xml"]).exit_code == 2
    nowhere = runner.invoke(app, ["batch", str(inputs), "-o", str(tmp_path / "no" / "o.jsonl"),
                                  "--store", str(store), "--backend", "rules"])
    assert nowhere.exit_code == 1
    assert nowhere.stderr.startswith(f"error: {tmp_path / 'no' / 'o.jsonl'}: cannot write")


# --------------------------------------------------------------------------- rules backend


async def test_rules_backend_runs_in_worker_processes(tmp_path: Path) -> None:
    job = JobConfig(summarizer=SummarizerConfig(backend="rules"), store=tmp_path / "r.db",
                    processes=2)
    articles = [Article(text=TEXT.format(n=n), id=f"r{n}") for n in range(30)]
    async with ArticleEngine(job) as engine:
        outcomes = await asyncio.gather(*(engine.process(a) for a in articles))
        workers = set(engine._pool._processes) if engine._pool else set()
    assert len(workers) == 2 and os.getpid() not in workers
    assert [o.status for o in outcomes] == ["done"] * 30
    digests = [json.loads(o.line) for o in outcomes]
    assert [d["article"]["id"] for d in digests] == [f"r{n}" for n in range(30)]
    assert {d["provenance"]["backend"] for d in digests} == {"rules"}
    assert {p["name"] for p in digests[0]["parties"]} >= {"Pakistan", "China"}

    config = BatchConfig(output=tmp_path / "rules.jsonl", job=job)
    again = await run_items(articles, config)  # through the whole run: all from the store
    assert (again.done, again.cached, again.requests) == (0, 30, 0)
    assert _lines(config.output) == digests


async def test_rules_backend_inline_when_asked(tmp_path: Path) -> None:
    job = JobConfig(summarizer=SummarizerConfig(backend="rules"), store=tmp_path / "r.db",
                    processes=0)
    config = BatchConfig(output=tmp_path / "inline.jsonl", job=job)
    summary = await run_items([Article(text=TEXT.format(n=n)) for n in range(5)], config)
    assert (summary.done, summary.failed) == (5, 0)
    assert {line["provenance"]["backend"] for line in _lines(config.output)} == {"rules"}
