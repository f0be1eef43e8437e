"""Splitting multi-article dumps: the repeated-headline pattern, weaker cues, the seed file."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.errors import InputError
from summarizer.ingest import IngestConfig, load_text
from summarizer.ingest.lines import split_lines
from summarizer.ingest.split import find_headlines, split_articles
from summarizer.ingest.text import LOW_SPLIT_WARNING, PREAMBLE_WARNING

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "examples" / "seed-articles.txt").read_text(encoding="utf-8")
FIXTURES = Path(__file__).resolve().parent / "fixtures"
QUANTUM = "Pakistan, China sign MoU to expand cooperation in quantum technologies"
ROMANIA = "Pakistan eyes European trade corridor via Romania to boost blue economy"


def test_seed_splits_into_its_two_articles() -> None:
    first, second = load_text(SEED, origin="seed.txt")
    assert (first.title, second.title) == (QUANTUM, ROMANIA)
    assert (first.origin, second.origin) == ("seed.txt#1", "seed.txt#2")
    assert first.text.startswith(
        "  • Pakistan to establish National Center for Quantum Computing with Chinese support\n"
    )
    assert second.text.startswith("  • Maritime minister, Romanian envoy discuss linking")
    assert "\n\nISLAMABAD: Pakistan and China this month signed a Memorandum" in first.text
    assert first.text.endswith("knowledge-based development,” he added.")
    assert second.text.endswith("shared prosperity.”")


def test_seed_articles_have_no_page_furniture_and_no_title() -> None:
    for article in load_text(SEED):
        lines = {line.strip() for line in article.text.splitlines()}
        assert not lines & {"Short Url", "Follow", QUANTUM, ROMANIA}
        assert not any(line.startswith(("Updated", "This photo")) for line in lines)
        assert "Photo courtesy" not in article.text


def test_seed_articles_equal_the_hand_cut_fixtures() -> None:
    first, second = load_text(SEED)
    quantum = (FIXTURES / "seed-quantum.txt").read_text(encoding="utf-8")
    romania = (FIXTURES / "seed-romania.txt").read_text(encoding="utf-8")
    assert first.text == quantum.rstrip()
    assert second.text == romania.rstrip()


def test_seed_dates_and_warnings() -> None:
    first, second = load_text(SEED)
    assert first.published == "2025-10-27"
    assert first.warnings == ()
    assert second.published is None
    assert second.warnings == (
        "published date is relative ('41 sec ago'); left empty rather than guessed",
    )


def test_seed_split_is_high_confidence() -> None:
    result = split_articles(split_lines(SEED))
    assert result.confidence == "high"
    assert [segment.title for segment in result.segments] == [QUANTUM, ROMANIA]
    lines = split_lines(SEED)
    assert find_headlines(lines) == [(0, QUANTUM), (37, ROMANIA)]
    assert lines[37].text == ROMANIA and lines[36].text == ""


def test_split_disabled_keeps_one_article_with_the_first_title() -> None:
    (article,) = load_text(SEED, origin="seed.txt", config=IngestConfig(split=False))
    assert article.origin == "seed.txt"
    assert article.title == QUANTUM
    assert "KARACHI: Pakistan and Romania" in article.text
    assert ROMANIA in article.text  # only lines equal to the (first) title are dropped


def test_headline_seen_once_does_not_split() -> None:
    text = "A headline about trade deals\n\nBody text of the article goes here.\n"
    result = split_articles(split_lines(text))
    assert result.confidence == "none"
    assert len(result.segments) == 1
    assert result.segments[0].title is None


def test_repeated_line_far_apart_is_not_a_headline() -> None:
    filler = "\n".join(f"Paragraph {i} of the body text." for i in range(20))
    text = f"Ministers meet in Geneva today\n{filler}\nMinisters meet in Geneva today\n"
    assert find_headlines(split_lines(text)) == []


def test_repeated_standfirst_inside_a_cluster_does_not_start_an_article() -> None:
    text = (
        "Chile and Germany sign hydrogen accord\n"
        "Deal covers exports of green ammonia\n"
        "Chile and Germany sign hydrogen accord\n"
        "Deal covers exports of green ammonia\n\n"
        "SANTIAGO: Chile and Germany signed an accord on Monday.\n"
    )
    (article,) = load_text(text)
    assert article.title == "Chile and Germany sign hydrogen accord"
    assert article.text == (
        "Deal covers exports of green ammonia\nDeal covers exports of green ammonia\n\n"
        "SANTIAGO: Chile and Germany signed an accord on Monday."
    )


def test_separator_lines_split_with_low_confidence_and_a_warning() -> None:
    text = "First article body, long enough.\n\n---\n\nSecond article body.\n* * *\n\n"
    result = split_articles(split_lines(text))
    assert result.confidence == "low"
    first, second = load_text(text, origin="dump.txt")
    assert (first.text, second.text) == ("First article body, long enough.",
                                         "Second article body.")
    assert (first.origin, second.origin) == ("dump.txt#1", "dump.txt#2")
    assert first.warnings == second.warnings == (LOW_SPLIT_WARNING,)


def test_text_before_the_first_headline_is_kept_with_a_warning() -> None:
    text = f"Some introduction paragraph that is not page furniture.\n\n{SEED}"
    preamble, first, second = load_text(text, origin="x")
    assert preamble.title is None
    assert preamble.text == "Some introduction paragraph that is not page furniture."
    assert preamble.warnings == (PREAMBLE_WARNING,)
    assert (first.title, second.title) == (QUANTUM, ROMANIA)
    assert first.origin == "x#2"


def test_furniture_only_preamble_is_dropped_silently() -> None:
    articles = load_text(f"Recent Posts\nShare\n\n{SEED}")
    assert [a.title for a in articles] == [QUANTUM, ROMANIA]


def test_markdown_heading_is_the_title_and_leaves_the_text() -> None:
    (article,) = load_text("# Kenya and Japan agree geothermal deal\n\nNAIROBI: Kenya and Japan.\n")
    assert article.title == "Kenya and Japan agree geothermal deal"
    assert article.text == "NAIROBI: Kenya and Japan."


def test_only_furniture_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"^page\.txt: no article text left"):
        load_text("Short Url\nFollow\nAdvertisement\n", origin="page.txt")


def test_empty_text_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"^<text>: input is empty"):
        load_text("  \n\n ")
