"""Scoring whole articles and gold sets: per-field counts, empty sides, missing predictions,
fact coverage, grounding rate, micro and macro averages, and bad input."""

from __future__ import annotations

import pytest
from scoring_samples import GOLD_A1, make_digest, make_gold, make_pred, party

from summarizer.errors import ConfigError, InputError
from summarizer.evaluation.match import FieldScore, MatchConfig
from summarizer.evaluation.scoring import score_all, score_article


def test_a_perfect_digest_scores_one_everywhere() -> None:
    score = score_article(make_digest(), GOLD_A1)
    assert {k: (v.tp, v.fp, v.fn) for k, v in score.fields.items()} == {
        "parties": (2, 0, 0), "instruments": (1, 0, 0), "instruments_kind": (1, 0, 0),
        "sectors": (1, 0, 0), "targets": (1, 0, 0)}
    assert all(v.f1 == 1.0 for v in score.fields.values())
    assert score.grounding_rate == 1.0
    assert score.fact_coverage == 1.0
    assert score.party_kind_accuracy == 1.0
    assert [(p["name"], g["name"]) for p, g in score.matches["parties"].matched] == [
        ("Pakistan", "Pakistan"), ("China", "China")]


def test_digest_and_its_json_dict_score_the_same() -> None:
    digest = make_digest()
    assert (score_article(digest, GOLD_A1).fields
            == score_article(digest.model_dump(mode="json"), GOLD_A1).fields)


def test_negative_article_with_empty_prediction_is_perfect() -> None:
    gold = make_gold("neg",
                     summary_facts=["Nearly 50 million people had ACA Marketplace coverage."])
    pred = make_pred(summary={
        "headline": "ACA report", "bullets": [],
        "one_line": "Nearly 50 million people have had Marketplace coverage."})
    score = score_article(pred, gold)
    for field in score.fields.values():
        assert (field.precision, field.recall, field.f1) == (1.0, 1.0, 1.0)
    assert score.grounding_rate is None
    assert score.fact_coverage == 1.0


def test_predictions_on_a_negative_article_score_zero() -> None:
    score = score_article(make_pred(parties=[party("Pakistan")]), make_gold("neg"))
    parties = score.fields["parties"]
    assert (parties.tp, parties.fp, parties.fn) == (0, 1, 0)
    assert (parties.precision, parties.recall, parties.f1) == (0.0, 0.0, 0.0)
    assert score.fields["sectors"].f1 == 1.0


def test_empty_prediction_against_gold_is_all_false_negatives() -> None:
    score = score_article(make_pred(), GOLD_A1)
    assert score.fields["parties"] == FieldScore(tp=0, fp=0, fn=2)
    assert score.fields["targets"] == FieldScore(tp=0, fp=0, fn=1)
    assert (score.fields["parties"].precision, score.fields["parties"].recall) == (0.0, 0.0)
    assert score.fact_coverage == 0.0
    assert [g["name"] for g in score.matches["parties"].unmatched_gold] == ["Pakistan", "China"]


def test_missing_prediction_counts_as_all_false_negatives() -> None:
    a2 = make_gold("a2", parties=[party("Romania")],
                   summary_facts=["Romania and Pakistan talk."])
    report = score_all({"a1": make_digest(), "stray": make_pred()}, [GOLD_A1, a2])
    missing = report.articles[1]
    assert not missing.has_prediction
    assert missing.fields["parties"] == FieldScore(tp=0, fp=0, fn=1)
    assert (missing.fact_coverage, missing.grounding_rate) == (0.0, None)
    assert report.missing == ("a2",)
    assert report.unknown == ("stray",)
    assert report.micro["parties"] == FieldScore(tp=2, fp=0, fn=1)


def test_party_kind_accuracy_counts_matched_pairs_only() -> None:
    pred = make_pred(parties=[party("China", "government_body"), party("Pakistan"),
                              party("Mars")])
    score = score_article(pred, make_gold(parties=[party("China"), party("Pakistan")]))
    assert score.party_kind_accuracy == 0.5


def test_fact_coverage_uses_the_threshold() -> None:
    gold = make_gold(summary_facts=[
        "Pakistan aims to expand its operational ports from three to six by 2047.",
        "Romania is interested in importing Pakistani sports goods and surgical instruments.",
    ])
    pred = make_pred(summary={"headline": "Ports plan", "one_line": "Pakistan plans to expand "
                              "from 3 to 6 operational ports by 2047.",
                              "bullets": ["Trade talks."]})
    score = score_article(pred, gold)
    # fact 1: 7 of its 8 content words (all but "aim"); fact 2: none of its 8.
    assert score.facts_covered == (True, False)
    assert score.fact_coverage == 0.5
    strict = score_article(pred, gold, MatchConfig(fact_threshold=0.9))
    assert strict.fact_coverage == 0.0


def test_grounding_rate_counts_items_with_bad_spans() -> None:
    pred = make_digest().model_dump(mode="json")
    pred["parties"][1]["evidence"][0]["start"] += 1
    pred["sectors"][0]["evidence"] = []
    score = score_article(pred, GOLD_A1)
    assert score.grounding_rate == pytest.approx(3 / 5)


def test_micro_and_macro_by_hand() -> None:
    golds = [
        make_gold("a", parties=[party("Pakistan"), party("China"), party("Romania")]),
        make_gold("b", parties=[party("India")]),
        make_gold("c"),
    ]
    preds = {
        "a": make_pred(parties=[party("Pakistan"), party("France")]),  # tp1 fp1 fn2
        "b": make_pred(parties=[party("India")]),  # tp1
        "c": make_pred(),  # negative, both empty
    }
    report = score_all(preds, golds)
    assert report.micro["parties"] == FieldScore(tp=2, fp=1, fn=2)
    micro = report.micro["parties"]
    assert (micro.precision, micro.recall, micro.f1) == pytest.approx((2 / 3, 1 / 2, 4 / 7))
    # a: P 1/2, R 1/3, F1 2/5; b: 1, 1, 1; c: 1, 1, 1
    assert report.macro["parties"] == pytest.approx(((0.5 + 2) / 3, (1 / 3 + 2) / 3, 2.4 / 3))


def test_bad_inputs_raise_summarizer_errors() -> None:
    with pytest.raises(InputError, match="gold annotation #2 has no string 'id'"):
        score_all({}, [GOLD_A1, {"parties": []}])
    with pytest.raises(InputError, match="appears twice"):
        score_all({}, [GOLD_A1, GOLD_A1])
    with pytest.raises(InputError, match="no gold annotations"):
        score_all({}, [])
    with pytest.raises(InputError, match="a1: the prediction is a str"):
        score_article("digest", GOLD_A1)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="fact_threshold"):
        MatchConfig(fact_threshold=0)
