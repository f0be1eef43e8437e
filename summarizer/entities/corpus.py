"""Entities across a corpus: collect them digest by digest, then resolve them once.

``EntityIndex.add`` reads the resolved parties of one digest at a time and keeps one
small record per entity id, so memory grows with the number of distinct actors, not of digests.
``EntityIndex.resolve`` applies the guarded fuzzy merges (``merge.py``), what the store's
registry already decided, and the user's aliases, and returns a ``Resolution``: the
canonical id of every id, and one merged record per canonical entity.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..models import Party
from .aliases import Aliases
from .merge import MergeFinder
from .names import is_acronym


@dataclass
class EntityRecord:
    """One entity id as seen in the corpus."""

    entity_id: str
    kind: str
    country: str | None = None
    names: Counter[str] = field(default_factory=Counter)
    surfaces: Counter[str] = field(default_factory=Counter)
    articles: int = 0

    @property
    def prefix(self) -> str:
        return self.entity_id.split(":", 1)[0]

    @property
    def name(self) -> str:
        if not self.names:
            return self.entity_id
        return max(self.names.items(), key=lambda kv: (not is_acronym(kv[0]), kv[1],
                                                       len(kv[0]), kv[0]))[0]

    def absorb(self, other: EntityRecord) -> None:
        self.names.update(other.names)
        self.surfaces.update(other.surfaces)
        self.articles += other.articles
        self.country = self.country or other.country


@dataclass(frozen=True)
class Merge:
    entity_id: str
    canonical_id: str
    reason: str


@dataclass
class Resolution:
    """Canonical ids, merged records and the merges that made them."""

    canonical: dict[str, str]
    entities: dict[str, EntityRecord]
    merges: list[Merge]
    names: dict[str, str] = field(default_factory=dict)

    def __call__(self, entity_id: str | None) -> str | None:
        if entity_id is None:
            return None
        return self.canonical.get(entity_id, entity_id)

    def name(self, entity_id: str) -> str:
        if entity_id in self.names:
            return self.names[entity_id]
        record = self.entities.get(entity_id)
        return record.name if record else entity_id

    def surface_counts(self) -> dict[str, int]:
        return {eid: len(r.surfaces) for eid, r in self.entities.items()}


class EntityIndex:
    """Entity records of a corpus, added one digest at a time."""

    def __init__(self) -> None:
        self.records: dict[str, EntityRecord] = {}

    def add(self, parties: Sequence[Party], aliases: Aliases | None = None) -> None:
        """The resolved parties of one article."""
        seen: set[str] = set()
        for party in parties:
            entity_id = party.entity_id
            if entity_id is None:
                continue
            forced = aliases.target_of_surface(party.surface) if aliases else None
            if forced and forced != entity_id:
                entity_id = forced
            record = self.records.get(entity_id)
            if record is None:
                record = self.records[entity_id] = EntityRecord(entity_id, party.kind)
            record.names[party.name] += 1
            record.surfaces[party.surface or party.name] += 1
            if record.country is None and entity_id.startswith(("country:", "gov:")):
                code = entity_id.split(":")[1]
                record.country = code.upper() if len(code) == 3 else None
            if entity_id not in seen:
                record.articles += 1
                seen.add(entity_id)

    def add_all(self, party_lists: Iterable[Sequence[Party]],
                aliases: Aliases | None = None) -> None:
        for parties in party_lists:
            self.add(parties, aliases)

    def resolve(self, aliases: Aliases | None = None,
                known: Mapping[str, str] | None = None) -> Resolution:
        """Merge under guards (see ``merge.py``), then apply ``known`` (the store's
        registry) and ``aliases``; the user's forced merges and forbids have the last word."""
        aliases = aliases or Aliases()
        finder = MergeFinder(self.records, aliases.forbid)
        for entity_id, target in (aliases.merge or {}).items():
            finder.force(entity_id, target, "aliases file")
        for entity_id, target in (known or {}).items():
            finder.union(entity_id, target, "registry")
        finder.find()
        return _resolution(self.records, finder.groups(), finder.reasons, aliases)


def _resolution(records: dict[str, EntityRecord], groups: list[list[str]],
                reasons: dict[str, str], aliases: Aliases) -> Resolution:
    canonical: dict[str, str] = {}
    entities: dict[str, EntityRecord] = {}
    merges: list[Merge] = []
    for members in groups:
        if not any(m in records for m in members):
            continue  # only in the registry: not part of this corpus
        head = _head(members, records, aliases)
        merged = EntityRecord(head, records[head].kind if head in records else "other")
        for member in members:
            canonical[member] = head
            if member in records:
                merged.absorb(records[member])
            if member != head:
                merges.append(Merge(member, head, reasons.get(member, "group")))
        entities[head] = merged
    return Resolution(canonical, entities, merges, dict(aliases.names))


def _head(members: list[str], records: dict[str, EntityRecord], aliases: Aliases) -> str:
    """The canonical id of a group: the aliases' target, else a full name (not an
    acronym or a bare surname) seen in the most articles, then the shortest id."""
    for member in members:
        if member in aliases.merge.values():
            return member

    def rank(entity_id: str) -> tuple[bool, int, int, str]:
        record = records.get(entity_id)
        short = "-" not in entity_id.rsplit(":", 1)[-1]  # an acronym or a bare surname
        return (short, -(record.articles if record else 0), len(entity_id), entity_id)

    return min(members, key=rank)
