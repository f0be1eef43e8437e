"""Prepare: the requests the store still needs, rendered like live calls, cut into files.

Each request line is ``{"custom_id", "method": "POST", "url": "/v1/chat/completions",
"body"}`` where ``body`` is exactly what a live call would send first
(``Summarizer.request_body``) and ``custom_id`` names the article's store key. Files are cut
at ``FileLimits`` (50,000 requests or 200 MB by default). Each file is written to the spool
directory and then journalled with its requests, in that order: a crash in between leaves
only an unused file.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...article import Article
from ...store import ResultKey
from .config import FileLimits
from .journal import Chunk, Item, Journal, custom_id
from .remote import ENDPOINT

if TYPE_CHECKING:
    from ...pipeline import Summarizer

log = logging.getLogger("summarizer.batch.provider")


@dataclass(frozen=True)
class Work:
    """An article the store has no result for, with its key."""

    article: Article
    key: ResultKey

    @property
    def custom_id(self) -> str:
        return custom_id(self.key)


def request_line(custom: str, body: dict[str, object]) -> bytes:
    line = {"custom_id": custom, "method": "POST", "url": ENDPOINT, "body": body}
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def cut(lines: Iterable[tuple[Work, bytes]], limits: FileLimits
        ) -> Iterator[list[tuple[Work, bytes]]]:
    """Groups of at most ``max_requests`` lines and ``max_bytes`` bytes (a single line
    larger than ``max_bytes`` still gets a file of its own)."""
    group: list[tuple[Work, bytes]] = []
    size = 0
    for work, line in lines:
        if group and (len(group) >= limits.max_requests or size + len(line) > limits.max_bytes):
            yield group
            group, size = [], 0
        group.append((work, line))
        size += len(line)
    if group:
        yield group


def render(work: Sequence[Work], summarizer: Summarizer) -> Iterator[tuple[Work, bytes]]:
    for item in work:
        yield item, request_line(item.custom_id, summarizer.request_body(item.article))


def prepare(
    work: Sequence[Work], summarizer: Summarizer, journal: Journal, spool: Path,
    limits: FileLimits, *, model: str, host: str,
) -> list[Chunk]:
    """Write and journal the input files for ``work``; returns the new chunks."""
    chunks = []
    spool.mkdir(parents=True, exist_ok=True)
    for group in cut(render(work, summarizer), limits):
        content = b"".join(line for _, line in group)
        sha = hashlib.sha256(content).hexdigest()
        chunk_id = uuid.uuid4().hex[:12]
        chunk = Chunk(chunk_id=chunk_id, model=model, host=host, state="prepared",
                      requests=len(group), bytes=len(content), content_sha256=sha,
                      filename=f"summarizer-{chunk_id}-{sha[:16]}.jsonl")
        write_file(spool / chunk.filename, content)
        if not journal.add_chunk(chunk, [Item(w.custom_id, w.key) for w, _ in group]):
            (spool / chunk.filename).unlink(missing_ok=True)
            log.warning("another run submitted some of these articles meanwhile; they are "
                        "collected with its batch")
            continue
        log.info("prepared chunk %s: %d request(s), %d bytes", chunk_id, len(group),
                 len(content))
        chunks.append(journal.chunk(chunk_id))
    return chunks


def write_file(path: Path, content: bytes) -> None:
    """Write ``content`` whole or not at all (temporary file, fsync, rename)."""
    part = path.with_name(f".{path.name}.part")
    with part.open("wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, path)


def chunk_content(
    chunk: Chunk, journal: Journal, spool: Path, articles: dict[ResultKey, Article],
    summarizer: Summarizer,
) -> bytes | None:
    """The chunk's input file: from the spool, else rendered again from the inputs (the
    same articles render the same bytes); None when neither gives the journalled sha256."""
    path = spool / chunk.filename
    if path.is_file():
        content = path.read_bytes()
        if hashlib.sha256(content).hexdigest() == chunk.content_sha256:
            return content
    items = journal.items(chunk.chunk_id)
    if any(item.key not in articles for item in items):
        return None
    content = b"".join(request_line(item.custom_id, summarizer.request_body(articles[item.key]))
                       for item in items)
    if hashlib.sha256(content).hexdigest() != chunk.content_sha256:
        return None
    write_file(path, content)
    return content
