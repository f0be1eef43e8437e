"""Scale-out on Ray Data: the batch engine in every worker of a Ray cluster.

Optional (``pip install 'summarizer[ray]'``); ``ray`` and ``pyarrow`` are imported only when
used, so the rest of summarizer never needs them. :class:`Extractor` is the map step::

    ds = ray.data.read_json("articles.jsonl")
    out = ds.map_batches(Extractor, fn_constructor_kwargs={"job": job},
                         compute=ray.data.ActorPoolStrategy(size=4),
                         batch_format="pyarrow", batch_size=job.concurrency)

or ``digest_dataset(ds, job, workers=4)``, which also starts the shared rate limiter.

Rows in: the fields of a JSONL article (``text``; ``id``, ``title``, ``source``, ``url``,
``published``), or ``article``: a :class:`~summarizer.article.Article` as JSON (what
``summarizer batch --engine ray`` stages, cleaned-text offsets included). Every other
column passes through unchanged (``seq``, your own keys; ``id`` too).

Rows out: one per row in, in the same order, with the :func:`output_schema` columns:
``status`` (done | failed), ``cached``, ``digest`` (the digest JSON), key fields
(``headline``, ``one_line``, ``parties``, ``sectors``), ``error`` (null or
``{kind, message}``), ``usage``, ``requests``, ``cost_usd``, ``article_id``, ``origin``,
``run_id``. A failed article is a row with its reason; nothing is raised.

Each worker builds its :class:`~summarizer.batch.engine.ArticleEngine` lazily, on the
event loop Ray runs the async ``__call__`` on; articles of a batch are digested
concurrently (at most ``job.concurrency`` at once per worker).

Rate limits (``job.limits``) hold across the cluster: one named actor
(:class:`LimiterActor`, namespace ``summarizer``) keeps the run's
:class:`~summarizer.llm.ratelimit.Limiter` and hands out delays; each worker's transport waits
them out locally (:class:`RemoteLimiter`).

Store: each worker opens ``job.store`` (default: the user data dir of its node), so on
one machine every worker shares the cache and the ledger; on a multi-node cluster each
node keeps its own, and resuming relies on Ray Data's checkpoints.

:func:`run_ray_batch` is ``summarizer batch --engine ray``: it stages the inputs beside the
output (``.<name>.ray/``), runs the extractor under Ray Data's checkpointing on the
``seq`` column, and writes the same output file as the local engine.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..article import Article
from ..errors import ConfigError, InputError, SummarizerError
from ..output import open_output
from ..pipeline import Summarizer
from ..store import Store
from .engine import ArticleEngine, JobConfig
from .ray_limiter import HELD, RemoteLimiter, limiter_actor, limiter_name
from .ray_rows import (
    SEQ,
    Dataset,
    Row,
    Table,
    _as_table,
    _output_table,
    _ray,
    failed_row,
    outcome_row,
    output_line,
    row_article,
    row_outcome,
)
from .runner import BatchConfig, BatchSummary

if TYPE_CHECKING:

    from ..ingest import IngestFailure
    from .runner import Item

log = logging.getLogger("summarizer.batch.ray_data")

# --------------------------------------------------------------------------- the extractor


class Extractor:
    """The Ray Data map step (see the module docstring). Holds configuration only; the
    engine, client and store connection are built in the worker on first use."""

    def __init__(
        self, job: JobConfig, *, run_id: str | None = None, limiter: str | None = None
    ) -> None:
        self.job = replace(job, processes=0)  # Ray is the process pool
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.limiter = limiter
        self._engine: ArticleEngine | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_engine": None}

    async def __call__(self, batch: Any) -> Table:
        table = _as_table(batch)
        engine = self._started()
        rows = await asyncio.gather(*(self._one(engine, row) for row in table.to_pylist()))
        return _output_table(table, rows)

    def _started(self) -> ArticleEngine:
        if self._engine is None:
            engine = ArticleEngine(self.job, run_id=self.run_id, limiter=self._limiter())
            engine.start()
            self._engine = engine
        return self._engine

    def _limiter(self) -> RemoteLimiter | None:
        """The cluster's one rate limit, when the job has one (the rules backend has none)."""
        limits = self.job.limits
        if self.job.summarizer.resolved_backend() == "rules" or not limits.active:
            return None
        return RemoteLimiter(limiter_actor(limits, self.limiter))

    async def _one(self, engine: ArticleEngine, row: Row) -> Row:
        try:
            article = row_article(row)
        except InputError as exc:
            key = None if row.get("id") is None else str(row["id"])
            origin = str(exc.source or "<row>")
            return failed_row(key, origin, "bad_input", str(exc), self.run_id)
        try:
            outcome = await engine.process(article)
        except Exception as exc:  # the store, or a bug: this row fails, the others go on
            log.exception("%s: unexpected error", article.label)
            message = f"{article.label}: internal error ({type(exc).__name__}: {exc})"
            return failed_row(article.key, article.origin, "internal", message, self.run_id)
        return outcome_row(outcome, article.origin, self.run_id)


