"""Run systems over a gold set and score them: the library behind ``summarizer eval``.

A *system* is a named :class:`~summarizer.pipeline.SummarizerConfig` (the rules backend, or
the LLM backend with a prompt version and a model). :func:`aevaluate` digests every gold
article with every system, one article at a time (or ``concurrency`` at a time when nothing
is recorded or replayed), turns a failed article into an empty prediction plus a recorded
error, and scores each system with :func:`summarizer.evaluation.scoring.score_all`. Per
article it keeps
tokens, estimated cost (``summarizer.costs``; a local model not in the price table is free)
and latency.

Replay: with ``EvalConfig.replay`` every LLM call for one (system, article) pair goes through
its own vcrpy cassette, ``<dir>/<system>/<article id>.yaml``, matched on method, URL and
request body (like the test suite's cassettes). ``record_mode="none"`` replays without any
network call; ``"once"`` records the cassettes that are missing and replays the others.
vcrpy records no timings, so recording also writes ``<article id>.meta.json`` beside each
cassette with the measured latency, and a replay reports that recorded latency.
``<dir>/endpoint.json`` names the endpoint, model and mode the cassettes were recorded
against (:func:`write_endpoint`, :func:`read_endpoint`). vcrpy is imported only when
replaying or recording.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from ..article import Article
from ..cassettes import StaleWatch, vcr_options
from ..config import LLMConfig
from ..costs import PriceTable
from ..errors import ConfigError, InputError, SummarizerError
from ..llm.events import observe_calls
from ..models import Digest, Usage
from ..pipeline import Summarizer, SummarizerConfig
from .format import format_report
from .match import MatchConfig
from .scoring import EvalReport, score_all

log = logging.getLogger("summarizer.evaluation.runner")

RecordMode = Literal["none", "once", "new_episodes", "all"]
ProgressFn = Callable[[str, "ArticleRun"], None]
ENDPOINT_FILE = "endpoint.json"


# --------------------------------------------------------------------------- configuration


@dataclass(frozen=True)
class System:
    """One thing to evaluate: a name for the report and how it digests an article."""

    name: str
    config: SummarizerConfig

    @property
    def uses_llm(self) -> bool:
        return self.config.resolved_backend() == "llm"


def llm_system(prompt: str, llm: LLMConfig, name: str | None = None) -> System:
    """The LLM backend with one prompt version (``digest@v2``); named after the prompt."""
    return System(name or prompt, SummarizerConfig(backend="llm", llm=llm, prompt=prompt))


def rules_system(name: str = "rules") -> System:
    """The offline rules backend."""
    return System(name, SummarizerConfig(backend="rules"))


@dataclass(frozen=True)
class ReplayConfig:
    """Where the cassettes live and whether a run may record new ones."""

    directory: Path
    record_mode: RecordMode = "none"

    @property
    def recording(self) -> bool:
        return self.record_mode != "none"


@dataclass(frozen=True)
class EvalConfig:
    """How to run and score: matcher thresholds, replay, concurrency and prices."""

    match: MatchConfig = field(default_factory=MatchConfig)
    replay: ReplayConfig | None = None
    concurrency: int = 1
    """Articles in flight per system; replay and recording always run one at a time."""
    prices: PriceTable = field(default_factory=PriceTable)
    """USD per million tokens per model (``summarizer.costs.load_prices`` reads overrides)."""

    def __post_init__(self) -> None:
        if not 1 <= self.concurrency <= 64:
            raise ConfigError("eval concurrency must be between 1 and 64")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class ArticleRun:
    """What one system produced for one article, and what it cost."""

    article_id: str
    digest: Digest | None
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None
    latency_ms: float | None = None
    attempts: int = 0
    error: str | None = None
    error_type: str | None = None

    @property
    def ok(self) -> bool:
        return self.digest is not None


@dataclass(frozen=True)
class SystemResult:
    """One system's runs and its scores."""

    name: str
    runs: tuple[ArticleRun, ...]
    report: EvalReport

    @property
    def usage(self) -> Usage:
        return sum((r.usage for r in self.runs), Usage())

    @property
    def cost_usd(self) -> float | None:
        costs = [r.cost_usd for r in self.runs if r.cost_usd is not None]
        return sum(costs) if costs else None

    @property
    def failures(self) -> tuple[ArticleRun, ...]:
        return tuple(r for r in self.runs if not r.ok)


@dataclass(frozen=True)
class EvalResult:
    """Every system's result, in the order the systems were given."""

    systems: dict[str, SystemResult]

    def reports(self) -> dict[str, EvalReport]:
        return {name: s.report for name, s in self.systems.items()}


