"""``summarizer batch --batch-api``: the provider Batch API route of the batch command, a thin
client of ``summarizer.batch.provider`` (progress from the batches' request counts)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from ..batch.provider import BatchApiSummary
    from ..batch.provider.poll import Counts, ProgressFn
    from ..batch.runner import BatchConfig

RETRY_ROUTES = ("live", "batch", "none")


@dataclass(frozen=True)
class RouteOptions:
    """The ``batch`` command's Batch API flags."""

    wait: bool = True
    retry: str = "live"
    cancel: bool = False
    poll_interval: float = 10.0


def check(options: RouteOptions) -> None:
    if options.retry not in RETRY_ROUTES:
        raise typer.BadParameter("use live, batch or none", param_hint="--batch-api-retry")
    if options.poll_interval < 0:
        raise typer.BadParameter("must be 0 or more seconds", param_hint="--poll-interval")


def run_route(inputs: Sequence[str], config: BatchConfig, options: RouteOptions,
              progress: bool | None) -> BatchApiSummary:
    """Run the route; on Ctrl-C say what became of the remote batches, exit 130."""
    from ..batch.provider import BatchApiConfig, PollPolicy, run_batch_api

    poll = PollPolicy(initial=options.poll_interval,
                      maximum=max(300.0, options.poll_interval))
    api = BatchApiConfig(wait=options.wait, retry=options.retry,  # type: ignore[arg-type]
                         cancel=options.cancel, poll=poll)
    try:
        with _progress_bar(progress) as on_progress:
            return asyncio.run(run_batch_api(inputs, config, api, on_progress=on_progress))
    except KeyboardInterrupt:
        what = ("cancelling the remote batch(es); what they finished is collected by a rerun"
                if options.cancel else "the remote batch(es) keep running; rerun the same "
                "command to collect them (or pass --cancel to cancel on Ctrl-C)")
        typer.echo(f"summarizer: interrupted — {what}", err=True)
        raise typer.Exit(130) from None


@contextmanager
def _progress_bar(enabled: bool | None) -> Iterator[ProgressFn | None]:
    """A rich bar on stderr from the batches' request counts (on a terminal, or when asked)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = Console(stderr=True)
    if not (console.is_terminal if enabled is None else enabled):
        yield None
        return
    columns = (TextColumn("batch API"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[stats]}"))
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task("batch-api", total=None, stats="")

        def update(counts: Counts) -> None:
            bar.update(task, total=counts.total, completed=counts.completed + counts.failed,
                       stats=f"[red]failed {counts.failed}[/] · {counts.running} of "
                             f"{counts.batches} batch(es) running")

        yield update
