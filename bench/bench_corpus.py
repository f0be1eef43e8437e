"""Export and report at corpus scale: wall time and peak memory, each in a fresh process.

    python bench/bench_corpus.py DIGESTS.jsonl [--sizes 10000 100000] [--formats sqlite csv
                                 parquet] [--report-sizes 10000] [--browser]

For each size, ``bench/make_corpus.py`` turns DIGESTS.jsonl (e.g. the dev set digested by
``summarizer batch ... --backend rules``) into that many digests with distinct ids, then
times ``summarizer export`` in each format and ``summarizer report``. Peak memory is the
child's maximum resident set size (``os.wait4``). Flat memory means the export's peak
at 100,000 digests is about the one at 10,000. ``--browser`` also loads the report in
headless Chromium (/usr/bin/chromium) and times it until the overview and the first index
page are drawn, then a click on the biggest network node until the list is filtered.

Not a timed test: figures depend on the machine; record them with the command line.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def run(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    child = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    stderr = child.stderr.read().decode() if child.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{stderr}")
    return wall, usage.ru_maxrss / 1024


def browser(html: Path) -> tuple[float, float, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                      args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = chromium.new_page(viewport={"width": 1440, "height": 900})
        started = time.perf_counter()
        page.goto(html.as_uri(), timeout=600_000)
        page.wait_for_selector("#ov-network g.node", timeout=600_000)
        page.wait_for_selector("tr.index-row", timeout=600_000)
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        before = page.locator("#match-count").inner_text()
        page.locator("#ov-network g.node").first.click()
        page.wait_for_function(f"document.getElementById('match-count').textContent "
                               f"!== {before!r}", timeout=600_000)
        clicked = time.perf_counter() - started
        started = time.perf_counter()
        page.locator("tr.index-row a").first.click()
        page.wait_for_selector("#digest mark.ev", timeout=600_000)
        opened = time.perf_counter() - started
        chromium.close()
    return loaded, clicked, opened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="*", default=["sqlite", "csv", "parquet"])
    parser.add_argument("--report-sizes", type=int, nargs="*", default=[10_000])
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="bench-corpus-"))
    print("| digests | step | wall s | peak RSS MiB | output |")
    print("|---:|---|---:|---:|---|")
    for size in args.sizes:
        corpus = work / f"corpus-{size}.jsonl"
        if not corpus.exists():
            run([PYTHON, str(ROOT / "bench" / "make_corpus.py"), str(args.seed), "-n",
                 str(size), "-o", str(corpus)])
        mib = corpus.stat().st_size / 2**20
        print(f"| {size:,} | input JSONL | | | {mib:,.0f} MiB |", flush=True)
        for fmt in args.formats:
            out = work / f"out-{size}.{fmt}"
            if out.is_dir():
                shutil.rmtree(out)
            elif out.exists():
                out.unlink()
            wall, rss = run([PYTHON, "-m", "summarizer", "export", str(corpus), "-o",
                             str(out), "--format", fmt])
            size_out = (sum(p.stat().st_size for p in out.iterdir()) if out.is_dir()
                        else out.stat().st_size) / 2**20
            print(f"| {size:,} | export {fmt} | {wall:.1f} | {rss:.0f} | {size_out:,.0f} MiB |",
                  flush=True)
        if size in args.report_sizes:
            html = work / f"report-{size}.html"
            wall, rss = run([PYTHON, "-m", "summarizer", "report", str(corpus), "-o",
                             str(html)])
            print(f"| {size:,} | report | {wall:.1f} | {rss:.0f} | "
                  f"{html.stat().st_size / 2**20:,.0f} MiB |", flush=True)
            if args.browser:
                loaded, clicked, opened = browser(html)
                print(f"| {size:,} | Chromium: open until overview + list drawn | "
                      f"{loaded:.1f} | | |", flush=True)
                print(f"| {size:,} | Chromium: click a node until the list is filtered | "
                      f"{clicked:.2f} | | |", flush=True)
                print(f"| {size:,} | Chromium: open the first filtered article (parses the "
                      f"article block) | {opened:.2f} | | |", flush=True)


if __name__ == "__main__":
    main()