# --------------------------------------------------------------------------- inputs


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file (blank lines skipped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read ({exc.strerror}); check the path",
                         source=str(path)) from None
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number} is not JSON ({exc.msg}); fix or remove it",
                             source=str(path)) from None
        if not isinstance(row, dict):
            raise InputError(f"line {number} is not a JSON object", source=str(path))
        rows.append(row)
    return rows


def load_gold(path: Path) -> list[dict[str, Any]]:
    """Gold annotations, one per line (see scoring for the fields)."""
    gold = read_jsonl(path)
    if not gold:
        raise InputError("no gold annotations; the file is empty", source=str(path))
    return gold


def load_articles(path: Path) -> list[Article]:
    """Articles from JSONL lines with ``id`` and ``text`` (``title``, ``source``, ``url``,
    ``published`` optional), as in the dev set's ``articles.jsonl``."""
    articles: list[Article] = []
    for number, row in enumerate(read_jsonl(path), 1):
        if not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            raise InputError(f"line {number} needs a string 'id' and a string 'text'",
                             source=str(path))
        meta = {k: row[k] for k in ("title", "source", "url", "published")
                if isinstance(row.get(k), str)}
        articles.append(Article(text=row["text"], id=row["id"], origin=str(path), **meta))
    return articles


def select_articles(articles: Sequence[Article], gold: Iterable[Mapping[str, Any]]
                    ) -> list[Article]:
    """The articles the gold set annotates, in gold order; every gold id must have one."""
    by_id = {a.key: a for a in articles}
    ids = [str(g.get("id")) for g in gold]
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise InputError(f"no article for gold id(s) {', '.join(missing)}; pass the articles "
                         "file that holds them (--articles)")
    return [by_id[i] for i in ids]


# --------------------------------------------------------------------------- replay