def digest_dataset(
    ds: Dataset,
    job: JobConfig,
    *,
    workers: int = 2,
    run_id: str | None = None,
    limiter: str | None = None,
    batch_size: int | None = None,
    num_cpus: float | None = None,
) -> Dataset:
    """``ds`` digested by a pool of ``workers`` :class:`Extractor` actors. The driver
    creates (and keeps) the shared rate-limit actor first when ``job.limits`` are set.

    Each worker reserves ``num_cpus`` logical CPUs: by default half a CPU with a model
    (it mostly waits on HTTP; the rest is left to reading, checkpoint filtering and
    writing, which otherwise queue behind it), a whole one for the rules backend."""
    ray = _ray()
    if job.limits.active:
        name = limiter or limiter_name(job.limits)
        HELD[name] = limiter_actor(job.limits, name)
    if num_cpus is None:
        num_cpus = 1.0 if job.summarizer.resolved_backend() == "rules" else 0.5
    return ds.map_batches(
        Extractor, fn_constructor_kwargs={"job": job, "run_id": run_id, "limiter": limiter},
        compute=ray.data.ActorPoolStrategy(size=workers), batch_format="pyarrow",
        batch_size=batch_size or job.concurrency, num_cpus=num_cpus)


def enable_checkpoints(ds: Dataset, path: str | Path, *, id_column: str = "id") -> Dataset:
    """Resume ``ds`` through Ray Data's checkpoints: its ``write_*`` records the
    ``id_column`` values of every block written under ``path``, and a rerun of the same
    pipeline reads past them. The ids must be unique and reach the output unchanged (the
    extractor passes them through). ``path`` must be visible to every node."""
    from ray.data.checkpoint import CheckpointConfig  # type: ignore[import-not-found, unused-ignore]

    ds.context.checkpoint_config = CheckpointConfig(
        id_column=id_column, checkpoint_path=str(path), delete_checkpoint_on_success=False)
    return ds


# --------------------------------------------------------------------------- the batch run


@dataclass(frozen=True)
class RayRunConfig:
    """Where and how ``summarizer batch --engine ray`` runs."""

    address: str | None = None
    """A cluster (``ray.init(address=...)``); None: a local Ray with ``num_cpus``."""
    num_cpus: int = 4
    """Logical CPUs of a local Ray (more than the cores: the workers mostly wait)."""
    workers: int = 2
    block_rows: int | None = None
    """Articles per staged block, the unit of checkpointing (default 4×concurrency, ≥16)."""
    progress: bool = False
    quiet: bool = False
    """Keep instructor's per-attempt errors out of worker logs (the ledger has them)."""

    def rows_per_block(self, job: JobConfig) -> int:
        return self.block_rows or max(16, 4 * job.concurrency)


@dataclass(frozen=True)
class _Work:
    """The run's working directory beside the output; removed once the output is done."""

    root: Path

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    @property
    def parts(self) -> Path:
        return self.root / "parts"

    @property
    def checkpoint(self) -> Path:
        return self.root / "checkpoint"

    @property
    def failures(self) -> Path:
        return self.root / "failures.jsonl"

    @property
    def fingerprint(self) -> Path:
        return self.root / "fingerprint"


@dataclass(frozen=True)
class _Staged:
    total: int
    articles: int
    fingerprint: str


def run_ray_batch(
    inputs: Sequence[str], config: BatchConfig, ray_config: RayRunConfig | None = None
) -> BatchSummary:
    """:func:`summarizer.batch.runner.run_batch` on Ray: the same output file, one line per input
    in input order; a rerun after a crash resumes from Ray Data's checkpoints."""
    from ..ingest import iter_articles

    ray_config = ray_config or RayRunConfig()
    started = _connect(ray_config)
    if ray_config.quiet:
        _quiet_driver()
    try:
        items = iter_articles(list(inputs), config.ingest)
        return run_ray_items(items, config, ray_config)
    finally:
        if started:
            HELD.clear()
            _ray().shutdown()


