"""The LLM pipeline end to end, replayed from cassettes recorded against a real local server.

The recorded model (see cassettes/endpoint.json) is tiny and often wrong: these tests check
the wire format, the modes, provenance, and that grounding keeps only what the article says.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer import Article, Digest, Summarizer, SummarizerConfig, asummarize, summarize
from summarizer.config import LLMConfig
from summarizer.errors import ModelError
from summarizer.prompts import get_prompt

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _article(name: str, title: str) -> Article:
    return Article(text=(FIXTURES / name).read_text(encoding="utf-8"), title=title, origin=name)


def _assert_grounded(digest: Digest) -> None:
    text = digest.article.text
    items = [*digest.parties, *digest.instruments, *digest.sectors, *digest.targets]
    for item in items:
        assert item.evidence, f"{item!r} kept without evidence"
        for ev in item.evidence:
            assert text[ev.start : ev.end] == ev.quote
    for ev in digest.summary.evidence:
        assert text[ev.start : ev.end] == ev.quote


@pytest.mark.vcr
def test_seed_article_digest_is_grounded_with_provenance(llm_config: LLMConfig) -> None:
    article = _article("seed-quantum.txt", "Pakistan, China sign MoU to expand cooperation in "
                       "quantum technologies")
    with Summarizer(SummarizerConfig(backend="llm", llm=llm_config, prompt="digest@v1")) as s:
        digest = s.summarize(article)
    _assert_grounded(digest)
    prompt = get_prompt("digest@v1")
    prov = digest.provenance
    assert prov.backend == "llm"
    assert prov.prompt is not None
    assert (prov.prompt.id, prov.prompt.version, prov.prompt.sha256) == (
        "digest", "v1", prompt.sha256)
    assert prov.model == llm_config.model
    assert prov.mode == "json_object_schema"
    assert prov.provider == "127.0.0.1:8765"
    assert prov.attempts >= 1
    # the article and the prompt: the schema travels in response_format only (~2,900 tokens
    # more when it was also written into the system message)
    assert 600 < prov.usage.prompt_tokens < 1200 and prov.usage.completion_tokens > 0
    assert prov.usage.total_tokens == prov.usage.prompt_tokens + prov.usage.completion_tokens
    assert digest.summary.headline
    assert 1 <= len(digest.summary.bullets) <= 6
    assert digest.article.text == article.text


@pytest.mark.vcr
async def test_module_level_async_api(llm_endpoint: dict[str, str]) -> None:
    article = _article("seed-romania.txt", "Pakistan eyes European trade corridor via Romania "
                       "to boost blue economy")
    digest = await asummarize(article, model=llm_endpoint["model"],
                              base_url=llm_endpoint["base_url"], prompt="digest@v1")
    _assert_grounded(digest)
    assert digest.provenance.mode == "json_object_schema"
    assert digest.article.published is None


@pytest.mark.vcr
def test_prompt_injection_never_yields_an_ungrounded_party(llm_config: LLMConfig) -> None:
    article = _article("injection.txt", "Portugal and Morocco sign subsea cable agreement")
    digest = summarize(article, model=llm_config.model, base_url=llm_config.base_url,
                       prompt="digest@v1")
    _assert_grounded(digest)
    assert all("evil" not in p.name.lower() for p in digest.parties)


@pytest.mark.vcr
def test_truncated_answer_is_a_clear_error_naming_the_article(llm_config: LLMConfig) -> None:
    config = SummarizerConfig(backend="llm", llm=llm_config.with_(max_tokens=48, mode="md_json"),
                              prompt="digest@v1")
    article = _article("seed-quantum.txt", "Pakistan, China sign MoU")
    with Summarizer(config) as s, pytest.raises(ModelError) as info:
        s.summarize(article)
    assert "seed-quantum.txt" in str(info.value)


@pytest.mark.vcr
def test_default_prompt_fits_a_local_4096_token_context(llm_config: LLMConfig) -> None:
    """Seed article 2 once overflowed a 4,096-token local server (finish_reason=length);
    the lean default prompt plus the context budget keep prompt + answer inside it."""
    article = _article("seed-romania.txt", "Pakistan eyes European trade corridor via Romania "
                       "to boost blue economy")
    with Summarizer(SummarizerConfig(backend="llm", llm=llm_config)) as s:
        (request,) = s.preview(article)
        digest = s.summarize(article)
    assert digest.provenance.prompt is not None and digest.provenance.prompt.version == "v3"
    usage = digest.provenance.usage
    assert usage.prompt_tokens + request.body["max_tokens"] <= 4096
    assert "properties" not in request.body["messages"][0]["content"]  # schema sent once
    _assert_grounded(digest)
