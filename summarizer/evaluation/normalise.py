"""Normalisation for matching predictions against gold: names, numbers and content words.

Names are compared in several forms (:func:`name_forms`), each built on
:func:`summarizer.text.name_key` (folded, titles and "the" dropped, "U.S." = "US" = "United
States", country aliases resolved): the key of the whole name, of the name without its
parenthetical, of the name without a leading or trailing country ("U.S. National Science
Foundation" → "national science foundation"), and for persons without initials and
Jr./Sr. Acronyms ("CETC", "(CETC)") and the initials of multi-word forms are kept beside.

:func:`numbers` reads the numbers a value states: digits, thousands separators, the number
words one..twenty and thousand/million/billion ("3 -> 6 ports" = "from three to six").

:func:`content_words` reduces a text to content words: folded to ASCII, lower-cased,
"US"/"UK"/"EU"/"UAE"/"PRC" expanded, stopwords and one-letter words dropped, number words
one..twenty turned into digits, numbers kept (without thousands separators) and words
lightly stemmed (plural "s"/"ies", "ing", "ed", final "e").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..text import country_forms, is_name_suffix, name_key, strip_titles, unaccent

__all__ = ["NameForms", "content_words", "name_forms", "numbers", "person_form", "years"]

_STOP_INITIALS = frozenset({"of", "and", "the", "for", "on", "in", "to", "de", "da", "du",
                            "des", "la", "le", "at", "a", "an"})
_PAREN = re.compile(r"\(([^()]*)\)")
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9&.\-]{1,11}")

# --------------------------------------------------------------------------- names


def _without_country(form: str) -> str | None:
    """The form without a leading or trailing country name, if two or more words remain."""
    tokens = form.split()
    countries = country_forms()
    if tuple(tokens) in countries:
        return None
    for n in range(min(6, len(tokens) - 2), 0, -1):
        head = strip_titles(tokens[n:])
        if tuple(tokens[:n]) in countries and len(head) > 1:
            return " ".join(head)
        tail = tokens[:-n][:-1] if tokens[-n - 1] == "of" else tokens[:-n]
        if tuple(tokens[-n:]) in countries and len(tail) > 1:
            return " ".join(tail)
    return None


@dataclass(frozen=True)
class NameForms:
    """Everything a name is compared by."""

    exact: str
    forms: tuple[tuple[str, bool], ...]
    """(normalized variant, whether it lost a country), the exact form first."""
    acronyms: frozenset[str]
    initials: frozenset[str]


def _acronym(raw: str) -> str | None:
    raw = raw.strip()
    if _ACRONYM.fullmatch(raw) and sum(c.isupper() for c in raw) >= 2:
        return re.sub(r"[^a-z0-9]", "", unaccent(raw).casefold())
    return None


def _initials(form: str) -> str:
    return "".join(t[0] for t in form.split() if t not in _STOP_INITIALS)


def person_form(form: str) -> str:
    """A person's name without initials and Jr./Sr. suffixes."""
    return " ".join(t for t in form.split() if len(t) > 1 and not is_name_suffix(t))


@lru_cache(maxsize=4096)
def name_forms(raw: str, person: bool) -> NameForms:
    """The forms a name is compared by (see the module doc)."""
    exact = name_key(raw)
    inner = [m.strip() for m in _PAREN.findall(raw)]
    plain = [exact, name_key(_PAREN.sub(" ", raw))]
    if person:
        plain += [person_form(f) for f in plain]
    plain = [f for f in dict.fromkeys(plain) if f]
    forms = [(f, False) for f in plain]
    if not person:
        stripped = (_without_country(f) for f in plain)
        forms += [(s, True) for s in dict.fromkeys(stripped) if s and s not in plain]
    acronyms = frozenset(a for a in (_acronym(raw), *map(_acronym, inner)) if a)
    initials = frozenset(_initials(f) for f, _ in forms if len(f.split()) > 1)
    return NameForms(exact, tuple(forms), acronyms, initials)


# --------------------------------------------------------------------------- numbers, words

_NUMBER_WORD_TEXT = ("zero one two three four five six seven eight nine ten eleven twelve "
                     "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty")
_NUMBER_WORDS = {w: i for i, w in enumerate(_NUMBER_WORD_TEXT.split())}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}
_NUMBER = re.compile(
    r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b)"
    r"(?:\s*(" + "|".join(_SCALES) + r")\b)?")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_WORD = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[a-z]+")
_ABBREVIATIONS = (
    (re.compile(r"\bU\.S\.(?:A\.)?|\bUSA?\b"), " united states "),
    (re.compile(r"\bU\.K\.|\bUK\b"), " united kingdom "),
    (re.compile(r"\bUAE\b"), " united arab emirates "),
    (re.compile(r"\bEU\b"), " european union "),
    (re.compile(r"\bPRC\b"), " china "),
    (re.compile(r"\bROK\b"), " republic of korea "),
)
_STOPWORD_TEXT = """
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
per via within upon among amid s t
"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def numbers(text: str | None) -> frozenset[float]:
    """The numbers a string states: digits, one..twenty, and thousand/million/billion."""
    found: set[float] = set()
    for digits, scale in _NUMBER.findall((text or "").casefold()):
        value = float(_NUMBER_WORDS.get(digits, 0)) if digits.isalpha() else float(
            digits.replace(",", ""))
        found.add(round(value * _SCALES.get(scale, 1.0), 6))
    return frozenset(found)


def years(text: str | None) -> frozenset[str]:
    """The years (1900-2099) a string names."""
    return frozenset(_YEAR.findall(text or ""))


def _stem(word: str) -> str:
    if word[0].isdigit():
        return word.replace(",", "")
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def content_words(text: str) -> list[str]:
    """The stemmed content words of a text, in order (see the module docstring)."""
    text = unaccent(text)
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    words = (str(_NUMBER_WORDS.get(w, w)) for w in _WORD.findall(text.casefold()))
    return [_stem(w) for w in words if w not in _STOPWORDS and (len(w) > 1 or w.isdigit())]
