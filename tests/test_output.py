from __future__ import annotations

import contextlib
import os
import stat
import threading
from pathlib import Path

import pytest

from summarizer.errors import OutputError, SummarizerError
from summarizer.output import atomic_output, check_output, current_umask, write_text


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


# --------------------------------------------------------------------------- targets


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_text("through\n", fifo)
    reader.join(timeout=60)
    assert received == [b"through\n"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_a_symlink_to_a_stream_is_written_through(tmp_path: Path) -> None:
    fd_link = tmp_path / "so"
    read_end, write_end = os.pipe()
    os.symlink(f"/proc/self/fd/{write_end}", fd_link)
    try:
        write_text("to the pipe\n", fd_link)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            assert pipe.read() == b"to the pipe\n"
    finally:
        with contextlib.suppress(OSError):
            os.close(write_end)
    assert fd_link.is_symlink()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_device_is_never_replaced_and_its_errors_are_one_line() -> None:
    before = os.stat("/dev/full")
    with pytest.raises(OutputError, match=r"^/dev/full: cannot write here \(No space left"):
        write_text("x" * 100_000, Path("/dev/full"))
    after = os.stat("/dev/full")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_symlink_to_a_file_keeps_pointing_at_it(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text("new\n", link)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new\n"


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o664)
    write_text("new", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o664


def test_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        assert current_umask() == 0o027
        write_text("new", tmp_path / "new.md")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640


# --------------------------------------------------------------------------- checks


def test_check_refuses_a_missing_directory_a_directory_and_an_input(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist; create it first"):
        check_output(tmp_path / "nowhere" / "x.jsonl")
    with pytest.raises(OutputError, match="it is a directory"):
        check_output(tmp_path)
    data = tmp_path / "in.jsonl"
    data.write_text("{}\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"is also an input \(.*in\.jsonl\)"):
        check_output(data, [str(data)])
    hard = tmp_path / "hard.jsonl"
    os.link(data, hard)
    with pytest.raises(OutputError, match="is also an input"):
        check_output(hard, ["-", "https://example.org/x", str(data)])
    with pytest.raises(OutputError, match="is also an input"):  # read from the directory
        check_output(data, [str(tmp_path)])
    check_output(tmp_path / "other.jsonl", [str(data), str(tmp_path)])
    check_output(None, [str(data)])


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_check_refuses_an_unwritable_directory(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="permission denied"):
        check_output(locked / "x.jsonl")
