"""The rules backend's worker processes never outlive the batch run that started them.

A real ``summarizer batch`` runs in a subprocess, reading a FIFO the test keeps open (so
the run is mid-way, workers up, for as long as the test wants). After the signal, the test
polls /proc until every child the run had is gone, with a generous bounded deadline, and
asserts on the processes' state, never on how long it took.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarizer.batch.workers import RunPool, rules_pool
from summarizer.pipeline import SummarizerConfig

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

DEADLINE = 60.0
TEXT = "Pakistan and China signed a memorandum of understanding on port cooperation in {n}."


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a live process, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pid and stat[0] not in ("Z", "X"):
                found.add(int(entry.name))
    return found


def _poll(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_no_worker_outlives_a_killed_batch(tmp_path: Path, signum: signal.Signals) -> None:
    path = tmp_path / "in.jsonl"
    os.mkfifo(path)
    fd = os.open(path, os.O_RDWR)  # never blocks, and the reader sees no EOF while open
    args = [sys.executable, "-m", "summarizer", "batch", str(path), "-o",
            str(tmp_path / "out.jsonl"), "--store", str(tmp_path / "s.db"), "--backend",
            "rules", "--processes", "2", "--no-progress"]
    run = subprocess.Popen(args, stderr=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    try:
        lines = "".join(json.dumps({"id": f"a{n}", "text": TEXT.format(n=n)}) + "\n"
                        for n in range(40))
        os.write(fd, lines.encode())
        # the resource tracker and both workers
        _poll(lambda: len(_children(run.pid)) >= 3, "the run started its workers")
        children = _children(run.pid)
        run.send_signal(signum)
        os.close(fd)  # the input ends too: nothing may wait on it (Ctrl-C waits for a read)
        fd = -1
        _poll(lambda: not any(_alive(pid) for pid in children), "every child exited")
        assert [pid for pid in children if _alive(pid)] == []
        assert run.wait(timeout=DEADLINE) != 0
    finally:
        if fd >= 0:
            os.close(fd)
        if run.poll() is None:
            run.kill()
            run.wait(timeout=DEADLINE)


def test_a_pool_in_this_process_shuts_down_cleanly() -> None:
    pool = rules_pool(1, SummarizerConfig(backend="rules"))
    assert isinstance(pool, RunPool)
    assert pool.submit(os.getpid).result(timeout=DEADLINE) != os.getpid()
    pids = pool.worker_pids()
    pool.shutdown(wait=True)
    assert pids and not any(_alive(pid) for pid in pids)
    assert rules_pool(0, SummarizerConfig(backend="rules")) is None


def test_a_worker_exits_when_its_parent_is_gone(tmp_path: Path) -> None:
    """The watcher alone: a grandchild whose parent is SIGKILLed exits by itself."""
    ready = tmp_path / "ready"
    grandchild_code = (
        "import os, sys, time; from summarizer.batch.workers import watch_parent; "
        "watch_parent(int(sys.argv[1])); open(sys.argv[2], 'w').close(); time.sleep(600)"
    )
    script = (
        "import os, sys, subprocess, time\n"
        f"child = subprocess.Popen([sys.executable, '-c', {grandchild_code!r}, "
        f"str(os.getpid()), {str(ready)!r}])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    grandchild = int(parent.stdout.readline())
    try:
        _poll(ready.exists, "the grandchild is watching its parent")
        parent.kill()
        parent.wait(timeout=DEADLINE)
        _poll(lambda: not _alive(grandchild), "the orphan exited")
        assert not _alive(grandchild)
    finally:
        if _alive(grandchild):
            os.kill(grandchild, signal.SIGKILL)
