"""Normalisation for matching: numbers in values, content words of facts and summaries."""

from __future__ import annotations

from summarizer.evaluation.normalise import content_words, numbers


def test_numbers_understand_digits_words_and_scales() -> None:
    assert numbers("3 -> 6 ports") == numbers("from three to six") == {3.0, 6.0}
    assert numbers("$7.5 million") == {7_500_000.0}
    assert numbers("$600,000") == {600_000.0}
    assert numbers(None) == frozenset()


def test_content_words_are_stemmed_and_expanded() -> None:
    assert content_words("The U.S. signed agreements, expanding ports from three to six.") == [
        "unit", "stat", "sign", "agreement", "expand", "port", "3", "6"]
