"""The provider Batch API route of a batch run: prepare → submit → wait → collect → output.

``await run_batch_api(inputs, BatchConfig(...), BatchApiConfig())`` digests the articles
the store has no result for through the provider's Batch API (half price, answered within
24 h) and writes the same output a live ``run_batch`` writes: one line per input, in
input order, failures as error lines, renamed into place only when every line is known.

Rerunning the same call resumes: stored results are reused, batches in flight are waited
for (never submitted again), finished ones are collected. With ``wait=False`` (or when
``PollPolicy.max_wait`` passes) it returns after submitting, leaving the output alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...article import Article
from ...costs import format_cost
from ...errors import ConfigError
from ...store import ResultKey
from ..engine import ArticleEngine, Outcome, error_line, result_key
from ..runner import BatchConfig, BatchSummary, OrderedOutput
from .collect import Collector
from .config import BatchApiConfig
from .journal import OPEN_STATES, Chunk, Journal, custom_id
from .poll import Clock, ProgressFn, Sleep, cancel_all, wait_all
from .prepare import Work, chunk_content, prepare
from .remote import RemoteApi
from .submit import ChunkLost, submit

if TYPE_CHECKING:
    import openai

    from ...ingest import IngestFailure
    from ...pipeline import Summarizer

log = logging.getLogger("summarizer.batch.provider")


@dataclass
class BatchApiSummary:
    """A batch run's counts (``summary``) plus what the provider batches did and cost."""

    summary: BatchSummary
    batches: list[Chunk] = field(default_factory=list)
    """The chunks of this run's inputs, as the journal has them at the end."""
    answered: int = 0
    """Digests stored from batch answers in this run."""
    batch_cost_usd: float | None = 0.0
    live_equivalent_usd: float | None = 0.0
    """What the batch-answered requests would have cost as live calls."""
    pending: int = 0
    """Batches still running (no output written yet: rerun to collect)."""

    @property
    def ok(self) -> bool:
        return self.pending == 0 and self.summary.ok

    def describe(self) -> str:
        ids = ", ".join(f"{c.batch_id or c.chunk_id} {c.remote_status or c.state}"
                        for c in self.batches[:5])
        more = f" (+{len(self.batches) - 5})" if len(self.batches) > 5 else ""
        batch_line = (f"  batch API: {len(self.batches)} batch(es) [{ids}{more}] · "
                      f"{self.answered} answered · cost {format_cost(self.batch_cost_usd)} "
                      f"at the batch rate (live: {format_cost(self.live_equivalent_usd)})")
        if self.pending:
            return "\n".join([
                f"summarizer: {self.pending} batch(es) submitted and still running; "
                f"{self.summary.output} is not written yet",
                batch_line,
                "  rerun the same command to wait and collect (or see `summarizer "
                "batch-status`)"])
        return self.summary.describe() + "\n" + batch_line


@dataclass
class _Run:
    """One run's moving parts."""

    config: BatchConfig
    api_config: BatchApiConfig
    engine: ArticleEngine
    journal: Journal
    remote: RemoteApi
    summarizer: Summarizer
    collector: Collector
    articles: dict[ResultKey, Article]

    @property
    def spool(self) -> Path:
        return self.api_config.spool or self.engine.store.path.parent / "batch-api"

    def ours(self, states: Sequence[str]) -> list[Chunk]:
        ident = self.engine.ident
        host = self.config.job.summarizer.llm.host
        return [c for c in self.journal.chunks(states)
                if c.model == ident.model and c.host == host]


