"""The local store: cached results and the call ledger, in one SQLite file.

Where it lives: ``--store PATH``, else ``$SUMMARIZER_HOME/summarizer.db``, else
``summarizer.db`` in the platform's user data directory (platformdirs).

Tables (see ``MIGRATIONS``; ``PRAGMA user_version`` and ``schema_migrations`` say which ran):

* ``results``: one row per :class:`ResultKey` (article id and content hash, prompt
  id@version#sha256, schema version, model, backend, generation-parameters hash) holding
  the digest JSON or the failure, with usage, attempts, cost and timestamps;
* ``calls``: the ledger, one row per HTTP request to a model;
* ``runs``: one row per batch run with its totals.

Safety: WAL mode, and every result is written with its ledger rows in one transaction,
so a killed process (even ``kill -9``) leaves either the whole result or none of it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError
from .models import Usage

DB_NAME = "summarizer.db"
Status = Literal["done", "failed"]
Outcome = Literal["ok", "retried", "failed"]
Migration = Callable[[sqlite3.Connection], None]


def default_store_path() -> Path:
    """``$SUMMARIZER_HOME/summarizer.db``, else the platform's user data directory."""
    home = os.environ.get("SUMMARIZER_HOME")
    if home:
        return Path(home).expanduser() / DB_NAME
    import platformdirs

    return Path(platformdirs.user_data_dir("summarizer", appauthor=False)) / DB_NAME


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class ResultKey:
    """Everything that decides a digest: the same key never needs the model again."""

    article: str
    content_sha256: str
    prompt: str
    schema_version: str
    model: str
    backend: str
    params_sha256: str


@dataclass(frozen=True)
class StoredResult:
    """A digest (``status="done"``) or the reason there is none (``"failed"``)."""

    key: ResultKey
    status: Status
    digest_json: str | None = None
    error_kind: str | None = None
    error_message: str | None = None
    usage: Usage = field(default_factory=Usage)
    attempts: int = 0
    cost_usd: float | None = None
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass(frozen=True)
class CallRow:
    """One HTTP request to a model, as the ledger keeps it."""

    at: str
    article: str
    model: str
    prompt: str
    attempt: int
    outcome: Outcome
    latency_ms: float
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    reason: str | None = None
    run_id: str | None = None


CALL_FIELDS = tuple(CallRow.__dataclass_fields__)


# --------------------------------------------------------------------------- migrations


