"""A real corpus for the corpus-level tests: the dev set and seed articles digested by the
offline rules backend (the same digests `summarizer batch ... --backend rules` writes)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from summarizer.ingest import IngestFailure, iter_articles
from summarizer.models import Digest
from summarizer.pipeline import summarize

ROOT = Path(__file__).resolve().parent.parent
INPUTS = [ROOT / "examples" / "devset" / "articles.jsonl",
          ROOT / "examples" / "seed" / "articles.jsonl"]


@cache
def _digests() -> tuple[Digest, ...]:
    # in a thread of its own: callers may be inside an event loop (playwright's sync API)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(_digest_all).result()


ORIGINAL_DEVSET = frozenset({
    "imec-mou", "us-malaysia-critical-minerals-mou", "us-korea-technology-prosperity-deal",
    "us-philippines-maritime", "us-uae-ai", "brazil-us-energy-transition",
    "aukus-implementation", "us-argentina-trade-framework", "north-american-semiconductors",
    "us-zambia-partnership", "us-mongolia-third-neighbor", "neg-aca-marketplace"})
"""The first 12 dev-set articles (White House releases): the corpus these tests pin."""


def _digest_all() -> tuple[Digest, ...]:
    out = []
    for item in iter_articles([str(p) for p in INPUTS]):
        assert not isinstance(item, IngestFailure), item
        if item.origin.startswith(str(INPUTS[0])) and item.key not in ORIGINAL_DEVSET:
            continue
        out.append(summarize(item, backend="rules"))
    return tuple(out)


def corpus() -> list[Digest]:
    """Digests of the 12 dev-set and 2 seed articles (computed once per session)."""
    return list(_digests())


def write_jsonl(path: Path, digests: list[Digest]) -> Path:
    path.write_text("".join(d.model_dump_json() + "\n" for d in digests), encoding="utf-8")
    return path
