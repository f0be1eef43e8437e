"""``kill -9`` at every step of the Batch API route, then a rerun: one batch, one answer per
request, nothing billed twice, the output of an uninterrupted run. Through the CLI."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from batch_api_standin import run_batch_api
from standin import ok
from test_batch import DRAFT, _config, _lines, _stable, _write_inputs
from typer.testing import CliRunner

from summarizer.batch.provider import BatchApiConfig, PollPolicy
from summarizer.batch.provider import run_batch_api as run_route
from summarizer.batch.provider.faults import KILL_ENV, STEPS
from summarizer.cli.app import app
from summarizer.store import Store

COUNT = 8


def _cli(inputs: Path, output: Path, store: Path, base_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "summarizer", "batch", str(inputs), "-o", str(output),
            "--batch-api", "--store", str(store), "--base-url", base_url,
            "--model", "standin-model", "--poll-interval", "0", "--no-progress", *extra]


def _run(args: list[str], kill_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != KILL_ENV}
    if kill_at is not None:
        env[KILL_ENV] = kill_at
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=120,
                          check=False)


def _reference(tmp_path: Path, inputs: Path) -> list[dict[str, object]]:
    """An uninterrupted run (library, fresh stand-in and store)."""
    with run_batch_api(default=ok(DRAFT)) as api:
        config = _config(tmp_path / "ref", api.base_url)

        async def no_pause(_: float) -> None:
            return None

        summary = asyncio.run(run_route([str(inputs)], config, BatchApiConfig(
            poll=PollPolicy(initial=0)), sleep=no_pause))
        assert summary.ok and api.creates == 1
    return [_same(line) for line in _lines(config.output)]


def _same(line: dict[str, object]) -> dict[str, object]:
    """A line without what differs between runs (times, the stand-in's port)."""
    line = _stable(line)
    prov = {k: v for k, v in line["provenance"].items()  # type: ignore[attr-defined]
            if k != "provider"}
    return {**line, "provenance": prov}


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_any_step_a_rerun_makes_one_batch_and_the_same_output(
        tmp_path: Path, step: str) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", COUNT)
    output, store = tmp_path / "out.jsonl", tmp_path / "store.db"
    with run_batch_api(default=ok(DRAFT)) as api:
        args = _cli(inputs, output, store, api.base_url)
        killed = _run(args, kill_at=step)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert not output.exists()
        rerun = _run(args)
        assert rerun.returncode == 0, rerun.stderr
        assert api.creates == 1  # never a second batch
        assert api.uploads == 1  # an upload whose id was not recorded is found, not redone
        assert len(api.batch_requests) == COUNT and api.calls == 0  # each answered once
    resumed = [_same(line) for line in _lines(output)]
    assert len(resumed) == COUNT
    assert len({line["article"]["id"] for line in resumed}) == COUNT  # type: ignore[index]
    assert resumed == _reference(tmp_path, inputs)
    with Store.open(store) as db:  # each answer stored and billed once
        assert db.count_results("done") == COUNT and db.count_calls() == COUNT
    assert "batch_0001" in rerun.stderr


def test_the_cli_lists_batches_with_their_state_counts_and_cost(tmp_path: Path) -> None:
    inputs = _write_inputs(tmp_path / "in.jsonl", 3)
    output, store = tmp_path / "out.jsonl", tmp_path / "store.db"
    with run_batch_api(default=ok(DRAFT)) as api:
        submitted = _run(_cli(inputs, output, store, api.base_url, "--no-wait"))
        assert submitted.returncode == 0, submitted.stderr
        assert "still running" in submitted.stderr and not output.exists()
        listed = CliRunner().invoke(app, ["batch-status", "--store", str(store)])
        assert listed.exit_code == 0 and "batch_0001" in listed.stdout
        assert "submitted" in listed.stdout and "validating" in listed.stdout
        done = _run(_cli(inputs, output, store, api.base_url))
        assert done.returncode == 0, done.stderr
        assert api.creates == 1
    listed = CliRunner().invoke(app, ["batch-status", "--store", str(store), "-f", "jsonl"])
    assert '"state": "collected"' in listed.stdout and '"completed": 3' in listed.stdout
    assert len(_lines(output)) == 3
