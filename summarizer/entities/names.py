"""Name folding for entity ids: keys for lookups, slugs for ids, acronym tests.

Small on purpose. ``summarizer/text.py`` (issue 8) brings one folding and
name-normalisation layer for the whole package; at merge, ``fold``, ``name_key`` and
``slug`` here should become thin calls into it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^(?:the)\s+", re.I)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&.\-]{1,11}$")

STOPWORDS = frozenset({"of", "and", "the", "for", "on", "in", "de", "du", "des", "la", "le",
                       "y", "et", "&", "to", "at"})


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case without diacritics, typographic apostrophes straightened."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def clean(name: str) -> str:
    """Whitespace collapsed, a leading "the" and surrounding punctuation dropped."""
    name = _SPACES.sub(" ", name).strip(" \t\n,;:\"“”")
    return _LEADING_THE.sub("", name)


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """A lookup key: folded, dots removed ("U.S." == "US"), other punctuation as spaces."""
    return " ".join(_NON_WORD.sub(" ", fold(clean(name)).replace(".", "")).split())


def slug(name: str) -> str:
    """The id slug of a name: ``"Ministry of Planning"`` -> ``ministry-of-planning``."""
    return name_key(name).replace(" ", "-") or "unnamed"


def is_acronym(name: str) -> bool:
    """"CETC", "U.S.", "MoU"-like: one short token with at least two capitals."""
    name = name.strip()
    return bool(_ACRONYM.match(name)) and sum(ch.isupper() for ch in name) >= 2


def acronym_letters(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalpha())


def expands(acronym: str, words: list[str]) -> bool:
    """Whether ``words`` spell ``acronym``: its letters, in order, start words of it,
    beginning with the first word ("China Electronics Technology Group Corporation" for
    "CETC"; stopwords may be skipped or used)."""
    letters = acronym_letters(acronym)
    if not letters or not words or fold(words[0][:1]).upper() != letters[0]:
        return False
    initials = [fold(w[:1]).upper() for w in words if w[:1].isalnum()]
    pos = 0
    for letter in letters:
        while pos < len(initials) and initials[pos] != letter:
            pos += 1
        if pos == len(initials):
            return False
        pos += 1
    capitals = sum(1 for w in words if w[:1].isupper())
    return capitals >= min(2, len(letters))
