"""``summarizer report DIGESTS.jsonl -o report.html``: the HTML review report command.

Errors are one line on stderr and exit code 1 (2 for an output that cannot be written);
the report goes through the one output writer, ``summarizer.output``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SummarizerError
from ..output import write_text
from .options import check_output_path


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""
    app.command("report")(report)


def report(
    digests: Annotated[str, typer.Argument(
        help="JSON Lines (or JSON) from `summarizer digest`; - for stdin.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the HTML here (default: stdout).")] = None,
    title: Annotated[str, typer.Option(help="Title of the report page.")] = "Digest review",
    page_size: Annotated[int, typer.Option(
        min=1, max=1000, help="Articles per page of the index.")] = 50,
    generated_at: Annotated[str | None, typer.Option(
        help="A date or time to show in the header (nothing time-dependent is added otherwise).",
    )] = None,
    aliases: Annotated[Path | None, typer.Option(
        help="TOML file forcing or forbidding entity merges in the overview.")] = None,
    store: Annotated[Path | None, typer.Option(
        help="Use and update the entity registry in this store.")] = None,
) -> None:
    """Write a self-contained HTML page to review digests against their articles."""
    from ..entities.aliases import load_aliases
    from ..report.html import load_digests, render_report

    check_output_path(output, [digests])
    try:
        overrides = load_aliases(aliases) if aliases else None
        items = list(load_digests(digests))
        page = render_report(items, title=title, page_size=page_size, generated_at=generated_at,
                             aliases=overrides, store=store)
        _write(page, output)
    except SummarizerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if output is not None:
        size = len(page.encode("utf-8", "replace")) / 1024
        typer.echo(f"summarizer: wrote {len(items)} article(s) to {output} ({size:,.0f} KiB)",
                   err=True)


def _write(page: str, output: Path | None) -> None:
    write_text(page, output)
