"""Plain-text cleanup: furniture lines go, content stays, offsets map back exactly."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from summarizer.article import OffsetMap
from summarizer.ingest import load_text
from summarizer.ingest.clean import clean_lines, is_furniture
from summarizer.ingest.lines import split_lines
from summarizer.ingest.spans import assemble

SEED = (Path(__file__).resolve().parent.parent / "examples" / "seed-articles.txt").read_text(
    encoding="utf-8"
)
TITLE = "Kenya and Japan agree geothermal partnership"
PAGE = f"""{TITLE}

{TITLE}
This photo, released on March 14, 2025, shows the signing in Nairobi. (Photo courtesy: JICA)
Short Url
Updated 15 March 2025
Follow

{TITLE}
  • Japan to lend 40 billion yen for wells
  - Training for 200 engineers

NAIROBI: Kenya and Japan signed an agreement on Friday.
Advertisement
Photo: A geothermal plant at Olkaria.
File photo of the Menengai field.

Share
Read more: Kenya's energy plans
Recent Posts
The deal covers drilling at the Menengai field.
"""


def _cleaned(text: str, title: str | None = TITLE) -> tuple[str, OffsetMap]:
    result = clean_lines(text, split_lines(text), title)
    return result.text, result.offsets


def test_furniture_lines_are_dropped_and_content_kept() -> None:
    text, _ = _cleaned(PAGE)
    assert text == (
        "  • Japan to lend 40 billion yen for wells\n"
        "  - Training for 200 engineers\n"
        "\n"
        "NAIROBI: Kenya and Japan signed an agreement on Friday.\n"
        "\n"
        "The deal covers drilling at the Menengai field."
    )


@pytest.mark.parametrize("line", [
    "Short Url", "Follow", "Advertisement", "ADVERTISEMENT", "Recent Posts", "Share",
    "Read more", "Read more: another story", "Updated 41 sec ago", "Updated 27 October 2025",
    "Published: Oct 23, 2025", "October 23, 2025", "2 hours ago",
    "This photo, released on October 23, 2025, shows officials.",
    "(Photo courtesy: CPEC)", "Photo: Reuters", "File photo of the port.",
])
def test_is_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "  • Pakistan to establish National Center for Quantum Computing",
    "- Share of exports rose to 40 percent",
    "Updated figures show exports grew 3 percent on Tuesday.",
    "Photography exhibitions will be held in both capitals.",
    "Following the meeting, the ministers signed the accord.",
    "ISLAMABAD: Pakistan and China this month signed a Memorandum of Understanding.",
])
def test_content_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_title_lines_dropped_only_when_they_equal_the_title() -> None:
    assert is_furniture(f"  {TITLE.upper()}  ", TITLE)
    assert not is_furniture(f"{TITLE} next year", TITLE)
    assert not is_furniture(TITLE)  # without a title it is just a line


def test_offset_map_maps_every_character_exactly() -> None:
    text, offsets = _cleaned(PAGE)
    assert len(offsets.pieces) > 1  # dropped lines leave gaps
    for i, char in enumerate(text):
        assert PAGE[offsets.to_original(i)] == char


def _spans_inside_pieces(offsets: OffsetMap, count: int) -> list[tuple[int, int]]:
    rng = random.Random(7)
    pieces = [piece for piece in offsets.pieces if piece[2] >= 2]
    spans = []
    for _ in range(count):
        clean_start, _, length = rng.choice(pieces)
        a, b = sorted(rng.sample(range(length), 2))
        spans.append((clean_start + a, clean_start + b))
    return spans


@pytest.mark.parametrize("original", [PAGE, SEED], ids=["page", "seed"])
def test_offset_map_spans_slice_the_same_text(original: str) -> None:
    for article in load_text(original, origin="x"):
        offsets = article.offsets
        assert offsets is not None
        for start, end in _spans_inside_pieces(offsets, 300):
            mapped = original[offsets.to_original(start) : offsets.to_original(end)]
            assert mapped == article.text[start:end]
            # An end offset at a run's end: map the last character and step past it.
            last = offsets.to_original(end - 1) + 1
            assert original[offsets.to_original(start) : last] == article.text[start:end]


def test_offsets_of_seed_articles_point_into_the_input() -> None:
    first, second = load_text(SEED, origin="seed.txt")
    assert first.offsets is not None and second.offsets is not None
    assert first.offsets.pieces == ((0, 497, 2860),)
    assert second.offsets.pieces == ((0, 3677, 2960),)
    assert SEED[497 : 497 + 2860] == first.text
    assert SEED[3677 : 3677 + 2960] == second.text


def test_assemble_merges_touching_runs_and_skips_empty_ones() -> None:
    text, offsets = assemble("abcdefghij", [(0, 2), (2, 4), (5, 5), (6, 8)])
    assert text == "abcdgh"
    assert offsets.pieces == ((0, 0, 4), (4, 6, 2))


def test_blank_runs_collapse_and_ends_are_trimmed() -> None:
    original = "\n\n  first line\n\n\nAdvertisement\n\n\nsecond line  \n\n"
    result = clean_lines(original, split_lines(original))
    assert result.text == "  first line\n\nsecond line"
    assert result.dropped == ("Advertisement",)


def test_clean_false_keeps_every_line() -> None:
    original = "Share\nBody text here.\nFollow\n"
    result = clean_lines(original, split_lines(original), clean=False)
    assert result.text == "Share\nBody text here.\nFollow"
    assert result.offsets.pieces == ((0, 0, len(result.text)),)


def test_crlf_lines_keep_exact_offsets() -> None:
    original = "Short Url\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n"
    text, offsets = _cleaned(original, None)
    assert text == "First paragraph.\r\n\r\nSecond paragraph."
    assert offsets.pieces == ((0, 11, len(text)),)
