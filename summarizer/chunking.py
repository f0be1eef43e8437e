"""Articles longer than the model's context: split, digest each chunk, merge.

* :func:`split` cuts the text into overlapping chunks of at most ``max_tokens`` (estimated
  at ``chars_per_token``), preferring paragraph, then sentence, then word boundaries.
* Each chunk is digested as its own article, so its evidence offsets index into the chunk.
* :func:`merge` shifts every offset by the chunk's start (so it indexes the whole article
  again), dedupes parties, instruments, sectors and targets by their ``key()`` (a party's
  normalized name, an instrument's kind and title, ...), keeps all their evidence (the
  overlap's duplicates once), and sums usage and attempts.

:func:`digest_long` decides: whole when the article fits the budget, else chunked; and when
the server still says the context is too long, it halves the chunk size and tries again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from .article import Article
from .errors import ConfigError, ContextLengthError
from .models import (
    Digest,
    DigestWarning,
    Evidence,
    Instrument,
    Party,
    Provenance,
    Sector,
    Summary,
    Target,
    Usage,
)
from .text import text_key, unique_names

DigestFn = Callable[[Article], Awaitable[Digest]]
_T = TypeVar("_T", Party, Instrument, Sector, Target)

# Context windows in tokens; a dated snapshot matches its base name. Override with
# --context-window (ChunkConfig.context_window).
CONTEXT_WINDOWS: dict[str, int] = {
    "gpt-5": 400_000,
    "gpt-4.1": 1_047_576,
    "gpt-4o": 128_000,
    "gpt-4-turbo": 128_000,
    "o3": 200_000,
    "o4-mini": 200_000,
    "gpt-3.5-turbo": 16_385,
}
MAX_BULLETS = 6
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")


DEFAULT_LOCAL_WINDOW = 4_096
"""The context a local server gives by default (llama.cpp, Ollama, LM Studio)."""


@dataclass(frozen=True)
class ChunkConfig:
    """How a request is fitted to the model's context window.

    ``context_window`` overrides the window (known for OpenAI models; ``local_window`` for
    any other model on a local server). A request's prompt plus its ``max_tokens`` never
    exceeds the window: an article that does not fit with the full ``max_tokens`` is sent
    with fewer output tokens (never fewer than ``min_output_tokens``), and a longer one is
    split. ``max_chunk_tokens`` caps parts even when the window is big."""

    context_window: int | None = None
    local_window: int = DEFAULT_LOCAL_WINDOW
    max_chunk_tokens: int | None = None
    min_output_tokens: int = 1_024
    margin_tokens: int = 64
    overlap_tokens: int = 150
    chars_per_token: float = 4.0
    max_splits: int = 3
    min_chunk_tokens: int = 256

    def window(self, model: str | None, *, local: bool) -> int | None:
        """The context window in tokens, or None when nothing says (then only a
        context-length error from the server triggers chunking)."""
        if self.context_window:
            return self.context_window
        known = context_window(model) if model else None
        return known or (self.local_window if local else None)

    def budget(self, window: int | None, overhead: int, max_tokens: int) -> int | None:
        """Article tokens one request may carry, given ``overhead`` prompt tokens besides
        the article: room for at least ``min(max_tokens, min_output_tokens)`` of answer."""
        output = min(max_tokens, self.min_output_tokens)
        room = None if window is None else window - overhead - output - self.margin_tokens
        limits = [n for n in (room, self.max_chunk_tokens) if n is not None]
        return max(min(limits), self.min_chunk_tokens) if limits else None

    def output_tokens(self, window: int | None, overhead: int, text: str,
                      max_tokens: int) -> int:
        """``max_tokens``, lowered so the prompt for ``text`` plus the answer fit."""
        if window is None:
            return max_tokens
        room = window - overhead - estimate_tokens(text, self.chars_per_token)
        return max(min(max_tokens, room - self.margin_tokens), 1)


@dataclass(frozen=True)
class Chunk:
    """``text[start:end]`` of the whole article."""

    start: int
    end: int


def context_window(model: str) -> int | None:
    name = model.lower()
    if name in CONTEXT_WINDOWS:
        return CONTEXT_WINDOWS[name]
    bases = [b for b in CONTEXT_WINDOWS if name.startswith(b + "-")]
    return CONTEXT_WINDOWS[max(bases, key=len)] if bases else None


def estimate_tokens(text: str, chars_per_token: float = 4.0) -> int:
    """A cheap, model-free token estimate (OpenAI's rule of thumb: ~4 characters a token)."""
    return math.ceil(len(text) / chars_per_token)


# --------------------------------------------------------------------------- split


def split(
    text: str, max_tokens: int, overlap_tokens: int = 150, chars_per_token: float = 4.0
) -> list[Chunk]:
    """Overlapping chunks covering ``text``; each at most ``max_tokens`` (estimated).

    A chunk ends at the last paragraph break, else sentence end, else space in its second
    half; the next starts ``overlap_tokens`` earlier, moved back to the start of a word.
    """
    size = max(1, int(max_tokens * chars_per_token))
    overlap = min(int(overlap_tokens * chars_per_token), size // 4)
    chunks: list[Chunk] = []
    start = 0
    while start + size < len(text):
        end = _cut(text, start + size // 2, start + size)
        chunks.append(Chunk(start, end))
        start = _word_start(text, end - overlap, start + 1, end)
    chunks.append(Chunk(start, len(text)))
    return chunks


def _cut(text: str, lo: int, hi: int) -> int:
    """Where to end a chunk within ``text[lo:hi]``: after a paragraph break, a sentence's
    final punctuation, or a space; else at ``hi``."""
    para = text.rfind("\n\n", lo, hi)
    if para != -1:
        return para + 2
    ends = [m.end() for m in _SENTENCE_END.finditer(text, lo, hi + 1) if m.end() <= hi]
    if ends:
        return ends[-1]
    space = max(text.rfind(" ", lo, hi), text.rfind("\n", lo, hi))
    return space + 1 if space != -1 else hi


def _word_start(text: str, at: int, lowest: int, end: int) -> int:
    """Where the next chunk starts: ``at`` moved to the start of a word — forward over
    spaces (not past ``end``), or back to the start of the word it falls in (not below
    ``lowest``); a hard cut when the word spans the whole range."""
    at = max(at, lowest)
    if text[at].isspace() or text[at - 1].isspace():
        while at < end and text[at].isspace():
            at += 1
        return at
    i = at
    while i > lowest and not text[i - 1].isspace():
        i -= 1
    return i if text[i - 1].isspace() else at


# --------------------------------------------------------------------------- merge


def _shift(evidence: Iterable[Evidence], offset: int) -> list[Evidence]:
    return [ev.model_copy(update={"start": ev.start + offset, "end": ev.end + offset})
            for ev in evidence]


def _union(*groups: Iterable[Evidence]) -> list[Evidence]:
    """All evidence once per span, in text order."""
    seen: dict[tuple[int, int], Evidence] = {}
    for group in groups:
        for ev in group:
            seen.setdefault((ev.start, ev.end), ev)
    return sorted(seen.values(), key=lambda ev: (ev.start, ev.end))


def _first(*values: str | None) -> str | None:
    return next((v for v in values if v is not None), None)


def _combine(a: _T, b: _T) -> _T:
    """One item from two sightings: the first's fields, gaps filled from the second."""
    update: dict[str, object] = {"evidence": _union(a.evidence, b.evidence)}
    if isinstance(a, Party) and isinstance(b, Party):
        update |= {"role": _first(a.role, b.role), "country": _first(a.country, b.country)}
    elif isinstance(a, Instrument) and isinstance(b, Instrument):
        update |= {"title": _first(a.title, b.title), "date": _first(a.date, b.date),
                   "parties": unique_names(a.parties, b.parties),
                   "background": a.background and b.background}
    elif isinstance(a, Target) and isinstance(b, Target):
        update |= {"value": _first(a.value, b.value), "unit": _first(a.unit, b.unit),
                   "deadline": _first(a.deadline, b.deadline)}
    return a.model_copy(update=update)


def _dedupe(items: Iterable[_T]) -> list[_T]:
    merged: dict[Hashable, _T] = {}
    for item in items:
        k = item.key()
        merged[k] = _combine(merged[k], item) if k in merged else item
    return list(merged.values())


def _shifted(items: Sequence[_T], offset: int) -> list[_T]:
    return [i.model_copy(update={"evidence": _shift(i.evidence, offset)}) for i in items]


def _bullets(summaries: Sequence[Summary]) -> list[str]:
    """Interleave the chunks' bullets (first of each, then second, ...), unique, at most 6."""
    seen: dict[str, str] = {}
    depth = max((len(s.bullets) for s in summaries), default=0)
    for i in range(depth):
        for s in summaries:
            if i < len(s.bullets) and len(seen) < MAX_BULLETS:
                seen.setdefault(text_key(s.bullets[i]), s.bullets[i])
    return list(seen.values())


def _summary(parts: Sequence[tuple[Chunk, Digest]]) -> Summary:
    first = parts[0][1].summary
    evidence = _union(*(_shift(d.summary.evidence, c.start) for c, d in parts))
    return Summary(headline=first.headline, one_line=first.one_line,
                   bullets=_bullets([d.summary for _, d in parts]), evidence=evidence)


def _provenance(digests: Sequence[Digest]) -> Provenance:
    usage = sum((d.provenance.usage for d in digests), Usage())
    durations = [d.provenance.duration_ms for d in digests if d.provenance.duration_ms]
    return digests[0].provenance.model_copy(update={
        "usage": usage,
        "attempts": sum(d.provenance.attempts for d in digests),
        "duration_ms": round(sum(durations), 1) if durations else None,
    })


def _warnings(article: Article, digests: Sequence[Digest], note: str) -> list[DigestWarning]:
    notes = [DigestWarning(code="input", message=w) for w in article.warnings]
    notes.append(DigestWarning(code="chunked", message=note))
    seen: set[tuple[str, str, str | None]] = set()
    for d in digests:
        for w in d.warnings:
            if (w.code, w.message, w.item) not in seen:
                seen.add((w.code, w.message, w.item))
                notes.append(w)
    return notes


def merge(article: Article, parts: Sequence[tuple[Chunk, Digest]], note: str = "") -> Digest:
    """One digest of ``article`` from its chunks' digests (offsets into the whole text)."""
    if not parts:
        raise ConfigError("merge() needs at least one chunk digest")
    digests = [d for _, d in parts]

    def gather(pick: Callable[[Digest], list[_T]]) -> list[_T]:
        return _dedupe(i for c, d in parts for i in _shifted(pick(d), c.start))

    return Digest(
        article=article.info(),
        summary=_summary(parts),
        parties=gather(lambda d: d.parties),
        instruments=gather(lambda d: d.instruments),
        sectors=gather(lambda d: d.sectors),
        targets=gather(lambda d: d.targets),
        provenance=_provenance(digests),
        warnings=_warnings(article, digests,
                           note or f"Digested in {len(parts)} overlapping chunks and merged."),
    )


# --------------------------------------------------------------------------- digest


def chunk_article(article: Article, chunk: Chunk, number: int) -> Article:
    """The chunk as an article of its own (its offsets are chunk-relative)."""
    return Article(text=article.text[chunk.start:chunk.end], id=f"{article.key}#{number}",
                   title=article.title, source=article.source, url=article.url,
                   published=article.published, origin=article.origin)


def parts(article: Article, budget: int | None, config: ChunkConfig) -> list[Article]:
    """What one request each may carry: the article when it fits ``budget`` tokens, else
    its overlapping chunks as articles of their own."""
    if budget is None or estimate_tokens(article.text, config.chars_per_token) <= budget:
        return [article]
    chunks = split(article.text, budget, config.overlap_tokens, config.chars_per_token)
    return [chunk_article(article, chunk, n) for n, chunk in enumerate(chunks, start=1)]


async def digest_chunks(
    digest: DigestFn, article: Article, max_tokens: int, config: ChunkConfig
) -> Digest:
    """Digest every chunk in turn and merge."""
    chunks = split(article.text, max_tokens, config.overlap_tokens, config.chars_per_token)
    parts = [(chunk, await digest(chunk_article(article, chunk, number)))
             for number, chunk in enumerate(chunks, start=1)]
    tokens = estimate_tokens(article.text, config.chars_per_token)
    note = (f"The article (~{tokens} tokens) is longer than one call may carry "
            f"(~{max_tokens} tokens); digested in {len(parts)} overlapping chunks and merged.")
    return merge(article, parts, note)


async def digest_long(
    digest: DigestFn, article: Article, budget: int | None, config: ChunkConfig
) -> Digest:
    """Whole when it fits ``budget`` tokens, else in chunks; smaller chunks after the server
    says the context is too long (``config.max_splits`` times at most). The caller counts
    what every call cost (the pipeline subscribes to the call-event stream)."""
    tokens = estimate_tokens(article.text, config.chars_per_token)
    halvings = config.max_splits
    if budget is None or tokens <= budget:
        try:
            return await digest(article)
        except ContextLengthError:
            if halvings < 1 or tokens < 2 * config.min_chunk_tokens:
                raise
            budget, halvings = tokens // 2, halvings - 1
    while True:
        try:
            return await digest_chunks(digest, article, budget, config)
        except ContextLengthError:
            if halvings < 1 or budget // 2 < config.min_chunk_tokens:
                raise
            budget, halvings = budget // 2, halvings - 1
