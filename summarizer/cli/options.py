"""The options several commands share, declared once, and the helpers every command uses.

Each option is a reusable ``Annotated`` type (``model: Model = None``). A bad value is a
usage error (exit 2) caught while the command line is parsed, before any work.
Help texts avoid square brackets: typer's rich markup would eat them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..config import MODES
from ..errors import SummarizerError

if TYPE_CHECKING:
    from ..ingest import IngestConfig
    from ..pipeline import SummarizerConfig

DEFAULT_PROMPT = "digest"
RULES_NOTICE = (
    "summarizer: no model configured (no --model, --base-url, OPENAI_BASE_URL or "
    "OPENAI_API_KEY); using the offline rules backend."
)


def _check_mode(value: str) -> str:
    if value not in MODES:
        raise typer.BadParameter(f"use one of: {', '.join(MODES)}")
    return value


def _check_backend(value: str) -> str:
    if value not in ("auto", "llm", "rules"):
        raise typer.BadParameter("use auto, llm or rules")
    return value


def _check_prompt(value: str) -> str:
    from ..prompts import get_prompt

    try:
        get_prompt(value)
    except SummarizerError as exc:
        raise typer.BadParameter(f"{exc}; see `summarizer prompts list`") from None
    return value


Backend = Annotated[str, typer.Option(help="auto | llm | rules.", callback=_check_backend)]
Model = Annotated[str | None, typer.Option(help="Model name (env SUMMARIZER_MODEL).")]
BaseUrl = Annotated[str | None, typer.Option(help="OpenAI-compatible URL (env OPENAI_BASE_URL).")]
Mode = Annotated[str, typer.Option(help=f"Structured-output mode: {' | '.join(MODES)}.",
                                   callback=_check_mode)]
Prompt = Annotated[str, typer.Option(help="Prompt id or id@version, e.g. digest@v1.",
                                     callback=_check_prompt)]
Temperature = Annotated[float | None, typer.Option(help="Override the prompt's default.")]
MaxTokens = Annotated[int, typer.Option(min=1, help="Output token limit per call.")]
Timeout = Annotated[float, typer.Option(min=0.001, help="Seconds per HTTP request.")]
AllowPrivateUrls = Annotated[bool, typer.Option(help="Allow URLs on private addresses.")]
Glob = Annotated[str | None, typer.Option(help="Only these files in directories.")]
ContextWindow = Annotated[int | None, typer.Option(
    min=256, help="The model's context window in tokens (known for OpenAI models; 4096 for "
                  "other models on a local server). Every request is fitted to it.")]
Reask = Annotated[bool, typer.Option(
    "--reask/--no-reask", help="Re-ask once about dropped parties, instruments or targets "
                               "whose quotes are not in the article.")]
Prices = Annotated[Path | None, typer.Option(
    help="JSON or TOML price overrides, USD per 1M tokens (input, output, cached_input, "
         "batch_input, batch_output).")]
MaxBytes = Annotated[int, typer.Option(
    min=1, help="Size limit of one input file, stdin or URL body (of one line for JSONL).")]
MAX_BYTES = 10_000_000


def err(message: str) -> None:
    typer.echo(message, err=True)


def fail(exc: SummarizerError) -> typer.Exit:
    """Print ``error: ...`` (one line) and return the Exit (code 1) to raise."""
    err(f"error: {exc}")
    return typer.Exit(1)


def check_output_path(output: Path | None, inputs: list[str]) -> None:
    """Refuse (exit 1, before any work) an output that cannot be written or is an input."""
    from ..output import check_output

    try:
        check_output(output, inputs)
    except SummarizerError as exc:
        raise fail(exc) from None


def ingest_config(allow_private_urls: bool, glob: str | None, max_bytes: int) -> IngestConfig:
    from ..ingest import IngestConfig

    return IngestConfig(allow_private_urls=allow_private_urls, glob=glob, max_bytes=max_bytes)


def summarizer_config(
    backend: str, model: str | None, base_url: str | None, mode: str, prompt: str,
    temperature: float | None, max_tokens: int, timeout: float, *,
    context_window: int | None = None, reask: bool = True, prices: Path | None = None,
) -> SummarizerConfig:
    """The library configuration for the shared model options; notices on stderr when the
    offline rules backend is picked, and when it ignores ``--prompt``."""
    from ..chunking import ChunkConfig
    from ..config import LLMConfig
    from ..costs import load_prices
    from ..pipeline import SummarizerConfig

    llm = LLMConfig.from_env(model=model, base_url=base_url, mode=mode, temperature=temperature,
                             max_tokens=max_tokens, timeout=timeout, grounding_reask=reask)
    config = SummarizerConfig(
        backend=backend, llm=llm, prompt=prompt, prices=load_prices(prices),  # type: ignore[arg-type]
        chunking=ChunkConfig(context_window=context_window))
    if config.resolved_backend() == "rules":
        if backend == "auto":
            err(RULES_NOTICE)
        if prompt != DEFAULT_PROMPT:
            err(f"summarizer: --prompt {prompt} is ignored: the rules backend uses no prompt.")
    return config
