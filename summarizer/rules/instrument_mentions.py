"""Where the text mentions an instrument: keyword, name, determiner, status and context.

A keyword (memorandum of understanding, MoU, agreement, corridor, initiative, ...) gives
the kind. A name is the run of capitalised words before a capitalised keyword and its
"of/on/for ..." complement ("China-Pakistan Economic Corridor (CPEC)", "Memorandum of
Understanding on the Principles of an India – Middle East – Europe Economic Corridor").
The status comes from the cue word nearest the mention in its sentence; a modal before a
verb ("intend to sign", "will launch") makes it proposed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from ..models import InstrumentKind, InstrumentStatus
from .countries import country_at
from .cues import BACKGROUND, NEGATION, STATUS_CUES, list_gap, modal_before
from .lexicon import FUNCTION_CAPS, words
from .sentences import Sentence
from .tokens import Token, parenthesized_acronym

Determiner = str  # "self" (this MoU), "definite" (the MoU), "indefinite", "generic"

_KEYWORDS: tuple[tuple[str, InstrumentKind, bool], ...] = (
    (r"memo(?:rand(?:um|a))?\s+of\s+understanding", "mou", True),
    (r"(?:final|leaders['’]?|summit)\s+(?:declaration|communiqu[eé])s?", "joint_statement",
     True),
    (r"(?-i:M[Oo]Us?)", "mou", True),
    (r"joint\s+(?:statement|declaration|communiqu[eé])s?", "joint_statement", True),
    (r"statement|declaration", "joint_statement", False),
    (r"joint\s+ventures?", "agreement", True),
    (r"agreements?|accords?|pacts?|compacts?", "agreement", True),
    (r"treat(?:y|ies)", "treaty", True),
    (r"contracts?|concessions?", "contract", True),
    (r"loans?|credit\s+lines?|lines?\s+of\s+credit", "loan", True),
    (r"grants?", "grant", True),
    (r"deals?|arrangements?", "agreement", False),
    (r"conventions?", "treaty", False),
    (r"initiatives?|programs?|programmes?|projects?|pledges?|funds?", "initiative", False),
    (r"corridors?", "corridor", False),
    (r"frameworks?|road\s?maps?", "framework", False),
    (r"partnerships?|alliances?", "partnership", False),
    (r"dialogues?|forums?|mechanisms?|committees?|working\s+groups?|conferences?"
     r"|action\s+plans?", "other", False),
)
_KEYWORD = re.compile(
    "|".join(rf"(?P<k{i}>\b(?:{p})\b)" for i, (p, _, _) in enumerate(_KEYWORDS)),
    re.IGNORECASE)
_NAME_CONNECTORS = frozenset({"and", "&", "of", "for", "on", "-", "–", "—"})
_COMPLEMENT_START = frozenset({"of", "on", "for", "to", "between", "concerning", "Between",
                               "Concerning", "On", "For", "Of"})
_COMPLEMENT_INSIDE = frozenset({"the", "a", "an", "and", "of", "for", "on", "in", "to", "-",
                                "–", "—", "&", "between"})
_SELF = frozenset({"this", "these", "today", "present"})
_DEFINITE = frozenset({"the", "that", "said", "our", "its", "their"})
_GENERIC = frozenset({"such", "other", "similar", "those", "any", "each", "every", "some",
                      "many", "all", "existing", "future", "several", "more"})
_ALL_DETERMINERS = _SELF | _DEFINITE | _GENERIC | {"a", "an", "new", "another"}
_NUMBERS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                      "several", "multiple"})
_VERB_VERB = re.compile(r"\b(?:to|will|would|shall|may|can|not)\s+$", re.IGNORECASE)
_CREATING = re.compile(
    r"\b(?:sign\w*|ink\w*|launch\w*|establish\w*|creat\w*|form\w*|explor\w*|discuss\w*"
    r"|develop\w*|announc\w*|agree\w*|negotiat\w*|conclud\w*|propos\w*|set(?:ting)? up|forg\w+"
    r"|unveil\w*|eyes|eyeing|build\w*|new|provid\w*|award\w*|extend\w*|approv\w*|reach\w*"
    r"|clinch\w*|seal\w*|struck|strike\w*)\b"
    r"(?:\W+\w+){0,4}\W*$", re.IGNORECASE)
_NEXT_WORD = re.compile(r"\s+([A-Za-z]+)")
_AFTER_NOUN = frozenset(words("""with to for of worth was is will agreement signed from that
which and or in on at by under valued totaling totalling amounting has had were are"""))
_BETWEEN = re.compile(r"^\s+(?:between|with)\s+(?:the\s+)?[A-Z]")
_MAX_CUE_DISTANCE = 120
_AFTER_BREAK = re.compile(r"[,;:(]|\b(?:that|which|who|to)\b")
"""Between a mention and a later cue, these mean the cue belongs to another clause."""
_CREATION_CUE = re.compile(r"launch|establish|implement|operat|held|hosted|organi|convened|"
                           r"began|begun|announced", re.IGNORECASE)
_PLACE_WORDS = frozenset(words("""River Sea Mountains Ocean Gulf Lake Canal Strait Bay Basin
Delta Desert Coast Peninsula"""))
"""A lower-case keyword after these names a place: "the Danube River corridor"."""
_DOC_KINDS = frozenset({"mou", "agreement", "treaty", "joint_statement", "framework",
                        "contract"})


@dataclass(frozen=True)
class InstrumentHit:
    """One mention of an instrument."""

    kind: InstrumentKind
    strong: bool
    start: int  # the mention (name if any, else keyword)
    end: int
    sentence: int
    title: str | None = None
    acronym: str | None = None
    determiner: Determiner = "indefinite"
    plural: bool = False
    status: InstrumentStatus | None = None
    background: bool = False
    owner: str | None = None
    creating: bool = False
    acronym_ref: str | None = None
    listed: bool = False
    """Named by the label of an item in an announced list of instruments."""

    @property
    def is_document(self) -> bool:
        return self.kind in _DOC_KINDS


def _token_index(tokens: Sequence[Token], offset: int) -> int:
    return bisect_left([t.start for t in tokens], offset)


def _left_name(tokens: Sequence[Token], i: int) -> int:
    """First token of the capitalised run (with connectors and acronyms) before token i."""
    j = i
    while j > 0:
        prev = tokens[j - 1]
        if (prev.is_cap and prev.text not in FUNCTION_CAPS
                and not re.search(r"-[a-z]", prev.text)):
            j -= 1
        elif prev.text == ")" and j >= 3 and tokens[j - 3].text == "(" and tokens[j - 2].is_cap:
            j -= 3
        elif prev.text in _NAME_CONNECTORS and j >= 2 and tokens[j - 2].is_cap:
            j -= 1
        else:
            break
    while j < i and not tokens[j].is_cap:
        j += 1
    return j


def _right_name(tokens: Sequence[Token], k: int) -> int:
    """Index after the "of/on/for ..." complement that starts at token k (k if none)."""
    if k >= len(tokens) or tokens[k].text not in _COMPLEMENT_START:
        return k
    end, m = k, k + 1
    while m < len(tokens) and m - k < 30:
        tok = tokens[m]
        if tok.is_cap or tok.text.isdigit():
            end = m + 1
        elif tok.text not in _COMPLEMENT_INSIDE:
            break
        m += 1
    return end


def _acronym_after(tokens: Sequence[Token], k: int) -> tuple[str | None, int]:
    acronym = parenthesized_acronym(tokens, k)
    return (acronym, k + 3) if acronym else (None, k)


def _only_countries(tokens: Sequence[Token]) -> bool:
    words = [t for t in tokens if t.is_word and t.text not in _NAME_CONNECTORS]
    return all(country_at([t]) is not None or t.text == "U.S." for t in words)


@dataclass(frozen=True)
class _Name:
    first: int
    last: int  # exclusive
    title: str | None
    acronym: str | None


def _name(text: str, tokens: Sequence[Token], i: int, j: int) -> _Name:
    """The instrument's name around keyword tokens i..j (exclusive)."""
    capital = tokens[i].is_cap
    first = _left_name(tokens, i)
    last = _right_name(tokens, j) if capital else j
    acronym, after = _acronym_after(tokens, last)
    words = tokens[first:i]
    if (first == i and last == j) or (words and _only_countries(words) and last == j):
        return _Name(first, after, None, acronym)
    if words and not capital and words[-1].text in _PLACE_WORDS:
        return _Name(first, after, None, None)  # "the Danube River corridor" is a place
    if not capital and first == i:
        return _Name(first, after, None, acronym)
    title = " ".join(text[tokens[first].start:tokens[after - 1].end].split())
    return _Name(first, after, title, acronym or _inner_acronym(tokens[first:i]))


