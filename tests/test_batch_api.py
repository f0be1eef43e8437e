"""The provider Batch API route, through the library, against the Files + Batches stand-in."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from batch_api_standin import Plan, run_batch_api
from standin import dynamic, ok, status
from test_batch import DRAFT, MARK, _config, _lines, _stable, _write_inputs

from summarizer.batch.provider import BatchApiConfig, FileLimits, PollPolicy
from summarizer.batch.provider import run_batch_api as run_route
from summarizer.batch.provider.journal import Journal
from summarizer.batch.runner import BatchConfig, run_batch
from summarizer.costs import load_prices
from summarizer.store import Store

INSTANT = PollPolicy(initial=1.0, factor=2.0, maximum=8.0)


class Sleeps:
    """An injected pause: records the waits asked for, waits for none."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


def _route(config: BatchConfig, inputs: Path, sleeps: Sleeps | None = None,
           **options: Any) -> Any:
    options.setdefault("poll", INSTANT)
    return asyncio.run(run_route([str(inputs)], config, BatchApiConfig(**options),
                                 sleep=sleeps or Sleeps()))


def _ignoring_route(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines without what says how they were made (via, batch id, attempts)."""
    out = []
    for line in map(_stable, lines):
        if "provenance" in line:
            line = {**line, "provenance": {k: v for k, v in line["provenance"].items()
                                           if k not in ("via", "batch_id", "attempts")}}
        out.append(line)
    return out


def test_a_batch_run_writes_what_a_live_run_writes(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 12, bad_line_at=5)
    with run_batch_api(default=ok(DRAFT)) as api:
        config = _config(tmp_path, api.base_url, "batch.jsonl")
        sleeps = Sleeps()
        result = _route(config, inputs, sleeps)
        assert (api.creates, api.uploads, api.calls) == (1, 1, 0)
        assert len(api.batch_requests) == 12
        live = asyncio.run(run_batch([str(inputs)], _config(
            tmp_path, api.base_url, "live.jsonl", store=tmp_path / "live.db")))
    assert result.answered == 12 and result.summary.failed == live.failed == 1  # bad line
    batch_lines, live_lines = _lines(tmp_path / "batch.jsonl"), _lines(tmp_path / "live.jsonl")
    assert len(batch_lines) == 13 and "error" in batch_lines[5]
    assert _ignoring_route(batch_lines) == _ignoring_route(live_lines)
    prov = batch_lines[0]["provenance"]
    assert (prov["via"], prov["batch_id"]) == ("batch_api", "batch_0001")
    assert sleeps.asked == [1.0, 2.0]  # validating → in_progress → finalizing → completed
    with Store.open(tmp_path / "store.db") as store:
        assert store.count_results("done") == 12 and store.count_calls() == 12
        chunk, = Journal(store).chunks()
        assert (chunk.state, chunk.remote_status, chunk.completed) == ("collected",
                                                                      "completed", 12)
        assert chunk.live_cost_usd == 0.0  # a local model costs nothing either way


def test_a_rerun_reuses_everything_and_submits_nothing(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 4)
    with run_batch_api(default=ok(DRAFT)) as api:
        config = _config(tmp_path, api.base_url)
        _route(config, inputs)
        first = (tmp_path / "out.jsonl").read_text()
        again = _route(config, inputs)
        assert (api.creates, api.uploads, api.calls) == (1, 1, 0)
    assert again.summary.cached == 4 and again.answered == 0
    assert (tmp_path / "out.jsonl").read_text() == first


def test_the_error_file_and_invalid_answers_go_live(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 6)

    seen: set[int] = set()

    def answer(request: dict[str, Any]) -> Any:
        n = int(MARK.findall(json.dumps(request["messages"]))[0])
        first = n not in seen
        seen.add(n)
        if n == 1 and first:
            return status(500)
        return ok("{not json") if n == 2 else ok(DRAFT)

    with run_batch_api([], default=dynamic(answer)) as api:
        config = _config(tmp_path, api.base_url)
        result = _route(config, inputs)
        assert api.creates == 1 and api.calls == 1 + 2  # n=1 once, n=2 with one re-ask
    lines = _lines(tmp_path / "out.jsonl")
    assert result.answered == 4 and len(lines) == 6
    assert "error" in lines[2] and lines[2]["error"]["kind"] == "invalid_output"
    assert lines[1]["provenance"].get("via") is None  # digested live after the 500
    with Store.open(tmp_path / "store.db") as store:
        failed = Journal(store).failures()
        assert sorted(kind for _, kind, _ in failed.values()) == ["batch_error",
                                                                  "invalid_output"]


def test_failures_can_go_to_a_follow_up_batch_or_be_reported(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 5)
    answers = [ok(DRAFT), status(500), ok(DRAFT), ok(DRAFT), ok(DRAFT)]
    with run_batch_api(answers, default=ok(DRAFT)) as api:
        result = _route(_config(tmp_path, api.base_url), inputs, retry="batch")
        assert (api.creates, api.calls) == (2, 0)
        assert api.batches["batch_0002"]["request_counts"]["total"] == 1
        assert len(api.batch_requests) == 6
    assert result.ok and result.answered == 5
    with run_batch_api([status(500)], default=ok(DRAFT)) as api:
        result = _route(_config(tmp_path / "b", api.base_url), inputs, retry="none")
        assert (api.creates, api.calls) == (1, 0)
    lines = _lines(tmp_path / "b" / "out.jsonl")
    assert not result.ok and sum("error" in line for line in lines) == 1
    assert next(line for line in lines if "error" in line)["error"]["kind"] == "batch_error"


@pytest.mark.parametrize("final", ["expired", "cancelled", "failed"])
def test_a_batch_that_ends_early_keeps_what_finished(tmp_path: Path, final: str) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 5)
    plan = Plan(final=final, finish=3) if final != "cancelled" else Plan(hold=True, finish=3)
    with run_batch_api(default=ok(DRAFT), plan=plan) as api:
        config = _config(tmp_path, api.base_url)
        if final == "cancelled":
            asyncio.run(_cancel_midway(config, inputs, api))
        result = _route(config, inputs)
        kept = 0 if final == "failed" else 3
        assert result.answered == kept and api.calls == 5 - kept
        assert api.creates == 1
    lines = _lines(tmp_path / "out.jsonl")
    assert len(lines) == 5 and not any("error" in line for line in lines)
    assert sum(line["provenance"].get("via") == "batch_api" for line in lines) == kept


async def _cancel_midway(config: BatchConfig, inputs: Path, api: Any) -> None:
    """Submit, then cancel from outside (as the provider's dashboard would)."""
    import openai

    await run_route([str(inputs)], config, BatchApiConfig(wait=False))
    client = openai.AsyncOpenAI(base_url=api.base_url, api_key="t", max_retries=0)
    await client.batches.cancel("batch_0001")
    await client.close()


def test_requests_are_split_at_the_file_limits(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 7)
    with run_batch_api(default=ok(DRAFT)) as api:
        result = _route(_config(tmp_path, api.base_url), inputs,
                        limits=FileLimits(max_requests=3))
        assert api.creates == 3 and [len(c) for c in _file_lines(api)] == [3, 3, 1]
        size = max(len(line) + 1 for lines in _file_lines(api) for line in lines)
    assert result.answered == 7 and len(_lines(tmp_path / "out.jsonl")) == 7
    with run_batch_api(default=ok(DRAFT)) as api:
        _route(_config(tmp_path / "b", api.base_url), inputs, limits=FileLimits(max_bytes=1))
        assert api.creates == 7  # every line is larger than the limit: a file each
    with run_batch_api(default=ok(DRAFT)) as api:
        _route(_config(tmp_path / "c", api.base_url), inputs,
               limits=FileLimits(max_bytes=2 * size + 1))
        assert [len(c) for c in _file_lines(api)] == [2, 2, 2, 1]


def _file_lines(api: Any) -> list[list[str]]:
    return [api.contents[f["id"]].decode().splitlines() for f in api.batch_files]


def test_no_wait_submits_and_a_rerun_collects(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 3)
    with run_batch_api(default=ok(DRAFT)) as api:
        config = _config(tmp_path, api.base_url)
        submitted = _route(config, inputs, wait=False)
        assert submitted.pending == 1 and not (tmp_path / "out.jsonl").exists()
        assert "rerun the same command" in submitted.describe()
        done = _route(config, inputs)
        assert api.creates == 1 and done.ok and done.answered == 3
    assert len(_lines(tmp_path / "out.jsonl")) == 3


def test_the_batch_rate_is_half_the_live_rate(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 2)
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"standin-model": {"input": 1.0, "output": 4.0}}))
    with run_batch_api(default=ok(DRAFT, usage=(1_000_000, 500_000))) as api:
        config = _config(tmp_path, api.base_url)
        summarizer = replace(config.job.summarizer, prices=load_prices(prices))
        result = _route(replace(config, job=replace(config.job, summarizer=summarizer)), inputs)
    assert result.live_equivalent_usd == pytest.approx(2 * 3.0)
    assert result.batch_cost_usd == pytest.approx(2 * 1.5)
    assert result.summary.cost_usd == pytest.approx(3.0)
    assert "$3.0000 at the batch rate (live: $6.0000)" in result.describe()


