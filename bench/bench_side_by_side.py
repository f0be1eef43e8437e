"""A plain instructor + asyncio script against ``summarizer batch``: same stand-in, same articles.

    python bench/bench_side_by_side.py [--articles 1000] [--concurrency 64] [--latency 1.0]
        [--mode auto] [--plain-mode JSON] [--summarizer-python PY] [--summarizer-path TREE]
        [--results bench/results/side_by_side.md] [--append]

Both clients run as subprocesses against one stand-in model (``standin_server.py``, its own
process, so it does not share their CPU time or GIL) that answers every chat completion
after ``--latency`` seconds with a valid digest draft of the article it was sent: verbatim
quotes, so summarizer needs no grounding re-ask. The articles are ``--articles`` copies of
the first article of ``examples/seed-articles.txt``, each with its own id and marker line
(no cache hits; summarizer gets a fresh store). ``--summarizer-path`` puts another source
tree first on summarizer's PYTHONPATH, to measure an older checkout with the same bench.

Per system: request bytes and calls per article (counted by the stand-in), client CPU per
article (the process's user+sys time, from ``os.wait4``), wall time against the ideal
``ceil(articles / concurrency) × latency``. Each system first runs once on one article: that
run warms the file cache and gives the fixed start-up cost (imports), shown separately.
Not a timed test: figures depend on the machine and its load; the table records both.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout's summarizer

from side_by_side_runs import (
    BENCH,
    ClientRun,
    Outputs,
    StandinProcess,
    loadavg,
    machine,
    read_outputs,
    run_client,
)

ROOT = BENCH.parent
SEED = ROOT / "examples" / "seed-articles.txt"
# The instructor mode a user would pick for the same kind of request as summarizer's mode.
PLAIN_MODES = {"auto": "JSON", "tools": "TOOLS", "json_schema": "JSON_SCHEMA",
               "json_object_schema": "JSON", "json": "JSON", "md_json": "MD_JSON"}


@dataclass(frozen=True)
class System:
    """One client: a label and how to run it over an input file."""

    label: str
    python: str
    path: Path | None  # first on PYTHONPATH
    args: tuple[str, ...]  # after the python executable; {inp} {out} {url} {work} filled in

    def command(self, inp: Path, out: Path, url: str, work: Path) -> list[str]:
        fill = {"inp": str(inp), "out": str(out), "url": url, "work": str(work)}
        return [self.python, *(a.format(**fill) for a in self.args)]

    def env(self, work: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
        env.update(OPENAI_API_KEY="bench", SUMMARIZER_HOME=str(work / "home"))
        if self.path is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(self.path), env.get("PYTHONPATH", "")])
        return env


@dataclass(frozen=True)
class Figures:
    """One system's measured run."""

    system: System
    articles: int
    run: ClientRun
    startup: ClientRun | None  # the one-article run, unless --no-warmup
    stats: dict[str, Any]
    outputs: Outputs
    load: tuple[str, str]


def systems(args: argparse.Namespace) -> list[System]:
    plain = System("plain instructor + asyncio", sys.executable, None, (
        str(BENCH / "plain_instructor.py"), "{inp}", "-o", "{out}", "--base-url", "{url}",
        "--model", "standin-model", "--concurrency", str(args.concurrency),
        "--mode", args.plain_mode or PLAIN_MODES[args.mode]))
    batch = System("summarizer batch", args.summarizer_python, args.summarizer_path, (
        "-m", "summarizer", "batch", "{inp}", "-o", "{out}", "--base-url", "{url}",
        "--model", "standin-model", "--concurrency", str(args.concurrency),
        "--store", "{work}/store.db", "--no-progress", "--mode", args.mode))
    return [plain, batch]


