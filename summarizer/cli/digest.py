"""``summarizer digest``: one grounded digest per article, to stdout or ``-o``."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import SummarizerError
from .options import (
    MAX_BYTES,
    AllowPrivateUrls,
    Backend,
    BaseUrl,
    ContextWindow,
    Glob,
    MaxBytes,
    MaxTokens,
    Mode,
    Model,
    Prices,
    Prompt,
    Reask,
    Temperature,
    Timeout,
    check_output_path,
    err,
    fail,
    ingest_config,
    summarizer_config,
)

if TYPE_CHECKING:
    from ..ingest import IngestConfig
    from ..models import Digest
    from ..output import OutputFile
    from ..pipeline import SummarizerConfig

FORMATS = ("json", "jsonl", "md")
SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".jsonl": "jsonl", ".ndjson": "jsonl"}

Inputs = Annotated[
    list[str] | None, typer.Argument(help="Files, directories, URLs, JSONL files, or - for stdin.")
]
Fmt = Annotated[str | None, typer.Option(
    "--format", "-f",
    help="json | jsonl | md (default: from the -o suffix, else json for one, jsonl for more).")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")]


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)


class _Writer:
    """Streams digests: pretty JSON when there turns out to be one, JSON Lines otherwise."""

    def __init__(self, out: OutputFile, fmt: str | None) -> None:
        self.out, self.fmt, self.count = out, fmt, 0
        self.pending: Digest | None = None

    def add(self, digest: Digest) -> None:
        from ..render import render

        self.count += 1
        if self.fmt is not None:
            sep = "\n---\n\n" if self.fmt == "md" and self.count > 1 else ""
            self.out.write(sep + render([digest], self.fmt))  # type: ignore[arg-type]
        elif self.pending is None and self.count == 1:
            self.pending = digest
        else:
            if self.pending is not None:
                self.out.write(render([self.pending], "jsonl"))
                self.pending = None
            self.out.write(render([digest], "jsonl"))
        self.out.flush()

    def close(self) -> None:
        from ..render import render

        if self.pending is not None:
            self.out.write(render([self.pending], "json"))


def output_format(fmt: str | None, output: Path | None) -> str | None:
    """``--format``, else what the output's suffix says (``.md``, ``.jsonl``), else None."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise typer.BadParameter("use json, jsonl or md", param_hint="--format")
        return fmt
    return SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None


Store = Annotated[Path | None, typer.Option(
    help="The SQLite store of digests and model calls (default: $SUMMARIZER_HOME/"
         "summarizer.db, else the user data dir); `summarizer log` lists the calls.")]
NoCache = Annotated[bool, typer.Option(
    "--no-cache", help="Digest again even what the store already holds.")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="Print the exact request(s) each article would send, with their size "
                      "and estimated tokens; send nothing.")]


def digest(
    inputs: Inputs = None,
    fmt: Fmt = None,
    output: Output = None,
    backend: Backend = "auto",
    model: Model = None,
    base_url: BaseUrl = None,
    mode: Mode = "auto",
    prompt: Prompt = "digest",
    temperature: Temperature = None,
    max_tokens: MaxTokens = 2048,
    timeout: Timeout = 60.0,
    context_window: ContextWindow = None,
    reask: Reask = True,
    prices: Prices = None,
    store: Store = None,
    no_cache: NoCache = False,
    dry_run: DryRun = False,
    allow_private_urls: AllowPrivateUrls = False,
    glob: Glob = None,
    max_bytes: MaxBytes = MAX_BYTES,
) -> None:
    """Digest articles: print one grounded digest per article."""
    fmt = output_format(fmt, output)
    sources = inputs or (["-"] if not sys.stdin.isatty() else [])
    if not sources:
        raise typer.BadParameter("give at least one input, or pipe text on stdin",
                                 param_hint="INPUTS")
    check_output_path(output, sources)
    ingest = ingest_config(allow_private_urls, glob, max_bytes)
    try:
        config = summarizer_config(backend, model, base_url, mode, prompt, temperature,
                                   max_tokens, timeout, context_window=context_window,
                                   reask=reask, prices=prices)
        if dry_run:
            from .dry_run import print_requests

            raise typer.Exit(print_requests(config, sources, ingest))
        job = JobOptions(store=store, use_cache=not no_cache)
        failures, written = asyncio.run(_run(config, job, sources, output, fmt, ingest))
    except SummarizerError as exc:
        raise fail(exc) from None
    if failures:
        err(f"summarizer: {failures} input(s) failed; {written} digest(s) written")
        raise typer.Exit(1)


@dataclass(frozen=True)
class JobOptions:
    """Where digests and calls are kept, and whether a stored digest may be reused."""

    store: Path | None
    use_cache: bool


async def _run(config: SummarizerConfig, options: JobOptions, sources: list[str],
               output: Path | None, fmt: str | None, ingest: IngestConfig) -> tuple[int, int]:
    """Digest every input, one at a time, through the store (cache and call ledger) into
    the output; (failures, digests written). Failures are never reused from the store."""
    from ..batch.engine import ArticleEngine, JobConfig
    from ..ingest import IngestFailure, iter_articles
    from ..models import Digest
    from ..output import atomic_output

    job = JobConfig(summarizer=config, store=options.store, concurrency=1, processes=0,
                    retry_failed=True, use_cache=options.use_cache)
    failures = 0
    async with ArticleEngine(job) as engine:
        with atomic_output(output) as out:
            writer = _Writer(out, fmt)
            for item in iter_articles(sources, ingest):
                if isinstance(item, IngestFailure):
                    failures += 1
                    err(f"error: {item.source}: {item.message}")
                    continue
                outcome = await engine.process(item)
                if outcome.status == "failed":
                    failures += 1
                    err(f"error: {outcome.message}")
                    continue
                writer.add(Digest.model_validate_json(outcome.line))
            writer.close()
    return failures, writer.count
