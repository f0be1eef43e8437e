"""Digests as the data of the HTML review report: table rows, evidence spans, span layout.

The report page (``summarizer.report.html``) embeds this payload as JSON and renders it with
vanilla JavaScript. Everything that needs judgement happens here, in tested Python:

* every evidence span is checked against ``article.text`` (``text[start:end] == quote``);
  a span that does not match, or lies outside the text, becomes a report warning;
* overlapping spans are laid out as properly nested *fragments* (``layout_spans``): a span
  that crosses another is split, so the page can nest ``<mark>`` elements;
* fragment offsets are converted to UTF-16 code units, the unit JavaScript strings use
  (they differ from Python's code points when the text holds characters beyond U+FFFF).

Table cells hold plain strings; the page only ever inserts them as text, never as HTML.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

from ..entities import with_entities
from ..entities.aliases import Aliases
from ..entities.registry import resolve_corpus
from ..models import ArticleInfo, Digest, Evidence, Instrument, Party, Provenance, Sector, Target
from .overview import OverviewBuilder, article_focus

JSONDict = dict[str, Any]
Fragment = tuple[int, int, int]
Focus = dict[str, list[list[str]]]

FIELDS: tuple[str, ...] = ("parties", "instruments", "sectors", "targets")
COLUMNS: dict[str, tuple[str, ...]] = {
    "parties": ("Name", "Kind", "Role", "Country"),
    "instruments": ("Kind", "Title", "Status", "Parties", "Date"),
    "sectors": ("Sector",),
    "targets": ("Target", "Value", "Deadline"),
}
SAFE_URL_SCHEMES = ("http://", "https://")


def layout_spans(ranges: Sequence[tuple[int, int]]) -> list[Fragment]:
    """Nest or split ``(start, end)`` ranges into properly nested fragments.

    Returns ``(start, end, index)`` fragments in document order (parents before children):
    any two fragments are either disjoint or one contains the other. A range that starts
    inside another and ends beyond it is split at the other's end; each range is covered
    exactly by its fragments. Ranges starting together nest the longer one outside.
    """
    heap = [(start, -end, i) for i, (start, end) in enumerate(ranges)]
    heapq.heapify(heap)
    open_ends: list[int] = []
    out: list[Fragment] = []
    while heap:
        start, neg_end, index = heapq.heappop(heap)
        end = -neg_end
        while open_ends and open_ends[-1] <= start:
            open_ends.pop()
        if open_ends and end > open_ends[-1]:
            heapq.heappush(heap, (open_ends[-1], -end, index))
            end = open_ends[-1]
        out.append((start, end, index))
        open_ends.append(end)
    return out


def utf16_offsets(text: str) -> list[int] | None:
    """Code point offset -> UTF-16 offset table, or None when the two agree."""
    if not text or max(text) <= "\uffff":
        return None
    return [0, *accumulate(2 if ord(ch) > 0xFFFF else 1 for ch in text)]


def span_problem(text: str, ev: Evidence) -> str | None:
    """Why an evidence span cannot be trusted against ``text``, or None when it matches."""
    if ev.start > ev.end or ev.end > len(text):
        return f"offsets [{ev.start}:{ev.end}] lie outside the text ({len(text)} characters)"
    if ev.start == ev.end:
        return f"empty span at [{ev.start}:{ev.end}]"
    if text[ev.start : ev.end] != ev.quote:
        return f"quote differs from the text at [{ev.start}:{ev.end}]"
    return None


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Spans:
    """Collects an article's evidence spans, their rows and the problems found in them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: list[JSONDict] = []
        self.problems: list[JSONDict] = []

    def add(self, field: str, row: int, name: str, evidence: Iterable[Evidence]) -> list[int]:
        ids = []
        for ev in evidence:
            problem = span_problem(self.text, ev)
            span: JSONDict = {"f": field, "r": row, "s": ev.start, "e": ev.end, "q": ev.quote,
                              "m": ev.match}
            if ev.match != "exact":
                span["sc"] = round(ev.score, 1)
            if problem:
                span["p"] = problem
                self.problems.append(_problem_warning(field, name, ev.quote, problem))
            ids.append(len(self.spans))
            self.spans.append(span)
        return ids

    def fragments(self) -> list[Fragment]:
        """Layout of the spans that lie inside the text, in UTF-16 offsets."""
        inside = [(i, s["s"], s["e"]) for i, s in enumerate(self.spans)
                  if s["s"] <= s["e"] <= len(self.text)]
        frags = layout_spans([(start, end) for _, start, end in inside])
        to16 = utf16_offsets(self.text)
        if to16 is None:
            return [(start, end, inside[k][0]) for start, end, k in frags]
        return [(to16[start], to16[end], inside[k][0]) for start, end, k in frags]


def _problem_warning(field: str, name: str, quote: str, problem: str) -> JSONDict:
    return {"code": "evidence_offsets", "field": field, "item": name, "origin": "report",
            "message": f"{field} “{_clip(name)}”: evidence “{_clip(quote)}”: {problem}."}


def _word(value: str) -> str:
    """An enum value for people: ``government_body`` -> ``government body``."""
    return value.replace("_", " ")


def _party(x: Party) -> tuple[str, list[str]]:
    return x.name, [x.name, _word(x.kind), x.role or "", x.country or ""]


def _instrument(x: Instrument) -> tuple[str, list[str]]:
    status = _word(x.status) + (" (background)" if x.background else "")
    cells = [_word(x.kind), x.title or "", status, ", ".join(x.parties), x.date or ""]
    return x.title or _word(x.kind), cells


def _sector(x: Sector) -> tuple[str, list[str]]:
    return x.label, [x.label]


