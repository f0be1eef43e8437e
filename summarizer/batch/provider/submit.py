"""Submit: upload a chunk's file and create its one batch, resumable at every step.

The journal is written before and after each remote call, so a rerun after ``kill -9``
knows what may have happened remotely:

* ``prepared`` → record ``uploading`` → upload → record ``uploaded`` + file id;
* ``uploading`` (killed during or after the upload): adopt the provider's file with this
  chunk's name (chunk id + content sha256) from ``files.list``, else upload again (an
  orphan file costs nothing);
* ``uploaded`` → record ``creating`` → create (never retried blindly) → record
  ``submitted`` + batch id;
* ``creating`` (killed during or after the create, or the create failed): adopt the batch
  whose ``input_file_id`` is the chunk's file (and metadata names the chunk) from
  ``batches.list``; only when there is none is a batch created. So a chunk gets at most
  one batch.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from ...errors import ModelError
from .faults import crashpoint
from .journal import Chunk, Journal
from .remote import RemoteApi, remote_error

log = logging.getLogger("summarizer.batch.provider")

ContentFn = Callable[[Chunk], "bytes | None"]
CREATE_TRIES = 3


class ChunkLost(ModelError):
    """A chunk's input file can be neither read nor rendered again from the inputs."""


async def submit(chunk: Chunk, journal: Journal, api: RemoteApi, content: ContentFn) -> Chunk:
    """Walk ``chunk`` to ``submitted`` from whatever state the journal left it in."""
    if chunk.state in ("prepared", "uploading"):
        chunk = await _upload(chunk, journal, api, content)
    if chunk.state in ("uploaded", "creating"):
        chunk = await _create(chunk, journal, api)
    return chunk


async def _upload(chunk: Chunk, journal: Journal, api: RemoteApi, content: ContentFn) -> Chunk:
    file_id = None
    try:
        if chunk.state == "uploading":
            file_id = await api.find_file(chunk.filename)
            if file_id is not None:
                log.info("chunk %s: adopted uploaded file %s", chunk.chunk_id, file_id)
        else:
            chunk = journal.update(chunk.chunk_id, state="uploading")
        if file_id is None:
            data = content(chunk)
            if data is None:
                raise ChunkLost(f"the input file of chunk {chunk.chunk_id} is gone and the "
                                "inputs no longer render it; rerun with the same inputs")
            crashpoint("before_upload")
            file_id = await api.upload(chunk.filename, data)
            crashpoint("after_upload")
    except ModelError:
        raise
    except Exception as exc:
        raise remote_error(exc, f"uploading chunk {chunk.chunk_id}") from exc
    return journal.update(chunk.chunk_id, state="uploaded", file_id=file_id)


async def _create(chunk: Chunk, journal: Journal, api: RemoteApi) -> Chunk:
    import openai

    file_id = chunk.file_id
    assert file_id is not None
    since = _epoch(chunk.created_at)
    for attempt in range(1, CREATE_TRIES + 1):
        try:
            if chunk.state == "creating":
                found = await api.find_batch(file_id, chunk.chunk_id, since)
                if found is not None:
                    log.info("chunk %s: adopted batch %s", chunk.chunk_id, found.id)
                    return _submitted(journal, chunk, found.id, found.status)
            else:
                chunk = journal.update(chunk.chunk_id, state="creating")
            batch = await api.create(file_id, chunk.chunk_id)
            crashpoint("after_create")
            return _submitted(journal, chunk, batch.id, batch.status)
        except openai.BadRequestError as exc:  # it will not be run: its items go elsewhere
            error = remote_error(exc, f"the provider refused the batch of chunk "
                                      f"{chunk.chunk_id}")
            log.warning("%s", error)
            return journal.close(chunk.chunk_id, "batch_rejected", str(error))
        except Exception as exc:  # it may still have been created: look before retrying
            if attempt == CREATE_TRIES:
                raise remote_error(exc, f"creating the batch of chunk {chunk.chunk_id}") \
                    from exc
            log.warning("chunk %s: create failed (%s); checking whether it exists",
                        chunk.chunk_id, exc)
    raise AssertionError("unreachable")


def _submitted(journal: Journal, chunk: Chunk, batch_id: str, status: str) -> Chunk:
    log.info("chunk %s: batch %s (%s)", chunk.chunk_id, batch_id, status)
    return journal.update(chunk.chunk_id, state="submitted", batch_id=batch_id,
                          remote_status=status)


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()
