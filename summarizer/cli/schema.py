"""``summarizer schema export|check``: the JSON Schema snapshots of the output models.

Both work on ``./schemas`` (the working tree, where a checkout keeps them) unless
``--directory`` says otherwise, never inside the installed package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import SummarizerError
from .options import err, fail

schema_app = typer.Typer(help="Export or check the JSON Schema snapshots.", no_args_is_help=True)

Directory = Annotated[Path | None, typer.Option(
    help="The snapshots' directory (default: ./schemas; check: ./schemas if it exists, "
         "else the installed copy).")]


def register(app: typer.Typer) -> None:
    app.add_typer(schema_app, name="schema")


@schema_app.command("export")
def schema_export(directory: Directory = None) -> None:
    """Write schemas/*.v<SCHEMA_VERSION>.json from the models (into ./schemas by default)."""
    from ..schemas import write_snapshots

    target = directory or Path("schemas")
    try:
        paths = write_snapshots(target)
    except OSError as exc:
        raise fail(SummarizerError(f"cannot write the snapshots ({exc.strerror or exc}); "
                                   "give a writable --directory", source=str(target))) from None
    for path in paths:
        typer.echo(str(path))
    err(f"summarizer: wrote {len(paths)} schema snapshot(s) to {target.resolve()}")


@schema_app.command("check")
def schema_check(directory: Directory = None) -> None:
    """Fail when the models drifted from the snapshots."""
    from ..schemas import check_snapshots

    if directory is None and Path("schemas").is_dir():
        directory = Path("schemas")
    try:
        check_snapshots(directory)
    except SummarizerError as exc:
        raise fail(exc) from None
    typer.echo("schemas match the models")
