"""Ray Data scale-out against the local stand-in server: one row per input with failures
recorded (never raised), one rate limiter shared by every worker, resume from Ray Data's
checkpoints, and ``summarizer batch --engine ray`` writing what the local engine writes.

Needs ``ray[data]`` (the ``summarizer[ray]`` extra); without it these tests skip, except
the one that checks the message a user without Ray gets. One local Ray serves the module.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from standin import Status, Step, context_too_long, dynamic, ok, run_standin, status
from test_batch import DRAFT, FAST_RETRY, MARK, TEXT, _lines, _stable
from typer.testing import CliRunner

from summarizer.batch import ray_data, ray_limiter, ray_rows
from summarizer.batch.engine import JobConfig
from summarizer.batch.ray_data import Extractor, RayRunConfig, digest_dataset
from summarizer.batch.runner import BatchConfig
from summarizer.cli.app import app
from summarizer.config import LLMConfig
from summarizer.errors import SummarizerError
from summarizer.llm.ratelimit import Limiter, RateLimits
from summarizer.pipeline import SummarizerConfig

RAY_MISSING = "ray[data] is not installed (pip install 'summarizer[ray]'); CI installs it"
HEADLINE = json.loads(DRAFT)["summary"]["headline"]
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*")
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(scope="module")
def ray_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One local Ray for the module (``ray.init`` takes seconds). Its workers inherit this
    environment, so it is made private first: no proxies, a throwaway summarizer home."""
    ray = pytest.importorskip("ray", reason=RAY_MISSING)
    pytest.importorskip("ray.data", reason=RAY_MISSING)
    with pytest.MonkeyPatch.context() as env:
        for name in PROXIES:
            env.delenv(name, raising=False)
        env.setenv("SUMMARIZER_HOME", str(tmp_path_factory.mktemp("ray-home")))
        # 4 logical CPUs on 2 cores: the workers mostly wait on HTTP, and checkpoint
        # filtering needs CPUs of its own beside the actor pool
        ray.init(num_cpus=4, include_dashboard=False, logging_level=logging.WARNING)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield ray
    ray.shutdown()


def _job(tmp_path: Path, base_url: str, **job: Any) -> JobConfig:
    llm = LLMConfig(base_url=base_url, model="standin-model", api_key="test", timeout=60.0,
                    max_reasks=1, retry=FAST_RETRY)
    job.setdefault("store", tmp_path / "store.db")
    job.setdefault("concurrency", 16)
    return JobConfig(summarizer=SummarizerConfig(backend="llm", llm=llm), **job)


def _write(path: Path, numbers: range, blank: int | None = None) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in numbers:
            text = "" if n == blank else TEXT.format(n=n)
            out.write(json.dumps({"id": f"a{n:03d}", "text": text}) + "\n")
    return path


class Faults:
    """Per article (its ART-nnn mark): n%10==3 always 429, n%10==7 never JSON, n==5 too
    long for the context, n%10==1 a 500 first; the rest answer at once."""

    def __init__(self) -> None:
        self.calls: Counter[int] = Counter()
        self.answers = 0
        self.lock = threading.Lock()

    def __call__(self, request: dict[str, Any]) -> Step:
        n = int(MARK.findall(json.dumps(request["messages"]))[0])
        with self.lock:
            self.calls[n] += 1
            step = self._step(n, self.calls[n] == 1)
            self.answers += not isinstance(step, Status)
            return step

    @staticmethod
    def _step(n: int, first: bool) -> Step:
        if n % 10 == 3:
            return status(429, headers={"Retry-After": "0"})
        if n % 10 == 7:
            return ok("this is {not json")
        if n == 5:
            return context_too_long()
        if first and n % 10 == 1:
            return status(500)
        return ok(DRAFT)


# --------------------------------------------------------------------------- extractor


def test_the_limiter_actor_books_both_limits_without_waiting() -> None:
    limits = RateLimits(rpm=2, tpm=100, period=60.0)
    booth = ray_limiter.LimiterActor(limits)  # as Ray runs it
    booth.limiter = Limiter(limits, clock=lambda: 0.0)  # all booked at one instant
    delays = [booth.reserve(50, "w1"), booth.reserve(50, "w2"), booth.reserve(10, "w1")]
    # tokens: 50 → the next may start 30 s later; requests: one every 30 s, and never
    # before the tokens allow
    assert delays == pytest.approx([0.0, 30.0, 60.0])
    assert booth.stats() == {"reservations": 3, "callers": 2}



