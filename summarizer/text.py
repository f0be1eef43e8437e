"""Text and identity: how text is folded for comparison, and when two spellings name one thing.

Folding
    :func:`fold` is the form quotes and labels are compared in: case-folded, Unicode
    compatibility forms decomposed and their marks dropped ("Constanța" = "constanta"), a few
    letters NFKD keeps whole spelled out ("Łódź" = "lodz", "æ" = "ae"), curly quotes and
    dashes made ASCII, whitespace runs one space. :func:`unaccent` does the same but keeps
    case. :class:`FoldedText` is a folded copy with a map back to the original offsets.

Keys
    :func:`words` splits folded text into words (possessive "'s" dropped, periods and
    apostrophes dropped so "U.S." = "US", "&" read as "and", other punctuation a space);
    :func:`text_key` joins them without a leading "the". :func:`name_key` is the identity of a
    name: its words with "US"/"USA"/"UK" spelled out, a leading "the" and leading person
    titles dropped ("Dr.", "Prime Minister"), then the whole name looked up in the country
    alias table ("U.S.", "USA", "the United States of America" → "united states";
    "Türkiye", "Turkey" → "turkiye"). Legal forms (Ltd, Inc, Corporation) are part of a
    name and stay: they tell "X Corporation" from "X Foundation", and acronym matching
    counts their initials. The digest item models' ``key()`` methods are built on these.

Countries
    One table: pycountry's names, official and common names plus :data:`COUNTRY_ALIASES`
    (later spellings win), each standing for an ISO code, reported under
    :func:`country_name`.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

__all__ = [
    "COUNTRY_ALIASES",
    "NAME_SUFFIXES",
    "PREFERRED_NAMES",
    "FoldedText",
    "country_aliases",
    "country_forms",
    "country_name",
    "country_spellings",
    "fold",
    "instrument_key",
    "is_name_suffix",
    "name_key",
    "strip_titles",
    "text_key",
    "unaccent",
    "unique_names",
    "words",
]

# --------------------------------------------------------------------------- folding

_CHARS = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043", "-"),
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE",
    "œ": "oe", "Œ": "OE", "ı": "i",
})
_DROPPED_CATEGORIES = frozenset({"Mn", "Me", "Cf", "Cc"})


def _fold_one(ch: str, casefold: bool) -> str:
    if ch.isspace():
        return " "
    decomposed = unicodedata.normalize("NFKD", ch.translate(_CHARS))
    if casefold:
        decomposed = decomposed.casefold()
    kept = (" " if c.isspace() else c for c in decomposed
            if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    return "".join(kept).translate(_CHARS)


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character folded: ASCII quotes and dashes, NFKD without marks, case-folded."""
    return _fold_one(ch, casefold=True)


@lru_cache(maxsize=8192)
def _unaccent_char(ch: str) -> str:
    return _fold_one(ch, casefold=False)


def fold(text: str) -> str:
    """The comparison form of ``text`` (see the module doc); whitespace runs become one space."""
    return " ".join("".join(map(_fold_char, text)).split())


def unaccent(text: str) -> str:
    """``text`` folded like :func:`fold` but with its case kept and its spaces as they are."""
    return "".join(map(_unaccent_char, text))


