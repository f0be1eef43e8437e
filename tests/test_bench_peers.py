"""The peer benchmark's canned answers (bench/peers_items.py): same items, right formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from peers_items import (
    Doc,
    canned_items,
    digest_answer,
    drop_word,
    langextract_answer,
    respaced,
    window,
)

from summarizer.models import DigestDraft

TEXT = ("Updated today. The United States and Malaysia signed a\nMemorandum of Understanding "
        "on critical minerals. Both will expand trade in rare earths by 2030. "
        "Malaysia hosts the first meeting.")
GOLD = {
    "parties": [{"name": "United States", "kind": "country"},
                {"name": "Malaysia", "kind": "country"},
                {"name": "Atlantis", "kind": "country"}],          # not in the text: skipped
    "instruments": [{"kind": "mou", "title": None, "status": "signed"}],
    "sectors": ["critical minerals and mining", "trade"],
    "targets": [{"description": "Expand rare-earth trade", "value": None, "deadline": "2030"}],
}


def test_respaced_writes_what_models_write() -> None:
    assert respaced("a\n  “b” – c’s") == "a \"b\" - c's"


def test_drop_word_prefers_a_small_inner_word() -> None:
    assert drop_word("the cat and the dog") == "the cat and dog"
    assert drop_word("alpha beta gamma") == "alpha gamma"


def test_window_stays_in_the_sentence_at_word_edges() -> None:
    pos = TEXT.index("Malaysia")
    start, end = window(TEXT, pos, len("Malaysia"), before=20, after=30)
    assert TEXT[start:end] == "United States and Malaysia signed a\nMemorandum of"
    start, end = window(TEXT, pos, len("Malaysia"))
    assert TEXT[start:end] == ("The United States and Malaysia signed a\nMemorandum of "
                               "Understanding on critical minerals.")


def test_canned_items_anchor_gold_and_vary_quotes_by_slot() -> None:
    items = canned_items(Doc("d", "Title", TEXT), GOLD)
    assert [(i.field, i.label, i.variant) for i in items] == [
        ("parties", "United States", "exact"),
        ("parties", "Malaysia", "exact"),
        ("instruments", "mou", "respaced"),
        ("sectors", "critical minerals and mining", "exact"),
        ("sectors", "trade", "invented"),
        ("targets", "Expand rare-earth trade", "exact"),
    ]
    mou = items[2]
    assert TEXT[mou.start:mou.end].endswith("signed a\nMemorandum of Understanding on critical "
                                            "minerals.")
    assert mou.quote(TEXT) == respaced(TEXT[mou.start:mou.end])
    assert items[4].quote(TEXT) == "joint work on fusion reactors and lunar mining"


def test_digest_answer_is_a_valid_draft_with_the_same_quotes() -> None:
    doc = Doc("d", "Title", TEXT)
    items = canned_items(doc, GOLD)
    draft = DigestDraft.model_validate_json(digest_answer(doc, items))
    assert [p.name for p in draft.parties] == ["United States", "Malaysia"]
    assert draft.parties[0].evidence == [items[0].quote(TEXT)]
    assert draft.sectors[1].evidence == ["joint work on fusion reactors and lunar mining"]


def test_langextract_answer_holds_the_chunk_items_in_order_of_appearance() -> None:
    doc = Doc("d", "Title", TEXT)
    items = canned_items(doc, GOLD)
    lo, hi = 0, TEXT.index(" Both")
    rows = json.loads(langextract_answer(doc, items, lo, hi))["extractions"]
    assert [next(iter(row)) for row in rows] == ["party", "party", "instrument", "sector"]
    assert rows[0]["party"] == items[0].quote(TEXT, lo, hi)
    assert rows[0]["party_attributes"] == {"name": "United States", "kind": "country"}
    assert rows[3]["sector_attributes"] == {"label": "critical minerals and mining"}
    late, early = canned_items(doc, GOLD)[5], canned_items(doc, GOLD)[0]
    rows = json.loads(langextract_answer(doc, [late, early], 0, len(TEXT)))["extractions"]
    assert [next(iter(row)) for row in rows] == ["party", "target"]


def test_a_quote_cut_by_a_chunk_edge_keeps_the_inside_part() -> None:
    doc = Doc("d", "Title", TEXT)
    mou = canned_items(doc, GOLD)[2]
    hi = TEXT.index(" on critical")
    assert mou.span(0, hi) == (mou.start, hi)
    assert mou.quote(TEXT, 0, hi).endswith("signed a Memorandum of Understanding")
