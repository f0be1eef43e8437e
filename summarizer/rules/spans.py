"""Evidence built from offsets, so every quote is ``article.text[start:end]`` exactly."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..models import Evidence, PartyKind
from .sentences import Document, Sentence


@dataclass(frozen=True)
class Mention:
    """One place the text names a party."""

    name: str
    kind: PartyKind
    start: int
    end: int
    sentence: int
    role: str | None = None
    country: str | None = None
    acronym: str | None = None


def exact(text: str, start: int, end: int) -> Evidence:
    """Evidence for ``text[start:end]`` with surrounding whitespace trimmed."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Evidence(quote=text[start:end], start=start, end=end, match="exact", score=100.0)


def _window(text: str, sentence: Sentence, focus: tuple[int, int], limit: int) -> tuple[int,
                                                                                          int]:
    """At most ``limit`` characters of the sentence around ``focus``, cut between words."""
    middle = (focus[0] + focus[1]) // 2
    start = max(sentence.start, min(middle - limit // 2, sentence.end - limit))
    end = min(sentence.end, start + limit)
    if start > sentence.start:
        space = text.find(" ", start, focus[0])
        start = space + 1 if space >= 0 else start
    if end < sentence.end:
        space = text.rfind(" ", focus[1], end)
        end = space if space >= 0 else end
    return start, end


def sentence_evidence(doc: Document, sentence: Sentence, focus: tuple[int, int] | None,
                      limit: int) -> Evidence:
    """The sentence as evidence, or a window of it around ``focus`` if it is too long."""
    if sentence.end - sentence.start <= limit:
        return exact(doc.text, sentence.start, sentence.end)
    start, end = _window(doc.text, sentence, focus or (sentence.start, sentence.start), limit)
    return exact(doc.text, start, end)


def evidence_for(doc: Document, spans: Iterable[tuple[int, int]], limit: int,
                 most: int) -> list[Evidence]:
    """Evidence from the sentences of ``spans`` (one per sentence, first ``most``)."""
    out: list[Evidence] = []
    seen: set[int] = set()
    for start, end in spans:
        sentence = doc.at(start)
        if sentence is None or sentence.index in seen:
            continue
        seen.add(sentence.index)
        out.append(sentence_evidence(doc, sentence, (start, end), limit))
        if len(out) >= most:
            break
    return out
