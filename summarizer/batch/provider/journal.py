"""The Batch API journal: what was sent to the provider, written before and after each step.

Tables ``batch_chunks`` and ``batch_items`` (migration 4 of ``summarizer.store``) live
in the store beside the results, so a result and the journal line that says it was
collected are committed together. A chunk walks these states, each recorded before the
remote call it announces (``uploading``, ``creating``) and after the call returns
(``uploaded`` with the file id, ``submitted`` with the batch id)::

    prepared → uploading → uploaded → creating → submitted → collected

A rerun picks each chunk up where the journal says it stopped; see ``submit``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from ...errors import SummarizerError
from ...store import ResultKey, Store, now_iso

ChunkState = Literal["prepared", "uploading", "uploaded", "creating", "submitted",
                     "collected"]
OPEN_STATES: tuple[ChunkState, ...] = ("prepared", "uploading", "uploaded", "creating",
                                       "submitted")


@dataclass(frozen=True)
class Chunk:
    """One input file of requests and the one batch made of it."""

    chunk_id: str
    model: str
    host: str
    state: ChunkState
    requests: int
    bytes: int
    content_sha256: str
    filename: str
    file_id: str | None = None
    batch_id: str | None = None
    remote_status: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    completed: int = 0
    failed: int = 0
    cost_usd: float | None = 0.0
    """At the batch rate, of the answers collected so far (None: the model has no price)."""
    live_cost_usd: float | None = 0.0
    note: str | None = None
    created_at: str = ""
    updated_at: str = ""


@dataclass(frozen=True)
class Item:
    """One request of a chunk: its ``custom_id``, store key and what became of it."""

    custom_id: str
    key: ResultKey
    outcome: Literal["done", "failed"] | None = None
    error_kind: str | None = None
    error_message: str | None = None


_CHUNK_COLUMNS = tuple(f.name for f in fields(Chunk))


def custom_id(key: ResultKey) -> str:
    """The request's ``custom_id``: a digest of its full store key (the journal maps it
    back to the key)."""
    canonical = json.dumps(asdict(key), sort_keys=True, separators=(",", ":"))
    return "sk-" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


class Journal:
    """Reads and writes the journal tables of one open :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def add_chunk(self, chunk: Chunk, items: Sequence[Item]) -> bool:
        """A prepared chunk and its requests, in one transaction; False (nothing written)
        when another run journalled some of these requests in the meantime."""
        stamp = now_iso()
        row = {**asdict(chunk), "created_at": stamp, "updated_at": stamp}
        with self.store.transaction():
            if self.pending() & {item.custom_id for item in items}:
                return False
            self.db.execute(
                f"INSERT INTO batch_chunks ({', '.join(_CHUNK_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(_CHUNK_COLUMNS))})",
                [row[c] for c in _CHUNK_COLUMNS])
            self.db.executemany(
                "INSERT INTO batch_items (chunk_id, custom_id, result_key) VALUES (?, ?, ?)",
                [(chunk.chunk_id, item.custom_id, json.dumps(asdict(item.key)))
                 for item in items])
        return True

    def update(self, chunk_id: str, **changes: Any) -> Chunk:
        """Record ``changes`` to a chunk (committed before this returns)."""
        unknown = set(changes) - set(_CHUNK_COLUMNS)
        if unknown:
            raise SummarizerError(f"not journal columns: {sorted(unknown)}; please report this bug")
        changes["updated_at"] = now_iso()
        sets = ", ".join(f"{name} = ?" for name in changes)
        with self.store.transaction():
            self.db.execute(f"UPDATE batch_chunks SET {sets} WHERE chunk_id = ?",
                            [*changes.values(), chunk_id])
        return self.chunk(chunk_id)

    def chunk(self, chunk_id: str) -> Chunk:
        row = self.db.execute(f"SELECT {', '.join(_CHUNK_COLUMNS)} FROM batch_chunks "
                              "WHERE chunk_id = ?", (chunk_id,)).fetchone()
        if row is None:
            raise SummarizerError(f"no chunk {chunk_id!r} in the batch journal; the store may "
                                  "belong to another run: pass its --store", source=chunk_id)
        return Chunk(*row)

    def chunks(self, states: Iterable[str] | None = None) -> list[Chunk]:
        """Chunks (in ``states``), oldest first."""
        sql = f"SELECT {', '.join(_CHUNK_COLUMNS)} FROM batch_chunks"
        wanted = list(states) if states is not None else None
        args: list[Any] = []
        if wanted is not None:
            sql += f" WHERE state IN ({', '.join('?' * len(wanted))})"
            args = wanted
        sql += " ORDER BY created_at, rowid"
        return [Chunk(*row) for row in self.db.execute(sql, args)]

    def items(self, chunk_id: str) -> list[Item]:
        rows = self.db.execute(
            "SELECT custom_id, result_key, outcome, error_kind, error_message FROM batch_items "
            "WHERE chunk_id = ? ORDER BY rowid", (chunk_id,))
        return [Item(cid, ResultKey(**json.loads(key)), outcome, kind, message)
                for cid, key, outcome, kind, message in rows]

    def pending(self) -> set[str]:
        """``custom_id``s in chunks not yet collected: never send them again meanwhile."""
        rows = self.db.execute(
            "SELECT i.custom_id FROM batch_items i JOIN batch_chunks c USING (chunk_id) "
            f"WHERE c.state IN ({', '.join('?' * len(OPEN_STATES))})", OPEN_STATES)
        return {row[0] for row in rows}

    def close(self, chunk_id: str, kind: str, message: str) -> Chunk:
        """Give up on a chunk the provider will not run: its unsettled items fail (so they
        go live, to a follow-up batch, or are reported) and it counts as collected."""
        with self.store.transaction():
            self.db.execute("UPDATE batch_items SET outcome = 'failed', error_kind = ?, "
                            "error_message = ? WHERE chunk_id = ? AND outcome IS NULL",
                            (kind, message, chunk_id))
            self.db.execute("UPDATE batch_chunks SET state = 'collected', note = ?, "
                            "updated_at = ? WHERE chunk_id = ?", (message, now_iso(), chunk_id))
        return self.chunk(chunk_id)

    def failures(self) -> dict[str, tuple[int, str, str]]:
        """Per ``custom_id`` that failed in a batch: (times, last kind, last message)."""
        found: dict[str, tuple[int, str, str]] = {}
        rows = self.db.execute("SELECT custom_id, error_kind, error_message FROM batch_items "
                               "WHERE outcome = 'failed' ORDER BY rowid")
        for cid, kind, message in rows:
            times = found.get(cid, (0, "", ""))[0]
            found[cid] = (times + 1, kind or "batch_failed", message or "")
        return found


def settle(
    chunk_id: str, item: str, outcome: Literal["done", "failed"], *,
    kind: str | None = None, message: str | None = None,
    cost: float | None = None, live_cost: float | None = None,
) -> Any:
    """A writer for ``Store.put(..., also=...)``: the item's outcome and its cost added to the
    chunk, in the transaction that stores the result or the ledger row."""

    def write(db: sqlite3.Connection) -> None:
        db.execute("UPDATE batch_items SET outcome = ?, error_kind = ?, error_message = ? "
                   "WHERE chunk_id = ? AND custom_id = ?",
                   (outcome, kind, message, chunk_id, item))
        db.execute("UPDATE batch_chunks SET cost_usd = "
                   "CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(cost_usd, 0) + ? END, "
                   "live_cost_usd = "
                   "CASE WHEN ? IS NULL THEN NULL ELSE COALESCE(live_cost_usd, 0) + ? END, "
                   "updated_at = ? WHERE chunk_id = ?",
                   (cost, cost, live_cost, live_cost, now_iso(), chunk_id))

    return write