def _target(x: Target) -> tuple[str, list[str]]:
    value = " ".join(v for v in (x.value, x.unit) if v)
    return x.description, [x.description, value, x.deadline or ""]


def _tables(d: Digest, spans: _Spans, focus: Focus | None) -> dict[str, list[JSONDict]]:
    items: dict[str, list[tuple[tuple[str, list[str]], list[Evidence], bool]]] = {
        "parties": [(_party(x), x.evidence, False) for x in d.parties],
        "instruments": [(_instrument(x), x.evidence, x.background) for x in d.instruments],
        "sectors": [(_sector(x), x.evidence, False) for x in d.sectors],
        "targets": [(_target(x), x.evidence, False) for x in d.targets],
    }
    tables: dict[str, list[JSONDict]] = {}
    for field in FIELDS:
        rows = []
        for row, ((name, cells), evidence, background) in enumerate(items[field]):
            ids = spans.add(field, row, name, evidence)
            keys = focus[field][row] if focus and field in focus else []
            rows.append({"n": name, "c": cells, "ev": ids, **({"bg": True} if background else {}),
                         **({"fk": keys} if keys else {})})
        tables[field] = rows
    return tables


def provenance_pairs(p: Provenance) -> list[list[str]]:
    """Provenance as ``[label, value]`` pairs for display, leaving out what is unknown."""
    prompt = f"{p.prompt.id}@{p.prompt.version} · {p.prompt.sha256[:12]}" if p.prompt else None
    u = p.usage
    pairs = [
        ("Backend", p.backend),
        ("Provider", p.provider),
        ("Model", p.model),
        ("Mode", p.mode),
        ("Prompt", prompt),
        ("Schema", f"v{p.schema_version}"),
        ("Temperature", None if p.temperature is None else f"{p.temperature:g}"),
        ("Created", p.created_at),
        ("Tokens", f"{u.prompt_tokens} prompt · {u.completion_tokens} completion · "
                   f"{u.total_tokens} total"),
        ("Attempts", str(p.attempts)),
        ("Duration", None if p.duration_ms is None else f"{p.duration_ms / 1000:.2f} s"),
    ]
    return [[label, value] for label, value in pairs if value is not None]


def _meta(a: ArticleInfo) -> JSONDict:
    linkable = a.url is not None and a.url.lower().startswith(SAFE_URL_SCHEMES)
    return {"id": a.id, "sha": a.sha256, "title": a.title, "source": a.source, "url": a.url,
            "link": linkable, "published": a.published}


def article_payload(d: Digest, focus: Focus | None = None) -> JSONDict:
    """One digest as the report page needs it; ``focus`` gives each table row the keys the
    overview's filters highlight (``overview.article_focus``)."""
    spans = _Spans(d.article.text)
    summary_ids = spans.add("summary", 0, "summary", d.summary.evidence)
    tables = _tables(d, spans, focus)
    warnings = [{**w.model_dump(), "origin": "digest"} for w in d.warnings]
    return {
        **_meta(d.article),
        "summary": {"headline": d.summary.headline, "one_line": d.summary.one_line,
                    "bullets": d.summary.bullets, "ev": summary_ids},
        "tables": tables,
        "warnings": warnings + spans.problems,
        "prov": provenance_pairs(d.provenance),
        "text": d.article.text,
        "spans": spans.spans,
        "frags": spans.fragments(),
    }


META_KEYS: tuple[str, ...] = ("id", "sha", "title", "source", "url", "link", "published")


def index_entry(article: JSONDict) -> JSONDict:
    """What the index page needs of one article: its metadata (``META_KEYS``), headline,
    party names, item counts and number of warnings."""
    tables = article["tables"]
    return {**{k: article[k] for k in META_KEYS}, "headline": article["summary"]["headline"],
            "parties": [r["n"] for r in tables["parties"]],
            "counts": {field: len(tables[field]) for field in FIELDS},
            "nw": len(article["warnings"])}


def article_rest(article: JSONDict) -> JSONDict:
    """The rest of an article, parsed when it is opened: everything but ``META_KEYS``."""
    return {k: v for k, v in article.items() if k not in META_KEYS}


def build_report(
    digests: Iterable[Digest], sink: Callable[[JSONDict], None], *, title: str,
    page_size: int, generated_at: str | None, aliases: Aliases | None = None,
    store: Path | None = None,
) -> JSONDict:
    """The report's settings, index entries and overview; each full article goes to
    ``sink`` as it is made, in order (so a caller can encode it and let it go). The page
    shows an article as its index entry merged with ``article_rest`` of it.

    Entities are resolved across the corpus with ``aliases`` applied, and the registry of
    ``store`` used and updated when given. A single digest gets no overview.
    """
    items = [with_entities(d) for d in digests]
    resolution = resolve_corpus((d.parties for d in items), aliases, store)
    overview = OverviewBuilder(resolution)
    entries = []
    for d in items:
        overview.add(d)
        article = article_payload(d, article_focus(d, resolution))
        entries.append(index_entry(article))
        sink(article)
    return {
        "format": 2,
        "title": title,
        "page_size": page_size,
        "generated_at": generated_at,
        "columns": {field: list(cols) for field, cols in COLUMNS.items()},
        "overview": overview.build() if len(items) > 1 else None,
        "articles": entries,
    }


def report_payload(
    digests: Iterable[Digest], *, title: str, page_size: int, generated_at: str | None,
    aliases: Aliases | None = None, store: Path | None = None,
) -> JSONDict:
    """All of the report's data in one document: ``build_report`` with the full articles
    in ``articles`` instead of the index entries."""
    full: list[JSONDict] = []
    data = build_report(digests, full.append, title=title, page_size=page_size,
                        generated_at=generated_at, aliases=aliases, store=store)
    return {**data, "articles": full}
