"""``summarizer eval``: systems side by side, failures as data, offline replay of cassettes.

Two kinds of runs: the dev-set demo replayed from ``cassettes/eval`` (recorded against the
real local llama.cpp server named in ``cassettes/eval/endpoint.json``), and small runs
against the stand-in server, recorded into a temporary directory and replayed.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from standin import context_too_long, ok, run_standin
from typer.testing import CliRunner

from summarizer.article import Article
from summarizer.cli.app import app
from summarizer.config import LLMConfig
from summarizer.costs import Price, PriceTable
from summarizer.errors import ConfigError, InputError
from summarizer.evaluation.runner import (
    EvalConfig,
    ReplayConfig,
    cassette_path,
    evaluate,
    format_eval,
    llm_system,
    load_articles,
    load_gold,
    read_endpoint,
    rules_system,
    select_articles,
    slug,
)
from summarizer.grounding import GroundingConfig, ground_draft
from summarizer.models import DigestDraft
from summarizer.pipeline import render_messages
from summarizer.prompts import get_prompt

ROOT = Path(__file__).resolve().parent.parent
RECORDED = ROOT / "cassettes" / "eval"
DEVSET = ROOT / "examples" / "devset"
SUBSET = ("imec-mou", "north-american-semiconductors", "neg-aca-marketplace")
runner = CliRunner()


# --------------------------------------------------------------------------- helpers


def _subset(tmp_path: Path, ids: tuple[str, ...] = SUBSET) -> tuple[Path, Path]:
    """A gold file and an articles file holding only ``ids`` (from the dev-set copy)."""
    paths = []
    for name in ("gold.jsonl", "articles.jsonl"):
        rows = [line for line in (DEVSET / name).read_text(encoding="utf-8").splitlines()
                if json.loads(line)["id"] in ids]
        path = tmp_path / name
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def _recorded_llm() -> LLMConfig:
    return LLMConfig(**read_endpoint(RECORDED), api_key="test-dummy-key")


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every socket connect attempted during the test; each one fails."""
    seen: list[Any] = []

    def connect(self: socket.socket, address: Any) -> None:
        seen.append(address)
        raise OSError(f"live network call to {address} during a replay")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return seen


# --------------------------------------------------------------------------- recorded demo


def test_replay_of_recorded_devset_compares_both_prompts(
        tmp_path: Path, connections: list[Any]) -> None:
    gold_path, articles_path = _subset(tmp_path)
    gold, articles = load_gold(gold_path), load_articles(articles_path)
    systems = [llm_system("digest@v1", _recorded_llm()), llm_system("digest@v2", _recorded_llm())]
    config = EvalConfig(replay=ReplayConfig(RECORDED))
    result = evaluate(systems, articles, gold, config)
    assert connections == []
    assert list(result.systems) == ["digest@v1", "digest@v2"]
    v1 = result.systems["digest@v1"]
    assert [r.article_id for r in v1.runs] == list(SUBSET)
    # the recorded model is tiny: two of its three v1 answers fail, and are scored as empty
    assert [r.usage.total_tokens for r in v1.runs] == [4887, 2043, 1054]
    assert [r.error_type for r in v1.runs] == ["InvalidOutputError", "TruncatedOutputError", None]
    assert all(r.latency_ms and r.latency_ms > 1000 for r in v1.runs)  # as recorded
    assert (v1.report.micro["parties"].fn, v1.report.micro["targets"].fp) == (18, 0)
    assert v1.report.fact_coverage == pytest.approx(0.1111, abs=1e-4)
    table = format_eval(result, "md")
    assert "| metric | digest@v1 | digest@v2 |" in table
    assert "| digest@v1 | 1 / 3 | 5917 | 2067 | 2661 | $0.0000 | 67.2 |" in table
    assert ("| north-american-semiconductors | 2043 / 72.4 / TruncatedOutputError | "
            "1920 / 26.5 / ok |") in table
    assert format_eval(evaluate(systems, articles, gold, config), "md") == table