async def run_batch_api(
    inputs: Sequence[str],
    config: BatchConfig,
    api_config: BatchApiConfig | None = None,
    *,
    client: openai.AsyncOpenAI | None = None,
    on_progress: ProgressFn | None = None,
    sleep: Sleep = asyncio.sleep,
    clock: Clock = time.monotonic,
) -> BatchApiSummary:
    """Digest ``inputs`` through the provider Batch API (see the module docstring)."""
    from ...ingest import iter_articles

    api_config = api_config or BatchApiConfig()
    if config.job.summarizer.resolved_backend() != "llm":
        raise ConfigError("--batch-api needs a model endpoint; pass --model (and --base-url "
                          "for a server other than api.openai.com)")
    items = list(iter_articles(list(inputs), config.ingest))
    run_id = uuid.uuid4().hex[:12]
    started = time.perf_counter()
    async with ArticleEngine(config.job, run_id=run_id, client=client) as engine, \
            _exclusive(engine.store.path):
        run = _start(config, api_config, engine, items, client, run_id)
        summary = BatchApiSummary(BatchSummary(run_id, config.output, model=engine.ident.model))
        engine.store.start_run(run_id, {"route": "batch_api", "output": str(config.output),
                                        "model": engine.ident.model,
                                        "retry": api_config.retry})
        try:
            summary.pending = await _batches(run, on_progress, sleep, clock)
            if not summary.pending:
                await _output(run, items, summary.summary)
        finally:
            await run.remote.aclose()
            await run.summarizer.aclose()
            _account(run, summary)
            summary.summary.seconds = time.perf_counter() - started
            engine.store.finish_run(run_id, summary.summary.as_dict())
    return summary


@asynccontextmanager
async def _exclusive(store: Path) -> AsyncIterator[None]:
    """One Batch API run per store at a time: two could both take the same chunk from the
    journal and create two batches. The lock dies with its process (even ``kill -9``)."""
    import fcntl

    with store.with_name(f"{store.name}.batch-api.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ConfigError("another --batch-api run is using this store; let it finish "
                              "(or stop it) and rerun, or pass another --store",
                              source=str(store)) from None
        yield


def _start(config: BatchConfig, api_config: BatchApiConfig, engine: ArticleEngine,
           items: list[Article | IngestFailure], client: openai.AsyncOpenAI | None,
           run_id: str) -> _Run:
    from ...pipeline import Summarizer

    job = config.job
    summarizer = Summarizer(job.summarizer, client=client)
    remote = RemoteApi.build(job.summarizer.llm, client)
    journal = Journal(engine.store)
    articles = {result_key(a, engine.ident): a for a in items if isinstance(a, Article)}
    collector = Collector(engine.store, journal, remote, summarizer, articles,
                          job.summarizer.prices,
                          engine.ident.model, engine.ident.prompt.split("#")[0],
                          engine.ident.local, run_id)
    return _Run(config, api_config, engine, journal, remote, summarizer, collector, articles)


async def _batches(run: _Run, on_progress: ProgressFn | None, sleep: Sleep,
                   clock: Clock) -> int:
    """Plan, submit, wait and collect, round after round; returns batches still running."""
    rounds = 1 + (run.api_config.followups if run.api_config.retry == "batch" else 0)
    for _ in range(rounds):
        work = _plan(run)
        if work:
            prepare(work, run.summarizer, run.journal, run.spool, run.api_config.limits,
                    model=run.engine.ident.model, host=run.config.job.summarizer.llm.host)
        for chunk in run.ours(OPEN_STATES[:-1]):
            try:
                await submit(chunk, run.journal, run.remote, lambda c: chunk_content(
                    c, run.journal, run.spool, run.articles, run.summarizer))
            except ChunkLost as exc:
                log.warning("%s", exc)
        submitted = [c for c in run.ours(("submitted",)) if _has_inputs(run, c)]
        if not run.api_config.wait:
            return len(submitted)
        running = await _wait(run, submitted, on_progress, sleep, clock)
        _tidy(run)
        if running:
            return len(running)
        if not _plan(run):
            break
    return 0


