"""Table writers: CSV files, Parquet files (pyarrow, optional) or one SQLite database.

Each writer takes rows table by table as they come (``add``), keeps at most a batch in
memory, and writes into a folder or file that ``output.py`` later renames into place.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar, Protocol, TextIO

from ..errors import ConfigError
from .tables import KEYS, TABLES, Row

BATCH_ROWS = 5_000

COOPERATION_EDGES = """
CREATE VIEW cooperation_edges AS
SELECT DISTINCT a.entity_id AS entity_a, b.entity_id AS entity_b,
       i.article_id, i.instrument_index, i.kind AS instrument_kind,
       i.title AS instrument_title, i.status, COALESCE(i.date, i.published) AS date
FROM instrument_parties AS a
JOIN instrument_parties AS b
  ON a.article_id = b.article_id AND a.instrument_index = b.instrument_index
 AND a.entity_id < b.entity_id
JOIN instruments AS i
  ON i.article_id = a.article_id AND i.instrument_index = a.instrument_index
"""
"""entity x entity x instrument x status x date: one row per pair of distinct entities an
instrument names (``entity_a < entity_b``), with the instrument's own date, else the
article's published date."""

INDEXES = (
    "CREATE INDEX parties_entity ON parties (entity_id)",
    "CREATE INDEX instrument_parties_entity ON instrument_parties (entity_id)",
    "CREATE INDEX sectors_label ON sectors (label)",
)


class TableWriter(Protocol):
    def add(self, table: str, rows: Iterable[Row]) -> None: ...

    def close(self) -> None: ...


class CsvWriter:
    """One ``<table>.csv`` per table in ``folder``; empty cells for nulls, 1/0 for booleans."""

    suffix = ".csv"

    def __init__(self, folder: Path) -> None:
        self.files: dict[str, TextIO] = {}
        self.writers: dict[str, Any] = {}
        for table, columns in TABLES.items():
            handle = open(folder / f"{table}.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed in close()
            self.files[table] = handle
            self.writers[table] = csv.writer(handle)
            self.writers[table].writerow([name for name, _ in columns])

    def add(self, table: str, rows: Iterable[Row]) -> None:
        self.writers[table].writerows(
            tuple(int(v) if isinstance(v, bool) else v for v in row) for row in rows)

    def close(self) -> None:
        for handle in self.files.values():
            handle.close()


class SqliteWriter:
    """Every table in one SQLite file, with unique key indexes, lookups and
    ``cooperation_edges``."""

    suffix = ""
    _TYPES: ClassVar[dict[str, str]] = {"text": "TEXT", "int": "INTEGER", "real": "REAL",
                                        "bool": "INTEGER"}

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("BEGIN")
        for table, columns in TABLES.items():
            cols = ", ".join(f'"{name}" {self._TYPES[kind]}' for name, kind in columns)
            self.db.execute(f'CREATE TABLE "{table}" ({cols})')
        self.inserts = {t: f'INSERT INTO "{t}" VALUES ({", ".join("?" * len(c))})'
                        for t, c in TABLES.items()}

    def add(self, table: str, rows: Iterable[Row]) -> None:
        self.db.executemany(self.inserts[table], rows)

    def close(self) -> None:
        for table, keys in KEYS.items():  # built once at the end: faster than row by row
            columns = ", ".join(f'"{k}"' for k in keys)
            self.db.execute(f'CREATE UNIQUE INDEX "{table}_key" ON "{table}" ({columns})')
        for sql in INDEXES:
            self.db.execute(sql)
        self.db.execute(COOPERATION_EDGES)
        self.db.execute("COMMIT")
        self.db.close()


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ConfigError("Parquet export needs pyarrow: pip install 'summarizer[parquet]' "
                          "(or use --format csv or sqlite)") from None
    return pyarrow


def parquet_available() -> bool:
    try:
        _pyarrow()
    except ConfigError:
        return False
    return True


class ParquetWriter:
    """One ``<table>.parquet`` per table in ``folder``, written in row groups of
    ``BATCH_ROWS`` rows so memory stays flat."""

    suffix = ".parquet"

    def __init__(self, folder: Path) -> None:
        pa = self.pa = _pyarrow()
        types = {"text": pa.string(), "int": pa.int64(), "real": pa.float64(),
                 "bool": pa.bool_()}
        self.schemas = {t: pa.schema([(n, types[k]) for n, k in cols])
                        for t, cols in TABLES.items()}
        self.writers = {t: pa.parquet.ParquetWriter(str(folder / f"{t}.parquet"), schema)
                        for t, schema in self.schemas.items()}
        self.pending: dict[str, list[Row]] = {t: [] for t in TABLES}

    def add(self, table: str, rows: Iterable[Row]) -> None:
        pending = self.pending[table]
        pending.extend(rows)
        if len(pending) >= BATCH_ROWS:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self.pending[table]
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        batch = self.pa.Table.from_arrays(
            [self.pa.array(col, type=field.type)
             for col, field in zip(columns, self.schemas[table], strict=True)],
            schema=self.schemas[table])
        self.writers[table].write_table(batch)
        self.pending[table] = []

    def close(self) -> None:
        for table, writer in self.writers.items():
            self._flush(table)
            writer.close()
