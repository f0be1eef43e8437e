"""Wait: check each submitted batch with growing pauses, collect each as it ends.

The pause and the clock are injected (tests never really wait). Every status check is
journalled (remote status, request counts), so ``summarizer batch-status`` shows progress
from another shell. An interrupted wait (Ctrl-C) leaves the remote batches running
unless asked to cancel them; a rerun picks them up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import PollPolicy
from .faults import crashpoint
from .journal import Chunk, Journal
from .remote import RemoteApi, is_terminal, remote_error

if TYPE_CHECKING:
    from openai.types import Batch

log = logging.getLogger("summarizer.batch.provider")

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


@dataclass(frozen=True)
class Counts:
    """Request counts summed over the batches being waited for."""

    total: int
    completed: int
    failed: int
    batches: int
    running: int


ProgressFn = Callable[[Counts], None]
CollectFn = Callable[[Chunk, "Batch"], Awaitable[Chunk]]


async def wait_all(
    chunks: Sequence[Chunk], journal: Journal, api: RemoteApi, collect: CollectFn,
    policy: PollPolicy, *, sleep: Sleep = asyncio.sleep, clock: Clock = time.monotonic,
    on_progress: ProgressFn | None = None,
) -> list[Chunk]:
    """Check until every chunk's batch has ended and been collected (or ``max_wait``
    passed); returns the chunks still running."""
    running = {c.chunk_id: c for c in chunks}
    started, delay = clock(), policy.initial
    counts: dict[str, tuple[int, int, int]] = {}
    while running:
        for chunk_id, chunk in list(running.items()):
            assert chunk.batch_id is not None
            try:
                batch = await api.retrieve(chunk.batch_id)
            except Exception as exc:
                raise remote_error(exc, f"checking batch {chunk.batch_id}") from exc
            rc = batch.request_counts
            counts[chunk_id] = (rc.total, rc.completed, rc.failed) if rc else (chunk.requests,
                                                                                0, 0)
            running[chunk_id] = journal.update(chunk_id, remote_status=batch.status,
                                               completed=counts[chunk_id][1],
                                               failed=counts[chunk_id][2])
            crashpoint("polling")
            if is_terminal(batch.status):
                log.info("batch %s %s", batch.id, batch.status)
                done = await collect(running.pop(chunk_id), batch)
                if done.state != "collected":
                    log.warning("batch %s: %s", batch.id, done.note)
        if on_progress is not None:
            on_progress(_sum(counts, len(chunks), len(running)))
        if not running or (policy.max_wait is not None
                           and clock() - started + delay > policy.max_wait):
            break
        await sleep(delay)
        delay = min(delay * policy.factor, policy.maximum)
    return list(running.values())


def _sum(counts: dict[str, tuple[int, int, int]], batches: int, running: int) -> Counts:
    total = sum(c[0] for c in counts.values())
    return Counts(total, sum(c[1] for c in counts.values()), sum(c[2] for c in counts.values()),
                  batches, running)


async def cancel_all(chunks: Sequence[Chunk], journal: Journal, api: RemoteApi) -> None:
    """Ask the provider to cancel these batches (what finished stays collectable)."""
    for chunk in chunks:
        if chunk.batch_id is None:
            continue
        try:
            batch = await api.cancel(chunk.batch_id)
        except Exception as exc:
            log.warning("could not cancel batch %s: %s", chunk.batch_id, exc)
            continue
        journal.update(chunk.chunk_id, remote_status=batch.status)
