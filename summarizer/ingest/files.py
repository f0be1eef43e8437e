"""Reading files within the size cap, and listing a directory's usable files."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

from ..errors import InputError
from .config import KNOWN_SUFFIXES


def read_capped(path: Path, source: str, max_bytes: int) -> bytes:
    """The file's bytes; InputError if it is missing, unreadable or over ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(too_big(size, max_bytes), source=source)
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(os_error_message(exc), source=source) from None
    if len(data) > max_bytes:
        raise InputError(too_big(None, max_bytes), source=source)
    return data


def os_error_message(exc: OSError) -> str:
    """What to tell the user when a file cannot be opened or read."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory; check the path"
    return f"cannot be read ({exc.strerror or type(exc).__name__}); check permissions"


def too_big(size: int | None, max_bytes: int) -> str:
    """The message for an input over the size cap (``size`` None: not known exactly)."""
    head = f"is {size:,} bytes, over" if size is not None else "is larger than"
    return (
        f"{head} the {max_bytes:,}-byte limit (max_bytes); "
        "split it into smaller inputs, or raise the limit with --max-bytes "
        "(IngestConfig.max_bytes in the library)"
    )


def entry_problem(root: Path, path: Path) -> str | None:
    """Why a file found in directory ``root`` must not be read, or None when it may be.

    A directory is read as a collection of its own files: a symbolic link that leads out of
    it (``notes.txt -> /etc/passwd``) and anything but a regular file (a FIFO would block
    the run forever, a device never ends) are refused, each as its own failure.
    """
    if path.is_symlink():
        real, top = os.path.realpath(path), os.path.realpath(root)
        if os.path.commonpath([top, real]) != top:
            return (f"is a symbolic link to {real}, outside the directory; not followed "
                    "(give that file as an input itself to read it)")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return os_error_message(exc)
    if not stat.S_ISREG(mode):
        return ("is not a regular file (a FIFO, device or socket); skipped: only files in "
                "a directory are read")
    return None


def iter_directory(root: Path, glob: str | None = None) -> Iterator[Path]:
    """Files under ``root`` with a known suffix (and matching ``glob``), sorted, recursive.

    Hidden files and directories are skipped; symbolic links to directories are not followed.
    """
    found: list[tuple[tuple[str, ...], Path]] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            path = Path(folder, name)
            relative = path.relative_to(root)
            if _usable(relative, glob):
                found.append((relative.parts, path))
    for _, path in sorted(found):
        yield path


def _usable(relative: Path, glob: str | None) -> bool:
    if relative.name.startswith(".") or relative.suffix.lower() not in KNOWN_SUFFIXES:
        return False
    return glob is None or fnmatch(relative.name, glob) or fnmatch(relative.as_posix(), glob)
