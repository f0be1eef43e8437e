"""``summarizer export INPUT -o OUT --format csv|parquet|sqlite``: digests as tidy tables.

Registered on the main app by ``cli/app.py`` with ``register(app)``. Errors are one line on
stderr and exit code 1. The output is staged beside its destination and renamed into
place; an existing output is replaced only with ``--force`` (see
``summarizer.export.output``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SummarizerError


def register(app: typer.Typer) -> None:
    """Add the ``export`` command to ``app``."""
    app.command("export")(export_command)


def export_command(
    source: Annotated[str, typer.Argument(
        metavar="INPUT", help="Digests (JSONL from `summarizer digest`/`batch`) or a store.")],
    output: Annotated[Path, typer.Option("--output", "-o", metavar="OUT",
                                         help="Where to write.")],
    fmt: Annotated[str, typer.Option(
        "--format", "-f", help="sqlite (one file) | csv | parquet (a folder of files).")
    ] = "sqlite",
    force: Annotated[bool, typer.Option(help="Replace an existing export.")] = False,
    aliases: Annotated[Path | None, typer.Option(
        help="TOML file forcing or forbidding entity merges.")] = None,
    store: Annotated[Path | None, typer.Option(
        help="Keep the entity registry in this store (default: INPUT when it is a store).")
    ] = None,
) -> None:
    """Export digests as tables: articles, parties, entities, instruments,
    instrument_parties, sectors, targets, evidence (+ a cooperation_edges view in sqlite)."""
    from ..entities.aliases import load_aliases
    from ..export import FORMATS, ExportConfig, export

    if fmt not in FORMATS:
        raise typer.BadParameter("use csv, parquet or sqlite", param_hint="--format")
    try:
        config = ExportConfig(fmt=fmt, force=force,  # type: ignore[arg-type]
                              aliases=load_aliases(aliases) if aliases else None, store=store)
        result = export(source, output, config)
    except SummarizerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    rows = ", ".join(f"{n:,} {t}" for t, n in result.rows.items())
    typer.echo(f"summarizer: wrote {output} ({fmt}): {rows}; {result.merges} entity merge(s)",
               err=True)
