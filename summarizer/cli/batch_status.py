"""``summarizer batch-status``: the provider batches recorded in the store's journal."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import SummarizerError

if TYPE_CHECKING:
    from ..batch.provider.journal import Chunk

STATUS_FORMATS = ("table", "jsonl")


def register(app: typer.Typer) -> None:
    app.command("batch-status")(batch_status)


def batch_status(
    store: Annotated[Path | None, typer.Option(help="The SQLite store.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | jsonl.")] = "table",
) -> None:
    """List the provider batches (--batch-api) with their state, counts and cost so far."""
    from ..batch.provider.journal import Journal
    from ..store import Store

    if fmt not in STATUS_FORMATS:
        raise typer.BadParameter("use table or jsonl", param_hint="--format")
    try:
        with Store.open(store) as db:
            chunks = Journal(db).chunks()
    except SummarizerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if fmt == "jsonl":
        for chunk in chunks:
            sys.stdout.write(json.dumps(asdict(chunk)) + "\n")
        return
    if not chunks:
        typer.echo("summarizer: no provider batches recorded in this store", err=True)
        return
    _table(chunks)


def _table(chunks: list[Chunk]) -> None:
    from rich.console import Console
    from rich.table import Column, Table

    from ..costs import format_cost

    fixed = [Column(name, no_wrap=True) for name in ("batch", "state", "remote")]
    table = Table(*fixed, "requests", "done", "failed", "cost", "live cost", "note", box=None)
    for c in chunks:
        table.add_row(c.batch_id or f"({c.chunk_id})", c.state, c.remote_status or "-",
                      str(c.requests), str(c.completed), str(c.failed),
                      format_cost(c.cost_usd), format_cost(c.live_cost_usd), c.note or "")
    Console(soft_wrap=True).print(table)
