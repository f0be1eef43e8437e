"""Long articles: exact chunk spans, merging with offsets into the whole text, and the
split-after-a-context-error path."""

from __future__ import annotations

import re

from summarizer.article import Article
from summarizer.chunking import (
    Chunk,
    ChunkConfig,
    digest_long,
    estimate_tokens,
    merge,
    split,
)
from summarizer.errors import ContextLengthError
from summarizer.models import (
    Digest,
    Evidence,
    Instrument,
    Party,
    Provenance,
    Sector,
    Summary,
    Target,
    Usage,
)

NAMES = ("Pakistan", "China", "Romania")


def test_split_prefers_sentence_ends_and_overlaps_from_a_word_start() -> None:
    text = "aaaa bbbb. cccc dddd. eeee ffff."
    chunks = split(text, max_tokens=4, overlap_tokens=1, chars_per_token=4.0)
    assert chunks == [Chunk(0, 10), Chunk(5, 21), Chunk(16, 32)]
    assert [text[c.start:c.end] for c in chunks] == [
        "aaaa bbbb.", "bbbb. cccc dddd.", "dddd. eeee ffff."]


def test_split_prefers_paragraph_breaks() -> None:
    text = "One. Two.\n\nThree. Four.\n\nSix seven."
    chunks = split(text, max_tokens=4, overlap_tokens=0, chars_per_token=4.0)
    assert chunks == [Chunk(0, 11), Chunk(11, 25), Chunk(25, 35)]
    assert [text[c.start:c.end] for c in chunks] == [
        "One. Two.\n\n", "Three. Four.\n\n", "Six seven."]


def test_split_cuts_hard_inside_a_word_with_no_spaces() -> None:
    assert split("x" * 50, 4, 1, 4.0) == [Chunk(0, 16), Chunk(12, 28), Chunk(24, 40),
                                          Chunk(36, 50)]


def test_a_short_text_is_one_chunk() -> None:
    assert split("short", 100) == [Chunk(0, 5)]
    assert estimate_tokens("x" * 9) == 3


def test_the_window_comes_from_the_option_the_model_or_the_local_default() -> None:
    config = ChunkConfig()
    assert config.window("gpt-4o-mini-2024-07-18", local=False) == 128_000
    assert config.window("some-new-openai-model", local=False) is None
    assert config.window("smollm2", local=True) == 4_096  # what local servers give
    assert ChunkConfig(context_window=8192).window("gpt-4o", local=False) == 8192


def test_budget_leaves_room_for_the_prompt_and_an_answer() -> None:
    config = ChunkConfig()  # min_output_tokens 1024, margin 64
    assert config.budget(128_000, 700, 2048) == 128_000 - 700 - 1024 - 64
    assert config.budget(4_096, 700, 512) == 4_096 - 700 - 512 - 64
    assert config.budget(None, 700, 2048) is None
    assert ChunkConfig(max_chunk_tokens=1000).budget(128_000, 700, 2048) == 1000
    assert config.budget(1_500, 700, 2048) == 256  # never below the minimum chunk


def test_output_tokens_are_lowered_only_as_far_as_the_window_needs() -> None:
    config = ChunkConfig()  # 4 characters a token, margin 64
    short, long = "x" * 400, "x" * 8_000  # 100 and 2,000 tokens
    assert config.output_tokens(4_096, 700, short, 2048) == 2048
    assert config.output_tokens(4_096, 700, long, 2048) == 4_096 - 700 - 2_000 - 64
    assert config.output_tokens(None, 700, long, 2048) == 2048


# --------------------------------------------------------------------------- a fake model


def _found(name: str, text: str) -> list[Evidence]:
    return [Evidence(quote=name, start=m.start(), end=m.end(), match="exact")
            for m in re.finditer(re.escape(name), text)]


