"""Name keys for entity ids, slugs for ids, acronym tests: built on ``summarizer.text``,
the package's one folding and name-normalisation layer."""

from __future__ import annotations

import re
from functools import lru_cache

from .. import text

_SPACES = re.compile(r"\s+")
_LEADING_THE = re.compile(r"^(?:the)\s+", re.I)
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&.\-]{1,11}$")

STOPWORDS = frozenset({"of", "and", "the", "for", "on", "in", "de", "du", "des", "la", "le",
                       "y", "et", "&", "to", "at"})


fold = text.fold


def clean(name: str) -> str:
    """Whitespace collapsed, a leading "the" and surrounding punctuation dropped."""
    name = _SPACES.sub(" ", name).strip(" \t\n,;:\"“”")
    return _LEADING_THE.sub("", name)


@lru_cache(maxsize=65_536)
def name_key(name: str) -> str:
    """A lookup key: ``text.text_key`` of the cleaned name ("U.S." == "US", punctuation as
    spaces, a leading "the" dropped); no country aliases, no titles stripped (ids do that)."""
    return text.text_key(clean(name))


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