def write_articles(path: Path, count: int, first: int = 0) -> Path:
    """``count`` copies of the seed's first article, each with its own id and marker."""
    from summarizer.ingest import iter_articles

    article = next(iter(iter_articles([str(SEED)])))
    text, title = getattr(article, "text"), getattr(article, "title")  # noqa: B009
    with path.open("w", encoding="utf-8") as out:
        for n in range(first, first + count):
            out.write(json.dumps({"id": f"bench-{n:06d}", "title": title,
                                  "text": f"{text}\n\n(Bench copy {n:06d}.)"}) + "\n")
    return path


def measure(system: System, standin: StandinProcess, url: str, work: Path,
            args: argparse.Namespace) -> Figures:
    """The one-article warm-up (start-up cost), then the measured run."""
    timeout = client_timeout(args)
    warm = None
    if args.warmup:
        one = work / "one"
        one.mkdir()
        warm = run_client(system.command(write_articles(one / "in.jsonl", 1, first=900_000),
                                         one / "out.jsonl", url, one),
                              system.env(one), timeout=timeout, cwd=one, log=one / "stderr.txt")
        standin.stats()
    inp = work / "in.jsonl"
    load_start = loadavg()
    run = run_client(system.command(inp, work / "out.jsonl", url, work), system.env(work),
                     timeout=timeout, cwd=work, log=work / "stderr.txt")
    figures = Figures(system, args.articles, run, warm, standin.stats(),
                      read_outputs(work / "out.jsonl"), (load_start, loadavg()))
    if run.returncode != 0 or figures.outputs.lines != args.articles:
        print(f"warning: {system.label} exited {run.returncode} with {figures.outputs.lines} "
              f"output lines; its output:\n{run.stderr}", file=sys.stderr)
    return figures


def ideal(args: argparse.Namespace) -> float:
    return float(math.ceil(args.articles / args.concurrency) * args.latency)


def client_timeout(args: argparse.Namespace) -> float:
    """How long one client run may take before it is killed."""
    return 120 + 20 * ideal(args)


def run_all(args: argparse.Namespace, work: Path) -> list[Figures]:
    """Every system, one after the other, against one stand-in."""
    write_articles(work / "in.jsonl", args.articles)
    results = []
    bound = 2 * len(systems(args)) * client_timeout(args) + 300
    standin = StandinProcess(args.latency, max_seconds=bound)
    with standin as url:
        for system in systems(args):
            folder = work / system.label.split()[0]
            folder.mkdir()
            (folder / "in.jsonl").symlink_to(work / "in.jsonl")
            results.append(measure(system, standin, url, folder, args))
    return results


def table(results: Sequence[Figures], args: argparse.Namespace) -> list[str]:
    best = ideal(args)

    def row(name: str, cell: Any) -> str:
        return f"| {name} | " + " | ".join(cell(f) for f in results) + " |"

    def per(f: Figures, value: float) -> float:
        return value / f.articles

    return [
        "| | " + " | ".join(f.system.label for f in results) + " |",
        "|---" * (len(results) + 1) + "|",
        row("outputs (digests / lines / articles)",
            lambda f: f"{f.outputs.ok} / {f.outputs.lines} / {f.articles}"),
        row("request bytes per article",
            lambda f: f"{per(f, f.stats['request_bytes']):,.0f}"),
        row("calls per article", lambda f: f"{per(f, f.stats['requests']):.2f}"),
        row("client CPU per article", lambda f: f"{per(f, f.run.cpu) * 1000:.1f} ms"),
        row("client CPU per article, start-up excluded", _cpu_after_start),
        row("start-up (one-article run: CPU, wall)", _startup),
        row("wall time", lambda f: f"{f.run.wall:.2f} s"),
        row("wall time vs ideal", lambda f: f"{f.run.wall / best:.2f}× ({best:.2f} s)"),
        row("process start → first request", lambda f: _since(f.run, f.stats["first"])),
        row("first → last request", lambda f: _span(f.stats)),
        row("wall time from the first request vs ideal", lambda f: _after_start(f, best)),
        row("load average (1/5/15 min), start → end", lambda f: f"{f.load[0]} → {f.load[1]}"),
    ]


def _since(run: ClientRun, moment: float | None) -> str:
    return "n/a" if moment is None else f"{moment - run.started:.2f} s"


