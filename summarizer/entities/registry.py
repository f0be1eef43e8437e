"""The corpus entity registry kept in the store (tables ``entities``, ``entity_surfaces``;
migration ``_m3_entity_registry`` in ``summarizer.store``).

``known_merges`` reads what earlier runs decided (entity id -> canonical id), so ids stay
stable as the corpus grows; ``save_resolution`` writes a new resolution back. Both take a
plain ``sqlite3.Connection`` to a migrated store.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..models import Party
from ..store import now_iso
from .aliases import Aliases
from .corpus import EntityIndex, Resolution

log = logging.getLogger("summarizer.entities")


def known_merges(db: sqlite3.Connection) -> dict[str, str]:
    """entity id -> canonical id for every id the registry merged into another."""
    rows = db.execute("SELECT entity_id, canonical_id FROM entities "
                      "WHERE entity_id != canonical_id AND COALESCE(reason, '') != 'aliases file'")
    return {str(a): str(b) for a, b in rows}


def save_resolution(db: sqlite3.Connection, resolution: Resolution) -> int:
    """Upsert every entity id and surface of ``resolution``; returns the ids written."""
    now = now_iso()
    reasons = {m.entity_id: m.reason for m in resolution.merges}
    groups: dict[str, list[str]] = {}
    for eid, canon in resolution.canonical.items():
        groups.setdefault(canon, []).append(eid)
    rows = []
    surfaces = []
    for head, record in resolution.entities.items():
        for member in groups.get(head) or [head]:
            rows.append((member, head, record.kind, resolution.name(head), record.country,
                         record.articles, reasons.get(member), now))
        surfaces += [(head, surface, count) for surface, count in record.surfaces.items()]
    db.execute("BEGIN IMMEDIATE")
    try:
        db.executemany(
            "INSERT INTO entities (entity_id, canonical_id, kind, name, country, articles, "
            "reason, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (entity_id) DO "
            "UPDATE SET canonical_id = excluded.canonical_id, kind = excluded.kind, "
            "name = excluded.name, country = excluded.country, articles = excluded.articles, "
            "reason = excluded.reason, updated_at = excluded.updated_at", rows)
        db.executemany(
            "INSERT INTO entity_surfaces (entity_id, surface, mentions) VALUES (?, ?, ?) "
            "ON CONFLICT (entity_id, surface) DO UPDATE SET mentions = excluded.mentions",
            surfaces)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return len(rows)


def resolve_corpus(party_lists: Iterable[Sequence[Party]], aliases: Aliases | None = None,
                   store: Path | None = None) -> Resolution:
    """Resolve the entities of a corpus, given the resolved parties of each digest (read
    once). With ``store``, start from what its registry already merged and save the new
    resolution back into it."""
    index = EntityIndex()
    index.add_all(party_lists, aliases)
    if store is None:
        return index.resolve(aliases)
    from ..store import Store

    with Store.open(store) as opened:
        resolution = index.resolve(aliases, known=known_merges(opened.db))
        written = save_resolution(opened.db, resolution)
    log.info("entity registry: %d id(s) saved to %s", written, store)
    return resolution