def _inner_acronym(tokens: Sequence[Token]) -> str | None:
    """"Australia – United Kingdom – United States (AUKUS) partnership" → "AUKUS"."""
    return next(filter(None, (parenthesized_acronym(tokens, k) for k in range(len(tokens)))),
                None)


def _determiner(tokens: Sequence[Token], first: int) -> Determiner:
    """The word that determines the mention, past up to three adjectives ("the new ...")."""
    before = [t.text.lower() for t in tokens[max(0, first - 5):first]]
    while len(before) > 1 and before[-1] not in _ALL_DETERMINERS and re.fullmatch(
            r"[a-z][a-z-]*", before[-1]):
        before.pop()
    near = before[-1] if before else ""
    if near in ("’s", "'s") and len(before) >= 2 and before[-2] == "today":
        return "self"
    if near in _SELF or (near == "present" and "the" in before):
        return "self"
    if near in _GENERIC:
        return "generic"
    if near in _DEFINITE:
        return "definite"
    return "indefinite"


def _owner(tokens: Sequence[Token], first: int) -> str | None:
    if first >= 2 and tokens[first - 1].text in ("’s", "'s"):
        return country_at(tokens[first - 2:first - 1])
    return None


def mention_status(sentence: Sentence, start: int, end: int,
                   clause_only: bool = True) -> InstrumentStatus | None:
    """The status the cue nearest to ``start..end`` in the sentence signals. With
    ``clause_only`` a cue after the mention counts only in the same clause."""
    best: tuple[float, InstrumentStatus] | None = None
    for status, pattern in STATUS_CUES:
        for m in pattern.finditer(sentence.text):
            cue_start, cue_end = sentence.start + m.start(), sentence.start + m.end()
            if start <= cue_start < end or (clause_only and cue_start >= end and _AFTER_BREAK
                                             .search(_between(sentence, end, cue_start))):
                continue
            distance = start - cue_end if cue_end <= start else (cue_start - end) + 0.5
            if cue_end <= start and list_gap(sentence.text[m.end():start - sentence.start]):
                distance = min(distance, 10.0)
            if distance > _MAX_CUE_DISTANCE or (best and best[0] <= distance):
                continue
            found = status
            if status == "signed" and NEGATION.search(sentence.text[max(0, m.start() - 30):
                                                                     m.start()]):
                found = "under_discussion"
            elif _creates(status, m.group(0)) and modal_before(sentence.text, m.start()):
                found = "proposed"
            best = (distance, found)
    return best[1] if best else None


