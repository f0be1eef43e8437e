"""The three systems of the peer benchmark, each run over all articles at a concurrency.

Each returns what it extracted as ``Found`` rows: the item's field and label, the quote it
hands back, and character offsets when it has them.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import instructor
import openai
from langextract import factory as lx_factory
from langextract.core import data as lx_data
from langextract.extraction import extract as lx_extract
from peers_items import FIELD_OF_CLASS, LABEL_KEY, LX_MODEL, PLAIN_MODEL, SUMMARIZER_MODEL, Doc
from pydantic import BaseModel

from summarizer import Article, Digest, LLMConfig, Summarizer, SummarizerConfig
from summarizer.prompts import get_prompt


@dataclass(frozen=True)
class Found:
    """One item as a system hands it back; no offsets when ``start`` is None."""

    doc_id: str
    field: str
    label: str
    quote: str
    start: int | None = None
    end: int | None = None
    match: str | None = None


# --------------------------------------------------------------------------- summarizer


def summarizer_found(digest: Digest, doc_id: str) -> list[Found]:
    groups: list[tuple[str, str, Sequence[Any]]] = [
        ("parties", "name", digest.parties), ("instruments", "title", digest.instruments),
        ("sectors", "label", digest.sectors), ("targets", "description", digest.targets)]
    return [Found(doc_id, name, str(getattr(item, key)), ev.quote, ev.start, ev.end, ev.match)
            for name, key, group in groups for item in group for ev in item.evidence[:1]]


async def run_summarizer(docs: Sequence[Doc], concurrency: int, base_url: str, *,
                         prompt: str, reask: bool) -> list[Found]:
    llm = LLMConfig(model=SUMMARIZER_MODEL, base_url=base_url, api_key="bench",
                    grounding_reask=reask)
    gate = asyncio.Semaphore(concurrency)
    config = SummarizerConfig(backend="llm", llm=llm, prompt=prompt)
    async with Summarizer(config) as summarizer:
        async def one(doc: Doc) -> list[Found]:
            async with gate:
                article = Article(text=doc.text, id=doc.id, title=doc.title)
                return summarizer_found(await summarizer.asummarize(article), doc.id)
        found = await asyncio.gather(*(one(doc) for doc in docs))
    return [f for group in found for f in group]


# ---- the plain instructor script: what a developer writes in ~30 lines, no grounding ----
class PlainSummary(BaseModel):
    headline: str
    one_line: str
    bullets: list[str]


class PlainParty(BaseModel):
    name: str
    kind: str
    evidence: list[str]


class PlainInstrument(BaseModel):
    title: str | None = None
    kind: str
    status: str
    evidence: list[str]


class PlainSector(BaseModel):
    label: str
    evidence: list[str]


class PlainTarget(BaseModel):
    description: str
    evidence: list[str]


class PlainDigest(BaseModel):
    summary: PlainSummary
    parties: list[PlainParty]
    instruments: list[PlainInstrument]
    sectors: list[PlainSector]
    targets: list[PlainTarget]


PLAIN_PROMPT = ("Summarize this news article about international cooperation and list its "
                "parties, instruments (MoUs, agreements, ...), sectors and targets. Give each "
                "item 1-3 short quotes from the article as evidence.")


async def plain_digest(client: instructor.AsyncInstructor, text: str) -> PlainDigest:
    return await client.chat.completions.create(
        model=PLAIN_MODEL, response_model=PlainDigest, max_retries=2,
        messages=[{"role": "system", "content": PLAIN_PROMPT}, {"role": "user", "content": text}])
# ---- end of the plain script ----


def plain_found(digest: PlainDigest, doc_id: str) -> list[Found]:
    rows: list[tuple[str, str, list[str]]] = [
        *(("parties", p.name, p.evidence) for p in digest.parties),
        *(("instruments", i.title or i.kind, i.evidence) for i in digest.instruments),
        *(("sectors", s.label, s.evidence) for s in digest.sectors),
        *(("targets", t.description, t.evidence) for t in digest.targets)]
    return [Found(doc_id, name, label, quotes[0]) for name, label, quotes in rows if quotes]


async def run_plain(docs: Sequence[Doc], concurrency: int, base_url: str) -> list[Found]:
    gate = asyncio.Semaphore(concurrency)
    async with openai.AsyncOpenAI(base_url=base_url, api_key="bench") as raw:
        client = instructor.from_openai(raw)

        async def one(doc: Doc) -> list[Found]:
            async with gate:
                return plain_found(await plain_digest(client, doc.text), doc.id)
        found = await asyncio.gather(*(one(doc) for doc in docs))
    return [f for group in found for f in group]


# --------------------------------------------------------------------------- LangExtract

LX_PROMPT = ("Extract the parties, instruments (MoUs, agreements, initiatives, ...), sectors "
             "and forward-looking targets of this news article about international "
             "cooperation. Use exact text from the article for each extraction; do not "
             "paraphrase. Put the item's name, kind, status or label in its attributes.")
_LX_TEXT = ("Norway and Chile signed a memorandum of understanding in Oslo to cooperate on "
            "green hydrogen. The two governments will build three export terminals by 2030.")


def lx_examples() -> list[lx_data.ExampleData]:
    def ext(cls: str, text: str, **attrs: str) -> lx_data.Extraction:
        values: dict[str, str | list[str]] = dict(attrs)
        return lx_data.Extraction(extraction_class=cls, extraction_text=text, attributes=values)
    return [lx_data.ExampleData(text=_LX_TEXT, extractions=[
        ext("party", "Norway", name="Norway", kind="country"),
        ext("party", "Chile", name="Chile", kind="country"),
        ext("instrument", "memorandum of understanding", title="memorandum of understanding",
            kind="mou", status="signed"),
        ext("sector", "green hydrogen", label="energy"),
        ext("target", "will build three export terminals by 2030",
            description="three export terminals by 2030", deadline="2030")])]


def run_langextract(docs: Sequence[Doc], concurrency: int, base_url: str, *,
                    max_chars: int) -> list[Found]:
    """LangExtract's OpenAI provider pointed at the stand-in: ``batch_length`` chunks go out
    together on ``max_workers`` threads, so at most ``concurrency`` requests are in flight."""
    config = lx_factory.ModelConfig(
        model_id=LX_MODEL, provider="OpenAILanguageModel",
        provider_kwargs={"api_key": "bench", "base_url": base_url, "max_workers": concurrency})
    documents = [lx_data.Document(text=doc.text, document_id=doc.id) for doc in docs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lx_extract(documents, prompt_description=LX_PROMPT, examples=lx_examples(),
                            config=config, max_char_buffer=max_chars, batch_length=concurrency,
                            max_workers=concurrency, show_progress=False)
    annotated = result if isinstance(result, list) else [result]
    return [lx_found(ext, str(doc.document_id)) for doc in annotated
            for ext in doc.extractions or []]


def lx_found(ext: lx_data.Extraction, doc_id: str) -> Found:
    name = FIELD_OF_CLASS.get(ext.extraction_class, ext.extraction_class)
    label = str((ext.attributes or {}).get(LABEL_KEY.get(name, ""), ""))
    span = ext.char_interval
    status = ext.alignment_status.value if ext.alignment_status else None
    if span is None or span.start_pos is None or span.end_pos is None:
        return Found(doc_id, name, label, ext.extraction_text)
    return Found(doc_id, name, label, ext.extraction_text, span.start_pos, span.end_pos, status)


# --------------------------------------------------------------------------- the line-up


@dataclass(frozen=True)
class System:
    label: str
    run: Callable[[Sequence[Doc], int, str], list[Found]]


Runner = Callable[[Sequence[Doc], int, str], list[Found]]


def _summarizer(prompt: str, reask: bool) -> Runner:
    return lambda d, c, u: asyncio.run(run_summarizer(d, c, u, prompt=prompt, reask=reask))


def _langextract(max_chars: int) -> Runner:
    return lambda d, c, u: run_langextract(d, c, u, max_chars=max_chars)


def systems(prompts: Sequence[str]) -> list[System]:
    """Two summarizer rows per prompt (grounding re-ask on, the default, and off), then the
    plain script and LangExtract with and without its chunking."""
    rows = []
    for ref in prompts:
        found = get_prompt(ref)
        name = f"summarizer, {found.id}@{found.version} ({found.sha256[:8]})"
        rows += [System(f"{name}, default (re-asks once about unverified quotes)",
                        _summarizer(ref, True)),
                 System(f"{name}, grounding re-ask off", _summarizer(ref, False))]
    return [*rows,
            System("plain instructor script (TOOLS mode)",
                   lambda d, c, u: asyncio.run(run_plain(d, c, u))),
            System("LangExtract, default chunks (max_char_buffer=1000)", _langextract(1000)),
            System("LangExtract, one chunk per article", _langextract(100_000))]
