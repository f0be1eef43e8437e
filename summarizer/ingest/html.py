"""HTML pages to articles with trafilatura: main text plus title, date and site name."""

from __future__ import annotations

import re
from typing import Any

from ..article import Article
from ..errors import InputError
from .dates import parse_absolute
from .lines import norm

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_MIN_SENTENCE_WORDS = 8
# Dates only from the page's own metadata: no guessing from the body text or the URL.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` tag near its start, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].casefold()
    return head.startswith(("<!doctype html", "<html")) or "<body" in head


def html_article(
    html: str, *, origin: str, url: str | None = None, warnings: tuple[str, ...] = ()
) -> Article:
    """The article in an HTML page. Raises InputError when the page has no article body."""
    doc = _extract(html, url)
    text = _text_without_title(str(doc.get("text") or ""), doc.get("title"))
    if not _has_prose(text):
        raise InputError(
            "no article text found in the HTML (is it an article page?); "
            "give the page of a single article",
            source=origin,
        )
    date = doc.get("date")
    return Article(
        text=text,
        title=_str_or_none(doc.get("title")),
        source=_str_or_none(doc.get("sitename")),
        url=url or _str_or_none(doc.get("url")),
        published=parse_absolute(date) if isinstance(date, str) else None,
        origin=origin,
        warnings=warnings,
    )


def _extract(html: str, url: str | None) -> dict[str, Any]:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        date_extraction_params=_DATE_PARAMS,
    )
    if doc is None:
        return {}
    values: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict()
    return values


def _has_prose(text: str) -> bool:
    """At least one sentence-like line: menus and forms have none, every article has one."""
    return any(len(line.split()) >= _MIN_SENTENCE_WORDS for line in text.splitlines())


def _text_without_title(text: str, title: object) -> str:
    """Drop leading lines that repeat the title: titles never stay in the article text."""
    if not isinstance(title, str) or not title.strip():
        return text.strip()
    lines = text.strip().splitlines()
    while lines and norm(lines[0]) == norm(title):
        lines.pop(0)
    return "\n".join(lines).strip()


def _str_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