def test_replay_without_a_cassette_is_a_clear_error(tmp_path: Path) -> None:
    gold_path, articles_path = _subset(tmp_path, ("imec-mou",))
    config = EvalConfig(replay=ReplayConfig(tmp_path / "empty"))
    with pytest.raises(InputError) as info:
        evaluate([llm_system("digest@v1", _recorded_llm())], load_articles(articles_path),
                 load_gold(gold_path), config)
    message = str(info.value)
    assert "1 cassette(s) missing" in message
    assert str(tmp_path / "empty" / "digest_v1" / "imec-mou.yaml") in message
    assert "--record" in message


def test_replay_with_changed_settings_says_the_cassette_is_stale(tmp_path: Path) -> None:
    gold_path, articles_path = _subset(tmp_path, ("imec-mou",))
    target = cassette_path(tmp_path / "tapes", "digest@v1", "imec-mou")
    target.parent.mkdir(parents=True)
    shutil.copy(cassette_path(RECORDED, "digest@v1", "imec-mou"), target)
    changed = _recorded_llm().with_(max_tokens=100)
    with pytest.raises(InputError, match="no recorded answer for this request of 'digest@v1'"):
        evaluate([llm_system("digest@v1", changed)], load_articles(articles_path),
                 load_gold(gold_path), EvalConfig(replay=ReplayConfig(tmp_path / "tapes")))


# --------------------------------------------------------------------------- stand-in runs

ARTICLES = [Article(id="a1", text="Kerovia and Talmar signed a solar energy agreement on Monday."),
            Article(id="a2", text="Talmar will host talks on fishing next year. " * 3)]
GOLD = [{"id": "a1", "parties": [{"name": "Kerovia", "kind": "country"},
                                 {"name": "Talmar", "kind": "country"}],
         "instruments": [{"kind": "agreement", "title": None, "status": "signed",
                          "parties": ["Kerovia", "Talmar"], "background": False}],
         "sectors": ["energy"], "targets": [],
         "summary_facts": ["Kerovia and Talmar signed a solar energy agreement."]},
        {"id": "a2", "parties": [{"name": "Talmar", "kind": "country"}], "instruments": [],
         "sectors": [], "targets": [], "summary_facts": ["Talmar will host fishing talks."]}]
ANSWER = json.dumps({
    "summary": {"headline": "Kerovia and Talmar sign solar deal",
                "one_line": "Kerovia and Talmar signed a solar energy agreement.",
                "bullets": ["Kerovia and Talmar signed a solar energy agreement.",
                            "It was signed on Monday.", "It covers solar energy."]},
    "parties": [{"name": "Kerovia", "kind": "country", "evidence": ["Kerovia and Talmar"]},
                {"name": "Talmar", "kind": "country", "evidence": ["Talmar signed"]}],
    "instruments": [{"kind": "agreement", "status": "signed", "parties": ["Kerovia", "Talmar"],
                     "evidence": ["signed a solar energy agreement"]}],
    "sectors": [{"label": "energy", "evidence": ["solar energy"]}]})


def _standin_llm(base_url: str) -> LLMConfig:
    return LLMConfig(base_url=base_url, model="standin-model", api_key="test-key",
                     mode="json_object_schema", max_reasks=0)


def test_failures_are_empty_predictions_with_the_error_recorded() -> None:
    with run_standin([ok(ANSWER), context_too_long()]) as standin:
        config = EvalConfig(prices=PriceTable({"standin-model": Price(1000.0, 2000.0)}))
        result = evaluate([llm_system("digest@v1", _standin_llm(standin.base_url))], ARTICLES,
                          GOLD, config)
    system = result.systems["digest@v1"]
    first, second = system.runs
    assert first.ok and first.usage.total_tokens == 15 and first.cost_usd == 0.02
    assert (second.digest, second.error_type, second.attempts) == (None, "ContextLengthError", 1)
    assert second.error is not None and "a2" in second.error
    report = system.report
    assert report.missing == ("a2",)
    assert report.micro["parties"].as_dict()["tp"] == 2 and report.micro["parties"].fn == 1
    assert (report.micro["instruments"].tp, report.micro["sectors"].tp) == (1, 1)
    assert report.grounding_rate == 1.0
    assert (second.cost_usd, system.cost_usd) == (0.0, 0.02)
    md = format_eval(result, "md")
    assert md.index("## Tokens, cost and latency") < md.index("## Per-article differences")
    assert "- digest@v1 `a2`: ContextLengthError: " in md
    assert "| digest@v1 | 1 / 2 | 10 | 5 | 8 | $0.0200 |" in md
    runs = json.loads(format_eval(result, "json"))["systems"]["digest@v1"]["runs"]
    assert [(r["id"], r["ok"], r["error_type"]) for r in runs] == [
        ("a1", True, None), ("a2", False, "ContextLengthError")]


