"""Time the offline rules backend (``summarizer.rules.extract``) per article.

    python bench/bench_rules.py [--runs 50] [--devset ../shared/devset]

Default article: the whole seed page (examples/seed-articles.txt, about 1,000 words).
Reports the first call (which builds the name tables once per process) and the median
wall and CPU time over ``--runs`` calls. With ``--devset`` every dev-set article is timed
too, with its word count, and the article closest to 1,000 words is named.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from summarizer.article import Article
from summarizer.rules import extract

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "examples" / "seed-articles.txt"


def time_ms(article: Article, runs: int) -> tuple[float, float, float]:
    """(first call, median wall time, median CPU time of ``runs`` further calls) in ms.

    CPU time (``time.process_time``) is what the rules cost; wall time also counts waiting
    for a core on a busy machine."""
    started = time.perf_counter()
    extract(article)
    first = (time.perf_counter() - started) * 1000
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        extract(article)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return first, statistics.median(wall), statistics.median(cpu)


def devset(directory: Path) -> list[Article]:
    with (directory / "articles.jsonl").open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [Article(text=r["text"], id=r["id"], title=r.get("title")) for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--devset", type=Path, default=None)
    args = parser.parse_args(argv)
    seed = Article(text=SEED.read_text(encoding="utf-8"), id="seed-page")
    first, wall, cpu = time_ms(seed, args.runs)
    print(f"seed page ({len(seed.text.split())} words): first call {first:.1f} ms; median "
          f"over {args.runs} runs {wall:.1f} ms wall, {cpu:.1f} ms CPU")
    if args.devset:
        articles = devset(args.devset)
        print("| article | words | median ms wall | median ms CPU |\n|---|---|---|---|")
        for article in articles:
            _, wall, cpu = time_ms(article, args.runs)
            print(f"| {article.id} | {len(article.text.split())} | {wall:.1f} | {cpu:.1f} |")
        near = min(articles, key=lambda a: abs(len(a.text.split()) - 1000))
        print(f"closest to 1,000 words: {near.id} ({len(near.text.split())} words)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
