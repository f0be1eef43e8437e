from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.errors import SchemaDriftError
from summarizer.models import SCHEMA_VERSION
from summarizer.schemas import check_snapshots, export_schema, snapshot_path, write_snapshots


def test_committed_snapshots_match_the_models() -> None:
    # Fails when a model changes without a SCHEMA_VERSION bump and a re-export.
    check_snapshots()


def test_drift_is_detected_with_instructions(tmp_path: Path) -> None:
    write_snapshots(tmp_path)
    path = snapshot_path("digest", tmp_path)
    schema = json.loads(path.read_text())
    schema["properties"]["parties"]["title"] = "Changed"
    path.write_text(json.dumps(schema))
    with pytest.raises(SchemaDriftError, match="bump SCHEMA_VERSION"):
        check_snapshots(tmp_path)


def test_missing_snapshot_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(SchemaDriftError, match="summarizer schema export"):
        check_snapshots(tmp_path)


def test_export_names_the_version_and_the_contract_fields() -> None:
    schema = export_schema("digest")
    assert schema["x-schema-version"] == SCHEMA_VERSION
    assert set(schema["properties"]) >= {
        "article", "summary", "parties", "instruments", "sectors", "targets",
        "provenance", "warnings",
    }
    evidence = schema["$defs"]["Evidence"]["properties"]
    assert set(evidence) >= {"quote", "start", "end", "match"}