def _m1_initial(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE results (
            article TEXT NOT NULL, content_sha256 TEXT NOT NULL, prompt TEXT NOT NULL,
            schema_version TEXT NOT NULL, model TEXT NOT NULL, backend TEXT NOT NULL,
            params_sha256 TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
            digest TEXT, error_kind TEXT, error_message TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            attempts INTEGER NOT NULL DEFAULT 0, cost_usd REAL,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
            PRIMARY KEY (article, content_sha256, prompt, schema_version, model, backend,
                         params_sha256),
            CHECK ((status = 'done') = (digest IS NOT NULL))
        )""")
    db.execute("""
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, article TEXT NOT NULL,
            model TEXT NOT NULL, prompt TEXT NOT NULL, attempt INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'retried', 'failed')),
            latency_ms REAL NOT NULL, prompt_tokens INTEGER, completion_tokens INTEGER,
            reason TEXT, run_id TEXT
        )""")
    db.execute("CREATE INDEX calls_at ON calls (at)")
    db.execute("CREATE INDEX calls_article ON calls (article)")


def _m2_runs(db: sqlite3.Connection) -> None:
    db.execute("""
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,
            config TEXT NOT NULL, summary TEXT
        )""")


def _m3_entity_registry(db: sqlite3.Connection) -> None:
    """The corpus entity registry (``summarizer.entities.registry``): one row per entity id
    with the canonical id it resolves to, and the surface names it was found under."""
    db.execute("""
        CREATE TABLE entities (
            entity_id TEXT PRIMARY KEY, canonical_id TEXT NOT NULL, kind TEXT NOT NULL,
            name TEXT NOT NULL, country TEXT, articles INTEGER NOT NULL DEFAULT 0,
            reason TEXT, updated_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX entities_canonical ON entities (canonical_id)")
    db.execute("""
        CREATE TABLE entity_surfaces (
            entity_id TEXT NOT NULL, surface TEXT NOT NULL,
            mentions INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (entity_id, surface)
        )""")


def _m4_batch_journal(db: sqlite3.Connection) -> None:
    """The provider Batch API journal (``summarizer.batch.provider.journal``): one row per
    chunk of work with its remote file and batch ids, written before and after each step,
    and one row per request in it."""
    db.execute("""
        CREATE TABLE batch_chunks (
            chunk_id TEXT PRIMARY KEY, model TEXT NOT NULL, host TEXT NOT NULL,
            state TEXT NOT NULL, requests INTEGER NOT NULL, bytes INTEGER NOT NULL,
            content_sha256 TEXT NOT NULL, filename TEXT NOT NULL,
            file_id TEXT, batch_id TEXT, remote_status TEXT,
            output_file_id TEXT, error_file_id TEXT,
            completed INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL, live_cost_usd REAL, note TEXT,
            created_at TEXT NOT NULL, updated_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE batch_items (
            chunk_id TEXT NOT NULL REFERENCES batch_chunks (chunk_id),
            custom_id TEXT NOT NULL, result_key TEXT NOT NULL,
            outcome TEXT CHECK (outcome IN ('done', 'failed')),
            error_kind TEXT, error_message TEXT,
            PRIMARY KEY (chunk_id, custom_id)
        )""")
    db.execute("CREATE INDEX batch_items_custom_id ON batch_items (custom_id)")


MIGRATIONS: tuple[Migration, ...] = (_m1_initial, _m2_runs, _m3_entity_registry,
                                     _m4_batch_journal)


def migrate(db: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the migrations this database has not seen, each in its own transaction.

    Returns the schema version reached. Safe when two processes open a new store at once.
    """
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
               "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for version, step in enumerate(migrations, start=1):
        with _transaction(db):
            if _user_version(db) >= version:
                continue
            step(db)
            db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)",
                       (version, step.__name__.lstrip("_"), now_iso()))
            db.execute(f"PRAGMA user_version = {version}")
    return _user_version(db)


def _user_version(db: sqlite3.Connection) -> int:
    row = db.execute("PRAGMA user_version").fetchone()
    return int(row[0])




@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any error (the connection is in
    autocommit mode, so nothing else opens transactions behind our back)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# --------------------------------------------------------------------------- the store

_KEY_COLUMNS = ("article", "content_sha256", "prompt", "schema_version", "model", "backend",
                "params_sha256")
_KEY_WHERE = " AND ".join(f"{c} = ?" for c in _KEY_COLUMNS)
_RESULT_COLUMNS = (*_KEY_COLUMNS, "status", "digest", "error_kind", "error_message",
                   "prompt_tokens", "completion_tokens", "attempts", "cost_usd",
                   "created_at", "updated_at")
_UPSERT = (
    f"INSERT INTO results ({', '.join(_RESULT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_RESULT_COLUMNS))}) "
    f"ON CONFLICT ({', '.join(_KEY_COLUMNS)}) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _RESULT_COLUMNS[len(_KEY_COLUMNS):]
                if c != "created_at")
)
_INSERT_CALL = (f"INSERT INTO calls ({', '.join(CALL_FIELDS)}) "
                f"VALUES ({', '.join('?' * len(CALL_FIELDS))})")


class Store:
    """Results and the call ledger in one SQLite file. Use it from one thread.

    >>> with Store.open(Path("/tmp/s.db")) as store:  # doctest: +SKIP
    ...     store.get(key)
    """

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (creating and migrating as needed) the store at ``path`` or the default.

        Only the default location's directory is created: a ``path`` given in a directory
        that does not exist is refused (a typo must not create directories)."""
        if path is not None and not path.parent.is_dir():
            raise ConfigError(f"cannot open the store: the directory {path.parent} does not "
                              "exist; create it first or pass --store PATH to an existing "
                              "directory", source=str(path))
        path = path or default_store_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        except (OSError, sqlite3.Error) as exc:
            raise ConfigError(f"cannot open the store: {exc}; pass --store PATH to a "
                              "writable place", source=str(path)) from None
        try:
            _configure(db)
            version = migrate(db)
        except sqlite3.DatabaseError as exc:
            db.close()
            raise ConfigError(f"not a usable summarizer store ({exc}); move it away or pass "
                              "--store PATH", source=str(path)) from None
        if version > len(MIGRATIONS):
            db.close()
            raise ConfigError(f"written by a newer summarizer (schema v{version}); upgrade "
                              "summarizer or pass --store PATH", source=str(path))
        return cls(db, path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- results

    def get(self, key: ResultKey) -> StoredResult | None:
        row = self.db.execute(
            f"SELECT {', '.join(_RESULT_COLUMNS)} FROM results WHERE {_KEY_WHERE}",
            _key_values(key),
        ).fetchone()
        return None if row is None else _result(row)

    def put(self, result: StoredResult, calls: Sequence[CallRow] = (), *,
            also: Migration | None = None) -> None:
        """Write a result and the ledger rows that produced it, all or nothing (``also``
        writes more in the same transaction, e.g. the Batch API journal)."""
        with _transaction(self.db):
            self.db.execute(_UPSERT, _result_values(result))
            self.db.executemany(_INSERT_CALL, [_call_values(c) for c in calls])
            if also is not None:
                also(self.db)

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT`` on this store (for tables other modules own)."""
        return _transaction(self.db)

    def put_many(self, results: Iterable[StoredResult]) -> int:
        """Write many results in one transaction (an import); returns how many."""
        with _transaction(self.db):
            cursor = self.db.executemany(_UPSERT, (_result_values(r) for r in results))
        return cursor.rowcount

    def add_calls(self, calls: Sequence[CallRow], *, also: Migration | None = None) -> None:
        with _transaction(self.db):
            self.db.executemany(_INSERT_CALL, [_call_values(c) for c in calls])
            if also is not None:
                also(self.db)

    def count_results(self, status: Status | None = None) -> int:
        if status is None:
            return int(self.db.execute("SELECT COUNT(*) FROM results").fetchone()[0])
        row = self.db.execute("SELECT COUNT(*) FROM results WHERE status = ?", (status,))
        return int(row.fetchone()[0])

    # ------------------------------------------------------------- ledger

    def calls(self, limit: int | None = None, *, article: str | None = None) -> list[CallRow]:
        """The ledger, newest first (``limit`` rows at most)."""
        sql = f"SELECT {', '.join(CALL_FIELDS)} FROM calls"
        args: list[Any] = []
        if article is not None:
            sql, args = sql + " WHERE article = ?", [article]
        sql += " ORDER BY id DESC"
        if limit is not None:
            sql, args = sql + " LIMIT ?", [*args, limit]
        return [CallRow(*row) for row in self.db.execute(sql, args)]

    def count_calls(self, run_id: str | None = None) -> int:
        if run_id is None:
            return int(self.db.execute("SELECT COUNT(*) FROM calls").fetchone()[0])
        row = self.db.execute("SELECT COUNT(*) FROM calls WHERE run_id = ?", (run_id,))
        return int(row.fetchone()[0])

    # ------------------------------------------------------------- runs

    def start_run(self, run_id: str, config: dict[str, Any]) -> None:
        with _transaction(self.db):
            self.db.execute("INSERT INTO runs (run_id, started_at, config) VALUES (?, ?, ?)",
                            (run_id, now_iso(), json.dumps(config, default=str)))

    def finish_run(self, run_id: str, summary: dict[str, Any]) -> None:
        with _transaction(self.db):
            self.db.execute("UPDATE runs SET finished_at = ?, summary = ? WHERE run_id = ?",
                            (now_iso(), json.dumps(summary, default=str), run_id))

    def run(self, run_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT started_at, finished_at, config, summary FROM runs "
                              "WHERE run_id = ?", (run_id,)).fetchone()
        if row is None:
            return None
        return {"run_id": run_id, "started_at": row[0], "finished_at": row[1],
                "config": json.loads(row[2]), "summary": json.loads(row[3] or "null")}


def _configure(db: sqlite3.Connection) -> None:
    """WAL for crash safety and readers beside one writer; NORMAL sync is durable in WAL
    against a killed process (only a power cut can lose the last commits)."""
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA busy_timeout = 30000")


def _key_values(key: ResultKey) -> tuple[str, ...]:
    return tuple(getattr(key, c) for c in _KEY_COLUMNS)


def _result_values(r: StoredResult) -> tuple[Any, ...]:
    return (*_key_values(r.key), r.status, r.digest_json, r.error_kind, r.error_message,
            r.usage.prompt_tokens, r.usage.completion_tokens, r.attempts, r.cost_usd,
            r.created_at, r.updated_at)


def _result(row: Sequence[Any]) -> StoredResult:
    n = len(_KEY_COLUMNS)
    (status, digest, kind, message, prompt_tokens, completion_tokens, attempts, cost,
     created, updated) = row[n:]
    usage = Usage(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                  total_tokens=prompt_tokens + completion_tokens)
    return StoredResult(ResultKey(*row[:n]), status, digest, kind, message, usage, attempts,
                        cost, created, updated)


def _call_values(c: CallRow) -> tuple[Any, ...]:
    values = asdict(c)
    return tuple(values[f] for f in CALL_FIELDS)