def _fake_digest(article: Article) -> Digest:
    """What a perfect model would say: every name it sees, with exact offsets."""
    text = article.text
    parties = [Party(name=n if i % 2 else n.upper(), kind="country", evidence=_found(n, text))
               for i, n in enumerate(NAMES) if n in text]
    first = text.split(".")[0]
    return Digest(
        article=article.info(),
        summary=Summary(headline=first, one_line=first, bullets=[first],
                        evidence=_found(first, text)[:1]),
        parties=parties,
        provenance=Provenance(backend="llm", model="m", created_at="t",
                              usage=Usage(prompt_tokens=10, completion_tokens=5,
                                          total_tokens=15), attempts=1, duration_ms=2.0),
    )


class FakeModel:
    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.seen: list[str] = []

    async def __call__(self, article: Article) -> Digest:
        self.seen.append(article.text)
        if len(article.text) > self.max_chars:
            error = ContextLengthError("too long", source=article.label)
            error.attempts = 1
            raise error
        return _fake_digest(article)


LONG = " ".join(
    f"Sentence {i} says {NAMES[i % 3]} met {NAMES[(i + 1) % 3]} again." for i in range(40))


async def test_a_context_error_splits_and_the_merge_indexes_the_whole_article() -> None:
    article = Article(text=LONG, id="long-1")
    model = FakeModel(max_chars=600)
    config = ChunkConfig(overlap_tokens=20, min_chunk_tokens=50)
    digest = await digest_long(model, article, None, config)
    assert model.seen[0] == LONG  # tried whole first (no known window)
    accepted = [t for t in model.seen if len(t) <= 600]
    assert len(accepted) >= 5
    assert "".join(accepted[-1]) in LONG and LONG.endswith(accepted[-1])
    assert digest.article.text == LONG and digest.article.id == "long-1"
    assert [p.name for p in digest.parties] == ["PAKISTAN", "China", "ROMANIA"]
    for party in digest.parties:
        assert party.evidence == _found(NAMES[[p.name for p in digest.parties].index(
            party.name)], LONG)  # every mention once, offsets into the whole text
        for ev in party.evidence:
            assert LONG[ev.start:ev.end] == ev.quote
    assert digest.warnings[0].code == "chunked"
    assert 1 <= len(digest.summary.bullets) <= 6
    for ev in digest.summary.evidence:
        assert LONG[ev.start:ev.end] == ev.quote


async def test_a_known_budget_chunks_without_trying_whole() -> None:
    model = FakeModel(max_chars=10_000)
    config = ChunkConfig(overlap_tokens=10, min_chunk_tokens=50)
    await digest_long(model, Article(text=LONG), 100, config)
    assert model.seen == [LONG[c.start:c.end] for c in split(LONG, 100, 10)]
    assert all(len(text) <= 400 for text in model.seen)


async def test_chunk_sizes_halve_until_the_server_accepts() -> None:
    model = FakeModel(max_chars=300)
    config = ChunkConfig(overlap_tokens=10, min_chunk_tokens=50)
    digest = await digest_long(model, Article(text=LONG), 200, config)  # 800 chars: too big
    sizes = [len(t) for t in model.seen]
    assert 400 < sizes[0] <= 800  # first round: 200-token chunks, refused
    assert 200 < sizes[1] <= 400  # then 100-token chunks, refused
    last_round = [LONG[c.start:c.end] for c in split(LONG, 50, 10)]
    assert model.seen[-len(last_round):] == last_round  # 50-token chunks, all accepted
    assert {p.name for p in digest.parties} == {"PAKISTAN", "China", "ROMANIA"}


def _ev(text: str, quote: str, nth: int = 0) -> Evidence:
    return _found(quote, text)[nth]


