"""One article through the batch machinery: cache lookup, digest, ledger, store.

:class:`ArticleEngine` is the per-article unit every batch runner shares — the local one in
``summarizer.batch.runner`` and, later, a Ray Data extractor. It is a thin driver around
the one pipeline, :class:`~summarizer.pipeline.Summarizer` (which owns chunking, grounding,
provenance, usage, cost and the cache identity): it adds the store, the ledger and a process
pool for the CPU-bound rules backend whose workers die with the run
(``summarizer.batch.workers``). It is built from a picklable :class:`JobConfig` and
opens the store and pool in :meth:`ArticleEngine.start`, inside the process that uses them.

:meth:`ArticleEngine.process` never raises for a failed article: it returns an
:class:`Outcome` with the reason, after recording the result and its ledger rows in the
store in one transaction.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..article import Article, text_sha256
from ..errors import (
    ConfigError,
    ContextLengthError,
    InputError,
    InvalidOutputError,
    ModelError,
    ModelUnavailableError,
    RateLimitError,
    RefusalError,
    SummarizerError,
    TruncatedOutputError,
)
from ..llm.events import observe_calls
from ..llm.ratelimit import AsyncLimiter, Limiter, RateLimits
from ..models import SCHEMA_VERSION, Usage
from ..pipeline import Identity, Summarizer, SummarizerConfig
from ..store import ResultKey, Store, StoredResult
from .ledger import CallCollector, LedgerContext
from .workers import rules_digest_json, rules_pool

if TYPE_CHECKING:
    import openai

    from ..ingest import IngestFailure

log = logging.getLogger("summarizer.batch")

Status = Literal["done", "failed"]

_FAILURE_KINDS: tuple[tuple[type[BaseException], str], ...] = (
    (RateLimitError, "rate_limited"),
    (InvalidOutputError, "invalid_output"),
    (ContextLengthError, "context_too_long"),
    (TruncatedOutputError, "truncated_output"),
    (RefusalError, "refused"),
    (ModelUnavailableError, "unavailable"),
    (ModelError, "model_error"),
    (InputError, "bad_input"),
    (SummarizerError, "error"),
)


def failure_kind(exc: BaseException) -> str:
    """A short machine-readable reason: rate_limited, invalid_output, context_too_long, ..."""
    for cls, kind in _FAILURE_KINDS:
        if isinstance(exc, cls):
            return kind
    return "internal"


@dataclass(frozen=True)
class JobConfig:
    """How every article of a run is digested and recorded. Picklable: holds no client."""

    summarizer: SummarizerConfig = field(default_factory=SummarizerConfig)
    limits: RateLimits = field(default_factory=RateLimits)
    store: Path | None = None
    concurrency: int = 8
    processes: int | None = None
    """Worker processes for the CPU-bound rules backend (None: one per core; 0: inline)."""
    retry_failed: bool = False
    use_cache: bool = True
    """False: digest again even what the store holds (the new result replaces it)."""

    def describe(self) -> dict[str, Any]:
        """What the runs table records about a run's job (never the API key)."""
        llm = self.summarizer.llm
        return {"backend": self.summarizer.resolved_backend(), "model": llm.model,
                "host": llm.host, "prompt": self.summarizer.prompt,
                "concurrency": self.concurrency, "rpm": self.limits.rpm,
                "tpm": self.limits.tpm, "retry_failed": self.retry_failed}

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ConfigError(f"concurrency must be at least 1, not {self.concurrency}")


@dataclass(frozen=True)
class Outcome:
    """What became of one input: its output line, and what it cost in this run."""

    line: str
    status: Status
    cached: bool
    article: str | None
    reason: str | None = None
    message: str | None = None
    usage: Usage = field(default_factory=Usage)
    requests: int = 0
    cost_usd: float | None = 0.0
    reasks: int = 0
    reask_tokens: int = 0


def result_key(article: Article, ident: Identity) -> ResultKey:
    return ResultKey(article=article.key, content_sha256=text_sha256(article.text),
                     prompt=ident.prompt, schema_version=SCHEMA_VERSION, model=ident.model,
                     backend=ident.backend, params_sha256=ident.params_sha256)


# --------------------------------------------------------------------------- output lines


def error_line(article: str | None, source: str, kind: str, message: str) -> str:
    """The output line of a failed input: ``{"id", "source", "error": {"kind", "message"}}``."""
    return json.dumps({"id": article, "source": source,
                       "error": {"kind": kind, "message": message}}, ensure_ascii=False)


def _line(result: StoredResult, article: Article) -> str:
    if result.status == "done":
        assert result.digest_json is not None
        return result.digest_json
    return error_line(result.key.article, article.origin, result.error_kind or "error",
                      result.error_message or "")


