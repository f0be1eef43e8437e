from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.errors import SummarizerError
from summarizer.output import atomic_output, write_text


def test_file_appears_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    write_text("one\ntwo\n", target)
    assert target.read_text(encoding="utf-8") == "one\ntwo\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_a_failure_midway_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("previous\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write("half")
        raise RuntimeError("crash")
    assert target.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "out.html"
    with pytest.raises(SummarizerError, match=r"missing-dir/out\.html: cannot write here"):
        write_text("x", target)


def test_no_path_means_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    write_text("hello\n", None)
    assert capsys.readouterr().out == "hello\n"
