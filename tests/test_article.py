from __future__ import annotations

import pytest

from summarizer import summarize
from summarizer.article import Article, OffsetMap, content_id, text_sha256
from summarizer.errors import InputError


def test_content_id_ignores_wrapping_and_unicode_form() -> None:
    a = "Pakistan and Romania\nexplore a corridor via Constan\u021ba."
    b = "Pakistan and Romania explore a corridor   via Constan\u021ba.\n"
    assert content_id(a) == content_id(b)
    assert content_id(a) != content_id(a + " More.")
    assert content_id(a).startswith("sha256:")


def test_key_prefers_the_inputs_own_id() -> None:
    assert Article(text="x y", id="feed-42").key == "feed-42"
    assert Article(text="x y").key == content_id("x y")


def test_info_carries_the_text_and_its_hash() -> None:
    info = Article(text="Some text.", title="T", published="2025-10-27").info()
    assert info.sha256 == text_sha256("Some text.")
    assert (info.text, info.title, info.published) == ("Some text.", "T", "2025-10-27")


def test_offset_map_maps_runs_back_to_the_original() -> None:
    original = "HEAD\nShort Url\nBody one.\nFollow\nBody two."
    cleaned = "Body one.\nBody two."
    pieces = ((0, original.index("Body one."), 10), (10, original.index("Body two."), 9))
    mapping = OffsetMap(pieces=pieces)
    start, end = cleaned.index("two"), cleaned.index("two") + 3
    assert original[mapping.to_original(start) : mapping.to_original_end(end)] == "two"
    # An end exactly at a run boundary closes the previous run, not the next one.
    end_of_first = len("Body one.\n")
    assert original[mapping.to_original(0) : mapping.to_original_end(end_of_first)] == (
        "Body one.\n")
    assert OffsetMap().to_original(7) == 7


def test_label_names_origin_and_id() -> None:
    assert Article(text="x", origin="feed.jsonl:3", id="a1").label == "feed.jsonl:3 [a1]"
    assert Article(text="x").label == "<text>"


def test_a_lone_surrogate_is_a_clear_input_error_not_a_unicode_crash() -> None:
    with pytest.raises(InputError, match=r"^feed\.jsonl:3: the article text holds a lone "
                                         r"surrogate U\+D800 at offset 2"):
        Article(text="a \ud800 b", origin="feed.jsonl:3")
    with pytest.raises(InputError, match=r'^<text>: the "id" holds a lone surrogate'):
        Article(text="fine", id="x\udc80")
    with pytest.raises(InputError, match="lone surrogate"):
        summarize("Pakistan and China signed an MoU \udfff on ports.")
