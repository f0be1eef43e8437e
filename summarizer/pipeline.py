"""From an article to a grounded digest: the library's main object, ``Summarizer``.

The flow is one way: render the prompt → call the model → ground every quote → assemble
the digest (or, with the rules backend, extract → assemble). The async path is the real
one; the sync methods run it on a private event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .article import Article
from .config import LLMConfig
from .errors import ConfigError, GroundingReaskNeeded, ModelError
from .grounding import (
    GroundedDraft,
    GroundingConfig,
    ground_draft,
    merge_rounds,
    reask_message,
)
from .models import (
    INSTRUMENT_KINDS,
    INSTRUMENT_STATUSES,
    PARTY_KINDS,
    SECTOR_LABELS,
    Digest,
    DigestDraft,
    DigestWarning,
    Instrument,
    Party,
    PromptRef,
    Provenance,
    Sector,
    Summary,
    Target,
)
from .prompts import FENCE, FENCE_END, Prompt, fence, get_prompt

if TYPE_CHECKING:
    import openai

    from .llm.client import CallRecord, LLMClient
    from .llm.transport import CallStats

log = logging.getLogger("summarizer")

BackendName = Literal["auto", "llm", "rules"]


@dataclass(frozen=True)
class SummarizerConfig:
    """Everything that decides how an article becomes a digest."""

    backend: BackendName = "auto"
    llm: LLMConfig = field(default_factory=LLMConfig)
    prompt: str = "digest"
    grounding: GroundingConfig = field(default_factory=GroundingConfig)

    def resolved_backend(self) -> Literal["llm", "rules"]:
        """``auto`` means the LLM when one is configured, else the offline rules."""
        if self.backend == "auto":
            return "llm" if self.llm.is_configured else "rules"
        return self.backend


def as_article(value: Article | str) -> Article:
    if isinstance(value, Article):
        return value
    if isinstance(value, str):
        return Article(text=value)
    raise ConfigError(f"expected an Article or a string, got {type(value).__name__}")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Summarizer:
    """Holds configuration and a client; digest as many articles as you like.

    >>> with Summarizer(SummarizerConfig(backend="rules")) as s:  # doctest: +SKIP
    ...     digest = s.summarize("Pakistan and China signed an MoU ...")
    """

    def __init__(
        self, config: SummarizerConfig | None = None, *, client: openai.AsyncOpenAI | None = None
    ) -> None:
        self.config = config or SummarizerConfig()
        self.backend = self.config.resolved_backend()
        self._client = client
        self._llm: LLMClient | None = None
        self._prompt: Prompt | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        if self.backend == "llm":
            self._prompt = get_prompt(self.config.prompt)
            self.config.llm.resolved_model()  # fail early on a missing model name

    # ----------------------------------------------------------------- public API

    async def asummarize(self, article: Article | str) -> Digest:
        art = as_article(article)
        if self.backend == "rules":
            return _rules_digest(art)
        return await self._llm_digest(art)

    def summarize(self, article: Article | str) -> Digest:
        digest: Digest = self._run(self.asummarize(article))
        return digest

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
            from .llm.client import LLMClient

            self._llm = LLMClient(self.config.llm, client=self._client)
        return self._llm

    async def _llm_digest(self, article: Article) -> Digest:
        from .llm.client import record_calls
        from .llm.transport import track_calls

        assert self._prompt is not None
        started = time.perf_counter()
        with record_calls() as record, track_calls() as stats:
            try:
                grounded, notes = await self._draft_and_ground(article)
            except ModelError as exc:
                exc.usage, exc.attempts = record.usage, max(stats.http_requests, record.completions)
                raise
        provenance = self._provenance(record, stats, time.perf_counter() - started)
        return _assemble(article, grounded, provenance, notes)

    async def _draft_and_ground(
        self, article: Article
    ) -> tuple[GroundedDraft, list[DigestWarning]]:
        """Ask, ground, and re-ask once about quotes that are not in the article."""
        llm, prompt = self._llm_client(), self._prompt
        assert prompt is not None
        messages = render_messages(prompt, article)
        temperature = self._temperature(prompt)
        draft = await llm.complete(messages, DigestDraft, temperature=temperature,
                                   source=article.label)
        grounded = ground_draft(_as_draft(draft), article.text, self.config.grounding)
        if not grounded.rejections or not self.config.llm.grounding_reask:
            return grounded, []
        followup = [*messages, {"role": "assistant", "content": draft.model_dump_json()},
                    {"role": "user", "content": reask_message(grounded.rejections)}]
        try:
            second = await llm.complete(followup, DigestDraft, temperature=temperature,
                                        source=article.label)
        except ModelError as exc:
            note = DigestWarning(code="grounding_reask_failed",
                                 message=f"The re-ask about unverified quotes failed ({exc}); "
                                         "kept the first answer's verified items.")
            return grounded, [note]
        regrounded = merge_rounds(
            grounded, ground_draft(_as_draft(second), article.text, self.config.grounding))
        note = DigestWarning(code="grounding_reask",
                             message=f"Re-asked once about {len(grounded.rejections)} item(s) "
                                     "whose quotes were not found in the article.")
        return regrounded, [note]

    # ----------------------------------------------------------------- provider Batch API

    def request_body(self, article: Article) -> dict[str, Any]:
        """The chat.completions body a live digest of ``article`` sends first."""
        prompt = self._prompt
        if prompt is None:
            raise ConfigError("the provider Batch API needs the llm backend")
        return self._llm_client().request_body(render_messages(prompt, article), DigestDraft,
                                               temperature=self._temperature(prompt))

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
        if grounded.rejections and self.config.llm.grounding_reask:
            error = GroundingReaskNeeded(
                f"{len(grounded.rejections)} quote(s) not found in the article; a live run "
                "re-asks about them", source=article.label)
            error.usage, error.attempts = usage, 1
            raise error
        provenance = Provenance(
            backend="llm", provider=self.config.llm.host, model=llm.model, mode=llm.mode,
            prompt=PromptRef(id=prompt.id, version=prompt.version, sha256=prompt.sha256),
            temperature=self._temperature(prompt), created_at=_now(), usage=usage,
            attempts=1, via=via, batch_id=batch_id)
        return _assemble(article, grounded, provenance, [])

    def _temperature(self, prompt: Prompt) -> float:
        if self.config.llm.temperature is not None:
            return self.config.llm.temperature
        return float(prompt.defaults.get("temperature", 0.0))

    def _provenance(self, record: CallRecord, stats: CallStats, seconds: float) -> Provenance:
        llm, prompt = self._llm_client(), self._prompt
        assert prompt is not None
        return Provenance(
            backend="llm",
            provider=self.config.llm.host,
            model=llm.model,
            mode=llm.mode,
            prompt=PromptRef(id=prompt.id, version=prompt.version, sha256=prompt.sha256),
            temperature=self._temperature(prompt),
            created_at=_now(),
            usage=record.usage,
            attempts=max(stats.http_requests, record.completions),
            duration_ms=round(seconds * 1000, 1),
        )


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
        raise TypeError(f"expected DigestDraft, got {type(value).__name__}")
    return value


class _Extraction(Protocol):
    """What a backend hands over: GroundedDraft and rules.RulesResult both fit."""

    @property
    def summary(self) -> Summary: ...
    @property
    def parties(self) -> list[Party]: ...
    @property
    def instruments(self) -> list[Instrument]: ...
    @property
    def sectors(self) -> list[Sector]: ...
    @property
    def targets(self) -> list[Target]: ...
    @property
    def warnings(self) -> list[DigestWarning]: ...


def _assemble(
    article: Article, found: _Extraction, provenance: Provenance, notes: list[DigestWarning]
) -> Digest:
    input_notes = [DigestWarning(code="input", message=w) for w in article.warnings]
    return Digest(
        article=article.info(),
        summary=found.summary,
        parties=found.parties,
        instruments=found.instruments,
        sectors=found.sectors,
        targets=found.targets,
        provenance=provenance,
        warnings=[*input_notes, *notes, *found.warnings],
    )


def _rules_digest(article: Article) -> Digest:
    from . import rules

    started = time.perf_counter()
    result = rules.extract(article)
    provenance = Provenance(
        backend="rules",
        model=f"rules-{rules.RULES_VERSION}",
        created_at=_now(),
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    )
    return _assemble(article, result, provenance, [])


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
