"""The ``summarizer`` app: created here, one module per command registered on it.

Results go to stdout (or ``-o``), notices and errors to stderr. Exit codes: 0 ok,
1 a failure (some input or article failed), 2 a usage error. Heavy imports (openai,
instructor, trafilatura) happen inside commands so ``--help`` stays fast.
"""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from .._version import __version__
from . import batch, batch_status, digest, export, log, prompts, report, schema
from . import eval as evaluate

app = typer.Typer(
    name="summarizer",
    help="Grounded, typed digests of news about cooperation between countries and companies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="More logs.")] = 0,
) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    if not verbose:
        # instructor logs every failed attempt at ERROR; we report failures ourselves, once,
        # naming the article. -v shows them.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)


for _command in (digest, batch, batch_status, log, report, export, evaluate, prompts, schema):
    _command.register(app)


def main() -> None:
    app()
