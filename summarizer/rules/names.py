"""One lookup table for names: countries (pycountry plus short forms), demonyms,
capitals, well-known organisations, and look-alikes that are none of these ("South China
Sea", "Mexico City"). Built once, on first use."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from ..models import PartyKind
from ..text import country_name, country_spellings
from .lexicon import (
    CAPITALS,
    DEMONYMS,
    KNOWN_ORGS,
    NOT_COUNTRIES,
    NOT_DEMONYMS,
)
from .tokens import Token, key_of, norm_key, word_runs

Role = Literal["country", "org", "demonym", "capital", "none"]


@dataclass(frozen=True)
class Entry:
    """What a name stands for. ``country`` is a canonical country name."""

    role: Role
    name: str | None = None
    kind: PartyKind | None = None
    country: str | None = None


@dataclass(frozen=True)
class Hit:
    """A name found in text: tokens ``first``..``last`` of a word run."""

    entry: Entry
    tokens: tuple[Token, ...]

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end


def _country_keys() -> Iterator[tuple[str, str]]:
    for raw, code in country_spellings():
        if "," not in raw and "(" not in raw:
            yield raw.removeprefix("the "), code


@cache
def table() -> dict[str, Entry]:
    """Lookup key (see ``tokens.key_of``) → entry."""
    out: dict[str, Entry] = {}
    for raw, code in _country_keys():
        out[key_of(raw)] = Entry("country", country_name(code), "country", country_name(code))
    for demonym, code in DEMONYMS.items():
        out[key_of(demonym)] = Entry("demonym", country=country_name(code))
    for capital, code in CAPITALS.items():
        out[key_of(capital)] = Entry("capital", country=country_name(code))
    for key, (name, kind, home) in KNOWN_ORGS.items():
        out[key_of(key)] = Entry("org", name, kind, country_name(home) if home else None)
    for raw in (*NOT_COUNTRIES, *NOT_DEMONYMS):
        out[key_of(raw)] = Entry("none")
    return out


@cache
def _longest_key() -> int:
    return max(len(k.split()) for k in table())


def _match_at(run: Sequence[Token], i: int) -> Hit | None:
    names = table()
    for n in range(min(_longest_key(), len(run) - i), 0, -1):
        entry = names.get(norm_key([t.text for t in run[i:i + n]]))
        if entry is not None:
            return Hit(entry, tuple(run[i:i + n]))
    return None


def find_names(tokens: Sequence[Token]) -> list[Hit]:
    """Every table name in ``tokens``, longest match first, left to right."""
    hits: list[Hit] = []
    for run in word_runs(tokens):
        i = 0
        while i < len(run):
            hit = _match_at(run, i) if run[i].is_cap else None
            if hit is None:
                i += 1
                continue
            if hit.entry.role != "none":
                hits.append(hit)
            i += len(hit.tokens)
    return hits
