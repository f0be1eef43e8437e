"""Every cassette is a scrubbed, real recording from the endpoint named in endpoint.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

CASSETTES = Path(__file__).resolve().parent.parent / "cassettes"
FILES = sorted(CASSETTES.rglob("*.yaml"))
SECRET = re.compile(r"sk-[A-Za-z0-9_-]{8,}|Bearer\s+[A-Za-z0-9._-]{8,}", re.IGNORECASE)
SECRET_HEADERS = {"authorization", "api-key", "x-api-key", "cookie", "set-cookie",
                  "openai-organization", "openai-project"}


def test_there_are_cassettes() -> None:
    assert len(FILES) >= 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_holds_no_secret(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not SECRET.search(text), f"{path} contains something that looks like a key"
    for interaction in yaml.safe_load(text)["interactions"]:
        for part in ("request", "response"):
            headers = {h.lower() for h in interaction[part].get("headers", {})}
            assert not headers & SECRET_HEADERS, f"{path}: {headers & SECRET_HEADERS}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_came_from_the_recorded_endpoint(path: Path) -> None:
    endpoint = json.loads((CASSETTES / "endpoint.json").read_text(encoding="utf-8"))
    for interaction in yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]:
        request = interaction["request"]
        assert request["uri"].startswith(endpoint["base_url"])
        body = json.loads(request["body"])
        assert body["model"] == endpoint["model"]
        assert interaction["response"]["body"]["string"], "a recorded response has a body"
