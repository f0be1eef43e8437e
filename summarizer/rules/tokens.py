"""Word tokens with offsets, and the word runs the name tables are looked up in."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}"                      # dotted acronyms: U.S., H.H.
    r"|[’']s\b"                              # possessive 's as its own token
    r"|\w+(?:[-‑]\w+)*(?:[’'](?!s\b)\w+(?:[-‑]\w+)*)*"  # words: Atiq-ur-Rehman, d'Ivoire
    r"|\S")                                  # any other character
_MIXED_ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z]+")  # MoU, AQuA
_PART = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:[’'](?!s\b)\w+)*")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()

    @property
    def is_cap(self) -> bool:
        """Starts with a capital letter (a name-like word)."""
        return self.text[:1].isupper()

    @property
    def is_acronym(self) -> bool:
        letters = self.text.replace(".", "").replace("&", "")
        return len(letters) >= 2 and letters.isupper() and letters.isalpha()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of ``text[start:end]``; offsets index ``text``."""
    return [Token(m.group(0), m.start(), m.end())
            for m in _TOKEN.finditer(text, start, len(text) if end is None else end)]


def word_runs(tokens: Sequence[Token]) -> Iterator[list[Token]]:
    """Runs of words between punctuation; hyphenated words are split into their parts.

    "U.S.-Zambia MOU" gives the runs [U.S.] and [Zambia, MOU]; "China-Pakistan Economic"
    gives [China, Pakistan, Economic]. A possessive "'s" stays in the run as a word of its
    own. Names are looked up inside runs, never across them.
    """
    run: list[Token] = []
    for tok in tokens:
        if tok.text in ("’s", "'s"):
            run.append(tok)
            continue
        if not tok.is_word:
            if run:
                yield run
            run = []
            continue
        for m in _PART.finditer(tok.text):
            run.append(Token(m.group(0), tok.start + m.start(), tok.start + m.end()))
    if run:
        yield run


def parenthesized_acronym(tokens: Sequence[Token], k: int) -> str | None:
    """The acronym in "(CETC)" when tokens k..k+2 are "(", an acronym and ")"."""
    window = tokens[k:k + 3]
    if len(window) < 3 or window[0].text != "(" or window[2].text != ")":
        return None
    word = window[1].text
    return word if window[1].is_acronym or _MIXED_ACRONYM.fullmatch(word) else None


def norm_key(words: Sequence[str]) -> str:
    """The lookup form of a word sequence: single spaces, straight apostrophes."""
    return " ".join(words).replace("’", "'")


def key_of(name: str) -> str:
    """The lookup key of a name written out: "People's Republic" → "People 's Republic"."""
    return " ".join(norm_key([t.text for t in run]) for run in word_runs(tokenize(name)))
