"""Sentences with offsets: the unit every rule reads and every evidence span comes from.

The splitter knows abbreviations (Dr., Mr., Jan.), initials (Joseph R. Biden), dotted
acronyms (U.S., D.C.), closing quotes after the full stop, lead-in labels of list items
("Strengthening Good Financial Governance: USAID plans ..."), datelines ("ISLAMABAD:")
and the boilerplate of news pages (bylines, "Updated ...", photo captions).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise

from .blocks import Block, BlockKind, content_span, split_blocks
from .lexicon import words
from .tokens import Token, tokenize

_BOUNDARY = re.compile(
    r"(?:[.!?]+|…)[\"”’'»)\]]*(?:\*\*|\*|</\w+>)*(?=\s+[\"“‘'«(\[*<]*[A-Z0-9])"
    r"|:(?:\*\*|</\w+>)+(?=\s)|(?:\*\*|</\w+>)+:(?:\*\*|</\w+>)*(?=\s)")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.?[\"”’'»)\]]*$")
_ABBREVIATIONS = frozenset(words("""
dr mr mrs ms prof jr sr st gen lt col sen rep gov capt cmdr adm maj no nos vs e.g i.e inc
ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec approx dept govt est fig mt
ft ave blvd rev hon messrs
"""))
_STARTERS = frozenset(words("""
The This These That Those It Its He She They We In On At As But However Both A An Our His
Her Their Under With For After Since During Today Meanwhile Also Further Moreover
"""))
_DATELINE = re.compile(
    r"[A-Z][A-Z’'.\-]+(?: [A-Z][A-Z’'.\-]+){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)?"
    r"(?: \([A-Za-z ]+\))? ?(?::|—|–|--) ?")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text`` is exactly ``article.text[start:end]``."""

    index: int
    start: int
    end: int
    kind: BlockKind
    block: int
    text: str
    tokens: tuple[Token, ...] = field(repr=False)
    duplicate: bool = False

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def flat(self) -> str:
        """The sentence on one line: whitespace runs become single spaces."""
        return _SPACE.sub(" ", self.text)

    @property
    def is_content(self) -> bool:
        """Body text: a paragraph or list-item sentence seen for the first time."""
        return self.kind in ("para", "bullet") and not self.duplicate


@dataclass(frozen=True)
class Document:
    """An article's text, title and sentences, in order."""

    text: str
    title: str | None
    sentences: tuple[Sentence, ...]

    @cached_property
    def _starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def at(self, offset: int) -> Sentence | None:
        """The sentence containing ``offset``, if any."""
        i = bisect_right(self._starts, offset) - 1
        if i >= 0 and offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    @property
    def content(self) -> list[Sentence]:
        return [s for s in self.sentences if s.is_content]


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` ends an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot + 1)
    if not m:
        return False
    word = m.group(1).rstrip(".")
    if len(word) == 1 and word.isupper():
        return True
    return word.lower() in _ABBREVIATIONS


def _is_acronym_end(text: str, dot: int, after: int) -> bool:
    """A dotted acronym (U.S.) ends a sentence only before a typical sentence opener."""
    if not re.search(r"(?:[A-Z]\.){2,}$", text[max(0, dot - 10):dot + 1]):
        return False
    nxt = re.match(r"\s+[\"“‘(]*([A-Za-z]+)", text[after:after + 30])
    return not (nxt and nxt.group(1) in _STARTERS)


def _cuts(text: str, start: int, end: int) -> list[int]:
    """Offsets where a sentence ends inside one block."""
    cuts: list[int] = []
    for m in _BOUNDARY.finditer(text, start, end):
        if text[m.start()] == "." and (_is_abbreviation(text, m.start())
                                       or _is_acronym_end(text, m.start(), m.end())):
            continue
        cuts.append(m.end())
    return cuts


def _skip_dateline(text: str, start: int, end: int) -> int:
    m = _DATELINE.match(text, start, end)
    if m and sum(c.isupper() for c in m.group(0)) >= 3 and m.end() < end:
        return m.end()
    return start


def _block_spans(text: str, block: Block) -> list[tuple[int, int]]:
    """Content spans of the sentences of one block."""
    if block.kind in ("heading", "boilerplate", "caption"):
        return [(block.start, block.end)]
    bounds = [_skip_dateline(text, block.start, block.end), *_cuts(text, block.start,
                                                                     block.end), block.end]
    spans = [content_span(text, a, b) for a, b in pairwise(bounds)]
    return [(a, b) for a, b in spans if b > a and any(c.isalpha() for c in text[a:b])]


def _kind(text: str, block: Block, span: tuple[int, int]) -> BlockKind:
    """A list item's lead-in label ("Label:") reads as a heading."""
    piece = text[span[0]:span[1]]
    if block.kind == "bullet" and piece.endswith(":") and len(piece.split()) <= 12:
        return "heading"
    return block.kind


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip(" .").casefold()


def split_sentences(text: str, title: str | None = None) -> Document:
    """Split an article's text into sentences (see the module docstring)."""
    seen: set[str] = {_norm(title)} if title else set()
    sentences: list[Sentence] = []
    for b, block in enumerate(split_blocks(text)):
        for start, end in _block_spans(text, block):
            piece = text[start:end]
            key = _norm(piece)
            sentences.append(Sentence(
                index=len(sentences), start=start, end=end, kind=_kind(text, block, (start, end)),
                block=b, text=piece, tokens=tuple(tokenize(text, start, end)),
                duplicate=key in seen))
            seen.add(key)
    return Document(text=text, title=title, sentences=tuple(sentences))