@dataclass(frozen=True)
class FoldedText:
    """A folded copy of a text; folded character ``i`` came from ``text[starts[i]:ends[i]]``."""

    text: str
    starts: array[int]
    ends: array[int]

    @classmethod
    def build(cls, text: str) -> FoldedText:
        chars: list[str] = []
        starts, ends = array("l"), array("l")
        for i, ch in enumerate(text):
            added = False
            for c in _fold_char(ch):
                if c == " " and (not chars or chars[-1] == " "):
                    continue
                chars.append(c)
                starts.append(i)
                ends.append(i + 1)
                added = True
            if not added and ends:  # a dropped mark or collapsed space joins the previous char
                ends[-1] = i + 1
        return cls("".join(chars), starts, ends)

    def original(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded span ``[start, end)`` (``end > start``)."""
        return self.starts[start], self.ends[end - 1]

    def folded_offset(self, original: int) -> int:
        return bisect_left(self.starts, original)


# --------------------------------------------------------------------------- words and names

_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_DROPPED = re.compile(r"[.']")
_NON_WORD = re.compile(r"[^\w\s]|_")
_TITLES: tuple[tuple[str, ...], ...] = tuple(sorted((tuple(t.split()) for t in (
    "first lady", "vice president", "prime minister", "rear admiral", "vice admiral",
    "his excellency", "her excellency", "his majesty", "her majesty", "his highness",
    "her highness", "crown prince", "president", "minister", "ambassador", "admiral", "mr",
    "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "senator", "sen",
    "secretary", "governor", "chairman", "chairwoman", "chancellor", "king", "queen",
    "prince", "princess", "sheikh", "sheikha", "emir", "hon", "honorable", "honourable",
    "mayor", "premier")), key=len, reverse=True))
"""Person titles dropped from the front of a name, longest first."""
_TOKEN_ALIASES: dict[str, tuple[str, ...]] = {
    "us": ("united", "states"), "usa": ("united", "states"), "uk": ("united", "kingdom")}

NAME_SUFFIXES: frozenset[str] = frozenset({"Jr", "Sr", "II", "III", "IV"})
"""Generational suffixes of a person's name, as written."""
_SUFFIX_KEYS = frozenset(s.casefold() for s in NAME_SUFFIXES)


def is_name_suffix(word: str) -> bool:
    """Whether ``word`` is a generational suffix ("Jr.", "III"), in any case."""
    return word.strip(".,").casefold() in _SUFFIX_KEYS


def words(text: str) -> list[str]:
    """The folded words of ``text``: "The U.S.' partners & allies" → the us partners and allies."""
    text = fold(text).replace("&", " and ")
    return _NON_WORD.sub(" ", _DROPPED.sub("", _POSSESSIVE.sub("", text))).split()


def text_key(text: str) -> str:
    """The key of a free text (a title, a description): its words without a leading "the"."""
    found = words(text)
    return " ".join(found[1:] if found[:1] == ["the"] and len(found) > 1 else found)


def strip_titles(tokens: Sequence[str]) -> list[str]:
    """Drop a leading "the" and leading person titles, keeping at least one token."""
    out = list(tokens)
    changed = True
    while changed and len(out) > 1:
        changed = False
        if out[0] == "the":
            out, changed = out[1:], True
            continue
        for title in _TITLES:
            if len(out) > len(title) and tuple(out[: len(title)]) == title:
                out, changed = out[len(title):], True
                break
    return out


def _clean(name: str) -> str:
    """A name's words with abbreviations spelled out and titles dropped (no whole-name alias)."""
    expanded = (part for token in words(name) for part in _TOKEN_ALIASES.get(token, (token,)))
    return " ".join(strip_titles(list(expanded)))


@lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """The identity of a name: cleaned words, country aliases resolved (see the module doc).

    >>> name_key("The People's Republic of China"), name_key("U.S.")
    ('china', 'united states')
    """
    cleaned = _clean(name)
    return _name_aliases().get(cleaned, cleaned)


def unique_names(*groups: Iterable[str]) -> list[str]:
    """Names with stray whitespace collapsed, the first spelling of each identity kept."""
    seen: dict[str, str] = {}
    for group in groups:
        for name in group:
            if name.strip():
                seen.setdefault(name_key(name), " ".join(name.split()))
    return list(seen.values())


def instrument_key(kind: str, title: str | None, parties: Iterable[str]) -> Hashable:
    """An instrument's identity: its kind and title, or, untitled, its kind and parties."""
    title_key = text_key(title or "")
    if title_key:
        return kind, title_key
    return kind, frozenset(name_key(p) for p in parties if p.strip())


# --------------------------------------------------------------------------- countries

PREFERRED_NAMES: dict[str, str] = {
    "US": "United States", "GB": "United Kingdom", "KR": "Republic of Korea",
    "KP": "North Korea", "RU": "Russia", "VN": "Vietnam", "SY": "Syria", "LA": "Laos",
    "TW": "Taiwan", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "PS": "Palestine", "FM": "Micronesia", "BN": "Brunei", "VA": "Vatican City",
    "IR": "Iran", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "MD": "Moldova",
    "XK": "Kosovo",
}
"""ISO code → the short common name parties are reported under."""

COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America",
           "United States"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "United Kingdom"),
    "AE": ("UAE", "U.A.E.", "United Arab Emirates"),
    "KR": ("South Korea", "Korea", "ROK", "R.O.K.", "Republic of Korea"),
    "KP": ("North Korea", "DPRK", "Democratic People's Republic of Korea"),
    "CN": ("PRC", "People's Republic of China", "Peoples Republic of China", "Mainland China"),
    "RU": ("Russia", "Russian Federation"),
    "VN": ("Vietnam", "Viet Nam"),
    "TR": ("Turkey", "Türkiye", "Turkiye"),
    "CZ": ("Czech Republic",),
    "CI": ("Ivory Coast", "Cote d'Ivoire", "Côte d'Ivoire"),
    "MM": ("Burma",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "CV": ("Cape Verde",),
    "TL": ("East Timor",),
    "CD": ("DRC", "DR Congo", "Democratic Republic of the Congo",
           "Democratic Republic of Congo"),
    "CG": ("Republic of the Congo",),
    "VA": ("Vatican", "Holy See", "Vatican City"),
    "PS": ("Palestine",),
    "SA": ("KSA", "Saudi Arabia", "Kingdom of Saudi Arabia"),
    "LA": ("Laos",), "IR": ("Iran",), "SY": ("Syria",), "BN": ("Brunei",),
    "FM": ("Micronesia",), "BO": ("Bolivia",), "VE": ("Venezuela",), "TZ": ("Tanzania",),
    "MD": ("Moldova",), "TW": ("Taiwan",), "XK": ("Kosovo",),
    "GM": ("The Gambia",), "BS": ("The Bahamas",), "NL": ("Holland", "The Netherlands"),
}
"""ISO code → spellings of the country as running text writes them (case matters to the
rules backend: "US" is a country, "us" is not)."""

