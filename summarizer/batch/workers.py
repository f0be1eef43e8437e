"""Worker processes for the CPU-bound rules backend, which never outlive their run.

:func:`rules_pool` builds a :class:`RunPool` (a spawn-context ``ProcessPoolExecutor``)
whose workers belong to the process that started them:

* each worker polls ``os.getppid()`` from a daemon thread and exits as soon as its parent
  is gone, so a ``kill -9`` of the run leaves no worker behind (and once the workers are
  gone, multiprocessing's resource tracker sees its pipe close and exits too);
* workers ignore SIGINT (Ctrl-C reaches the whole process group): the parent handles it
  and shuts the pool down in order;
* while a pool is open, SIGTERM in the parent first kills the pool's workers, then takes
  its previous course (by default: the parent dies of SIGTERM). The store needs no
  cleanup: every result is committed in one transaction.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from types import FrameType
from typing import Any

from ..article import Article
from ..pipeline import Summarizer, SummarizerConfig

log = logging.getLogger("summarizer.batch")

PARENT_POLL_SECONDS = 0.2
"""How often a worker checks that its parent is alive."""

_worker: Summarizer | None = None


# --------------------------------------------------------------------------- in the worker


def init_worker(parent_pid: int, config: SummarizerConfig) -> None:
    """Worker start-up: ignore Ctrl-C, watch the parent, build the run's summarizer (its
    ``RulesConfig`` included)."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(parent_pid)
    _worker = Summarizer(config)


def watch_parent(parent_pid: int, poll: float = PARENT_POLL_SECONDS) -> threading.Thread:
    """Exit this process as soon as ``parent_pid`` is no longer its parent."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(poll)
        os._exit(0)  # the parent is gone: nobody will collect our results

    thread = threading.Thread(target=watch, name="summarizer-parent-watch", daemon=True)
    thread.start()
    return thread


def rules_digest_json(article: Article) -> str:
    """Digest with the rules backend in this (worker) process; the digest as JSON."""
    global _worker
    if _worker is None:
        _worker = Summarizer(SummarizerConfig(backend="rules"))
    return _worker.summarize(article).model_dump_json()


# --------------------------------------------------------------------------- in the parent


class RunPool(ProcessPoolExecutor):
    """A process pool whose workers die with the run (see the module docstring)."""

    def __init__(self, count: int, config: SummarizerConfig) -> None:
        # spawn: safe beside the threads a run has (fork is not), and needs no socket
        super().__init__(count, mp_context=multiprocessing.get_context("spawn"),
                         initializer=init_worker, initargs=(os.getpid(), config))
        _guard.add(self)

    def worker_pids(self) -> list[int]:
        processes = self._processes or {}
        return [pid for pid in processes if pid is not None]

    def kill_workers(self) -> None:
        """Kill every worker now (from a signal handler: no locks, no waiting)."""
        for process in list((self._processes or {}).values()):
            with suppress(OSError, ValueError, AttributeError):
                process.kill()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        try:
            super().shutdown(wait=wait, cancel_futures=cancel_futures)
        finally:
            _guard.discard(self)


def rules_pool(processes: int | None, config: SummarizerConfig) -> RunPool | None:
    """A pool of ``processes`` workers (None: one per core) digesting with ``config``; None
    for 0 (digest inline)."""
    count = (os.cpu_count() or 1) if processes is None else processes
    return RunPool(count, config) if count >= 1 else None


class _SignalGuard:
    """Kills the open pools' workers on SIGTERM, then lets the signal take its course."""

    def __init__(self) -> None:
        self.pools: set[RunPool] = set()
        self.previous: Any = None

    def add(self, pool: RunPool) -> None:
        self.pools.add(pool)
        if self.previous is None and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._on_term)

    def discard(self, pool: RunPool) -> None:
        self.pools.discard(pool)
        if self.pools or self.previous is None:
            return
        if signal.getsignal(signal.SIGTERM) == self._on_term:
            signal.signal(signal.SIGTERM, self.previous)
        self.previous = None

    def _on_term(self, signum: int, frame: FrameType | None) -> None:
        for pool in list(self.pools):
            pool.kill_workers()
        previous, self.previous = self.previous, None
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        if callable(previous):
            previous(signum, frame)
        elif previous in (signal.SIG_DFL, None):
            os.kill(os.getpid(), signum)


_guard = _SignalGuard()
