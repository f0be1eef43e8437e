"""``summarizer report DIGESTS.jsonl -o report.html``: the HTML review report command.

Registered on the main app by ``cli.py`` with ``register(app)``. Errors are one line on
stderr and exit code 1; the report is written atomically (temp file, then rename).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from .errors import SummarizerError


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
) -> None:
    """Write a self-contained HTML page to review digests against their articles."""
    from .report import load_digests, render_report

    try:
        items = list(load_digests(digests))
        page = render_report(items, title=title, page_size=page_size, generated_at=generated_at)
        _write(page, output)
    except SummarizerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if output is not None:
        size = len(page.encode("utf-8", "replace")) / 1024
        typer.echo(f"summarizer: wrote {len(items)} article(s) to {output} ({size:,.0f} KiB)",
                   err=True)


def _write(page: str, output: Path | None) -> None:
    """To stdout, or atomically to ``output``."""
    if output is None:
        sys.stdout.write(page)
        return
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
            handle.write(page)
        os.replace(tmp, output)
    except OSError as exc:
        message = f"cannot write the report: {exc.strerror or exc}; check the directory"
        raise SummarizerError(message, source=str(output)) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
