from __future__ import annotations

import json
from typing import Any

import pytest

from summarizer.errors import ConfigError, InputError
from summarizer.evaluation.scoring import (
    FieldScore,
    MatchConfig,
    content_words,
    format_report,
    name_score,
    normalize_name,
    numbers,
    score_all,
    score_article,
)
from summarizer.models import (
    ArticleInfo,
    Digest,
    Evidence,
    Instrument,
    Party,
    Provenance,
    Sector,
    Summary,
    Target,
)

TEXT = "Pakistan and China signed an MoU on quantum computing. China will help by 2030."


def _gold(aid: str = "a1", **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": aid, "parties": [], "instruments": [], "sectors": [],
                            "targets": [], "summary_facts": []}
    return {**base, **fields}


def _pred(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"summary": {"headline": "", "one_line": "", "bullets": []},
                            "parties": [], "instruments": [], "sectors": [], "targets": []}
    return {**base, **fields}


def _party(name: str, kind: str = "country") -> dict[str, Any]:
    return {"name": name, "kind": kind, "role": None}


def _inst(kind: str, status: str, parties: list[str], title: str | None = None,
          background: bool = False) -> dict[str, Any]:
    return {"kind": kind, "title": title, "status": status, "parties": parties,
            "background": background}


def _target(description: str, value: str | None = None,
            deadline: str | None = None) -> dict[str, Any]:
    return {"description": description, "value": value, "unit": None, "deadline": deadline}


def _ev(quote: str) -> Evidence:
    start = TEXT.index(quote)
    return Evidence(quote=quote, start=start, end=start + len(quote), match="exact")


def _digest() -> Digest:
    return Digest(
        article=ArticleInfo(id="a1", sha256="0" * 64, text=TEXT),
        summary=Summary(headline="Pakistan and China sign quantum MoU",
                        one_line="Pakistan and China signed an MoU on quantum computing.",
                        bullets=["China will help Pakistan by 2030."]),
        parties=[Party(name="Pakistan", kind="country", evidence=[_ev("Pakistan")]),
                 Party(name="China", kind="country", evidence=[_ev("China")])],
        instruments=[Instrument(kind="mou", status="signed", parties=["Pakistan", "China"],
                                evidence=[_ev("signed an MoU")])],
        sectors=[Sector(label="quantum and advanced computing",
                        evidence=[_ev("quantum computing")])],
        targets=[Target(description="China to help Pakistan", deadline="2030",
                        evidence=[_ev("China will help by 2030")])],
        provenance=Provenance(backend="rules", created_at="2026-01-01T00:00:00+00:00"),
    )


GOLD_A1 = _gold(
    parties=[_party("Pakistan"), _party("China")],
    instruments=[_inst("mou", "signed", ["Pakistan", "China"])],
    sectors=["quantum and advanced computing"],
    targets=[_target("China to help Pakistan", deadline="2030")],
    summary_facts=["Pakistan and China signed an MoU on quantum computing.",
                   "China will help Pakistan by 2030."],
)


# --------------------------------------------------------------------------- whole articles


def test_a_perfect_digest_scores_one_everywhere() -> None:
    score = score_article(_digest(), GOLD_A1)
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
    digest = _digest()
    assert (score_article(digest, GOLD_A1).fields
            == score_article(digest.model_dump(mode="json"), GOLD_A1).fields)


def test_negative_article_with_empty_prediction_is_perfect() -> None:
    gold = _gold("neg", summary_facts=["Nearly 50 million people had ACA Marketplace coverage."])
    pred = _pred(summary={"headline": "ACA report", "bullets": [],
                          "one_line": "Nearly 50 million people have had Marketplace coverage."})
    score = score_article(pred, gold)
    for field in score.fields.values():
        assert (field.precision, field.recall, field.f1) == (1.0, 1.0, 1.0)
    assert score.grounding_rate is None
    assert score.fact_coverage == 1.0


def test_predictions_on_a_negative_article_score_zero() -> None:
    score = score_article(_pred(parties=[_party("Pakistan")]), _gold("neg"))
    parties = score.fields["parties"]
    assert (parties.tp, parties.fp, parties.fn) == (0, 1, 0)
    assert (parties.precision, parties.recall, parties.f1) == (0.0, 0.0, 0.0)
    assert score.fields["sectors"].f1 == 1.0


def test_empty_prediction_against_gold_is_all_false_negatives() -> None:
    score = score_article(_pred(), GOLD_A1)
    assert score.fields["parties"] == FieldScore(tp=0, fp=0, fn=2)
    assert score.fields["targets"] == FieldScore(tp=0, fp=0, fn=1)
    assert (score.fields["parties"].precision, score.fields["parties"].recall) == (0.0, 0.0)
    assert score.fact_coverage == 0.0
    assert [g["name"] for g in score.matches["parties"].unmatched_gold] == ["Pakistan", "China"]


