"""Matching predicted items against gold: one to one, names through aliases, acronyms,
country qualifiers and surnames, instruments by status and parties, targets by value."""

from __future__ import annotations

import pytest
from scoring_samples import inst, make_gold, make_pred, party, target

from summarizer.evaluation.match import FieldScore, MatchConfig, name_score
from summarizer.evaluation.scoring import score_article


def test_duplicates_in_the_prediction_are_false_positives() -> None:
    pred = make_pred(parties=[party("China"), party("PRC"), party("Pakistan")],
                     sectors=[{"label": "trade"}, {"label": "trade"}])
    gold = make_gold(parties=[party("China"), party("Pakistan")], sectors=["trade"])
    score = score_article(pred, gold)
    assert score.fields["parties"] == FieldScore(tp=2, fp=1, fn=0)
    assert [p["name"] for p in score.matches["parties"].unmatched_pred] == ["PRC"]
    assert score.fields["sectors"] == FieldScore(tp=1, fp=1, fn=0)


def test_aliases_match_as_parties() -> None:
    pred = make_pred(parties=[party("People's Republic of China"), party("U.S.")])
    gold = make_gold(parties=[party("United States"), party("PRC")])
    assert score_article(pred, gold).fields["parties"] == FieldScore(tp=2, fp=0, fn=0)


def test_acronym_in_parentheses_matches_short_and_full_names() -> None:
    gold_name = "China Electronics Technology Group Corporation (CETC)"
    assert name_score("CETC", gold_name) == 200.0
    assert name_score("China Electronics Technology Group Corporation", gold_name) == 200.0
    assert name_score("CETC", "China Electronics Technology Group Corporation") == 150.0
    assert name_score("CPEC", gold_name) == 0.0


def test_country_qualifiers_and_diacritics() -> None:
    assert name_score("Port of Constanta", "Port of Constanța") == 300.0
    assert name_score("Ministry of Planning", "Ministry of Planning (Pakistan)") == 200.0
    assert name_score("National Science Foundation", "U.S. National Science Foundation") == 200.0
    assert name_score("Pakistan", "Ministry of Planning (Pakistan)") == 0.0
    # Both names lost a different country: different bodies.
    assert name_score("U.S. AI Safety Institute", "Korea AI Safety Institute") == 0.0


def test_person_surname_matches_only_for_persons() -> None:
    assert name_score("Iqbal", "Ahsan Iqbal", person=True) == 120.0
    assert name_score("Ahsan", "Ahsan Iqbal", person=True) == 0.0
    assert name_score("Iqbal", "Ahsan Iqbal") == 0.0
    pred = make_pred(parties=[party("Minister Iqbal", "person")])
    gold = make_gold(parties=[party("Ahsan Iqbal", "person")])
    assert score_article(pred, gold).fields["parties"] == FieldScore(tp=1, fp=0, fn=0)


def test_fuzzy_names_use_the_threshold() -> None:
    assert name_score("Planning Ministry", "Ministry of Planning (Pakistan)") == pytest.approx(
        91.89, abs=0.01)
    assert name_score("Planning Ministry", "Ministry of Planning (Pakistan)",
                      threshold=95.0) == 0.0


def test_instruments_need_the_same_status() -> None:
    pred = make_pred(instruments=[inst("mou", "proposed", ["Pakistan", "China"])])
    score = score_article(pred, make_gold(instruments=[inst("mou", "signed", ["PRC", "Pakistan"])]))
    assert score.fields["instruments"] == FieldScore(tp=0, fp=1, fn=1)
    assert score.fields["instruments_kind"] == FieldScore(tp=1, fp=0, fn=0)


def test_instruments_need_overlapping_parties_or_matching_titles() -> None:
    gold = make_gold(instruments=[inst("mou", "signed", ["United States", "Malaysia"])])
    other = make_pred(instruments=[inst("mou", "signed", ["Pakistan"])])
    assert score_article(other, gold).fields["instruments"].tp == 0
    unnamed = make_pred(instruments=[inst("mou", "signed", [])])
    assert score_article(unnamed, gold).fields["instruments"].tp == 1
    gold = make_gold(instruments=[inst("corridor", "proposed", ["India"],
                                       "India – Middle East – Europe Economic Corridor (IMEC)")])
    titled = make_pred(instruments=[inst("corridor", "proposed", ["Italy"], "IMEC")])
    assert score_article(titled, gold).fields["instruments"].tp == 1


def test_background_instruments_can_be_left_out() -> None:
    gold = make_gold(instruments=[inst("mou", "signed", ["China"]),
                                  inst("initiative", "implemented", ["China"], "Belt and Road",
                                       background=True)])
    pred = make_pred(instruments=[inst("mou", "signed", ["China"])])
    assert score_article(pred, gold).fields["instruments"] == FieldScore(tp=1, fp=0, fn=1)
    config = MatchConfig(include_background=False)
    assert score_article(pred, gold, config).fields["instruments"] == FieldScore(1, 0, 0)


def test_targets_match_on_value_and_deadline() -> None:
    gold = make_gold(targets=[target("Expand the number of operational ports in Pakistan",
                                     "3 -> 6 ports", "2047")])
    pred = make_pred(targets=[target("Grow capacity by 2047", "from three to six", "by 2047")])
    assert score_article(pred, gold).fields["targets"] == FieldScore(tp=1, fp=0, fn=0)
    late = make_pred(targets=[target("Grow capacity", "from three to six", "by 2050")])
    assert score_article(late, gold).fields["targets"] == FieldScore(tp=0, fp=1, fn=1)


def test_targets_match_on_similar_descriptions() -> None:
    gold = make_gold(targets=[target("China to assist Pakistan in establishing the National "
                                     "Center for Quantum Computing")])
    pred = make_pred(targets=[target("Establish a National Center for Quantum Computing in "
                                     "Pakistan with Chinese help"),
                              target("Quantum investment")])
    score = score_article(pred, gold)
    assert score.fields["targets"] == FieldScore(tp=1, fp=1, fn=0)
    assert score.matches["targets"].unmatched_pred[0]["description"] == "Quantum investment"


def test_field_score_zero_cases() -> None:
    assert (FieldScore().precision, FieldScore().recall, FieldScore().f1) == (1.0, 1.0, 1.0)
    only_gold = FieldScore(fn=2)
    assert (only_gold.precision, only_gold.recall, only_gold.f1) == (0.0, 0.0, 0.0)
    assert FieldScore(1, 2, 3) + FieldScore(1, 0, 1) == FieldScore(2, 2, 4)
