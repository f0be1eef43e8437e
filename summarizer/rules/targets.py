"""Targets: forward-looking goals and commitments, never past statistics.

A clause is forward-looking when it holds a plan or commitment ("aims to", "will",
"intend to", "by 2047"). Numeric targets come first: a range ("from three to six" →
"3 -> 6"), an amount ("$7.5 million"), a percentage or a count, with the deadline as
stated ("by 2047" → "2047"). Then commitments without numbers ("China will assist Pakistan
in establishing ..."). A clause that only forecasts ("are expected to reach full capacity")
or reports the past ("has provided over $5.2 billion since 2002") is no target.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..models import Target
from .config import RulesConfig
from .cues import FORECAST_ONLY, FUTURE, PAST_STAT, rx
from .lexicon import words
from .numbers import (
    COUNT,
    MONEY,
    NAMED_AMOUNT,
    PERCENT,
    RANGE,
    as_number,
    deadline,
    is_year,
    unit_words,
)
from .sentences import Document, Sentence
from .spans import sentence_evidence

_ACTIONS = words("""assist establish build develop provide launch expand open create hold meet
support strengthen cooperate collaborate work invest deploy include promote advance enhance deliver
facilitate finali[sz]e sign implement increase improve accelerate share coordinate pursue
conduct explore train upgrade remove eliminate reduce recogni[sz]e allow accept adopt
prioriti[sz]e secure help enable align harmoni[sz]e contribute participate lay connect set
mobili[sz]e focus consult engage offer extend fund finance construct complete ensure protect
combat counter phase initiate refocus double triple exchange co-invest import export supply
buy purchase sell transfer begin start resume return send give boost cut lower raise monitor
evaluate design reform study take grow reach achieve convene host organi[sz]e negotiate
conclude""")
COMMITMENT = rx(
    r"\b(?:will|shall|intends? to|intend(?:ed)? to|plans? to|aims? to|aiming to|commit(?:s|ted)?"
    r" to|seeks? to|seeking to|agreed to|pledged? to|(?:is|are) set to|(?:is|are) to"
    r"|(?:goal|aim|objective|target) (?:is|was) to|with the (?:goal|aim) of|decided to"
    r"|(?:are|is) taking (?:steps|measures) to)"
    r"(?: (?:also|jointly|further|continue to|work to|now|soon|closely|be able to|regularly"
    r"|together|quickly|fully|gradually|swiftly|significantly|substantially|strive to|help))*"
    r" (?:" + "|".join(_ACTIONS) + r")\w*\b"
    r"|\bset (?:a |an |the )?(?:\w+ )?(?:target|goal) of\b|\btargets? of\b"
    r"|\b(?:has|have) (?:committed|pledged)\b|\bco-invest\w*")
_INTENT = rx(r"\b(?:intent|intention|commitment|committed|pledge|aim|goal)s?\b")
_CLAUSE_BREAK = re.compile(
    r";|\s[–—]\s|:\s|,\s(?=(?:with|which|while|whereas|underscoring|reflecting|including"
    r"|adding|but|where)\b)")
_EDGES = "\"“”‘’'*,.;: \n\t"
_MARKUP = re.compile(r"<[^>]*>|\*\*|__|(?<=\w)\*|\*(?=\w)|\[|\]\([^)]*\)")
_LIST_INTRO = re.compile(r":\s*$")
_MAX_WORDS = 40
_CURRENCY = {"$": "USD", "€": "EUR", "£": "GBP", "Rs": "PKR", "PKR": "PKR", "USD": "USD",
             "EUR": "EUR", "GBP": "GBP"}


@dataclass(frozen=True)
class _Found:
    sentence: Sentence
    start: int
    end: int
    value: str | None
    unit: str | None
    deadline: str | None

    @property
    def numeric(self) -> bool:
        return bool(self.value or self.deadline)


def _clauses(sentence: Sentence) -> Iterator[tuple[int, int]]:
    """Offsets (in the sentence text) of its clauses."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(sentence.text):
        yield start, m.start()
        start = m.end()
    yield start, len(sentence.text)


def _currency(amount: str) -> str:
    for sign, code in _CURRENCY.items():
        if sign in amount:
            return code
    return "USD"