def slug(name: str) -> str:
    """A file-name-safe form of a system name or article id (``digest@v1`` → ``digest_v1``)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")
    if not cleaned:
        raise ConfigError(f"cannot make a file name from {name!r}; use letters or digits")
    return cleaned


def cassette_path(directory: Path, system: str, article_id: str) -> Path:
    return directory / slug(system) / f"{slug(article_id)}.yaml"


def _meta_path(cassette: Path) -> Path:
    return cassette.with_suffix(".meta.json")


def write_endpoint(directory: Path, llm: LLMConfig, server: str | None = None) -> Path:
    """Record which endpoint, model and mode the cassettes in ``directory`` came from.

    ``server`` describes the server software; without it an earlier note about the same
    endpoint is kept.
    """
    data: dict[str, Any] = {"base_url": llm.base_url, "model": llm.resolved_model(),
                            "mode": llm.resolved_mode(), "max_tokens": llm.max_tokens}
    path = directory / ENDPOINT_FILE
    earlier = _read_json(path) if path.is_file() else {}
    if server is None and all(earlier.get(k) == v for k, v in data.items()):
        server = earlier.get("server")
    data |= {"server": server or "unknown", "recorded": datetime.now(UTC).date().isoformat()}
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def read_endpoint(directory: Path) -> dict[str, Any]:
    """The LLMConfig fields stored by :func:`write_endpoint` ({} when there is none)."""
    path = directory / ENDPOINT_FILE
    if not path.is_file():
        return {}
    data = _read_json(path)
    return {k: data[k] for k in ("base_url", "model", "mode", "max_tokens") if k in data}


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read ({exc}); fix or delete the file", source=str(path)) from None
    if not isinstance(data, dict):
        raise InputError("is not a JSON object; fix or delete the file", source=str(path))
    return data


def missing_cassettes(directory: Path, systems: Iterable[System],
                      articles: Iterable[Article]) -> list[Path]:
    """Cassettes a replay of these LLM systems over these articles would need but lacks."""
    ids = [a.key for a in articles]
    return [p for s in systems if s.uses_llm for i in ids
            if not (p := cassette_path(directory, s.name, i)).is_file()]


def _vcr(mode: RecordMode) -> Any:
    try:
        import vcr
    except ImportError:
        raise ConfigError("replaying or recording cassettes needs vcrpy; "
                          "pip install 'summarizer[eval]'") from None
    return vcr.VCR(record_mode=mode, **vcr_options())


@dataclass
class _Tape:
    """What a cassette context tells the caller once the article is done."""

    path: Path | None = None
    recorded: bool = False
    recorded_latency_ms: float | None = None


@asynccontextmanager
async def _cassette(replay: ReplayConfig | None, system: System,
                    article_id: str) -> AsyncIterator[_Tape]:
    if replay is None or not system.uses_llm:
        yield _Tape()
        return
    path = cassette_path(replay.directory, system.name, article_id)
    tape = _Tape(path=path)
    with _vcr(replay.record_mode).use_cassette(str(path)) as cassette:
        yield tape
        tape.recorded = bool(cassette.dirty)
    if not tape.recorded:
        tape.recorded_latency_ms = _read_latency(path)


def _read_latency(cassette: Path) -> float | None:
    meta = _meta_path(cassette)
    if not meta.is_file():
        return None
    value = _read_json(meta).get("latency_ms")
    return float(value) if isinstance(value, int | float) else None


def _write_meta(cassette: Path, run: ArticleRun) -> None:
    data = {"latency_ms": run.latency_ms, "ok": run.ok, "error_type": run.error_type,
            "recorded_at": datetime.now(UTC).isoformat(timespec="seconds")}
    _meta_path(cassette).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _stale_error(path: Path | None, system: str) -> InputError:
    return InputError(
        f"the cassette has no recorded answer for this request of {system!r} (the prompt, "
        "model or settings changed since it was recorded); replay with the recorded settings "
        "(see endpoint.json) or re-record: delete the cassette and run with --record",
        source=str(path))


# --------------------------------------------------------------------------- running


def _usage_of(digest: Digest | None, exc: BaseException | None) -> tuple[Usage, int]:
    if digest is not None:
        return digest.provenance.usage, digest.provenance.attempts
    return getattr(exc, "usage", None) or Usage(), int(getattr(exc, "attempts", 0) or 0)


@dataclass(frozen=True)
class _Runner:
    system: System
    summarizer: Summarizer
    config: EvalConfig

    def _run(self, article: Article, digest: Digest | None, exc: SummarizerError | None,
             latency_ms: float) -> ArticleRun:
        usage, attempts = _usage_of(digest, exc)
        return ArticleRun(article_id=article.key, digest=digest, usage=usage,
                          cost_usd=self.summarizer.cost(usage),
                          latency_ms=round(latency_ms, 1), attempts=attempts,
                          error=str(exc) if exc else None,
                          error_type=type(exc).__name__ if exc else None)

    async def _attempt(self, article: Article, tape: _Tape) -> ArticleRun:
        started = time.perf_counter()
        digest: Digest | None = None
        error: SummarizerError | None = None
        watch = StaleWatch()
        with observe_calls(watch):
            try:
                digest = await self.summarizer.asummarize(article)
            except SummarizerError as exc:
                error = exc
        if watch.stale:
            raise _stale_error(tape.path, self.system.name)
        return self._run(article, digest, error, (time.perf_counter() - started) * 1000)

    async def run(self, article: Article) -> ArticleRun:
        async with _cassette(self.config.replay, self.system, article.key) as tape:
            run = await self._attempt(article, tape)
        if tape.recorded and tape.path is not None:
            _write_meta(tape.path, run)
        elif tape.path is not None:
            run = _with_latency(run, tape.recorded_latency_ms)
        _log_run(self.system.name, run)
        return run


def _with_latency(run: ArticleRun, latency_ms: float | None) -> ArticleRun:
    return replace(run, latency_ms=latency_ms)


def _log_run(system: str, run: ArticleRun) -> None:
    if run.ok:
        log.info("%s %s: ok, %d tokens, %s ms", system, run.article_id, run.usage.total_tokens,
                 run.latency_ms)
    else:
        log.warning("%s %s: failed (%s): %s", system, run.article_id, run.error_type, run.error)


async def _run_system(system: System, articles: Sequence[Article], config: EvalConfig,
                      progress: ProgressFn | None) -> list[ArticleRun]:
    width = 1 if config.replay is not None else config.concurrency
    gate = asyncio.Semaphore(width)
    async with Summarizer(replace(system.config, prices=config.prices)) as summarizer:
        runner = _Runner(system, summarizer, config)

        async def one(article: Article) -> ArticleRun:
            async with gate:
                run = await runner.run(article)
            if progress is not None:
                progress(system.name, run)
            return run

        return list(await asyncio.gather(*(one(a) for a in articles)))


def _check_systems(systems: Sequence[System]) -> None:
    if not systems:
        raise ConfigError("no systems to evaluate; give at least one --prompt or --backend")
    names = [s.name for s in systems]
    doubles = sorted({n for n in names if names.count(n) > 1})
    if doubles:
        raise ConfigError(f"system name(s) {', '.join(doubles)} given twice; name each once")


def _check_replay(config: EvalConfig, systems: Sequence[System],
                  articles: Sequence[Article]) -> None:
    replay = config.replay
    if replay is None or replay.recording:
        return
    missing = missing_cassettes(replay.directory, systems, articles)
    if missing:
        shown = ", ".join(str(p) for p in missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise InputError(f"{len(missing)} cassette(s) missing for this replay: {shown}; "
                         "record them first with --record (a model server is needed)",
                         source=str(replay.directory))


async def aevaluate(systems: Sequence[System], articles: Sequence[Article],
                    gold: Sequence[Mapping[str, Any]], config: EvalConfig | None = None,
                    progress: ProgressFn | None = None) -> EvalResult:
    """Digest the gold articles with every system and score each against the gold."""
    config = config or EvalConfig()
    _check_systems(systems)
    chosen = select_articles(articles, gold)
    _check_replay(config, systems, chosen)
    results: dict[str, SystemResult] = {}
    for system in systems:
        runs = await _run_system(system, chosen, config, progress)
        preds = {r.article_id: r.digest for r in runs if r.digest is not None}
        report = score_all(preds, gold, config.match)
        results[system.name] = SystemResult(system.name, tuple(runs), report)
    return EvalResult(results)


def evaluate(systems: Sequence[System], articles: Sequence[Article],
             gold: Sequence[Mapping[str, Any]], config: EvalConfig | None = None,
             progress: ProgressFn | None = None) -> EvalResult:
    """The sync face of :func:`aevaluate` (not inside a running event loop)."""
    return asyncio.run(aevaluate(systems, articles, gold, config, progress))


# --------------------------------------------------------------------------- reporting


def _seconds(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:.1f}"


def _usd(value: float | None) -> str:
    return "–" if value is None else f"${value:.4f}"


def _usage_rows(result: EvalResult) -> list[str]:
    rows = ["## Tokens, cost and latency", "",
            "Tokens are summed over every call (re-asks included); cost is estimated from the "
            "price table (a local model it does not name is free); latency is the wall time "
            "per article, as recorded when replaying cassettes.", "",
            "| system | ok / articles | prompt tokens | completion tokens | tokens per article "
            "| cost | mean latency (s) |", "|---|---|---|---|---|---|---|"]
    for name, s in result.systems.items():
        n = len(s.runs)
        times = [r.latency_ms for r in s.runs if r.latency_ms is not None]
        mean = sum(times) / len(times) if times else None
        rows.append(f"| {name} | {n - len(s.failures)} / {n} | {s.usage.prompt_tokens} | "
                    f"{s.usage.completion_tokens} | {s.usage.total_tokens / n:.0f} | "
                    f"{_usd(s.cost_usd)} | {_seconds(mean)} |")
    return [*rows, ""]


def _per_article_rows(result: EvalResult) -> list[str]:
    names = list(result.systems)
    rows = ["### Per article: tokens / latency (s) / outcome", "",
            "| article | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    by_system = {n: {r.article_id: r for r in s.runs} for n, s in result.systems.items()}
    for article_id in dict.fromkeys(r.article_id for s in result.systems.values()
                                    for r in s.runs):
        cells = []
        for n in names:
            run = by_system[n].get(article_id)
            outcome = "–" if run is None else ("ok" if run.ok else run.error_type or "failed")
            cells.append("–" if run is None else
                         f"{run.usage.total_tokens} / {_seconds(run.latency_ms)} / {outcome}")
        rows.append(f"| {article_id} | " + " | ".join(cells) + " |")
    return [*rows, ""]


def _error_rows(result: EvalResult) -> list[str]:
    rows = [f"- {name} `{r.article_id}`: {r.error_type}: {' '.join((r.error or '').split())}"
            for name, s in result.systems.items() for r in s.failures]
    return ["### Failures (scored as empty predictions)", "", *rows, ""] if rows else []


def _markdown(result: EvalResult) -> str:
    scores = format_report(result.reports(), "md")
    extra = "\n".join([*_usage_rows(result), *_per_article_rows(result), *_error_rows(result)])
    marker = "## Per-article differences"
    head, found, tail = scores.partition(marker)
    if not found:
        return scores.rstrip("\n") + "\n\n" + extra + "\n"
    return head + extra + "\n" + marker + tail


def _run_json(run: ArticleRun) -> dict[str, Any]:
    return {"id": run.article_id, "ok": run.ok, "usage": run.usage.model_dump(),
            "cost_usd": run.cost_usd, "latency_ms": run.latency_ms, "attempts": run.attempts,
            "error_type": run.error_type, "error": run.error}


def _json(result: EvalResult) -> str:
    payload = json.loads(format_report(result.reports(), "json"))
    for name, s in result.systems.items():
        payload["systems"][name]["usage"] = s.usage.model_dump()
        payload["systems"][name]["cost_usd"] = s.cost_usd
        payload["systems"][name]["failures"] = len(s.failures)
        payload["systems"][name]["runs"] = [_run_json(r) for r in s.runs]
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def format_eval(result: EvalResult, fmt: Literal["md", "json"] = "md") -> str:
    """The scores side by side (``scoring.format_report``) plus tokens, cost, latency and
    failures per system and per article."""
    if fmt == "md":
        return _markdown(result)
    if fmt == "json":
        return _json(result)
    raise ConfigError(f"unknown report format {fmt!r}; use 'md' or 'json'")
