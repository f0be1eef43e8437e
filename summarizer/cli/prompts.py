"""``summarizer prompts list|show``: the versioned prompts."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import SummarizerError
from .options import fail

prompts_app = typer.Typer(help="List and show the versioned prompts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(prompts_app, name="prompts")


@prompts_app.command("list")
def prompts_list() -> None:
    """List every prompt version with its content hash."""
    from ..prompts import default_registry

    for p in default_registry().all():
        typer.echo(f"{p.ref:<14} {p.short_hash}  {p.description}")


@prompts_app.command("show")
def prompts_show(ref: Annotated[str, typer.Argument(help="e.g. digest@v1")]) -> None:
    """Print a prompt file as stored."""
    from ..prompts import get_prompt

    try:
        typer.echo(get_prompt(ref).path.read_text(encoding="utf-8"), nl=False)
    except SummarizerError as exc:
        raise fail(exc) from None
