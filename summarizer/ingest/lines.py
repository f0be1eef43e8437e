"""Lines with their positions in the original text, the unit cleaning and splitting work on."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One line: ``text`` without its line break; ``start``/``end`` include the break."""

    start: int
    end: int
    text: str

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()

    @property
    def content_end(self) -> int:
        """Offset just after the last non-space character of the line."""
        return self.start + len(self.text.rstrip())


_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[Line]:
    """Every line of ``text`` with exact offsets, so kept lines can be mapped back."""
    lines: list[Line] = []
    pos = 0
    for match in _BREAK.finditer(text):
        lines.append(Line(pos, match.end(), text[pos : match.start()]))
        pos = match.end()
    if pos < len(text):
        lines.append(Line(pos, len(text), text[pos:]))
    return lines


def norm(text: str) -> str:
    """A line compared loosely: no Markdown heading marks, case or extra whitespace."""
    return " ".join(text.strip().lstrip("#").split()).casefold()
