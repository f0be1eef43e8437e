"""``summarizer log``: the call ledger (every HTTP request to a model), newest first."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import SummarizerError
from .options import err, fail

if TYPE_CHECKING:
    from ..store import CallRow

LOG_FORMATS = ("table", "jsonl", "csv")
PIPED_WIDTH = 10_000
"""Columns are never cut when the table goes to a pipe or file: it is as wide as it needs."""


def register(app: typer.Typer) -> None:
    app.command("log")(log_command)


def log_command(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Newest calls to show.")] = 50,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | jsonl | csv.")] = "table",
    article: Annotated[str | None, typer.Option(help="Only calls for this article id.")] = None,
    store: Annotated[Path | None, typer.Option(help="The SQLite store.")] = None,
) -> None:
    """List the call ledger (every HTTP request to a model), newest first."""
    from ..store import Store

    if fmt not in LOG_FORMATS:
        raise typer.BadParameter("use table, jsonl or csv", param_hint="--format")
    try:
        with Store.open(store) as db:
            rows = db.calls(limit, article=article)
    except SummarizerError as exc:
        raise fail(exc) from None
    if not rows and fmt == "table":
        err("summarizer: no model calls recorded in this store yet")
        return
    {"table": _log_table, "jsonl": _log_jsonl, "csv": _log_csv}[fmt](rows)


def _log_jsonl(rows: Sequence[CallRow]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")


def _log_csv(rows: Sequence[CallRow]) -> None:
    from ..store import CALL_FIELDS

    writer = csv.DictWriter(sys.stdout, fieldnames=CALL_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(asdict(row) for row in rows)


def _log_table(rows: Sequence[CallRow]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("at", "article", "model", "prompt", "try", "outcome", "ms", "in", "out",
                  "reason", box=None)
    for r in rows:
        table.add_row(r.at, r.article, r.model, r.prompt, str(r.attempt), r.outcome,
                      f"{r.latency_ms:.0f}", _num(r.prompt_tokens), _num(r.completion_tokens),
                      r.reason or "")
    console = Console(soft_wrap=True)
    if not console.is_terminal:
        console = Console(soft_wrap=True, width=PIPED_WIDTH)
    console.print(table)


def _num(value: int | None) -> str:
    return "" if value is None else str(value)
