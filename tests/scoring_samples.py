"""Predictions and gold annotations shared by the evaluation tests (normalise, match,
scoring, format)."""

from __future__ import annotations

from typing import Any

from summarizer.models import (
    ArticleInfo,
    Digest,
    Evidence,
    Instrument,
    Party,
    Provenance,
    Sector,
    Summary,
    Target,
)

TEXT = "Pakistan and China signed an MoU on quantum computing. China will help by 2030."


def make_gold(aid: str = "a1", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": aid, "parties": [], "instruments": [], "sectors": [],
                            "targets": [], "summary_facts": []}
    return {**base, **fields}


def make_pred(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"summary": {"headline": "", "one_line": "", "bullets": []},
                            "parties": [], "instruments": [], "sectors": [], "targets": []}
    return {**base, **fields}


def party(name: str, kind: str = "country") -> dict[str, Any]:
    return {"name": name, "kind": kind, "role": None}


def inst(kind: str, status: str, parties: list[str], title: str | None = None,
         background: bool = False) -> dict[str, Any]:
    return {"kind": kind, "title": title, "status": status, "parties": parties,
            "background": background}


def target(description: str, value: str | None = None,
           deadline: str | None = None) -> dict[str, Any]:
    return {"description": description, "value": value, "unit": None, "deadline": deadline}


def _ev(quote: str) -> Evidence:
    start = TEXT.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote), match="exact")


def make_digest() -> Digest:
    return Digest(
        article=ArticleInfo(id="a1", sha256="0" * 64, text=TEXT),
        summary=Summary(headline="Pakistan and China sign quantum MoU",
                        one_line="Pakistan and China signed an MoU on quantum computing.",
                        bullets=["China will help Pakistan by 2030."]),
        parties=[Party(name="Pakistan", kind="country", evidence=[_ev("Pakistan")]),
                 Party(name="China", kind="country", evidence=[_ev("China")])],
        instruments=[Instrument(kind="mou", status="signed", parties=["Pakistan", "China"],
                                evidence=[_ev("signed an MoU")])],
        sectors=[Sector(label="quantum and advanced computing",
                        evidence=[_ev("quantum computing")])],
        targets=[Target(description="China to help Pakistan", deadline="2030",
                        evidence=[_ev("China will help by 2030")])],
        provenance=Provenance(backend="rules", created_at="2026-01-01T00:00:00+00:00"),
    )


GOLD_A1 = make_gold(
    parties=[party("Pakistan"), party("China")],
    instruments=[inst("mou", "signed", ["Pakistan", "China"])],
    sectors=["quantum and advanced computing"],
    targets=[target("China to help Pakistan", deadline="2030")],
    summary_facts=["Pakistan and China signed an MoU on quantum computing.",
                   "China will help Pakistan by 2030."],
)
