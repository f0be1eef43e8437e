"""Evaluation reports: several systems side by side, as Markdown and as JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from scoring_samples import GOLD_A1, make_digest, make_gold, make_pred, party

from summarizer.errors import ConfigError
from summarizer.evaluation.format import format_report
from summarizer.evaluation.scoring import score_all


def _two_systems() -> dict[str, Any]:
    golds = [GOLD_A1, make_gold("neg")]
    good = score_all({"a1": make_digest(), "neg": make_pred()}, golds)
    weaker = score_all({"a1": make_pred(parties=[party("China"), party("Mars")]),
                        "neg": make_pred()}, golds)
    return {"v1": good, "v2": weaker}


def test_markdown_report_shows_systems_numbers_and_regressions() -> None:
    md = format_report(_two_systems(), "md")
    assert "| metric | v1 | v2 |" in md
    assert "| parties (micro) | 1.00 / 1.00 / 1.00 (tp 2 fp 0 fn 0) | " \
           "0.50 / 0.50 / 0.50 (tp 1 fp 1 fn 1) |" in md
    assert "| parties (macro) | 1.00 / 1.00 / 1.00 | 0.75 / 0.75 / 0.75 |" in md
    assert "| grounding rate | 1.00 | 0.00 |" in md
    assert "### a1" in md and "### neg" in md
    assert "- parties `Pakistan`: found by v1; missed by v2" in md
    assert "- parties extra in v2: `Mars`" in md


def test_json_report_is_machine_readable_and_deterministic() -> None:
    text = format_report(_two_systems(), "json")
    assert text == format_report(_two_systems(), "json")
    data = json.loads(text)
    assert data["systems"]["v2"]["micro"]["parties"] == {
        "tp": 1, "fp": 1, "fn": 1, "precision": 0.5, "recall": 0.5, "f1": 0.5}
    assert data["systems"]["v1"]["macro"]["targets"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0}
    a1 = data["articles"][0]
    assert a1["id"] == "a1"
    assert {"field": "parties", "item": "Pakistan", "found_by": ["v1"],
            "missed_by": ["v2"]} in a1["differences"]
    assert a1["systems"]["v2"]["extra"] == {"parties": ["Mars"]}


def test_unknown_report_format_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="use 'md' or 'json'"):
        format_report(_two_systems(), "html")  # type: ignore[arg-type]