async def _wait(run: _Run, chunks: list[Chunk], on_progress: ProgressFn | None,
                sleep: Sleep, clock: Clock) -> list[Chunk]:
    try:
        return await wait_all(chunks, run.journal, run.remote, run.collector.collect,
                              run.api_config.poll, sleep=sleep, clock=clock,
                              on_progress=on_progress)
    except (asyncio.CancelledError, KeyboardInterrupt):
        if run.api_config.cancel:
            await asyncio.shield(cancel_all(run.ours(("submitted",)), run.journal, run.remote))
        raise


def _tidy(run: _Run) -> None:
    """Delete the input files of collected chunks (the provider has them; so does the
    journal's sha256)."""
    for chunk in run.ours(("collected",)):
        (run.spool / chunk.filename).unlink(missing_ok=True)


def _has_inputs(run: _Run, chunk: Chunk) -> bool:
    """Whether any request of ``chunk`` belongs to this run's inputs."""
    return any(item.key in run.articles for item in run.journal.items(chunk.chunk_id))


def _plan(run: _Run) -> list[Work]:
    """Articles to send: no stored result, not in a batch in flight, not failed in batches
    too often already, and short enough for one request (long ones go live)."""
    pending, failures = run.journal.pending(), run.journal.failures()
    allowed = 1 + (run.api_config.followups if run.api_config.retry == "batch" else 0)
    seen: set[str] = set()
    work = []
    for key, article in run.articles.items():
        cid = custom_id(key)
        if cid in seen or cid in pending or failures.get(cid, (0,))[0] >= allowed:
            continue
        seen.add(cid)
        stored = run.engine.store.get(key)
        if stored is not None and (stored.status == "done" or not run.config.job.retry_failed):
            continue
        if _too_long(run, article):
            continue
        work.append(Work(article, key))
    return work


def _too_long(run: _Run, article: Article) -> bool:
    """An article a live digest would split into parts goes live."""
    return len(run.summarizer.request_parts(article)) > 1


async def _output(run: _Run, items: list[Article | IngestFailure], summary: BatchSummary) -> None:
    """One line per input in input order: batch answers, stored results, live digests of
    what the batches did not answer (``retry="live"``) or its failure."""
    output = OrderedOutput(run.config.output, len(items) + 1)
    failures = run.journal.failures()

    async def one(item: Article | IngestFailure) -> Outcome:
        if not isinstance(item, Article):
            return run.engine.failed_input(item)
        key = result_key(item, run.engine.ident)
        answered = run.collector.stored.get(key)
        if answered is not None:
            outcome = await run.engine.process(item)
            usage, cost, _ = answered
            return Outcome(outcome.line, "done", False, key.article, usage=usage, requests=1,
                           cost_usd=cost)
        stored = run.engine.store.get(key)
        if (stored is not None or run.api_config.retry == "live" or _too_long(run, item)):
            return await run.engine.process(item)
        _, kind, message = failures.get(custom_id(key), (0, "batch_failed",
                                                         "the batch did not answer"))
        line = error_line(key.article, item.origin, kind, message)
        return Outcome(line, "failed", False, key.article, kind, message)

    try:
        outcomes = await asyncio.gather(*(one(item) for item in items))
        for seq, outcome in enumerate(outcomes):
            summary.add(outcome)
            await output.put(seq, outcome.line)
        output.commit()
    finally:
        output.close()


def _account(run: _Run, summary: BatchApiSummary) -> None:
    ids = {custom_id(key) for key in run.articles}
    summary.batches = [c for c in run.ours(("prepared", "uploading", "uploaded", "creating",
                                            "submitted", "collected"))
                       if any(i.custom_id in ids for i in run.journal.items(c.chunk_id))]
    stored = run.collector.stored.values()
    summary.answered = len(stored)
    summary.batch_cost_usd = _total(cost for _, cost, _ in stored)
    summary.live_equivalent_usd = _total(live for _, _, live in stored)


def _total(values: Any) -> float | None:
    total = 0.0
    for value in values:
        if value is None:
            return None
        total += value
    return total
