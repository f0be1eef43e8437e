"""Batch runs that lose nothing: concurrent, rate-limited, cached, resumable, costed.

``await run_batch(inputs, BatchConfig(output=Path("out.jsonl")))`` streams the inputs
(never holding them all), digests each article through an :class:`ArticleEngine` (store
lookup first, so a digest already paid for costs nothing), and writes one line per input:

* the digest JSON, or ``{"id", "source", "error": {"kind", "message"}}`` for a failure;
* in input order, as soon as every earlier line is known, to ``.<name>.part`` beside the
  output; at the end that file is renamed over the output (atomic: the output is always
  either the previous complete file or the new complete one). A device or FIFO output is
  written straight through instead (``summarizer.output``, the one output writer).

Resuming: every result is committed to the store before its line is written. Rerunning the
same command after a crash (``kill -9`` included) rebuilds the output from scratch: stored
results come back from the store at once, the rest are digested. So the output has exactly
one line per input, in input order, however many times the run was interrupted. Failures
are reused too, unless ``retry_failed``.

Memory stays flat: at most ``window`` inputs are in flight or waiting for an earlier line,
and at most ``min(32, window)`` more have been read ahead.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from ..article import Article
from ..costs import format_cost
from ..models import Usage
from ..output import open_output
from .engine import ArticleEngine, JobConfig, Outcome

if TYPE_CHECKING:
    import openai

    from ..ingest import IngestConfig, IngestFailure

log = logging.getLogger("summarizer.batch")

Item: TypeAlias = "Article | IngestFailure"
ProgressFn = Callable[["BatchSummary"], None]
PULL = 32
"""Inputs read per hop to the reading thread."""
MAX_EXAMPLES = 5


def _default_ingest() -> IngestConfig:
    from ..ingest import IngestConfig

    return IngestConfig()


@dataclass(frozen=True)
class BatchConfig:
    """A batch run: where the output goes, how inputs are read, how articles are digested."""

    output: Path
    job: JobConfig = field(default_factory=JobConfig)
    ingest: IngestConfig = field(default_factory=_default_ingest)
    window: int | None = None
    """Inputs that may be in flight or waiting for an earlier line (default 4×concurrency+32)."""

    @property
    def window_size(self) -> int:
        return self.window or 4 * self.job.concurrency + PULL


@dataclass
class BatchSummary:
    """The counts of a run (``total == done + cached + failed``), its spend and time."""

    run_id: str
    output: Path
    model: str = ""
    done: int = 0
    """Digested in this run."""
    cached: int = 0
    """Digests served by the store (0 model calls)."""
    failed: int = 0
    failed_earlier: int = 0
    """Of ``failed``: failures from an earlier run, not retried (see ``retry_failed``)."""
    reasons: Counter[str] = field(default_factory=Counter)
    usage: Usage = field(default_factory=Usage)
    requests: int = 0
    """HTTP requests to the model in this run, retries included."""
    reasks: int = 0
    """Grounding re-asks made in this run (their requests are counted above too)."""
    reask_tokens: int = 0
    cost_usd: float | None = 0.0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)
    """The first few failure messages, to show at the end."""

    @property
    def total(self) -> int:
        return self.done + self.cached + self.failed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def add(self, outcome: Outcome) -> None:
        if outcome.status == "failed":
            self.failed += 1
            self.failed_earlier += outcome.cached
            self.reasons[outcome.reason or "error"] += 1
            if outcome.message and len(self.examples) < MAX_EXAMPLES:
                self.examples.append(outcome.message)
        elif outcome.cached:
            self.cached += 1
        else:
            self.done += 1
        self.usage = self.usage + outcome.usage
        self.requests += outcome.requests
        self.reasks += outcome.reasks
        self.reask_tokens += outcome.reask_tokens
        if self.cost_usd is not None:
            self.cost_usd = None if outcome.cost_usd is None else self.cost_usd + outcome.cost_usd

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(output=str(self.output), total=self.total, reasons=dict(self.reasons))
        return data

    def describe(self) -> str:
        """The end-of-run summary, a few lines for stderr."""
        reasons = ", ".join(f"{kind} {n}" for kind, n in self.reasons.most_common())
        lines = [
            f"summarizer: {self.total} input(s) → {self.output} in {self.seconds:.1f} s",
            f"  done {self.done} · cached {self.cached} · failed {self.failed}"
            + (f" ({reasons})" if reasons else ""),
            f"  tokens {self.usage.prompt_tokens:,} in"
            + (f" ({self.usage.cached_tokens:,} cached)" if self.usage.cached_tokens else "")
            + f" / {self.usage.completion_tokens:,} out"
            f" · {self.requests} request(s) · est. cost {format_cost(self.cost_usd)}"
            + (f" ({self.model})" if self.model else ""),
        ]
        if self.reasks:
            lines.append(f"  grounding re-asks {self.reasks} ({self.reask_tokens:,} tokens, "
                         "included above)")
        lines.extend(f"  error: {message}" for message in self.examples)
        if self.failed > len(self.examples):
            lines.append(f"  … every failure is a line with an \"error\" in {self.output}")
        if self.failed_earlier:
            lines.append(f"  {self.failed_earlier} failure(s) come from an earlier run; "
                         "rerun with --retry-failed to try them again")
        return "\n".join(lines)


# --------------------------------------------------------------------------- output


class OrderedOutput:
    """Lines in input order, each written once every earlier one is; renamed into place
    by :meth:`commit`. At most ``window`` lines wait (see :meth:`reserve`)."""

    def __init__(self, path: Path, window: int) -> None:
        self.path = path
        self.window = window
        self.written = 0
        self._pending: dict[int, str] = {}
        self._changed = asyncio.Condition()
        self._file = open_output(path, temp_name=f".{path.name}.part")
        self.part = self._file.temp or path

    async def reserve(self, seq: int) -> None:
        """Wait until input ``seq`` may start (it is within ``window`` of the oldest gap)."""
        async with self._changed:
            await self._changed.wait_for(lambda: seq < self.written + self.window)

    async def put(self, seq: int, line: str) -> None:
        self._pending[seq] = line
        if seq != self.written:
            return
        while self.written in self._pending:
            self._file.write(self._pending.pop(self.written) + "\n")
            self.written += 1
        self._file.flush()
        async with self._changed:
            self._changed.notify_all()

    def commit(self) -> None:
        """Make the output the complete file, atomically (see ``summarizer.output``)."""
        self._file.commit()

    def close(self) -> None:
        """Drop an unfinished ``.part`` file (a rerun rebuilds the output from the store)."""
        self._file.discard()


# --------------------------------------------------------------------------- the run


def _take(items: Iterator[Item], n: int) -> list[Item]:
    return list(islice(items, n))


async def _stream(items: Iterable[Item], pull: int) -> AsyncIterator[Item]:
    """Read the inputs in a worker thread, ``pull`` at a time (reading may block)."""
    iterator = iter(items)
    while batch := await asyncio.to_thread(_take, iterator, pull):
        for item in batch:
            yield item


async def run_batch(
    inputs: Sequence[str],
    config: BatchConfig,
    *,
    client: openai.AsyncOpenAI | None = None,
    on_progress: ProgressFn | None = None,
) -> BatchSummary:
    """Digest every article in ``inputs`` (files, directories, URLs, JSONL, ``-``)."""
    from ..ingest import iter_articles

    items = iter_articles(list(inputs), config.ingest)
    return await run_items(items, config, client=client, on_progress=on_progress)


async def run_items(
    items: Iterable[Item],
    config: BatchConfig,
    *,
    client: openai.AsyncOpenAI | None = None,
    on_progress: ProgressFn | None = None,
) -> BatchSummary:
    """:func:`run_batch` over articles (and ingest failures) already being read lazily."""
    run_id = uuid.uuid4().hex[:12]
    started = time.perf_counter()
    async with ArticleEngine(config.job, run_id=run_id, client=client) as engine:
        summary = BatchSummary(run_id, config.output, model=engine.ident.model)
        engine.store.start_run(run_id, _describe_config(config))
        output = OrderedOutput(config.output, config.window_size)
        try:
            await _feed(items, engine, output, summary, on_progress)
            output.commit()
        finally:
            output.close()
            summary.seconds = time.perf_counter() - started
            engine.store.finish_run(run_id, summary.as_dict())
    return summary


async def _feed(
    items: Iterable[Item],
    engine: ArticleEngine,
    output: OrderedOutput,
    summary: BatchSummary,
    on_progress: ProgressFn | None,
) -> None:
    async def one(seq: int, item: Item) -> None:
        if isinstance(item, Article):
            outcome = await engine.process(item)
        else:
            outcome = engine.failed_input(item)
        summary.add(outcome)
        await output.put(seq, outcome.line)
        if on_progress is not None:
            on_progress(summary)

    async with asyncio.TaskGroup() as tasks:
        seq = 0
        async for item in _stream(items, min(PULL, output.window)):
            await output.reserve(seq)
            tasks.create_task(one(seq, item))
            seq += 1


def _describe_config(config: BatchConfig) -> dict[str, Any]:
    """What the runs table records about a run (never the API key)."""
    return {"output": str(config.output), **config.job.describe()}