def test_missing_prediction_counts_as_all_false_negatives() -> None:
    report = score_all({"a1": _digest(), "stray": _pred()}, [GOLD_A1, _gold("a2", parties=[
        _party("Romania")], summary_facts=["Romania and Pakistan talk."])])
    missing = report.articles[1]
    assert not missing.has_prediction
    assert missing.fields["parties"] == FieldScore(tp=0, fp=0, fn=1)
    assert (missing.fact_coverage, missing.grounding_rate) == (0.0, None)
    assert report.missing == ("a2",)
    assert report.unknown == ("stray",)
    assert report.micro["parties"] == FieldScore(tp=2, fp=0, fn=1)


def test_duplicates_in_the_prediction_are_false_positives() -> None:
    pred = _pred(parties=[_party("China"), _party("PRC"), _party("Pakistan")],
                 sectors=[{"label": "trade"}, {"label": "trade"}])
    gold = _gold(parties=[_party("China"), _party("Pakistan")], sectors=["trade"])
    score = score_article(pred, gold)
    assert score.fields["parties"] == FieldScore(tp=2, fp=1, fn=0)
    assert [p["name"] for p in score.matches["parties"].unmatched_pred] == ["PRC"]
    assert score.fields["sectors"] == FieldScore(tp=1, fp=1, fn=0)


def test_party_kind_accuracy_counts_matched_pairs_only() -> None:
    pred = _pred(parties=[_party("China", "government_body"), _party("Pakistan"),
                          _party("Mars")])
    score = score_article(pred, _gold(parties=[_party("China"), _party("Pakistan")]))
    assert score.party_kind_accuracy == 0.5


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(("raw", "normalized"), [
    ("PRC", "china"),
    ("People's Republic of China", "china"),
    ("the People’s Republic of China", "china"),
    ("U.S.", "united states"),
    ("USA", "united states"),
    ("United States of America", "united states"),
    ("UK", "united kingdom"),
    ("UAE", "united arab emirates"),
    ("South Korea", "republic of korea"),
    ("ROK", "republic of korea"),
    ("Korea, Republic of", "republic of korea"),
    ("Constanța", "constanta"),
    ("Rear Admiral Atiq-ur-Rehman", "atiq ur rehman"),
    ("Dr. Ahsan Iqbal", "ahsan iqbal"),
    ("The U.S. Department of State", "united states department of state"),
])
def test_normalize_name(raw: str, normalized: str) -> None:
    assert normalize_name(raw) == normalized


def test_aliases_match_as_parties() -> None:
    pred = _pred(parties=[_party("People's Republic of China"), _party("U.S.")])
    gold = _gold(parties=[_party("United States"), _party("PRC")])
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
    pred = _pred(parties=[_party("Minister Iqbal", "person")])
    gold = _gold(parties=[_party("Ahsan Iqbal", "person")])
    assert score_article(pred, gold).fields["parties"] == FieldScore(tp=1, fp=0, fn=0)


def test_fuzzy_names_use_the_threshold() -> None:
    assert name_score("Planning Ministry", "Ministry of Planning (Pakistan)") == pytest.approx(
        91.89, abs=0.01)
    assert name_score("Planning Ministry", "Ministry of Planning (Pakistan)",
                      threshold=95.0) == 0.0


# --------------------------------------------------------------------------- instruments


def test_instruments_need_the_same_status() -> None:
    pred = _pred(instruments=[_inst("mou", "proposed", ["Pakistan", "China"])])
    score = score_article(pred, _gold(instruments=[_inst("mou", "signed", ["PRC", "Pakistan"])]))
    assert score.fields["instruments"] == FieldScore(tp=0, fp=1, fn=1)
    assert score.fields["instruments_kind"] == FieldScore(tp=1, fp=0, fn=0)


def test_instruments_need_overlapping_parties_or_matching_titles() -> None:
    gold = _gold(instruments=[_inst("mou", "signed", ["United States", "Malaysia"])])
    other = _pred(instruments=[_inst("mou", "signed", ["Pakistan"])])
    assert score_article(other, gold).fields["instruments"].tp == 0
    unnamed = _pred(instruments=[_inst("mou", "signed", [])])
    assert score_article(unnamed, gold).fields["instruments"].tp == 1
    gold = _gold(instruments=[_inst("corridor", "proposed", ["India"],
                                    "India – Middle East – Europe Economic Corridor (IMEC)")])
    titled = _pred(instruments=[_inst("corridor", "proposed", ["Italy"], "IMEC")])
    assert score_article(titled, gold).fields["instruments"].tp == 1


def test_background_instruments_can_be_left_out() -> None:
    gold = _gold(instruments=[_inst("mou", "signed", ["China"]),
                              _inst("initiative", "implemented", ["China"], "Belt and Road",
                                    background=True)])
    pred = _pred(instruments=[_inst("mou", "signed", ["China"])])
    assert score_article(pred, gold).fields["instruments"] == FieldScore(tp=1, fp=0, fn=1)
    config = MatchConfig(include_background=False)
    assert score_article(pred, gold, config).fields["instruments"] == FieldScore(1, 0, 0)