def test_merge_dedupes_by_normalized_name_and_fills_gaps() -> None:
    whole = "The MoU on ports. Ports of Gwadar, the Port Authority said. Target: 5 berths by 2030."
    a_text, b_start = whole[:40], 18
    b_text = whole[b_start:]
    prov = Provenance(backend="llm", model="m", created_at="t", attempts=1)
    a = Digest(
        article=Article(text=a_text).info(),
        summary=Summary(headline="H1", one_line="L1", bullets=["b1", "b2"]),
        parties=[Party(name="The Port Authority", kind="organisation",
                       evidence=[_ev(a_text, "Ports of Gwadar")])],
        instruments=[Instrument(kind="mou", title="MoU on Ports", status="signed",
                                parties=["Pakistan"], evidence=[_ev(a_text, "The MoU on ports")])],
        sectors=[Sector(label="maritime and ports", evidence=[_ev(a_text, "Ports of Gwadar")])],
        provenance=prov,
    )
    b = Digest(
        article=Article(text=b_text).info(),
        summary=Summary(headline="H2", one_line="L2", bullets=["B1", "b3"]),
        parties=[Party(name="port authority", kind="organisation", role="regulator",
                       evidence=[_ev(b_text, "Ports of Gwadar"), _ev(b_text, "Port Authority")])],
        instruments=[Instrument(kind="mou", title="mou on ports", status="signed",
                                parties=["pakistan", "China"], date="2025",
                                evidence=[_ev(b_text, "Ports of Gwadar")])],
        targets=[Target(description="5 berths", value="5", deadline="2030",
                        evidence=[_ev(b_text, "5 berths by 2030")])],
        provenance=prov,
    )
    merged = merge(Article(text=whole), [(Chunk(0, 40), a), (Chunk(b_start, len(whole)), b)])
    [party] = merged.parties
    assert (party.name, party.role) == ("The Port Authority", "regulator")
    assert [(e.start, e.end) for e in party.evidence] == [(18, 33), (39, 53)]  # overlap once
    [mou] = merged.instruments
    assert (mou.title, mou.parties, mou.date) == ("MoU on Ports", ["Pakistan", "China"], "2025")
    assert [(e.start, e.end) for e in mou.evidence] == [(0, 16), (18, 33)]
    assert [t.evidence[0].start for t in merged.targets] == [whole.index("5 berths")]
    assert merged.summary.headline == "H1"
    assert merged.summary.bullets == ["b1", "b2", "b3"]  # interleaved, "B1" is a duplicate
    for item in [*merged.parties, *merged.instruments, *merged.sectors, *merged.targets]:
        for ev in item.evidence:
            assert whole[ev.start:ev.end] == ev.quote
    assert merged.provenance.attempts == 2


def test_merge_dedupes_spellings_of_one_party_and_untitled_instruments_by_parties() -> None:
    whole = "U.S. and India met. The United States and India signed an MoU. Japan too."
    cut = whole.index("The United")
    prov = Provenance(backend="llm", model="m", created_at="t", attempts=1)

    def digest(text: str, name: str, parties: list[str]) -> Digest:
        return Digest(article=Article(text=text).info(),
                      summary=Summary(headline="H", one_line="L", bullets=[]),
                      parties=[Party(name=name, kind="country", evidence=[_ev(text, name)])],
                      instruments=[Instrument(kind="mou", status="signed", parties=parties,
                                              evidence=[_ev(text, "India")])],
                      provenance=prov)

    a = digest(whole[:cut], "U.S.", ["U.S.", "India"])
    b = digest(whole[cut:], "United States", ["India", "United States"])
    c = digest(whole[cut:], "Japan", ["Japan"])
    parts = [(Chunk(0, cut), a), (Chunk(cut, len(whole)), b), (Chunk(cut, len(whole)), c)]
    merged = merge(Article(text=whole), parts)
    assert [p.name for p in merged.parties] == ["U.S.", "Japan"]
    assert [e.quote for e in merged.parties[0].evidence] == ["U.S.", "United States"]
    assert [i.parties for i in merged.instruments] == [["U.S.", "India"], ["Japan"]]
