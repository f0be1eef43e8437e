"""Export destinations that never destroy what they point at.

A new export is written beside its destination (``.NAME.tmp-*``) and renamed into place
only when complete. An existing destination is replaced only with ``force``, and only when
it is what an export writes: a regular file for SQLite, a folder holding nothing but
export tables (``<table>.csv`` / ``<table>.parquet``) for CSV and Parquet. Anything else
is refused, so a typo in ``-o`` cannot wipe a directory.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import ConfigError
from .tables import TABLES


def _export_folder(path: Path, suffix: str) -> bool:
    allowed = {f"{t}{s}" for t in TABLES for s in (".csv", ".parquet")}
    return all(child.name in allowed and child.is_file() for child in path.iterdir())


def check_destination(path: Path, folder: bool, force: bool, suffix: str = "") -> None:
    """Raise ConfigError unless ``path`` may be written (see the module docstring)."""
    if not path.exists() and not path.is_symlink():
        if not path.parent.is_dir():
            raise ConfigError("the folder to write into does not exist; create it first",
                              source=str(path))
        return
    if not force:
        raise ConfigError("already exists; pass --force to replace it, or choose another "
                          "path", source=str(path))
    if folder and not (path.is_dir() and _export_folder(path, suffix)):
        raise ConfigError("exists and is not a folder of export tables; refusing to replace "
                          "it even with --force", source=str(path))
    if not folder and not (path.is_file() and not path.is_symlink()):
        raise ConfigError("exists and is not a regular file; refusing to replace it even "
                          "with --force", source=str(path))


@contextmanager
def staged(path: Path, folder: bool, force: bool, suffix: str = "") -> Iterator[Path]:
    """A temporary file or folder beside ``path``, renamed onto it when the block ends
    without error (and removed otherwise)."""
    check_destination(path, folder, force, suffix)
    prefix = f".{path.name}.tmp-"
    try:
        tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=prefix) if folder
                   else _mkstemp(path.parent, prefix))
        if folder:  # mkdtemp makes it private; an export folder gets the usual mode
            os.chmod(tmp, 0o777 & ~_umask())
    except OSError as exc:
        raise ConfigError(f"cannot write here: {exc.strerror or exc}", source=str(path)) from None
    try:
        yield tmp
        _replace(tmp, path, folder, force, suffix)
    finally:
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp.exists():
            tmp.unlink()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mkstemp(parent: Path, prefix: str) -> str:
    fd, name = tempfile.mkstemp(dir=parent, prefix=prefix)
    os.close(fd)
    os.unlink(name)  # sqlite creates it
    return name


def _replace(tmp: Path, path: Path, folder: bool, force: bool, suffix: str) -> None:
    if not folder:
        check_destination(path, folder, force, suffix)
        os.replace(tmp, path)
        return
    if not path.exists():
        os.rename(tmp, path)
        return
    check_destination(path, folder, force, suffix)  # still an export folder?
    old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.old-"))
    os.rename(path, old / "previous")
    os.rename(tmp, path)
    shutil.rmtree(old, ignore_errors=True)
