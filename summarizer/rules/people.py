"""People named with a title: "Federal Minister for Planning, Development and Special
Initiatives Ahsan Iqbal", "Romanian Ambassador Dr. Dan Stoenescu", "President Joseph R.
Biden, Jr. of the United States". The title (with its portfolio) becomes the role, a
demonym or "of <country>" the country; the name is kept without titles or honorifics.
``merge_people`` joins "Ahsan Iqbal", "Minister Iqbal" and a bare "Iqbal"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..text import NAME_SUFFIXES
from .countries import country_at
from .lexicon import (
    APPOSITION_TITLES,
    HONORIFICS,
    NAME_PARTICLES,
    NAME_STOPWORDS,
    PORTFOLIO_WORDS,
    TITLE_MODIFIERS,
    TITLES,
)
from .names import find_names
from .sentences import Document, Sentence
from .spans import Mention
from .tokens import Token, tokenize


def _by_first(seqs: Sequence[tuple[str, ...]]) -> dict[str, list[tuple[str, ...]]]:
    """Sequences indexed by their first word, longest first."""
    out: dict[str, list[tuple[str, ...]]] = {}
    for seq in sorted(seqs, key=len, reverse=True):
        out.setdefault(seq[0], []).append(seq)
    return out



_TITLE_SEQS = _by_first([tuple(t.text for t in tokenize(title)) for title in TITLES])
_APPOSITION_SEQS = _by_first([tuple(t.text for t in tokenize(title))
                              for title in APPOSITION_TITLES])
_PLURAL_SEQS = _by_first([("Prime", "Ministers"), ("Presidents",), ("Ministers",),
                          ("Ambassadors",), ("Secretaries",)])
_TITLE_WORDS = frozenset(w for seqs in _TITLE_SEQS.values() for seq in seqs for w in seq
                         if w[:1].isupper())
_MAX_NAME = 7
_NAME_PREFIXES = frozenset({"Sheikh", "Sheikha", "Sir", "Dame", "Dr", "Mr", "Mrs", "Ms"})


@dataclass(frozen=True)
class _Found:
    role_first: int
    title_end: int  # index after the title and its portfolio
    country: str | None


def _seq_at(tokens: Sequence[Token], i: int, seqs: dict[str, list[tuple[str, ...]]]) -> int:
    """Length of the longest sequence of ``seqs`` starting at token ``i`` (0 if none)."""
    for seq in seqs.get(tokens[i].text, ()):
        if tuple(t.text for t in tokens[i:i + len(seq)]) == seq:
            return len(seq)
    return 0


def _portfolio(tokens: Sequence[Token], k: int) -> tuple[int, str | None]:
    """Skip "for Maritime Affairs" / "of Pakistan" after a title; return (index, country)."""
    if k + 1 >= len(tokens) or tokens[k].text not in ("for", "of"):
        return k, None
    hits = find_names(tokens[k + 1:k + 6])
    if tokens[k].text == "of" and hits and hits[0].start == tokens[k + 1].start:
        skip = len(hits[0].tokens)
        return k + 1 + skip, hits[0].entry.country
    j, last = k + 1, k
    while j < len(tokens):
        text = tokens[j].text
        if text in PORTFOLIO_WORDS:
            last = j
        elif not (text in ("and", "&", ",", "the", "of") and j + 1 < len(tokens)
                  and tokens[j + 1].text in PORTFOLIO_WORDS):
            break
        j += 1
    return (last + 1, None) if last > k else (k, None)


def _skip_honorifics(tokens: Sequence[Token], k: int) -> int:
    while k < len(tokens) and tokens[k].text in HONORIFICS:
        k += 1
        if k < len(tokens) and tokens[k].text == ".":
            k += 1
    return k


def _is_name_token(tok: Token) -> bool:
    return (tok.is_cap and tok.is_word and not tok.is_acronym
            and tok.text not in NAME_STOPWORDS and tok.text not in _TITLE_WORDS)


def _name_end(tokens: Sequence[Token], k: int) -> int:
    """Index after the name that starts at ``k`` (``k`` itself if there is none)."""
    m = k
    while m < len(tokens) and m - k < _MAX_NAME:
        tok = tokens[m]
        if _is_name_token(tok) or (len(tok.text) == 1 and tok.text.isupper()):
            m += 1
            if len(tok.text) == 1 and m < len(tokens) and tokens[m].text == ".":
                m += 1
        elif tok.text in NAME_PARTICLES and m > k and m + 1 < len(tokens) and tokens[
                m + 1].is_cap:
            m += 1
        else:
            break
    while m > k and (len(tokens[m - 1].text) == 1 or tokens[m - 1].text in NAME_PARTICLES):
        m -= 1
    return _with_suffix(tokens, m) if m > k else k


def _with_suffix(tokens: Sequence[Token], m: int) -> int:
    """Include ", Jr." after a name."""
    if m + 1 < len(tokens) and tokens[m].text == "," and tokens[m + 1].text in NAME_SUFFIXES:
        m += 2
        if m < len(tokens) and tokens[m].text == ".":
            m += 1
    return m


def _title_at(tokens: Sequence[Token], i: int) -> _Found | None:
    length = _seq_at(tokens, i, _TITLE_SEQS)
    if not length:
        return None
    first = i
    while first > 0 and tokens[first - 1].text in TITLE_MODIFIERS:
        first -= 1
    end, country = _portfolio(tokens, i + length)
    return _Found(first, end, country or _country_before(tokens, first))


def _country_before(tokens: Sequence[Token], first: int) -> str | None:
    """The country of "Romanian Ambassador", "UAE National Security Advisor"."""
    if first == 0:
        return None
    for hit in find_names(tokens[max(0, first - 3):first]):
        if hit.end == tokens[first - 1].end and hit.entry.role != "capital":
            return hit.entry.country
    return None


def _after_name(tokens: Sequence[Token], m: int) -> tuple[str | None, str | None]:
    """Country in "of Australia" and role in ", Acting Chairman of the X" after a name."""
    if m + 1 < len(tokens) and tokens[m].text == "of":
        start = m + 2 if tokens[m + 1].text == "the" else m + 1
        return country_at(tokens[start:start + 4]), None
    if m + 1 < len(tokens) and tokens[m].text == ",":
        length = _seq_at(tokens, m + 1, _APPOSITION_SEQS)
        end = m + 1 + length
        if length and end < len(tokens) and tokens[end].text == "of":
            stop = end + 1
            while stop < len(tokens) and (tokens[stop].is_cap or tokens[stop].text == "the"):
                stop += 1
            return None, " ".join(t.text for t in tokens[m + 1:stop])
    return None, None


def _person(doc: Document, sentence: Sentence, i: int) -> tuple[Mention, int] | None:
    tokens = sentence.tokens
    found = _title_at(tokens, i)
    if found is None:
        return None
    k = _skip_honorifics(tokens, found.title_end)
    m = _name_end(tokens, k)
    if m == k or country_at(tokens[k:k + 1]) is not None:
        return None
    country, extra = _after_name(tokens, m)
    role = " ".join(doc.text[tokens[found.role_first].start:tokens[found.title_end - 1].end]
                    .split())
    name = " ".join(doc.text[tokens[k].start:tokens[m - 1].end].split())
    return Mention(name, "person", tokens[found.role_first].start, tokens[m - 1].end,
                   sentence.index, role=f"{role}; {extra}" if extra else role,
                   country=found.country or country), m


def _plural(doc: Document, sentence: Sentence, i: int) -> tuple[list[Mention], int] | None:
    """"Presidents Lula and Biden": two people under one plural title."""
    tokens = sentence.tokens
    length = _seq_at(tokens, i, _PLURAL_SEQS)
    if not length:
        return None
    role = " ".join(t.text for t in tokens[i:i + length]).removesuffix("s")
    out: list[Mention] = []
    k = i + length
    while k < len(tokens):
        m = _name_end(tokens, k)
        if m == k or country_at(tokens[k:k + 1]) is not None:
            break
        name = " ".join(doc.text[tokens[k].start:tokens[m - 1].end].split())
        out.append(Mention(name, "person", tokens[k].start, tokens[m - 1].end, sentence.index,
                           role=role))
        if m >= len(tokens) or tokens[m].text not in ("and", ","):
            break
        k = m + 1
    return (out, k) if len(out) >= 2 else None


def _people_in(doc: Document, sentence: Sentence) -> list[Mention]:
    out: list[Mention] = []
    i = 0
    while i < len(sentence.tokens):
        plural = _plural(doc, sentence, i)
        found = None if plural else _person(doc, sentence, i)
        if plural is not None:
            out.extend(plural[0])
            i = plural[1]
        elif found is not None:
            out.append(found[0])
            i = found[1]
        else:
            i += 1
    return out


def people_mentions(doc: Document) -> list[Mention]:
    """Titled people, in text order."""
    out: list[Mention] = []
    for sentence in doc.sentences:
        if sentence.kind != "boilerplate":
            out.extend(_people_in(doc, sentence))
    return out


# --------------------------------------------------------------------------- merging


def _name_words(name: str) -> list[str]:
    return [w for w in name.replace(",", " ").replace(".", " ").split()
            if w not in NAME_SUFFIXES and len(w) > 1 and w not in NAME_PARTICLES
            and w not in _NAME_PREFIXES]


def same_person(a: str, b: str) -> bool:
    """"Iqbal" = "Ahsan Iqbal"; "Joe Biden" = "Joseph R. Biden, Jr."; two Al Nahyans differ.

    A one-word name matches the first or last word of a longer one ("Oyun-Erdene"); longer
    names need the same last word and the same first initial."""
    wa, wb = _name_words(a), _name_words(b)
    if not wa or not wb:
        return False
    if len(wa) == 1 or len(wb) == 1:
        one, other = (wa, wb) if len(wa) == 1 else (wb, wa)
        return one[0] in (other[0], other[-1])
    return wa[-1] == wb[-1] and wa[0][0] == wb[0][0]


def _group_for(groups: list[list[Mention]], name: str) -> list[Mention] | None:
    matches = [g for g in groups if any(same_person(name, m.name) for m in g)]
    if not matches:
        return None
    return max(matches, key=lambda g: g[-1].start)


def merge_people(mentions: Sequence[Mention]) -> list[list[Mention]]:
    """Group the mentions of each person; the most recent person wins an ambiguous surname."""
    groups: list[list[Mention]] = []
    for mention in mentions:
        group = _group_for(groups, mention.name)
        if group is None:
            groups.append([mention])
        else:
            group.append(mention)
    return groups


def surname_mentions(doc: Document, groups: Sequence[list[Mention]]) -> list[list[Mention]]:
    """Add bare-surname mentions ("Iqbal said") to the person they name, if unambiguous."""
    surnames: dict[str, list[Mention]] = {}
    for group in groups:
        words = _name_words(max((m.name for m in group), key=len))
        if len(words) >= 2 and len(words[-1]) >= 3 and words[-1] not in NAME_STOPWORDS:
            surnames[words[-1]] = group if words[-1] not in surnames else []
    taken = {(m.start, m.end) for g in groups for m in g}
    for sentence in doc.sentences:
        if sentence.kind == "boilerplate":
            continue
        for tok in sentence.tokens:
            found = surnames.get(tok.text)
            if found and not any(s <= tok.start < e for s, e in taken):
                found.append(replace(found[0], start=tok.start, end=tok.end,
                                     sentence=sentence.index, role=None))
    return [sorted(g, key=lambda m: m.start) for g in groups]
