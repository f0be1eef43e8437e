"""Where digests come from for a corpus command: a digests file, or the store.

``DigestSource`` can be read more than once (entity resolution reads the corpus once,
then the export writes it), one digest at a time; v1 digests get their entity ids on the
way (``with_entities``). ``party_lists`` is the cheap first read: only the parties (and
the text, for v1 digests) are validated. A store holds every result ever computed: for
each article the most recently updated successful digest is used.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..entities import resolve_parties, with_entities
from ..errors import InputError
from ..models import Digest, Party
from ..report.html import load_digests

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return handle.read(16) == SQLITE_MAGIC
    except OSError:
        return False


class _ArticleView(BaseModel):
    model_config = ConfigDict(extra="ignore")
    text: str


class _PartiesView(BaseModel):
    """Just what entity resolution reads from a digest."""

    model_config = ConfigDict(extra="ignore")
    article: _ArticleView
    parties: list[Party] = Field(default_factory=list)

    def resolved(self) -> list[Party]:
        if all(p.entity_id and p.surface for p in self.parties):
            return self.parties
        return resolve_parties(self.parties, self.article.text)


class DigestSource:
    """Digests from a JSONL/JSON file or a summarizer store, re-readable."""

    def __init__(self, path: str | Path) -> None:
        self.label = str(path)
        self.path = Path(path)
        if self.label == "-":
            raise InputError("a corpus command reads its input twice; give a file or a "
                             "store, not stdin", source="-")
        if not self.path.is_file():
            raise InputError("no such file; give a digests JSONL file or a store",
                             source=self.label)
        self.is_store = is_sqlite(self.path)

    def __iter__(self) -> Iterator[Digest]:
        if self.is_store:
            digests: Iterator[Digest] = (_digest(t, w) for t, w in self._stored())
        else:
            digests = load_digests(self.path)
        for digest in digests:
            yield with_entities(digest)

    def party_lists(self) -> Iterator[list[Party]]:
        """The resolved parties of each digest. Lines that do not parse here are skipped:
        the full read (``iter``) reports them with their line number."""
        texts = self._stored() if self.is_store else self._lines()
        for text, _ in texts:
            try:
                yield _PartiesView.model_validate_json(text).resolved()
            except ValidationError:
                if not self.is_store and not _is_json(text):
                    yield from (d.parties for d in self)  # not JSON Lines: read it whole
                    return

    def _lines(self) -> Iterator[tuple[str, str]]:
        try:
            with open(self.path, encoding="utf-8-sig") as handle:
                for lineno, line in enumerate(handle, start=1):
                    if line.strip():
                        yield line, f"{self.label}:{lineno}"
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read digests: {exc}", source=self.label) from None

    def _stored(self) -> Iterator[tuple[str, str]]:
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            rows = db.execute("SELECT article, digest, rowid FROM results WHERE status = "
                              "'done' ORDER BY article, updated_at DESC")
        except sqlite3.Error as exc:
            raise InputError(f"not a summarizer store ({exc}); give the file "
                             "`summarizer batch --store` wrote", source=self.label) from None
        try:
            last = None
            for article, text, rowid in rows:
                if article != last:
                    last = article
                    yield text, f"{self.label}:results/{rowid}"
        finally:
            db.close()


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _digest(text: str, where: str) -> Digest:
    try:
        return Digest.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(f"stored digest is not valid ({str(exc).splitlines()[0]}); "
                         "re-run `summarizer batch` for it", source=where) from None
