"""Writing results: to stdout, or to a file that appears whole or not at all."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from .errors import SummarizerError


def _cannot_write(path: Path, exc: OSError) -> SummarizerError:
    return SummarizerError(f"cannot write here: {exc.strerror or exc}; check the directory "
                           "and its permissions", source=str(path))


@contextmanager
def atomic_output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or ``path`` written through a temp file renamed into place when done."""
    if path is None:
        yield sys.stdout
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
            yield handle
        os.replace(tmp, path)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_text(text: str, path: Path | None) -> None:
    with atomic_output(path) as out:
        out.write(text)
