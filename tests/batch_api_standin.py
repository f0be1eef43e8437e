"""A local stand-in for OpenAI's Files + Batches API, composed with ``standin.py``.

It follows the documented contract (there is no real Batch API to record here):

* ``POST /v1/files`` (multipart: ``purpose``, ``file``), ``GET /v1/files`` (``purpose``,
  ``after``, ``limit``; newest first), ``GET /v1/files/{id}``, ``GET /v1/files/{id}/content``;
* ``POST /v1/batches`` (``input_file_id``, ``endpoint``, ``completion_window``,
  ``metadata``), ``GET /v1/batches`` (``after``, ``limit``; newest first),
  ``GET /v1/batches/{id}``, ``POST /v1/batches/{id}/cancel``;
* ``POST /v1/chat/completions``: the live stand-in, answering from the same script.

A batch moves one state per ``retrieve`` (never by the clock): validating → in_progress →
finalizing → the final state of its :class:`Plan` (completed, failed, expired; cancelling →
cancelled after a cancel). Each input line is answered from the script like a live call:
an ``ok`` step gives an output line (status 200 and a chat.completion body), a ``status``
step an error-file line with that status. On ``expired``/``cancelled`` only the first
``Plan.finish`` lines are answered; the rest get ``batch_expired``/``batch_cancelled`` error
lines. Output and error lines are shuffled: clients must match them by ``custom_id``.

    with run_batch_api([ok(DRAFT)]) as api:
        ...  # point the client at api.base_url
        assert api.creates == 1
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import random
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from standin import (
    Dynamic,
    Hang,
    Json,
    Ok,
    StandIn,
    Status,
    Step,
    _Handler,
    _Script,
    _Server,
    completion,
    ok,
)

FINAL_STATES = ("completed", "failed", "expired", "cancelled")
ENDPOINT = "/v1/chat/completions"


@dataclass
class Plan:
    """How batches end. ``finish``: lines answered before an expiry or a cancel (None: all
    of them for ``expired``, none for ``cancelled``). ``hold``: stay in_progress for ever."""


    final: str = "completed"
    finish: int | None = None
    hold: bool = False
    seed: int = 7
    refuse_creates: bool = False
    """Every create is refused with 400 (e.g. a model the Batch API does not serve)."""
    lost_creates: int = 0
    """The first N creates make the batch but answer 500 (a reply lost on the way)."""


@dataclass
class BatchApiStandIn(StandIn):
    """A running stand-in: live chat requests in ``requests``; files and batches too."""

    plan: Plan = field(default_factory=Plan)
    files: dict[str, Json] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)
    batches: dict[str, Json] = field(default_factory=dict)
    batch_requests: list[Json] = field(default_factory=list)
    """Every request body answered inside a batch (not over live HTTP)."""
    uploads: int = 0
    creates: int = 0
    cancels: int = 0
    retrieves: int = 0

    @property
    def batch_files(self) -> list[Json]:
        return [f for f in self.files.values() if f["purpose"] == "batch"]


class _ApiServer(_Server):
    standin: BatchApiStandIn


class _ApiHandler(_Handler):
    server: _ApiServer

    def do_GET(self) -> None:
        parts, query = _parts(self.path), parse_qs(urlsplit(self.path).query)
        with self.server.lock:
            answer = self._get(parts, {k: v[0] for k, v in query.items()})
        if isinstance(answer, bytes):
            self._send_bytes(answer)
        elif answer is None:
            super().do_GET()
        else:
            self._send(*answer)

    def do_POST(self) -> None:
        parts = _parts(self.path)
        if parts[:1] not in (["files"], ["batches"]):
            super().do_POST()
            return
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            if parts == ["files"]:
                answer = self._upload(raw)
            elif parts == ["batches"]:
                answer = self._create(json.loads(raw))
            elif len(parts) == 3 and parts[2] == "cancel":
                answer = self._cancel(parts[1])
            else:
                answer = 404, _error("no such route")
        self._send(*answer)

    # ------------------------------------------------------------- files

    def _upload(self, raw: bytes) -> tuple[int, Json]:
        fields = _multipart(self.headers.get("Content-Type", ""), raw)
        api = self.server.standin
        api.uploads += 1
        file_id = f"file-{len(api.files) + 1:04d}"
        filename, content = fields["file"]
        api.files[file_id] = {"id": file_id, "object": "file", "bytes": len(content),
                              "created_at": _now(), "filename": filename,
                              "purpose": fields["purpose"][1].decode(), "status": "processed"}
        api.contents[file_id] = content
        return 200, api.files[file_id]

    def _get(self, parts: list[str], query: dict[str, str]) -> tuple[int, Json] | bytes | None:
        api = self.server.standin
        if parts == ["files"]:
            files = [f for f in api.files.values()
                     if query.get("purpose") in (None, f["purpose"])]
            return 200, _page(files, query)
        if parts[:1] == ["files"] and len(parts) in (2, 3):
            if parts[1] not in api.files:
                return 404, _error(f"No such File object: {parts[1]}")
            return api.contents[parts[1]] if len(parts) == 3 else (200, api.files[parts[1]])
        if parts == ["batches"]:
            return 200, _page(list(api.batches.values()), query)
        if parts[:1] == ["batches"] and len(parts) == 2:
            if parts[1] not in api.batches:
                return 404, _error(f"No batch found with id '{parts[1]}'.")
            api.retrieves += 1
            return 200, self._advance(api.batches[parts[1]])
        return None

    # ------------------------------------------------------------- batches

    def _create(self, request: Json) -> tuple[int, Json]:
        api = self.server.standin
        file_id = request.get("input_file_id")
        if file_id not in api.files:
            return 400, _error(f"Invalid 'input_file_id': '{file_id}'.")
        if api.plan.refuse_creates:
            return 400, _error("stand-in: this model is not available in the Batch API")
        if request.get("endpoint") != ENDPOINT or request.get("completion_window") != "24h":
            return 400, _error("endpoint must be /v1/chat/completions and window 24h")
        api.creates += 1
        batch_id = f"batch_{len(api.batches) + 1:04d}"
        lines = _lines(api.contents[file_id])
        api.batches[batch_id] = {
            "id": batch_id, "object": "batch", "endpoint": ENDPOINT, "errors": None,
            "input_file_id": file_id, "completion_window": "24h", "status": "validating",
            "output_file_id": None, "error_file_id": None, "created_at": _now(),
            "metadata": request.get("metadata"),
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
        }
        if api.creates <= api.plan.lost_creates:
            return 500, _error("stand-in: the batch was created but this reply is lost")
        return 200, api.batches[batch_id]

    def _cancel(self, batch_id: str) -> tuple[int, Json]:
        api = self.server.standin
        batch = api.batches.get(batch_id)
        if batch is None:
            return 404, _error(f"No batch found with id '{batch_id}'.")
        if batch["status"] not in FINAL_STATES:
            api.cancels += 1
            batch["status"] = "cancelling"
        return 200, batch

    def _advance(self, batch: Json) -> Json:
        status, plan = batch["status"], self.server.standin.plan
        if status == "validating":
            problem = _invalid(_lines(self.server.standin.contents[batch["input_file_id"]]))
            if problem or plan.final == "failed":
                batch.update(status="failed", failed_at=_now(), errors={
                    "object": "list", "data": [{"code": "invalid_request",
                                                "message": problem or "stand-in failure",
                                                "line": 1, "param": None}]})
            else:
                batch["status"] = "in_progress"
        elif status == "in_progress" and not plan.hold:
            batch["status"] = "finalizing"
        elif status == "finalizing":
            self._finish(batch, plan.final, plan.finish)
        elif status == "cancelling":
            self._finish(batch, "cancelled", plan.finish or 0)
        return batch

    def _finish(self, batch: Json, final: str, finish: int | None) -> None:
        api = self.server.standin
        lines = _lines(api.contents[batch["input_file_id"]])
        outputs, errors = [], []
        for n, line in enumerate(lines):
            if final != "completed" and finish is not None and n >= finish:
                code = f"batch_{final}"
                errors.append(_result_line(line, None, {"code": code, "message": code}))
                continue
            code, body = self._answer(line["body"], len(api.batch_requests) + 1)
            api.batch_requests.append(line["body"])
            (outputs if code == 200 else errors).append(_result_line(
                line, {"status_code": code, "request_id": f"req_{n}", "body": body}, None))
        shuffle = random.Random(api.plan.seed).shuffle
        shuffle(outputs)
        shuffle(errors)
        batch.update(status=final, request_counts={"total": len(lines), "completed":
                                                   len(outputs), "failed": len(errors)},
                     output_file_id=self._store(batch["id"], "output", outputs),
                     error_file_id=self._store(batch["id"], "error", errors))
        batch[f"{final}_at"] = _now()

    def _answer(self, body: Json, number: int) -> tuple[int, Json]:
        step: Step = self.server.script.take()
        while isinstance(step, Dynamic):
            step = step.fn(body)
        if isinstance(step, Hang):
            step = ok("late")
        if isinstance(step, Status):
            return step.code, step.body or _error(f"stand-in {step.code}")
        assert isinstance(step, Ok)
        return 200, completion(step, body, number)

    def _store(self, batch_id: str, kind: str, lines: Sequence[Json]) -> str | None:
        if not lines:
            return None
        api = self.server.standin
        file_id = f"file-{len(api.files) + 1:04d}"
        content = "".join(json.dumps(line) + "\n" for line in lines).encode()
        api.files[file_id] = {"id": file_id, "object": "file", "bytes": len(content),
                              "created_at": _now(), "filename": f"{batch_id}_{kind}.jsonl",
                              "purpose": "batch_output", "status": "processed"}
        api.contents[file_id] = content
        return file_id

    def _send_bytes(self, data: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _parts(path: str) -> list[str]:
    route = urlsplit(path).path.strip("/").split("/")
    return route[1:] if route[:1] == ["v1"] else route


def _now() -> int:
    return int(time.time())


def _error(message: str) -> Json:
    return {"error": {"message": message, "type": "invalid_request_error", "param": None,
                      "code": None}}


def _page(items: list[Json], query: dict[str, str]) -> Json:
    """Newest first, ``limit`` per page, continuing ``after`` an id (cursor pagination)."""
    items = sorted(items, key=lambda item: item["id"], reverse=True)
    if "after" in query:
        ids = [item["id"] for item in items]
        items = items[ids.index(query["after"]) + 1:] if query["after"] in ids else []
    limit = int(query.get("limit", 20))
    page = items[:limit]
    return {"object": "list", "data": page, "has_more": len(items) > limit,
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None}


def _multipart(content_type: str, raw: bytes) -> dict[str, tuple[str | None, bytes]]:
    """Form fields by name: (filename, bytes)."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    fields: dict[str, tuple[str | None, bytes]] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        fields[str(name)] = (part.get_filename(), payload if isinstance(payload, bytes) else b"")
    return fields


