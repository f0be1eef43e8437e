from __future__ import annotations

import json

from summarizer.models import (
    ArticleInfo,
    Digest,
    DigestWarning,
    Evidence,
    Party,
    Provenance,
    Summary,
)
from summarizer.render import render, to_markdown

TEXT = "Pakistan and China signed an MoU | on quantum technology."


def _digest(article_id: str = "a1") -> Digest:
    ev = Evidence(quote="Pakistan", start=0, end=8, match="exact")
    return Digest(
        article=ArticleInfo(id=article_id, sha256="0" * 64, title="T", text=TEXT),
        summary=Summary(headline="Pakistan, China sign MoU", one_line="They signed.",
                        bullets=["One.", "Two.", "Three."]),
        parties=[Party(name="Pakistan", kind="country", evidence=[ev])],
        provenance=Provenance(backend="rules", created_at="2026-01-01T00:00:00+00:00"),
        warnings=[DigestWarning(code="ungrounded_item", message='Dropped party "Evil Corp".')],
    )


def test_one_digest_is_pretty_json_and_several_are_jsonl() -> None:
    one = render([_digest()])
    assert json.loads(one)["article"]["id"] == "a1"
    assert one.startswith("{\n")
    many = render([_digest("a1"), _digest("a2")]).splitlines()
    assert [json.loads(line)["article"]["id"] for line in many] == ["a1", "a2"]


def test_json_round_trips_to_the_model() -> None:
    digest = _digest()
    assert Digest.model_validate_json(render([digest], "json")) == digest


def test_markdown_shows_fields_evidence_offsets_and_warnings() -> None:
    md = to_markdown(_digest())
    assert md.startswith("# Pakistan, China sign MoU")
    assert "| Pakistan | country |  | “Pakistan” [0:8] |" in md
    assert 'Dropped party "Evil Corp".' in md
    assert "_none found_" in md  # empty instruments table
    assert "backend rules" in md