def test_record_then_replay_makes_no_calls(tmp_path: Path) -> None:
    tapes = tmp_path / "tapes"
    with run_standin([ok(ANSWER), context_too_long()]) as standin:
        systems = [llm_system("digest@v1", _standin_llm(standin.base_url))]
        recorded = evaluate(systems, ARTICLES, GOLD,
                            EvalConfig(replay=ReplayConfig(tapes, "once")))
        calls = standin.calls
        replayed = evaluate(systems, ARTICLES, GOLD, EvalConfig(replay=ReplayConfig(tapes)))
        assert standin.calls == calls == 2
    assert sorted(p.name for p in (tapes / "digest_v1").iterdir()) == [
        "a1.meta.json", "a1.yaml", "a2.meta.json", "a2.yaml"]
    before, after = recorded.systems["digest@v1"], replayed.systems["digest@v1"]
    assert [r.latency_ms for r in after.runs] == [r.latency_ms for r in before.runs]
    assert [(r.ok, r.error_type, r.usage) for r in after.runs] == [
        (r.ok, r.error_type, r.usage) for r in before.runs]
    assert after.report.micro == before.report.micro


def test_live_runs_may_overlap_and_keep_article_order() -> None:
    with run_standin([], default=ok(ANSWER), latency=0.2) as standin:
        result = evaluate([llm_system("digest@v1", _standin_llm(standin.base_url))], ARTICLES,
                          GOLD, EvalConfig(concurrency=2))
        assert standin.calls == 3  # a2's quotes are not in a2: one grounding re-ask
    system = result.systems["digest@v1"]
    assert [r.article_id for r in system.runs] == ["a1", "a2"]
    assert [r.usage.total_tokens for r in system.runs] == [15, 30]
    assert system.report.micro["parties"].as_dict()["tp"] == 2
    assert (system.report.micro["parties"].fp, system.report.micro["parties"].fn) == (0, 1)


# --------------------------------------------------------------------------- inputs


def test_inputs_are_checked_with_messages_that_say_what_to_do(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": "t"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2 is not JSON"):
        load_articles(bad)
    with pytest.raises(InputError, match=r"no article for gold id\(s\) a2; pass the articles"):
        select_articles(ARTICLES[:1], GOLD)
    with pytest.raises(InputError, match="cannot read"):
        load_gold(tmp_path / "missing.jsonl")
    with pytest.raises(ConfigError, match="given twice"):
        evaluate([rules_system(), rules_system()], ARTICLES, GOLD)
    assert slug("digest@v1") == "digest_v1"


def test_devset_copy_loads_with_metadata() -> None:
    articles = {a.key: a for a in load_articles(DEVSET / "articles.jsonl")}
    gold = load_gold(DEVSET / "gold.jsonl")
    assert [g["id"] for g in gold] == list(articles)
    imec = articles["imec-mou"]
    assert imec.source == "The White House"
    assert imec.published is not None and imec.published.startswith("2023-09-09")


# --------------------------------------------------------------------------- prompt v2


def _v2_example() -> tuple[str, DigestDraft]:
    system = render_messages(get_prompt("digest@v2"), Article(text="unused"))[0]["content"]
    found = re.search(r"<<<EXAMPLE\n(.*?)\nEXAMPLE>>>\n[^\n]*\n(\{.*\})\s*$", system, re.S)
    assert found, "digest@v2 lost its example article or answer"
    return found.group(1), DigestDraft.model_validate_json(found.group(2))


