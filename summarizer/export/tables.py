"""The tidy tables of an export: their columns, keys and the rows of one digest.

=====================  =====================================================  ===========
table                  one row per                                            key
=====================  =====================================================  ===========
articles               digest                                                 article_id
parties                party of an article                                    article_id,
                                                                              party_index
entities               canonical entity (after corpus resolution)             entity_id
instruments            instrument of an article                               article_id,
                                                                              instrument_index
instrument_parties     party named by an instrument                           article_id,
                                                                              instrument_index,
                                                                              position
sectors                sector of an article                                   article_id,
                                                                              sector_index
targets                target of an article                                   article_id,
                                                                              target_index
evidence               evidence span of an item (field, item_index)           article_id,
                                                                              field,
                                                                              item_index,
                                                                              evidence_index
=====================  =====================================================  ===========

``parties.entity_id`` and ``instrument_parties.entity_id`` are canonical ids (see
``summarizer.entities``); ``parties.local_entity_id`` is the id the digest itself holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from ..entities.corpus import Resolution
from ..entities.links import instrument_entity, party_lookup
from ..models import Digest, Evidence

ColumnType = Literal["text", "int", "real", "bool"]
Row = tuple[Any, ...]

TABLES: dict[str, tuple[tuple[str, ColumnType], ...]] = {
    "articles": (
        ("article_id", "text"), ("sha256", "text"), ("title", "text"), ("source", "text"),
        ("url", "text"), ("published", "text"), ("headline", "text"), ("one_line", "text"),
        ("backend", "text"), ("model", "text"), ("schema_version", "text"),
        ("created_at", "text"), ("n_parties", "int"), ("n_instruments", "int"),
        ("n_sectors", "int"), ("n_targets", "int"), ("n_warnings", "int")),
    "parties": (
        ("article_id", "text"), ("party_index", "int"), ("entity_id", "text"),
        ("local_entity_id", "text"), ("name", "text"), ("surface", "text"), ("kind", "text"),
        ("role", "text"), ("country", "text")),
    "entities": (
        ("entity_id", "text"), ("name", "text"), ("kind", "text"), ("country", "text"),
        ("articles", "int"), ("surfaces", "text"), ("merged_ids", "text")),
    "instruments": (
        ("article_id", "text"), ("instrument_index", "int"), ("kind", "text"),
        ("title", "text"), ("status", "text"), ("date", "text"), ("published", "text"),
        ("background", "bool")),
    "instrument_parties": (
        ("article_id", "text"), ("instrument_index", "int"), ("position", "int"),
        ("party", "text"), ("entity_id", "text")),
    "sectors": (("article_id", "text"), ("sector_index", "int"), ("label", "text")),
    "targets": (
        ("article_id", "text"), ("target_index", "int"), ("description", "text"),
        ("value", "text"), ("unit", "text"), ("deadline", "text")),
    "evidence": (
        ("article_id", "text"), ("field", "text"), ("item_index", "int"),
        ("evidence_index", "int"), ("quote", "text"), ("start", "int"), ("end", "int"),
        ("match", "text"), ("score", "real")),
}
KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id",),
    "parties": ("article_id", "party_index"),
    "entities": ("entity_id",),
    "instruments": ("article_id", "instrument_index"),
    "instrument_parties": ("article_id", "instrument_index", "position"),
    "sectors": ("article_id", "sector_index"),
    "targets": ("article_id", "target_index"),
    "evidence": ("article_id", "field", "item_index", "evidence_index"),
}
def _evidence(aid: str, field: str, index: int, evidence: list[Evidence]) -> Iterator[Row]:
    for k, ev in enumerate(evidence):
        yield (aid, field, index, k, ev.quote, ev.start, ev.end, ev.match, ev.score)


def digest_rows(digest: Digest, resolve: Resolution) -> dict[str, list[Row]]:
    """Every row one digest contributes, table by table (all but ``entities``)."""
    a, aid = digest.article, digest.article.id
    p = digest.provenance
    rows: dict[str, list[Row]] = {name: [] for name in TABLES if name != "entities"}
    rows["articles"].append((
        aid, a.sha256, a.title, a.source, a.url, a.published, digest.summary.headline,
        digest.summary.one_line, p.backend, p.model, digest.schema_version, p.created_at,
        len(digest.parties), len(digest.instruments), len(digest.sectors),
        len(digest.targets), len(digest.warnings)))
    evidence = rows["evidence"]
    evidence += _evidence(aid, "summary", 0, digest.summary.evidence)
    for k, x in enumerate(digest.parties):
        rows["parties"].append((aid, k, resolve(x.entity_id), x.entity_id, x.name, x.surface,
                                x.kind, x.role, x.country))
        evidence += _evidence(aid, "parties", k, x.evidence)
    lookup = party_lookup(digest, resolve)
    for k, i in enumerate(digest.instruments):
        rows["instruments"].append((aid, k, i.kind, i.title, i.status, i.date, a.published,
                                    i.background))
        rows["instrument_parties"] += [(aid, k, n, name, instrument_entity(name, lookup))
                                       for n, name in enumerate(i.parties)]
        evidence += _evidence(aid, "instruments", k, i.evidence)
    for k, s in enumerate(digest.sectors):
        rows["sectors"].append((aid, k, s.label))
        evidence += _evidence(aid, "sectors", k, s.evidence)
    for k, t in enumerate(digest.targets):
        rows["targets"].append((aid, k, t.description, t.value, t.unit, t.deadline))
        evidence += _evidence(aid, "targets", k, t.evidence)
    return rows


def entity_rows(resolve: Resolution) -> Iterator[Row]:
    merged: dict[str, list[str]] = {}
    for member, head in resolve.canonical.items():
        if member != head:
            merged.setdefault(head, []).append(member)
    for eid in sorted(resolve.entities):
        record = resolve.entities[eid]
        surfaces = "; ".join(s for s, _ in record.surfaces.most_common())
        yield (eid, resolve.name(eid), record.kind, record.country, record.articles, surfaces,
               "; ".join(sorted(merged.get(eid, []))))
