"""A small OpenAI-compatible stand-in server for tests: real HTTP on 127.0.0.1.

It answers ``POST /v1/chat/completions`` from a *script*: steps consumed in order, then
``default`` (if given) or the last step again. Steps::

    ok("text")                       a chat.completion (content may be a callable of the request)
    ok("{...}", tool_call=True)      the content as arguments of a call to tools[0]
    ok("", refusal="no")             message.refusal set, content None
    status(429, headers={"Retry-After": "1"})   an error status with an OpenAI-style body
    hang()                           no answer until the server stops (hang(5): for 5 s)
    read_timeout()                   the client sees ``httpx2.ReadTimeout`` at once (below)
    dynamic(fn)                      fn(request_json) returns the step to play

``GET /v1/models`` lists ``models``. ``latency`` delays every response; every pause the
server makes is recorded in ``StandIn.pauses``. Use::

    with run_standin([status(503), ok("hi")]) as standin:
        client = openai.AsyncOpenAI(base_url=standin.base_url, api_key="test", ...)
        ...
        assert standin.calls == 2

Timeouts without racing the clock: a client timeout short enough to catch a hang can also
catch a slow answer on a loaded machine. So tests never give every request a short timeout.
:class:`StandinTransport` is the real ``httpx2.AsyncHTTPTransport`` (the class vcrpy patches
too) plus two deterministic timeouts; :func:`patch_transport` puts it under every client
the code under test builds:

* ``read_timeout()``: the server records the request and answers at once with a marker the
  transport raises as ``httpx2.ReadTimeout``, exactly where a real one is raised;
* ``first_read=0.3``: the transport's first request gets a 0.3 s read timeout, later ones
  keep the client's own (generous) timeout. With ``hang()`` first, that first try always
  times out for real and the retry cannot.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx2
import pytest

Json = dict[str, Any]
Content = str | Callable[[Json], str]


@dataclass(frozen=True)
class Ok:
    content: Content
    finish_reason: str = "stop"
    usage: tuple[int, int] = (10, 5)
    tool_call: bool = False
    refusal: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class Status:
    code: int
    body: Json | None = None
    headers: dict[str, str] | None = None


@dataclass(frozen=True)
class Hang:
    seconds: float | None


@dataclass(frozen=True)
class Timeout:
    """No answer in time, as the client sees it (needs :class:`StandinTransport`)."""


@dataclass(frozen=True)
class Dynamic:
    fn: Callable[[Json], Step]


Step = Ok | Status | Hang | Timeout | Dynamic
TIMEOUT_HEADER = "x-standin-timeout"


def ok(
    content: Content,
    *,
    finish_reason: str = "stop",
    usage: tuple[int, int] = (10, 5),
    tool_call: bool = False,
    refusal: str | None = None,
    delay: float = 0.0,
) -> Ok:
    return Ok(content, finish_reason, usage, tool_call, refusal, delay)


def status(code: int, body: Json | None = None, headers: dict[str, str] | None = None) -> Status:
    return Status(code, body, headers)


def hang(seconds: float | None = None) -> Hang:
    """No answer for ``seconds``, or (None) until the server stops."""
    return Hang(seconds)


def read_timeout() -> Timeout:
    return Timeout()


def dynamic(fn: Callable[[Json], Step]) -> Dynamic:
    return Dynamic(fn)


def quota_exhausted() -> Status:
    """OpenAI's 429 for an account out of credit: retrying will not help."""
    return status(429, {"error": {
        "message": "You exceeded your current quota, please check your plan and billing details.",
        "type": "insufficient_quota", "param": None, "code": "insufficient_quota",
    }})


def context_too_long() -> Status:
    """OpenAI's 400 for a prompt longer than the model's context window."""
    return status(400, {"error": {
        "message": "This model's maximum context length is 8192 tokens. However, your "
                   "messages resulted in 9000 tokens. Please reduce the length of the messages.",
        "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded",
    }})


@dataclass(frozen=True)
class Received:
    """One chat-completion request as the server saw it (header names in lower case)."""

    path: str
    headers: dict[str, str]
    json: Json


@dataclass
class StandIn:
    """A running stand-in: where it listens and what it received."""

    base_url: str
    requests: list[Received] = field(default_factory=list)
    pauses: list[float] = field(default_factory=list)
    """Seconds of every ``latency``, ``delay`` and ``hang`` pause, in the order begun."""

    @property
    def calls(self) -> int:
        """Chat-completion requests received so far."""
        return len(self.requests)


class _Script:
    """The steps to play, thread-safe (the server answers requests in parallel)."""

    def __init__(self, steps: Sequence[Step], default: Step | None) -> None:
        self._steps = list(steps)
        self._after: Step = default or (steps[-1] if steps else ok("ok"))
        self._next = 0
        self._lock = threading.Lock()

    def take(self) -> Step:
        with self._lock:
            if self._next < len(self._steps):
                self._next += 1
                return self._steps[self._next - 1]
            return self._after