# --------------------------------------------------------------------------- targets


def test_numbers_understand_digits_words_and_scales() -> None:
    assert numbers("3 -> 6 ports") == numbers("from three to six") == {3.0, 6.0}
    assert numbers("$7.5 million") == {7_500_000.0}
    assert numbers("$600,000") == {600_000.0}
    assert numbers(None) == frozenset()


def test_targets_match_on_value_and_deadline() -> None:
    gold = _gold(targets=[_target("Expand the number of operational ports in Pakistan",
                                  "3 -> 6 ports", "2047")])
    pred = _pred(targets=[_target("Grow capacity by 2047", "from three to six", "by 2047")])
    assert score_article(pred, gold).fields["targets"] == FieldScore(tp=1, fp=0, fn=0)
    late = _pred(targets=[_target("Grow capacity", "from three to six", "by 2050")])
    assert score_article(late, gold).fields["targets"] == FieldScore(tp=0, fp=1, fn=1)


def test_targets_match_on_similar_descriptions() -> None:
    gold = _gold(targets=[_target("China to assist Pakistan in establishing the National "
                                  "Center for Quantum Computing")])
    pred = _pred(targets=[_target("Establish a National Center for Quantum Computing in "
                                  "Pakistan with Chinese help"),
                          _target("Quantum investment")])
    score = score_article(pred, gold)
    assert score.fields["targets"] == FieldScore(tp=1, fp=1, fn=0)
    assert score.matches["targets"].unmatched_pred[0]["description"] == "Quantum investment"


# --------------------------------------------------------------------------- facts, grounding


def test_content_words_are_stemmed_and_expanded() -> None:
    assert content_words("The U.S. signed agreements, expanding ports from three to six.") == [
        "unit", "stat", "sign", "agreement", "expand", "port", "3", "6"]


def test_fact_coverage_uses_the_threshold() -> None:
    gold = _gold(summary_facts=[
        "Pakistan aims to expand its operational ports from three to six by 2047.",
        "Romania is interested in importing Pakistani sports goods and surgical instruments.",
    ])
    pred = _pred(summary={"headline": "Ports plan", "one_line": "Pakistan plans to expand "
                          "from 3 to 6 operational ports by 2047.", "bullets": ["Trade talks."]})
    score = score_article(pred, gold)
    # fact 1: 7 of its 8 content words (all but "aim"); fact 2: none of its 8.
    assert score.facts_covered == (True, False)
    assert score.fact_coverage == 0.5
    strict = score_article(pred, gold, MatchConfig(fact_threshold=0.9))
    assert strict.fact_coverage == 0.0


def test_grounding_rate_counts_items_with_bad_spans() -> None:
    pred = _digest().model_dump(mode="json")
    pred["parties"][1]["evidence"][0]["start"] += 1
    pred["sectors"][0]["evidence"] = []
    score = score_article(pred, GOLD_A1)
    assert score.grounding_rate == pytest.approx(3 / 5)


# --------------------------------------------------------------------------- aggregation


def test_micro_and_macro_by_hand() -> None:
    golds = [
        _gold("a", parties=[_party("Pakistan"), _party("China"), _party("Romania")]),
        _gold("b", parties=[_party("India")]),
        _gold("c"),
    ]
    preds = {
        "a": _pred(parties=[_party("Pakistan"), _party("France")]),  # tp1 fp1 fn2
        "b": _pred(parties=[_party("India")]),  # tp1
        "c": _pred(),  # negative, both empty
    }
    report = score_all(preds, golds)
    assert report.micro["parties"] == FieldScore(tp=2, fp=1, fn=2)
    micro = report.micro["parties"]
    assert (micro.precision, micro.recall, micro.f1) == pytest.approx((2 / 3, 1 / 2, 4 / 7))
    # a: P 1/2, R 1/3, F1 2/5; b: 1, 1, 1; c: 1, 1, 1
    assert report.macro["parties"] == pytest.approx(((0.5 + 2) / 3, (1 / 3 + 2) / 3, 2.4 / 3))


def test_field_score_zero_cases() -> None:
    assert (FieldScore().precision, FieldScore().recall, FieldScore().f1) == (1.0, 1.0, 1.0)
    only_gold = FieldScore(fn=2)
    assert (only_gold.precision, only_gold.recall, only_gold.f1) == (0.0, 0.0, 0.0)
    assert FieldScore(1, 2, 3) + FieldScore(1, 0, 1) == FieldScore(2, 2, 4)


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


# --------------------------------------------------------------------------- reports


def _two_systems() -> dict[str, Any]:
    golds = [GOLD_A1, _gold("neg")]
    good = score_all({"a1": _digest(), "neg": _pred()}, golds)
    weaker = score_all({"a1": _pred(parties=[_party("China"), _party("Mars")]),
                        "neg": _pred()}, golds)
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