def test_every_input_is_one_row_and_failures_are_rows(ray_session: Any, tmp_path: Path) -> None:
    inputs = _write(tmp_path / "in.jsonl", range(40), blank=39)
    plan = Faults()
    with run_standin([dynamic(plan)]) as standin:
        ds = ray_session.data.read_json(str(inputs))
        rows = digest_dataset(ds, _job(tmp_path, standin.base_url), batch_size=8).take_all()
        calls = standin.calls

    assert sorted(row["id"] for row in rows) == [f"a{n:03d}" for n in range(40)]
    assert all("text" not in row for row in rows)  # consumed, not passed through
    failed = {row["id"]: row["error"]["kind"] for row in rows if row["status"] == "failed"}
    assert failed == {**{f"a{n:03d}": "rate_limited" for n in (3, 13, 23, 33)},
                      **{f"a{n:03d}": "invalid_output" for n in (7, 17, 27, 37)},
                      "a005": "context_too_long", "a039": "bad_input"}
    for row in rows:
        if row["status"] == "failed":
            assert row["id"] in row["error"]["message"] and row["digest"] is None
        else:
            assert row["error"] is None and row["article_id"] == row["id"]
            assert json.loads(row["digest"])["article"]["id"] == row["id"]
            assert (row["headline"], row["parties"]) == (HEADLINE, ["Pakistan", "China"])
    assert "text" in next(r for r in rows if r["id"] == "a039")["error"]["message"]

    # usage and requests add up to what the server saw: 4 tries for a 429 article, a try
    # and a re-ask for an invalid one, two tries after a 500
    assert sum(row["requests"] for row in rows) == calls == 30 + 4 + 4 * 4 + 4 * 2 + 1
    assert sum(row["usage"]["prompt_tokens"] for row in rows) == 10 * plan.answers
    assert {row["cached"] for row in rows} == {False}


def test_one_rate_limiter_is_shared_by_every_worker(ray_session: Any, tmp_path: Path) -> None:
    class BookingLimiterActor(ray_limiter.LimiterActor):
        """The shared limiter, also noting when each request it booked may start, on
        ``time.monotonic`` (one clock for every process of this machine). Defined in the test,
        so Ray ships it by value to its workers."""

        def __init__(self, limits: RateLimits) -> None:
            super().__init__(limits)
            self.read = 0.0
            self.limiter = Limiter(limits, clock=self._clock)
            self.starts: list[float] = []

        def _clock(self) -> float:
            self.read = time.monotonic()
            return self.read

        def reserve(self, tokens: int, caller: str = "") -> float:
            delay = super().reserve(tokens, caller)
            self.starts.append(self.read + delay)  # rpm only: the clock was read once
            return delay

        def booked(self) -> list[float]:
            return self.starts

    arrivals: list[float] = []

    def clocked(request: dict[str, Any]) -> Step:
        arrivals.append(time.monotonic())
        return ok(DRAFT)

    files = [str(_write(tmp_path / f"in{k}.jsonl", range(5 * k, 5 * k + 5))) for k in (0, 1)]
    limits = RateLimits(rpm=10, period=1.0)  # 100 ms apart, cluster-wide
    name = f"test-limiter-{uuid.uuid4().hex[:8]}"
    # the driver owns it; the workers' limiter_actor(limits, name) finds it by name
    limiter = ray_session.remote(num_cpus=0)(BookingLimiterActor).options(
        name=name, namespace=ray_rows.NAMESPACE).remote(limits)
    with run_standin([dynamic(clocked)]) as standin:
        job = _job(tmp_path, standin.base_url, limits=limits)
        ds = ray_session.data.read_json(files, override_num_blocks=2).map_batches(
            Extractor, fn_constructor_kwargs={"job": job, "limiter": name},
            compute=ray_session.data.ActorPoolStrategy(size=2, max_tasks_in_flight_per_actor=1),
            batch_format="pyarrow", batch_size=5)
        rows = ds.take_all()

    assert [row["status"] for row in rows] == ["done"] * 10 and len(arrivals) == 10
    stats = ray_session.get(limiter.stats.remote())
    assert stats == {"reservations": 10, "callers": 2}  # both workers booked with it
    # One schedule for the cluster, 100 ms apart (two limiters of their own would book
    # the workers' first requests together), and no request reached the server before
    # its booked start. Lower bounds only: a loaded machine can only make requests later.
    starts = sorted(ray_session.get(limiter.booked.remote()))
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(starts)), starts
    assert all(arrived >= start for arrived, start in zip(sorted(arrivals), starts,
                                                          strict=True)), (arrivals, starts)


# --------------------------------------------------------------------------- batch runs


