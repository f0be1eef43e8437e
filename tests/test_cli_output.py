"""``-o`` as a new user tries it (issue 11): every command writes through the one writer,
never destroys an input or a special file, and refuses a bad target before any work."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-articles.txt"
DEVSET = ROOT / "examples" / "devset"
runner = CliRunner()


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))


def _batch(*args: str) -> list[str]:
    return ["batch", *args, "--backend", "rules", "--processes", "0", "--no-progress"]


def _jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_output_onto_the_input_is_refused_before_any_work(tmp_path: Path) -> None:
    data = _jsonl(tmp_path / "in.jsonl", [{"id": "a", "text": SEED.read_text()}])
    before = data.read_bytes()
    result = runner.invoke(app, _batch(str(data), "-o", str(data)))
    assert result.exit_code == 1
    assert "is also an input" in result.stderr and "Traceback" not in result.stderr
    assert data.read_bytes() == before
    assert not (tmp_path / "home").exists()  # no store opened: nothing ran
    text = tmp_path / "in.txt"
    text.write_bytes(SEED.read_bytes())
    digest = runner.invoke(app, ["digest", str(text), "-o", str(text)])
    assert digest.exit_code == 1 and "is also an input" in digest.stderr
    assert text.read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize("command", ["digest", "batch"])
def test_unwritable_targets_are_one_line_before_any_work(tmp_path: Path, command: str) -> None:
    for target in (tmp_path / "nonexistent" / "x", tmp_path):
        args = _batch(str(SEED), "-o", str(target)) if command == "batch" else [
            "digest", str(SEED), "-o", str(target)]
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert errors == [f"error: {target}: " + errors[0].split(": ", 2)[2]]
        assert "cannot write here" in errors[0] and "Traceback" not in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not list(tmp_path.glob(".*part")) and not (tmp_path / "home").exists()


def test_batch_into_a_fifo_streams_and_leaves_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = runner.invoke(app, _batch(str(SEED), "-o", str(fifo)))
    reader.join(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert len(received[0].splitlines()) == 2
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == ["out.fifo"]


def test_modes_are_kept_or_follow_the_umask(tmp_path: Path) -> None:
    digests = tmp_path / "digests.jsonl"
    digests.write_text("", encoding="utf-8")
    digests.chmod(0o664)
    assert runner.invoke(app, ["digest", str(SEED), "-o", str(digests)]).exit_code == 0
    old = os.umask(0o022)
    try:
        report = runner.invoke(app, ["report", str(digests), "-o", str(tmp_path / "r.html")])
        batch = runner.invoke(app, _batch(str(SEED), "-o", str(tmp_path / "b.jsonl")))
        evaluation = runner.invoke(app, ["eval", str(DEVSET / "gold.jsonl"), "--backend",
                                         "rules", "-o", str(tmp_path / "e.md")])
    finally:
        os.umask(old)
    assert (report.exit_code, batch.exit_code, evaluation.exit_code) == (0, 0, 0)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.is_file()}
    assert modes == {"digests.jsonl": 0o664, "r.html": 0o644, "b.jsonl": 0o644, "e.md": 0o644}


def test_batch_failure_line_keeps_the_input_id(tmp_path: Path) -> None:
    data = tmp_path / "s.jsonl"
    data.write_text('{"id":"s","text":"a \\ud800 b"}\n' + json.dumps(
        {"id": "good", "text": SEED.read_text()}) + "\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, _batch(str(data), "-o", str(out)))
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    failed, good = (json.loads(line) for line in out.read_text().splitlines())
    assert failed["id"] == "s" and failed["error"]["kind"] == "bad_input"
    assert "lone surrogate U+D800" in failed["error"]["message"]
    assert good["article"]["id"] == "good"
    again = runner.invoke(app, _batch(str(data), "-o", str(out)))  # the rerun is the same
    assert again.exit_code == 1 and len(out.read_text().splitlines()) == 2


def test_digest_writes_the_good_articles_beside_a_surrogate_line(tmp_path: Path) -> None:
    data = tmp_path / "s.jsonl"
    data.write_text('{"id":"s","text":"a \\ud800 b"}\n' + json.dumps(
        {"id": "good", "text": SEED.read_text()}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["digest", str(data)])
    assert result.exit_code == 1
    assert "s.jsonl:1: the article text holds a lone surrogate" in result.stderr
    assert json.loads(result.stdout)["article"]["id"] == "good"


def test_store_in_a_missing_directory_is_refused_not_created(tmp_path: Path) -> None:
    store = tmp_path / "nonexistent" / "s.db"
    result = runner.invoke(app, _batch(str(SEED), "-o", str(tmp_path / "o.jsonl"),
                                       "--store", str(store)))
    assert result.exit_code == 1
    assert "does not exist; create it first" in result.stderr
    assert not store.parent.exists()
