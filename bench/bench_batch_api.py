"""The provider Batch API route end to end through the CLI, against the local Files + Batches
stand-in (``tests/batch_api_standin.py``; there is no real Batch API to measure here).

    python bench/bench_batch_api.py [--articles 2000]

1. ``summarizer batch many.jsonl -o out.jsonl --batch-api`` is killed with SIGKILL while
   polling (``SUMMARIZER_FAULT_KILL_AT=polling``), then run again: batches created,
   uploads, requests answered, live calls, output lines (unique ids, input order) and the
   rerun's wall time.
2. The same inputs on a fresh store without interruption: wall time, and the cost the
   summary shows at the batch rate next to the live rate (the stand-in model priced as
   gpt-4o-mini, each answer 900 prompt + 250 completion tokens).
3. Time to render one request line (prepare), in this process.

Not a timed test: figures depend on the machine; record them with the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from batch_api_standin import run_batch_api  # noqa: E402
from standin import ok  # noqa: E402
from test_batch import DRAFT, TEXT  # noqa: E402

USAGE = (900, 250)


def _inputs(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            out.write(json.dumps({"id": f"a{n:05d}", "text": TEXT.format(n=n % 1000)
                                  + f" Ref {n}."}) + "\n")
    return path


def _cli(inputs: Path, out: Path, store: Path, base_url: str, prices: Path) -> list[str]:
    return [sys.executable, "-m", "summarizer", "batch", str(inputs), "-o", str(out),
            "--batch-api", "--store", str(store), "--base-url", base_url, "--model",
            "standin-model", "--poll-interval", "0", "--no-progress", "--prices", str(prices)]


def _run(args: list[str], kill_at: str | None = None) -> tuple[int, float, str]:
    env = dict(os.environ, OPENAI_API_KEY="bench")
    env.pop("SUMMARIZER_FAULT_KILL_AT", None)
    if kill_at:
        env["SUMMARIZER_FAULT_KILL_AT"] = kill_at
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    return done.returncode, time.perf_counter() - started, done.stderr


def _check(out: Path, count: int) -> str:
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ids = [line["article"]["id"] for line in lines]
    in_order = ids == [f"a{n:05d}" for n in range(count)]
    via = sum(line["provenance"].get("via") == "batch_api" for line in lines)
    return (f"{len(lines)} lines, {len(set(ids))} unique ids, input order: {in_order}, "
            f"via batch_api: {via}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args()
    n = args.articles
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = _inputs(work / "many.jsonl", n)
        prices = work / "prices.json"
        prices.write_text(json.dumps({"standin-model": {"input": 0.15, "output": 0.60}}))
        print(f"## {n} articles, summarizer batch --batch-api (CLI)\n")
        with run_batch_api(default=ok(DRAFT, usage=USAGE)) as api:
            cli = _cli(inputs, work / "out.jsonl", work / "store.db", api.base_url, prices)
            code, seconds, _ = _run(cli, kill_at="polling")
            print(f"1. killed while polling: exit {code} after {seconds:.1f} s; "
                  f"batches created {api.creates}, uploads {api.uploads}")
            code, seconds, stderr = _run(cli)
            print(f"   rerun: exit {code} in {seconds:.1f} s; batches created {api.creates}, "
                  f"uploads {api.uploads}, requests answered in batches "
                  f"{len(api.batch_requests)}, live calls {api.calls}")
            print(f"   output: {_check(work / 'out.jsonl', n)}")
        with run_batch_api(default=ok(DRAFT, usage=USAGE)) as api:
            cli = _cli(inputs, work / "out2.jsonl", work / "store2.db", api.base_url, prices)
            code, seconds, stderr = _run(cli)
            print(f"2. uninterrupted: exit {code} in {seconds:.1f} s; batches {api.creates}")
            print("   " + "\n   ".join(stderr.strip().splitlines()))
        print(f"3. render one request line: {_render_ms(inputs):.3f} ms")


def _render_ms(inputs: Path) -> float:
    from summarizer.article import Article
    from summarizer.config import LLMConfig
    from summarizer.pipeline import Summarizer, SummarizerConfig

    llm = LLMConfig(base_url="http://127.0.0.1:9/v1", model="standin-model", api_key="x")
    articles = [Article(**json.loads(line)) for line in
                inputs.read_text(encoding="utf-8").splitlines()[:500]]
    with Summarizer(SummarizerConfig(backend="llm", llm=llm)) as summarizer:
        summarizer.request_body(articles[0])
        started = time.perf_counter()
        for article in articles:
            summarizer.request_body(article)
        return (time.perf_counter() - started) * 1000 / len(articles)


if __name__ == "__main__":
    main()
