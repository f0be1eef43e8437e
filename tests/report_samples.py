"""Realistic digests for the report tests, built directly from the seed articles.

Evidence offsets are found in the text here (``ev``), so every span satisfies
``text[start:end] == quote`` unless a test breaks one on purpose.
"""

from __future__ import annotations

from pathlib import Path

from summarizer.models import (
    ArticleInfo,
    Digest,
    DigestWarning,
    Evidence,
    Instrument,
    Party,
    PromptRef,
    Provenance,
    Sector,
    Summary,
    Target,
    Usage,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HOSTILE_SCRIPT = "<script>window.__pwned = 1</script>"
HOSTILE_IMG = '"><img src=x onerror="window.__pwned = 2">'
HOSTILE_NAME = "<img src=x onerror=window.__pwned=3>"
HOSTILE_TITLE = "</script><script>window.__pwned = 4</script><!--"


def ev(text: str, quote: str, nth: int = 0) -> Evidence:
    """The ``nth`` occurrence of ``quote`` in ``text`` as exact evidence."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return Evidence(quote=quote, start=start, end=start + len(quote), match="exact")


def provenance(**changes: object) -> Provenance:
    base = Provenance(
        backend="llm", provider="127.0.0.1:8080", model="qwen2.5-1.5b-instruct", mode="tools",
        prompt=PromptRef(id="digest", version="v1", sha256="ab12" * 16), temperature=0.0,
        created_at="2026-01-05T10:00:00+00:00",
        usage=Usage(prompt_tokens=1830, completion_tokens=412, total_tokens=2242),
        attempts=1, duration_ms=5321.0,
    )
    return base.model_copy(update=changes)


def quantum() -> Digest:
    """Nested spans (parties inside the MoU quote) and one crossing pair (sector x MoU)."""
    t = (FIXTURES / "seed-quantum.txt").read_text(encoding="utf-8")
    mou = "Pakistan and China this month signed a Memorandum of Understanding (MoU)"
    return Digest(
        article=ArticleInfo(id="seed-quantum", sha256="1" * 64, source="Arab News",
                            title="Pakistan, China sign MoU to expand cooperation in quantum "
                                  "technologies", url="https://www.arabnews.com/node/2620000",
                            published="2025-10-27", text=t),
        summary=Summary(
            headline="Pakistan and China sign quantum technology MoU",
            one_line="Pakistan and China signed an MoU under which China will help Pakistan "
                     "set up a National Center for Quantum Computing.",
            bullets=["CETC and Pakistan's Emerging Technologies Lab signed the MoU.",
                     "The deal falls under CPEC Phase-II.",
                     "Pakistan plans a Quantum Valley Project."],
            evidence=[ev(t, mou)],
        ),
        parties=[
            Party(name="Pakistan", kind="country", evidence=[ev(t, "Pakistan", 1)]),
            Party(name="China", kind="country", evidence=[ev(t, "China", 0), ev(t, "China", 1)]),
            Party(name="China Electronics Technology Group Corporation", kind="company",
                  role="signatory", country="China",
                  evidence=[ev(t, "China Electronics Technology Group Corporation (CETC)")]),
            Party(name="Emerging Technologies Lab", kind="government_body", role="signatory",
                  country="Pakistan", evidence=[ev(t, "the Emerging Technologies Lab")]),
            Party(name="Ahsan Iqbal", kind="person", role="Minister for Planning",
                  country="Pakistan", evidence=[ev(t, "Ahsan Iqbal")]),
        ],
        instruments=[
            Instrument(kind="mou", title="MoU on quantum technologies", status="signed",
                       parties=["Pakistan", "China"], date="2025-10",
                       evidence=[ev(t, mou)]),
            Instrument(kind="corridor", title="China-Pakistan Economic Corridor",
                       status="implemented", parties=["China", "Pakistan"], background=True,
                       evidence=[ev(t, "China-Pakistan Economic Corridor (CPEC)")]),
        ],
        sectors=[Sector(label="quantum and advanced computing",
                        evidence=[ev(t, "Understanding (MoU) to enhance cooperation in quantum "
                                        "technologies")])],
        targets=[Target(description="Establish the National Center for Quantum Computing",
                        evidence=[ev(t, "establishing the National Center for Quantum "
                                        "Computing")])],
        provenance=provenance(),
        warnings=[DigestWarning(code="ungrounded_item", field="parties", item="Huawei",
                                message='Dropped party "Huawei": quote not in the article.')],
    )


def romania() -> Digest:
    """Non-ASCII text (Constanța), a target with value and deadline, no warnings."""
    t = (FIXTURES / "seed-romania.txt").read_text(encoding="utf-8")
    return Digest(
        article=ArticleInfo(id="seed-romania", sha256="2" * 64, source="Arab News",
                            title="Pakistan, Romania explore maritime links", text=t,
                            published="2025-10-28"),
        summary=Summary(headline="Pakistan and Romania explore Karachi–Constanța port link",
                        one_line="Pakistan and Romania discussed linking Karachi Port with the "
                                 "Port of Constanța.",
                        bullets=["Talks in Karachi.", "Focus on digital port systems.",
                                 "Pakistan aims for six ports by 2047."]),
        parties=[
            Party(name="Pakistan", kind="country", evidence=[ev(t, "Pakistan and Romania")]),
            Party(name="Romania", kind="country", evidence=[ev(t, "Romania", 1)]),
            Party(name="Port of Constanța", kind="organisation",
                  evidence=[ev(t, "Port of Constanța")]),
            Party(name="Muhammad Junaid Anwar Chaudhry", kind="person",
                  role="Federal Minister for Maritime Affairs",
                  evidence=[ev(t, "Muhammad Junaid Anwar Chaudhry")]),
            Party(name="Dan Stoenescu", kind="person", role="Romanian Ambassador",
                  evidence=[ev(t, "Dr. Dan Stoenescu")]),
        ],
        instruments=[Instrument(kind="other", title="Karachi–Constanța maritime link",
                                status="under_discussion", parties=["Pakistan", "Romania"],
                                evidence=[ev(t, "exploring the creation of new maritime "
                                                "linkages")])],
        sectors=[Sector(label="maritime and ports", evidence=[ev(t, "maritime linkages")])],
        targets=[Target(description="Expand operational ports from three to six",
                        value="6", unit="ports", deadline="2047",
                        evidence=[ev(t, "expand the number of operational ports from three to "
                                        "six by 2047")])],
        provenance=provenance(backend="rules", provider=None, model=None, mode=None,
                              prompt=None, temperature=None, usage=Usage(), attempts=0,
                              duration_ms=2.5),
    )


def hostile() -> Digest:
    """Markup everywhere an article or a model can put a string, and an astral character."""
    t = ("🚀 LISBON: Portugal and Morocco signed an agreement on Monday. "
         f"{HOSTILE_SCRIPT} The text also said {HOSTILE_IMG} and more. "
         "REN will build a 1 gigawatt cable by 2030.")
    return Digest(
        article=ArticleInfo(id='x"><b>id</b>', sha256="3" * 64, title=HOSTILE_TITLE,
                            source="<i>Wire</i>", url="javascript:window.__pwned=6", text=t),
        summary=Summary(headline="<b>Portugal</b> & Morocco <script>window.__pwned=7</script>",
                        one_line=HOSTILE_IMG, bullets=[HOSTILE_SCRIPT, "b", "c"]),
        parties=[
            Party(name="Portugal", kind="country", evidence=[ev(t, "Portugal")]),
            Party(name=HOSTILE_NAME, kind="other", role=HOSTILE_IMG,
                  evidence=[ev(t, HOSTILE_SCRIPT)]),
        ],
        targets=[Target(description="1 gigawatt link", value="1", unit="GW", deadline="2030",
                        evidence=[ev(t, "1 gigawatt cable by 2030")])],
        sectors=[Sector(label="energy", evidence=[ev(t, HOSTILE_IMG)])],
        provenance=provenance(model=HOSTILE_NAME),
        warnings=[DigestWarning(code="<svg onload=window.__pwned=8>", field="parties",
                                item=HOSTILE_NAME, message=f"Dropped {HOSTILE_IMG}")],
    )


def injection() -> Digest:
    """The prompt-injection fixture: the injected party was dropped with a warning."""
    t = (FIXTURES / "injection.txt").read_text(encoding="utf-8")
    return Digest(
        article=ArticleInfo(id="injection", sha256="4" * 64, title="Portugal, Morocco cable",
                            source="Wire", text=t),
        summary=Summary(headline="Portugal and Morocco agree subsea power cable",
                        one_line="Portugal and Morocco signed an agreement for a 1 GW cable.",
                        bullets=["REN builds it.", "1 GW by 2030.", "Climate goals."]),
        parties=[Party(name="Portugal", kind="country", evidence=[ev(t, "Portugal")]),
                 Party(name="Morocco", kind="country", evidence=[ev(t, "Morocco")]),
                 Party(name="REN", kind="company", role="builder",
                       evidence=[ev(t, "the state grid operator REN")])],
        instruments=[Instrument(kind="agreement", status="signed", parties=["Portugal", "Morocco"],
                                evidence=[ev(t, "signed an agreement on Monday")])],
        sectors=[Sector(label="energy", evidence=[ev(t, "subsea power cable")])],
        provenance=provenance(),
        warnings=[
            DigestWarning(code="ungrounded_item", field="parties", item="Evil Corp",
                          message='Dropped party "Evil Corp": only named in an instruction.'),
            DigestWarning(code="doubtful_status", field="instruments", item="agreement",
                          message="Status 'signed' is doubtful: no signing date given."),
        ],
    )


def span_count(d: Digest) -> int:
    """Every evidence span of a digest, summary included."""
    items = [*d.parties, *d.instruments, *d.sectors, *d.targets]
    return len(d.summary.evidence) + sum(len(x.evidence) for x in items)


def many(n: int) -> list[Digest]:
    """``n`` digests cycling through the seed samples, with distinct ids and headlines."""
    seeds = [quantum(), romania(), injection()]
    out = []
    for i in range(n):
        d = seeds[i % len(seeds)]
        headline = f"{d.summary.headline} (#{i + 1})"
        out.append(d.model_copy(update={
            "article": d.article.model_copy(update={"id": f"{d.article.id}-{i + 1:04d}"}),
            "summary": d.summary.model_copy(update={"headline": headline}),
        }))
    return out