def _connect(ray_config: RayRunConfig) -> bool:
    """Start or join Ray unless this process already did; True when we started it."""
    ray = _ray()
    if ray.is_initialized():
        return False
    where: dict[str, Any] = ({"address": ray_config.address} if ray_config.address
                             else {"num_cpus": ray_config.num_cpus})
    if ray_config.quiet:
        where["runtime_env"] = {"worker_process_setup_hook": quiet_worker}
    level = logging.ERROR if ray_config.quiet else logging.WARNING
    try:
        ray.init(include_dashboard=False, logging_level=level, **where)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise ConfigError(f"cannot start or reach Ray ({exc}); check --ray-address",
                          source=ray_config.address) from None
    return True


def _quiet_driver() -> None:
    """Ray Data's console lines at ERROR only; its log files in the Ray session keep all."""
    for handler in logging.getLogger("ray.data").handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setLevel(logging.ERROR)


def quiet_worker() -> None:
    """Ray worker set-up for the CLI: instructor logs every failed attempt at ERROR; a
    batch counts them in its summary and the ledger instead (as the local engine does)."""
    logging.getLogger("instructor").setLevel(logging.CRITICAL)


def run_ray_items(
    items: Iterable[Item], config: BatchConfig, ray_config: RayRunConfig
) -> BatchSummary:
    """:func:`run_ray_batch` over articles (and ingest failures) already being read."""
    run_id = uuid.uuid4().hex[:12]
    started = time.perf_counter()
    work = _prepare(config.output)
    job = config.job
    staged = _stage(items, work, job, run_id, ray_config.rows_per_block(job))
    model = Summarizer(job.summarizer).identity.model
    summary = BatchSummary(run_id, config.output, model=model)
    with Store.open(job.store) as store:
        store.start_run(run_id, _describe(config, ray_config))
        try:
            if staged.articles:
                _execute(work, job, ray_config, run_id)
            _assemble(work, staged.total, config.output, summary)
        finally:
            summary.seconds = time.perf_counter() - started
            store.finish_run(run_id, summary.as_dict())
    shutil.rmtree(work.root, ignore_errors=True)
    return summary


def _prepare(output: Path) -> _Work:
    work = _Work(output.with_name(f".{output.name}.ray"))
    try:
        work.root.mkdir(exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write the output ({exc.strerror}); check that the "
                          "directory exists and is writable", source=str(output)) from None
    return work


def _describe(config: BatchConfig, ray_config: RayRunConfig) -> dict[str, Any]:
    """What the runs table records (never the API key)."""
    return {"output": str(config.output), "engine": "ray", "address": ray_config.address,
            "workers": ray_config.workers, **config.job.describe()}


# ------------------------------------------------------------- staging


class _Blocks:
    """Staged article rows, ``size`` a file: Ray reads each file as one block."""

    def __init__(self, directory: Path, size: int) -> None:
        self.directory = directory
        self.size = size
        self.files = 0
        self.rows = 0
        self._lines: list[str] = []

    def add(self, line: str) -> None:
        self._lines.append(line)
        self.rows += 1
        if len(self._lines) >= self.size:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            path = self.directory / f"{self.files:06d}.jsonl"
            path.write_text("\n".join(self._lines) + "\n", encoding="utf-8")
            self.files += 1
            self._lines = []


def _stage(items: Iterable[Item], work: _Work, job: JobConfig, run_id: str,
           size: int) -> _Staged:
    """Number every input (``seq``), articles to block files, failures to their own file;
    streamed. A changed input or job discards the checkpoints of an earlier run."""
    shutil.rmtree(work.inputs, ignore_errors=True)
    work.inputs.mkdir(parents=True)
    blocks = _Blocks(work.inputs, size)
    seed = {"identity": asdict(Summarizer(job.summarizer).identity),
            "retry_failed": job.retry_failed}
    sha = hashlib.sha256(json.dumps(seed, sort_keys=True).encode())
    total = 0
    with work.failures.open("w", encoding="utf-8") as failures:
        for seq, item in enumerate(items):
            sha.update(_stage_one(seq, item, blocks, failures, run_id).encode())
            total = seq + 1
    blocks.flush()
    staged = _Staged(total, blocks.rows, sha.hexdigest())
    _reset_if_changed(work, staged.fingerprint)
    return staged


