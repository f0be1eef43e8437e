"""From an article to a grounded digest: ``Summarizer``, the only path there is.

The library, ``summarizer digest``, ``summarizer batch`` (asyncio and Ray) and
``summarizer eval`` all digest through :meth:`Summarizer.asummarize`. It owns the whole way:

* rules backend: extract → guard → assemble;
* LLM backend: split an article too long for one call (``chunking``) → for each part render
  the prompt → call the model → ground every quote → re-ask once about quotes not found →
  merge the parts → guard → assemble, with provenance, usage (summed over every HTTP
  request through the call-event stream) and cost (``costs``).

Drivers around it only add concurrency, a store, ordering and progress. The async path is
the real one; the sync methods run it on a private event loop.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from .article import Article
from .chunking import ChunkConfig, digest_long, estimate_tokens, parts
from .config import LLMConfig
from .costs import PriceTable
from .entities import resolve_parties
from .errors import (
    ConfigError,
    GroundingReaskNeeded,
    InputError,
    ModelError,
    SummarizerError,
)
from .grounding import (
    GroundedDraft,
    GroundingConfig,
    ground_draft,
    merge_rounds,
    worth_reasking,
)
from .guard import Extraction, guard
from .llm.events import CallEvent, CallObserver, CallTally, emit, observe_calls
from .models import (
    INSTRUMENT_KINDS,
    INSTRUMENT_STATUSES,
    PARTY_KINDS,
    SECTOR_LABELS,
    Digest,
    DigestDraft,
    DigestWarning,
    PromptRef,
    Provenance,
    Usage,
)
from .prompts import FENCE, FENCE_END, Prompt, fence, get_prompt
from .reask import reask_message
from .rules.config import RulesConfig

if TYPE_CHECKING:
    import openai

    from .llm.client import LLMClient
    from .llm.preview import PreparedRequest
    from .llm.ratelimit import AsyncLimiter

log = logging.getLogger("summarizer")

BackendName = Literal["auto", "llm", "rules"]


@dataclass(frozen=True)
class SummarizerConfig:
    """Everything that decides how an article becomes a digest, and what it costs.

    Picklable (it holds no client), so batch workers and Ray actors get the same one.
    """

    backend: BackendName = "auto"
    llm: LLMConfig = field(default_factory=LLMConfig)
    prompt: str = "digest"
    grounding: GroundingConfig = field(default_factory=GroundingConfig)
    chunking: ChunkConfig = field(default_factory=ChunkConfig)
    rules: RulesConfig = field(default_factory=RulesConfig)
    prices: PriceTable = field(default_factory=PriceTable)

    def resolved_backend(self) -> Literal["llm", "rules"]:
        """``auto`` means the LLM when one is configured, else the offline rules."""
        if self.backend == "auto":
            return "llm" if self.llm.is_configured else "rules"
        return self.backend


@dataclass(frozen=True)
class Identity:
    """Everything besides the article that decides a digest (a cache key's other half)."""

    backend: str
    model: str
    prompt: str
    params_sha256: str
    provider: str | None = None
    local: bool = True


def _sha256(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def as_article(value: Article | str) -> Article:
    """``value`` as an :class:`Article`; an article with no text is an :class:`InputError`."""
    if isinstance(value, str):
        value = Article(text=value)
    elif not isinstance(value, Article):
        raise ConfigError(f"expected an Article or a string, got {type(value).__name__}")
    if not value.text.replace("\x00", "").strip():
        raise InputError("the article has no text (empty, whitespace or NUL only); pass the "
                         "article's text", source=value.label)
    return value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Summarizer:
    """Holds configuration and a client; digest as many articles as you like.

    ``client`` replaces the SDK client :func:`~summarizer.llm.client.build_client` would
    build; ``limiter`` paces every request (e.g. one shared by a batch run or a cluster);
    ``observer`` hears every call event of this summarizer's client.

    >>> with Summarizer(SummarizerConfig(backend="rules")) as s:  # doctest: +SKIP
    ...     digest = s.summarize("Pakistan and China signed an MoU ...")
    """

    def __init__(
        self,
        config: SummarizerConfig | None = None,
        *,
        client: openai.AsyncOpenAI | None = None,
        limiter: AsyncLimiter | None = None,
        observer: CallObserver | None = None,
    ) -> None:
        self.config = config or SummarizerConfig()
        self.backend = self.config.resolved_backend()
        self._client, self._limiter, self._observer = client, limiter, observer
        self._llm: LLMClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._prompt: Prompt | None = None
        self._overhead: int | None = None
        if self.backend == "llm" or self.config.prompt != "digest":
            self._prompt = get_prompt(self.config.prompt)  # fail early on an unknown prompt
        if self.backend == "llm":
            self.config.llm.resolved_model()  # fail early on a missing model name
        self.identity = self._identity()

    # ----------------------------------------------------------------- public API

    async def asummarize(self, article: Article | str) -> Digest:
        art = as_article(article)
        if self.backend == "rules":
            return self._rules_digest(art)
        return await self._llm_digest(art)

    def summarize(self, article: Article | str) -> Digest:
        digest: Digest = self._run(self.asummarize(article))
        return digest

    async def apreview(self, article: Article | str) -> list[PreparedRequest]:
        """The request(s) :meth:`asummarize` would send first for ``article``, byte for
        byte, one per part of a long article; nothing is sent. (A grounding re-ask depends
        on the answer, so it is not shown.)"""
        art = as_article(article)
        if self.backend == "rules":
            raise ConfigError("the rules backend sends no request; a dry run needs a model "
                              "(--model or --base-url)")
        from .llm.preview import request_body

        prompt, llm = self._prompt, self._llm_client()
        assert prompt is not None
        return [await request_body(llm, render_messages(prompt, part), DigestDraft,
                                   temperature=self._temperature(prompt),
                                   max_tokens=self._max_tokens(part))
                for part in self.request_parts(art)]

    def request_parts(self, article: Article) -> list[Article]:
        """What one request each carries: the article, or its parts when it does not fit
        the context window with room for an answer (see ``ChunkConfig``)."""
        chunking = self.config.chunking
        budget = chunking.budget(self._window(), self._overhead_tokens(),
                                 self.config.llm.max_tokens)
        return parts(article, budget, chunking)

    def preview(self, article: Article | str) -> list[PreparedRequest]:
        """The sync face of :meth:`apreview`."""
        prepared: list[PreparedRequest] = self._run(self.apreview(article))
        return prepared

    def cost(self, usage: Usage) -> float | None:
        """Estimated USD for ``usage`` with this configuration's model (None: not priced)."""
        if self.backend == "rules":
            return 0.0
        return self.config.prices.cost(self.identity.model, usage, local=self.identity.local)

    async def aclose(self) -> None:
        if self._llm is not None:
            await self._llm.aclose()
            self._llm = None

    def close(self) -> None:
        if self._llm is not None:
            self._run(self.aclose())
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Summarizer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ----------------------------------------------------------------- internals

    def _identity(self) -> Identity:
        """Prompt id@version#sha256, model, backend and a hash of the generation parameters.
        The endpoint is not part of it: the same model name behind another URL (a restarted
        local server) is the same model."""
        if self.backend == "rules":
            from .rules import RULES_VERSION

            return Identity("rules", f"rules-{RULES_VERSION}", "-",
                            _sha256({"rules": asdict(self.config.rules)}))
        llm, prompt = self.config.llm, self._prompt
        assert prompt is not None
        params = {"mode": llm.resolved_mode(), "temperature": self._temperature(prompt),
                  "max_tokens": llm.max_tokens, "max_reasks": llm.max_reasks,
                  "grounding_reask": llm.grounding_reask,
                  "grounding": asdict(self.config.grounding),
                  "chunking": asdict(self.config.chunking)}
        return Identity("llm", llm.resolved_model(), f"{prompt.ref}#{prompt.sha256}",
                        _sha256(params), llm.host, not llm.is_openai)

    def _run(self, coro: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            coro.close()
            raise ConfigError("summarize() was called inside a running event loop; "
                              "use `await asummarize(...)` there")
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop.run_until_complete(coro)

    def _llm_client(self) -> LLMClient:
        if self._llm is None:
            from .llm.client import LLMClient, build_client

            client = self._client or build_client(self.config.llm, self._limiter,
                                                  self._observer)
            self._llm = LLMClient(self.config.llm, client, observer=self._observer)
        return self._llm

    def _window(self) -> int | None:
        llm = self.config.llm
        return self.config.chunking.window(llm.resolved_model(), local=not llm.is_openai)

    def _overhead_tokens(self) -> int:
        """Prompt tokens a request spends besides the article and its title: the rendered
        prompt, the schema where the model reads it (tools, json_schema), and about 8
        tokens of chat-template framing per message. Estimated once."""
        if self._overhead is None:
            from .llm.schema import compact_schema

            assert self._prompt is not None
            chunking = self.config.chunking
            messages = render_messages(self._prompt, Article(text="."))
            text = "".join(m["content"] for m in messages)
            if self.config.llm.resolved_mode() in ("tools", "json_schema", "json", "md_json"):
                text += json.dumps(compact_schema(DigestDraft), separators=(",", ":"))
            framing = 8 * len(messages)
            self._overhead = estimate_tokens(text, chunking.chars_per_token) + framing
        return self._overhead

    def _max_tokens(self, article: Article) -> int:
        """The output budget for this article (or part): the configured ``max_tokens``,
        lowered only as far as the context window requires."""
        text = article.text + (article.title or "")
        return self.config.chunking.output_tokens(self._window(), self._overhead_tokens(),
                                                  text, self.config.llm.max_tokens)

    async def _llm_digest(self, article: Article) -> Digest:
        """The whole article, in parts when it is too long for one call; usage and attempts
        are every request's, failed ones included."""
        llm, chunking = self.config.llm, self.config.chunking
        budget = chunking.budget(self._window(), self._overhead_tokens(), llm.max_tokens)
        started, tally = time.perf_counter(), CallTally()
        with observe_calls(tally):
            try:
                digest = await digest_long(self._digest_part, article, budget,
                                           self.config.chunking)
            except ModelError as exc:
                exc.usage, exc.attempts = tally.usage, tally.attempts
                raise
        spent = {"usage": tally.usage, "attempts": tally.attempts, "reasks": tally.reasks,
                 "reask_tokens": tally.reask_usage.total_tokens,
                 "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
        provenance = digest.provenance.model_copy(update=spent)
        return digest.model_copy(update={"provenance": provenance})

    async def _digest_part(self, article: Article) -> Digest:
        """One call's worth of article: draft, ground, re-ask, guard, assemble."""
        grounded, notes = await self._draft_and_ground(article)
        return _assemble(article, grounded, self._provenance(), notes)

    async def _draft_and_ground(
        self, article: Article
    ) -> tuple[GroundedDraft, list[DigestWarning]]:
        """Ask, ground, and re-ask once about quotes that are not in the article."""
        llm, prompt = self._llm_client(), self._prompt
        assert prompt is not None
        messages = render_messages(prompt, article)
        temperature, max_tokens = self._temperature(prompt), self._max_tokens(article)
        draft = await llm.complete(messages, DigestDraft, temperature=temperature,
                                   max_tokens=max_tokens, source=article.label)
        grounded = ground_draft(_as_draft(draft), article.text, self.config.grounding)
        wanted = worth_reasking(grounded.rejections, self.config.grounding)
        if not wanted or not self.config.llm.grounding_reask:
            return grounded, []
        followup = [*messages, {"role": "assistant", "content": draft.model_dump_json()},
                    {"role": "user", "content": reask_message(wanted)}]
        reask = CallTally()
        emit(CallEvent("reask", detail=f"{len(wanted)} unverified item(s)"))
        try:
            with observe_calls(reask):
                second = await llm.complete(followup, DigestDraft, temperature=temperature,
                                            max_tokens=max_tokens, source=article.label)
        except ModelError as exc:
            note = DigestWarning(code="grounding_reask_failed",
                                 message=f"The re-ask about unverified quotes failed ({exc}); "
                                         "kept the first answer's verified items.")
            return grounded, [note]
        finally:
            emit(CallEvent("reask_done", usage=reask.usage))
        regrounded = merge_rounds(
            grounded, ground_draft(_as_draft(second), article.text, self.config.grounding))
        note = DigestWarning(code="grounding_reask",
                             message=f"Re-asked once about {len(wanted)} item(s) "
                                     "whose quotes were not found in the article.")
        return regrounded, [note]

    # ----------------------------------------------------------------- provider Batch API

    def request_body(self, article: Article) -> dict[str, Any]:
        """The chat.completions body a live digest of ``article`` sends first."""
        prompt = self._prompt
        if prompt is None:
            raise ConfigError("the provider Batch API needs the llm backend")
        return self._llm_client().request_body(render_messages(prompt, article), DigestDraft,
                                               temperature=self._temperature(prompt),
                                               max_tokens=self._max_tokens(article))

    def digest_from_completion(
        self, article: Article, completion: dict[str, Any], *, via: str, batch_id: str
    ) -> Digest:
        """The digest a live call would make of this chat.completion body: validated the
        same way, grounded the same way. Raises ``GroundingReaskNeeded`` when a live run
        would re-ask about unverified quotes, and the live call's errors otherwise."""
        prompt, llm = self._prompt, self._llm_client()
        assert prompt is not None
        draft, usage = llm.parse_completion(completion, DigestDraft, source=article.label)
        grounded = ground_draft(_as_draft(draft), article.text, self.config.grounding)
        wanted = worth_reasking(grounded.rejections, self.config.grounding)
        if wanted and self.config.llm.grounding_reask:
            raise GroundingReaskNeeded(
                f"{len(wanted)} quote(s) not found in the article; a live run re-asks about "
                "them", source=article.label, usage=usage, attempts=1)
        provenance = self._provenance().model_copy(update={
            "usage": usage, "attempts": 1, "via": via, "batch_id": batch_id})
        return _assemble(article, grounded, provenance, [])

    def _temperature(self, prompt: Prompt) -> float:
        if self.config.llm.temperature is not None:
            return self.config.llm.temperature
        return float(prompt.defaults.get("temperature", 0.0))

    def _provenance(self) -> Provenance:
        prompt = self._prompt
        assert prompt is not None
        return Provenance(
            backend="llm",
            provider=self.config.llm.host,
            model=self.identity.model,
            mode=self.config.llm.resolved_mode(),
            prompt=PromptRef(id=prompt.id, version=prompt.version, sha256=prompt.sha256),
            temperature=self._temperature(prompt),
            created_at=_now(),
        )

    def _rules_digest(self, article: Article) -> Digest:
        from . import rules

        started = time.perf_counter()
        result = rules.extract(article, self.config.rules)
        provenance = Provenance(
            backend="rules",
            model=self.identity.model,
            created_at=_now(),
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )
        return _assemble(article, result, provenance, [])


def render_messages(prompt: Prompt, article: Article) -> list[dict[str, str]]:
    return prompt.render(
        article=fence(article.text),
        title=article.title,
        fence_start=FENCE,
        fence_end=FENCE_END,
        party_kinds=", ".join(PARTY_KINDS),
        instrument_kinds=", ".join(INSTRUMENT_KINDS),
        statuses=", ".join(INSTRUMENT_STATUSES),
        sector_labels=", ".join(SECTOR_LABELS),
    )


def _as_draft(value: object) -> DigestDraft:
    if not isinstance(value, DigestDraft):
        raise SummarizerError(f"expected a DigestDraft, got {type(value).__name__}; please "
                              "report this bug")
    return value


def _assemble(
    article: Article, found: Extraction, provenance: Provenance, notes: list[DigestWarning]
) -> Digest:
    """The digest, after the guard every backend's output passes (``summarizer.guard``)."""
    safe = guard(found, article.text)
    input_notes = [DigestWarning(code="input", message=w) for w in article.warnings]
    return Digest(
        article=article.info(),
        summary=safe.summary,
        parties=resolve_parties(safe.parties, article.text),
        instruments=safe.instruments,
        sectors=safe.sectors,
        targets=safe.targets,
        provenance=provenance,
        warnings=[*input_notes, *notes, *safe.warnings],
    )


async def asummarize(
    text_or_article: Article | str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    prompt: str = "digest",
    backend: BackendName = "auto",
    client: openai.AsyncOpenAI | None = None,
) -> Digest:
    """Digest one article. Unset options come from the environment (see ``LLMConfig``)."""
    llm = LLMConfig.from_env(model=model, base_url=base_url)
    config = SummarizerConfig(backend=backend, llm=llm, prompt=prompt)
    async with Summarizer(config, client=client) as summarizer:
        return await summarizer.asummarize(text_or_article)


def summarize(
    text_or_article: Article | str,
    *,
    model: str | None = None,
    base_url: str | None = None,
    prompt: str = "digest",
    backend: BackendName = "auto",
    client: openai.AsyncOpenAI | None = None,
) -> Digest:
    """Digest one article (sync face of ``asummarize``)."""
    llm = LLMConfig.from_env(model=model, base_url=base_url)
    config = SummarizerConfig(backend=backend, llm=llm, prompt=prompt)
    with Summarizer(config, client=client) as summarizer:
        return summarizer.summarize(text_or_article)