def _cpu_after_start(f: Figures) -> str:
    if f.startup is None:
        return "n/a"
    return f"{(f.run.cpu - f.startup.cpu) / max(f.articles - 1, 1) * 1000:.1f} ms"


def _startup(f: Figures) -> str:
    return "n/a" if f.startup is None else f"{f.startup.cpu:.2f} s, {f.startup.wall:.2f} s"


def _after_start(f: Figures, best: float) -> str:
    if f.stats["first"] is None or best <= 0:
        return "n/a"
    return f"{(f.run.wall - (f.stats['first'] - f.run.started)) / best:.2f}×"


def _span(stats: dict[str, Any]) -> str:
    if stats["first"] is None:
        return "n/a"
    return f"{stats['last'] - stats['first']:.2f} s"


def summarizer_origin(args: argparse.Namespace) -> str:
    """Where the summarizer under test is imported from, and its git commit if known."""
    import subprocess

    batch = systems(args)[1]
    home = Path(tempfile.gettempdir())
    found = subprocess.run([batch.python, "-c", "import summarizer; print(summarizer.__file__)"],
                           env=batch.env(home), cwd=home, capture_output=True, text=True,
                           timeout=120, check=True)
    origin = Path(found.stdout.strip()).parent.parent
    commit = subprocess.run(["git", "-C", str(origin), "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True, timeout=30)
    return f"{origin} (commit {commit.stdout.strip() or 'unknown'})"


def report(args: argparse.Namespace, results: Sequence[Figures], origin: str) -> str:
    command = "python bench/bench_side_by_side.py " + shlex.join(sys.argv[1:])
    plain_mode = args.plain_mode or PLAIN_MODES[args.mode]
    return "\n".join([
        f"## {args.articles} articles, concurrency {args.concurrency}, "
        f"latency {args.latency:g} s{f' — {args.label}' if args.label else ''}",
        "",
        f"- command: `{command}`",
        f"- machine: {machine()}",
        f"- summarizer under test: {origin}, run by `{args.summarizer_python}`; "
        f"`--mode {args.mode}`; the plain script uses `instructor.Mode.{plain_mode}`",
        f"- settings: {args.articles} articles ({SEED.name}, article 1, ~2.9 KB each), "
        f"concurrency {args.concurrency}, stand-in latency {args.latency:g} s, "
        f"ideal wall time ceil({args.articles}/{args.concurrency}) × {args.latency:g} s "
        f"= {ideal(args):.1f} s",
        "",
        *table(results, args),
        "",
    ])


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--latency", type=float, default=1.0)
    parser.add_argument("--mode", default="auto", help="summarizer's --mode")
    parser.add_argument("--plain-mode", help="instructor.Mode for the plain script "
                        "(default: the one matching --mode)")
    parser.add_argument("--summarizer-python", default=sys.executable)
    parser.add_argument("--summarizer-path", type=Path, default=ROOT,
                        help="source tree first on PYTHONPATH (default: this checkout)")
    parser.add_argument("--results", type=Path, default=BENCH / "results" / "side_by_side.md")
    parser.add_argument("--append", action="store_true", help="add to --results")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false",
                        help="skip the one-article start-up run of each system")
    parser.add_argument("--label", default="", help="a note for the section heading")
    args = parser.parse_args(argv)
    if args.articles < 1 or args.concurrency < 1 or args.latency < 0:
        parser.error("--articles and --concurrency must be at least 1, --latency not negative")
    return args


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds: the running client is killed, the stand-in stops


def main(argv: Sequence[str] | None = None) -> tuple[list[Figures], str]:
    args = parse(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
    origin = summarizer_origin(args)
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as tmp:
        results = run_all(args, Path(tmp))
    text = report(args, results, origin)
    print(text)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with args.results.open("a" if args.append else "w", encoding="utf-8") as out:
        out.write(text + "\n")
    return results, text


if __name__ == "__main__":
    main()
