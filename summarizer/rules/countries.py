"""Countries as parties: named directly ("Pakistan", "U.S.", "Republic of Korea"), through a
demonym that qualifies an actor ("Chinese officials", "Romanian envoy"), or through a
capital acting as its government ("Beijing said", "Islamabad's push"). Well-known
organisations from the name table (EU, IAEA, USAID) come out here too."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from .lexicon import ACTOR_NOUNS, CAPITAL_VERBS, DEMONYM_MODIFIERS, DEMONYMS
from .names import Hit, find_names
from .sentences import Document, Sentence
from .spans import Mention
from .tokens import Token

_LOOKAHEAD = 5


def _after(tokens: Sequence[Token], offset: int) -> Sequence[Token]:
    """The tokens starting at or after ``offset``."""
    return tokens[bisect_left([t.start for t in tokens], offset):]


def _actor_end(tokens: Sequence[Token], offset: int) -> int | None:
    """End of the actor noun a demonym qualifies ("Pakistani and Chinese officials")."""
    for tok in _after(tokens, offset)[:_LOOKAHEAD]:
        word = tok.text.lower()
        if word in ACTOR_NOUNS:
            return tok.end
        if word not in DEMONYM_MODIFIERS and tok.text not in DEMONYMS:
            return None
    return None


def _capital_acts(tokens: Sequence[Token], offset: int) -> bool:
    """A capital followed by 's or a verb of saying or acting stands for its government."""
    following = _after(tokens, offset)[:1]
    return bool(following) and (following[0].text in ("’s", "'s")
                                or following[0].text in CAPITAL_VERBS)


def _mention(hit: Hit, sentence: Sentence) -> Mention | None:
    entry = hit.entry
    if entry.role in ("country", "org") and entry.name and entry.kind:
        return Mention(entry.name, entry.kind, hit.start, hit.end, sentence.index,
                       country=entry.country if entry.role == "org" else None)
    if entry.country is None:
        return None
    if entry.role == "demonym":
        end = _actor_end(sentence.tokens, hit.end)
        if end is not None:
            return Mention(entry.country, "country", hit.start, end, sentence.index)
    if entry.role == "capital" and _capital_acts(sentence.tokens, hit.end):
        return Mention(entry.country, "country", hit.start, hit.end, sentence.index)
    return None


def country_mentions(doc: Document) -> list[Mention]:
    """Mentions of countries and table organisations, in text order."""
    out: list[Mention] = []
    for sentence in doc.sentences:
        if sentence.kind == "boilerplate":
            continue
        for hit in find_names(sentence.tokens):
            mention = _mention(hit, sentence)
            if mention is not None:
                out.append(mention)
    return out


def country_at(tokens: Sequence[Token]) -> str | None:
    """The country that ``tokens`` name, by name or demonym ("Pakistani" → "Pakistan")."""
    for hit in find_names(tokens):
        if hit.entry.country and hit.entry.role in ("country", "demonym"):
            return hit.entry.country
    return None
