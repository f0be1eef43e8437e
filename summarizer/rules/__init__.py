"""The offline, rule-based backend: used by ``summarizer digest`` when no model is set.

    >>> from summarizer.article import Article
    >>> from summarizer.rules import extract
    >>> result = extract(Article(text="Pakistan and China signed a memorandum of "
    ...                                "understanding on quantum cooperation."))
    >>> [p.name for p in result.parties], result.instruments[0].status
    (['Pakistan', 'China'], 'signed')

Deterministic and fast (regexes compiled at import, name tables built once). Every item
carries evidence with exact offsets: ``article.text[e.start:e.end] == e.quote``.
"""

from __future__ import annotations

from .config import RulesConfig
from .extract import RulesResult, extract

RULES_VERSION = "1"
"""Bumped when the rules change what they extract."""

__all__ = ["RULES_VERSION", "RulesConfig", "RulesResult", "extract"]
