"""Writing results: the one output writer of digest, batch, report and eval.

``check_output(path, inputs)`` runs before any work and refuses, in one line naming the
path, a target that cannot be written (missing directory, a directory, no permission) or
that is one of the inputs (same file). ``open_output(path)`` then writes:

* ``None``: stdout;
* a regular file, or a new path: through a temp file beside it, renamed into place by
  ``commit`` (the file appears whole or not at all); an existing file keeps its mode, a new
  one gets ``0666`` less the umask; a symbolic link keeps pointing at the file it names;
* anything else (a device, a FIFO, a terminal, ``/proc/self/fd/1``, or a link to one):
  straight through, never replaced.

Every write error becomes an :class:`OutputError` naming the target.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from .errors import OutputError


def check_output(path: Path | None, inputs: Sequence[str] = ()) -> None:
    """Raise OutputError unless ``path`` can be written without destroying an input."""
    if path is None:
        return
    try:
        info = path.stat()
    except FileNotFoundError:
        _check_new(path)
        return
    except OSError as exc:
        raise _error(path, exc) from None
    if stat.S_ISDIR(info.st_mode):
        raise OutputError("cannot write here: it is a directory; give a file path",
                          source=str(path))
    if not os.access(path, os.W_OK):
        raise OutputError("cannot write here: permission denied; choose another path or "
                          "check its permissions", source=str(path))
    if stat.S_ISREG(info.st_mode):
        _check_directory(Path(os.path.realpath(path)).parent, path)
        _check_not_input(path, info, inputs)


def _check_new(path: Path) -> None:
    parent = Path(os.path.realpath(path)).parent
    if not parent.exists():
        raise OutputError(f"cannot write here: the directory {parent} does not exist; create it "
                          "first",
                          source=str(path))
    if not parent.is_dir():
        raise OutputError(f"cannot write here: {parent} is not a directory; give a file path",
                          source=str(path))
    _check_directory(parent, path)


def _check_directory(parent: Path, path: Path) -> None:
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write here: cannot create files in {parent} (permission "
                          "denied); choose another directory", source=str(path))


def _check_not_input(path: Path, info: os.stat_result, inputs: Sequence[str]) -> None:
    """An output that is one of the inputs (or a file read from an input directory)."""
    same = (info.st_dev, info.st_ino)
    real = os.path.realpath(path)
    for name in inputs:
        if name == "-" or "://" in name:
            continue
        try:
            other = os.stat(name)
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == same or (
            stat.S_ISDIR(other.st_mode) and _read_from(Path(name), real, same)
        ):
            raise OutputError(f"is also an input ({name}); writing it would destroy the "
                              "input: choose another output path", source=str(path))


def _read_from(directory: Path, real: str, same: tuple[int, int]) -> bool:
    """True if the directory's listing would read the file ``real``."""
    root = os.path.realpath(directory)
    if os.path.commonpath([root, real]) != root:
        return False
    from .ingest.files import iter_directory

    for candidate in iter_directory(directory):
        with suppress(OSError):
            found = candidate.stat()
            if (found.st_dev, found.st_ino) == same:
                return True
    return False


def _error(path: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or type(exc).__name__
    return OutputError(f"cannot write here ({reason}); check the path and its permissions",
                       source=str(path))


def current_umask() -> int:
    """The process umask, read without changing it where /proc allows."""
    with suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class OutputFile:
    """An open output (see the module docstring). Write with :meth:`write`, then
    :meth:`commit`; :meth:`discard` (or closing without commit) removes the temp file."""

    def __init__(self, path: Path | None, *, temp_name: str | None = None) -> None:
        self.path = path
        self.temp: Path | None = None
        self._target: Path | None = None
        self._mode = 0
        self._stream: TextIO = sys.stdout
        self._own = False
        if path is not None:
            try:
                self._open(path, temp_name)
            except OSError as exc:
                raise _error(path, exc) from None

    @property
    def name(self) -> str:
        return "<stdout>" if self.path is None else str(self.path)

    def _open(self, path: Path, temp_name: str | None) -> None:
        try:
            info: os.stat_result | None = path.stat()
        except FileNotFoundError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            self._stream = open(path, "w", encoding="utf-8", errors="replace")  # noqa: SIM115
            self._own = True
            return
        target = Path(os.path.realpath(path))
        self._target = target
        self._mode = stat.S_IMODE(info.st_mode) if info else 0o666 & ~current_umask()
        name = temp_name or f".{target.name}.{secrets.token_hex(4)}.tmp"
        self.temp = target.with_name(name)
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (0 if temp_name else os.O_EXCL)
        fd = os.open(self.temp, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
        os.fchmod(fd, self._mode)
        self._stream = os.fdopen(fd, "w", encoding="utf-8", errors="replace")
        self._own = True

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            raise _error(self._where(), exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _error(self._where(), exc) from None

    def commit(self) -> None:
        """Finish the output: flush it, and rename the temp file into place."""
        self.flush()
        if not self._own:
            return
        try:
            if self.temp is not None:
                os.fsync(self._stream.fileno())
            self._stream.close()
            if self.temp is not None and self._target is not None:
                os.replace(self.temp, self._target)
                self.temp = None
        except OSError as exc:
            raise _error(self._where(), exc) from None
        finally:
            self.discard()

    def discard(self) -> None:
        """Close without publishing: the target is left as it was."""
        if self._own and not self._stream.closed:
            with suppress(OSError):
                self._stream.close()
        if self.temp is not None:
            with suppress(OSError):
                os.unlink(self.temp)
            self.temp = None

    def _where(self) -> Path:
        return self.path if self.path is not None else Path("<stdout>")


def open_output(path: Path | None, *, temp_name: str | None = None) -> OutputFile:
    """Open ``path`` for writing (see the module docstring); OutputError if it cannot be."""
    return OutputFile(path, temp_name=temp_name)


@contextmanager
def atomic_output(path: Path | None) -> Iterator[OutputFile]:
    """stdout, or ``path`` (see the module docstring), committed when the block succeeds."""
    out = open_output(path)
    try:
        yield out
        out.commit()
    finally:
        out.discard()


def write_text(text: str, path: Path | None) -> None:
    with atomic_output(path) as out:
        out.write(text)
