"""Split a multi-article dump where a headline repeats, the pattern copied web pages leave.

Copying a news page usually yields its headline two or more times within a few lines
(page title, share card, article heading). Each first occurrence of such a cluster starts
an article: a "high" confidence split. Without that pattern, separator lines ("---",
"* * *") are a weaker cue: a "low" confidence split.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .clean import is_bullet, is_furniture
from .lines import Line, norm

Confidence = Literal["high", "low", "none"]

WINDOW = 12  # lines within which a repeated headline counts as one cluster
_SEPARATOR = re.compile(r"^\s*(?:[-=_~#]{3,}|(?:\*\s*){3,}|\f)\s*$")
_MAX_TITLE = 250


@dataclass(frozen=True)
class Segment:
    """The lines of one article, its headline if detected, and whether it is leftover text."""

    lines: tuple[Line, ...]
    title: str | None = None
    preamble: bool = False


@dataclass(frozen=True)
class Split:
    """How an input divides into articles; ``confidence`` is "none" when it was not split."""

    segments: tuple[Segment, ...]
    confidence: Confidence


def split_articles(lines: Sequence[Line], *, split: bool = True) -> Split:
    """Divide ``lines`` into articles (or keep them whole when ``split`` is False)."""
    heads = find_headlines(lines)
    if not split:
        title = heads[0][1] if heads else _markdown_title(lines)
        return Split((Segment(tuple(lines), title),), "none")
    if heads:
        return Split(_at_headlines(lines, heads), "high")
    pieces = _at_separators(lines)
    if len(pieces) > 1:
        return Split(tuple(Segment(p, _markdown_title(p)) for p in pieces), "low")
    return Split((Segment(tuple(lines), _markdown_title(lines)),), "none")


def find_headlines(lines: Sequence[Line]) -> list[tuple[int, str]]:
    """(line index, headline) for each headline repeated 2+ times within ``WINDOW`` lines.

    A second repeated line inside an earlier headline's cluster (a repeated standfirst)
    does not start another article.
    """
    runs: dict[int, list[int]] = {}  # run start -> indexes of the repeats in that run
    run_of: dict[str, int] = {}
    for index, line in enumerate(lines):
        if not _title_like(line.text):
            continue
        key = norm(line.text)
        start = run_of.get(key)
        if start is None or index - runs[start][-1] > WINDOW:
            run_of[key] = start = index
            runs[start] = []
        runs[start].append(index)
    heads: list[tuple[int, str]] = []
    cluster_end = -1
    for start, repeats in sorted(runs.items()):
        if len(repeats) >= 2 and start > cluster_end:
            heads.append((start, lines[start].text.strip()))
            cluster_end = repeats[-1]
    return heads


def _title_like(text: str) -> bool:
    stripped = text.strip()
    words = stripped.split()
    return (
        3 <= len(words) <= 40
        and len(stripped) <= _MAX_TITLE
        and (stripped[0].isalnum() or stripped[0] in "“‘\"'")
        and not stripped.endswith((".", ",", ";", ":"))
        and not is_bullet(stripped)
        and not is_furniture(stripped)
    )


def _at_headlines(lines: Sequence[Line], heads: list[tuple[int, str]]) -> tuple[Segment, ...]:
    segments: list[Segment] = []
    first = heads[0][0]
    if any(not line.is_blank for line in lines[:first]):
        segments.append(Segment(tuple(lines[:first]), None, preamble=True))
    bounds = [start for start, _ in heads[1:]] + [len(lines)]
    for (start, title), end in zip(heads, bounds, strict=True):
        segments.append(Segment(tuple(lines[start:end]), title))
    return tuple(segments)


def _at_separators(lines: Sequence[Line]) -> list[tuple[Line, ...]]:
    pieces: list[tuple[Line, ...]] = []
    current: list[Line] = []
    for line in lines:
        if _SEPARATOR.match(line.text):
            pieces.append(tuple(current))
            current = []
        else:
            current.append(line)
    pieces.append(tuple(current))
    return [p for p in pieces if any(not line.is_blank for line in p)]


def _markdown_title(lines: Sequence[Line]) -> str | None:
    """A leading Markdown ``# Heading`` is the title (and, like any title, leaves the text)."""
    first = next((line.text.strip() for line in lines if not line.is_blank), "")
    if first.startswith("# ") and len(first) <= _MAX_TITLE:
        return first[2:].strip() or None
    return None
