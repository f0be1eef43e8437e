"""The input side of the pipeline: one article, its text and what we know about it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from bisect import bisect_right

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import InputError
from .models import ArticleInfo

_SURROGATE = re.compile("[\ud800-\udfff]")
_CHECKED_FIELDS = ("text", "id", "title", "source", "url", "published")


def check_unicode(value: str, what: str, origin: str) -> None:
    """InputError when ``value`` holds a lone surrogate (U+D800..U+DFFF): not a character,
    it cannot be encoded (``"\\ud800"`` in JSON, or text decoded with surrogateescape)."""
    bad = _SURROGATE.search(value)
    if bad is not None:
        raise InputError(
            f"the {what} holds a lone surrogate U+{ord(bad.group()):04X} at offset "
            f"{bad.start()}, which is not a Unicode character; fix the input's encoding",
            source=origin,
        )


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_id(text: str) -> str:
    """A stable id for an article's content: the same text from two inputs gets one id.

    Whitespace runs and Unicode forms are normalised first, so a re-wrapped copy matches.
    """
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class OffsetMap(BaseModel):
    """Maps offsets in a cleaned text back to the original input.

    ``pieces`` holds ``(clean_start, original_start, length)`` runs of copied text,
    sorted by ``clean_start``. A cleaned offset inside a run maps linearly; an offset
    between runs maps to the start of the next run.
    """

    model_config = ConfigDict(frozen=True)

    pieces: tuple[tuple[int, int, int], ...] = ()

    def to_original(self, offset: int) -> int:
        if not self.pieces:
            return offset
        starts = [p[0] for p in self.pieces]
        i = bisect_right(starts, offset) - 1
        if i < 0:
            return self.pieces[0][1]
        clean_start, orig_start, length = self.pieces[i]
        return orig_start + min(offset - clean_start, length)

    def to_original_end(self, offset: int) -> int:
        """Map an end offset: one at a run boundary ends the previous run, not the next."""
        if not self.pieces or offset <= 0:
            return self.to_original(offset)
        return self.to_original(offset - 1) + 1


class Article(BaseModel):
    """One article ready to digest. ``text`` is what every evidence offset indexes into."""

    model_config = ConfigDict(frozen=True)

    text: str
    id: str | None = Field(default=None, description="The input's own id; a content hash if None.")
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    origin: str = Field(default="<text>", description="Where it came from, for messages.")
    warnings: tuple[str, ...] = ()
    offsets: OffsetMap | None = Field(
        default=None, description="Cleaned-text offsets back to the original input, if cleaned."
    )

    @model_validator(mode="after")
    def _valid_unicode(self) -> Article:
        """Refuse text that cannot be encoded (see :func:`check_unicode`) here, once,
        so no later step (hashing, storing, writing) meets it."""
        for name in _CHECKED_FIELDS:
            value = getattr(self, name)
            if value:
                check_unicode(value, "article text" if name == "text" else f'"{name}"',
                              self.origin.encode("utf-8", "backslashreplace").decode())
        return self

    @property
    def key(self) -> str:
        """The article's id: its own, or a stable hash of its content."""
        return self.id or content_id(self.text)

    @property
    def label(self) -> str:
        """How messages name this article: its origin, and id or title when helpful."""
        name = self.id or self.title
        return f"{self.origin} [{name}]" if name and name != self.origin else self.origin

    def info(self) -> ArticleInfo:
        return ArticleInfo(
            id=self.key,
            sha256=text_sha256(self.text),
            title=self.title,
            source=self.source,
            url=self.url,
            published=self.published,
            text=self.text,
        )