def test_a_create_whose_reply_is_lost_is_found_not_repeated(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 3)
    with run_batch_api(default=ok(DRAFT), plan=Plan(lost_creates=1)) as api:
        result = _route(_config(tmp_path, api.base_url), inputs)
        assert api.creates == 1 and result.ok and result.answered == 3


def test_an_interrupted_wait_keeps_the_batch_unless_asked_to_cancel(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 5)

    async def interrupted(_: float) -> None:
        raise asyncio.CancelledError  # what Ctrl-C delivers inside asyncio.run

    with run_batch_api(default=ok(DRAFT), plan=Plan(hold=True, finish=2)) as api:
        config = _config(tmp_path, api.base_url)
        for cancel in (False, True):
            with pytest.raises(asyncio.CancelledError):
                asyncio.run(run_route([str(inputs)], config,
                                      BatchApiConfig(cancel=cancel, poll=INSTANT),
                                      sleep=interrupted))
            assert api.cancels == cancel and api.creates == 1
            assert not (tmp_path / "out.jsonl").exists()
        result = _route(config, inputs)  # collects the cancelled batch, the rest live
        assert api.creates == 1 and api.calls == 3
    assert result.ok and result.answered == 2
    assert len(_lines(tmp_path / "out.jsonl")) == 5


def test_a_batch_the_provider_refuses_goes_live(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 3)
    with run_batch_api(default=ok(DRAFT), plan=Plan(refuse_creates=True)) as api:
        result = _route(_config(tmp_path, api.base_url), inputs)
        assert api.creates == 0 and api.calls == 3
    assert result.ok and result.answered == 0
    with Store.open(tmp_path / "store.db") as store:
        chunk, = Journal(store).chunks()
        assert chunk.state == "collected" and "refused" in (chunk.note or "")


