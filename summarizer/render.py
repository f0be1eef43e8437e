"""Digests as text: JSON for one, JSON Lines for many, Markdown for people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from .models import Digest, Evidence

Format = Literal["json", "jsonl", "md"]


def to_json(digest: Digest) -> str:
    return digest.model_dump_json(indent=2) + "\n"


def to_jsonl(digest: Digest) -> str:
    return digest.model_dump_json() + "\n"


def render(digests: Sequence[Digest], fmt: Format | None = None) -> str:
    """JSON for a single digest, JSON Lines for several, unless ``fmt`` says otherwise."""
    fmt = fmt or ("json" if len(digests) == 1 else "jsonl")
    if fmt == "md":
        return "\n---\n\n".join(to_markdown(d) for d in digests)
    if fmt == "json":
        return "".join(to_json(d) for d in digests)
    return "".join(to_jsonl(d) for d in digests)


def _quote(ev: Sequence[Evidence]) -> str:
    if not ev:
        return ""
    first = ev[0]
    more = f" (+{len(ev) - 1})" if len(ev) > 1 else ""
    return f"“{_cell(first.quote, 90)}” [{first.start}:{first.end}]{more}"


def _cell(text: str | None, limit: int = 120) -> str:
    text = " ".join((text or "").split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    if not rows:
        return ["_none found_", ""]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) if i < len(r) - 1 else c for i, c in enumerate(r)) + " |"
              for r in rows]
    return [*lines, ""]


def to_markdown(d: Digest) -> str:
    a, p = d.article, d.provenance
    lines = [f"# {d.summary.headline}", ""]
    meta = [x for x in (a.source, a.published, a.url) if x]
    lines += [f"_{' · '.join(meta)}_", ""] if meta else []
    lines += [d.summary.one_line, "", *[f"- {b}" for b in d.summary.bullets], ""]
    lines += ["## Parties", *_table(["name", "kind", "role", "evidence"],
              [[x.name, x.kind, x.role or "", _quote(x.evidence)] for x in d.parties])]
    lines += ["## Instruments", *_table(["kind", "title", "status", "parties", "evidence"],
              [[x.kind, x.title or "", x.status, ", ".join(x.parties), _quote(x.evidence)]
               for x in d.instruments])]
    lines += ["## Sectors", *_table(["label", "evidence"],
              [[x.label, _quote(x.evidence)] for x in d.sectors])]
    lines += ["## Targets", *_table(["description", "value", "deadline", "evidence"],
              [[x.description, x.value or "", x.deadline or "", _quote(x.evidence)]
               for x in d.targets])]
    if d.warnings:
        lines += ["## Warnings", *[f"- {w.message}" for w in d.warnings], ""]
    prompt = f"{p.prompt.id}@{p.prompt.version} ({p.prompt.sha256[:12]})" if p.prompt else "-"
    lines += [f"<sub>id {a.id} · backend {p.backend} · model {p.model or '-'} · prompt {prompt}"
              f" · schema v{p.schema_version} · tokens {p.usage.total_tokens}</sub>", ""]
    return "\n".join(lines)
