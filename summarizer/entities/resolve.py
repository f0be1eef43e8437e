"""Within-article resolution: give every party of one digest its entity id and surface.

Runs when a digest is assembled (``pipeline._assemble``) and when an old (v1) digest is
loaded. Inside one article:

* an acronym defined next to its full name ("China Electronics Technology Group
  Corporation (CETC)") resolves to the full name's id, with the acronym as surface;
* a surname used after a full name ("Iqbal" after "Ahsan Iqbal") resolves to the full
  name's id;
* a country gets ``country:ISO3`` whatever alias names it ("U.S.", "America", "PRC").

The surface is the name as the article writes it: the party's own name when it occurs in
its evidence, else (for countries a backend reports under a canonical name) the first
alias of the country found in the evidence ("United States of America").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..models import Digest, Party
from .countries import find_surface
from .ids import identify
from .names import clean, expands, is_acronym, name_key

_DEFINED = re.compile(r"\(\s*([A-Z][A-Za-z&.\-]{1,11})\s*\)")
_BREAK = re.compile(r"[,;:()\[\]“”\"]|\.\s")
_MAX_WORDS = 12


def acronyms(text: str) -> dict[str, str]:
    """Acronym -> the full name it is defined next to: "Full Name (ACR)"."""
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        acronym = match.group(1)
        if not is_acronym(acronym) or acronym in found:
            continue
        before = text[max(0, match.start() - 300): match.start()]
        before = _BREAK.split(before)[-1]
        words = before.split()[-_MAX_WORDS:]
        for k in range(1, len(words) + 1):
            if expands(acronym, words[-k:]):
                found[acronym] = " ".join(words[-k:])
                break
    return found


def _surface(party: Party, country: str | None) -> str:
    quotes = [ev.quote for ev in party.evidence]
    if country and party.entity_id == f"country:{country}":
        for quote in quotes:  # "United States of America", not the canonical name
            found = find_surface(country, quote)
            if found:
                return found
    return party.name


def _expanded(party: Party, defined: dict[str, str]) -> str:
    """The name to identify ``party`` by: an acronym's definition, or its own name."""
    name = clean(party.name)
    inline = re.match(r"^(.+?)\s*\(\s*([^()]+)\s*\)$", name)  # "Full Name (ACR)"
    if inline and is_acronym(inline.group(2)):
        return inline.group(1)
    return defined.get(name, name)


def _surname_of(parties: Sequence[Party], ids: list[str], k: int) -> str | None:
    """The id of the one longer person name in the article ending with party ``k``'s name
    (None when there is none, or two different people share the surname)."""
    short = name_key(parties[k].name)
    if parties[k].kind != "person" or not short:
        return None
    found = {ids[j] for j, other in enumerate(parties)
             if j != k and other.kind == "person" and name_key(other.name).endswith(" " + short)}
    return found.pop() if len(found) == 1 else None


def resolve_parties(parties: Sequence[Party], article_text: str) -> list[Party]:
    """``parties`` with ``entity_id`` and ``surface`` set (existing values are kept).

    A party named by an acronym defined in the article takes the full name as ``name``
    and keeps the acronym as ``surface``; every other name is kept as it is.
    """
    defined = acronyms(article_text) if any(is_acronym(p.name) for p in parties) else {}
    expanded = [_expanded(p, defined) for p in parties]
    identities = [identify(name, p.kind, p.country)
                  for name, p in zip(expanded, parties, strict=True)]
    ids = [i.entity_id for i in identities]
    ids = [_surname_of(parties, ids, k) or ids[k] for k in range(len(parties))]
    out = []
    for k, party in enumerate(parties):
        name = expanded[k] if expanded[k] != clean(party.name) else party.name
        resolved = party.model_copy(update={"entity_id": party.entity_id or ids[k]})
        surface = party.surface or _surface(resolved, identities[k].country)
        out.append(resolved.model_copy(update={"surface": surface, "name": name}))
    return out


def with_entities(digest: Digest) -> Digest:
    """``digest`` with every party resolved (a v1 digest gets its ids on load)."""
    if all(p.entity_id and p.surface for p in digest.parties):
        return digest
    parties = resolve_parties(digest.parties, digest.article.text)
    return digest.model_copy(update={"parties": parties})
