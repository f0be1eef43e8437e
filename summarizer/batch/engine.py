"""One article through the batch machinery: cache lookup, digest, ledger, store.

:class:`ArticleEngine` is the per-article unit every batch runner shares — the local one in
``summarizer.batch.runner`` and, later, a Ray Data extractor. It is built from a picklable
:class:`JobConfig` and creates everything heavy in :meth:`ArticleEngine.start`, inside the
process and event loop that will use it: the store connection, the OpenAI client with the
rate-limited, ledger-reporting transport, and (rules backend) a process pool whose workers
die with the run (``summarizer.batch.workers``).

:meth:`ArticleEngine.process` never raises for a failed article: it returns an
:class:`Outcome` with the reason, after recording the result and its ledger rows in the
store in one transaction.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..article import Article, text_sha256
from ..chunking import ChunkConfig, digest_long
from ..costs import PriceTable, load_prices
from ..errors import (
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
from ..llm.ratelimit import AsyncLimiter, LimitedTransport, Limiter, RateLimits
from ..models import SCHEMA_VERSION, Usage
from ..pipeline import Summarizer, SummarizerConfig
from .ledger import CallCollector, LedgerContext
from .store import ResultKey, Store, StoredResult
from .workers import rules_digest_json, rules_pool

if TYPE_CHECKING:
    import httpx2
    import openai

    from ..config import LLMConfig
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
    chunking: ChunkConfig = field(default_factory=ChunkConfig)
    limits: RateLimits = field(default_factory=RateLimits)
    store: Path | None = None
    prices: Path | None = None
    concurrency: int = 8
    processes: int | None = None
    """Worker processes for the CPU-bound rules backend (None: one per core; 0: inline)."""
    retry_failed: bool = False

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")


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


@dataclass(frozen=True)
class Identity:
    """Everything besides the article that decides a digest (the rest of the cache key)."""

    backend: str
    model: str
    prompt: str
    params_sha256: str
    provider: str | None = None
    local: bool = True


def _sha256(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def identity(config: SummarizerConfig, chunking: ChunkConfig) -> Identity:
    """The cache identity of a configuration: prompt id@version#sha256, model, backend and a
    hash of the generation parameters. The endpoint is not part of it: the same model name
    behind another URL (a restarted local server) is the same model."""
    if config.resolved_backend() == "rules":
        from .. import rules

        return Identity("rules", f"rules-{rules.RULES_VERSION}", "-", _sha256({}))
    from ..prompts import get_prompt

    llm, prompt = config.llm, get_prompt(config.prompt)
    temperature = llm.temperature
    if temperature is None:
        temperature = float(prompt.defaults.get("temperature", 0.0))
    params = {"mode": llm.resolved_mode(), "temperature": temperature,
              "max_tokens": llm.max_tokens, "max_reasks": llm.max_reasks,
              "grounding_reask": llm.grounding_reask, "grounding": asdict(config.grounding),
              "chunking": asdict(chunking)}
    return Identity("llm", llm.resolved_model(), f"{prompt.ref}#{prompt.sha256}",
                    _sha256(params), llm.host, not llm.is_openai)


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
    ) -> None:
        self.job = job
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.ident = identity(job.summarizer, job.chunking)
        self.prices: PriceTable = load_prices(job.prices)
        self._client = client
        self._store: Store | None = None
        self._summarizer: Summarizer | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._inline: Summarizer | None = None
        self._slots = asyncio.Semaphore(job.concurrency)
        self._inflight: dict[ResultKey, asyncio.Future[StoredResult]] = {}

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("ArticleEngine.start() was not called")
        return self._store

    def start(self) -> None:
        """Open the store and build the client or process pool (in this process)."""
        self._store = Store.open(self.job.store)
        if self.ident.backend == "rules":
            self._pool = rules_pool(self.job.processes)
            return
        llm = self.job.summarizer.llm
        client = self._client or build_client(llm, self.job.limits)
        self._summarizer = Summarizer(self.job.summarizer, client=client)

    async def aclose(self) -> None:
        if self._summarizer is not None:
            await self._summarizer.aclose()
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
        stored = self.store.get(key)
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
                       collector.requests, result.cost_usd)

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
        from ..llm.client import observe_calls

        try:
            with observe_calls(collector):
                digest_json, usage, attempts = await self._digest(article)
        except SummarizerError as exc:
            usage = getattr(exc, "usage", None) or Usage()
            attempts = max(getattr(exc, "attempts", 0), collector.requests)
            return self._failed(key, failure_kind(exc), str(exc), usage, attempts)
        except Exception as exc:  # a bug must not sink the other articles
            log.exception("%s: unexpected error", article.label)
            message = f"{article.label}: internal error ({type(exc).__name__}: {exc})"
            return self._failed(key, "internal", message, Usage(), collector.requests)
        return StoredResult(key, "done", digest_json=digest_json, usage=usage,
                            attempts=attempts, cost_usd=self._cost(usage))

    def _failed(self, key: ResultKey, kind: str, message: str, usage: Usage,
                attempts: int) -> StoredResult:
        return StoredResult(key, "failed", error_kind=kind, error_message=message, usage=usage,
                            attempts=attempts, cost_usd=self._cost(usage))

    def _cost(self, usage: Usage) -> float | None:
        return self.prices.cost(self.ident.model, usage, local=self.ident.local)

    async def _digest(self, article: Article) -> tuple[str, Usage, int]:
        if self._summarizer is None:
            return await self._rules(article), Usage(), 0
        llm = self.job.summarizer.llm
        budget = self.job.chunking.budget(self.ident.model, llm.max_tokens)
        digest = await digest_long(self._summarizer.asummarize, article, budget,
                                   self.job.chunking)
        prov = digest.provenance
        return digest.model_dump_json(), prov.usage, prov.attempts

    async def _rules(self, article: Article) -> str:
        if self._pool is None:  # processes=0: in this process, between the awaits
            if self._inline is None:
                self._inline = Summarizer(SummarizerConfig(backend="rules"))
            return (await self._inline.asummarize(article)).model_dump_json()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, rules_digest_json, article)


# --------------------------------------------------------------------------- the client


def build_client(
    llm: LLMConfig, limits: RateLimits, *, limiter: AsyncLimiter | None = None
) -> openai.AsyncOpenAI:
    """The run's one OpenAI client: rate limits under the retries, every try reported to
    the ledger (``llm.report_attempt``), environment proxies kept. ``limiter`` replaces
    the in-process :class:`Limiter` built from ``limits`` (e.g. one shared by a cluster)."""
    import httpx2

    from ..llm.client import build_openai, report_attempt
    from ..llm.transport import LIMITS, RetryingTransport

    if limiter is None and limits.active:
        limiter = Limiter(limits)

    def stack(inner: httpx2.AsyncBaseTransport) -> RetryingTransport:
        if limiter is not None:
            inner = LimitedTransport(limiter, inner)
        return RetryingTransport(llm.retry, inner, on_attempt=report_attempt)

    http = httpx2.AsyncClient(
        transport=stack(httpx2.AsyncHTTPTransport(limits=LIMITS)),
        mounts=_proxy_mounts(stack),
        timeout=llm.timeout,
        follow_redirects=True,
    )
    return build_openai(llm, http_client=http)


def _proxy_mounts(stack: Any) -> dict[str, httpx2.AsyncBaseTransport | None]:
    """``HTTPS_PROXY`` and friends, which httpx2 ignores once a transport is given."""
    import httpx2
    from httpx2._utils import get_environment_proxies

    from ..llm.transport import LIMITS

    return {pattern: None if url is None
            else stack(httpx2.AsyncHTTPTransport(proxy=url, limits=LIMITS))
            for pattern, url in get_environment_proxies().items()}
