"""One path from article to digest: a 40,000-character article gives one grounded digest
through the library, ``summarizer eval`` and ``summarizer digest`` alike, against a local
OpenAI-compatible stand-in (a local model's default 4,096-token window forces parts)."""

from __future__ import annotations

import json
from pathlib import Path

from standin import ok, run_standin
from test_pipeline_long import DRAFT, LONG
from typer.testing import CliRunner

from summarizer import Article, Summarizer, SummarizerConfig
from summarizer.cli import app
from summarizer.config import LLMConfig
from summarizer.evaluation.runner import EvalConfig, evaluate, llm_system

GOLD = {"id": "long", "parties": [{"name": "Pakistan", "kind": "country"}],
        "instruments": [{"kind": "mou", "status": "signed", "parties": ["Pakistan"]}],
        "sectors": ["maritime and ports"], "targets": [], "summary_facts": []}


def _llm(base_url: str) -> LLMConfig:
    return LLMConfig(base_url=base_url, model="standin-model", api_key="k", timeout=30)


def _check(digest_json: str) -> None:
    digest = json.loads(digest_json)
    assert digest["warnings"][0]["code"] == "chunked"
    assert digest["provenance"]["attempts"] > 1
    for party in digest["parties"]:
        for ev in party["evidence"]:
            assert LONG[ev["start"]:ev["end"]] == ev["quote"]


def test_the_library_digests_it_in_parts() -> None:
    with run_standin([ok(DRAFT)]) as standin, \
            Summarizer(SummarizerConfig(backend="llm", llm=_llm(standin.base_url))) as s:
        digest = s.summarize(Article(text=LONG, id="long"))
        calls = standin.calls
    _check(digest.model_dump_json())
    assert digest.provenance.attempts == calls > 1


def test_eval_digests_it_through_the_same_pipeline() -> None:
    article = Article(text=LONG, id="long")
    with run_standin([ok(DRAFT)]) as standin:
        system = llm_system("digest@v3", _llm(standin.base_url))
        result = evaluate([system], [article], [GOLD], EvalConfig())
        calls = standin.calls
    (run,) = result.systems["digest@v3"].runs
    assert run.digest is not None and run.attempts == calls > 1
    _check(run.digest.model_dump_json())
    assert result.systems["digest@v3"].report.micro["parties"].f1 == 1.0


def test_digest_command_digests_it_and_the_log_shows_every_call(tmp_path: Path) -> None:
    source = tmp_path / "long.jsonl"
    source.write_text(json.dumps({"id": "long", "text": LONG}) + "\n", encoding="utf-8")
    store = tmp_path / "s.db"
    runner = CliRunner()
    with run_standin([ok(DRAFT)]) as standin:
        args = ["digest", str(source), "--base-url", standin.base_url, "--model",
                "standin-model", "--store", str(store), "-f", "jsonl"]
        result = runner.invoke(app, args, env={"OPENAI_API_KEY": "k"})
        calls = standin.calls
        again = runner.invoke(app, args, env={"OPENAI_API_KEY": "k"})
        assert standin.calls == calls  # the second run came from the store: no call
    assert result.exit_code == 0, result.output
    _check(result.stdout.strip())
    assert again.stdout == result.stdout
    log = runner.invoke(app, ["log", "--store", str(store), "-f", "jsonl"])
    rows = [json.loads(line) for line in log.stdout.splitlines()]
    assert len(rows) == calls > 1 and {r["article"] for r in rows} == {"long"}
