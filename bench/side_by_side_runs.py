"""Plumbing for ``bench_side_by_side.py``: the stand-in's process, and one client run.

Every process here is bounded: the stand-in stops when its stdin closes (and after
``max_seconds`` whatever happens); a client is killed, with its process group, at its
deadline. Client CPU is the child's own user+sys time, from ``os.wait4``.
"""

from __future__ import annotations

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
               log: Path) -> ClientRun:
    """Run ``command`` to its end (or kill its process group at ``timeout``)."""
    with log.open("w+", encoding="utf-8") as stderr:
        started, wall = time.time(), time.perf_counter()
        process = subprocess.Popen(list(command), env=dict(env), stdout=stderr,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        status, usage = _wait(process, time.perf_counter() + timeout)
        wall = time.perf_counter() - wall
        return ClientRun(wall, usage.ru_utime + usage.ru_stime,
                         os.waitstatus_to_exitcode(status), started, _tail(stderr))


def _wait(process: subprocess.Popen[bytes], deadline: float) -> tuple[int, Any]:
    """``os.wait4`` the child (its own rusage), killing its group past ``deadline``."""
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        time.sleep(0.02)


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
