"""Parties: countries, organisations and people, each with every place the text names it.

Mentions from ``countries``, ``orgs`` and ``people`` are grouped by name (an acronym joins
its full name; "Department of Commerce" joins "U.S. Department of Commerce"). A country
or table organisation named once, outside the lead and outside any sentence about working
together (Russia in "Russia's invasion of Ukraine"), is left out as scenery.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Party, PartyKind
from ..text import fold
from .config import RulesConfig
from .countries import country_at, country_mentions
from .cues import COOPERATION
from .lexicon import words
from .orgs import alias_mentions, org_mentions
from .people import merge_people, people_mentions, surname_mentions
from .sentences import Document
from .spans import Mention, evidence_for
from .tokens import tokenize

_KIND_ORDER: dict[str, int] = {"country": 0, "government_body": 1, "organisation": 2,
                               "company": 3, "other": 4, "person": 5}
_LEAD_SENTENCES = 1
_COUNTRY_PREFIXES = ("u.s. ", "us ", "united states ", "the ")


@dataclass(frozen=True)
class Found:
    """A party and its mentions, before it becomes a ``Party``."""

    name: str
    kind: PartyKind
    mentions: tuple[Mention, ...]
    role: str | None = None
    country: str | None = None

    @property
    def sentences(self) -> frozenset[int]:
        return frozenset(m.sentence for m in self.mentions)

    @property
    def first(self) -> int:
        return self.mentions[0].start


def _key(name: str) -> str:
    """Comparable form: "Philippine Coast Guard" = "Philippines Coast Guard"; "U.S."
    before a name is dropped ("U.S. Department of State" = "Department of State")."""
    tokens = tokenize(name)
    if len(tokens) > 1 and tokens[0].text != "U.S.":
        country = country_at(tokens[:1])
        if country is not None:
            name = country + name[tokens[0].end:]
    key = fold(name)
    for prefix in _COUNTRY_PREFIXES:
        key = key.removeprefix(prefix)
    return key


def _group(mentions: Sequence[Mention]) -> list[list[Mention]]:
    """Mentions of organisations and countries grouped by name, acronyms resolved."""
    full = {m.acronym: m.name for m in mentions if m.acronym}
    groups: dict[str, list[Mention]] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        name = full.get(mention.name, mention.name)
        groups.setdefault(_key(name), []).append(mention)
    return list(groups.values())


def _found(group: Sequence[Mention]) -> Found:
    names = [m.name for m in group]
    name = max(names, key=lambda n: (len(n.split()), -names.index(n)))
    roles = [m.role for m in group if m.role]
    return Found(
        name=name,
        kind=group[0].kind,
        mentions=tuple(sorted(group, key=lambda m: m.start)),
        role=max(roles, key=len) if roles else None,
        country=next((m.country for m in group if m.country), None),
    )


def _relevant(doc: Document, found: Found, config: RulesConfig) -> bool:
    """Countries and table organisations need a cooperation context, the lead, or repeats."""
    if len(found.mentions) >= config.country_min_mentions:
        return True
    lead = {s.index for s in doc.content[:_LEAD_SENTENCES]}
    for mention in found.mentions:
        sentence = doc.sentences[mention.sentence]
        if mention.sentence in lead or sentence.kind == "heading":
            return True
        if COOPERATION.search(sentence.text):
            return True
    return False


_ROLE_WORDS = frozenset(w.casefold() for w in words("""Spokeswoman Spokesman Spokesperson
Minister Secretary Director Ambassador Chairman Chairwoman Chair Envoy Adviser Advisor Governor
Deputy Official Officials President Premier Chancellor Delegation Head Chief Commissioner
Representative Undersecretary Counselor"""))
_ROLE_LINKS = frozenset({"for", "of", "to", "general"})
_NOUN_ENDING = re.compile(r"(?:tions|sions|ments|ities|nesses|ances|ences|ures|ships|isms|ies"
                          r"|ings)$")
_STOP_INITIALS = frozenset({"of", "the", "and", "for", "on", "in", "&", "u.s.", "us"})


def _name_shaped(found: Found) -> bool:
    """A name, not a capitalised common noun ("Provisions", "Policies") or a role phrase
    ("Spokeswoman for the Ministry", "Minister of Finance")."""
    tokens = found.name.split()
    if not tokens or found.kind == "country":
        return True
    first = tokens[0].casefold()
    if found.kind == "person" and any(t.casefold().strip(",.") in _ROLE_WORDS for t in tokens):
        return False
    if first in _ROLE_WORDS and len(tokens) > 1 and tokens[1].casefold() in _ROLE_LINKS:
        return False
    single = len(tokens) == 1 and not found.name.isupper()
    return not (single and _NOUN_ENDING.search(found.name.casefold()))


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w'’.-]*", name)
                   if w.casefold() not in _STOP_INITIALS).upper()


def _merge_acronyms(found: Sequence[Found]) -> list[Found]:
    """An acronym party ("DFC") joins the full name whose initials it is ("U.S. International
    Development Finance Corporation"), so one organisation is one party."""
    out = list(found)
    for f in list(out):
        if f.kind == "person" or not f.name.isupper() or len(f.name) < 2:
            continue
        target = next((g for g in out if g is not f and g.kind != "person"
                       and len(g.name.split()) >= 2 and _initials(g.name) == f.name), None)
        if target is None:
            continue
        merged = Found(name=target.name, kind=target.kind,
                       mentions=tuple(sorted((*target.mentions, *f.mentions),
                                             key=lambda m: m.start)),
                       role=target.role or f.role, country=target.country or f.country)
        out = [merged if g is target else g for g in out if g is not f]
    return out


def find_parties(doc: Document, config: RulesConfig) -> list[Found]:
    """Every party the rules find, countries first, then by first mention."""
    named = country_mentions(doc)
    orgs = org_mentions(doc)
    table = [_found(g) for g in _group([*named, *orgs, *alias_mentions(doc, orgs)])]
    pattern_names = {_key(m.name) for m in orgs}
    kept = [f for f in table if _key(f.name) in pattern_names or _relevant(doc, f, config)]
    people = [_found(g) for g in surname_mentions(doc, merge_people(people_mentions(doc)))]
    found = _merge_acronyms([f for f in (*kept, *people) if _name_shaped(f)])
    return sorted(found, key=lambda f: (_KIND_ORDER[f.kind], f.first))


def to_party(doc: Document, found: Found, config: RulesConfig) -> Party:
    spans = [(m.start, m.end) for m in found.mentions]
    return Party(name=found.name, kind=found.kind, role=found.role, country=found.country,
                 evidence=evidence_for(doc, spans, config.max_quote_chars, config.max_evidence))