def test_two_runs_preparing_the_same_articles_journal_them_once(tmp_path: Path) -> None:
    from summarizer.batch.provider.journal import Chunk, Item
    from summarizer.store import ResultKey

    key = ResultKey("a", "sha", "p", "1", "m", "llm", "params")
    chunk = Chunk("c1", "m", "h", "prepared", 1, 10, "sha", "f1.jsonl")
    with Store.open(tmp_path / "store.db") as store:
        journal = Journal(store)
        assert journal.add_chunk(chunk, [Item("sk-1", key)])
        assert not journal.add_chunk(Chunk("c2", "m", "h", "prepared", 1, 10, "sha", "f2"),
                                     [Item("sk-1", key)])
        assert [c.chunk_id for c in journal.chunks()] == ["c1"]


def test_a_second_run_on_the_same_store_is_refused_while_one_runs(tmp_path: Path) -> None:
    import fcntl

    from summarizer.errors import ConfigError

    inputs = _write_inputs(tmp_path / "in.jsonl", 2)
    with run_batch_api(default=ok(DRAFT)) as api:
        config = _config(tmp_path, api.base_url)
        lock = (tmp_path / "store.db.batch-api.lock").open("a")
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running process holds it
        with pytest.raises(ConfigError, match="another --batch-api run"):
            _route(config, inputs)
        lock.close()
        assert api.creates == 0 and _route(config, inputs).ok
