"""The call ledger's collector: one article's :class:`~summarizer.llm.client.CallEvent` stream
turned into :class:`~summarizer.store.CallRow` rows.

Bind it with ``llm.observe_calls(collector)`` around one article's digest. Each HTTP
request becomes a row: ``retried`` (the transport will try again, the reason says why),
``ok`` (a 2xx answer; its tokens arrive with the completion that follows), or ``failed``
(the last try failed, or a 2xx answer did not validate and was re-asked or given up on).
Requests made for a grounding re-ask say so in their reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from ..llm.events import CallEvent
from ..store import CallRow, Outcome


@dataclass(frozen=True)
class LedgerContext:
    """What every row of one article shares."""

    article: str
    model: str
    prompt: str
    run_id: str | None = None


def _reason(status: int | None, error: str | None) -> str:
    return f"HTTP {status}" if status is not None else (error or "unknown error")


class CallCollector:
    """Collects the ledger rows of one article (call it with every ``CallEvent``)."""

    def __init__(self, context: LedgerContext) -> None:
        self.context = context
        self._rows: list[CallRow] = []
        self._purpose: str | None = None
        self.reasks = 0
        self.reask_tokens = 0

    def __call__(self, event: CallEvent) -> None:
        if event.kind == "attempt" and event.attempt is not None:
            self._attempt(event)
        elif event.kind == "completion":
            self._tokens(event)
        elif event.kind == "invalid":
            self._invalid(event.detail or "no detail")
        elif event.kind == "reask":
            self.reasks += 1
            self._purpose = "grounding re-ask" + (f" ({event.detail})" if event.detail else "")
        elif event.kind == "reask_done":
            self._purpose = None
            self.reask_tokens += event.usage.total_tokens if event.usage else 0

    def _attempt(self, event: CallEvent) -> None:
        info = event.attempt
        assert info is not None
        ok = info.status is not None and info.status < 400
        outcome: Outcome = "retried" if info.wait is not None else "ok" if ok else "failed"
        ended = datetime.now(UTC)
        started = ended - timedelta(seconds=info.latency_s)
        ctx = self.context
        self._rows.append(CallRow(
            at=started.isoformat(timespec="milliseconds"), article=ctx.article,
            model=ctx.model, prompt=ctx.prompt, attempt=info.attempt, outcome=outcome,
            latency_ms=round(info.latency_s * 1000, 1), run_id=ctx.run_id,
            reason=self._purpose if outcome == "ok" else _reason(info.status, info.error),
        ))

    def _last_ok(self) -> int | None:
        for i in range(len(self._rows) - 1, -1, -1):
            if self._rows[i].outcome == "ok":
                return i
        return None

    def _tokens(self, event: CallEvent) -> None:
        i = self._last_ok()
        if i is None or event.usage is None or self._rows[i].prompt_tokens is not None:
            return
        self._rows[i] = replace(self._rows[i], prompt_tokens=event.usage.prompt_tokens,
                                completion_tokens=event.usage.completion_tokens)

    def _invalid(self, detail: str) -> None:
        i = self._last_ok()
        if i is not None:
            self._rows[i] = replace(self._rows[i], outcome="failed",
                                    reason=f"invalid output: {detail}")

    @property
    def rows(self) -> list[CallRow]:
        return list(self._rows)

    @property
    def requests(self) -> int:
        return len(self._rows)
