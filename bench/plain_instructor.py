"""What a user writes without summarizer: instructor + asyncio, one JSON line per article.

    python bench/plain_instructor.py in.jsonl -o out.jsonl --base-url URL [--concurrency 64]
                                     [--mode JSON] [--model standin-model]
"""

from __future__ import annotations

import argparse
import asyncio
import json
from typing import Any

import instructor
from openai import AsyncOpenAI
from pydantic import BaseModel


class Summary(BaseModel):
    headline: str
    one_line: str
    bullets: list[str]


class Party(BaseModel):
    name: str
    kind: str
    role: str | None = None
    evidence: list[str]


class Instrument(BaseModel):
    kind: str
    title: str | None = None
    status: str
    parties: list[str] = []
    evidence: list[str]


class Sector(BaseModel):
    label: str
    evidence: list[str]


class Target(BaseModel):
    description: str
    evidence: list[str]


class Digest(BaseModel):
    summary: Summary
    parties: list[Party]
    instruments: list[Instrument]
    sectors: list[Sector]
    targets: list[Target]


PROMPT = ("Summarize this news article about cooperation between countries and companies. "
          "List its parties, instruments (MoUs, agreements, ...), sectors and targets, each "
          "with 1-3 short quotes copied from the article as evidence.")


async def digest(client: Any, gate: asyncio.Semaphore, model: str, row: dict[str, Any]) -> str:
    async with gate:
        try:
            result = await client.chat.completions.create(
                model=model, response_model=Digest, max_retries=2,
                messages=[{"role": "system", "content": PROMPT},
                          {"role": "user", "content": row["text"]}])
            return json.dumps({"id": row["id"], "digest": result.model_dump()})
        except Exception as exc:
            return json.dumps({"id": row["id"], "error": str(exc)})


async def main(args: argparse.Namespace) -> None:
    with open(args.input, encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    client = instructor.from_openai(AsyncOpenAI(base_url=args.base_url, api_key="bench"),
                                    mode=instructor.Mode[args.mode])
    gate = asyncio.Semaphore(args.concurrency)
    results = await asyncio.gather(*(digest(client, gate, args.model, r) for r in rows))
    with open(args.output, "w", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--model", default="standin-model")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--mode", default="JSON", help="an instructor.Mode name")
    asyncio.run(main(parser.parse_args()))
