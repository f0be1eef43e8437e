"""The Files + Batches stand-in speaks the documented contract to the real openai SDK."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import openai
from batch_api_standin import Plan, run_batch_api
from standin import ok, status


def _line(n: int) -> str:
    body = {"model": "standin-model", "messages": [{"role": "user", "content": f"q{n}"}]}
    return json.dumps({"custom_id": f"c{n}", "method": "POST", "url": "/v1/chat/completions",
                       "body": body})


async def _run(base_url: str, lines: int, cancel: bool = False) -> dict[str, Any]:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="test", max_retries=0)
    content = "".join(_line(n) + "\n" for n in range(lines)).encode()
    uploaded = await client.files.create(file=("in.jsonl", content), purpose="batch")
    batch = await client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions",
                                        completion_window="24h", metadata={"k": "v"})
    listed = [b.id async for b in client.batches.list(limit=1)]
    files = [f.filename async for f in client.files.list(purpose="batch")]
    if cancel:
        await client.batches.cancel(batch.id)
    states = []
    while batch.status not in ("completed", "failed", "expired", "cancelled"):
        batch = await client.batches.retrieve(batch.id)
        states.append(batch.status)
    out = [] if not batch.output_file_id else \
        (await client.files.content(batch.output_file_id)).text.splitlines()
    err = [] if not batch.error_file_id else \
        (await client.files.content(batch.error_file_id)).text.splitlines()
    await client.close()
    return {"batch": batch, "states": states, "listed": listed, "files": files,
            "out": [json.loads(x) for x in out], "err": [json.loads(x) for x in err]}


def test_a_batch_runs_through_its_states_and_answers_each_line_once() -> None:
    with run_batch_api([ok("a"), status(500), ok("b")], default=ok("c")) as api:
        seen = asyncio.run(_run(api.base_url, 6))
        assert api.creates == 1 and api.uploads == 1 and len(api.batch_requests) == 6
    assert seen["states"] == ["in_progress", "finalizing", "completed"]
    assert seen["listed"] == ["batch_0001"] and seen["files"] == ["in.jsonl"]
    batch = seen["batch"]
    assert batch.metadata == {"k": "v"}
    assert (batch.request_counts.completed, batch.request_counts.failed) == (5, 1)
    ids = sorted(line["custom_id"] for line in seen["out"] + seen["err"])
    assert ids == [f"c{n}" for n in range(6)]
    assert [line["custom_id"] for line in seen["out"]] != sorted(x["custom_id"]
                                                               for x in seen["out"])
    assert seen["err"][0]["response"]["status_code"] == 500
    answer = next(x for x in seen["out"] if x["custom_id"] == "c0")["response"]["body"]
    assert answer["choices"][0]["message"]["content"] == "a"


def test_expiry_and_cancel_keep_what_finished() -> None:
    with run_batch_api([ok("x")], plan=Plan(final="expired", finish=2)) as api:
        seen = asyncio.run(_run(api.base_url, 5))
    assert seen["batch"].status == "expired" and len(seen["out"]) == 2
    assert {x["error"]["code"] for x in seen["err"]} == {"batch_expired"}
    with run_batch_api([ok("x")], plan=Plan(hold=True, finish=1)) as api:
        seen = asyncio.run(_run(api.base_url, 3, cancel=True))
        assert api.cancels == 1
    assert seen["batch"].status == "cancelled" and len(seen["out"]) == 1


def test_an_invalid_input_file_fails_the_batch() -> None:
    with run_batch_api([ok("x")]) as api:
        client = openai.AsyncOpenAI(base_url=api.base_url, api_key="t", max_retries=0)

        async def go() -> Any:
            content = (_line(1) + "\n" + _line(1) + "\n").encode()
            uploaded = await client.files.create(file=("d.jsonl", content), purpose="batch")
            batch = await client.batches.create(input_file_id=uploaded.id,
                                                endpoint="/v1/chat/completions",
                                                completion_window="24h")
            batch = await client.batches.retrieve(batch.id)
            await client.close()
            return batch

        batch = asyncio.run(go())
    assert batch.status == "failed" and "duplicate" in batch.errors.data[0].message
