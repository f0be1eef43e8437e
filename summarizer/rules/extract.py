"""The rules backend end to end: sentences → parties → instruments, sectors, targets →
summary, plus plain-word warnings about what it could not find."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..article import Article
from ..models import DigestWarning, Instrument, Party, Sector, Summary, Target
from .config import RulesConfig
from .cues import COOPERATION, per_sentence
from .instruments import find_instruments
from .parties import Found, find_parties, to_party
from .sectors import find_sectors
from .sentences import Document, split_sentences
from .summary import summarize
from .targets import find_targets

log = logging.getLogger("summarizer.rules")

_MIN_COOPERATION_CUES = 2


@dataclass(frozen=True)
class RulesResult:
    """What the rules found in one article; every item carries exact evidence."""

    summary: Summary
    parties: list[Party] = field(default_factory=list)
    instruments: list[Instrument] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    warnings: list[DigestWarning] = field(default_factory=list)


def _is_cooperation(doc: Document, found: Sequence[Found], instruments: Sequence[Instrument]
                    ) -> bool:
    """A country or organisation acts, and the text speaks of working together."""
    actors = [f for f in found if f.kind != "person"]
    if not actors:
        return False
    content = {s.index for s in doc.content}
    cues = sum(n for i, n in per_sentence(doc, COOPERATION).items() if i in content)
    return bool(instruments) or cues >= _MIN_COOPERATION_CUES


def _warnings(result: RulesResult) -> list[DigestWarning]:
    out: list[DigestWarning] = []
    if not result.parties:
        out.append(DigestWarning(code="rules_no_parties", field="parties",
                                 message="rules backend: no cooperating party found"))
    if not result.instruments:
        out.append(DigestWarning(code="rules_no_instrument", field="instruments",
                                 message="rules backend: no instrument found"))
    if not result.targets:
        out.append(DigestWarning(code="rules_no_targets", field="targets",
                                 message="rules backend: no forward-looking target found"))
    return out


def _domestic(summary: Summary, notes: list[DigestWarning]) -> RulesResult:
    note = DigestWarning(
        code="rules_not_cooperation",
        message="rules backend: the article does not read as cooperation between countries "
                "or organisations; only the summary is filled")
    return RulesResult(summary=summary, warnings=[*notes, note])


DEFAULT_CONFIG = RulesConfig()


def _year(published: str | None) -> int | None:
    """The publication year, when the article gives a date ("2025-10-26T...")."""
    head = (published or "")[:4]
    return int(head) if head.isdigit() else None


def extract(article: Article, config: RulesConfig = DEFAULT_CONFIG) -> RulesResult:
    """Digest one article with rules only: deterministic, offline, grounded by construction."""
    doc = split_sentences(article.text, article.title)
    found = find_parties(doc, config)
    instruments = find_instruments(doc, found, config, _year(article.published))
    party_sentences = {m.sentence for f in found for m in f.mentions}
    summary, notes = summarize(doc, party_sentences, config)
    if not _is_cooperation(doc, found, instruments):
        log.debug("%s: no cooperation found; summary only", article.label)
        return _domestic(summary, notes)
    result = RulesResult(
        summary=summary,
        parties=[to_party(doc, f, config) for f in found],
        instruments=instruments,
        sectors=find_sectors(doc, config),
        targets=find_targets(doc, config),
    )
    return RulesResult(**{**result.__dict__, "warnings": [*notes, *_warnings(result)]})