def _lines(content: bytes) -> list[Json]:
    return [json.loads(line) for line in content.decode().splitlines() if line.strip()]


def _invalid(lines: list[Json]) -> str | None:
    """What the provider's validation would reject in an input file, if anything."""
    ids = [line.get("custom_id") for line in lines]
    if len(set(ids)) != len(ids):
        return "duplicate custom_id"
    for line in lines:
        if line.get("method") != "POST" or line.get("url") != ENDPOINT:
            return "every line must POST to /v1/chat/completions"
        if not isinstance(line.get("body"), dict) or "model" not in line["body"]:
            return "every line needs a body with a model"
    if len({line["body"]["model"] for line in lines}) > 1:
        return "one model per batch"
    return None


def _result_line(line: Json, response: Json | None, error: Json | None) -> Json:
    return {"id": f"batch_req_{line['custom_id']}", "custom_id": line["custom_id"],
            "response": response, "error": error}


@contextmanager
def run_batch_api(
    script: Sequence[Step] = (),
    *,
    default: Step | None = None,
    plan: Plan | None = None,
    models: Sequence[str] = ("standin-model",),
) -> Iterator[BatchApiStandIn]:
    """Serve the Files + Batches API (and live chat) on a free port of 127.0.0.1."""
    api = BatchApiStandIn(base_url="", plan=plan or Plan())
    server = _ApiServer(_Script(script, default), api, 0.0, models, _ApiHandler)
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True, name="batch-api-standin")
    thread.start()
    try:
        yield api
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
