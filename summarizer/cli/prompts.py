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


PLACEHOLDER = "(the article's text)"


@prompts_app.command("show")
def prompts_show(
    ref: Annotated[str, typer.Argument(help="e.g. digest@v3")],
    raw: Annotated[bool, typer.Option("--raw", help="The file as stored.")] = False,
) -> None:
    """Print the messages a prompt renders (the system message exactly as sent; the user
    message around a placeholder article), or with --raw the file as stored."""
    from ..article import Article
    from ..pipeline import render_messages
    from ..prompts import get_prompt

    try:
        prompt = get_prompt(ref)
    except SummarizerError as exc:
        raise fail(exc) from None
    if raw:
        typer.echo(prompt.path.read_text(encoding="utf-8"), nl=False)
        return
    for message in render_messages(prompt, Article(text=PLACEHOLDER, title="(its title)")):
        typer.echo(f"[{message['role']}]\n{message['content']}\n")
