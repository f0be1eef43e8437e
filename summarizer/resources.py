"""Where the versioned prompts and schema snapshots live.

In a built wheel they are packaged under ``summarizer/_data/`` (hatchling force-include);
in a source checkout or editable install they are the top-level ``prompts/`` and ``schemas/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The directory holding ``name`` ("prompts" or "schemas")."""
    packaged = _PACKAGE_DIR / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE_DIR.parent / name
