"""The exact request a structured call would send, without sending it.

:func:`request_body` runs the real path — instructor's request preparation, the OpenAI SDK's
serialisation — against a transport that keeps the request and answers nothing. So what
``summarizer digest --dry-run`` prints, and what a provider batch file holds, is byte for
byte what a live call sends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx2

from ..errors import SummarizerError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .client import LLMClient


class _Kept(Exception):
    """Raised by the capturing transport once it has the request."""


class _Keep(httpx2.AsyncBaseTransport):
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(await request.aread())
        raise _Kept


@dataclass(frozen=True)
class PreparedRequest:
    """A request as it would go on the wire: its JSON body and its size in bytes."""

    body: dict[str, Any]
    size: int


async def request_body(
    client: LLMClient,
    messages: list[dict[str, str]],
    response_model: type[BaseModel],
    *,
    temperature: float,
    max_tokens: int | None = None,
) -> PreparedRequest:
    """The request ``client.complete(messages, response_model, ...)`` would POST to
    ``/chat/completions``."""
    import openai

    from .client import LLMClient

    keep = _Keep()
    http = httpx2.AsyncClient(transport=keep)
    sdk = openai.AsyncOpenAI(api_key="dry-run", base_url="http://dry-run.invalid/v1",
                             max_retries=0, http_client=http)
    config = client.config.with_(max_reasks=0)
    dry = LLMClient(config, sdk)
    try:
        await dry.complete(messages, response_model, temperature=temperature,
                           max_tokens=max_tokens, source="dry-run")
    except Exception:  # the SDK wraps _Kept; the body is what matters
        pass
    finally:
        await sdk.close()
    if not keep.bodies:
        raise SummarizerError("the dry run prepared no request; please report this bug")
    raw = keep.bodies[0]
    return PreparedRequest(json.loads(raw), len(raw))
