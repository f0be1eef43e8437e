"""Numbers written as words or digits, money, percentages, ranges and deadlines."""

from __future__ import annotations

import re

from .lexicon import words

_UNITS = words("""zero one two three four five six seven eight nine ten eleven twelve
thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty""")
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90, "hundred": 100}
WORD_VALUES: dict[str, int] = {**{w: i for i, w in enumerate(_UNITS)}, **_TENS}

_NUM = r"(?:\d[\d,]*(?:\.\d+)?|" + "|".join(sorted(WORD_VALUES, key=len, reverse=True)) + ")"
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November"
          r"|December)")
_YEAR = r"(?:19|20)\d\d"


def _rx(pattern: str) -> re.Pattern[str]:
    """Spaces match any whitespace run (" ?" an optional one), case-insensitively."""
    pattern = pattern.replace(" ?", r"\s?").replace(" ", r"\s+")
    return re.compile(pattern, re.IGNORECASE)


RANGE = _rx(rf"\bfrom (?P<a>{_NUM}) to (?P<b>{_NUM})\b(?P<unit>(?: [a-z][\w-]*){{0,2}})")
MONEY = _rx(
    r"(?:(?:more than|over|up to|approximately|about|nearly|almost|at least|some|an additional"
    r"|additional|roughly) )?(?:US ?\$|\$|USD|€|£|EUR|GBP|Rs\.?|PKR) ?\d[\d,]*(?:\.\d+)?"
    r"(?: ?(?:million|billion|trillion|thousand|bn|mn)\b)?")
PERCENT = _rx(rf"\b(?P<n>{_NUM}) ?(?:%|percent\b|per cent\b)(?: more (?P<unit>[a-z]+))?")
COUNT = re.compile(
    r"(?<![\w$.,])(?<![A-Z][a-z]\s)(?<![A-Z][a-z][a-z]\s)(?<![A-Z][a-z]{3}\s)"
    r"(?<![A-Z][a-z]{4}\s)(?<![A-Z][a-z]{5}\s)(?<![A-Z][a-z]{6}\s)(?<![A-Z][a-z]{7}\s)"
    r"(?<![A-Z][a-z]{8}\s)(?P<n>\d[\d,]*(?:\.\d+)?)\s+"
    r"(?P<unit>(?:[A-Z][\w-]*\s+){0,3}[A-Za-z][\w-]*)")
"""A number and the noun after it; not after a capitalised word ("March 7", "Section 301")."""
NAMED_AMOUNT = _rx(r"number of (?P<unit>(?:[a-z-]+ ){0,2}[a-z-]+) from")

DEADLINES: tuple[re.Pattern[str], ...] = (
    _rx(rf"\b(?:by|before|until|no later than) (?:the end of )?(?P<d>(?:{_MONTH} )?{_YEAR})\b"),
    _rx(r"\b(?P<d>within (?:the next )?(?:\w+ )?(?:days|weeks|months|years))\b"),
    _rx(r"\bover the (?P<d>next (?:\w+ )?(?:days|weeks|months|years|year|decade))\b"),
    _rx(r"\b(?P<d>(?:later|by the end of) this (?:year|month))\b"),
    _rx(r"\b(?P<d>(?:in the coming|in the next) (?:\w+ )?(?:years|months|weeks))\b"),
    _rx(r"\bover the (?P<d>next year)\b|\b(?P<d2>next year)\b"),
    _rx(rf"\bin (?:fiscal year|FY) ?(?:\(FY\) ?)?(?P<d>{_YEAR})\b"),
    _rx(rf"\bby (?P<d>{_MONTH} \d{{1,2}}(?:, {_YEAR})?)\b"),
    _rx(rf"\bin (?P<d>{_YEAR})\b"),
)
"""Deadline phrases, most specific first; group ``d`` (or ``d2``) is the deadline."""

_UNIT_STOP = frozenset(words("""to by in of for from with and or the a an on at as that which who
over under per into"""))


def as_number(text: str) -> str:
    """"three" → "3", "1,200" → "1200"; other text comes back unchanged."""
    word = text.lower()
    if word in WORD_VALUES:
        return str(WORD_VALUES[word])
    return text.replace(",", "")


def unit_words(text: str, most: int = 3) -> str | None:
    """The leading noun words of ``text``, up to a function word: "operational ports"."""
    words: list[str] = []
    for word in text.split():
        clean = word.strip(".,;:()\"“”'’")
        if not clean or clean.lower() in _UNIT_STOP or len(words) == most:
            break
        words.append(clean)
        if clean != word:
            break
    return " ".join(words) or None


def is_year(text: str) -> bool:
    return bool(re.fullmatch(_YEAR, text))


def deadline(text: str) -> str | None:
    """The first deadline phrase in ``text``, as stated ("2047", "within the next sixty days")."""
    for pattern in DEADLINES:
        m = pattern.search(text)
        if m:
            value = m.groupdict().get("d") or m.groupdict().get("d2") or m.group(0)
            return " ".join(value.split())
    return None
