"""Plain text to articles: split a dump, clean each part, find its date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..article import Article
from ..errors import InputError
from .clean import clean_lines
from .config import DEFAULT_CONFIG, IngestConfig
from .dates import find_published
from .lines import split_lines
from .split import Segment, split_articles

LOW_SPLIT_WARNING = (
    "split from a multi-article input at a weak cue (a separator line), not a repeated "
    "headline; check where this article starts and ends"
)
PREAMBLE_WARNING = (
    "text found before the first repeated headline of the input; check that it is an "
    "article and not page furniture"
)


@dataclass(frozen=True)
class TextSource:
    """Where a text came from, and what is already known about it."""

    origin: str = "<text>"
    url: str | None = None
    warnings: tuple[str, ...] = ()


def load_text(
    text: str, *, origin: str = "<text>", config: IngestConfig = DEFAULT_CONFIG
) -> list[Article]:
    """Clean and split a raw text string into articles.

    Raises InputError when the text is empty or nothing is left after cleaning.
    """
    return articles_from_text(text, TextSource(origin=origin), config)


def articles_from_text(text: str, source: TextSource, config: IngestConfig) -> list[Article]:
    if not text.strip():
        raise InputError("input is empty; give it some article text", source=source.origin)
    result = split_articles(split_lines(text), split=config.split)
    extra = (LOW_SPLIT_WARNING,) if result.confidence == "low" else ()
    articles = [
        article
        for segment in result.segments
        if (article := _article(text, segment, source, config, extra)) is not None
    ]
    if not articles:
        raise InputError(
            "no article text left after removing web page furniture; "
            "check that it is an article",
            source=source.origin,
        )
    return _numbered(articles, source.origin)


def _article(
    text: str, segment: Segment, source: TextSource, config: IngestConfig, extra: tuple[str, ...]
) -> Article | None:
    cleaned = clean_lines(text, segment.lines, segment.title, clean=config.clean)
    if not cleaned.text.strip():
        return None
    published, date_warnings = find_published(line.text for line in segment.lines)
    notes = (PREAMBLE_WARNING,) if segment.preamble else ()
    return Article(
        text=cleaned.text,
        title=segment.title,
        url=source.url,
        published=published,
        origin=source.origin,
        warnings=(*source.warnings, *extra, *notes, *date_warnings),
        offsets=cleaned.offsets,
    )


def _numbered(articles: Sequence[Article], origin: str) -> list[Article]:
    if len(articles) == 1:
        return list(articles)
    return [
        a.model_copy(update={"origin": f"{origin}#{n}"}) for n, a in enumerate(articles, 1)
    ]
