"""``summarizer export``: digests as tidy tables for pandas, DuckDB or a spreadsheet.

    >>> from summarizer.export import ExportConfig, export  # doctest: +SKIP
    >>> export("digests.jsonl", Path("out.db"), ExportConfig(fmt="sqlite"))

The input (a digests JSONL file or a store) is read twice, one digest at a time: once to
resolve entities across the corpus, once to write rows. Memory stays flat in the number of
digests (it grows with the number of distinct entities). Tables and keys: see
``summarizer.export.tables``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..entities.aliases import Aliases
from ..entities.registry import resolve_corpus
from ..errors import ConfigError
from .output import staged
from .source import DigestSource
from .tables import digest_rows, entity_rows
from .writers import CsvWriter, ParquetWriter, SqliteWriter, TableWriter

Format = Literal["csv", "parquet", "sqlite"]
FORMATS: tuple[str, ...] = ("csv", "parquet", "sqlite")
log = logging.getLogger("summarizer.export")


@dataclass(frozen=True)
class ExportConfig:
    """``fmt``: csv or parquet (a folder of files) or sqlite (one file); ``force`` replaces
    an existing export; ``aliases`` overrides entity merges; ``store`` keeps the entity
    registry (defaults to the input when the input is a store)."""

    fmt: Format = "sqlite"
    force: bool = False
    aliases: Aliases | None = None
    store: Path | None = None


@dataclass
class ExportResult:
    path: Path
    fmt: str
    rows: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    merges: int = 0


def _writer(fmt: str, target: Path) -> TableWriter:
    if fmt == "csv":
        return CsvWriter(target)
    if fmt == "parquet":
        return ParquetWriter(target)
    return SqliteWriter(target)


def export(source: str | Path, output: Path, config: ExportConfig) -> ExportResult:
    """Write the digests in ``source`` to ``output`` as tidy tables."""
    if config.fmt not in FORMATS:
        raise ConfigError(f"unknown export format {config.fmt!r}; use csv, parquet or sqlite")
    digests = DigestSource(source)
    if output.exists() and digests.path.resolve() == output.resolve():
        raise ConfigError("the output is the input; choose another path", source=str(output))
    store = config.store or (digests.path if digests.is_store else None)
    resolution = resolve_corpus(digests.party_lists(), config.aliases, store)
    result = ExportResult(output, config.fmt, merges=len(resolution.merges))
    folder = config.fmt != "sqlite"
    with staged(output, folder, config.force) as target:
        writer = _writer(config.fmt, target)
        try:
            seen: set[str] = set()
            for digest in digests:
                if digest.article.id in seen:
                    result.duplicates += 1
                    log.warning("%s: article %s appears again; keeping the first digest",
                                digests.label, digest.article.id)
                    continue
                seen.add(digest.article.id)
                for table, rows in digest_rows(digest, resolution).items():
                    writer.add(table, rows)
                    result.rows[table] = result.rows.get(table, 0) + len(rows)
            entities = list(entity_rows(resolution))
            writer.add("entities", entities)
            result.rows["entities"] = len(entities)
        finally:
            writer.close()
    return result


__all__ = ["FORMATS", "ExportConfig", "ExportResult", "export"]
