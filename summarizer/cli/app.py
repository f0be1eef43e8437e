"""The ``summarizer`` command: a thin client of the library.

Results go to stdout (or ``-o``), notices and errors to stderr. Exit codes: 0 ok,
1 a failure (some input or article failed), 2 a usage error. Heavy imports (openai,
instructor, trafilatura) happen inside commands so ``--help`` stays fast.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional, TextIO

import typer

from .._version import __version__
from ..errors import SummarizerError
from ..output import atomic_output

if TYPE_CHECKING:
    from ..models import Digest
    from ..pipeline import SummarizerConfig

app = typer.Typer(
    name="summarizer",
    help="Grounded, typed digests of news about cooperation between countries and companies.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
prompts_app = typer.Typer(help="List and show the versioned prompts.", no_args_is_help=True)
schema_app = typer.Typer(help="Export or check the JSON Schema snapshots.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")
app.add_typer(schema_app, name="schema")

RULES_NOTICE = (
    "summarizer: no model configured (no --model, --base-url, OPENAI_BASE_URL or "
    "OPENAI_API_KEY); using the offline rules backend."
)


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _fail(exc: SummarizerError) -> typer.Exit:
    _err(f"error: {exc}")
    return typer.Exit(1)


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


# --------------------------------------------------------------------------- digest

Inputs = Annotated[
    Optional[list[str]],  # noqa: UP045 - typer needs Optional here
    typer.Argument(help="Files, directories, URLs, JSONL files, or - for stdin."),
]
Fmt = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--format", "-f", help="json | jsonl | md (default: json for one, jsonl else)."),
]


def summarizer_config(
    backend: str, model: str | None, base_url: str | None, mode: str, prompt: str,
    temperature: float | None, max_tokens: int, timeout: float,
) -> SummarizerConfig:
    from ..config import LLMConfig
    from ..pipeline import SummarizerConfig

    if backend not in ("auto", "llm", "rules"):
        raise typer.BadParameter("use auto, llm or rules", param_hint="--backend")
    llm = LLMConfig.from_env(model=model, base_url=base_url, mode=mode, temperature=temperature,
                             max_tokens=max_tokens, timeout=timeout)
    return SummarizerConfig(backend=backend, llm=llm, prompt=prompt)  # type: ignore[arg-type]


class _Writer:
    """Streams digests: pretty JSON when there turns out to be one, JSON Lines otherwise."""

    def __init__(self, out: TextIO, fmt: str | None) -> None:
        self.out, self.fmt, self.count = out, fmt, 0
        self.pending: Digest | None = None

    def add(self, digest: Digest) -> None:
        from ..render import render

        self.count += 1
        if self.fmt is not None:
            sep = "\n---\n\n" if self.fmt == "md" and self.count > 1 else ""
            self.out.write(sep + render([digest], self.fmt))  # type: ignore[arg-type]
        elif self.pending is None and self.count == 1:
            self.pending = digest
        else:
            if self.pending is not None:
                self.out.write(render([self.pending], "jsonl"))
                self.pending = None
            self.out.write(render([digest], "jsonl"))
        self.out.flush()

    def close(self) -> None:
        from ..render import render

        if self.pending is not None:
            self.out.write(render([self.pending], "json"))


@app.command()
def digest(
    inputs: Inputs = None,
    fmt: Fmt = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here.")] = None,  # noqa: UP045
    backend: Annotated[str, typer.Option(help="auto | llm | rules.")] = "auto",
    model: Annotated[Optional[str], typer.Option(help="Model name [env SUMMARIZER_MODEL].")] = None,  # noqa: UP045
    base_url: Annotated[Optional[str], typer.Option(help="OpenAI-compatible URL [env OPENAI_BASE_URL].")] = None,  # noqa: UP045,E501
    mode: Annotated[str, typer.Option(help="auto | tools | json_schema | json_object_schema | json | md_json.")] = "auto",  # noqa: E501
    prompt: Annotated[str, typer.Option(help="Prompt id[@version], e.g. digest@v1.")] = "digest",
    temperature: Annotated[Optional[float], typer.Option(help="Override the prompt's default.")] = None,  # noqa: UP045,E501
    max_tokens: Annotated[int, typer.Option(help="Output token limit per call.")] = 2048,
    timeout: Annotated[float, typer.Option(help="Seconds per HTTP request.")] = 60.0,
    allow_private_urls: Annotated[bool, typer.Option(help="Allow URLs on private addresses.")] = False,  # noqa: E501
    glob: Annotated[Optional[str], typer.Option(help="Only these files in directories.")] = None,  # noqa: UP045
) -> None:
    """Digest articles: print one grounded digest per article."""
    if fmt not in (None, "json", "jsonl", "md"):
        raise typer.BadParameter("use json, jsonl or md", param_hint="--format")
    sources = inputs or (["-"] if not sys.stdin.isatty() else [])
    if not sources:
        raise typer.BadParameter("give at least one input, or pipe text on stdin",
                                 param_hint="INPUTS")
    from ..ingest import IngestConfig, IngestFailure, iter_articles
    from ..pipeline import Summarizer

    try:
        config = summarizer_config(backend, model, base_url, mode, prompt, temperature,
                                   max_tokens, timeout)
        summarizer = Summarizer(config)
    except SummarizerError as exc:
        raise _fail(exc) from None
    if summarizer.backend == "rules" and backend == "auto":
        _err(RULES_NOTICE)
    failures = 0
    ingest = IngestConfig(allow_private_urls=allow_private_urls, glob=glob)
    with summarizer, atomic_output(output) as out:
        writer = _Writer(out, fmt)
        for item in iter_articles(sources, ingest):
            if isinstance(item, IngestFailure):
                failures += 1
                _err(f"error: {item.source}: {item.message}")
                continue
            try:
                writer.add(summarizer.summarize(item))
            except SummarizerError as exc:
                failures += 1
                _err(f"error: {exc}")
        writer.close()
    if failures:
        _err(f"summarizer: {failures} input(s) failed; {writer.count} digest(s) written")
        raise typer.Exit(1)


# --------------------------------------------------------------------------- prompts, schema


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
        raise _fail(exc) from None


@schema_app.command("export")
def schema_export(
    directory: Annotated[Optional[Path], typer.Option(help="Where to write.")] = None,  # noqa: UP045
) -> None:
    """Regenerate schemas/*.v<SCHEMA_VERSION>.json from the models."""
    from ..schemas import write_snapshots

    for path in write_snapshots(directory):
        typer.echo(str(path))


@schema_app.command("check")
def schema_check() -> None:
    """Fail when the models drifted from the committed snapshot."""
    from ..schemas import check_snapshots

    try:
        check_snapshots()
    except SummarizerError as exc:
        raise _fail(exc) from None
    typer.echo("schemas match the models")


def _register_commands() -> None:
    from .batch import register as register_batch
    from .batch_status import register as register_batch_status
    from .eval import register as register_eval
    from .export import register as register_export
    from .report import register as register_report

    register_report(app)
    register_eval(app)
    register_batch(app)
    register_export(app)
    register_batch_status(app)


_register_commands()


def main() -> None:
    app()
