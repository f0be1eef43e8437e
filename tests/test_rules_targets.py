"""Targets found by the rules: forward-looking numbers and commitments, no past figures."""

from __future__ import annotations

import pytest

from summarizer.models import Target
from summarizer.rules import RulesConfig
from summarizer.rules.numbers import as_number, deadline
from summarizer.rules.sentences import split_sentences
from summarizer.rules.targets import find_targets


def _targets(text: str) -> list[Target]:
    return find_targets(split_sentences(text), RulesConfig())


def test_range_with_deadline_and_unit() -> None:
    text = ("The government aims to expand the number of operational ports from three to six "
            "by 2047, with Karachi, Port Qasim and Gwadar serving as anchors.")
    [target] = _targets(text)
    assert (target.value, target.unit, target.deadline) == ("3 -> 6", "operational ports",
                                                           "2047")
    assert target.description == ("The government aims to expand the number of operational "
                                  "ports from three to six by 2047")
    assert target.evidence[0].quote == text


@pytest.mark.parametrize(("text", "value", "unit", "due"), [
    ("The bank plans to lend $2 billion by 2030 for new railways.", "$2 billion", "USD",
     "2030"),
    ("The two countries aim to reach 50 percent more trade by the end of 2030.", "50%",
     "trade", "2030"),
    ("The Administration intends to provide more than $505 million in fiscal year (FY) 2024 "
     "bilateral assistance.", "more than $505 million", "USD", "2024"),
    ("Japan plans to fund 200 scholarships for engineering students over the next three "
     "years.", "200", "scholarships", "next three years"),
    ("The Participants intend to meet within the next sixty days to develop an action plan.",
     None, None, "within the next sixty days"),
])
def test_numeric_targets(text: str, value: str | None, unit: str | None, due: str) -> None:
    [target] = _targets(text)
    assert (target.value, target.unit, target.deadline) == (value, unit, due)


@pytest.mark.parametrize("text", [
    "Pakistan’s maritime sector contributes less than one percent to GDP.",
    "The first phase of the corridor, launched in 2015, focused on power projects.",
    "The U.S. government has provided over $5.2 billion to support the response since 2002.",
    "Chaudhry said the existing ports are expected to reach full capacity before 2047.",
    "Exports of natural gas to Japan grew by 12 percent in 2023.",
])
def test_past_statistics_and_forecasts_are_not_targets(text: str) -> None:
    assert _targets(text) == []


def test_commitments_without_numbers() -> None:
    text = ("“China will assist Pakistan in establishing the National Center for Quantum "
            "Computing, which will mark a major step forward,” the minister said. This "
            "collaboration will serve as a new chapter.")
    [target] = _targets(text)
    assert target.value is None
    assert target.description == ("China will assist Pakistan in establishing the National "
                                  "Center for Quantum Computing")


def test_items_of_a_committed_list_are_targets() -> None:
    text = ("In particular, we intend to closely collaborate to:\n\n"
            "-   **Advance Safe AI**: Foster acceptance of international AI standards.\n\n"
            "-   **Train Talent**: Support joint training programs for engineers.\n")
    assert [t.description for t in _targets(text)] == [
        "Foster acceptance of international AI standards",
        "Support joint training programs for engineers"]


def test_numeric_targets_rank_before_commitments_within_the_limit() -> None:
    text = ("The sides will cooperate on training. The sides will cooperate on ports. The "
            "United States will provide $7.5 million in assistance.")
    config = RulesConfig(max_targets=2)
    targets = find_targets(split_sentences(text), config)
    assert [t.value for t in targets] == [None, "$7.5 million"]


@pytest.mark.parametrize(("word", "number"), [("three", "3"), ("1,200", "1200"), ("6", "6")])
def test_as_number(word: str, number: str) -> None:
    assert as_number(word) == number


def test_deadline_phrases_are_kept_as_stated() -> None:
    assert deadline("open by March 2023 at the latest") == "March 2023"
    assert deadline("later this year, the council will meet") == "later this year"
    assert deadline("no deadline here") is None


def _targets_of(text: str) -> list[str]:
    from summarizer.rules.config import RulesConfig
    from summarizer.rules.sentences import split_sentences
    from summarizer.rules.targets import find_targets

    return [t.description for t in find_targets(split_sentences(text, None), RulesConfig())]


def test_goals_written_with_aim_seek_and_set_a_target_are_found() -> None:
    found = _targets_of(
        "The two countries aim to double bilateral trade to $10 billion by 2030. "
        "Kenya and the United States seek to conclude a trade agreement next year. "
        "The partners set a target of 5,000 megawatts of new capacity by 2028.\n")
    assert len(found) == 3


def test_past_figures_forecasts_and_claimed_effects_are_not_targets() -> None:
    found = _targets_of(
        "Trade between the two countries totaled $66.7 billion in 2009. "
        "Economists said the deal could boost exports by $10 billion. "
        "This support will help the coast guard increase its capacity.\n")
    assert found == []


def test_recitals_and_hopes_are_not_targets_but_committed_amounts_are() -> None:
    found = _targets_of(
        "Whereas, the Participants intend to support the supply of critical minerals. "
        "Abe says he hopes the trade agreement will improve relations. "
        "Across the four MOUs, the United States has committed almost $1.4 billion. "
        "The Participants have decided to convene a ministerial within 180 days.\n")
    assert len(found) == 2
    assert any("$1.4 billion" in f for f in found)
    assert any("ministerial" in f for f in found)
