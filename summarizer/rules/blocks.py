"""Blocks: the paragraphs, list items and headings of an article, as offsets.

Hard-wrapped markdown (every line about 72 characters) is re-joined into paragraphs;
text written one paragraph per line keeps each line as its own block. A block's span
excludes list markers, heading marks and the markup at its edges, so every span the
rules report starts and ends on real words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["para", "bullet", "heading", "boilerplate", "caption"]

_BULLET = re.compile(r"[ \t]*(?:[-*+•·▪◦‣]|\d{1,2}\\?[.)])[ \t]+\S")
_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]+\S")
_EMPHASIS_LINE = re.compile(
    r"[ \t]*(?:\*\*|__)(?:<[^>\n]*>)*[^*_\n]+?(?:<[^>\n]*>)*(?:\*\*|__)[ \t]*:?[ \t]*$")
_BLANK = re.compile(r"[ \t]*(?:<!--.*?-->|\\?#{2,}|\*[ \t]*\*|\*|[-_=]{3,}|\\)?[ \t]*$")
_EDGE = re.compile(
    r"\s+|<[^<>\n]{0,300}>|\*\*|__|\*|\\(?=[#*_\\.])|[-+•·▪◦‣](?=\s)|\d{1,2}\\?[.)](?=\s)"
    r"|#{1,6}(?=\s)")
_TRAILING = re.compile(r"(?:\s|<[^<>\n]{0,300}>|\*\*|__|\*|\\)+$")
_BOILERPLATE = re.compile(
    r"(?:short url|follow|share|share this|print|email|read more.*|advertisement|related.*"
    r"|updated\b.{0,40}|published\b.{0,40}|posted\b.{0,40}|last modified.{0,40}"
    r"|photo courtesy.*|\(photo[^)]*\)|click here.*|subscribe.*|sign up.*|#+|\\#+"
    r"|by [A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}(?:,? [\w ]{0,30})?"
    r"|(?:january|february|march|april|may|june|july|august|september|october|november"
    r"|december) \d{1,2},? \d{4}|\d{1,2} (?:january|february|march|april|may|june|july"
    r"|august|september|october|november|december),? \d{4}|<!--.*-->)[.:]?",
    re.IGNORECASE)
_CAPTION = re.compile(
    r"(?:this|the|a|file|handout) (?:photo|picture|image|handout photo|file photo|photograph)"
    r"\b|.*\((?:photo|image|picture)[^)]*\)$", re.IGNORECASE)
_TERMINAL = re.compile(r"[.!?:;\"”’)]$")


@dataclass(frozen=True)
class Block:
    start: int
    end: int
    kind: BlockKind


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, without its line break."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        out.append((pos, end - 1 if line.endswith("\r") else end))
        pos = end + 1
    return out


def is_wrapped(text: str, lines: list[tuple[int, int]]) -> bool:
    """True when paragraphs are hard-wrapped: almost no line is longer than 100 chars."""
    lengths = [e - s for s, e in lines if text[s:e].strip()]
    if len(lengths) < 4:
        return False
    long_lines = sum(1 for n in lengths if n > 100)
    return long_lines / len(lengths) < 0.1


def content_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without whitespace, list markers and markup at either edge."""
    while start < end:
        m = _EDGE.match(text, start, end)
        if not m or m.end() == start:
            break
        start = m.end()
    m = _TRAILING.search(text, start, end)
    if m:
        end = m.start()
    return start, max(start, end)


def _first_line(text: str, start: int, end: int) -> str:
    stop = text.find("\n", start, end)
    return text[start:end if stop < 0 else stop]


def _classify(text: str, raw: tuple[int, int], start: int, end: int) -> BlockKind:
    body = " ".join(text[start:end].split())
    first_line = _first_line(text, *raw)
    if _BOILERPLATE.fullmatch(body) or not any(c.isalpha() for c in body):
        return "boilerplate"
    if _CAPTION.match(body):
        return "caption"
    if _HEADING.match(first_line) or _EMPHASIS_LINE.match(text[raw[0]:raw[1]]):
        return "heading"
    if _BULLET.match(first_line):
        return "bullet"
    if len(body.split()) < 14 and not _TERMINAL.search(body):
        return "heading"
    return "para"


def _starts_block(line: str) -> bool:
    return bool(_BULLET.match(line) or _HEADING.match(line) or _EMPHASIS_LINE.match(line))


def _ends_block(line: str, wrapped: bool) -> bool:
    if _HEADING.match(line) or _EMPHASIS_LINE.match(line):
        return True
    return not wrapped or line.endswith("  ")


def _raw_blocks(text: str) -> list[tuple[int, int]]:
    """Line groups: blank lines, list items, headings and hard breaks separate blocks."""
    lines = _lines(text)
    wrapped = is_wrapped(text, lines)
    out: list[tuple[int, int]] = []
    current: list[int] | None = None
    for start, end in lines:
        line = text[start:end]
        if _BLANK.match(line):
            current = None
            continue
        if current is None or _starts_block(line):
            current = [start, end]
            out.append((start, end))
        current[1] = end
        out[-1] = (current[0], end)
        if _ends_block(line, wrapped):
            current = None
    return out


def split_blocks(text: str) -> list[Block]:
    """Every block of ``text`` with its content span and kind."""
    blocks: list[Block] = []
    for raw_start, raw_end in _raw_blocks(text):
        start, end = content_span(text, raw_start, raw_end)
        if end > start:
            blocks.append(Block(start, end, _classify(text, (raw_start, raw_end), start, end)))
    return blocks
