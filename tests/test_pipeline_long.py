"""A long article through the one pipeline: split, digested part by part, merged; every
HTTP request of every part counted, the refused and the failed ones included."""

from __future__ import annotations

import json
from typing import Any

import pytest
from standin import context_too_long, ok, run_standin, status

from summarizer import Article, Summarizer, SummarizerConfig
from summarizer.chunking import ChunkConfig
from summarizer.config import LLMConfig, RetryPolicy
from summarizer.errors import RateLimitError

PARAGRAPH = ("Paragraph {n}. Pakistan and China signed a memorandum of understanding on "
             "port logistics in Gwadar, officials said on Monday. The agreement covers "
             "shipping, customs and training for the next five years.\n\n")
LONG = "".join(PARAGRAPH.format(n=n) for n in range(260))
DRAFT = json.dumps({
    "summary": {"headline": "Pakistan and China sign port MoU",
                "one_line": "Pakistan and China signed an MoU on port logistics.",
                "bullets": ["An MoU was signed.", "It covers shipping.", "Five years."]},
    "parties": [{"name": "Pakistan", "kind": "country", "role": "signatory",
                 "evidence": ["Pakistan and China signed a memorandum of understanding"]}],
    "instruments": [{"kind": "mou", "status": "signed", "parties": ["Pakistan"],
                     "evidence": ["signed a memorandum of understanding on port logistics"]}],
    "sectors": [{"label": "maritime and ports", "evidence": ["port logistics in Gwadar"]}],
    "targets": [],
})
FAST = RetryPolicy(max_attempts=2, initial_wait=0.01, max_wait=0.02, jitter=0.0,
                   max_retry_after=0.01)


def _summarizer(base_url: str, chunking: ChunkConfig) -> Summarizer:
    llm = LLMConfig(base_url=base_url, model="standin-model", api_key="k", timeout=30,
                    retry=FAST, grounding_reask=False)
    return Summarizer(SummarizerConfig(backend="llm", llm=llm, chunking=chunking))


def _calls_with_article_text(requests: list[Any]) -> int:
    return sum(1 for r in requests if "Paragraph" in json.dumps(r.body))


def test_a_40000_character_article_digests_in_parts_with_every_call_counted() -> None:
    assert len(LONG) >= 40_000
    chunking = ChunkConfig(context_window=6_000)
    with run_standin([ok(DRAFT)]) as standin:
        with _summarizer(standin.base_url, chunking) as summarizer:
            digest = summarizer.summarize(Article(text=LONG, id="long"))
        calls = standin.calls
    assert calls > 1 and digest.warnings[0].code == "chunked"
    assert digest.provenance.attempts == calls
    assert digest.provenance.usage.total_tokens == 15 * calls  # the stand-in bills 10 + 5
    assert [p.name for p in digest.parties] == ["Pakistan"]
    evidence = digest.parties[0].evidence
    assert len(evidence) > 1 and evidence[-1].start > len(LONG) // 2
    for ev in evidence:
        assert LONG[ev.start:ev.end] == ev.quote  # offsets index the whole article


def test_a_context_error_splits_and_the_refused_call_is_counted() -> None:
    chunking = ChunkConfig(min_chunk_tokens=256)  # no known window: try whole first
    with run_standin([context_too_long(), ok(DRAFT)]) as standin:
        with _summarizer(standin.base_url, chunking) as summarizer:
            digest = summarizer.summarize(Article(text=LONG, id="long"))
        calls = standin.calls
    assert calls >= 3  # the refused whole article, then at least two halves
    assert digest.provenance.attempts == calls
    assert digest.provenance.usage.total_tokens == 15 * (calls - 1)  # a 400 bills nothing


def test_a_failed_part_fails_the_article_with_what_every_part_cost() -> None:
    chunking = ChunkConfig(context_window=6_000)
    answers = [ok(DRAFT), ok(DRAFT), status(429), status(429)]  # part 3: two tries, 429
    with run_standin(answers) as standin, _summarizer(standin.base_url, chunking) as summarizer:
        with pytest.raises(RateLimitError) as caught:
            summarizer.summarize(Article(text=LONG, id="long"))
        calls = standin.calls
    assert calls == 4
    assert caught.value.attempts == 4
    assert caught.value.usage is not None and caught.value.usage.total_tokens == 30
    assert str(caught.value).startswith("<text> [long#3]: ")  # names the article and part
