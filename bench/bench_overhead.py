"""Client-side overhead per article, and CLI start-up time.

Measures what summarizer itself adds around a model call for a ~1,000-word article:
rendering the prompt, validating the model's JSON into a DigestDraft, and grounding every
quote (index build included: a new article is grounded cold). Then times
`summarizer --help` as a user would run it.

    python bench/bench_overhead.py [--runs 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from summarizer.article import Article
from summarizer.grounding import article_index, ground_draft
from summarizer.models import DigestDraft
from summarizer.pipeline import render_messages
from summarizer.prompts import get_prompt

ROOT = Path(__file__).resolve().parent.parent


def article_text() -> str:
    """The seed file's text (953 words): two articles, as one realistic long input."""
    return (ROOT / "examples" / "seed-articles.txt").read_text(encoding="utf-8")


def canned_answer(text: str) -> str:
    """A draft of 6 parties, 3 instruments, 5 sectors and 4 targets quoting the text."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) > 8]

    def quote(i: int) -> list[str]:
        words = sentences[i % len(sentences)].split()
        return [" ".join(words[:12])]

    draft = {
        "summary": {"headline": "Pakistan, China sign MoU", "one_line": "They signed an MoU.",
                    "bullets": ["One fact.", "Two facts.", "Three facts."]},
        "parties": [{"name": n, "kind": "country", "role": "party", "evidence": quote(i)}
                    for i, n in enumerate(["Pakistan", "China", "Romania", "Karachi",
                                           "Islamabad", "Chaudhry"])],
        "instruments": [{"kind": "mou", "status": "signed", "parties": ["Pakistan"],
                         "evidence": quote(i + 7)} for i in range(3)],
        "sectors": [{"label": "energy", "evidence": quote(i + 11)} for i in range(5)],
        "targets": [{"description": "a goal", "evidence": quote(i + 17)} for i in range(4)],
    }
    return json.dumps(draft)


def per_article_ms(text: str, answer: str, runs: int) -> dict[str, float]:
    prompt, article = get_prompt("digest@v1"), Article(text=text, title="Seed")
    timings: dict[str, list[float]] = {"render": [], "validate": [], "ground": [], "total": []}
    for _ in range(runs):
        article_index.cache_clear()  # every article is new: build its index each time
        t0 = time.perf_counter()
        render_messages(prompt, article)
        t1 = time.perf_counter()
        draft = DigestDraft.model_validate_json(answer)
        t2 = time.perf_counter()
        ground_draft(draft, text)
        t3 = time.perf_counter()
        for key, value in zip(timings, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            timings[key].append(value * 1000)
    return {key: statistics.median(values) for key, values in timings.items()}


def help_seconds(runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "summarizer", "--help"], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    text = article_text()
    result = per_article_ms(text, canned_answer(text), args.runs)
    print(f"article: {len(text.split())} words, {args.runs} runs (medians)")
    for key, value in result.items():
        print(f"  {key:<9} {value:6.2f} ms")
    print(f"summarizer --help: {help_seconds():.3f} s wall (median of 7)")


if __name__ == "__main__":
    main()
