"""Plumbing for ``bench_side_by_side.py``: the stand-in's process, and one client run.

Every process here is bounded: the stand-in stops when its stdin closes (and after
``max_seconds`` whatever happens); a client is killed, with its process group, at its
deadline. Client CPU is the child's own user+sys time, from ``os.wait4``.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

BENCH = Path(__file__).resolve().parent
_PR_SET_PDEATHSIG = 1


class StandinProcess:
    """``standin_server.py`` in a child process: ``with StandinProcess(1.0) as url: ...``."""

    def __init__(self, latency: float, max_seconds: float) -> None:
        self.command = [sys.executable, str(BENCH / "standin_server.py"),
                        "--latency", str(latency), "--max-seconds", str(max_seconds)]
        self.process: subprocess.Popen[str] | None = None

    def __enter__(self) -> str:
        self.process = subprocess.Popen(self.command, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        url: str = self._read(60)["base_url"]
        return url

    def stats(self) -> dict[str, Any]:
        """Requests and request bytes since the last call (then counting starts afresh)."""
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write("stats\n")
        self.process.stdin.flush()
        return self._read(60)

    def _read(self, timeout: float) -> dict[str, Any]:
        assert self.process is not None and self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"the stand-in did not answer within {timeout:.0f} s")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def __exit__(self, *exc: object) -> None:
        if self.process is None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass(frozen=True)
class ClientRun:
    """What one client process cost: wall seconds, CPU seconds (user+sys), exit status."""

    wall: float
    cpu: float
    returncode: int
    started: float  # time.time() at start, to compare with the stand-in's arrival times
    stderr: str


def run_client(command: Sequence[str], env: Mapping[str, str], *, timeout: float,
               cwd: Path, log: Path) -> ClientRun:
    """Run ``command`` in ``cwd`` to its end (or kill its process group at ``timeout``).

    ``cwd`` matters: ``python -m`` puts the working directory first on ``sys.path``, so
    running from a checkout would import that checkout's summarizer, not PYTHONPATH's.
    """
    with log.open("w+", encoding="utf-8") as stderr:
        started, wall = time.time(), time.perf_counter()
        process = subprocess.Popen(list(command), env=dict(env), cwd=cwd, stdout=stderr,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=_die_with_parent)
        try:
            status, usage = _wait(process.pid, time.perf_counter() + timeout)
        except BaseException:  # the bench is stopping: its client must not outlive it
            _kill(process.pid)
            raise
        wall = time.perf_counter() - wall
        process.returncode = os.waitstatus_to_exitcode(status)
        return ClientRun(wall, usage.ru_utime + usage.ru_stime, process.returncode, started,
                         _tail(stderr))


def _die_with_parent() -> None:
    """In the child: get SIGKILL if the bench dies, however it dies (Linux prctl)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _wait(pid: int, deadline: float) -> tuple[int, Any]:
    """``os.wait4`` the child (its own rusage), killing its group past ``deadline``."""
    while True:
        found, status, usage = os.wait4(pid, os.WNOHANG)
        if found == pid:
            return status, usage
        if time.perf_counter() > deadline:
            _kill(pid)
            _, status, usage = os.wait4(pid, 0)
            return status, usage
        time.sleep(0.02)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _tail(stream: IO[str], size: int = 2000) -> str:
    stream.seek(0)
    return stream.read()[-size:]


@dataclass(frozen=True)
class Outputs:
    """Output lines: how many, how many hold a digest, and the ids seen."""

    lines: int
    ok: int
    ids: frozenset[str]


def read_outputs(path: Path) -> Outputs:
    """Count a client's JSON Lines output (summarizer's digests or the plain script's rows)."""
    if not path.exists():
        return Outputs(0, 0, frozenset())
    lines = ok = 0
    ids: set[str] = set()
    with path.open(encoding="utf-8") as rows:
        for raw in rows:
            if not raw.strip():
                continue
            row = json.loads(raw)
            lines += 1
            ok += int("digest" in row or "summary" in row)
            ids.add(str(row.get("id") or row.get("article", {}).get("id")))
    return Outputs(lines, ok, frozenset(ids))


def loadavg() -> str:
    """The 1-, 5- and 15-minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    """Cores this process may use and the CPU model."""
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{len(os.sched_getaffinity(0))} cores (nproc), {model}"
