"""Guarded fuzzy merges of entity ids across a corpus.

Two ids are merged only when all of these hold (examples from real names):

* **same prefix**: a company never merges with a person or a ministry;
* **countries never disagree**: ``country:`` ids are exact by construction and never
  fuzzy-merged; ``gov:`` ids carry their country, and only bodies of the *same* known
  country are compared ("Ministry of Planning" of Pakistan, ``gov:pak:ministry-of-planning``,
  and of India, ``gov:ind:...``, are never compared; a ``gov:`` id without a country is
  never merged into one with a country); organisations with two known, different
  countries are never merged;
* **names nearly equal**: the ids' slugs without stopwords score at least ``THRESHOLD``
  with rapidfuzz's token-sort ratio, and carry the same numbers ("Phase 2" is not "Phase 3"):
  "U.S. Department of State" / "US Department of State" merge, "Department of Commerce" /
  "Department of Energy" do not;
* **people**: same surname and compatible first names ("Joseph R. Biden, Jr." and
  "Joseph Biden"; "J. Biden" too). A bare surname ("Biden") merges only when exactly one
  fuller name in the corpus has that surname;
* **acronyms**: an id named only by an acronym ("org:cetc") merges into the entity that
  acronym was defined for in some article ("China Electronics Technology Group
  Corporation (CETC)"), when exactly one entity claims it.

A forbidden pair (aliases file) is never put in one group, whatever else holds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from .ids import TITLES
from .names import STOPWORDS, is_acronym, name_key, slug

if TYPE_CHECKING:
    from .corpus import EntityRecord

THRESHOLD = 92.0
_DIGITS = re.compile(r"\d+")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def _person_parts(name: str) -> tuple[str, str] | None:
    """(first name, surname) of a folded person name, or None for a single word."""
    words = [w for w in name_key(TITLES.sub("", name)).split() if w not in _SUFFIXES]
    if len(words) < 2:
        return None
    return words[0], words[-1]


def _compare_key(entity_id: str) -> str:
    """The id's slug without stopwords: "department of the state" -> "department state"."""
    words = entity_id.rsplit(":", 1)[-1].split("-")
    return " ".join(w for w in words if w not in STOPWORDS)


def _compatible_first(a: str, b: str) -> bool:
    return a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


class MergeFinder:
    """Union-find over entity ids, with forbidden pairs and a reason per merge."""

    def __init__(self, records: Mapping[str, EntityRecord],
                 forbid: frozenset[frozenset[str]] = frozenset()) -> None:
        self.records = records
        self.forbid = forbid
        self.parent: dict[str, str] = {eid: eid for eid in records}
        self.members: dict[str, set[str]] = {eid: {eid} for eid in records}
        self.reasons: dict[str, str] = {}

    def _root(self, eid: str) -> str:
        self.parent.setdefault(eid, eid)
        self.members.setdefault(eid, {eid})
        while self.parent[eid] != eid:
            self.parent[eid] = self.parent[self.parent[eid]]
            eid = self.parent[eid]
        return eid

    def _forbidden(self, a: str, b: str) -> bool:
        if not self.forbid:
            return False
        return any(frozenset((x, y)) in self.forbid
                   for x in self.members[a] for y in self.members[b])

    def union(self, a: str, b: str, reason: str) -> bool:
        ra, rb = self._root(a), self._root(b)
        if ra == rb or self._forbidden(ra, rb):
            return False
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.reasons.setdefault(a, reason)
        self.reasons.setdefault(b, reason)
        return True

    def force(self, a: str, b: str, reason: str) -> None:
        ra, rb = self._root(a), self._root(b)
        if ra != rb:
            self.parent[ra] = rb
            self.members[rb] |= self.members.pop(ra)
            self.reasons[a] = reason

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for eid in sorted(self.parent):
            out[self._root(eid)].append(eid)
        return list(out.values())

    # ------------------------------------------------------------- the rules

    def find(self) -> None:
        blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
        for eid, record in self.records.items():
            if record.prefix in ("country", "place"):
                continue
            if record.prefix == "person":
                parts = _person_parts(record.name)
                blocks[("person", parts[1] if parts else name_key(record.name))].append(eid)
            elif record.prefix == "gov":
                blocks[("gov", record.country or "?" + eid)].append(eid)
            else:
                key = name_key(record.name)
                blocks[(record.prefix, key[:1])].append(eid)
        for (prefix, _), ids in sorted(blocks.items()):
            if prefix == "person":
                self._people(ids)
            else:
                self._names(ids)
        self._acronyms()

    def _names(self, ids: list[str]) -> None:
        keys = {eid: _compare_key(eid) for eid in ids}
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                ra, rb = self.records[a], self.records[b]
                if ra.country and rb.country and ra.country != rb.country:
                    continue
                if _DIGITS.findall(keys[a]) != _DIGITS.findall(keys[b]):
                    continue
                if is_acronym(ra.name) or is_acronym(rb.name):
                    continue
                score = fuzz.token_sort_ratio(keys[a], keys[b])
                if score >= THRESHOLD:
                    self.union(a, b, f"fuzzy name {score:.0f}")

    def _people(self, ids: list[str]) -> None:
        full = [eid for eid in ids if _person_parts(self.records[eid].name)]
        bare = [eid for eid in ids if eid not in full]
        for i, a in enumerate(full):
            pa = _person_parts(self.records[a].name)
            for b in full[i + 1:]:
                pb = _person_parts(self.records[b].name)
                if pa and pb and _compatible_first(pa[0], pb[0]):
                    self.union(a, b, "same person name")
        heads = {self._root(eid) for eid in full}
        if len(heads) == 1:
            for eid in bare:
                self.union(next(iter(heads)), eid, "surname of the only full name")

    def _acronyms(self) -> None:
        claims: dict[str, set[str]] = defaultdict(set)
        for eid, record in self.records.items():
            own = eid.rsplit(":", 1)[-1]
            for surface in record.surfaces:
                if is_acronym(surface) and slug(surface) != own:
                    claims[f"{record.prefix}:{slug(surface)}"].add(eid)
        for eid, record in self.records.items():
            if not is_acronym(record.name) or eid.rsplit(":", 1)[-1] != slug(record.name):
                continue
            owners = {self._root(o) for o in claims.get(f"{record.prefix}:{slug(record.name)}",
                                                        ())}
            if len(owners) == 1:
                self.union(next(iter(owners)), eid, f"acronym {record.name}")
