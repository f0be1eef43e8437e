"""Publication dates: absolute dates become ISO, relative ones are reported, none invented."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_ABSOLUTE = [
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})(?![\d-])"),
    re.compile(r"\b(?P<year>\d{4})/(?P<month>\d{1,2})/(?P<day>\d{1,2})\b"),
]
_WEEKDAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_RELATIVE = re.compile(
    r"\b(?:(?:\d+|an?|one)\s+(?:secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|weeks?|"
    r"months?|years?)\s+ago|just now|yesterday|today|last\s+(?:night|week|month|year)|"
    rf"(?:on\s+|last\s+)?{_WEEKDAY})\b",
    re.IGNORECASE,
)
_META = re.compile(
    r"^\s*(?:last\s+)?(?:updated|published|posted|first\s+published|date)\b\s*(?:on\b|:)?",
    re.IGNORECASE,
)
_FURNITURE = re.compile(  # what may surround a date on a date-only line
    rf"(?i:\b{_WEEKDAY}\b|\b(?:at|on)\b|\b\d{{1,2}}:\d{{2}}(?::\d{{2}})?\s*(?:[ap]\.?m\.?)?)|"
    r"\b[A-Z]{2,5}\b|[\s,|/·•:.()+-]+"
)
_CITY = re.compile(r"^\s*[A-Z][A-Z.' -]{1,40},\s*")
_MAX_META_LINE = 100


@dataclass(frozen=True)
class FoundDate:
    """What a line says about the publication date: an ISO date, or a relative phrase."""

    iso: str | None = None
    relative: str | None = None


def parse_absolute(text: str) -> str | None:
    """The first complete calendar date in ``text`` as ``YYYY-MM-DD``; None if there is none."""
    hits = [(m.start(), m) for pattern in _ABSOLUTE for m in pattern.finditer(text)]
    for _, match in sorted(hits, key=lambda hit: hit[0]):
        iso = _to_iso(match)
        if iso is not None:
            return iso
    return None


def find_relative(text: str) -> str | None:
    """A relative time phrase such as ``'41 sec ago'`` or ``'on Tuesday'``, if present."""
    match = _RELATIVE.search(text)
    return match.group(0) if match else None


def parse_date(text: str) -> FoundDate | None:
    """An absolute date if ``text`` holds one, else a relative phrase, else None."""
    iso = parse_absolute(text)
    if iso is not None:
        return FoundDate(iso=iso)
    relative = find_relative(text)
    return FoundDate(relative=relative) if relative else None


def is_meta_line(line: str) -> bool:
    """An "Updated …"/"Published …" line, or a line that is nothing but a date or time."""
    stripped = line.strip()
    if not stripped or len(stripped) > _MAX_META_LINE:
        return False
    return _is_meta(stripped) or _is_date_only(stripped) or _is_relative_only(stripped)


def relative_warning(phrase: str) -> str:
    return f"published date is relative ({phrase!r}); left empty rather than guessed"


def find_published(lines: Iterable[str]) -> tuple[str | None, tuple[str, ...]]:
    """The publication date of an article from its lines, and warnings.

    Preference: an "Updated/Published" line, then a line that is only a date, then a
    dateline opening a paragraph ("ISLAMABAD, October 23, 2025 — …"). A relative date
    leaves the result empty, with a warning; nothing is ever guessed.
    """
    meta: list[str] = []
    bare: list[str] = []
    city: list[str] = []
    for line in lines:
        stripped = line.strip()
        if len(stripped) <= _MAX_META_LINE and _is_meta(stripped):
            meta.append(stripped)
        elif is_meta_line(stripped):
            bare.append(stripped)
        elif _CITY.match(stripped):
            city.append(stripped)
    return _choose(meta, bare, city)


def normalize_published(value: str) -> tuple[str | None, tuple[str, ...]]:
    """A ``published`` value given by the input (JSONL): ISO if readable, else None + warning."""
    found = parse_date(value)
    if found is not None and found.iso is not None:
        return found.iso, ()
    if found is not None and found.relative is not None:
        return None, (relative_warning(found.relative),)
    return None, (f"published value {value!r} is not a date that can be read; left empty",)


def _choose(
    meta: list[str], bare: list[str], city: list[str]
) -> tuple[str | None, tuple[str, ...]]:
    for candidate in (*meta, *bare):
        iso = parse_absolute(candidate)
        if iso is not None:
            return iso, ()
    for line in city:
        iso = _dateline(line)
        if iso is not None:
            return iso, ()
    for candidate in (*meta, *bare):
        relative = find_relative(candidate)
        if relative is not None:
            return None, (relative_warning(relative),)
    return None, ()


def _dateline(line: str) -> str | None:
    match = _CITY.match(line)
    if match is None:
        return None
    head = line[match.end() : match.end() + 40]
    for pattern in _ABSOLUTE:
        found = pattern.match(head)
        if found is not None:
            return _to_iso(found)
    return None


def _is_meta(text: str) -> bool:
    """A line such as "Updated 27 October 2025" or "Updated 41 sec ago"."""
    match = _META.match(text)
    if match is None:
        return False
    rest = text[match.end() :].lstrip(" :\t")
    starts = [pattern.match(rest) for pattern in (*_ABSOLUTE, _RELATIVE)]
    return any(found is not None for found in starts)


def _is_date_only(text: str) -> bool:
    for pattern in _ABSOLUTE:
        match = pattern.search(text)
        if match is not None and _to_iso(match) is not None:
            rest = text[: match.start()] + " " + text[match.end() :]
            return not _FURNITURE.sub("", rest)
    return False


def _is_relative_only(text: str) -> bool:
    match = _RELATIVE.search(text)
    if match is None or "ago" not in match.group(0).casefold():
        return False
    rest = text[: match.start()] + text[match.end() :]
    return not _FURNITURE.sub("", rest)


def _to_iso(match: re.Match[str]) -> str | None:
    month_text = match.group("month")
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text[:3].casefold()]
    try:
        return date(int(match.group("year")), month, int(match.group("day"))).isoformat()
    except ValueError:
        return None
