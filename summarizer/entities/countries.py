"""Country names to ISO 3166-1 alpha-3 codes, and the surface forms of each country.

Built once from pycountry (name, official and common names) plus the alias table the
country table in ``summarizer.text`` ("US", "U.S.", "PRC", "UAE", "Türkiye",
"Viet Nam", "South Korea", ...) and a few more here. ``summarizer/text.py`` (issue 8)
brings one country-alias layer; at merge ``country_code`` should delegate to it.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

from ..rules.lexicon import DEMONYMS
from ..text import COUNTRY_ALIASES, PREFERRED_NAMES
from .names import name_key

EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "USA": ("United States of America", "America",
            "U.S.A", "US of A"),
    "CHN": ("China", "People's Republic of China", "Mainland China", "PRC"),
    "KOR": ("South Korea", "Republic of Korea", "Korea, Republic of", "ROK"),
    "TUR": ("Türkiye", "Turkiye", "Republic of Türkiye"),
    "VNM": ("Viet Nam", "Vietnam"),
    "GBR": ("Britain", "Great Britain", "UK", "U.K."),
}
"""ISO alpha-3 -> more names, on top of pycountry and ``rules.lexicon.COUNTRY_ALIASES``."""

_GOVERNMENT = re.compile(
    r"^(?:the\s+)?(?:federal\s+|royal\s+|national\s+)?government\s+of\s+(?:the\s+)?(.+)$"
    r"|^(?:the\s+)?(.+?)\s+government$", re.I)


def _alpha3(alpha2: str) -> str | None:
    country = pycountry.countries.get(alpha_2=alpha2)
    return None if country is None else str(country.alpha_3)


@cache
def surfaces() -> dict[str, tuple[str, ...]]:
    """ISO alpha-3 -> every name the country goes by, longest first."""
    out: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = out.setdefault(str(country.alpha_3), set())
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value and "(" not in value:
                names.add(value)
    for alpha2, aliases in COUNTRY_ALIASES.items():
        code = _alpha3(alpha2)
        if code:
            out.setdefault(code, set()).update(aliases)
    for alpha2, name in PREFERRED_NAMES.items():
        code = _alpha3(alpha2)
        if code:
            out.setdefault(code, set()).add(name)
    for code, aliases in EXTRA_ALIASES.items():
        out.setdefault(code, set()).update(a for a in aliases if "," not in a)
    return {code: tuple(sorted(names, key=lambda n: (-len(n), n))) for code, names in out.items()}


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, names in surfaces().items():
        for name in names:
            index.setdefault(name_key(name), code)
    for alpha2, aliases in COUNTRY_ALIASES.items():  # the curated table wins over pycountry
        curated = _alpha3(alpha2)
        for name in aliases:
            if curated:
                index[name_key(name)] = curated
    return index


@cache
def _demonyms() -> dict[str, str]:
    out = {}
    for demonym, alpha2 in DEMONYMS.items():
        code = _alpha3(alpha2)
        if code:
            out[name_key(demonym)] = code
    return out


def country_code(name: str | None) -> str | None:
    """ISO alpha-3 of a country name or alias ("U.S." -> "USA"), else None.

    Also reads "Government of X" and "the X government". Two- and three-letter codes
    count only when written in capitals ("US", "GBR"), never "us".
    """
    if not name or not name.strip():
        return None
    key = name_key(name)
    code = _index().get(key)
    if code:
        return code
    bare = name.strip().replace(".", "")
    if bare.isupper() and len(bare) in (2, 3):
        country = (pycountry.countries.get(alpha_2=bare) if len(bare) == 2
                   else pycountry.countries.get(alpha_3=bare))
        if country is not None:
            return str(country.alpha_3)
    match = _GOVERNMENT.match(name.strip())
    if match:
        return country_code(match.group(1) or match.group(2))
    return None


def demonym_code(word: str) -> str | None:
    """ISO alpha-3 of a demonym ("Pakistani" -> "PAK"), else None."""
    return _demonyms().get(name_key(word))


def country_name(code: str) -> str:
    """The short name a country is shown under ("USA" -> "United States")."""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    alpha2 = str(country.alpha_2)
    if alpha2 in PREFERRED_NAMES:
        return PREFERRED_NAMES[alpha2]
    return str(getattr(country, "common_name", None) or country.name)


@cache
def _surface_pattern(code: str) -> re.Pattern[str]:
    names = [n for n in surfaces().get(code, ()) if n]
    body = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w.])(?:{body})(?![\w])")


def find_surface(code: str, text: str) -> str | None:
    """The first (then longest) name of country ``code`` as written in ``text``."""
    if code not in surfaces():
        return None
    match = _surface_pattern(code).search(text)  # leftmost; alternatives are longest first
    return None if match is None else match.group()