def _stage_one(seq: int, item: Item, blocks: _Blocks, failures: TextIO, run_id: str) -> str:
    """Stage one input; what identifies it (for the fingerprint)."""
    if isinstance(item, Article):
        line = json.dumps({SEQ: seq, "article": item.model_dump_json()}, ensure_ascii=False)
        blocks.add(line)
        return line
    failures.write(json.dumps(_failure_row(seq, item, run_id), ensure_ascii=False) + "\n")
    return json.dumps([seq, item.source, item.message])


def _failure_row(seq: int, failure: IngestFailure, run_id: str) -> Row:
    row = failed_row(failure.id, failure.source, "bad_input", failure.message, run_id)
    return {SEQ: seq, **row}


def _reset_if_changed(work: _Work, fingerprint: str) -> None:
    previous = work.fingerprint.read_text() if work.fingerprint.exists() else None
    if previous != fingerprint:
        if previous is not None:
            log.info("inputs or job changed since the interrupted run; starting afresh")
        shutil.rmtree(work.parts, ignore_errors=True)
        shutil.rmtree(work.checkpoint, ignore_errors=True)
        work.fingerprint.write_text(fingerprint)


# ------------------------------------------------------------- execution


def _execute(work: _Work, job: JobConfig, ray_config: RayRunConfig, run_id: str) -> None:
    """Read the staged blocks, digest, write parts; checkpointed on ``seq``."""
    ray = _ray()
    files = sorted(str(path) for path in work.inputs.glob("*.jsonl"))
    ds = ray.data.read_json(files, override_num_blocks=len(files))
    # a batch never spans two blocks, so a block is written as soon as it is digested
    batch_size = min(job.concurrency, ray_config.rows_per_block(job))
    workers = min(ray_config.workers, len(files))
    ds = digest_dataset(ds, job, workers=workers, run_id=run_id, batch_size=batch_size)
    ds = enable_checkpoints(ds, work.checkpoint, id_column=SEQ)
    ds.context.enable_progress_bars = ray_config.progress
    try:
        ds.write_json(str(work.parts))
    except Exception as exc:  # a lost worker or node, a bug: what was written is kept
        raise SummarizerError(f"the Ray run stopped ({_root_cause(exc)}); rerun the same "
                              "command to resume from its checkpoints",
                              source=str(work.root)) from exc


def _root_cause(exc: BaseException) -> str:
    """The user's error under Ray's wrappers, briefly: the first ``SomeError: message``
    line of the remote traceback Ray passes on as text, else the outermost message."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        match = _ERROR_LINE.match(line)
        if match and not match.group(1).startswith("ray."):
            return line
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


_ERROR_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)): ")


# ------------------------------------------------------------- assembly


class _Rows:
    """Random access to rows of JSON Lines files by (file number, byte offset)."""

    def __init__(self, files: Sequence[Path]) -> None:
        self.files = files
        self._number = -1
        self._handle: Any = None

    def at(self, where: tuple[int, int]) -> Row:
        number, offset = where
        if number != self._number:
            self.close()
            self._handle = self.files[number].open("rb")
            self._number = number
        self._handle.seek(offset)
        row: Row = json.loads(self._handle.readline())
        return row

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self._number = -1


def _index(files: Sequence[Path], total: int) -> list[tuple[int, int] | None]:
    """Where each input's row is: (file number, byte offset), by ``seq``."""
    index: list[tuple[int, int] | None] = [None] * total
    for number, path in enumerate(files):
        offset = 0
        with path.open("rb") as handle:
            for line in handle:
                if line.strip():
                    index[int(json.loads(line)[SEQ])] = (number, offset)
                offset += len(line)
    return index


def _assemble(work: _Work, total: int, output: Path, summary: BatchSummary) -> None:
    """Write the output in input order (atomically, like the local engine) and count it."""
    files = [work.failures, *sorted(work.parts.glob("*.json"))]
    index = _index(files, total)
    rows = _Rows(files)
    out = open_output(output, temp_name=f".{output.name}.part")
    try:
        for seq, where in enumerate(index):
            if where is None:
                raise SummarizerError(f"no result for input {seq + 1}; rerun the same "
                                      "command to resume", source=str(output))
            row = rows.at(where)
            out.write(output_line(row) + "\n")
            summary.add(row_outcome(row, summary.run_id))
        out.commit()
    finally:
        out.discard()
        rows.close()
