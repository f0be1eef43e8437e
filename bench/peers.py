"""Peer comparison: summarizer vs a plain instructor script vs LangExtract, on the same
articles, the same local OpenAI-compatible stand-in and the same canned model answers.

    /work/benchvenv/bin/python bench/peers.py [ARTICLES.jsonl] [--gold GOLD.jsonl]
        [--concurrency 4 16] [--latency 0.2] [--repeats 3] [--prompt digest ...]
        [--out bench/results/peers.md]

Run it from a separate virtualenv: LangExtract is *not* a dependency of this project (see
bench/README.md for the setup). The stand-in (tests/standin.py) answers every system with
the same items per article, each in that system's own format (bench/peers_items.py).
Measured per system: tokens sent per article and the prompt overhead beyond the article's
own tokens, wall time at equal concurrency (at most N requests in flight), and what became
of each item: kept with character offsets (on the right span or not), kept without, or
dropped. Prints a Markdown report and writes it to ``--out``.
"""

from __future__ import annotations

import argparse
import logging
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the stand-in server lives with the tests

from peers_items import Doc, Item, StandinModel, canned_items, read_jsonl  # noqa: E402
from peers_report import (  # noqa: E402
    RIGHT_SPAN,
    Result,
    Tokens,
    cost_table,
    grounding_table,
    overlap_table,
    variant_table,
)
from peers_systems import System, systems  # noqa: E402
from standin import StandIn, dynamic, run_standin  # noqa: E402


@dataclass(frozen=True)
class BenchConfig:
    articles: Path
    gold: Path
    concurrency: tuple[int, ...] = (4, 16)
    latency: float = 0.2
    repeats: int = 3
    prompts: tuple[str, ...] = ("digest",)
    out: Path = ROOT / "bench" / "results" / "peers.md"


def load(config: BenchConfig) -> tuple[list[Doc], dict[str, list[Item]]]:
    docs = [Doc(a["id"], a.get("title") or "", a["text"]) for a in read_jsonl(config.articles)]
    gold = {g["id"]: g for g in read_jsonl(config.gold)} if config.gold.exists() else {}
    return docs, {doc.id: canned_items(doc, gold.get(doc.id)) for doc in docs}


def measure(system: System, docs: Sequence[Doc], config: BenchConfig, standin: StandIn,
            model: StandinModel) -> Result:
    """One untimed run (imports, caches) whose requests and items are counted, then
    ``repeats`` timed runs per concurrency."""
    mark, calls = len(model.log), standin.calls
    found = system.run(docs, config.concurrency[0], standin.base_url)
    result = Result(system, found, model.log[mark:])
    assert standin.calls - calls == len(result.served), "a request went unanswered"
    for concurrency in config.concurrency:
        for _ in range(config.repeats):
            started = time.perf_counter()
            system.run(docs, concurrency, standin.base_url)
            result.seconds.setdefault(concurrency, []).append(time.perf_counter() - started)
    return result


def header(config: BenchConfig, docs: Sequence[Doc], items: dict[str, list[Item]]) -> list[str]:
    command = shlex.join(["/work/benchvenv/bin/python", "bench/peers.py", *sys.argv[1:]])
    packages = ("summarizer", "instructor", "openai", "langextract", "tiktoken")
    return [
        "# Peer comparison: summarizer vs a plain instructor script vs LangExtract", "",
        f"Command (from the project root): `{command}`", "",
        f"- Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on 2 shared cores; "
        + ", ".join(f"{p} {version(p)}" for p in packages) + ".",
        f"- {len(docs)} articles ({sum(len(d.text.split()) for d in docs):,} words) from "
        f"`{config.articles.name}`; {sum(map(len, items.values()))} canned items built from "
        f"`{config.gold.name}`, the same for every system.",
        f"- Stand-in latency {config.latency * 1000:.0f} ms per response. Wall time: median "
        f"of {config.repeats} timed run(s) after one untimed run, all articles, at most N "
        "requests in flight for every system.",
        "- Tokens: tiktoken `cl100k_base` over every message plus tool definitions "
        "(`response_format` schemas are not counted). Prompt overhead = tokens sent − the "
        "article's own tokens.",
        f"- Right span: the offsets cover the quote's source span with overlap ≥ {RIGHT_SPAN} "
        "(intersection over union). Invented quotes have no right span.", ""]


def report(results: Sequence[Result], docs: Sequence[Doc], items: dict[str, list[Item]],
           config: BenchConfig) -> str:
    return "\n".join([
        *header(config, docs, items),
        "## Tokens sent and wall time", "",
        *cost_table(results, docs, Tokens(), config.concurrency), "",
        "## Grounding: what became of the model's items", "",
        *grounding_table(results, docs, items), "",
        "## By kind of quote (match kind in brackets)", "",
        *variant_table(results, docs, items), "",
        "## Exact quotes: overlapping another item's quote or not", "",
        *overlap_table(results, docs, items), ""])


def parse_args(argv: Sequence[str] | None = None) -> BenchConfig:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("articles", nargs="?", type=Path,
                        default=ROOT.parent / "shared" / "devset" / "articles.jsonl")
    parser.add_argument("--gold", type=Path, help="default: gold.jsonl beside the articles")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 16])
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per response")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--prompt", nargs="+", default=["digest"],
                        help="summarizer prompt reference(s), e.g. digest@v1 digest@v2")
    parser.add_argument("--out", type=Path, default=BenchConfig.out)
    args = parser.parse_args(argv)
    gold = args.gold or args.articles.with_name("gold.jsonl")
    return BenchConfig(args.articles, gold, tuple(args.concurrency), args.latency,
                       args.repeats, tuple(args.prompt), args.out)


def main() -> None:
    config = parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    docs, items = load(config)
    model = StandinModel(docs, items)
    results = []
    with run_standin(default=dynamic(model.step), latency=config.latency) as standin:
        for system in systems(config.prompts):
            print(f"running: {system.label}", file=sys.stderr)
            results.append(measure(system, docs, config, standin, model))
    text = report(results, docs, items, config)
    config.out.parent.mkdir(parents=True, exist_ok=True)
    config.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