def test_v2_example_quotes_are_verbatim_in_the_example_article() -> None:
    text, draft = _v2_example()
    items: list[Any] = [*draft.parties, *draft.instruments, *draft.sectors, *draft.targets]
    quotes = [q for item in items for q in item.evidence]
    assert len(quotes) == 9
    assert [q for q in quotes if q not in text] == []
    grounded = ground_draft(draft, text, GroundingConfig())
    assert grounded.rejections == []
    kept: list[Any] = [*grounded.parties, *grounded.instruments, *grounded.sectors,
                       *grounded.targets]
    assert len(kept) == len(items)
    spans = [e for item in kept for e in item.evidence]
    assert {e.match for e in spans} == {"exact"}
    assert all(text[e.start:e.end] == e.quote for e in spans)


def test_v2_example_follows_the_devset_conventions() -> None:
    text, draft = _v2_example()
    names = [p.name for p in draft.parties]
    assert names == ["Kerovia", "Talmar", "Ministry of Energy", "Ana Velic"]
    assert all(name in text for name in names)
    assert "Dorsa" in text and "Dorsa" not in names  # a place, never a party
    assert {n for i in draft.instruments for n in i.parties} <= set(names)
    assert [(i.kind, i.status) for i in draft.instruments] == [
        ("mou", "signed"), ("agreement", "proposed")]
    assert [t.deadline for t in draft.targets] == ["2030"]  # the past $2 billion is no target
    assert 3 <= len(draft.summary.bullets) <= 6


def test_v1_is_unchanged_and_v2_is_a_separate_version() -> None:
    v1, v2 = get_prompt("digest@v1"), get_prompt("digest@v2")
    assert v1.sha256.startswith("d4b6e368feae")
    assert v2.sha256 != v1.sha256 and v2.defaults == v1.defaults


# --------------------------------------------------------------------------- CLI


def test_cli_replays_both_prompts_as_json(tmp_path: Path, connections: list[Any]) -> None:
    gold_path, articles_path = _subset(tmp_path, SUBSET[:2])
    result = runner.invoke(app, [
        "eval", str(gold_path), "--articles", str(articles_path), "--prompt", "digest@v1",
        "--prompt", "digest@v2", "--replay", str(RECORDED), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert connections == []
    payload = json.loads(result.stdout)
    assert list(payload["systems"]) == ["digest@v1", "digest@v2"]
    v1 = payload["systems"]["digest@v1"]
    assert [r["usage"]["total_tokens"] for r in v1["runs"]] == [4887, 2043]
    assert v1["articles"] == 2 and v1["failures"] == 2  # as recorded: see the test above
    assert "digest@v2 imec-mou: ok" in result.stderr


def test_cli_errors_and_usage_errors(tmp_path: Path) -> None:
    gold_path, _ = _subset(tmp_path, SUBSET[:1])
    missing = runner.invoke(app, ["eval", str(gold_path), "--prompt", "digest@v1",
                                  "--replay", str(tmp_path / "none")])
    assert missing.exit_code == 1
    assert missing.stderr.startswith("error: ") and "cassette(s) missing" in missing.stderr
    both = runner.invoke(app, ["eval", str(gold_path), "--replay", "a", "--record", "b"])
    assert both.exit_code == 2
    fmt = runner.invoke(app, ["eval", str(gold_path), "--format", "xml"])
    assert fmt.exit_code == 2


def test_cli_writes_markdown_to_a_file(tmp_path: Path) -> None:
    gold_path, _ = _subset(tmp_path, SUBSET[:1])
    out = tmp_path / "eval.md"
    result = runner.invoke(app, ["eval", str(gold_path), "--prompt", "digest@v1",
                                 "--replay", str(RECORDED), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Evaluation\n") and "### imec-mou" in text
    assert f"wrote the evaluation to {out}" in result.stderr


def test_cli_adds_the_rules_backend_as_a_system(tmp_path: Path) -> None:
    gold_path, _ = _subset(tmp_path, SUBSET[:1])
    result = runner.invoke(app, ["eval", str(gold_path), "--prompt", "digest@v1",
                                 "--backend", "rules", "--replay", str(RECORDED), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    systems = json.loads(result.stdout)["systems"]
    assert list(systems) == ["digest@v1", "rules"]
    (run,) = systems["rules"]["runs"]
    assert (run["id"], run["ok"], run["usage"]["total_tokens"], run["cost_usd"]) == (
        "imec-mou", True, 0, 0.0)
    assert systems["rules"]["micro"]["parties"]["tp"] > 0
