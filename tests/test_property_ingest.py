"""Property: whatever bytes and characters arrive, ``digest`` and ``batch`` never crash, every
bad input becomes exactly one failure, and every good input still gets its digest.

Hypothesis builds a directory of inputs (JSON Lines records, plain-text files, HTML pages)
from arbitrary Unicode, lone surrogates, NULs and long lines included, and runs both
commands in-process on the offline rules backend (inline, no worker processes). Examples
are bounded so the test stays fast.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from summarizer.cli.app import app

runner = CliRunner()
GOOD_BODY = ("Pakistan and China signed a memorandum of understanding on Friday to expand "
             "cooperation in quantum computing and port logistics.")
SPICE = st.sampled_from(["\ud800", "\udfff", "\x00", "\r", "\n", "\u2028", "\ufeff", "<",
                         "&", "\u200b", "é", "\U0001f600"])
WILD_TEXT = st.text(st.one_of(st.characters(exclude_categories=()), SPICE), max_size=80)
LONG_LINE = st.integers(1, 600).map(lambda n: "cooperation " * n)
ANY_TEXT = st.one_of(WILD_TEXT, LONG_LINE, WILD_TEXT.map(lambda t: GOOD_BODY + " " + t))

PROPERTY = settings(max_examples=20, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _is_good_record(text: str) -> bool:
    return bool(text.strip()) and not any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@dataclass
class Corpus:
    """Inputs written into ``root``: what each one should give."""

    root: Path
    records: list[tuple[str, str]]
    """(id, text) of each JSONL line, in order."""
    files: dict[str, bool]
    """Text and HTML files: name -> certainly good (must give at least one digest)."""


def _write(root: Path, records: list[str], texts: list[str], pages: list[str],
           good_files: int) -> Corpus:
    ids = [f"r{n}" for n in range(len(records))]
    lines = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, records,
                                                                            strict=True))
    if lines:
        (root / "feed.jsonl").write_text(lines, encoding="utf-8")
    files: dict[str, bool] = {}
    for n, text in enumerate(texts):
        (root / f"t{n}.txt").write_bytes(text.encode("utf-8", "surrogatepass"))
        files[f"t{n}.txt"] = False
    for n, text in enumerate(pages):
        page = f"<html><head><title>T{n}</title></head><body><p>{text}</p></body></html>"
        (root / f"p{n}.html").write_bytes(page.encode("utf-8", "surrogatepass"))
        files[f"p{n}.html"] = False
    for n in range(good_files):
        (root / f"good{n}.txt").write_text(f"{GOOD_BODY} Item {n}.\n", encoding="utf-8")
        files[f"good{n}.txt"] = True
    return Corpus(root, list(zip(ids, records, strict=True)), files)


CORPUS = st.tuples(st.lists(ANY_TEXT, max_size=4), st.lists(ANY_TEXT, max_size=3),
                   st.lists(ANY_TEXT, max_size=2), st.integers(0, 2))


def _lines(path: Path) -> list[str]:
    """JSON Lines split on \\n only: U+0085 and U+2028 may stand raw inside a JSON string,
    and ``str.splitlines`` would cut the line there."""
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


def _invoke(args: list[str]) -> Result:
    """Run the CLI in-process. The root logger's handler from an earlier invocation holds
    that invocation's (closed) captured stderr: drop it, as a fresh process would have none."""
    for handler in logging.root.handlers[:]:
        logging.root.removeHandler(handler)
    return runner.invoke(app, args)


def _inputs(tmp: str) -> Path:
    root = Path(tmp) / "in"
    root.mkdir()
    return root


def _where(name: str) -> str:
    """Which input a digest id or failure source names: ``feed.jsonl``, ``t0.txt``, ..."""
    base = os.path.basename(name)
    return base.split("#")[0].split(":")[0]


def _check(corpus: Corpus, digests: list[str], failures: list[tuple[str | None, str]]) -> None:
    """``digests``: article ids; ``failures``: (id, source) of each failure."""
    by_record = {rid: text for rid, text in corpus.records}
    record_digests = [d for d in digests if d in by_record]
    record_failures = [f for f in failures if _where(f[1]) == "feed.jsonl"]
    assert sorted(record_digests + [f[0] or "" for f in record_failures]) == sorted(by_record)
    for rid in record_digests:
        assert _is_good_record(by_record[rid])
    for name, good in corpus.files.items():
        gave = [d for d in digests if _where(d) == name]
        failed = [f for f in failures if _where(f[1]) == name]
        assert (len(gave) >= 1) != (len(failed) == 1), (name, gave, failed)
        assert len(failed) <= 1
        if good:
            assert gave and not failed


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "SUMMARIZER_MODEL"):
        monkeypatch.delenv(name, raising=False)


NEL_IN_TEXT = ([], ["\x850"], [], 0)
"""U+0085 (a line break to ``str.splitlines``) stands raw in the JSON output: still one line."""


@PROPERTY
@given(CORPUS)
@example(NEL_IN_TEXT)
def test_digest_never_crashes_and_accounts_for_every_input(
    parts: tuple[list[str], list[str], list[str], int],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _write(_inputs(tmp), *parts)
        out = Path(tmp) / "digests.jsonl"
        result = _invoke(["digest", str(corpus.root), "-o", str(out), "-f", "jsonl"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception)
        assert result.exit_code in (0, 1) and "Traceback" not in result.stderr
        digests = [json.loads(line)["article"]["id"] for line in _lines(out)]
        errors = [line.removeprefix("error: ") for line in result.stderr.split("\n")
                  if line.startswith("error: ")]
        failures = [(_failed_record_id(corpus, e), e.split(": ", 1)[0]) for e in errors]
        _check(corpus, digests, failures)
        assert result.exit_code == (1 if failures else 0)


def _failed_record_id(corpus: Corpus, error: str) -> str | None:
    source = error.split(": ", 1)[0]
    if _where(source) != "feed.jsonl":
        return None
    line = int(source.rsplit(":", 1)[1])
    return corpus.records[line - 1][0]


@PROPERTY
@given(CORPUS)
@example(NEL_IN_TEXT)
def test_batch_never_crashes_and_writes_one_line_per_input(
    parts: tuple[list[str], list[str], list[str], int],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = _write(_inputs(tmp), *parts)
        out = Path(tmp) / "out.jsonl"
        result = _invoke(["batch", str(corpus.root), "-o", str(out), "--backend",
                                     "rules", "--processes", "0", "--no-progress", "--store",
                                     str(Path(tmp) / "s.db")])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception)
        assert result.exit_code in (0, 1) and "Traceback" not in result.stderr
        lines = [json.loads(line) for line in _lines(out)]
        digests = [line["article"]["id"] for line in lines if "error" not in line]
        failures = [(line["id"], line["source"]) for line in lines if "error" in line]
        _check(corpus, digests, failures)
        assert result.exit_code == (1 if failures else 0)
