"""The side-by-side bench's plumbing at a tiny size: counts, never timings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import bench_side_by_side  # noqa: E402
import standin_server  # noqa: E402


def test_draft_quotes_are_cut_from_the_fenced_article() -> None:
    article = (BENCH.parent / "examples" / "seed-articles.txt").read_text(encoding="utf-8")
    request = {"messages": [
        {"role": "system", "content": "The article is between <<<ARTICLE and ARTICLE>>>."},
        {"role": "user", "content": f"Title: x\n\n<<<ARTICLE\n{article}\nARTICLE>>>\n\nGo."}]}
    text = standin_server.article_of(request)
    assert text == article
    draft = standin_server.draft_for(text)
    quotes = [q for field in ("parties", "instruments", "sectors", "targets")
              for item in draft[field] for q in item["evidence"]]
    assert len(quotes) == 12 and all(q in article for q in quotes)


def test_a_plain_request_is_about_its_last_user_message() -> None:
    request = {"messages": [{"role": "system", "content": "Summarize."},
                            {"role": "user", "content": "Some article."}]}
    assert standin_server.article_of(request) == "Some article."
    draft = standin_server.draft_for("Some article.")
    assert draft["parties"][0]["evidence"] == ["Some article."]


@pytest.mark.slow  # two client processes start (their imports dominate: ~5 s when idle)
def test_tiny_run_counts_every_request_and_output_line(tmp_path: Path) -> None:
    results_file = tmp_path / "side.md"
    results, text = bench_side_by_side.main([
        "--articles", "5", "--latency", "0.01", "--concurrency", "2", "--no-warmup",
        "--results", str(results_file)])
    plain, batch = results
    for figures in results:
        assert figures.run.returncode == 0, figures.run.stderr
        assert figures.outputs.lines == figures.outputs.ok == 5
        assert figures.outputs.ids == {f"bench-{n:06d}" for n in range(5)}
        assert figures.stats["request_bytes"] > 0 and figures.run.cpu > 0
    assert plain.stats["requests"] == 5  # one call per article, no re-ask
    assert batch.stats["requests"] == 5  # verbatim quotes: no grounding re-ask
    assert results_file.read_text(encoding="utf-8") == text + "\n"
    assert "| calls per article | 1.00 | 1.00 |" in text


def test_articles_are_distinct_copies_of_the_first_seed_article(tmp_path: Path) -> None:
    path = bench_side_by_side.write_articles(tmp_path / "in.jsonl", 3)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["bench-000000", "bench-000001", "bench-000002"]
    assert len({r["text"] for r in rows}) == 3
    assert all(r["title"].startswith("Pakistan, China sign MoU") for r in rows)
    assert all(2500 < len(r["text"]) < 3500 for r in rows)
