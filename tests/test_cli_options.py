"""Shared options (``summarizer.cli.options``) and the smaller CLI papercuts of issue 11."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli.app import app
from summarizer.store import CallRow, ResultKey, Store, StoredResult

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-articles.txt"
runner = CliRunner()


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))


@pytest.mark.parametrize("command", ["digest", "batch"])
@pytest.mark.parametrize("option", [["--mode", "wrong"], ["--prompt", "digest@v7"],
                                    ["--backend", "other"]])
def test_bad_shared_option_values_are_usage_errors(
    command: str, option: list[str], tmp_path: Path
) -> None:
    result = runner.invoke(app, [command, str(SEED), "-o", str(tmp_path / "o.jsonl"), *option])
    assert result.exit_code == 2, result.stderr
    assert option[0] in result.stderr


def test_a_prompt_on_the_rules_backend_gets_a_notice() -> None:
    result = runner.invoke(app, ["digest", str(SEED), "--prompt", "digest@v1"])
    assert result.exit_code == 0
    assert "--prompt digest@v1 is ignored: the rules backend uses no prompt" in result.stderr


def test_help_shows_the_environment_variables() -> None:
    result = subprocess.run([sys.executable, "-m", "summarizer", "digest", "--help"],
                            capture_output=True, text=True, check=True,
                            env={"COLUMNS": "200", "PATH": "/usr/bin:/bin",
                                 "PYTHONPATH": ":".join(sys.path)})
    assert "(env SUMMARIZER_MODEL)" in result.stdout
    assert "(env OPENAI_BASE_URL)" in result.stdout
    assert "Model name ." not in result.stdout


def test_the_output_suffix_picks_the_format(tmp_path: Path) -> None:
    md = tmp_path / "x.md"
    assert runner.invoke(app, ["digest", str(SEED), "-o", str(md)]).exit_code == 0
    assert md.read_text(encoding="utf-8").startswith("# ")
    jsonl = tmp_path / "one.jsonl"
    seed_one = tmp_path / "one.txt"
    seed_one.write_text("Pakistan and China signed a memorandum of understanding on ports.")
    assert runner.invoke(app, ["digest", str(seed_one), "-o", str(jsonl)]).exit_code == 0
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 1  # one line, not pretty
    json.loads(jsonl.read_text(encoding="utf-8"))


def test_max_bytes_raises_the_limit_the_message_names(tmp_path: Path) -> None:
    small = runner.invoke(app, ["digest", str(SEED), "--max-bytes", "100"])
    assert small.exit_code == 1 and "--max-bytes" in small.stderr
    assert runner.invoke(app, ["digest", str(SEED), "--max-bytes", "1000000"]).exit_code == 0


def test_log_is_not_cut_when_piped(tmp_path: Path) -> None:
    store_path = tmp_path / "s.db"
    article = "a-very-long-article-identifier-" + "x" * 60
    key = ResultKey(article, "0" * 64, "digest@v1#abc", "1", "some-model-name", "llm", "p")
    with Store.open(store_path) as store:
        store.put(StoredResult(key, "failed", error_kind="unavailable", error_message="m"),
                  [CallRow("2026-12-01T00:00:00.000+00:00", article, "some-model-name",
                           "digest@v1", 1, "failed", 12.0, reason="HTTP 503 from the server")])
    result = subprocess.run([sys.executable, "-m", "summarizer", "log", "--store",
                             str(store_path)], capture_output=True, text=True, check=True)
    assert article in result.stdout and "HTTP 503 from the server" in result.stdout
    assert len(result.stdout.splitlines()) == 2


def test_schema_export_writes_to_the_working_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["schema", "export"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "digest-draft.v2.json", "digest.v2.json"]
    assert f"to {tmp_path / 'schemas'}" in result.stderr
    assert runner.invoke(app, ["schema", "check"]).exit_code == 0
    other = runner.invoke(app, ["schema", "export", "--directory", str(tmp_path / "elsewhere")])
    assert other.exit_code == 0 and (tmp_path / "elsewhere" / "digest.v2.json").exists()