def completion(step: Ok, request: Json, number: int) -> Json:
    """The chat.completion body an OpenAI server would send for ``step``."""
    content = step.content(request) if callable(step.content) else step.content
    message: Json = {"role": "assistant", "content": content, "refusal": step.refusal}
    if step.refusal is not None:
        message["content"] = None
    elif step.tool_call:
        tools = request.get("tools") or [{"function": {"name": "tool"}}]
        message["content"] = None
        message["tool_calls"] = [{
            "id": f"call_{number}", "type": "function",
            "function": {"name": tools[0]["function"]["name"], "arguments": content},
        }]
    prompt, answer = step.usage
    return {
        "id": f"chatcmpl-standin-{number}", "object": "chat.completion",
        "created": int(time.time()), "model": request.get("model", "standin"),
        "choices": [{"index": 0, "message": message, "finish_reason": step.finish_reason,
                     "logprobs": None}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": answer,
                  "total_tokens": prompt + answer},
    }


def _error_body(code: int) -> Json:
    kind = "rate_limit_exceeded" if code == 429 else "server_error" if code >= 500 else "error"
    return {"error": {"message": f"stand-in {code}", "type": kind, "param": None, "code": None}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # handler threads idle on keep-alive must not hold up the exit
    request_queue_size = 128  # bursts of new connections must not stall in the accept queue

    def __init__(self, script: _Script, standin: StandIn, latency: float,
                 models: Sequence[str], handler: type[BaseHTTPRequestHandler] | None = None
                 ) -> None:
        super().__init__(("127.0.0.1", 0), handler or _Handler)
        self.script = script
        self.standin = standin
        self.latency = latency
        self.models = list(models)
        self.stopping = threading.Event()
        self.lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout tests) is expected; stay quiet."""

    def record(self, received: Received) -> int:
        with self.lock:
            self.standin.requests.append(received)
            return len(self.standin.requests)


class _Handler(BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # answers must not wait ~40 ms for delayed ACKs
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the per-request log lines."""

    def do_GET(self) -> None:
        if _route(self.path).endswith("/models"):
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "standin"}
                    for m in self.server.models]
            self._send(200, {"object": "list", "data": data})
        else:
            self._send(404, _error_body(404))

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not _route(self.path).endswith("/chat/completions"):
            self._send(404, _error_body(404))
            return
        request: Json = json.loads(raw or b"{}")
        headers = {name.lower(): value for name, value in self.headers.items()}
        number = self.server.record(Received(self.path, headers, request))
        self._play(self.server.script.take(), request, number)

    def _play(self, step: Step, request: Json, number: int) -> None:
        while isinstance(step, Dynamic):
            step = step.fn(request)
        if isinstance(step, Hang):
            self._pause(step.seconds)
            step = ok("late")
        if isinstance(step, Timeout):
            step = status(504, {"error": {"message": "stand-in: simulated read timeout"}},
                          {TIMEOUT_HEADER: "1"})
        if isinstance(step, Status):
            self._send(step.code, step.body or _error_body(step.code), step.headers)
        else:
            self._pause(step.delay)
            self._send(200, completion(step, request, number))

    def _pause(self, seconds: float | None) -> None:
        if seconds is None or seconds > 0:
            with self.server.lock:
                self.server.standin.pauses.append(math.inf if seconds is None else seconds)
            self.server.stopping.wait(seconds)

    def _send(self, code: int, body: Json, headers: dict[str, str] | None = None) -> None:
        self._pause(self.server.latency)
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def _route(path: str) -> str:
    """The path alone, also when a client sent an absolute URI through us as a proxy."""
    return urlsplit(path).path.rstrip("/")


@contextmanager
def run_standin(
    script: Sequence[Step] = (),
    *,
    default: Step | None = None,
    latency: float = 0.0,
    models: Sequence[str] = ("standin-model",),
) -> Iterator[StandIn]:
    """Serve ``script`` on a free port of 127.0.0.1 for the duration of the block."""
    standin = StandIn(base_url="")
    server = _Server(_Script(script, default), standin, latency, models)
    standin.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01},
                              daemon=True, name="standin")
    thread.start()
    try:
        yield standin
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --------------------------------------------------------------------------- timeouts


class StandinTransport(httpx2.AsyncHTTPTransport):
    """The real transport with deterministic timeouts (see the module docstring)."""

    first_read: float | None = None

    def __init__(self, *args: Any, first_read: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if first_read is not None:
            self.first_read = first_read
        self.sent = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.sent += 1
        extensions = request.extensions
        if self.first_read is not None and self.sent == 1:
            timeout = {**extensions.get("timeout", {}), "read": self.first_read}
            request.extensions = {**extensions, "timeout": timeout}
        try:
            response = await super().handle_async_request(request)
        finally:
            request.extensions = extensions  # a retry of the same request: its own timeout
        if TIMEOUT_HEADER in response.headers:
            await response.aclose()
            raise httpx2.ReadTimeout("stand-in: simulated read timeout", request=request)
        return response


def patch_transport(monkeypatch: pytest.MonkeyPatch, *, first_read: float | None = None) -> None:
    """Every ``httpx2.AsyncHTTPTransport`` built from now on (in this test) is a
    :class:`StandinTransport`, with ``first_read`` for its first request."""

    class Patched(StandinTransport):
        pass

    Patched.first_read = first_read
    monkeypatch.setattr(httpx2, "AsyncHTTPTransport", Patched)
