"""The provider's Files + Batches API, as the route uses it (openai SDK resources).

Two SDK clients: ``reads`` retries transient failures in the transport (status checks,
lists, downloads, uploads — an orphan upload costs nothing); ``writes`` never retries,
because a ``batches.create`` retried after a timeout could start a second batch. The
caller (``submit``) recovers a create that may have happened by listing batches first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from ...errors import ModelError

if TYPE_CHECKING:
    import openai
    from openai.types import Batch

    from ...config import LLMConfig

ENDPOINT: Final = "/v1/chat/completions"
META_KEY = "summarizer_chunk"
TERMINAL = ("completed", "failed", "expired", "cancelled")
LIST_PAGE = 100
RECENT_SECONDS = 2 * 86_400
"""A batch of a chunk is searched among batches created at most this long before it."""


@dataclass
class RemoteApi:
    """Thin, typed calls over ``client.files`` and ``client.batches``."""

    reads: openai.AsyncOpenAI
    writes: openai.AsyncOpenAI

    @classmethod
    def build(cls, llm: LLMConfig, client: openai.AsyncOpenAI | None = None) -> RemoteApi:
        """From the run's endpoint settings; a given ``client`` is used for both."""
        if client is not None:
            return cls(client, client)
        from ...llm.client import build_client

        once = llm.with_(retry=replace(llm.retry, max_attempts=1))
        return cls(build_client(llm), build_client(once))

    async def aclose(self) -> None:
        await self.reads.close()
        if self.writes is not self.reads:
            await self.writes.close()

    async def upload(self, filename: str, content: bytes) -> str:
        uploaded = await self.reads.files.create(file=(filename, content), purpose="batch")
        return uploaded.id

    async def find_file(self, filename: str) -> str | None:
        """The newest uploaded batch file named ``filename`` (the name holds the chunk id
        and its content's sha256), if the provider has one."""
        async for file in self.reads.files.list(purpose="batch", limit=LIST_PAGE):
            if file.filename == filename and file.status != "error":
                return file.id
        return None

    async def create(self, file_id: str, chunk_id: str) -> Batch:
        return await self.writes.batches.create(
            input_file_id=file_id, endpoint=ENDPOINT, completion_window="24h",
            metadata={META_KEY: chunk_id})

    async def find_batch(self, file_id: str, chunk_id: str, since: float) -> Batch | None:
        """A batch already made of this chunk's file (newest first, back to ``since``)."""
        async for batch in self.reads.batches.list(limit=LIST_PAGE):
            if batch.input_file_id == file_id and (batch.metadata or {}).get(META_KEY) in (
                    chunk_id, None):
                return batch
            if batch.created_at < since - RECENT_SECONDS:
                return None
        return None

    async def retrieve(self, batch_id: str) -> Batch:
        return await self.reads.batches.retrieve(batch_id)

    async def cancel(self, batch_id: str) -> Batch:
        return await self.writes.batches.cancel(batch_id)

    async def content(self, file_id: str) -> bytes:
        response = await self.reads.files.content(file_id)
        return response.content


def remote_error(exc: BaseException, what: str) -> ModelError:
    """An SDK failure of a Files/Batches call, as an error that says what to do."""
    import openai

    if isinstance(exc, openai.AuthenticationError):
        return ModelError(f"{what}: authentication failed; check OPENAI_API_KEY")
    if isinstance(exc, openai.NotFoundError):
        return ModelError(f"{what}: not found ({_short(exc)}); does --base-url serve the "
                          "Files and Batches API?")
    if isinstance(exc, openai.APIStatusError):
        return ModelError(f"{what}: the endpoint answered {exc.status_code} ({_short(exc)})")
    return ModelError(f"{what}: {_short(exc)}; check --base-url and rerun (the journal "
                      "resumes where this stopped)")


def _short(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_terminal(status: Any) -> bool:
    return status in TERMINAL
