"""``summarizer eval GOLD.jsonl``: score prompt versions and backends side by side.

The table goes to stdout (or ``-o``), progress and errors to stderr. Exit codes: 0 when
the evaluation ran (articles that failed are scored as empty predictions and listed in the
report), 1 when it could not run (unreadable input, missing or stale cassette, no model),
2 for a usage error.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import SummarizerError
from ..output import write_text
from .options import BaseUrl, Model, check_output_path

if TYPE_CHECKING:
    from ..config import LLMConfig
    from ..evaluation.runner import ArticleRun, EvalConfig, EvalResult, ReplayConfig, System


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command to ``app``."""
    app.command("eval")(eval_command)


def eval_command(
    gold: Annotated[Path, typer.Argument(help="Gold annotations, JSON Lines.")],
    articles: Annotated[Path | None, typer.Option(
        help="Articles JSONL (id, text, title, ...); default: articles.jsonl beside GOLD.")] = None,
    prompt: Annotated[list[str] | None, typer.Option(
        help="A prompt version to evaluate with the LLM backend; repeat to compare.")] = None,
    backend: Annotated[list[str] | None, typer.Option(
        help="'rules' adds the offline rules backend; 'llm' the latest prompt. Repeatable.",
    )] = None,
    model: Model = None,
    base_url: BaseUrl = None,
    mode: Annotated[str | None, typer.Option(help="Structured-output mode.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Output token limit per call.")] = None,
    timeout: Annotated[float | None, typer.Option(
        help="Seconds per HTTP request (env SUMMARIZER_TIMEOUT).")] = None,
    replay: Annotated[Path | None, typer.Option(
        help="Replay recorded cassettes from this directory; no network.")] = None,
    record: Annotated[Path | None, typer.Option(
        help="Record missing cassettes into this directory (needs the model server).")] = None,
    prices: Annotated[Path | None, typer.Option(
        help="Price overrides, JSON or TOML (USD per million tokens).")] = None,
    concurrency: Annotated[int, typer.Option(
        min=1, max=64, help="Articles in flight per system (live runs only).")] = 1,
    fmt: Annotated[str, typer.Option("--format", "-f", help="md | json.")] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
) -> None:
    """Digest the gold set's articles with each system and score them side by side."""
    if fmt not in ("md", "json"):
        raise typer.BadParameter("use md or json", param_hint="--format")
    if replay is not None and record is not None:
        raise typer.BadParameter("use --replay or --record, not both", param_hint="--record")
    for name in backend or []:
        if name not in ("rules", "llm"):
            raise typer.BadParameter("use rules or llm", param_hint="--backend")
    from ..evaluation.runner import format_eval

    check_output_path(output, [str(gold), str(articles or gold.with_name("articles.jsonl"))])
    try:
        result = _run(gold, articles, prompt or [], backend or [],
                      _llm_options(model, base_url, mode, max_tokens, timeout),
                      _eval_config(_replay(replay, record), concurrency, prices))
        _write(format_eval(result, fmt), output)  # type: ignore[arg-type]
    except SummarizerError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None


def _llm_options(model: str | None, base_url: str | None, mode: str | None,
                 max_tokens: int | None, timeout: float | None) -> dict[str, Any]:
    options = {"model": model, "base_url": base_url, "mode": mode, "max_tokens": max_tokens,
               "timeout": timeout}
    return {k: v for k, v in options.items() if v is not None}


def _replay(replay: Path | None, record: Path | None) -> ReplayConfig | None:
    from ..evaluation.runner import ReplayConfig

    if replay is not None:
        return ReplayConfig(replay, "none")
    if record is not None:
        return ReplayConfig(record, "once")
    return None


def _llm_config(options: dict[str, Any], replay: ReplayConfig | None) -> LLMConfig:
    """Options win over the cassettes' endpoint.json, which wins over the environment."""
    from ..config import LLMConfig
    from ..evaluation.runner import read_endpoint

    recorded = read_endpoint(replay.directory) if replay and not replay.recording else {}
    llm = LLMConfig.from_env(**{**recorded, **options})
    if replay is not None and not replay.recording and not llm.api_key:
        llm = llm.with_(api_key="replay-no-key")
    return llm


def _systems(prompts: list[str], backends: list[str], llm: LLMConfig) -> list[System]:
    from ..evaluation.runner import llm_system, rules_system

    systems = [llm_system(p, llm) for p in prompts]
    if "llm" in backends and not prompts:
        systems.append(llm_system("digest", llm))
    if "rules" in backends:
        systems.append(rules_system())
    if not systems:
        systems.append(llm_system("digest", llm) if llm.is_configured else rules_system())
    return systems


def _progress(system: str, run: ArticleRun) -> None:
    outcome = "ok" if run.ok else f"failed ({run.error_type})"
    seconds = "" if run.latency_ms is None else f", {run.latency_ms / 1000:.1f} s"
    typer.echo(f"{system} {run.article_id}: {outcome}, {run.usage.total_tokens} tokens"
               f"{seconds}", err=True)


def _eval_config(replay: ReplayConfig | None, concurrency: int,
                 prices: Path | None) -> EvalConfig:
    from ..costs import load_prices
    from ..evaluation.runner import EvalConfig

    return EvalConfig(replay=replay, concurrency=concurrency, prices=load_prices(prices))


def _run(gold_path: Path, articles_path: Path | None, prompts: list[str], backends: list[str],
         options: dict[str, Any], config: EvalConfig) -> EvalResult:
    from ..evaluation.runner import evaluate, load_articles, load_gold, write_endpoint

    gold = load_gold(gold_path)
    articles = load_articles(articles_path or gold_path.with_name("articles.jsonl"))
    replay = config.replay
    llm = _llm_config(options, replay)
    systems = _systems(prompts, backends, llm)
    if replay is not None and replay.recording and any(s.uses_llm for s in systems):
        write_endpoint(replay.directory, llm)
    return evaluate(systems, articles, gold, config, progress=_progress)


def _write(text: str, output: Path | None) -> None:
    write_text(text, output)
    if output is not None:
        typer.echo(f"summarizer: wrote the evaluation to {output}", err=True)
