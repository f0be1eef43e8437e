"""Sentence splitting for the rules backend: abbreviations, bullets, markdown, quotes."""

from __future__ import annotations

from summarizer.rules.blocks import is_wrapped, split_blocks
from summarizer.rules.sentences import split_sentences


def _texts(text: str, title: str | None = None) -> list[str]:
    return [s.text for s in split_sentences(text, title).sentences]


def test_abbreviations_initials_and_acronyms_do_not_end_sentences() -> None:
    text = ("President Joseph R. Biden, Jr. met Dr. Dan Stoenescu on Jan. 5 in the U.S. "
            "and Mr. Khan. The talks ended in the U.S. The next round is in May.")
    assert _texts(text) == [
        "President Joseph R. Biden, Jr. met Dr. Dan Stoenescu on Jan. 5 in the U.S. and "
        "Mr. Khan.",
        "The talks ended in the U.S.",
        "The next round is in May.",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = "“This is a new chapter,” the minister said. “Quantum is the future.” He left."
    assert _texts(text) == ["“This is a new chapter,” the minister said.",
                            "“Quantum is the future.”", "He left."]


def test_dateline_is_skipped_and_offsets_are_exact() -> None:
    text = "KARACHI: Pakistan and Romania are exploring new maritime links between ports."
    doc = split_sentences(text)
    [sentence] = doc.sentences
    assert sentence.text.startswith("Pakistan and Romania")
    assert text[sentence.start:sentence.end] == sentence.text
    assert sentence.start == len("KARACHI: ")


def test_bullets_and_boilerplate_lines_are_their_own_blocks() -> None:
    text = ("Short Url\nUpdated 27 October 2025\nFollow\n\n"
            "  • Pakistan to establish a national quantum centre with Chinese support\n"
            "  • Move aligns with the corridor's second phase focus on technology\n\n"
            "ISLAMABAD: Pakistan and China this month signed a memorandum of understanding "
            "to enhance cooperation in quantum technologies, officials said on Monday in a "
            "statement released after the ceremony in the capital city.\n")
    doc = split_sentences(text)
    assert [s.kind for s in doc.sentences] == [
        "boilerplate", "boilerplate", "boilerplate", "bullet", "bullet", "para"]
    assert doc.sentences[3].text == ("Pakistan to establish a national quantum centre with "
                                    "Chinese support")
    assert [s.text[:8] for s in doc.content] == ["Pakistan", "Move ali", "Pakistan"]


def test_hard_wrapped_markdown_is_rejoined_and_list_labels_split_off() -> None:
    text = (" \nThe United States and Japan announced new projects on clean energy and on\n"
            "critical minerals that will run for the next three years and more.\n\n"
            "-   <span style=\"text-decoration: underline\">Clean Hydrogen\n"
            "    Exchange:</span>  The United States will provide $25 million to\n"
            "    support joint pilot projects.\n\n"
            "**<u>New Initiatives</u>**\n\n"
            "\\###\n")
    doc = split_sentences(text)
    kinds = [(s.kind, s.flat) for s in doc.sentences]
    assert kinds == [
        ("para", "The United States and Japan announced new projects on clean energy and on "
                 "critical minerals that will run for the next three years and more."),
        ("heading", "Clean Hydrogen Exchange:"),
        ("bullet", "The United States will provide $25 million to support joint pilot "
                   "projects."),
        ("heading", "New Initiatives"),
    ]
    for sentence in doc.sentences:
        assert text[sentence.start:sentence.end] == sentence.text


def test_wrapped_detection_tells_paragraph_lines_from_wrapped_lines() -> None:
    long_lines = ("word " * 40 + "\n") * 5
    short_lines = ("word " * 13 + "\n") * 5
    assert not is_wrapped(long_lines, _line_spans(long_lines))
    assert is_wrapped(short_lines, _line_spans(short_lines))


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def test_caption_and_title_repeats_are_not_content() -> None:
    title = "Pakistan, China sign MoU on quantum technologies"
    text = (f"{title}\nThis photo, released on October 23, 2025, shows officials during the "
            "signing. (Photo courtesy: CPEC)\n\nPakistan and China signed a memorandum of "
            "understanding on quantum technologies this month, officials said.\n")
    doc = split_sentences(text, title)
    assert [s.kind for s in doc.sentences] == ["heading", "caption", "para"]
    assert doc.sentences[0].duplicate
    assert len(doc.content) == 1


def test_blocks_strip_list_markers_and_markup_at_edges() -> None:
    text = "-   **Bold lead** and more text here to make a longer line of words.\n"
    [block] = split_blocks(text)
    assert text[block.start:block.end] == "Bold lead** and more text here to make a longer " \
                                          "line of words."
    assert block.kind == "bullet"
