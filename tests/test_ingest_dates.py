"""Dates: absolute dates become ISO, relative ones are reported, nothing is invented."""

from __future__ import annotations

import pytest

from summarizer.ingest.dates import (
    find_published,
    find_relative,
    is_meta_line,
    normalize_published,
    parse_absolute,
    parse_date,
)


@pytest.mark.parametrize(("text", "iso"), [
    ("Updated 27 October 2025", "2025-10-27"),
    ("October 23, 2025", "2025-10-23"),
    ("Oct. 23 2025", "2025-10-23"),
    ("23rd Oct 2025", "2025-10-23"),
    ("Sept 1, 2024", "2024-09-01"),
    ("2025-10-27", "2025-10-27"),
    ("2025-03-14T09:30:00+03:00", "2025-03-14"),
    ("2025/3/4", "2025-03-04"),
    ("released on October 23, 2025, shows", "2025-10-23"),
])
def test_absolute_dates(text: str, iso: str) -> None:
    assert parse_absolute(text) == iso


@pytest.mark.parametrize("text", [
    "31 February 2025", "October 2025", "23 October", "10/11/2025", "2025-13-01", "no date",
])
def test_incomplete_or_impossible_dates_are_not_guessed(text: str) -> None:
    assert parse_absolute(text) is None


@pytest.mark.parametrize(("text", "phrase"), [
    ("Updated 41 sec ago", "41 sec ago"),
    ("2 hours ago", "2 hours ago"),
    ("Published on Tuesday", "on Tuesday"),
    ("an hour ago", "an hour ago"),
    ("yesterday", "yesterday"),
])
def test_relative_dates(text: str, phrase: str) -> None:
    assert find_relative(text) == phrase
    found = parse_date(text)
    assert found is not None
    assert (found.iso, found.relative) == (None, phrase)


def test_parse_date_prefers_absolute_and_returns_none_without_a_date() -> None:
    found = parse_date("Updated 2 hours ago, first published 27 October 2025")
    assert found is not None and found.iso == "2025-10-27"
    assert parse_date("The ministers met in Karachi.") is None


@pytest.mark.parametrize(("line", "meta"), [
    ("Updated 27 October 2025", True),
    ("Last updated: 2025-10-27 10:32 GMT", True),
    ("Tuesday, October 28, 2025 at 10:00 AM PKT", True),
    ("Updated 41 sec ago", True),
    ("3 days ago", True),
    ("Updated figures show growth on Tuesday", False),
    ("Deal agreed to run to 2025-10-01 and beyond", False),
    ("The ministers met on Tuesday in Karachi.", False),
])
def test_meta_lines(line: str, meta: bool) -> None:
    assert is_meta_line(line) is meta


def test_updated_line_is_preferred_over_a_caption_date() -> None:
    lines = [
        "This photo, released on October 23, 2025, shows officials.",
        "Updated 27 October 2025",
        "ISLAMABAD: Pakistan and China this month signed an MoU.",
    ]
    assert find_published(lines) == ("2025-10-27", ())


def test_date_only_line_then_city_dateline() -> None:
    assert find_published(["Friday 14 March 2025", "Body."]) == ("2025-03-14", ())
    dateline = ["NAIROBI, March 14, 2025 — Kenya and Japan signed a deal."]
    assert find_published(dateline) == ("2025-03-14", ())


def test_relative_updated_line_gives_none_and_a_warning() -> None:
    published, warnings = find_published(["Updated 41 sec ago", "KARACHI: said on Tuesday."])
    assert published is None
    assert warnings == (
        "published date is relative ('41 sec ago'); left empty rather than guessed",
    )


def test_absolute_dateline_wins_over_a_relative_updated_line() -> None:
    assert find_published(["Updated 2 hours ago", "October 23, 2025"]) == ("2025-10-23", ())


def test_body_weekdays_and_caption_dates_are_not_publication_dates() -> None:
    lines = ["KARACHI: Pakistan and Romania talked, the ministry said on Tuesday.",
             "This photo, released on October 23, 2025, shows officials."]
    assert find_published(lines) == (None, ())


def test_normalize_published() -> None:
    assert normalize_published("2025-03-14T09:30:00+03:00") == ("2025-03-14", ())
    assert normalize_published("2 hours ago") == (
        None, ("published date is relative ('2 hours ago'); left empty rather than guessed",))
    assert normalize_published("soon") == (
        None, ("published value 'soon' is not a date that can be read; left empty",))