def _between(sentence: Sentence, start: int, end: int) -> str:
    """The sentence text between two offsets of the article."""
    return sentence.text[start - sentence.start:end - sentence.start]


def _creates(status: InstrumentStatus, cue: str) -> bool:
    """Cues a modal turns into plans ("to sign", "will launch"); "to continue" stays."""
    return status == "signed" or (status == "implemented" and _CREATION_CUE.match(cue) is not None)


def _background(sentence: Sentence, start: int) -> bool:
    """A context phrase just before the mention, or before the list it stands in."""
    before = sentence.text[:start - sentence.start]
    return any(m.end() >= len(before) - 60 or list_gap(before[m.end():])
               for m in BACKGROUND.finditer(before))


def _keyword_hits(sentence: Sentence) -> Iterator[tuple[re.Match[str], InstrumentKind, bool]]:
    for m in _KEYWORD.finditer(sentence.text):
        index = int((m.lastgroup or "k0")[1:])
        _, kind, strong = _KEYWORDS[index]
        yield m, kind, strong


def _not_a_noun(sentence: Sentence, m: re.Match[str]) -> bool:
    """"to grant", "contract research organizations": not an instrument here."""
    if _VERB_VERB.search(sentence.text[max(0, m.start() - 12):m.start()]):
        return True
    if not m.group(0).lower().startswith(("grant", "contract", "loan")):
        return False
    nxt = _NEXT_WORD.match(sentence.text, m.end())
    return bool(nxt and nxt.group(1).islower() and nxt.group(1) not in _AFTER_NOUN)


