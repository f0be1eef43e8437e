"""Ingest: files, directories, stdin, JSONL and URLs to Articles, with failures reported.

    >>> from summarizer.ingest import iter_articles, IngestFailure
    >>> for item in iter_articles(["examples/seed-articles.txt"]):
    ...     print(item.title if not isinstance(item, IngestFailure) else item)

One module per job: ``sources`` (dispatch), ``files``, ``decode``, ``jsonl``, ``html``,
``fetch`` + ``netguard`` (URLs), ``text`` (plain text), ``split``, ``clean`` + ``spans``
(boilerplate removal with an exact offset map), ``dates``.
"""

from .config import IngestConfig, IngestFailure
from .sources import iter_articles, read_articles
from .text import load_text

__all__ = ["IngestConfig", "IngestFailure", "iter_articles", "load_text", "read_articles"]
