"""The ledger collector: call events in, one row per HTTP request out."""

from __future__ import annotations

from summarizer.batch.ledger import CallCollector, LedgerContext
from summarizer.llm.events import AttemptInfo, CallEvent
from summarizer.models import Usage


def _attempt(n: int, status: int | None, wait: float | None, error: str | None = None) -> CallEvent:
    return CallEvent("attempt", attempt=AttemptInfo(n, status, error, wait, 0.25))


def test_retries_answers_and_rejected_answers_become_rows() -> None:
    collector = CallCollector(LedgerContext("a1", "m", "digest@v1", "run1"))
    usage = Usage(prompt_tokens=100, completion_tokens=20, total_tokens=120)
    for event in [
        _attempt(1, 429, 0.0),
        _attempt(2, None, 0.5, "ReadTimeout"),
        _attempt(3, 200, None),
        CallEvent("completion", usage=usage),
        CallEvent("invalid", detail="1 validation error for DigestDraft"),
        _attempt(1, 200, None),  # the re-ask
        CallEvent("completion", usage=usage),
        _attempt(1, 500, None),  # a last try that failed
    ]:
        collector(event)
    rows = collector.rows
    assert [(r.attempt, r.outcome, r.reason) for r in rows] == [
        (1, "retried", "HTTP 429"),
        (2, "retried", "ReadTimeout"),
        (3, "failed", "invalid output: 1 validation error for DigestDraft"),
        (1, "ok", None),
        (1, "failed", "HTTP 500"),
    ]
    assert [(r.prompt_tokens, r.completion_tokens) for r in rows] == [
        (None, None), (None, None), (100, 20), (100, 20), (None, None)]
    assert {(r.article, r.model, r.prompt, r.run_id, r.latency_ms) for r in rows} == {
        ("a1", "m", "digest@v1", "run1", 250.0)}
    assert collector.requests == 5