def _hit(text: str, sentence: Sentence, m: re.Match[str], kind: InstrumentKind,
         strong: bool) -> InstrumentHit:
    tokens = sentence.tokens
    i = _token_index(tokens, sentence.start + m.start())
    j = _token_index(tokens, sentence.start + m.end())
    name = _name(text, tokens, i, j)
    start, end = tokens[name.first].start, tokens[name.last - 1].end
    word = m.group(0)
    plural = word.lower().endswith("s") and not word.lower().endswith("ss")
    if plural:
        name = _Name(i, j, None, None)
        start, end = tokens[i].start, tokens[j - 1].end
    before = sentence.text[max(0, m.start() - 60):m.start()]
    after = sentence.text[m.end():m.end() + 40]
    determiner = _determiner(tokens, name.first)
    return InstrumentHit(
        kind=kind, strong=strong, start=start, end=end, sentence=sentence.index,
        title=name.title, acronym=name.acronym, determiner=determiner,
        plural=plural,
        status="signed" if determiner == "self" and kind in _DOC_KINDS
        else mention_status(sentence, start, end),
        background=determiner != "self" and _background(sentence, start),
        owner=_owner(tokens, name.first),
        creating=bool(_CREATING.search(before) or _BETWEEN.match(after)))


def _inherit(text: str, hits: list[InstrumentHit]) -> list[InstrumentHit]:
    """Items of a list ("the X Forum, the Y Dialogue and the Z Plan") share the cue of the
    first item: its status when they have none, and its background."""
    out = hits[:1]
    for hit in hits[1:]:
        prev = out[-1]
        if list_gap(text[prev.end:hit.start]):
            hit = replace(hit, status=hit.status if hit.status and not prev.status
                          else prev.status, background=hit.background or prev.background)
        out.append(hit)
    return out


def keyword_mentions(text: str, sentence: Sentence) -> list[InstrumentHit]:
    """Instrument mentions of one sentence, longest name first where they overlap."""
    return _inherit(text, _keyword_mentions(text, sentence))


def _keyword_mentions(text: str, sentence: Sentence) -> list[InstrumentHit]:
    out: list[InstrumentHit] = []
    for m, kind, strong in _keyword_hits(sentence):
        if kind in ("grant", "contract", "loan", "initiative") and _not_a_noun(sentence, m):
            continue
        hit = _hit(text, sentence, m, kind, strong)
        if kind == "joint_statement" and not strong and hit.determiner != "self":
            continue  # "a statement" is no instrument; "this statement" is the release
        if out and hit.start < out[-1].end:
            if hit.end - hit.start <= out[-1].end - out[-1].start:
                continue
            out.pop()
        out.append(hit)
    return out


def acronym_mentions(sentence: Sentence, acronyms: dict[str, InstrumentKind],
                     taken: Sequence[tuple[int, int]]) -> list[InstrumentHit]:
    """Uses of a defined instrument acronym ("CPEC Phase-II") outside named mentions."""
    out: list[InstrumentHit] = []
    for tok in sentence.tokens:
        kind = acronyms.get(tok.text.split("-")[0])
        if kind is None or any(s <= tok.start < e for s, e in taken):
            continue
        out.append(InstrumentHit(
            kind=kind, strong=True, start=tok.start, end=tok.end, sentence=sentence.index,
            determiner="definite", status=mention_status(sentence, tok.start, tok.end),
            background=_background(sentence, tok.start), acronym_ref=tok.text.split("-")[0]))
    return out


def number_before(tokens: Sequence[Token], first: int) -> bool:
    """"signed two agreements": a plural with a count is still news."""
    if first <= 0:
        return False
    word = tokens[first - 1].text.lower()
    return word in _NUMBERS or (word.isdigit() and word != "1")


def has_keyword(text: str) -> bool:
    """Whether ``text`` names any kind of instrument."""
    return _KEYWORD.search(text) is not None