def _value(text: str) -> tuple[str | None, str | None]:
    """The clause's number and its unit, by preference: range, money, percent, count."""
    m = RANGE.search(text)
    if m:
        named = NAMED_AMOUNT.search(text)
        unit = named.group("unit") if named else unit_words(m.group("unit"))
        return f"{as_number(m.group('a'))} -> {as_number(m.group('b'))}", unit
    m = MONEY.search(text)
    if m:
        return " ".join(m.group(0).split()), _currency(m.group(0))
    m = PERCENT.search(text)
    if m:
        return f"{as_number(m.group('n'))}%", m.group("unit")
    for m in COUNT.finditer(text):
        number = m.group("n").rstrip(",.")
        if not is_year(number):
            return as_number(number), unit_words(m.group("unit"), 4)
    return None, None


_EFFECT = rx(r"^\W*(?:this|these|that|it|which|such)\b(?: \w+){0,3}? (?:will|would|could|can)"
             r"(?: also| further)? (?:help|enable|allow|ensure|benefit|make|give|serve|create"
             r"|lead|open)\b")
"""What a measure will do for someone ("This will enable ...") is a claimed effect."""
_NOT_A_PLEDGE = rx(r"^\W*(?:whereas|recogni[sz]ing|noting|desiring|considering)\b"
                   r"|\b(?:hopes?|believes?|is confident|are confident|thinks?)\b")
"""A recital ("Whereas, ...") or a hope someone voices is no commitment."""


def _forward(text: str) -> bool:
    """A plan or commitment, not a forecast, a claimed effect, a recital, a hope or a
    past figure."""
    if _EFFECT.search(text) or _NOT_A_PLEDGE.search(text):
        return False
    committed = COMMITMENT.search(text) is not None
    if not (committed or FUTURE.search(text)):
        return False
    if committed:
        return True
    return not (FORECAST_ONLY.search(text) or PAST_STAT.search(text))


def _in_clause(sentence: Sentence, start: int, end: int) -> _Found | None:
    text = sentence.text[start:end]
    if not _forward(text):
        return None
    value, unit = _value(text)
    due = deadline(text) if FUTURE.search(text) or COMMITMENT.search(text) else None
    if not (value or due or COMMITMENT.search(text)):
        return None
    return _Found(sentence, sentence.start + start, sentence.start + end, value, unit, due)


def _description(doc: Document, found: _Found) -> str:
    text = _MARKUP.sub("", doc.text[found.start:found.end])
    words = text.strip(_EDGES).split()
    text = " ".join(words[:_MAX_WORDS])
    return re.sub(r"^(?:and|but|so|also|then)\s+", "", text).strip(_EDGES)


def _listed(sentence: Sentence) -> _Found:
    """An item of a list a commitment introduces ("We intend to collaborate to: ...")."""
    text = sentence.text
    value, unit = _value(text)
    return _Found(sentence, sentence.start, sentence.end, value, unit, deadline(text))


def _committing_intro(sentence: Sentence) -> bool:
    return bool(_LIST_INTRO.search(sentence.text) and (
        COMMITMENT.search(sentence.text) or FUTURE.search(sentence.text)
        or _INTENT.search(sentence.text)))


def _candidates(doc: Document) -> list[_Found]:
    out: list[_Found] = []
    in_list = False
    for sentence in doc.sentences:
        if sentence.kind == "para":
            in_list = _committing_intro(sentence)
        if not sentence.is_content:
            continue
        if in_list and sentence.kind == "bullet" and _opens_item(doc, sentence):
            out.append(_listed(sentence))
            continue
        if _LIST_INTRO.search(sentence.text):
            continue
        for start, end in _clauses(sentence):
            found = _in_clause(sentence, start, end)
            if found is not None:
                out.append(found)
                break
    return out


def _opens_item(doc: Document, sentence: Sentence) -> bool:
    """The first body sentence of a list item (after its label, if any)."""
    before = [s for s in doc.sentences[:sentence.index] if s.block == sentence.block]
    return all(s.kind == "heading" for s in before)


def find_targets(doc: Document, config: RulesConfig) -> list[Target]:
    """Numeric targets first, then commitments, in text order; at most the configured."""
    found = _candidates(doc)
    ranked = [f for f in found if f.numeric] + [f for f in found if not f.numeric]
    out: list[Target] = []
    for item in ranked[:config.max_targets]:
        description = _description(doc, item)
        if not description:
            continue
        out.append(Target(
            description=description, value=item.value, unit=item.unit, deadline=item.deadline,
            evidence=[sentence_evidence(doc, item.sentence, (item.start, item.end),
                                        config.max_quote_chars)]))
    return sorted(out, key=lambda t: t.evidence[0].start)
