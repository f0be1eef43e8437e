"""Ray Data plumbing for ``summarizer batch --engine ray``: importing ray and pyarrow
lazily, and the conversions between dataset rows and articles, outcomes and output lines."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, TypeAlias

from ..article import Article
from ..errors import ConfigError, InputError
from ..models import Usage
from .engine import Outcome, error_line

log = logging.getLogger("summarizer.batch.ray")

RAY_MISSING = "ray is not installed: pip install 'summarizer[ray]'"
NAMESPACE = "summarizer"
ARTICLE_FIELDS = ("text", "id", "title", "source", "url", "published")
CONSUMED = ("text", "article")
"""Input columns that do not pass through to the output."""
USAGE_FIELDS = ("prompt_tokens", "completion_tokens", "total_tokens")
SEQ = "seq"
"""The column ``summarizer batch --engine ray`` numbers its inputs by (checkpoint id)."""
Row: TypeAlias = dict[str, Any]
Table: TypeAlias = Any
"""A ``pyarrow.Table`` (pyarrow ships no type hints)."""
Dataset: TypeAlias = Any
"""A ``ray.data.Dataset``."""



def _ray() -> Any:
    """``ray``, with ``ray.data`` loaded; a one-line ConfigError when it is missing."""
    try:
        import ray  # type: ignore[import-not-found, unused-ignore]
        import ray.data  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise ConfigError(RAY_MISSING) from None
    return ray


def _pa() -> Any:
    import pyarrow  # type: ignore[import-untyped, import-not-found, unused-ignore]

    return pyarrow


def require_ray() -> None:
    """Raise ConfigError("ray is not installed: ...") unless ``ray[data]`` can be imported."""
    _ray()


# --------------------------------------------------------------------------- rows


def output_schema() -> Any:
    """The ``pyarrow.Schema`` of the columns :class:`Extractor` adds to every row."""
    pa = _pa()
    usage = pa.struct([(name, pa.int64()) for name in USAGE_FIELDS])
    error = pa.struct([("kind", pa.string()), ("message", pa.string())])
    strings = pa.list_(pa.string())
    return pa.schema([
        ("article_id", pa.string()), ("origin", pa.string()), ("status", pa.string()),
        ("cached", pa.bool_()), ("headline", pa.string()), ("one_line", pa.string()),
        ("parties", strings), ("sectors", strings), ("digest", pa.string()), ("error", error),
        ("usage", usage), ("requests", pa.int64()), ("cost_usd", pa.float64()),
        ("run_id", pa.string()),
    ])


def row_article(row: Row) -> Article:
    """The article a row holds: its ``article`` JSON, else its JSONL-style fields."""
    from ..ingest.config import DEFAULT_CONFIG
    from ..ingest.jsonl import parse_record

    where = str(row.get("origin") or row.get("id") or "<row>")
    staged = row.get("article")
    if isinstance(staged, str):
        try:
            return Article.model_validate_json(staged)
        except ValueError as exc:
            raise InputError(f'"article" is not a summarizer Article ({exc})',
                             source=where) from None
    record = {name: row[name] for name in ARTICLE_FIELDS if row.get(name) is not None}
    raw = json.dumps(record, default=str, ensure_ascii=False).encode()
    return parse_record(raw, where, DEFAULT_CONFIG.max_bytes)


def outcome_row(outcome: Outcome, origin: str, run_id: str) -> Row:
    """The output columns for one article's :class:`Outcome`."""
    done = outcome.status == "done"
    digest: dict[str, Any] = json.loads(outcome.line) if done else {}
    summary = digest.get("summary") or {}
    return {
        "article_id": outcome.article, "origin": origin, "status": outcome.status,
        "cached": outcome.cached, "headline": summary.get("headline"),
        "one_line": summary.get("one_line"),
        "parties": [p["name"] for p in digest["parties"]] if done else None,
        "sectors": [s["label"] for s in digest["sectors"]] if done else None,
        "digest": outcome.line if done else None,
        "error": None if done else {"kind": outcome.reason or "error",
                                    "message": outcome.message or ""},
        "usage": outcome.usage.model_dump(include=set(USAGE_FIELDS)),
        "requests": outcome.requests, "cost_usd": outcome.cost_usd, "run_id": run_id,
    }


def failed_row(article: str | None, origin: str, kind: str, message: str, run_id: str) -> Row:
    """The output columns of an input that failed before reaching the engine."""
    line = error_line(article, origin, kind, message)
    return outcome_row(Outcome(line, "failed", False, article, kind, message), origin, run_id)


def output_line(row: Row) -> str:
    """The line the local engine writes for this row: the digest, or the error line."""
    if row["status"] == "done":
        return str(row["digest"])
    error = row.get("error") or {}
    return error_line(row.get("article_id"), str(row.get("origin") or ""),
                      error.get("kind") or "error", error.get("message") or "")


def row_outcome(row: Row, run_id: str) -> Outcome:
    """An output row as an :class:`Outcome` of run ``run_id``: a row an earlier run wrote
    (resumed from a checkpoint) counts as cached, and cost nothing in this one."""
    fresh = row.get("run_id") == run_id
    error = row.get("error") or {}
    message = error.get("message")
    origin = str(row.get("origin") or "")
    if message and origin and not message.startswith(origin):
        message = f"{origin}: {message}"
    usage = Usage(**row["usage"]) if fresh and row.get("usage") else Usage()
    return Outcome(output_line(row), row["status"], bool(row.get("cached")) or not fresh,
                   row.get("article_id"), error.get("kind"), message, usage,
                   int(row.get("requests") or 0) if fresh else 0,
                   row.get("cost_usd") if fresh else 0.0)


def _as_table(batch: Any) -> Table:
    pa = _pa()
    if isinstance(batch, pa.Table):
        return batch
    if isinstance(batch, dict):  # batch_format="numpy"
        return pa.table(batch)
    return pa.Table.from_pandas(batch, preserve_index=False)  # batch_format="pandas"


def _output_table(table: Table, rows: Sequence[Row]) -> Table:
    """The input's pass-through columns, then the output columns."""
    pa = _pa()
    schema = output_schema()
    keep = [c for c in table.column_names if c not in CONSUMED and c not in schema.names]
    out = table.select(keep)
    added = pa.Table.from_pylist(list(rows), schema=schema)
    for field in schema:
        out = out.append_column(field, added.column(field.name))
    return out


