"""Organisations, companies and government bodies found by the shape of their names.

A name ends in a head word (Ministry, Agency, Corporation, Trust, Lab, University, ...),
starts with capitalised words ("U.S. Trade and Development Agency") and may go on with
"of/for ..." ("Ministry of Commerce, Trade and Industry", "Civil Aviation Authority of
Mongolia"). An acronym in parentheses after it ("(CETC)") joins later mentions of the
acronym to the full name. The kind follows the head, the name's first word and the
apposition ("..., a PSDP-funded project under the Pakistani Ministry of Planning").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import PartyKind
from .countries import country_at
from .lexicon import (
    FUNCTION_CAPS,
    GOVERNMENT_CUES,
    GOVERNMENT_PREFIXES,
    INTERNATIONAL_PREFIXES,
    ORG_HEADS,
    ORG_HEADS_NEED_COMPLEMENT,
    PORTFOLIO_WORDS,
    PRESS_WORDS,
    words,
)
from .sentences import Document, Sentence
from .spans import Mention
from .tokens import Token, parenthesized_acronym

_LEFT_STOP = FUNCTION_CAPS
_CONNECTORS = frozenset({"and", "&", "of", "the", ","})
_MONTHS = frozenset(words("""January February March April May June July August September October
November December"""))
_MECHANISM_WORDS = frozenset(words("""Working Steering Officials Contact Expert Experts Advisory
Coordination Consultative Study Task Focus Core Friends"""))
_COMPLEMENT = frozenset({"of", "for", "on"})
_NOT_ORG_WORDS = frozenset(words("""
Initiative Initiatives Agreement Partnership Program Programme Project Plan Corridor
Dialogue Forum Summit Conference Compact Framework Strategy Act Law Fund Committee
Mechanism Roadmap Treaty Memorandum Declaration Statement Pledge Vision Policy Budget
"""))
_FUTURE_ENTITY = re.compile(
    r"\b(?:establish(?:ing|ed|es)?|creat(?:e|ing)|build(?:ing)?|set(?:ting)? up|open(?:ing)?"
    r"|launch(?:ing)?)\s+(?:the\s+|a\s+|an\s+|new\s+)*$", re.IGNORECASE)
_LOWER_MINISTRY = re.compile(r"\b[Mm]inistry of ((?:[a-z]+ ){0,2}[a-z]+)")
_MAX_RIGHT = 12


@dataclass(frozen=True)
class _Span:
    first: int
    last: int  # inclusive token indexes
    head: int


def _is_name_word(tok: Token) -> bool:
    return tok.is_cap and tok.text not in _LEFT_STOP and (tok.is_word or tok.is_acronym)


def _left(tokens: Sequence[Token], head: int) -> int:
    """Index of the first word of the name that ends at ``head``."""
    j = head
    while j > 0:
        prev = tokens[j - 1]
        if _is_name_word(prev):
            j -= 1
        elif (prev.text in ("and", "&", "of", "for") and j >= 2
              and _is_name_word(tokens[j - 2]) and tokens[j - 2].text not in ORG_HEADS
              and country_at(tokens[j - 2:j - 1]) is None):
            j -= 2
        else:
            break
    while j < head and tokens[j].text in ("and", "&", "of", "for"):
        j += 1
    return j


def _continues(tokens: Sequence[Token], k: int) -> bool:
    """Whether the connector at ``k`` joins more of the same name."""
    tok = tokens[k]
    if tok.text not in _CONNECTORS or k + 1 >= len(tokens):
        return False
    nxt = tokens[k + 1]
    if not nxt.is_cap or nxt.is_acronym or nxt.text in _MONTHS:
        return False
    if tok.text == "and" and country_at(tokens[k + 1:k + 4]) is not None:
        return False  # "Department of Energy and Japan's Ministry ..." are two names
    return tok.text != "," or nxt.text in PORTFOLIO_WORDS


def _right(tokens: Sequence[Token], head: int) -> int:
    """Index of the last token of "of/for ..." after the head (the head if none)."""
    k = head + 1
    if k + 1 >= len(tokens) or tokens[k].text not in _COMPLEMENT:
        return head
    last = head
    k += 1
    while k < len(tokens) and k - head <= _MAX_RIGHT:
        tok = tokens[k]
        if tok.is_cap and (tok.is_word or tok.is_acronym) and tok.text not in _MONTHS:
            last = k
        elif not _continues(tokens, k):
            break
        k += 1
    return last


def _apposition(tokens: Sequence[Token], last: int) -> Sequence[Token]:
    """The words of ", a major Chinese state-owned technology conglomerate," after a name."""
    k = last + 1
    if k < len(tokens) and tokens[k].text == "(":
        k += 3
    if k >= len(tokens) or tokens[k].text != ",":
        return ()
    out: list[Token] = []
    for tok in tokens[k + 1:k + 14]:
        if tok.text in (",", ".", ";", ":"):
            break
        out.append(tok)
    return out


def _kind(words: Sequence[Token], head: Token, appos: Sequence[Token],
          country: str | None) -> PartyKind:
    base = ORG_HEADS[head.text]
    first = words[0].text
    if base == "company":
        return "company"
    if first in INTERNATIONAL_PREFIXES:
        return "organisation"
    if base == "government_body":
        return "government_body"
    gov = {t.text.lower() for t in appos} & GOVERNMENT_CUES
    if gov or first in GOVERNMENT_PREFIXES or words[0].is_acronym or country_at(words[:1]):
        return "government_body"
    return "organisation" if country is None or words[-1] is head else "government_body"


def _owner(tokens: Sequence[Token], first: int) -> str | None:
    """The country in "Zambia's Ministry of ..." before the name."""
    if first >= 2 and tokens[first - 1].text in ("’s", "'s"):
        return country_at(tokens[first - 2:first - 1])
    return None


def _drop_demonym(tokens: Sequence[Token], span: _Span) -> int:
    """"Pakistani Ministry of Planning" is the Ministry of Planning (of Pakistan)."""
    first = tokens[span.first]
    if span.last > span.head and first.text != "U.S." and country_at([first]) is not None:
        return span.first + 1 if span.first < span.head else span.first
    return span.first


def _valid(text: str, tokens: Sequence[Token], span: _Span) -> bool:
    words = tokens[span.first:span.last + 1]
    names = {t.text for t in words}
    head = tokens[span.head].text
    if names & (_NOT_ORG_WORDS | PRESS_WORDS) or len(words) < 2:
        return False
    if span.last == span.head and (head in ORG_HEADS_NEED_COMPLEMENT or (
            head == "Administration" and len(words) < 3)):
        return False
    if head == "Group" and tokens[span.head - 1].text in _MECHANISM_WORDS:
        return False
    nxt = tokens[span.last + 1] if span.last + 1 < len(tokens) else None
    if nxt is not None and nxt.is_cap and text[words[-1].end:nxt.start].isspace():
        return False
    return not _FUTURE_ENTITY.search(text[max(0, words[0].start - 40):words[0].start])


def _mention(doc: Document, sentence: Sentence, span: _Span) -> Mention | None:
    tokens = sentence.tokens
    first = _drop_demonym(tokens, span)
    words = tokens[first:span.last + 1]
    if not _valid(doc.text, tokens, _Span(first, span.last, span.head)):
        return None
    appos = _apposition(tokens, span.last)
    country = (country_at(tokens[span.first:span.first + 1]) or _owner(tokens, span.first)
               or country_at(tokens[span.head + 1:span.last + 1]) or country_at(appos))
    name = " ".join(doc.text[words[0].start:words[-1].end].split())
    return Mention(name, _kind(words, tokens[span.head], appos, country), words[0].start,
                   words[-1].end, sentence.index, country=country,
                   acronym=parenthesized_acronym(tokens, span.last + 1))


def _spans(tokens: Sequence[Token]) -> list[_Span]:
    spans: list[_Span] = []
    taken = -1
    for i, tok in enumerate(tokens):
        if i <= taken or tok.text not in ORG_HEADS or not tok.is_cap:
            continue
        first, last = _left(tokens, i), _right(tokens, i)
        if spans and spans[-1].last >= first:
            spans.pop()
        spans.append(_Span(first, last, i))
        taken = last
    return spans


def _lowercase_ministries(doc: Document, sentence: Sentence) -> list[Mention]:
    """"the ministry of maritime affairs said": a ministry named in lower case."""
    out: list[Mention] = []
    for m in _LOWER_MINISTRY.finditer(sentence.text):
        words = m.group(1).split()
        while words and words[-1].capitalize() not in PORTFOLIO_WORDS:
            words.pop()
        if words and all(w.capitalize() in PORTFOLIO_WORDS or w == "and" for w in words):
            name = "Ministry of " + " ".join(w if w == "and" else w.capitalize() for w in words)
            start = sentence.start + m.start()
            end = start + len("ministry of ") + len(" ".join(words))
            out.append(Mention(name, "government_body", start, end, sentence.index))
    return out


def org_mentions(doc: Document) -> list[Mention]:
    """Organisation mentions by name shape, in text order (acronym uses not included)."""
    out: list[Mention] = []
    for sentence in doc.sentences:
        if sentence.kind in ("boilerplate", "heading"):
            continue
        for span in _spans(sentence.tokens):
            mention = _mention(doc, sentence, span)
            if mention is not None:
                out.append(mention)
        out.extend(_lowercase_ministries(doc, sentence))
    return out


def alias_mentions(doc: Document, orgs: Sequence[Mention]) -> list[Mention]:
    """Later uses of an organisation's acronym ("CETC") or of "the <word> ministry"."""
    aliases: dict[str, Mention] = {m.acronym: m for m in orgs if m.acronym}
    out: list[Mention] = []
    for sentence in doc.sentences:
        if sentence.kind == "boilerplate":
            continue
        for hit in _alias_hits(sentence, aliases, orgs):
            out.append(hit)
    return out


def _alias_hits(sentence: Sentence, aliases: dict[str, Mention],
                orgs: Sequence[Mention]) -> list[Mention]:
    out: list[Mention] = []
    tokens = sentence.tokens
    for i, tok in enumerate(tokens):
        target = aliases.get(tok.text)
        if target is None and tok.text.lower() == "ministry" and i:
            target = _ministry_by_word(orgs, tokens[i - 1].text)
            tok = Token(tok.text, tokens[i - 1].start, tok.end) if target else tok
        if target is not None and not (i and tokens[i - 1].text == "("):
            out.append(Mention(target.name, target.kind, tok.start, tok.end, sentence.index,
                               country=target.country))
    return out


def _ministry_by_word(orgs: Sequence[Mention], word: str) -> Mention | None:
    """The ministry whose name holds ``word``: "maritime ministry" → Ministry of Maritime ..."""
    if not word.islower() or len(word) < 4:
        return None
    for org in orgs:
        if org.name.startswith("Ministry of") and word in org.name.lower().split():
            return org
    return None
