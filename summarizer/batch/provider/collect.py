"""Collect: a finished batch's output and error files into the store, exactly once.

Lines are matched by ``custom_id`` (the provider keeps no order). Each answer is validated
and grounded as a live answer is (``Summarizer.digest_from_completion``) and stored with
its ledger row and the journal's note that the item is settled, in one transaction, at the
batch rate. Items already settled are skipped, so collecting again after ``kill -9``
stores and bills nothing twice. What the batch did not answer with a usable digest (error
lines, invalid or refused answers, quotes a live run would re-ask about, requests an
expired, cancelled or failed batch never ran) is settled as failed with its reason; the
run then sends it live, to a follow-up batch, or reports it (``BatchApiConfig.retry``).
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...article import Article
from ...costs import PriceTable
from ...errors import GroundingReaskNeeded, SummarizerError
from ...models import Usage
from ...store import CallRow, ResultKey, Store, StoredResult, now_iso
from ..engine import failure_kind
from .faults import crashpoint
from .journal import Chunk, Item, Journal, settle
from .remote import RemoteApi, remote_error

if TYPE_CHECKING:
    from openai.types import Batch

    from ...pipeline import Summarizer

log = logging.getLogger("summarizer.batch.provider")
VIA = "batch_api"


@dataclass
class Collector:
    """What collecting needs: the store, the pipeline, the inputs by key, the prices."""

    store: Store
    journal: Journal
    api: RemoteApi
    summarizer: Summarizer
    articles: dict[ResultKey, Article]
    prices: PriceTable
    model: str
    prompt: str
    local: bool
    run_id: str
    stored: dict[ResultKey, tuple[Usage, float | None, float | None]] = field(
        default_factory=dict)
    """Results stored by this run: usage, batch cost, what it would have cost live."""
    failed: Counter[str] = field(default_factory=Counter)

    async def collect(self, chunk: Chunk, batch: Batch) -> Chunk:
        """Store what ``batch`` answered; the chunk is ``collected`` once every item is
        settled (items whose article is not among the inputs wait for a later run)."""
        answers = await self._lines(batch.output_file_id, chunk)
        answers.update(await self._lines(batch.error_file_id, chunk))
        crashpoint("downloading")
        waiting = 0
        for item in self.journal.items(chunk.chunk_id):
            if item.outcome is not None:
                continue
            article = self.articles.get(item.key)
            if article is None:
                waiting += 1
                continue
            self._settle(chunk, batch, item, article, answers.get(item.custom_id))
            crashpoint("collecting")
        note = (f"{waiting} answer(s) wait for their article among the inputs of a later run"
                if waiting else None)
        return self.journal.update(
            chunk.chunk_id, state="collected" if not waiting else "submitted",
            remote_status=batch.status, note=note, **_counts(batch))

    async def _lines(self, file_id: str | None, chunk: Chunk) -> dict[str, dict[str, Any]]:
        if not file_id:
            return {}
        try:
            content = await self.api.content(file_id)
        except Exception as exc:
            raise remote_error(exc, f"downloading {file_id} of chunk {chunk.chunk_id}") \
                from exc
        lines: dict[str, dict[str, Any]] = {}
        for raw in content.decode("utf-8").splitlines():
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                lines[str(line["custom_id"])] = line
            except (ValueError, KeyError, TypeError):
                log.warning("chunk %s: skipped an unreadable line of %s", chunk.chunk_id,
                            file_id)
        return lines

    def _settle(self, chunk: Chunk, batch: Batch, item: Item, article: Article,
                line: dict[str, Any] | None) -> None:
        stored = self.store.get(item.key)
        if stored is not None and stored.status == "done":  # digested meanwhile, e.g. live
            self.store.add_calls([], also=settle(chunk.chunk_id, item.custom_id, "done"))
            return
        body = _body(line)
        if body is None:
            kind, message = _unanswered(batch, line)
            self._fail(chunk, item, article, kind, message, Usage())
            return
        try:
            digest = self.summarizer.digest_from_completion(article, body, via=VIA,
                                                            batch_id=batch.id)
        except SummarizerError as exc:
            kind = "reask_needed" if isinstance(exc, GroundingReaskNeeded) else failure_kind(exc)
            self._fail(chunk, item, article, kind, str(exc),
                       getattr(exc, "usage", None) or Usage())
            return
        usage = digest.provenance.usage
        cost, live = self._costs(usage)
        result = StoredResult(item.key, "done", digest_json=digest.model_dump_json(),
                              usage=usage, attempts=1, cost_usd=cost)
        self.store.put(result, [self._row(item, "ok", usage, None, batch.id)],
                       also=settle(chunk.chunk_id, item.custom_id, "done", cost=cost,
                                   live_cost=live))
        self.stored[item.key] = (usage, cost, live)

    def _fail(self, chunk: Chunk, item: Item, article: Article, kind: str, message: str,
              usage: Usage) -> None:
        """Settled as failed: its ledger row (what the answer cost) in the same transaction."""
        cost, live = self._costs(usage)
        rows = [self._row(item, "failed", usage, f"{kind}: {message}"[:300], chunk.batch_id)]
        self.store.add_calls(rows if usage.total_tokens else [], also=settle(
            chunk.chunk_id, item.custom_id, "failed", kind=kind, message=message, cost=cost,
            live_cost=live))
        self.failed[kind] += 1
        log.info("%s: not answered by batch %s (%s)", article.label, chunk.batch_id, kind)

    def _costs(self, usage: Usage) -> tuple[float | None, float | None]:
        return (self.prices.cost(self.model, usage, local=self.local, batch=True),
                self.prices.cost(self.model, usage, local=self.local))

    def _row(self, item: Item, outcome: str, usage: Usage, reason: str | None,
             batch_id: str | None) -> CallRow:
        return CallRow(at=now_iso(), article=item.key.article, model=self.model,
                       prompt=self.prompt, attempt=1,
                       outcome="ok" if outcome == "ok" else "failed", latency_ms=0.0,
                       prompt_tokens=usage.prompt_tokens,
                       completion_tokens=usage.completion_tokens,
                       reason=reason or f"{VIA} {batch_id}", run_id=self.run_id)


def _body(line: dict[str, Any] | None) -> dict[str, Any] | None:
    """The chat.completion of a 200 answer line, else None."""
    if not line or line.get("error"):
        return None
    response = line.get("response") or {}
    body = response.get("body")
    return body if response.get("status_code") == 200 and isinstance(body, dict) else None


def _unanswered(batch: Batch, line: dict[str, Any] | None) -> tuple[str, str]:
    if line is None:
        errors = batch.errors.data if batch.errors and batch.errors.data else []
        why = f" ({errors[0].code}: {errors[0].message})" if errors else ""
        return f"batch_{batch.status}", (f"batch {batch.id} ended {batch.status}{why} "
                                         "without answering this request")
    error = line.get("error") or {}
    if error:
        return "batch_error", f"batch {batch.id}: {error.get('code')}: {error.get('message')}"
    response = line.get("response") or {}
    detail = json.dumps(response.get("body"), ensure_ascii=False)[:200]
    return "batch_error", f"batch {batch.id}: HTTP {response.get('status_code')}: {detail}"


def _counts(batch: Batch) -> dict[str, int]:
    counts = batch.request_counts
    return {} if counts is None else {"completed": counts.completed, "failed": counts.failed}