_OTHER_ALIASES: dict[str, str] = {"EU": "European Union"}
"""Names that are not countries but resolve like them in :func:`name_key`."""


@cache
def country_name(code: str) -> str:
    """The short common name of a country, from its ISO alpha-2 code."""
    import pycountry

    if code in PREFERRED_NAMES:
        return PREFERRED_NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def country_spellings() -> Iterator[tuple[str, str]]:
    """``(spelling, ISO code)``: pycountry's names, then :data:`COUNTRY_ALIASES`."""
    import pycountry

    for country in pycountry.countries:
        for raw in (country.name, getattr(country, "official_name", None),
                    getattr(country, "common_name", None)):
            if raw:
                yield raw, country.alpha_2
    for code, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            yield alias, code


@cache
def _country_codes() -> dict[str, str]:
    """Cleaned spelling → ISO code."""
    return {_clean(raw): code for raw, code in country_spellings()}


@cache
def _name_aliases() -> dict[str, str]:
    """Cleaned alias → cleaned canonical name: every country spelling, plus a few others."""
    codes = _country_codes()
    canonical = {code: _clean(country_name(code)) for code in set(codes.values())}
    table = {k: canonical[code] for k, code in codes.items()}
    table.update({_clean(k): _clean(v) for k, v in _OTHER_ALIASES.items()})
    return table


@cache
def country_forms() -> frozenset[tuple[str, ...]]:
    """The words of every name :func:`name_key` resolves as a country, and of what it
    resolves them to."""
    table = _name_aliases()
    return frozenset(tuple(n.split()) for n in (*table, *table.values()))


@cache
def _spellings_by_code() -> dict[str, tuple[str, ...]]:
    """ISO code → its spellings as running text writes them (no "Korea, Republic of")."""
    out: dict[str, list[str]] = {}
    for raw, code in country_spellings():
        if "," not in raw and "(" not in raw:
            out.setdefault(code, []).append(raw)
    return {code: tuple(dict.fromkeys(names)) for code, names in out.items()}


@cache
def _folded_spellings() -> tuple[tuple[str, str], ...]:
    """``(folded spelling, code)`` of every running-text spelling."""
    return tuple((fold(s), code) for code, names in _spellings_by_code().items()
                 for s in names)


def _ends_another(spelling: str, code: str) -> bool:
    """Whether another country's spelling ends in ``spelling`` after a qualifier ("Korea"
    in "North Korea", not "China" in "... Region of China"), so that finding it does not
    show this country is named."""
    tail = " " + fold(spelling)
    return any(other.endswith(tail) and other[:-len(tail)].rsplit(" ", 1)[-1] not in ("of", "the")
               for other, c in _folded_spellings() if c != code)


@lru_cache(maxsize=256)
def country_aliases(name: str) -> tuple[str, ...]:
    """Other spellings of the country ``name`` names ("People's Republic of China" →
    "China", "PRC", ...), leaving out those that end another country's name."""
    code = _country_codes().get(_clean(name))
    if code is None:
        return ()
    return tuple(s for s in _spellings_by_code().get(code, ())
                 if s != name and not _ends_another(s, code))
