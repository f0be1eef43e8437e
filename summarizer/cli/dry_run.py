"""``summarizer digest --dry-run``: the exact request bodies, their size, nothing sent."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import typer

from .options import err

if TYPE_CHECKING:
    from ..ingest import IngestConfig
    from ..pipeline import SummarizerConfig

BYTES_PER_TOKEN = 4


def print_requests(config: SummarizerConfig, sources: list[str], ingest: IngestConfig) -> int:
    """One JSON line per request to stdout (``article``, ``part``, ``bytes``,
    ``article_bytes``, ``overhead_bytes``, ``estimated_tokens``, ``body``) and a summary on
    stderr; the exit code (1 when an input could not be read)."""
    from ..ingest import IngestFailure, iter_articles
    from ..pipeline import Summarizer

    failures = 0
    with Summarizer(config) as summarizer:
        for item in iter_articles(sources, ingest):
            if isinstance(item, IngestFailure):
                failures += 1
                err(f"error: {item.source}: {item.message}")
                continue
            parts = summarizer.request_parts(item)
            for number, (part, prepared) in enumerate(zip(parts, summarizer.preview(item),
                                                          strict=True), start=1):
                article_bytes = len(part.text.encode())
                line = {"article": item.label, "part": number, "bytes": prepared.size,
                        "article_bytes": article_bytes,
                        "overhead_bytes": prepared.size - article_bytes,
                        "estimated_tokens": math.ceil(prepared.size / BYTES_PER_TOKEN),
                        "body": prepared.body}
                typer.echo(json.dumps(line, ensure_ascii=False))
                err(f"summarizer: {item.label} part {number}: {prepared.size:,} bytes "
                    f"({prepared.size - article_bytes:,} besides the article), "
                    f"~{line['estimated_tokens']:,} tokens; not sent")
    return 1 if failures else 0
