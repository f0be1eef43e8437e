"""The guard every backend's output passes before it becomes a digest.

Whatever produced the items (a model's grounded draft, the offline rules), the same two
rules hold:

* no evidence may lie in a passage that gives instructions to a language model (a possible
  prompt injection, found by ``injection.injection_spans``): such spans are removed, and an
  item left with no evidence is dropped with a warning;
* no summary bullet may repeat such a passage.

Every drop becomes a :class:`~summarizer.models.DigestWarning`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from .injection import injection_spans
from .models import DigestWarning, Evidence, Instrument, Party, Sector, Summary, Target

Span = tuple[int, int]
_Item = TypeVar("_Item", Party, Instrument, Sector, Target)


class Extraction(Protocol):
    """What a backend hands over: a grounded draft or the rules' result."""

    @property
    def summary(self) -> Summary: ...
    @property
    def parties(self) -> list[Party]: ...
    @property
    def instruments(self) -> list[Instrument]: ...
    @property
    def sectors(self) -> list[Sector]: ...
    @property
    def targets(self) -> list[Target]: ...
    @property
    def warnings(self) -> list[DigestWarning]: ...


@dataclass
class Guarded:
    """An extraction after the guard, with the warnings for what it removed."""

    summary: Summary
    parties: list[Party]
    instruments: list[Instrument]
    sectors: list[Sector]
    targets: list[Target]
    warnings: list[DigestWarning] = field(default_factory=list)


def _inside(ev: Evidence, spans: Sequence[Span]) -> bool:
    return any(a < ev.end and ev.start < b for a, b in spans)


def _label(item: Party | Instrument | Sector | Target) -> str:
    if isinstance(item, Party):
        return item.name
    if isinstance(item, Instrument):
        return item.title or item.kind
    if isinstance(item, Sector):
        return item.label
    return item.description


def _items(items: Sequence[_Item], field_name: str, spans: Sequence[Span],
           notes: list[DigestWarning]) -> list[_Item]:
    kept: list[_Item] = []
    for item in items:
        evidence = [ev for ev in item.evidence if not _inside(ev, spans)]
        if evidence:
            kept.append(item if len(evidence) == len(item.evidence)
                        else item.model_copy(update={"evidence": evidence}))
            continue
        notes.append(DigestWarning(
            code="injection_evidence", field=field_name, item=_label(item),
            message=f"Dropped {_label(item)!r}: its only evidence lies in a passage that "
                    "gives instructions to the model (possible prompt injection)."))
    return kept


def _summary(summary: Summary, text: str, spans: Sequence[Span],
             notes: list[DigestWarning]) -> Summary:
    passages = [" ".join(text[a:b].split()).lower() for a, b in spans]

    def injected(line: str) -> bool:
        folded = " ".join(line.split()).lower()
        return bool(folded) and any(folded in p or p in folded for p in passages)

    bullets = [b for b in summary.bullets if not injected(b)]
    if len(bullets) < len(summary.bullets):
        notes.append(DigestWarning(
            code="injection_summary", field="summary",
            message=f"Dropped {len(summary.bullets) - len(bullets)} summary bullet(s) that "
                    "repeat a passage giving instructions to the model."))
    evidence = [ev for ev in summary.evidence if not _inside(ev, spans)]
    one_line = "" if injected(summary.one_line) else summary.one_line
    return summary.model_copy(update={"bullets": bullets, "evidence": evidence,
                                      "one_line": one_line or summary.headline})


def guard(found: Extraction, text: str) -> Guarded:
    """``found`` without anything that rests on injected instructions in ``text``."""
    spans = injection_spans(text)
    if not spans:
        return Guarded(found.summary, list(found.parties), list(found.instruments),
                       list(found.sectors), list(found.targets), list(found.warnings))
    notes: list[DigestWarning] = []
    return Guarded(
        summary=_summary(found.summary, text, spans, notes),
        parties=_items(found.parties, "parties", spans, notes),
        instruments=_items(found.instruments, "instruments", spans, notes),
        sectors=_items(found.sectors, "sectors", spans, notes),
        targets=_items(found.targets, "targets", spans, notes),
        warnings=[*found.warnings, *notes],
    )
