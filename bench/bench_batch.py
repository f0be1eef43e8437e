"""Batch throughput, cache hits and streaming memory, against the local stand-in server.

    python bench/bench_batch.py [--articles 1000] [--concurrency 64] [--latency 0.2]
                                [--stream 100000] [--rules 400]

1. ``--articles`` articles at ``--concurrency`` against the stand-in answering every call
   with a canned valid digest after a fixed ``--latency``: wall time against the ideal
   (articles × latency / concurrency), and the client's CPU per article. The stand-in
   runs in its own process, so the CPU figure is the client's alone.
2. The same run again: every article from the store (0 model calls), time per cache hit;
   and a fifth as many articles at concurrency 8, where the client's CPU is not the limit.
3. The CPU-bound rules backend on ``--rules`` articles: inline, then in a process pool.
4. Peak memory streaming ``--stream`` articles from one JSONL file, and a tenth as many for
   comparison, each in a fresh process: the store is pre-filled as a previous run would
   leave it, so the whole path runs (ingest → store lookup → ordered output) without a
   model. Flat memory means both peaks are about the same.

Not a timed test: figures depend on the machine; record them with the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

TEXT = ("ART-{n:06d}. Pakistan and China signed a memorandum of understanding on quantum "
        "computing cooperation in Islamabad on Monday. The agreement aims to train 500 "
        "researchers by 2030.")
DRAFT = {
    "summary": {"headline": "Pakistan and China sign a quantum MoU",
                "one_line": "Pakistan and China signed an MoU on quantum computing.",
                "bullets": ["An MoU was signed.", "It covers quantum computing.",
                            "500 researchers are to be trained by 2030."]},
    "parties": [{"name": "Pakistan", "kind": "country",
                 "evidence": ["Pakistan and China signed a memorandum of understanding"]},
                {"name": "China", "kind": "country",
                 "evidence": ["Pakistan and China signed a memorandum of understanding"]}],
    "instruments": [{"kind": "mou", "status": "signed", "parties": ["Pakistan", "China"],
                     "evidence": ["signed a memorandum of understanding on quantum computing"]}],
    "sectors": [{"label": "quantum and advanced computing",
                 "evidence": ["quantum computing cooperation"]}],
    "targets": [{"description": "Train 500 researchers", "value": "500", "deadline": "2030",
                 "evidence": ["train 500 researchers by 2030"]}],
}


# --------------------------------------------------------------------------- the stand-in


def _serve(latency: float, urls: Any, stop: Any) -> None:
    import standin  # type: ignore[import-not-found]

    # Bench-only: a listen backlog for 64+ simultaneous connects.
    standin._Server.request_queue_size = 512
    with standin.run_standin([], default=standin.ok(json.dumps(DRAFT)),
                             latency=latency) as server:
        urls.put(server.base_url)
        stop.wait()
        urls.put(server.calls)


class StandinProcess:
    def __init__(self, latency: float) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.queue, self.stop = ctx.Queue(), ctx.Event()
        self.process = ctx.Process(target=_serve, args=(latency, self.queue, self.stop))

    def __enter__(self) -> str:
        self.process.start()
        url: str = self.queue.get(timeout=60)
        return url

    def calls(self) -> int:
        self.stop.set()
        count: int = self.queue.get(timeout=60)
        self.process.join(timeout=10)
        return count

    def __exit__(self, *exc: object) -> None:
        if self.process.is_alive():
            self.process.kill()


# --------------------------------------------------------------------------- runs


def write_inputs(path: Path, count: int, first: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for n in range(first, first + count):
            out.write(json.dumps({"id": f"a{n:06d}", "text": TEXT.format(n=n)}) + "\n")
    return path


def batch_config(work: Path, base_url: str, concurrency: int, output: str) -> Any:
    from summarizer.batch.engine import JobConfig
    from summarizer.batch.runner import BatchConfig
    from summarizer.config import LLMConfig
    from summarizer.pipeline import SummarizerConfig

    llm = LLMConfig(base_url=base_url, model="standin-model", api_key="bench", timeout=60)
    job = JobConfig(summarizer=SummarizerConfig(backend="llm", llm=llm),
                    store=work / "store.db", concurrency=concurrency)
    return BatchConfig(output=work / output, job=job)


def timed_run(inputs: Path, config: Any) -> tuple[Any, float, float]:
    from summarizer.batch.runner import run_batch

    wall, cpu = time.perf_counter(), time.process_time()
    summary = asyncio.run(run_batch([str(inputs)], config))
    return summary, time.perf_counter() - wall, time.process_time() - cpu


def throughput(args: argparse.Namespace, work: Path) -> list[str]:
    inputs = write_inputs(work / "in.jsonl", args.articles)
    ideal = args.articles * args.latency / args.concurrency
    warmup = write_inputs(work / "warmup.jsonl", 2 * args.concurrency, first=900_000)
    server = StandinProcess(args.latency)
    with server as url:
        timed_run(warmup, batch_config(work, url, args.concurrency, "warmup.jsonl"))
        config = batch_config(work, url, args.concurrency, "out.jsonl")
        first, wall, cpu = timed_run(inputs, config)
        again, wall2, cpu2 = timed_run(inputs, batch_config(work, url, args.concurrency,
                                                            "again.jsonl"))
        low = max(args.articles // 5, 1)
        low_inputs = write_inputs(work / "low.jsonl", low, first=500_000)
        slow, wall3, cpu3 = timed_run(low_inputs, batch_config(work, url, 8, "low.jsonl"))
        received = server.calls() - 2 * args.concurrency - low
    n = args.articles
    return [
        f"| {n} articles, concurrency {args.concurrency}, latency {args.latency * 1000:.0f} ms "
        f"| wall {wall:.2f} s; ideal {ideal:.2f} s; ratio {wall / ideal:.2f}x "
        f"| client CPU {cpu / n * 1000:.1f} ms/article; {first.done} done, "
        f"{first.failed} failed, {first.requests} requests |",
        f"| same run again (cache) | wall {wall2:.2f} s; {again.requests} model calls "
        f"(the stand-in saw {received} requests over both runs) "
        f"| {wall2 / n * 1000:.2f} ms per cache hit (CPU {cpu2 / n * 1000:.2f} ms); "
        f"{again.cached} cached |",
        f"| {low} articles, concurrency 8, latency {args.latency * 1000:.0f} ms "
        f"| wall {wall3:.2f} s; ideal {low * args.latency / 8:.2f} s; ratio "
        f"{wall3 / (low * args.latency / 8):.2f}x | client CPU {cpu3 / low * 1000:.1f} "
        f"ms/article; {slow.done} done |",
    ]


# --------------------------------------------------------------------------- rules backend


def rules_rows(args: argparse.Namespace, work: Path) -> list[str]:
    """The CPU-bound rules backend: inline in the event loop, then on every core."""
    import os

    from summarizer.batch.engine import JobConfig
    from summarizer.batch.runner import BatchConfig
    from summarizer.pipeline import SummarizerConfig

    seed = (ROOT / "examples" / "seed-articles.txt").read_text(encoding="utf-8")[:3000]
    inputs = work / "rules.jsonl"
    with inputs.open("w", encoding="utf-8") as out:
        for n in range(args.rules):
            out.write(json.dumps({"id": f"r{n}", "text": f"Item {n}. {seed}"}) + "\n")
    rows = []
    for processes in (0, None):
        job = JobConfig(summarizer=SummarizerConfig(backend="rules"), processes=processes,
                        store=work / f"rules-{processes}.db", concurrency=16)
        summary, wall, _ = timed_run(inputs, BatchConfig(output=work / "r.jsonl", job=job))
        label = "inline" if processes == 0 else f"{os.cpu_count()} worker processes"
        rows.append(f"| rules backend, {args.rules} articles of ~3,000 chars, {label} "
                    f"| wall {wall:.2f} s | {wall / args.rules * 1000:.1f} ms/article; "
                    f"{summary.done} done, {summary.failed} failed |")
    return rows


# --------------------------------------------------------------------------- memory


def prefill(inputs: Path, config: Any) -> None:
    """Store a digest for every article, as a finished earlier run would have."""
    from summarizer.article import Article
    from summarizer.batch.engine import result_key
    from summarizer.ingest import iter_articles
    from summarizer.models import Digest, Provenance, Summary
    from summarizer.store import Store, StoredResult

    job = config.job
    from summarizer.pipeline import Summarizer

    ident = Summarizer(job.summarizer).identity
    summary = Summary(headline="h", one_line="l", bullets=["b1", "b2", "b3"])
    provenance = Provenance(backend="llm", model=ident.model, created_at="2026-01-01")

    def results() -> Any:
        for article in iter_articles([str(inputs)]):
            assert isinstance(article, Article)
            digest = Digest(article=article.info(), summary=summary, provenance=provenance)
            yield StoredResult(result_key(article, ident), "done",
                               digest_json=digest.model_dump_json())

    with Store.open(job.store) as store:
        store.put_many(results())


def stream_child(count: int, work: Path) -> dict[str, float]:
    """In a fresh process: stream ``count`` articles, every one already in the store."""
    import openai  # noqa: F401  (what a run imports, so the baseline includes it)

    import summarizer.batch.runner  # noqa: F401

    config = batch_config(work, "http://127.0.0.1:9/v1", 64, "stream-out.jsonl")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary, wall, _ = timed_run(work / "stream.jsonl", config)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert summary.cached == count and summary.requests == 0, summary
    tracemalloc.start()
    timed_run(work / "stream.jsonl", batch_config(work, "http://127.0.0.1:9/v1", 64, "2.jsonl"))
    heap = tracemalloc.get_traced_memory()[1]
    return {"count": count, "base_mib": base / 1024, "peak_mib": peak / 1024, "wall": wall,
            "heap_mib": heap / 2**20}


def memory(args: argparse.Namespace) -> list[str]:
    rows = []
    for count in (args.stream // 10, args.stream):
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            inputs = write_inputs(work / "stream.jsonl", count)
            prefill(inputs, batch_config(work, "http://127.0.0.1:9/v1", 64, "x.jsonl"))
            out = subprocess.run([sys.executable, __file__, "--stream-child", str(count),
                                  "--work", tmp], capture_output=True, text=True, check=True)
        m = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(f"| stream {int(m['count']):,} articles (all cached) | peak RSS "
                    f"{m['peak_mib']:.0f} MiB (before the run {m['base_mib']:.0f} MiB); "
                    f"Python heap peak during a run {m['heap_mib']:.1f} MiB (tracemalloc) "
                    f"| {m['wall']:.1f} s, {m['wall'] / m['count'] * 1000:.2f} ms/article |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--stream", type=int, default=100_000)
    parser.add_argument("--rules", type=int, default=400)
    parser.add_argument("--stream-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stream_child:
        print(json.dumps(stream_child(args.stream_child, args.work)))
        return
    print(f"python bench/bench_batch.py --articles {args.articles} --concurrency "
          f"{args.concurrency} --latency {args.latency} --stream {args.stream} "
          f"--rules {args.rules}\n")
    print("| run | time | detail |\n|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for row in [*throughput(args, Path(tmp)), *rules_rows(args, Path(tmp))]:
            print(row, flush=True)
    for row in memory(args):
        print(row, flush=True)


if __name__ == "__main__":
    main()
