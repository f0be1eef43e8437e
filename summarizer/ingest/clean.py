"""Plain-text cleanup: drop web page furniture line by line, keep the article verbatim.

Whole lines are dropped, never edited, so every kept character maps back exactly to the
input (see ``spans.assemble``). Bullet lines are always kept: they are content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..article import OffsetMap
from .dates import is_meta_line
from .lines import Line, norm
from .spans import assemble

_FURNITURE = frozenset({
    "short url", "follow", "follow us", "advertisement", "advertisment", "ad", "sponsored",
    "recent posts", "share", "share this", "share this article", "share this story",
    "share on facebook", "share on twitter", "share on x", "read more", "related",
    "related articles", "related stories", "most popular", "most read", "skip to content",
    "print", "email", "copy link", "comments", "subscribe",
})
_READ_MORE = re.compile(r"^(?:read more|also read|see also)\b\s*[:›»>-]", re.IGNORECASE)
_CAPTION = re.compile(
    r"^[(\[]?\s*(?:this\s+(?:\w+\s+)?(?:photo|picture|image)\b|"
    r"(?:photo|image|picture)s?\s*(?:courtesy|credit)\b|(?:photo|image|picture)s?\s*:|"
    r"file\s+(?:photo|picture|image)\b)",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^\s*(?:[•·▪‣◦●*–-]|\d{1,2}[.)])\s+\S")


@dataclass(frozen=True)
class Cleaned:
    """Cleaned text, its map back to the original, and the lines that were dropped."""

    text: str
    offsets: OffsetMap
    dropped: tuple[str, ...]


def is_bullet(line: str) -> bool:
    return _BULLET.match(line) is not None


def is_furniture(line: str, title: str | None = None) -> bool:
    """True for a line that is page furniture, not article content."""
    if is_bullet(line):
        return False
    key = _key(line)
    if title is not None and key == _key(title):
        return True
    if key in _FURNITURE:
        return True
    stripped = line.strip()
    return bool(
        _READ_MORE.match(stripped) or _CAPTION.match(stripped) or is_meta_line(stripped)
    )


def _key(line: str) -> str:
    return norm(line).rstrip(":.›»>")


def clean_lines(
    original: str, lines: Sequence[Line], title: str | None = None, *, clean: bool = True
) -> Cleaned:
    """Drop furniture (when ``clean``), collapse blank runs, trim; offsets index ``original``."""
    kept: list[Line] = []
    dropped: list[str] = []
    for line in lines:
        if clean and is_furniture(line.text, title):
            dropped.append(line.text)
        elif not (line.is_blank and (not kept or kept[-1].is_blank)):
            kept.append(line)
    while kept and kept[-1].is_blank:
        kept.pop()
    runs = [(line.start, line.end) for line in kept]
    if runs:
        runs[-1] = (kept[-1].start, kept[-1].content_end)
    text, offsets = assemble(original, runs)
    return Cleaned(text, offsets, tuple(dropped))
