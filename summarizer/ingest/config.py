"""The ingest options and the failure record that stands in for an unreadable input."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
KNOWN_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES


@dataclass(frozen=True)
class IngestConfig:
    """How inputs are read. Every limit applies to each input on its own.

    ``max_bytes`` caps a file, stdin or a URL body; for JSONL it caps each line, since the
    file is streamed. ``url_timeout`` bounds each network wait and the whole fetch.
    ``allow_private_urls`` lifts the SSRF guard (loopback, private, link-local targets).
    ``split`` divides multi-article text dumps; ``clean`` drops page furniture from plain
    text (with ``clean=False`` the text is kept verbatim, repeated headlines included).
    """

    max_bytes: int = 10_000_000
    glob: str | None = None
    allow_private_urls: bool = False
    url_timeout: float = 20.0
    max_redirects: int = 5
    split: bool = True
    clean: bool = True


DEFAULT_CONFIG = IngestConfig()


@dataclass(frozen=True)
class IngestFailure:
    """One input (or one JSONL line) that could not be read; the others carry on."""

    source: str
    message: str
    id: str | None = None
    """The input's own id when it had one (a JSONL line's ``"id"``), for its failure line."""

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"

    @classmethod
    def from_error(cls, exc: InputError, source: str, *, id: str | None = None
                   ) -> IngestFailure:
        """The error's message without the ``source: `` prefix SummarizerError adds."""
        where = exc.source or source
        text = str(exc)
        prefix = f"{exc.source}: "
        if exc.source and text.startswith(prefix):
            text = text[len(prefix) :]
        return cls(source=where, message=" ".join(text.split()), id=id)
