"""JSON Schema snapshots of the output models, versioned with ``SCHEMA_VERSION``.

``schemas/digest.v<N>.json`` is the public contract (the ``Digest`` model) and
``schemas/digest-draft.v<N>.json`` is what the model is asked to return. If the models
change without a version bump, ``check_snapshots`` raises ``SchemaDriftError``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import SchemaDriftError
from .models import SCHEMA_VERSION, Digest, DigestDraft
from .resources import resource_dir

SNAPSHOTS: dict[str, type[BaseModel]] = {"digest": Digest, "digest-draft": DigestDraft}


def export_schema(name: str) -> dict[str, Any]:
    schema = SNAPSHOTS[name].model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "x-schema-version": SCHEMA_VERSION, **schema}


def render_schema(name: str) -> str:
    return json.dumps(export_schema(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def snapshot_path(name: str, root: Path | None = None) -> Path:
    return (root or resource_dir("schemas")) / f"{name}.v{SCHEMA_VERSION}.json"


def write_snapshots(root: Path | None = None) -> list[Path]:
    """Write the snapshots for the current ``SCHEMA_VERSION``; returns the files written."""
    paths = []
    for name in SNAPSHOTS:
        path = snapshot_path(name, root)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_schema(name), encoding="utf-8")
        paths.append(path)
    return paths


def check_snapshots(root: Path | None = None) -> None:
    """Raise ``SchemaDriftError`` when a model differs from its committed snapshot."""
    for name in SNAPSHOTS:
        path = snapshot_path(name, root)
        if not path.exists():
            raise SchemaDriftError(
                f"no snapshot for schema version {SCHEMA_VERSION}; "
                "run `summarizer schema export` and commit it",
                source=str(path),
            )
        if json.loads(path.read_text(encoding="utf-8")) != export_schema(name):
            raise SchemaDriftError(
                f"the {SNAPSHOTS[name].__name__} model changed but SCHEMA_VERSION is still "
                f"{SCHEMA_VERSION!r}: bump SCHEMA_VERSION in summarizer/models.py, then run "
                "`summarizer schema export` and commit the new snapshot",
                source=str(path),
            )
