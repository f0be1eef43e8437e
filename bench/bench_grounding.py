"""Time ``ground_draft`` on a ~1,000-word article with ~40 evidence quotes.

    python bench/bench_grounding.py [--runs 200]

Reports the median per article over the runs: "warm" reuses the cached article index
(the normal case: one article, one draft, then a re-ask), "cold" rebuilds it every run.
The draft mixes exact, normalized and fuzzy quotes with a few that are not in the article.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from summarizer.grounding import ArticleIndex, article_index, ground_draft
from summarizer.models import (
    DigestDraft,
    DraftInstrument,
    DraftParty,
    DraftSector,
    DraftSummary,
    DraftTarget,
)

ARTICLE = Path(__file__).resolve().parent.parent / "examples" / "seed-articles.txt"


def _party(name: str, kind: str, *quotes: str) -> DraftParty:
    return DraftParty.model_validate({"name": name, "kind": kind, "evidence": list(quotes)})


def build_draft() -> DigestDraft:
    parties = [
        _party("Pakistan", "country", "Pakistan and China this month signed",
               "Pakistan and Romania are exploring"),
        _party("China", "country", "China will assist Pakistan", "cooperation with China"),
        _party("Romania", "country", "stronger ties with Romania",
               "growing partnership between Pakistan and Romania"),
        _party("Ahsan Iqbal", "person", "Minister Iqbal said the collaboration represented",
               "Ahsan Iqbal was quoted as saying"),
        _party("CETC", "company", "China Electronics Technology Group Corporation (CETC)",
               "a major Chinese state-owned technology conglomerate"),
        _party("Emerging Technologies Lab", "organisation",
               "the Emerging Technologies Lab, a PSDP-funded project",
               "under the Pakistani Ministry of Planning"),
        _party("Muhammad Junaid Anwar Chaudhry", "person",
               "Federal Minister for Maritime Affairs Muhammad Junaid Anwar Chaudhry",
               "Chaudhry said Pakistan's existing ports"),                      # normalized
        _party("Dan Stoenescu", "person", "Romanian Ambassador Dr. Dan Stoenescu",
               "Romanian Ambassador Stoenescu praised the quality of Pakistani exports"),
        _party("Karachi Port Trust", "organisation",
               "Acting Chairman of the Karachi Port Trust", "also in attendance"),
        _party("Evil Corp", "company", "Evil Corp will build the port",       # not found
               "Evil Corp signed with Romania"),
    ]
    instruments = [
        DraftInstrument(kind="mou", title="Quantum MoU", status="signed",
                        parties=["Pakistan", "China"],
                        evidence=["signed a Memorandum of Understanding (MoU)",
                                  "the MoU was signed"]),
        DraftInstrument(kind="corridor", title="CPEC", status="implemented",
                        evidence=["China-Pakistan Economic Corridor (CPEC)",
                                  "CPEC Phase-II focus on high-tech cooperation"]),
        DraftInstrument(kind="initiative", title="Uraan Pakistan", status="implemented",
                        evidence=["Under the government's 'Uraan Pakistan' initiative",
                                  "expand access to emerging technologies"]),
        DraftInstrument(kind="corridor", title="Karachi-Constanta link",
                        status="under_discussion",
                        evidence=["linkages between Karachi Port and the Port of Constanta",
                                  "linking Karachi Port with Port of Constanța"]),
    ]
    sectors = [
        DraftSector(label="quantum and advanced computing",
                    evidence=["quantum technologies", "National Centre for Quantum Computing"]),
        DraftSector(label="maritime and ports",
                    evidence=["new maritime linkages", "digital port systems"]),
        DraftSector(label="ai and digital",
                    evidence=["artificial intelligence (AI)", "digital transformation"]),
        DraftSector(label="trade", evidence=["open trade routes to European markets",
                                             "sports goods, surgical instruments and "
                                             "agricultural products"]),            # fuzzy
    ]
    targets = [
        DraftTarget(description="Six operational ports by 2047", value="6", deadline="2047",
                    evidence=["expand the number of operational ports from three to six by 2047",
                              "ports are expected to reach full capacity before 2047"]),
        DraftTarget(description="Quantum Valley Project",
                    evidence=["We are initiating the Quantum Valley Project",
                              "a hub for innovation, technology and knowledge-based "
                              "development"]),                                       # fuzzy
    ]
    summary = DraftSummary(
        headline="Pakistan, China sign MoU on quantum technologies",
        one_line="Pakistan and China signed an MoU on quantum technologies.",
        bullets=["Pakistan to establish National Center for Quantum Computing with Chinese "
                 "support", "Pakistan and Romania discuss a maritime link",
                 "CETC and the Emerging Technologies Lab signed the agreement"],
    )
    return DigestDraft(summary=summary, parties=parties, instruments=instruments,
                       sectors=sectors, targets=targets)


def count_quotes(draft: DigestDraft) -> int:
    groups = (draft.parties, draft.instruments, draft.sectors, draft.targets)
    return sum(len(item.evidence) for group in groups for item in group)


def median_ms(run: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    text = ARTICLE.read_text(encoding="utf-8")
    draft = build_draft()
    grounded = ground_draft(draft, text)  # warm-up: imports, caches
    groups = (grounded.parties, grounded.instruments, grounded.sectors, grounded.targets)
    kept = sum(len(group) for group in groups)
    matches = [e.match for group in groups for item in group for e in item.evidence]

    def cold() -> None:
        article_index.cache_clear()
        ground_draft(draft, text)

    warm_ms = median_ms(lambda: ground_draft(draft, text), args.runs)
    cold_ms = median_ms(cold, args.runs)
    index_ms = median_ms(lambda: ArticleIndex(text), args.runs)
    print(f"article: {len(text.split())} words, {len(text)} chars; "
          f"draft: {count_quotes(draft)} quotes")
    print(f"kept {kept} items, {len(grounded.rejections)} rejected; evidence by match: "
          + ", ".join(f"{m}={matches.count(m)}" for m in ("exact", "normalized", "fuzzy")))
    print(f"median over {args.runs} runs: ground_draft warm {warm_ms:.2f} ms, "
          f"cold {cold_ms:.2f} ms (index build alone {index_ms:.2f} ms)")


if __name__ == "__main__":
    main()
