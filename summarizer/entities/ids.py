"""Entity ids from a name, a kind and a country: one prefix per kind.

==================  ===========================  =======================================
kind                id                           example
==================  ===========================  =======================================
country             ``country:<ISO alpha-3>``    ``country:USA`` ("US", "U.S.", "America")
country, unknown    ``place:<slug>``             ``place:europe``
government_body     ``gov:<iso3>:<slug>``        ``gov:pak:ministry-of-planning``
gov., no country    ``gov:<slug>``               ``gov:ministry-of-planning``
organisation        ``org:<slug>``               ``org:european-union``
company             ``org:<slug>``               ``org:china-electronics-technology-...``
person              ``person:<slug>``            ``person:ahsan-iqbal``
other               ``other:<slug>``             ``other:karachi-port``
==================  ===========================  =======================================

Companies and organisations share ``org:`` because backends disagree on which is which
(a state-owned group is either). A government body's id carries its country, so the
"Ministry of Planning" of Pakistan and of India are two entities by construction; the
country's own name or demonym is dropped from the slug ("U.S. Coast Guard" and "Coast
Guard" of the United States are both ``gov:usa:coast-guard``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..rules.lexicon import KNOWN_ORGS
from .countries import country_code, country_name, demonym_code
from .names import clean, slug

PREFIXES: dict[str, str] = {"country": "country", "government_body": "gov",
                            "organisation": "org", "company": "org", "person": "person",
                            "other": "other"}
TITLES = re.compile(r"^(?:(?:president|prime minister|minister|vice president|dr|mr|mrs|ms|"
                     r"sir|ambassador|secretary|general|admiral|rear admiral|chairman|"
                     r"federal minister|first lady|king|queen|crown prince|sheikh|h\.?e\.?)"
                     r"\.?\s+)+", re.I)


@dataclass(frozen=True)
class Identity:
    """What an id was made from: the canonical name and the country (alpha-3) if known."""

    entity_id: str
    name: str
    country: str | None


def _known_org(name: str) -> str | None:
    entry = KNOWN_ORGS.get(clean(name))
    return entry[0] if entry else None


def _strip_country(name: str, code: str) -> str:
    """"U.S. Coast Guard" -> "Coast Guard"; "Civil Aviation Authority of Mongolia" ->
    "Civil Aviation Authority" (only names of ``code`` itself, or its demonym)."""
    words = name.split()
    for n in range(min(4, len(words) - 1), 0, -1):
        head = " ".join(words[:n]).removesuffix("'s").removesuffix("’s")
        if country_code(head) == code or demonym_code(head) == code:
            return " ".join(words[n:])
    for n in range(min(5, len(words) - 2), 0, -1):
        if words[-n - 1].lower() == "of" and country_code(" ".join(words[-n:])) == code:
            return " ".join(words[: -n - 1])
    return name


def _country_of(name: str, country: str | None) -> str | None:
    """The alpha-3 of ``country`` or, failing that, of a country named at the start of
    ``name`` ("Pakistani Ministry of Planning", "U.S. Peace Corps")."""
    code = country_code(country) if country else None
    if code:
        return code
    words = name.split()
    for n in range(min(4, len(words) - 1), 0, -1):
        head = " ".join(words[:n])
        code = country_code(head) or demonym_code(head)
        if code:
            return code
    return None


def identify(name: str, kind: str, country: str | None = None) -> Identity:
    """The entity id of a party named ``name`` of ``kind`` (``country`` as the digest has it)."""
    name = clean(name)
    if kind == "country" or (kind == "government_body" and country_code(name)):
        code = country_code(name) or demonym_code(name)  # "Chinese" stands for China
        if code:
            return Identity(f"country:{code}", country_name(code), code)
        return Identity(f"place:{slug(name)}", name, None)
    if kind == "government_body":
        code = _country_of(name, country)
        if code:
            own = _strip_country(name, code) or name
            return Identity(f"gov:{code.lower()}:{slug(own)}", name, code)
        return Identity(f"gov:{slug(name)}", name, None)
    code = country_code(country) if country else None
    if kind == "person":
        name = TITLES.sub("", name) or name
    elif kind in ("organisation", "company"):
        name = _known_org(name) or name
    return Identity(f"{PREFIXES.get(kind, 'other')}:{slug(name)}", name, code)
