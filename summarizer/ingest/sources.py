"""Every kind of input to a stream of articles; a bad input becomes an IngestFailure.

``iter_articles`` is a generator: inputs are read one at a time, JSONL line by line, and
nothing a single input does (missing, empty, binary, too big, not an article) stops the
others.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from ..article import Article
from ..errors import InputError
from .config import (
    DEFAULT_CONFIG,
    HTML_SUFFIXES,
    JSONL_SUFFIXES,
    KNOWN_SUFFIXES,
    IngestConfig,
    IngestFailure,
)
from .decode import Decoded, check_text, decode_bytes
from .fetch import fetch_url, unsupported_scheme
from .files import entry_problem, iter_directory, read_capped, too_big
from .html import declared_charset, html_article, looks_like_html
from .jsonl import iter_jsonl
from .text import TextSource, articles_from_text

log = logging.getLogger("summarizer.ingest")

STDIN = "<stdin>"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")

Item = Article | IngestFailure


def iter_articles(
    inputs: Sequence[str], config: IngestConfig = DEFAULT_CONFIG, *, stdin: TextIO | None = None
) -> Iterator[Item]:
    """Articles from each input in order: paths, directories, ``-`` (stdin), JSONL, URLs.

    Never raises for a bad input: it yields an IngestFailure for it and carries on.
    """
    for source in inputs:
        yield from _guarded(source, config, stdin)


def read_articles(
    inputs: Sequence[str], config: IngestConfig = DEFAULT_CONFIG, *, stdin: TextIO | None = None
) -> tuple[list[Article], list[IngestFailure]]:
    """Every article and every failure, as two lists (for small inputs)."""
    articles: list[Article] = []
    failures: list[IngestFailure] = []
    for item in iter_articles(inputs, config, stdin=stdin):
        if isinstance(item, IngestFailure):
            failures.append(item)
        else:
            articles.append(item)
    return articles, failures


def _guarded(source: str, config: IngestConfig, stdin: TextIO | None) -> Iterator[Item]:
    try:
        yield from _one(source, config, stdin)
    except InputError as exc:
        yield IngestFailure.from_error(exc, source)
    except Exception as exc:  # the boundary: one input's surprise must not stop the rest
        log.debug("unexpected error reading %s", source, exc_info=True)
        yield IngestFailure(source, f"could not be read ({type(exc).__name__}: {exc})")


def _one(source: str, config: IngestConfig, stdin: TextIO | None) -> Iterator[Item]:
    if source == "-":
        yield from _stdin(stdin if stdin is not None else sys.stdin, config)
        return
    scheme = _SCHEME.match(source)
    if scheme is not None:
        yield from _url(source, scheme.group(1).lower(), config)
        return
    path = Path(source)
    if path.is_dir():
        yield from _directory(path, source, config)
    else:
        yield from _file(path, source, config)


def _stdin(stream: TextIO, config: IngestConfig) -> Iterator[Item]:
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        data = buffer.read(config.max_bytes + 1)
        if len(data) > config.max_bytes:
            raise InputError(too_big(None, config.max_bytes), source=STDIN)
        decoded = decode_bytes(data, STDIN)
    else:
        text = stream.read(config.max_bytes + 1)
        if len(text.encode("utf-8", "surrogatepass")) > config.max_bytes:
            raise InputError(too_big(None, config.max_bytes), source=STDIN)
        decoded = Decoded(check_text(text, STDIN), "utf-8")
    yield from _decoded(decoded, TextSource(STDIN, warnings=decoded.warnings), config, sniff=True)


def _url(url: str, scheme: str, config: IngestConfig) -> Iterator[Item]:
    if scheme not in ("http", "https"):
        raise InputError(unsupported_scheme(scheme), source=url)
    fetched = fetch_url(url, config)
    html = fetched.kind == "html"
    hint = fetched.charset or (declared_charset(fetched.body) if html else None)
    decoded = decode_bytes(fetched.body, url, declared=hint)
    source = TextSource(origin=url, url=fetched.url, warnings=decoded.warnings)
    if html:
        yield html_article(decoded.text, origin=url, url=fetched.url, warnings=decoded.warnings)
    else:
        yield from articles_from_text(decoded.text, source, config)


def _directory(root: Path, source: str, config: IngestConfig) -> Iterator[Item]:
    """Every usable file under ``root``; an article without an id of its own gets its file's
    name (``dir/a.txt``, ``dir/dump.txt#2``), so each digest says where it came from."""
    found = False
    for path in iter_directory(root, config.glob):
        found = True
        problem = entry_problem(root, path)
        if problem is not None:
            yield IngestFailure(str(path), problem)
            continue
        for item in _guarded(str(path), config, None):
            if isinstance(item, Article) and item.id is None:
                item = item.model_copy(update={"id": item.origin})
            yield item
    if not found:
        wanted = ", ".join(sorted(KNOWN_SUFFIXES))
        matching = f" matching {config.glob!r}" if config.glob else ""
        raise InputError(f"directory has no usable files ({wanted}){matching}; check the path",
                         source=source)


def _file(path: Path, source: str, config: IngestConfig) -> Iterator[Item]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from iter_jsonl(path, source, config.max_bytes)
        return
    data = read_capped(path, source, config.max_bytes)
    is_html = suffix in HTML_SUFFIXES
    decoded = decode_bytes(data, source, declared=declared_charset(data) if is_html else None)
    origin = TextSource(origin=source, warnings=decoded.warnings)
    if is_html:
        yield html_article(decoded.text, origin=source, warnings=decoded.warnings)
    else:
        yield from _decoded(decoded, origin, config, sniff=suffix not in KNOWN_SUFFIXES)


def _decoded(decoded: Decoded, source: TextSource, config: IngestConfig, *, sniff: bool
             ) -> Iterator[Item]:
    if sniff and looks_like_html(decoded.text):
        yield html_article(decoded.text, origin=source.origin, warnings=source.warnings)
    else:
        yield from articles_from_text(decoded.text, source, config)
