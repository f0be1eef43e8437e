"""Score the offline rules backend on the dev set (and the seed articles, when present).

    python bench/devset_rules.py [DEVSET_DIR] [--seed SEED_DIR] [--json] [--out FILE]

DEVSET_DIR holds ``articles.jsonl`` and ``gold.jsonl`` (default ``../shared/devset``
relative to the project root); SEED_DIR holds ``seed-articles.txt`` and ``gold.jsonl``
(default: ``seed`` beside DEVSET_DIR). Every article goes through
``summarizer.rules.extract`` and the predictions are scored with ``summarizer.evaluation.scoring``.
Prints the Markdown report (per-field P/R/F1, then per-article differences).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from summarizer.article import Article
from summarizer.evaluation.format import format_report
from summarizer.evaluation.scoring import score_all
from summarizer.rules import RULES_VERSION, extract

ROOT = Path(__file__).resolve().parent.parent
SEED_IDS = ("seed-quantum-mou", "seed-romania-maritime")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def devset_articles(directory: Path) -> Iterator[Article]:
    for row in read_jsonl(directory / "articles.jsonl"):
        yield Article(text=row["text"], id=row["id"], title=row.get("title"),
                      published=row.get("published"), source=row.get("source"),
                      url=row.get("url"))


def seed_articles(path: Path) -> list[Article]:
    """Split the seed page simply: an article's title is a line repeated several times; its
    body runs from the first list bullet after the title to the next article's title."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    titles = [t for t in dict.fromkeys(x.strip() for x in lines)
              if t and sum(x.strip() == t for x in lines) >= 3]
    starts = [next(i for i, x in enumerate(lines) if x.strip() == t) for t in titles]
    out: list[Article] = []
    for n, (title, start) in enumerate(zip(titles, starts, strict=True)):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = next((i for i in range(start, end) if lines[i].lstrip().startswith("•")), start)
        text = "".join(lines[body:end]).rstrip() + "\n"
        out.append(Article(text=text, id=SEED_IDS[n] if n < len(SEED_IDS) else None,
                           title=title))
    return out


def predict(articles: list[Article]) -> tuple[dict[str, dict[str, Any]], float]:
    """Rules predictions as Digest-shaped dicts, and the total extraction time in ms."""
    preds: dict[str, dict[str, Any]] = {}
    started = time.perf_counter()
    for article in articles:
        result = extract(article)
        preds[article.key] = {
            "article": {"text": article.text},
            "summary": result.summary.model_dump(mode="json"),
            **{name: [x.model_dump(mode="json") for x in getattr(result, name)]
               for name in ("parties", "instruments", "sectors", "targets")},
        }
    return preds, (time.perf_counter() - started) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", nargs="?", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("--seed", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print the JSON report instead")
    parser.add_argument("--out", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    articles = list(devset_articles(args.devset))
    golds = read_jsonl(args.devset / "gold.jsonl")
    seed_dir = args.seed or args.devset.parent / "seed"
    if (seed_dir / "gold.jsonl").exists() and (seed_dir / "seed-articles.txt").exists():
        articles += seed_articles(seed_dir / "seed-articles.txt")
        golds += read_jsonl(seed_dir / "gold.jsonl")
    preds, elapsed = predict(articles)
    report = format_report({f"rules-{RULES_VERSION}": score_all(preds, golds)},
                           "json" if args.json else "md")
    words = sum(len(a.text.split()) for a in articles)
    print(report)
    print(f"\n{len(articles)} articles, {words} words, extraction {elapsed:.0f} ms in total",
          file=sys.stderr)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
