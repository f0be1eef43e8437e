"""Which entities an instrument links: its party names resolved through the article's
parties (or any country alias), and how far an instrument got."""

from __future__ import annotations

from collections.abc import Callable

from ..models import Digest
from .countries import country_code
from .names import name_key

Resolve = Callable[[str | None], str | None]

STATUS_RANK: dict[str, int] = {"implemented": 4, "signed": 3, "proposed": 2,
                               "under_discussion": 1, "other": 0}
"""How far an instrument got, for "strongest status" summaries."""


def party_lookup(digest: Digest, resolve: Resolve) -> dict[str, str]:
    """Folded party name or surface -> canonical entity id, for one digest."""
    out: dict[str, str] = {}
    for party in digest.parties:
        entity = resolve(party.entity_id)
        if entity is None:
            continue
        for name in (party.name, party.surface):
            if name:
                out.setdefault(name_key(name), entity)
    return out


def instrument_entity(name: str, lookup: dict[str, str]) -> str | None:
    """The entity an instrument's party name stands for: a party of the same article, or a
    country named by any alias."""
    found = lookup.get(name_key(name))
    if found:
        return found
    code = country_code(name)
    return f"country:{code}" if code else None
