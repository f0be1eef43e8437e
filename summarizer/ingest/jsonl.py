"""JSON Lines: one article object a line, streamed; a bad line fails alone.

The file is never held in memory whole; ``max_bytes`` caps each line, not the file.
Text from JSONL is taken verbatim (no cleaning or splitting): it is already structured.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..article import Article
from ..errors import InputError
from .config import IngestFailure
from .dates import normalize_published
from .files import os_error_message, too_big

_STRING_FIELDS = ("title", "url", "source")
_CHUNK = 1 << 16


def iter_jsonl(path: Path, source: str, max_bytes: int) -> Iterator[Article | IngestFailure]:
    """One Article or IngestFailure per non-blank line; ``source:LINE`` names each."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        yield IngestFailure(source, os_error_message(exc))
        return
    with handle:
        seen = False
        for number, raw in _lines(handle, max_bytes):
            where = f"{source}:{number}"
            if raw is not None and not raw.strip():
                continue
            seen = True
            try:
                yield parse_record(raw, where, max_bytes)
            except InputError as exc:
                yield IngestFailure.from_error(exc, where, id=getattr(exc, "record_id", None))
        if not seen:
            yield IngestFailure(source, "input is empty; give it one JSON object a line")


def parse_record(raw: bytes | None, where: str, max_bytes: int) -> Article:
    """One JSONL line to an Article; ``raw`` None means the line was over ``max_bytes``."""
    if raw is None:
        raise InputError("line " + too_big(None, max_bytes), source=where)
    try:
        value = json.loads(raw.removeprefix(codecs.BOM_UTF8))
    except UnicodeDecodeError:
        raise InputError("line is not UTF-8; JSONL files must be UTF-8", source=where) from None
    except json.JSONDecodeError as exc:
        reason = exc.msg if exc.msg.endswith(" at") else f"{exc.msg} at"
        message = f"line is not valid JSON ({reason} column {exc.colno}); fix or remove it"
        raise InputError(message, source=where) from None
    if not isinstance(value, dict):
        kind = type(value).__name__
        raise InputError(f'line is a JSON {kind}, not an object with a "text" field', source=where)
    try:
        return _article(value, where)
    except InputError as exc:
        exc.record_id = _failed_id(value.get("id"))  # type: ignore[attr-defined]
        raise


def _failed_id(value: object) -> str | None:
    """The line's own id, for its failure line, when it is a usable one."""
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
        return text.encode("utf-8", "backslashreplace").decode() or None
    return None


def _article(record: dict[str, Any], where: str) -> Article:
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError('object has no "text" string, or it is empty; add the article text',
                         source=where)
    published, warnings = _published(record.get("published"), where)
    return Article(
        text=text,
        id=_identifier(record.get("id"), where),
        published=published,
        origin=where,
        warnings=warnings,
        **{name: _optional_str(record, name, where) for name in _STRING_FIELDS},
    )


def _identifier(value: object, where: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value).strip()
    raise InputError(f'"id" must be a string or an integer, not {type(value).__name__}',
                     source=where)


def _optional_str(record: dict[str, Any], name: str, where: str) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value.strip() or None if isinstance(value, str) else None
    raise InputError(f'"{name}" must be a string, not {type(value).__name__}', source=where)


def _published(value: object, where: str) -> tuple[str | None, tuple[str, ...]]:
    if value is None or value == "":
        return None, ()
    if not isinstance(value, str):
        raise InputError(f'"published" must be a date string, not {type(value).__name__}',
                         source=where)
    return normalize_published(value)


def _lines(handle: IO[bytes], max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; None for a line longer than ``max_bytes``."""
    number = 0
    while line := handle.readline(max_bytes + 1):
        number += 1
        if len(line.rstrip(b"\r\n")) <= max_bytes:
            yield number, line
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(_CHUNK)
        yield number, None