# --------------------------------------------------------------------------- the engine


class ArticleEngine:
    """Digests articles one at a time against the store (see the module docstring)."""

    def __init__(
        self,
        job: JobConfig,
        *,
        run_id: str | None = None,
        client: openai.AsyncOpenAI | None = None,
        limiter: AsyncLimiter | None = None,
    ) -> None:
        self.job = job
        self.run_id = run_id or uuid.uuid4().hex[:12]
        if limiter is None and job.limits.active:
            limiter = Limiter(job.limits)
        self.summarizer = Summarizer(job.summarizer, client=client, limiter=limiter)
        self.ident: Identity = self.summarizer.identity
        self._store: Store | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._slots = asyncio.Semaphore(job.concurrency)
        self._inflight: dict[ResultKey, asyncio.Future[StoredResult]] = {}

    @property
    def store(self) -> Store:
        if self._store is None:
            raise ConfigError("the engine is not started; use `async with ArticleEngine(...)`"
                              " or call start() first")
        return self._store

    def start(self) -> None:
        """Open the store and, for the rules backend, the process pool (in this process)."""
        self._store = Store.open(self.job.store)
        if self.ident.backend == "rules":
            self._pool = rules_pool(self.job.processes, self.job.summarizer)

    async def aclose(self) -> None:
        await self.summarizer.aclose()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        if self._store is not None:
            self._store.close()

    async def __aenter__(self) -> ArticleEngine:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------- per input

    def failed_input(self, failure: IngestFailure) -> Outcome:
        """An input that could not be read: a failed line, nothing stored."""
        line = error_line(failure.id, failure.source, "bad_input", failure.message)
        return Outcome(line, "failed", False, failure.id, "bad_input", str(failure))

    async def process(self, article: Article) -> Outcome:
        """The stored result when there is one (failures only unless ``retry_failed``),
        else a fresh digest, recorded before it is returned."""
        key = result_key(article, self.ident)
        pending = self._inflight.get(key)
        if pending is not None:
            return self._cached(await asyncio.shield(pending), article)
        stored = self.store.get(key) if self.job.use_cache else None
        if stored is not None and (stored.status == "done" or not self.job.retry_failed):
            return self._cached(stored, article)
        future: asyncio.Future[StoredResult] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result, collector = await self._compute(article, key)
            future.set_result(result)
        finally:
            del self._inflight[key]
            if not future.done():
                future.cancel()
        return Outcome(_line(result, article), result.status, False, key.article,
                       result.error_kind, result.error_message, result.usage,
                       collector.requests, result.cost_usd, collector.reasks,
                       collector.reask_tokens)

    def _cached(self, result: StoredResult, article: Article) -> Outcome:
        return Outcome(_line(result, article), result.status, True, result.key.article,
                       result.error_kind, result.error_message)

    async def _compute(
        self, article: Article, key: ResultKey
    ) -> tuple[StoredResult, CallCollector]:
        collector = CallCollector(LedgerContext(article.key, self.ident.model,
                                                self.ident.prompt.split("#")[0], self.run_id))
        async with self._slots:
            result = await self._attempt(article, key, collector)
        self.store.put(result, collector.rows)
        return result, collector

    async def _attempt(
        self, article: Article, key: ResultKey, collector: CallCollector
    ) -> StoredResult:
        try:
            with observe_calls(collector):
                digest_json, usage, attempts = await self._digest(article)
        except SummarizerError as exc:
            usage = getattr(exc, "usage", None) or Usage()
            attempts = getattr(exc, "attempts", 0) or collector.requests
            return self._failed(key, failure_kind(exc), str(exc), usage, attempts)
        except Exception as exc:  # a bug must not sink the other articles
            log.exception("%s: unexpected error", article.label)
            message = f"{article.label}: internal error ({type(exc).__name__}: {exc})"
            return self._failed(key, "internal", message, Usage(), collector.requests)
        return StoredResult(key, "done", digest_json=digest_json, usage=usage,
                            attempts=attempts, cost_usd=self.summarizer.cost(usage))

    def _failed(self, key: ResultKey, kind: str, message: str, usage: Usage,
                attempts: int) -> StoredResult:
        return StoredResult(key, "failed", error_kind=kind, error_message=message, usage=usage,
                            attempts=attempts, cost_usd=self.summarizer.cost(usage))

    async def _digest(self, article: Article) -> tuple[str, Usage, int]:
        if self._pool is not None:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool, rules_digest_json, article), Usage(), 0
        digest = await self.summarizer.asummarize(article)
        prov = digest.provenance
        return digest.model_dump_json(), prov.usage, prov.attempts