def _config(tmp_path: Path, base_url: str, store: str) -> BatchConfig:
    return BatchConfig(output=tmp_path / "out.jsonl",
                       job=_job(tmp_path, base_url, store=tmp_path / store))


def test_a_crashed_run_resumes_from_checkpoints(
    ray_session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / ".out.jsonl.ray"
    checkpoints = work / "checkpoint"

    class Crashing(Extractor):
        """Loses the worker holding the last block, once the other four are committed
        (or 300 s have passed, so a broken run fails instead of hanging). Defined here,
        so Ray ships it by value to its workers."""

        async def __call__(self, batch: Any) -> Any:
            if max(batch.column("seq").to_pylist()) >= 32:
                deadline = time.monotonic() + 300
                while len(self.committed()) < 4 and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                raise RuntimeError("worker lost")
            return await super().__call__(batch)

        @staticmethod
        def committed() -> list[Path]:
            """Checkpoints Ray Data committed (a ``.pending`` one is undone on resume)."""
            return [p for p in checkpoints.glob("*.parquet") if ".pending" not in p.name]

    parquet = pytest.importorskip("pyarrow.parquet", reason=RAY_MISSING)
    inputs = [str(_write(tmp_path / "in.jsonl", range(40)))]
    small_blocks = RayRunConfig(block_rows=8)
    with run_standin([ok(DRAFT)]) as standin:
        monkeypatch.setattr(ray_data, "Extractor", Crashing)
        with pytest.raises(SummarizerError, match=r"\(RuntimeError: worker lost\); rerun"):
            ray_data.run_ray_batch(inputs, _config(tmp_path, standin.base_url, "a.db"),
                                   small_blocks)
        monkeypatch.undo()
        saved = sum(parquet.read_metadata(path).num_rows for path in Crashing.committed())
        assert not (tmp_path / "out.jsonl").exists()
        assert saved % 8 == 0 and 8 <= saved <= 32  # whole blocks, the crashed one not
        before = standin.calls
        # a fresh store: only Ray's checkpoints can keep saved rows from being paid again
        summary = ray_data.run_ray_batch(inputs, _config(tmp_path, standin.base_url, "b.db"),
                                         small_blocks)
        assert standin.calls - before == 40 - saved

    assert (summary.done, summary.cached, summary.failed) == (40 - saved, saved, 0)
    assert summary.requests == 40 - saved
    lines = _lines(tmp_path / "out.jsonl")
    assert [line["article"]["id"] for line in lines] == [f"a{n:03d}" for n in range(40)]
    assert not work.exists()


def test_cli_engine_ray_writes_what_the_local_engine_writes(
    ray_session: Any, tmp_path: Path
) -> None:
    inputs = tmp_path / "in.jsonl"
    _write(inputs, range(6))
    with inputs.open("a", encoding="utf-8") as out:
        out.write("{not json\n")
    runner = CliRunner()

    def batch(engine: str, output: str, store: str, base_url: str) -> Any:
        return runner.invoke(app, [
            "batch", str(inputs), "-o", str(tmp_path / output), "--store",
            str(tmp_path / store), "--base-url", base_url, "--model", "standin-model",
            "--no-progress", "--engine", engine])

    with run_standin([ok(DRAFT)]) as standin:
        on_ray = batch("ray", "ray.jsonl", "ray.db", standin.base_url)
        local = batch("local", "local.jsonl", "local.db", standin.base_url)
        assert standin.calls == 12

    assert on_ray.exit_code == local.exit_code == 1  # the bad line failed
    assert "done 6 · cached 0 · failed 1 (bad_input 1)" in on_ray.stderr
    ray_lines = _lines(tmp_path / "ray.jsonl")
    assert [_stable(line) for line in ray_lines] == [
        _stable(line) for line in _lines(tmp_path / "local.jsonl")]
    assert ray_lines[6]["error"]["kind"] == "bad_input"
    assert ray_lines[6]["source"].endswith("in.jsonl:7")


def test_cli_says_how_to_install_ray_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, installed or not
    inputs = _write(tmp_path / "in.jsonl", range(1))
    result = CliRunner().invoke(app, ["batch", str(inputs), "-o", str(tmp_path / "o.jsonl"),
                                      "--engine", "ray", "--backend", "rules"])
    assert result.exit_code == 1
    assert result.stderr == "error: ray is not installed: pip install 'summarizer[ray]'\n"
    usage = CliRunner().invoke(app, ["batch", str(inputs), "-o", str(tmp_path / "o.jsonl"),
                                     "--ray-address", "auto"])
    assert usage.exit_code == 2 and "needs --engine ray" in usage.stderr
