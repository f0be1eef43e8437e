"""``summarizer batch``: a thin client of ``summarizer.batch.runner``.

The batch summary and progress go to stderr; exit code 0 when every input was digested,
1 when any failed (the output still has a line for it), 2 for a usage error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    fail,
    ingest_config,
    summarizer_config,
)

if TYPE_CHECKING:
    from ..batch.runner import BatchConfig, BatchSummary, ProgressFn

JSONL_SUFFIXES = (".jsonl", ".ndjson")


def register(app: typer.Typer) -> None:
    """Add the ``batch`` command to ``app``."""
    app.command("batch")(batch)


def batch(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, directories, URLs, JSONL files, or - for stdin.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="The JSON Lines output: one line per input, in input order.")],
    concurrency: Annotated[int, typer.Option(min=1, help="Articles digested at once.")] = 8,
    rpm: Annotated[float | None, typer.Option(help="Requests per minute, whole run.")] = None,
    tpm: Annotated[float | None, typer.Option(help="Tokens per minute, whole run.")] = None,
    retry_failed: Annotated[bool, typer.Option(
        help="Digest again what failed in an earlier run (else its failure is reused).")] = False,
    store: Annotated[Path | None, typer.Option(
        help="The SQLite store (default: $SUMMARIZER_HOME/summarizer.db, else the user "
             "data dir).")] = None,
    prices: Prices = None,
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
    processes: Annotated[int | None, typer.Option(
        min=0, help="Worker processes for the rules backend (default: one per core).")] = None,
    allow_private_urls: AllowPrivateUrls = False,
    glob: Glob = None,
    max_bytes: MaxBytes = MAX_BYTES,
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress",
        help="Progress bar on stderr (default: when stderr is a terminal).")] = None,
    engine: Annotated[str, typer.Option(
        help="local | ray: digest here, or on Ray Data (needs summarizer[ray]).")] = "local",
    ray_address: Annotated[str | None, typer.Option(
        help="Ray cluster to run on (--engine ray; default: a local Ray).")] = None,
    ray_workers: Annotated[int, typer.Option(
        min=1, help="Ray workers (--engine ray), each digesting --concurrency at once.")] = 2,
    batch_api: Annotated[bool, typer.Option(
        help="Half price: send what the store lacks through the provider's Batch API "
             "(answered within 24 h); rerun the same command to resume or collect.")] = False,
    wait: Annotated[bool, typer.Option(
        help="--batch-api: wait for the batches (--no-wait: submit and exit).")] = True,
    batch_api_retry: Annotated[str, typer.Option(
        help="--batch-api: what the batch did not answer goes live | batch (a follow-up "
             "batch) | none (reported).")] = "live",
    cancel: Annotated[bool, typer.Option(
        help="--batch-api: cancel the remote batches on Ctrl-C (default: keep them).")] = False,
    poll_interval: Annotated[float, typer.Option(
        help="--batch-api: seconds before the first status check (then growing).")] = 10.0,
) -> None:
    """Digest many articles: concurrent, rate-limited, cached, resumable."""
    from ..batch.engine import JobConfig
    from ..batch.runner import BatchConfig, run_batch
    from ..llm.ratelimit import RateLimits
    from .batch_api import RouteOptions, check, run_route

    _check_engine(engine, ray_address)
    route = RouteOptions(wait, batch_api_retry, cancel, poll_interval) if batch_api else None
    if route is not None:
        check(route)
        if engine != "local":
            raise typer.BadParameter("--batch-api runs with --engine local", param_hint="--engine")
    check_output_path(output, inputs)
    try:
        summarizer = summarizer_config(backend, model, base_url, mode, prompt, temperature,
                                        max_tokens, timeout, context_window=context_window,
                                        reask=reask, prices=prices)
        job = JobConfig(summarizer=summarizer, limits=RateLimits(rpm=rpm, tpm=tpm), store=store,
                        concurrency=concurrency, processes=processes, retry_failed=retry_failed)
        config = BatchConfig(output=output, job=job,
                             ingest=ingest_config(allow_private_urls, glob, max_bytes))
        if route is not None:
            routed = run_route(inputs, config, route, progress)
            typer.echo(routed.describe(), err=True)
            raise typer.Exit(0 if routed.pending or routed.summary.ok else 1)
        if engine == "ray":
            summary = _run_on_ray(inputs, config, ray_address, ray_workers, progress)
        else:
            with _progress_bar(progress, _count_hint(inputs)) as on_progress:
                summary = asyncio.run(run_batch(inputs, config, on_progress=on_progress))
    except SummarizerError as exc:
        raise fail(exc) from None
    typer.echo(summary.describe(), err=True)
    if not summary.ok:
        raise typer.Exit(1)


def _check_engine(engine: str, ray_address: str | None) -> None:
    if engine not in ("local", "ray"):
        raise typer.BadParameter("use local or ray", param_hint="--engine")
    if ray_address is not None and engine != "ray":
        raise typer.BadParameter("needs --engine ray", param_hint="--ray-address")


def _run_on_ray(
    inputs: Sequence[str], config: BatchConfig, address: str | None, workers: int,
    progress: bool | None,
) -> BatchSummary:
    """The run on Ray Data; Ray's own progress bars when asked (or on a terminal)."""
    from rich.console import Console

    from ..batch.ray_data import RayRunConfig, run_ray_batch
    from ..batch.ray_rows import require_ray

    require_ray()
    show = Console(stderr=True).is_terminal if progress is None else progress
    quiet = logging.getLogger().getEffectiveLevel() > logging.INFO
    ray_config = RayRunConfig(address=address, workers=workers, progress=show, quiet=quiet)
    return run_ray_batch(inputs, config, ray_config)


def _count_hint(inputs: Sequence[str]) -> int | None:
    """How many inputs there are, when that is cheap to know (only JSON Lines files: their
    non-blank lines, counted in a streaming pass); else None (no ETA)."""
    total = 0
    for name in inputs:
        path = Path(name)
        if path.suffix.lower() not in JSONL_SUFFIXES or not path.is_file():
            return None
        with path.open("rb") as handle:
            total += sum(1 for line in handle if line.strip())
    return total


@contextmanager
def _progress_bar(enabled: bool | None, total: int | None) -> Iterator[ProgressFn | None]:
    """A rich progress bar on stderr (done / cached / failed, tokens, cost, ETA)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    if not (console.is_terminal if enabled is None else enabled):
        yield None
        return
    columns = (SpinnerColumn(), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[stats]}"), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("batch", total=total, stats="")

        def update(summary: BatchSummary) -> None:
            bar.update(task, completed=summary.total, stats=_stats(summary))

        yield update


def _stats(summary: BatchSummary) -> str:
    from ..costs import format_cost

    tokens = summary.usage.prompt_tokens + summary.usage.completion_tokens
    return (f"[green]done {summary.done}[/] [cyan]cached {summary.cached}[/] "
            f"[red]failed {summary.failed}[/] · {tokens:,} tok · "
            f"{format_cost(summary.cost_usd)}")
