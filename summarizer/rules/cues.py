"""Cue words: cooperation, status verbs, future and background phrases (compiled once)."""

from __future__ import annotations

import re

from ..models import InstrumentStatus
from .sentences import Document


def rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Compile ``pattern`` with every space matching any run of whitespace (line breaks)."""
    return re.compile(pattern.replace(" ", r"\s+"), flags)


COOPERATION = rx(
    r"\b(?:co-?operat\w*|collaborat\w*|partner\w*|agree\w*|sign(?:ed|s|ing)?|ink(?:ed|s)?"
    r"|memorand\w*|MoUs?|MOUs?|joint(?:ly)?|bilateral\w*|trilateral\w*|multilateral"
    r"|between|together|allian\w*|allies|ties|relations|talks|discuss\w*|negotiat\w*"
    r"|treat(?:y|ies)|assist\w*|participants?|counterparts?"
    r"|(?:both|two|three) (?:sides|countries|governments|nations|leaders))\b")
"""Words that say two actors work together."""

_MODAL = rx(
    r"\b(?:will|would|shall|to|plans?|planning|intends?|intended|intention|expected|may|"
    r"could|aims?|seeks?|set|ready|committed|commit|pledged?|agreed|decided|hope|hopes)"
    r"(?:\s+(?:to|also|jointly|soon|further|now|be|the|a|an|new))*\s*$")
"""Before a verb cue, these make it future: "intend to sign", "will launch"."""

STATUS_CUES: tuple[tuple[InstrumentStatus, re.Pattern[str]], ...] = (
    ("signed", rx(
        r"\b(?:sign(?:ed|s|ing)?|ink(?:ed|s)?|concluded|sealed|finali[sz]ed|struck"
        r"|entered into(?! force)|reached|adopted|hailed|welcomed the (?:signing|conclusion)"
        r"|agreed(?! to)|agreed to (?:a|an|the)|issued|exchanged|approved|clinched"
        r"|complet(?:e|ed|ing) (?:the )?negotiations|arrived at)\b"
        r"|\b(?:this|today['’]s|the present)\s+(?=(?:\w+\s+){0,2}?"
        r"(?:memorandum|mou|agreement|joint statement|statement|declaration|framework))",
    )),
    ("proposed", rx(
        r"\b(?:will|shall|intends?|intended|intention|plans? to|planned|proposed?|propos\w+"
        r"|aims? to|pledged?|commit(?:s|ted)? to|upcoming|forthcoming|future|pending"
        r"|seeks? to|announc(?:e|es|ing)"
        r"|to (?:establish|launch|develop|create|set up|build|sign|open|hold|form))\b",
    )),
    ("under_discussion", rx(
        r"\b(?:explor\w+|discuss\w*|negotiat\w+|talks|consider(?:s|ed|ing)?|eyes|eyeing"
        r"|mulls?|mulling|feasibility|possible|possibility|prospects?|potential"
        r"|finali[sz]ing|being finali[sz]ed|under negotiation|stalled|deadlock\w*"
        r"|stalemate|trying to|work(?:ing)? out)\b",
    )),
    ("implemented", rx(
        r"\b(?:launch(?:ed|es|ing)?|operat(?:ing|ional|es)|in(?:to)? force|in effect|existing"
        r"|established"
        r"|(?-i:through)(?= (?:the |its |our )?[A-Z])"
        r"|ongoing|underway|continu(?:e|es|ed|ing)|part of|under|implement(?:ed|ing|ation)"
        r"|long-?standing|celebrated|began|begun|since (?:19|20)\d\d|build(?:s|ing)? on"
        r"|maintains?|held|hosted|renewed|announced|organi[sz]ed|convened|celebrat\w*)\b")),
)
"""Each status with the words that signal it; the cue nearest a mention decides."""

NEGATION = rx(
    r"\b(?:not(?: yet| completely| fully| been)?|never|yet to(?: be)?|failed to|fail to"
    r"|unable to|no longer|without|being|once)\s*$")
"""Before a "signed" cue, these turn it into talks: "not completely finalized"."""

NO_DEAL = rx(
    r"\b(?:without (?:an? |any )?(?:agreement|deal|accord)|no (?:agreement|deal|accord)"
    r"|(?:fail(?:ed|s)?|unable|refus(?:ed|es)) to (?:reach|agree|settle|conclude|sign)"
    r"|collapsed|broke down|ended in deadlock|no progress)\b")
"""A sentence that reports the absence of a deal: its unnamed deal is no instrument."""

PAST_CONTEXT = rx(
    r"\b(?:earlier|previous(?:ly)?|last (?:year|month|week)|(?:years|months) ago"
    r"|once before|in the past|originally|which has expired|has expired|former)\b")
"""Words that put a mention in the past: context, not the article's news."""

BACKGROUND = rx(
    r"\b(?:part of|under|consistent with|in line with|aligns? with|aligned with"
    r"|build(?:s|ing)? on|in support of|flagship (?:project|programme|program) of"
    r"|pursuant to|as with|in the framework of|within the framework of|endorsement of"
    r"|including through|via)\b")
"""Phrases before a mention that make it context rather than news."""

FUTURE = rx(
    r"\b(?:will|shall|aims? to|aiming to|plans? to|planning to|intends? to|intend(?:ed)? to"
    r"|intention to|seeks? to|goal|target(?:s|ed|ing)?|commit(?:s|ted)? to|pledge[sd]? to"
    r"|is set to|are set to|to be (?:provided|completed|built|established)"
    r"|within the next|over the next|in the coming|next (?:year|month|decade)"
    r"|later this (?:year|month)|by (?:the end of )?(?:19|20)\d\d|upcoming)\b")
"""Commitments and plans: what makes a sentence forward-looking."""

FORECAST_ONLY = rx(r"\b(?:expected|projected|forecast|likely|estimated|could|might)\b")

PAST_STAT = rx(
    r"\b(?:has|have|had) (?:provided|invested|given|spent|helped|grown|reached|increased)"
    r"|\bsince (?:19|20)\d\d|\b(?:in|by) (?:19[5-9]\d|200\d|201\d)\b|\blast year\b"
    r"|\bcontribut(?:es|ed) (?:less|more|about|around|nearly)"
    r"|\b(?:totaled|totalled|stood at|stands at|grew|rose|fell|declined|was worth|topping"
    r"|already (?:provided|invested|reached))\b")


_PAST_ABILITY = rx(r"\b(?:was|were|had been) able to\s*$")


def modal_before(text: str, pos: int) -> bool:
    """True when the words just before ``pos`` make the next verb future or intended
    ("we were able to complete" is past, not a plan)."""
    before = text[max(0, pos - 40):pos]
    return bool(_MODAL.search(before)) and not _PAST_ABILITY.search(before)


_LIST_WORDS = frozenset({"the", "and", "of", "for", "on", "in", "a", "an", "to", "its",
                         "their", "our", "as", "well"})
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")


def list_gap(text: str) -> bool:
    """True when ``text`` only continues a list of names ("the X Forum, the Y Dialogue, ")."""
    if ";" in text or ":" in text:
        return False
    return all(w[0].isupper() or w.lower() in _LIST_WORDS for w in _WORD.findall(text))


def per_sentence(doc: Document, pattern: re.Pattern[str]) -> dict[int, int]:
    """How often ``pattern`` matches in each sentence, from one pass over the text."""
    counts: dict[int, int] = {}
    for m in pattern.finditer(doc.text):
        sentence = doc.at(m.start())
        if sentence is not None:
            counts[sentence.index] = counts.get(sentence.index, 0) + 1
    return counts
